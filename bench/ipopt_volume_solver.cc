#include "ipopt_volume_solver.h"

#include <IpIpoptApplication.hpp>
#include <IpSolveStatistics.hpp>
#include <IpTNLP.hpp>
#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdint>

namespace v2v::bench {
namespace {

using Ipopt::Index;
using Ipopt::Number;

constexpr double kIpoptInfinity = 2e19;  // above nlp_upper_bound_inf (1e19): no bound
constexpr double kLogKnot = 0.5;         // ln t is continued quadratically below this t

double Log(double t) {
  if (t >= kLogKnot) return std::log(t);
  const double d = t - kLogKnot;
  return std::log(kLogKnot) + d / kLogKnot - d * d / (2 * kLogKnot * kLogKnot);
}
double LogD1(double t) {
  return t >= kLogKnot ? 1 / t : 1 / kLogKnot - (t - kLogKnot) / (kLogKnot * kLogKnot);
}
double LogD2(double t) { return t >= kLogKnot ? -1 / (t * t) : -1 / (kLogKnot * kLogKnot); }

const char* StatusName(Ipopt::ApplicationReturnStatus s) {
  switch (s) {
    case Ipopt::Solve_Succeeded:
      return "Solve_Succeeded";
    case Ipopt::Solved_To_Acceptable_Level:
      return "Solved_To_Acceptable_Level";
    case Ipopt::Infeasible_Problem_Detected:
      return "Infeasible_Problem_Detected";
    case Ipopt::Search_Direction_Becomes_Too_Small:
      return "Search_Direction_Becomes_Too_Small";
    case Ipopt::Diverging_Iterates:
      return "Diverging_Iterates";
    case Ipopt::User_Requested_Stop:
      return "User_Requested_Stop";
    case Ipopt::Feasible_Point_Found:
      return "Feasible_Point_Found";
    case Ipopt::Maximum_Iterations_Exceeded:
      return "Maximum_Iterations_Exceeded";
    case Ipopt::Restoration_Failed:
      return "Restoration_Failed";
    case Ipopt::Error_In_Step_Computation:
      return "Error_In_Step_Computation";
    case Ipopt::Maximum_CpuTime_Exceeded:
      return "Maximum_CpuTime_Exceeded";
    case Ipopt::Not_Enough_Degrees_Of_Freedom:
      return "Not_Enough_Degrees_Of_Freedom";
    case Ipopt::Invalid_Problem_Definition:
      return "Invalid_Problem_Definition";
    case Ipopt::Invalid_Option:
      return "Invalid_Option";
    case Ipopt::Invalid_Number_Detected:
      return "Invalid_Number_Detected";
    case Ipopt::Unrecoverable_Exception:
      return "Unrecoverable_Exception";
    case Ipopt::NonIpopt_Exception_Thrown:
      return "NonIpopt_Exception_Thrown";
    case Ipopt::Insufficient_Memory:
      return "Insufficient_Memory";
    case Ipopt::Internal_Error:
      return "Internal_Error";
  }
  return "Unknown";
}

// Rows: buyers with at least one edge first, then sellers with at least one edge.
class VolumeNlp : public Ipopt::TNLP {
 public:
  explicit VolumeNlp(const market::VolumeProblem& p) : p_(p) {
    for (int i = 0; i < p.NumBuyers(); ++i) {
      if (p.buyer_start[i + 1] > p.buyer_start[i]) buyer_rows_.push_back(i);
    }
    std::vector<int> count(static_cast<size_t>(p.NumSellers()) + 1, 0);
    for (int s : p.edge_seller) ++count[s + 1];
    for (int j = 0; j < p.NumSellers(); ++j) count[j + 1] += count[j];
    seller_start_ = count;
    seller_edges_.resize(p.edge_seller.size());
    for (int e = 0; e < p.NumEdges(); ++e) seller_edges_[count[p.edge_seller[e]]++] = e;
    for (int j = 0; j < p.NumSellers(); ++j) {
      if (seller_start_[j + 1] > seller_start_[j]) seller_rows_.push_back(j);
    }
    for (int i : buyer_rows_) {
      const int64_t k = p.buyer_start[i + 1] - p.buyer_start[i];
      hess_nnz_ += k * (k + 1) / 2;
    }
  }

  bool TooLarge() const { return hess_nnz_ > INT_MAX; }
  const std::vector<double>& x() const { return x_; }

  bool get_nlp_info(Index& n, Index& m, Index& nnz_jac_g, Index& nnz_h_lag,
                    IndexStyleEnum& index_style) override {
    n = p_.NumEdges();
    m = static_cast<Index>(buyer_rows_.size() + seller_rows_.size());
    nnz_jac_g = 2 * p_.NumEdges();
    nnz_h_lag = static_cast<Index>(hess_nnz_);
    index_style = C_STYLE;
    return true;
  }

