#include "market/welfare_optimizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

#include "market/internal/buyer_response.h"

namespace v2v::market {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct DualPoint;
double ProjectedGradientNorm(const DualPoint& pt);

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// State of one evaluation of the dual at some gamma.
struct DualPoint {
  std::vector<double> gamma;
  std::vector<double> x;          // buyer responses per edge
  std::vector<double> grad;       // dg/dgamma
  std::vector<double> lambda;     // per buyer
  std::vector<double> inv_kappa;  // per buyer
  std::vector<double> h_free;     // per buyer: sum of 1/(2a) over free edges
  std::vector<double> value;
  std::vector<double> a, c;  // per-edge coefficients this point was evaluated with
  double g = 0;
  bool feasible = true;
};

double ProjectedGradientNorm(const DualPoint& pt) {
  double s = 0;
  for (size_t j = 0; j < pt.gamma.size(); ++j) {
    const double d = pt.gamma[j] - std::max(0.0, pt.gamma[j] - pt.grad[j]);
    s += d * d;
  }
  return std::sqrt(s);
}

class Solver {
 public:
  Solver(const VolumeProblem& p, const OptimizerOptions& o) : p_(p), opt_(o) {
    const int m = p.NumEdges();
    a0_.resize(m), c0_.resize(m), gain_.resize(m);
    for (int e = 0; e < m; ++e) {
      const double rho = p.rho[p.edge_seller[e]];
      a0_[e] = rho * p.l1;
      c0_[e] = rho * p.l2;
      gain_[e] = 1 + rho;
      if (rho <= 0) has_lossless_ = true;
    }
    // Proximal weight for lossless edges: the curvature of a typical lossy edge, so the
    // proximal subproblems are as well conditioned as the rest.
    std::vector<double> curv;
    for (int e = 0; e < m; ++e)
      if (a0_[e] > 0) curv.push_back(2 * a0_[e]);
    if (!curv.empty()) {
      std::nth_element(curv.begin(), curv.begin() + curv.size() / 2, curv.end());
      delta_ = curv[curv.size() / 2];
    } else {
      delta_ = 2 * p.l1 * 0.05;
    }
    delta_floor_ = delta_ * 1e-3;
    center_.assign(m, 0.0);
    int kmax = 0;
    for (int i = 0; i < p.NumBuyers(); ++i)
      kmax = std::max(kmax, p.buyer_start[i + 1] - p.buyer_start[i]);
    scratch_.resize(2 * static_cast<size_t>(kmax) + 2);
    supply_scale_ = 1;
    for (double s : p.supply) supply_scale_ = std::max(supply_scale_, s);
    for (double b : p.b_max) supply_scale_ = std::max(supply_scale_, b);
  }

  Result<VolumeSolution> Run();

 private:
  // Evaluates the (proximal if `proximal`, else original) dual at pt.gamma.
  void Evaluate(DualPoint& pt, bool proximal);
  void HessVec(const DualPoint& pt, const std::vector<double>& v, const std::vector<char>& mask,
               std::vector<double>& out) const;
  std::vector<double> HessDiag(const DualPoint& pt) const;
  // Repairs pt.x into a feasible primal; returns the max remaining violation.
  double Repair(const std::vector<double>& x_in, std::vector<double>& x_out) const;
  VolumeCertificate Certify(const DualPoint& orig, const std::vector<double>& x_feasible,
                            double violation) const;

