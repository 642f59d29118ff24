// Allocation benchmark: our certified volume solver (market::SolveVolumes) against Ipopt on
// synthetic city markets of n buyers x n sellers (bench/city_market.h).
//
//   build/bin/bench_allocate [--sizes 100,1000,10000] [--ipopt-max 1000] [--ipopt-timeout 300]
//                            [--seed 1]
//
// Every case runs in its own forked child, so its peak memory (VmHWM) is its own: one child
// generates the market, prepares the round and runs our solver; another (sizes <= --ipopt-max)
// prepares the same round and runs Ipopt. Prints a Markdown table to stdout, progress to stderr.
// Exits 1 if our solver fails at any size.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "city_market.h"
#include "ipopt_volume_solver.h"
#include "market/market_round.h"
#include "market/welfare_optimizer.h"

namespace v2v::bench {
namespace {

constexpr double kAgreeTolerance = 1e-6;  // relative, on the objective

struct OursReport {
  bool ok = false;
  int pairs = 0;           // edges of the volume program (admitted buyers' trading pairs)
  int in_range_pairs = 0;  // every pair within the radius
  int unserved = 0;
  double prepare_s = 0, solve_s = 0;
  int newton_iters = 0, cg_iters = 0;
  double gap = 0, max_violation = 0, peak_mb = 0, objective = 0;
  char error[512] = {};
};

struct IpoptReport {
  bool ok = false;      // Ipopt ran (whatever its return status)
  bool solved = false;  // Solve_Succeeded or Solved_To_Acceptable_Level
  int status_code = 0, iterations = 0;
  double wall_s = 0, objective = 0, max_violation = 0, peak_mb = 0;
  char status[64] = {};
  char error[512] = {};
};

void CopyString(const std::string& s, char* out, size_t size) {
  std::snprintf(out, size, "%s", s.c_str());
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Peak resident set of this process, MB (VmHWM in /proc/self/status, in kB).
double PeakMb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

// Runs fn() in a forked child and returns its report; nullopt if the child dies or exceeds
// timeout_s of wall time (then it is killed; *timed_out is set).
template <typename Report, typename Fn>
std::optional<Report> RunInChild(Fn fn, double timeout_s, bool* timed_out) {
  static_assert(std::is_trivially_copyable_v<Report>);
  *timed_out = false;
  int fds[2];
  if (pipe(fds) != 0) return std::nullopt;
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) return std::nullopt;
  if (pid == 0) {
    close(fds[0]);
    const Report report = fn();
    const ssize_t n = write(fds[1], &report, sizeof report);
    _exit(n == static_cast<ssize_t>(sizeof report) ? 0 : 3);
  }
  close(fds[1]);
  Report report;
  size_t got = 0;
  const auto start = std::chrono::steady_clock::now();
  while (got < sizeof report) {
    const double left = timeout_s - Seconds(start);
    if (left <= 0) {
      kill(pid, SIGKILL);
      *timed_out = true;
      break;
    }
    pollfd pfd{fds[0], POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(std::min(left, 1.0) * 1000) + 1);
    if (ready <= 0) continue;
    const ssize_t n = read(fds[0], reinterpret_cast<char*>(&report) + got, sizeof report - got);
    if (n <= 0) break;  // child closed the pipe without a full report (crashed)
    got += static_cast<size_t>(n);
  }
  close(fds[0]);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  if (got < sizeof report) return std::nullopt;
  return report;
}

OursReport RunOurs(int n, uint64_t seed) {
  OursReport r;
  const std::string tag = "[" + std::to_string(n) + "x" + std::to_string(n) + "] ";
  std::fprintf(stderr, "%sours: generating market and preparing the round...\n", tag.c_str());
  const market::Market m = GenerateCityMarket(n, n, seed);
  auto start = std::chrono::steady_clock::now();
  Result<market::PreparedRound> prep = market::PrepareRound(m);
  r.prepare_s = Seconds(start);
  if (!prep.ok()) {
    CopyString("PrepareRound: " + prep.status().ToString(), r.error, sizeof r.error);
    return r;
  }
  r.pairs = prep->problem.NumEdges();
  r.in_range_pairs = static_cast<int>(prep->result.pairs.size());
  r.unserved = static_cast<int>(prep->result.unserved.size());
  std::fprintf(stderr,
               "%sours: prepared in %.3f s (%d in-range pairs, %d program edges, %d unserved, "
               "%d admission LP solves); solving...\n",
               tag.c_str(), r.prepare_s, r.in_range_pairs, r.pairs, r.unserved,
               prep->result.lp_solves);
  start = std::chrono::steady_clock::now();
  Result<market::VolumeSolution> sol = market::SolveVolumes(prep->problem);
  r.solve_s = Seconds(start);
  r.peak_mb = PeakMb();
  if (!sol.ok()) {
    CopyString("SolveVolumes: " + sol.status().ToString(), r.error, sizeof r.error);
    return r;
  }
  r.newton_iters = sol->newton_iterations;
  r.cg_iters = sol->cg_iterations;
  r.gap = sol->certificate.relative_gap;
  r.max_violation = sol->certificate.max_violation_kwh;
  r.objective = market::VolumeObjective(prep->problem, sol->x);
  r.ok = true;
  std::fprintf(stderr,
               "%sours: solved in %.3f s, %d Newton / %d CG iterations, gap %.2e, peak %.1f MB\n",
               tag.c_str(), r.solve_s, r.newton_iters, r.cg_iters, r.gap, r.peak_mb);
  return r;
}

IpoptReport RunIpopt(int n, uint64_t seed, double timeout_s) {
  IpoptReport r;
  const std::string tag = "[" + std::to_string(n) + "x" + std::to_string(n) + "] ";
  const market::Market m = GenerateCityMarket(n, n, seed);
  Result<market::PreparedRound> prep = market::PrepareRound(m);
  if (!prep.ok()) {
    CopyString("PrepareRound: " + prep.status().ToString(), r.error, sizeof r.error);
    return r;
  }
  std::fprintf(stderr, "%sipopt: solving (max_cpu_time %.0f s)...\n", tag.c_str(), timeout_s);
  IpoptVolumeOptions opts;
  opts.max_cpu_time_s = timeout_s;
  Result<IpoptVolumeResult> res = SolveVolumesWithIpopt(prep->problem, opts);
  r.peak_mb = PeakMb();
  if (!res.ok()) {
    CopyString(res.status().ToString(), r.error, sizeof r.error);
    return r;
  }
  r.ok = true;
  r.solved = res->solved;
  r.status_code = res->status_code;
  r.iterations = res->iterations;
  r.wall_s = res->wall_s;
  r.objective = res->objective;
  r.max_violation = res->max_violation_kwh;
  CopyString(res->status, r.status, sizeof r.status);
  std::fprintf(stderr,
               "%sipopt: %s in %.3f s, %d iterations, max violation %.2e kWh, peak %.1f MB\n",
               tag.c_str(), r.status, r.wall_s, r.iterations, r.max_violation, r.peak_mb);
  return r;
}

std::string Fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

struct Row {
  int n = 0;
  std::optional<OursReport> ours;
  std::optional<IpoptReport> ipopt;  // only when Ipopt produced a usable optimum
  std::string ipopt_note;            // why ipopt is n/a, if it is
};

void PrintTable(const std::vector<Row>& rows) {
  std::printf(
      "| size | pairs | prepare_s | solve_s | newton_iters | cg_iters | duality_gap | peak_MB "
      "| ipopt_s | ipopt_iters | objective_ours | objective_ipopt | rel_diff | speedup |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const Row& row : rows) {
    const std::string size = std::to_string(row.n) + "x" + std::to_string(row.n);
    if (!row.ours || !row.ours->ok) {
      std::printf("| %s | %s | FAILED: %s |\n", size.c_str(),
                  row.ours ? std::to_string(row.ours->pairs).c_str() : "?",
                  row.ours ? row.ours->error : "child process died");
      continue;
    }
    const OursReport& o = *row.ours;
    std::string ipopt_s = "n/a", iters = "n/a", obj = "n/a", rel = "n/a", speedup = "n/a";
    if (row.ipopt) {
      const IpoptReport& p = *row.ipopt;
      ipopt_s = Fmt("%.3f", p.wall_s);
      iters = std::to_string(p.iterations);
      obj = Fmt("%.10f", p.objective);
      rel = Fmt("%.2e", std::abs(o.objective - p.objective) / std::max(1.0, std::abs(o.objective)));
      speedup = Fmt("%.1f", p.wall_s / std::max(o.solve_s, 1e-9));
    }
    std::printf(
        "| %s | %d | %.3f | %.3f | %d | %d | %.2e | %.1f | %s | %s | %.10f | %s | %s | %s |\n",
        size.c_str(), o.pairs, o.prepare_s, o.solve_s, o.newton_iters, o.cg_iters, o.gap, o.peak_mb,
        ipopt_s.c_str(), iters.c_str(), o.objective, obj.c_str(), rel.c_str(), speedup.c_str());
  }
  std::printf("\n");
  for (const Row& row : rows) {
    const std::string size = std::to_string(row.n) + "x" + std::to_string(row.n);
    if (!row.ours || !row.ours->ok) continue;
    if (!row.ipopt) {
      std::printf("- %s: objectives not compared (Ipopt %s)\n", size.c_str(),
                  row.ipopt_note.c_str());
      continue;
    }
    const double rel = std::abs(row.ours->objective - row.ipopt->objective) /
                       std::max(1.0, std::abs(row.ours->objective));
    std::printf(
        "- %s: objectives %s to %.0e relative (rel_diff %.2e; Ipopt status %s, "
        "Ipopt max row violation %.2e kWh, ours %.2e kWh)\n",
        size.c_str(), rel <= kAgreeTolerance ? "AGREE" : "DISAGREE", kAgreeTolerance, rel,
        row.ipopt->status, row.ipopt->max_violation, row.ours->max_violation);
  }
}

int Main(int argc, char** argv) {
  CLI::App app{"Allocation benchmark: certified volume solver vs Ipopt on city markets"};
  std::vector<int> sizes = {100, 1000, 10000};
  int ipopt_max = 1000;
  double ipopt_timeout = 300;
  uint64_t seed = 1;
  app.add_option("--sizes", sizes, "market sizes n (n buyers x n sellers)")->delimiter(',');
  app.add_option("--ipopt-max", ipopt_max, "largest size also solved by Ipopt");
  app.add_option("--ipopt-timeout", ipopt_timeout, "Ipopt time limit, seconds");
  app.add_option("--seed", seed, "market generator seed");
  CLI11_PARSE(app, argc, argv);

  std::vector<Row> rows;
  bool failed = false;
  for (int n : sizes) {
    Row row;
    row.n = n;
    bool timed_out = false;
    row.ours = RunInChild<OursReport>([&] { return RunOurs(n, seed); }, 1e9, &timed_out);
    if (!row.ours || !row.ours->ok) {
      failed = true;
      std::fprintf(stderr, "[%dx%d] ours: FAILED: %s\n", n, n,
                   row.ours ? row.ours->error : "child process died");
    } else if (n > ipopt_max) {
      row.ipopt_note = "skipped: size above --ipopt-max";
    } else {
      // Wall-clock backstop for Ipopt's CPU-time limit: preparation plus the limit plus slack.
      const double deadline = 2 * row.ours->prepare_s + 1.2 * ipopt_timeout + 30;
      std::optional<IpoptReport> p = RunInChild<IpoptReport>(
          [&] { return RunIpopt(n, seed, ipopt_timeout); }, deadline, &timed_out);
      if (timed_out) {
        row.ipopt_note = "timed out (killed after " + Fmt("%.0f", deadline) + " s wall)";
      } else if (!p) {
        row.ipopt_note = "child process died";
      } else if (!p->ok) {
        row.ipopt_note = std::string("failed: ") + p->error;
      } else if (p->status_code == -4) {  // Maximum_CpuTime_Exceeded
        row.ipopt_note = "timed out (max_cpu_time " + Fmt("%g", ipopt_timeout) + " s)";
      } else if (!p->solved) {
        row.ipopt_note = std::string("did not solve: ") + p->status;
      } else {
        row.ipopt = p;
      }
      if (!row.ipopt)
        std::fprintf(stderr, "[%dx%d] ipopt: n/a: %s\n", n, n, row.ipopt_note.c_str());
    }
    rows.push_back(std::move(row));
  }
  PrintTable(rows);
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace v2v::bench

int main(int argc, char** argv) { return v2v::bench::Main(argc, argv); }