  bool get_bounds_info(Index n, Number* x_l, Number* x_u, Index /*m*/, Number* g_l,
                       Number* g_u) override {
    for (Index e = 0; e < n; ++e) {
      x_l[e] = 0;
      x_u[e] = std::isinf(p_.edge_cap[e]) ? kIpoptInfinity : p_.edge_cap[e];
    }
    Index r = 0;
    for (int i : buyer_rows_) g_l[r] = p_.b_min[i], g_u[r++] = p_.b_max[i];
    for (int j : seller_rows_) g_l[r] = -kIpoptInfinity, g_u[r++] = p_.supply[j];
    return true;
  }

  bool get_starting_point(Index /*n*/, bool /*init_x*/, Number* x, bool /*init_z*/, Number* /*z_L*/,
                          Number* /*z_U*/, Index /*m*/, bool /*init_lambda*/,
                          Number* /*lambda*/) override {
    // Half of each buyer's range spread over its edges, within the caps (Ipopt then pushes the
    // point into the interior of the bounds).
    for (int i = 0; i < p_.NumBuyers(); ++i) {
      const int k = p_.buyer_start[i + 1] - p_.buyer_start[i];
      for (int e = p_.buyer_start[i]; e < p_.buyer_start[i + 1]; ++e) {
        x[e] = std::min(0.5 * p_.edge_cap[e], 0.5 * (p_.b_min[i] + p_.b_max[i]) / k);
      }
    }
    return true;
  }

  bool eval_f(Index /*n*/, const Number* x, bool /*new_x*/, Number& obj) override {
    double f = 0;
    for (int i = 0; i < p_.NumBuyers(); ++i) {
      double tot = 0;
      for (int e = p_.buyer_start[i]; e < p_.buyer_start[i + 1]; ++e) {
        tot += x[e];
        f += Rho(e) * (p_.l1 * x[e] * x[e] + p_.l2 * x[e]);
      }
      if (p_.w[i] > 0) f -= p_.w[i] * Log(tot - p_.b_min[i] + 1);
    }
    obj = f;
    return std::isfinite(f);
  }

  bool eval_grad_f(Index /*n*/, const Number* x, bool /*new_x*/, Number* grad) override {
    for (int i = 0; i < p_.NumBuyers(); ++i) {
      const double m = -p_.w[i] * LogD1(BuyerT(i, x));
      for (int e = p_.buyer_start[i]; e < p_.buyer_start[i + 1]; ++e) {
        grad[e] = m + Rho(e) * (2 * p_.l1 * x[e] + p_.l2);
      }
    }
    return true;
  }

  bool eval_g(Index /*n*/, const Number* x, bool /*new_x*/, Index /*m*/, Number* g) override {
    Index r = 0;
    for (int i : buyer_rows_) {
      double tot = 0;
      for (int e = p_.buyer_start[i]; e < p_.buyer_start[i + 1]; ++e) tot += x[e];
      g[r++] = tot;
    }
    for (int j : seller_rows_) {
      double tot = 0;
      for (int k = seller_start_[j]; k < seller_start_[j + 1]; ++k) tot += x[seller_edges_[k]];
      g[r++] = (1 + p_.rho[j]) * tot;
    }
    return true;
  }

  bool eval_jac_g(Index /*n*/, const Number* /*x*/, bool /*new_x*/, Index /*m*/, Index /*nele_jac*/,
                  Index* i_row, Index* j_col, Number* values) override {
    Index r = 0, k = 0;
    for (int i : buyer_rows_) {
      for (int e = p_.buyer_start[i]; e < p_.buyer_start[i + 1]; ++e, ++k) {
        if (values == nullptr)
          i_row[k] = r, j_col[k] = e;
        else
          values[k] = 1;
      }
      ++r;
    }
    for (int j : seller_rows_) {
      for (int q = seller_start_[j]; q < seller_start_[j + 1]; ++q, ++k) {
        if (values == nullptr)
          i_row[k] = r, j_col[k] = seller_edges_[q];
        else
          values[k] = 1 + p_.rho[j];
      }
      ++r;
    }
    return true;
  }