  const VolumeProblem& p_;
  OptimizerOptions opt_;
  std::vector<double> a0_, c0_, gain_, center_, scratch_;
  bool has_lossless_ = false;
  double delta_ = 0, delta_floor_ = 0;
  double supply_scale_ = 1;
};

void Solver::Evaluate(DualPoint& pt, bool proximal) {
  const int n = p_.NumBuyers(), ns = p_.NumSellers(), m = p_.NumEdges();
  pt.x.resize(m);
  pt.lambda.resize(n), pt.inv_kappa.resize(n), pt.h_free.resize(n), pt.value.resize(n);
  double prox_const = 0;
  std::vector<double>& ea = pt.a;
  std::vector<double>& ec = pt.c;
  ea.resize(m), ec.resize(m);
  for (int e = 0; e < m; ++e) {
    const double gj = pt.gamma[p_.edge_seller[e]];
    ea[e] = a0_[e];
    ec[e] = c0_[e] + gain_[e] * gj;
    if (proximal && a0_[e] <= 0) {
      ea[e] = delta_ / 2;
      ec[e] -= delta_ * center_[e];
      prox_const += delta_ / 2 * center_[e] * center_[e];
    }
  }
  double g = -prox_const;
  pt.feasible = true;
  for (int i = 0; i < n; ++i) {
    const size_t s = p_.buyer_start[i], k = p_.buyer_start[i + 1] - s;
    internal::BuyerBlock blk{p_.w[i],
                             p_.b_min[i],
                             p_.b_max[i],
                             {ea.data() + s, k},
                             {ec.data() + s, k},
                             {p_.edge_cap.data() + s, k}};
    internal::BuyerResponse r = internal::SolveBuyerBlock(blk, {pt.x.data() + s, k}, scratch_);
    pt.feasible = pt.feasible && r.feasible;
    pt.lambda[i] = r.lambda;
    pt.inv_kappa[i] = r.inv_kappa;
    pt.value[i] = r.value;
    g += r.value;
    double hf = 0;
    for (size_t e = s; e < s + k; ++e) {
      if (ea[e] > 0 && r.lambda > ec[e] && r.lambda < ec[e] + 2 * ea[e] * p_.edge_cap[e])
        hf += 1 / (2 * ea[e]);
    }
    pt.h_free[i] = hf;
  }
  pt.grad.assign(ns, 0.0);
  for (int j = 0; j < ns; ++j) g += pt.gamma[j] * p_.supply[j];
  for (int e = 0; e < m; ++e) pt.grad[p_.edge_seller[e]] -= gain_[e] * pt.x[e];
  for (int j = 0; j < ns; ++j) pt.grad[j] += p_.supply[j];
  pt.g = g;
}

// Generalised Hessian of the proximal dual at pt (uses a_, c_ of the last Evaluate at pt).
void Solver::HessVec(const DualPoint& pt, const std::vector<double>& v,
                     const std::vector<char>& mask, std::vector<double>& out) const {
  out.assign(v.size(), 0.0);
  const std::vector<double>& ea = pt.a;
  const std::vector<double>& ec = pt.c;
  for (int i = 0; i < p_.NumBuyers(); ++i) {
    if (pt.h_free[i] <= 0) continue;
    const int s = p_.buyer_start[i], t = p_.buyer_start[i + 1];
    const double lam = pt.lambda[i];
    double num = 0;
    for (int e = s; e < t; ++e) {
      if (!(lam > ec[e] && lam < ec[e] + 2 * ea[e] * p_.edge_cap[e])) continue;
      num += gain_[e] * v[p_.edge_seller[e]] / (2 * ea[e]);
    }
    const double dlam = num / (pt.inv_kappa[i] + pt.h_free[i]);
    for (int e = s; e < t; ++e) {
      if (!(lam > ec[e] && lam < ec[e] + 2 * ea[e] * p_.edge_cap[e])) continue;
      const int j = p_.edge_seller[e];
      const double dx = (dlam - gain_[e] * v[j]) / (2 * ea[e]);
      out[j] -= gain_[e] * dx;
    }
  }
  for (size_t j = 0; j < out.size(); ++j)
    if (!mask[j]) out[j] = 0;
}

std::vector<double> Solver::HessDiag(const DualPoint& pt) const {
  std::vector<double> d(p_.NumSellers(), 0.0);
  const std::vector<double>& ea = pt.a;
  const std::vector<double>& ec = pt.c;
  for (int i = 0; i < p_.NumBuyers(); ++i) {
    if (pt.h_free[i] <= 0) continue;
    const double lam = pt.lambda[i], denom = pt.inv_kappa[i] + pt.h_free[i];
    for (int e = p_.buyer_start[i]; e < p_.buyer_start[i + 1]; ++e) {
      if (!(lam > ec[e] && lam < ec[e] + 2 * ea[e] * p_.edge_cap[e])) continue;
      const double h = 1 / (2 * ea[e]);
      d[p_.edge_seller[e]] += gain_[e] * gain_[e] * (h - h * h / denom);
    }
  }
  return d;
}

double Solver::Repair(const std::vector<double>& x_in, std::vector<double>& x) const {
  x = x_in;
  std::vector<double> use(p_.NumSellers(), 0.0);
  for (int e = 0; e < p_.NumEdges(); ++e) use[p_.edge_seller[e]] += gain_[e] * x[e];
  std::vector<double> scale(p_.NumSellers(), 1.0);
  for (int j = 0; j < p_.NumSellers(); ++j) {
    if (use[j] > p_.supply[j]) scale[j] = use[j] > 0 ? std::max(0.0, p_.supply[j]) / use[j] : 0.0;
  }
  double viol = 0;
  std::fill(use.begin(), use.end(), 0.0);
  for (int e = 0; e < p_.NumEdges(); ++e) {
    x[e] = std::clamp(x[e] * scale[p_.edge_seller[e]], 0.0, p_.edge_cap[e]);
    use[p_.edge_seller[e]] += gain_[e] * x[e];
  }
  for (int j = 0; j < p_.NumSellers(); ++j) viol = std::max(viol, use[j] - p_.supply[j]);
  for (int i = 0; i < p_.NumBuyers(); ++i) {
    double tot = 0;
    for (int e = p_.buyer_start[i]; e < p_.buyer_start[i + 1]; ++e) tot += x[e];
    viol = std::max({viol, p_.b_min[i] - tot, tot - p_.b_max[i]});
  }
  return viol;
}

VolumeCertificate Solver::Certify(const DualPoint& orig, const std::vector<double>& xf,
                                  double viol) const {
  VolumeCertificate c;
  c.seller_price = orig.gamma;
  c.buyer_price = orig.lambda;
  c.mu_min.assign(p_.NumBuyers(), 0.0);
  c.mu_max.assign(p_.NumBuyers(), 0.0);
  for (int i = 0; i < p_.NumBuyers(); ++i) {
    double tot = 0;
    for (int e = p_.buyer_start[i]; e < p_.buyer_start[i + 1]; ++e) tot += orig.x[e];
    const double marginal = p_.w[i] / (tot - p_.b_min[i] + 1);
    const double diff = orig.lambda[i] - marginal;  // = mu_min - mu_max
    if (diff > 0)
      c.mu_min[i] = diff;
    else
      c.mu_max[i] = -diff;
  }
  c.primal_objective = VolumeObjective(p_, xf);
  c.dual_objective = orig.g;
  c.relative_gap =
      (c.dual_objective - c.primal_objective) / std::max(1.0, std::abs(c.primal_objective));
  c.max_violation_kwh = std::max(0.0, viol);
  return c;
}

Result<VolumeSolution> Solver::Run() {
  const int ns = p_.NumSellers();
  VolumeSolution sol;
  DualPoint cur, trial, probe, orig;
  cur.gamma.assign(ns, 0.0);
  Evaluate(cur, has_lossless_);
  if (!cur.feasible) {
    return Status::FailedPrecondition("a buyer's pairs cannot carry its minimum demand b_min");
  }
  const double viol_tol = 1e-9;  // kWh; the ledger's resolution is 1 Wh
  const double g0_norm = std::max(1e-300, std::sqrt(Dot(cur.grad, cur.grad)));
  std::vector<double> xf, d(ns), r(ns), z(ns), pdir(ns), hp(ns);
  std::vector<char> free(ns);
  double last_gap = kInf;
  bool stalled = false;
  for (int it = 0; it <= opt_.max_newton_iterations; ++it) {
    // Certificate on the original program.
    const DualPoint* od = &cur;
    if (has_lossless_) {
      orig.gamma = cur.gamma;
      Evaluate(orig, false);
      od = &orig;
    }
    const double viol = Repair(cur.x, xf);
    VolumeCertificate cert = Certify(*od, xf, viol);
    last_gap = cert.relative_gap;
    if (std::abs(cert.relative_gap) <= opt_.gap_tolerance && cert.max_violation_kwh <= viol_tol) {
      sol.x = std::move(xf);
      sol.certificate = std::move(cert);
      sol.newton_iterations = it;
      return sol;
    }
    if (it == opt_.max_newton_iterations) break;
    if (has_lossless_) {
      // Move the proximal centre once the subproblem is solved well relative to the outer gap.
      double prox_primal = cert.primal_objective;
      for (int e = 0; e < p_.NumEdges(); ++e) {
        if (a0_[e] <= 0) prox_primal -= delta_ / 2 * (xf[e] - center_[e]) * (xf[e] - center_[e]);
      }
      const double prox_gap = (cur.g - prox_primal) / std::max(1.0, std::abs(prox_primal));
      if (stalled || prox_gap <= 0.1 * std::abs(cert.relative_gap) ||
          prox_gap <= opt_.gap_tolerance * 0.1) {
        center_ = xf;
        ++sol.proximal_rounds;
        // A shrinking proximal weight makes the outer iteration superlinear (Rockafellar 1976).
        delta_ = std::max(delta_ * 0.5, delta_floor_);
        Evaluate(cur, true);
      }
    }
    // Two-metric projection: sellers at gamma = 0 whose gradient pushes further down are fixed.
    double pg = 0;
    for (int j = 0; j < ns; ++j)
      pg = std::max(pg, std::abs(cur.gamma[j] - std::max(0.0, cur.gamma[j] - cur.grad[j])));
    const double eps = std::min(1e-6, pg);
    const std::vector<double> diag = HessDiag(cur);
    std::vector<double> full_diag(ns, 0.0);  // curvature if every edge of the seller were free
    for (int e = 0; e < p_.NumEdges(); ++e)
      full_diag[p_.edge_seller[e]] += gain_[e] * gain_[e] / (2 * cur.a[e]);
    const double gnorm = std::sqrt(Dot(cur.grad, cur.grad));
    const double reg = 1e-10 + std::min(1e-2, gnorm / g0_norm);
    std::vector<double> mu(ns);
    for (int j = 0; j < ns; ++j) {
      free[j] = !(cur.gamma[j] <= eps && cur.grad[j] > 0);
      const double fd = full_diag[j] > 0 ? full_diag[j] : 1.0;
      mu[j] = diag[j] <= 1e-12 * fd ? fd : reg * diag[j];
    }
    // PCG on (H_FF + diag(mu)) d = -grad_F.
    std::fill(d.begin(), d.end(), 0.0);
    double rz = 0, rnorm0 = 0;
    for (int j = 0; j < ns; ++j) {
      r[j] = free[j] ? -cur.grad[j] : 0.0;
      z[j] = free[j] ? r[j] / (diag[j] + mu[j]) : 0.0;
      pdir[j] = z[j];
      rz += r[j] * z[j];
      rnorm0 += r[j] * r[j];
    }
    rnorm0 = std::sqrt(rnorm0);
    const double cg_tol = std::min(0.1, std::sqrt(gnorm / g0_norm)) * rnorm0;
    for (int k = 0; k < opt_.max_cg_iterations && rnorm0 > 0; ++k) {
      HessVec(cur, pdir, free, hp);
      for (int j = 0; j < ns; ++j)
        if (free[j]) hp[j] += mu[j] * pdir[j];
      const double php = Dot(pdir, hp);
      if (php <= 0) break;
      const double alpha = rz / php;
      double rn = 0;
      for (int j = 0; j < ns; ++j) {
        d[j] += alpha * pdir[j];
        r[j] -= alpha * hp[j];
        rn += r[j] * r[j];
      }
      ++sol.cg_iterations;
      if (std::sqrt(rn) <= cg_tol) break;
      double rz_new = 0;
      for (int j = 0; j < ns; ++j) {
        z[j] = free[j] ? r[j] / (diag[j] + mu[j]) : 0.0;
        rz_new += r[j] * z[j];
      }
      for (int j = 0; j < ns; ++j) pdir[j] = z[j] + (rz_new / rz) * pdir[j];
      rz = rz_new;
    }
    for (int j = 0; j < ns; ++j) {
      if (!free[j]) d[j] = -cur.grad[j] / (full_diag[j] > 0 ? full_diag[j] : 1.0);
    }
    // Armijo search along the projection arc.
    double t = 1;
    bool accepted = false;
    for (int ls = 0; ls < 60; ++ls, t *= 0.5) {
      trial.gamma.resize(ns);
      double decrease = 0;
      for (int j = 0; j < ns; ++j) {
        trial.gamma[j] = std::max(0.0, cur.gamma[j] + t * d[j]);
        decrease += cur.grad[j] * (trial.gamma[j] - cur.gamma[j]);
      }
      Evaluate(trial, has_lossless_);
      // Armijo; and, once g changes by less than its rounding error, a step that shrinks the
      // projected gradient (g is flat to double precision long before its gradient is tiny).
      const bool in_noise = std::abs(trial.g - cur.g) <= 1e-13 * std::max(1.0, std::abs(cur.g));
      if (trial.g <= cur.g + 1e-4 * decrease ||
          (in_noise && ProjectedGradientNorm(trial) < ProjectedGradientNorm(cur))) {
        accepted = true;
        break;
      }
    }
    // Where the generalised Hessian has no curvature along a coordinate (a seller whose
    // buyers all sit on bounds), g is linear until the next kink and the unit step is short:
    // keep doubling while g keeps falling.
    for (int grow = 0; accepted && t == 1 && grow < 40; ++grow) {
      probe.gamma.resize(ns);
      const double t2 = std::ldexp(1.0, grow + 1);
      double decrease = 0;
      for (int j = 0; j < ns; ++j) {
        probe.gamma[j] = std::max(0.0, cur.gamma[j] + t2 * d[j]);
        decrease += cur.grad[j] * (probe.gamma[j] - cur.gamma[j]);
      }
      Evaluate(probe, has_lossless_);
      if (!(probe.g < trial.g && probe.g <= cur.g + 1e-4 * decrease)) break;
      std::swap(trial, probe);
    }
    // A step that no longer decreases g in floating point: the proximal subproblem is solved as
    // well as it can be (move its centre), or, without one, the method has converged as far as
    // double precision allows (report the gap below).
    stalled = !accepted;
    if (stalled && !has_lossless_) break;
    if (accepted) std::swap(cur, trial);
    sol.newton_iterations = it + 1;
  }
  std::ostringstream os;
  os << "volume optimiser stopped at relative duality gap " << last_gap << " (tolerance "
     << opt_.gap_tolerance << ") after " << sol.newton_iterations << " Newton iterations";
  return Status::Internal(os.str());
}

}  // namespace

