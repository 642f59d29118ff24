#include "market/admission.h"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace v2v::market {
namespace {

// Owns a GLPK problem object.
struct GlpkDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};
using GlpkProblem = std::unique_ptr<glp_prob, GlpkDeleter>;

double Deliverable(const VolumeProblem& p, int e) {
  const int j = p.edge_seller[e];
  return std::min(p.edge_cap[e], std::max(0.0, p.supply[j]) / (1 + p.rho[j]));
}

bool GreedyMeetsMinimums(const VolumeProblem& p, const std::vector<int>& order) {
  std::vector<double> left = p.supply;
  for (int i : order) {
    double need = p.b_min[i] + (p.b_min[i] > 0 ? kAdmissionMarginKwh : 0.0);
    for (int e = p.buyer_start[i]; e < p.buyer_start[i + 1] && need > 0; ++e) {
      const int j = p.edge_seller[e];
      const double take = std::min({p.edge_cap[e], std::max(0.0, left[j]) / (1 + p.rho[j]), need});
      left[j] -= (1 + p.rho[j]) * take;
      need -= take;
    }
    if (need > 0) return false;
  }
  return true;
}

class FeasibilityLp {
 public:
  explicit FeasibilityLp(const VolumeProblem& p) : p_(p), lp_(glp_create_prob()) {
    glp_set_obj_dir(lp_.get(), GLP_MIN);
    const int nb = p.NumBuyers(), ns = p.NumSellers(), ne = p.NumEdges();
    glp_add_rows(lp_.get(), nb + ns);
    for (int i = 0; i < nb; ++i) glp_set_row_bnds(lp_.get(), 1 + i, GLP_FR, 0, 0);
    for (int j = 0; j < ns; ++j) {
      glp_set_row_bnds(lp_.get(), 1 + nb + j, GLP_UP, 0, std::max(0.0, p.supply[j]));
    }
    if (ne == 0) return;
    glp_add_cols(lp_.get(), ne);
    std::vector<int> ia(1), ja(1);
    std::vector<double> ar(1);
    for (int i = 0; i < nb; ++i) {
      for (int e = p.buyer_start[i]; e < p.buyer_start[i + 1]; ++e) {
        const double cap = p.edge_cap[e];
        if (std::isfinite(cap)) {
          glp_set_col_bnds(lp_.get(), 1 + e, cap > 0 ? GLP_DB : GLP_FX, 0, std::max(0.0, cap));
        } else {
          glp_set_col_bnds(lp_.get(), 1 + e, GLP_LO, 0, 0);
        }
        ia.push_back(1 + i), ja.push_back(1 + e), ar.push_back(1.0);
        ia.push_back(1 + nb + p.edge_seller[e]), ja.push_back(1 + e),
            ar.push_back(1 + p.rho[p.edge_seller[e]]);
      }
    }
    glp_load_matrix(lp_.get(), static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  }

  void Require(int i) {
    glp_set_row_bnds(lp_.get(), 1 + i, GLP_LO, p_.b_min[i] + kAdmissionMarginKwh, 0);
  }
  void Release(int i) { glp_set_row_bnds(lp_.get(), 1 + i, GLP_FR, 0, 0); }

  // Requires buyer i's row to be >= b_min + margin; returns whether the LP stays feasible
  // (and if not, fixes the buyer's deliveries at 0).
  Result<bool> TryAdmit(int i) {
    Require(i);
    V2V_ASSIGN_OR_RETURN(bool feasible, Solve());
    if (!feasible) glp_set_row_bnds(lp_.get(), 1 + i, GLP_FX, 0, 0);
    return feasible;
  }

  Result<bool> Solve() {
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.meth = GLP_DUALP;
    const int rc = glp_simplex(lp_.get(), &parm);
    ++solves_;
    if (rc != 0 && rc != GLP_ENOPFS && rc != GLP_ENODFS) {
      return Status::Internal("GLPK simplex failed with code " + std::to_string(rc));
    }
    return rc == 0 &&
           (glp_get_status(lp_.get()) == GLP_OPT || glp_get_status(lp_.get()) == GLP_FEAS);
  }
  int solves() const { return solves_; }

 private:
  const VolumeProblem& p_;
  GlpkProblem lp_;
  int solves_ = 0;
};

}  // namespace

Result<Admission> AdmitBuyers(const VolumeProblem& p, const std::vector<int>& priority) {
  Admission out;
  out.admitted.assign(p.NumBuyers(), 0);
  std::vector<int> candidates;
  for (int i : priority) {
    if (p.b_min[i] <= 0) {
      out.admitted[i] = 1;  // nothing to guarantee
      continue;
    }
    double alone = 0;
    for (int e = p.buyer_start[i]; e < p.buyer_start[i + 1]; ++e) alone += Deliverable(p, e);
    if (alone >= p.b_min[i] + kAdmissionMarginKwh) candidates.push_back(i);
  }
  if (GreedyMeetsMinimums(p, candidates)) {
    for (int i : candidates) out.admitted[i] = 1;
    return out;
  }
  glp_term_out(GLP_OFF);
  FeasibilityLp lp(p);
  // One LP over every candidate first: when they fit together (the usual case when only the
  // greedy order was unlucky) nobody needs to be considered one by one.
  for (int i : candidates) lp.Require(i);
  V2V_ASSIGN_OR_RETURN(const bool all_fit, lp.Solve());
  if (all_fit) {
    for (int i : candidates) out.admitted[i] = 1;
    out.lp_solves = lp.solves();
    return out;
  }
  for (int i : candidates) lp.Release(i);
  for (int i : candidates) {
    V2V_ASSIGN_OR_RETURN(bool ok, lp.TryAdmit(i));
    out.admitted[i] = ok ? 1 : 0;
  }
  out.lp_solves = lp.solves();
  return out;
}

}  // namespace v2v::market