  // Lower triangle of each buyer's dense block (rows >= columns), the diagonal included.
  bool eval_h(Index /*n*/, const Number* x, bool /*new_x*/, Number obj_factor, Index /*m*/,
              const Number* /*lambda*/, bool /*new_lambda*/, Index /*nele_hess*/, Index* i_row,
              Index* j_col, Number* values) override {
    Index k = 0;
    for (int i : buyer_rows_) {
      const int begin = p_.buyer_start[i], end = p_.buyer_start[i + 1];
      const double block = values == nullptr ? 0 : -p_.w[i] * LogD2(BuyerT(i, x));
      for (int a = begin; a < end; ++a) {
        for (int b = begin; b <= a; ++b, ++k) {
          if (values == nullptr) {
            i_row[k] = a, j_col[k] = b;
          } else {
            values[k] = obj_factor * (block + (a == b ? 2 * Rho(a) * p_.l1 : 0.0));
          }
        }
      }
    }
    return true;
  }

  void finalize_solution(Ipopt::SolverReturn /*status*/, Index n, const Number* x,
                         const Number* /*z_L*/, const Number* /*z_U*/, Index /*m*/,
                         const Number* /*g*/, const Number* /*lambda*/, Number /*obj_value*/,
                         const Ipopt::IpoptData* /*ip_data*/,
                         Ipopt::IpoptCalculatedQuantities* /*ip_cq*/) override {
    x_.assign(x, x + n);
  }

 private:
  double Rho(int e) const { return p_.rho[p_.edge_seller[e]]; }
  double BuyerT(int i, const Number* x) const {
    double tot = 0;
    for (int e = p_.buyer_start[i]; e < p_.buyer_start[i + 1]; ++e) tot += x[e];
    return tot - p_.b_min[i] + 1;
  }

  const market::VolumeProblem& p_;
  std::vector<int> buyer_rows_, seller_rows_;
  std::vector<int> seller_start_, seller_edges_;  // edges by seller, compressed
  int64_t hess_nnz_ = 0;
  std::vector<double> x_;
};

double MaxViolation(const market::VolumeProblem& p, const std::vector<double>& x) {
  double v = 0;
  std::vector<double> out(static_cast<size_t>(p.NumSellers()), 0.0);
  for (int i = 0; i < p.NumBuyers(); ++i) {
    double tot = 0;
    for (int e = p.buyer_start[i]; e < p.buyer_start[i + 1]; ++e) {
      tot += x[e];
      out[p.edge_seller[e]] += (1 + p.rho[p.edge_seller[e]]) * x[e];
      v = std::max({v, -x[e], x[e] - p.edge_cap[e]});
    }
    v = std::max({v, p.b_min[i] - tot, tot - p.b_max[i]});
  }
  for (int j = 0; j < p.NumSellers(); ++j) v = std::max(v, out[j] - p.supply[j]);
  return v;
}

}  // namespace

Result<IpoptVolumeResult> SolveVolumesWithIpopt(const market::VolumeProblem& problem,
                                                const IpoptVolumeOptions& options) {
  Ipopt::SmartPtr<VolumeNlp> nlp = new VolumeNlp(problem);
  if (nlp->TooLarge()) return Status::Internal("Hessian has more than INT_MAX nonzeros");
  Ipopt::SmartPtr<Ipopt::IpoptApplication> app = IpoptApplicationFactory();
  Ipopt::OptionsList& opts = *app->Options();
  const bool set = opts.SetStringValue("sb", "yes") &&  // no banner
                   opts.SetNumericValue("tol", options.tol) &&
                   opts.SetIntegerValue("print_level", options.print_level) &&
                   opts.SetStringValue("mu_strategy", "adaptive") &&
                   opts.SetNumericValue("max_cpu_time", options.max_cpu_time_s) &&
                   opts.SetStringValue("linear_solver", "mumps") &&
                   opts.SetStringValue("jac_c_constant", "yes") &&
                   opts.SetStringValue("jac_d_constant", "yes");
  if (!set) return Status::Internal("Ipopt rejected an option");

  IpoptVolumeResult out;
  const auto start = std::chrono::steady_clock::now();
  Ipopt::ApplicationReturnStatus st = app->Initialize();
  if (st != Ipopt::Solve_Succeeded) {
    return Status::Internal(std::string("Ipopt initialisation failed: ") + StatusName(st));
  }
  st = app->OptimizeTNLP(Ipopt::GetRawPtr(nlp));
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.status_code = static_cast<int>(st);
  out.status = StatusName(st);
  out.solved = st == Ipopt::Solve_Succeeded || st == Ipopt::Solved_To_Acceptable_Level;
  if (Ipopt::IsValid(app->Statistics())) out.iterations = app->Statistics()->IterationCount();
  out.x = nlp->x();
  if (out.x.size() != static_cast<size_t>(problem.NumEdges())) {
    out.solved = false;
    out.x.assign(static_cast<size_t>(problem.NumEdges()), 0.0);
  }
  out.objective = market::VolumeObjective(problem, out.x);
  out.max_violation_kwh = MaxViolation(problem, out.x);
  return out;
}

}  // namespace v2v::bench