void VolumeProblem::AddBuyer(double w_i, double b_min_i, double b_max_i,
                             const std::vector<std::pair<int, double>>& edges) {
  w.push_back(w_i);
  b_min.push_back(b_min_i);
  b_max.push_back(b_max_i);
  for (const auto& [seller, cap] : edges) {
    edge_seller.push_back(seller);
    edge_cap.push_back(cap);
  }
  buyer_start.push_back(static_cast<int>(edge_seller.size()));
}

int VolumeProblem::AddSeller(double rho_j, double supply_j) {
  rho.push_back(rho_j);
  supply.push_back(supply_j);
  return static_cast<int>(rho.size()) - 1;
}

double VolumeObjective(const VolumeProblem& p, const std::vector<double>& x) {
  double f = 0;
  for (int i = 0; i < p.NumBuyers(); ++i) {
    double tot = 0;
    for (int e = p.buyer_start[i]; e < p.buyer_start[i + 1]; ++e) {
      const double rho = p.rho[p.edge_seller[e]];
      tot += x[e];
      f -= rho * (p.l1 * x[e] * x[e] + p.l2 * x[e]);
    }
    if (p.w[i] > 0) f += p.w[i] * std::log(std::max(tot - p.b_min[i] + 1, 1e-300));
  }
  return f;
}

Result<VolumeSolution> SolveVolumes(const VolumeProblem& problem, const OptimizerOptions& options) {
  return Solver(problem, options).Run();
}

}  // namespace v2v::market
