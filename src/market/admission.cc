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

// GLPK keeps one environment per thread, made at the thread's first call and never freed unless
// that thread calls glp_free_env: an RSU's or an explorer's worker thread that builds rounds would
// leak it when it ends (LeakSanitizer saw it). A thread that uses GLPK here frees its environment
// as it ends; problems are created and deleted within one call, so none is alive then.
struct GlpkThreadEnv {
  GlpkThreadEnv() = default;
  GlpkThreadEnv(const GlpkThreadEnv&) = delete;
  GlpkThreadEnv& operator=(const GlpkThreadEnv&) = delete;
  ~GlpkThreadEnv() { glp_free_env(); }
};
GlpkProblem NewGlpkProblem() {
  thread_local GlpkThreadEnv env;  // constructed on this thread's first problem
  (void)env;
  return GlpkProblem(glp_create_prob());
}

double Deliverable(const VolumeProblem& p, int e) {
  const int j = p.edge_seller[e];
  return std::min(p.edge_cap[e], std::max(0.0, p.supply[j]) / (1 + p.rho[j]));
}

// A sufficient test: meets every minimum one buyer at a time, the most constrained buyers first
// (least deliverable alone), each drawing first on the sellers with the most energy left.
bool GreedyMeetsMinimums(const VolumeProblem& p, const std::vector<int>& candidates,
                         const std::vector<double>& alone) {
  std::vector<int> order(candidates.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int>(k);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return alone[candidates[a]] - p.b_min[candidates[a]] <
           alone[candidates[b]] - p.b_min[candidates[b]];
  });
  std::vector<double> left = p.supply;
  std::vector<int> edges;
  for (int k : order) {
    const int i = candidates[k];
    double need = p.b_min[i] + kAdmissionMarginKwh;
    edges.clear();
    for (int e = p.buyer_start[i]; e < p.buyer_start[i + 1]; ++e) edges.push_back(e);
    std::stable_sort(edges.begin(), edges.end(),
                     [&](int a, int b) { return left[p.edge_seller[a]] > left[p.edge_seller[b]]; });
    for (size_t q = 0; q < edges.size() && need > 0; ++q) {
      const int e = edges[q], j = p.edge_seller[e];
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
  // Rows: the candidate buyers, then every seller; columns: the candidates' pairs only (buyers
  // who need nothing cannot make the minimums infeasible).
  FeasibilityLp(const VolumeProblem& p, const std::vector<int>& candidates)
      : p_(p), lp_(NewGlpkProblem()), row_(p.NumBuyers(), 0) {
    glp_set_obj_dir(lp_.get(), GLP_MIN);
    const int nc = static_cast<int>(candidates.size()), ns = p.NumSellers();
    glp_add_rows(lp_.get(), nc + ns);
    for (int k = 0; k < nc; ++k) {
      row_[candidates[k]] = 1 + k;
      glp_set_row_bnds(lp_.get(), 1 + k, GLP_FR, 0, 0);
    }
    for (int j = 0; j < ns; ++j) {
      glp_set_row_bnds(lp_.get(), 1 + nc + j, GLP_UP, 0, std::max(0.0, p.supply[j]));
    }
    std::vector<int> ia(1), ja(1);
    std::vector<double> ar(1);
    int col = 0;
    for (int i : candidates) {
      const int ne = p.buyer_start[i + 1] - p.buyer_start[i];
      if (ne == 0) continue;
      glp_add_cols(lp_.get(), ne);
      for (int e = p.buyer_start[i]; e < p.buyer_start[i + 1]; ++e) {
        ++col;
        const double cap = p.edge_cap[e];
        if (std::isfinite(cap)) {
          glp_set_col_bnds(lp_.get(), col, cap > 0 ? GLP_DB : GLP_FX, 0, std::max(0.0, cap));
        } else {
          glp_set_col_bnds(lp_.get(), col, GLP_LO, 0, 0);
        }
        ia.push_back(row_[i]), ja.push_back(col), ar.push_back(1.0);
        ia.push_back(1 + nc + p.edge_seller[e]), ja.push_back(col),
            ar.push_back(1 + p.rho[p.edge_seller[e]]);
      }
    }
    if (col > 0)
      glp_load_matrix(lp_.get(), static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  }

  void Require(int i) {
    glp_set_row_bnds(lp_.get(), row_[i], GLP_LO, p_.b_min[i] + kAdmissionMarginKwh, 0);
  }
  void Release(int i) { glp_set_row_bnds(lp_.get(), row_[i], GLP_FR, 0, 0); }

  // Requires buyer i's row to be >= b_min + margin; returns whether the LP stays feasible
  // (and if not, fixes the buyer's deliveries at 0).
  Result<bool> TryAdmit(int i) {
    Require(i);
    V2V_ASSIGN_OR_RETURN(bool feasible, Solve());
    if (!feasible) glp_set_row_bnds(lp_.get(), row_[i], GLP_FX, 0, 0);
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
  std::vector<int> row_;  // buyer -> its row (1-based), for candidates
  int solves_ = 0;
};

}  // namespace

Result<Admission> AdmitBuyers(const VolumeProblem& p, const std::vector<int>& priority) {
  Admission out;
  out.admitted.assign(p.NumBuyers(), 0);
  std::vector<int> candidates;
  std::vector<double> alone_of(p.NumBuyers(), 0.0);
  for (int i : priority) {
    if (p.b_min[i] <= 0) {
      out.admitted[i] = 1;  // nothing to guarantee
      continue;
    }
    double alone = 0;
    for (int e = p.buyer_start[i]; e < p.buyer_start[i + 1]; ++e) alone += Deliverable(p, e);
    alone_of[i] = alone;
    if (alone >= p.b_min[i] + kAdmissionMarginKwh) candidates.push_back(i);
  }
  if (GreedyMeetsMinimums(p, candidates, alone_of)) {
    for (int i : candidates) out.admitted[i] = 1;
    return out;
  }
  glp_term_out(GLP_OFF);
  FeasibilityLp lp(p, candidates);
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
