#include "market/first_best_matching.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>
#include <utility>

namespace v2v::market {
namespace {

constexpr double kUnreached = std::numeric_limits<double>::infinity();

// An allowed pair seen from its buyer: the seller and the pair's gain v - c (>= 0).
struct Edge {
  int seller = 0;
  double gain = 0;
};

// Successive shortest augmenting paths. Nodes: buyers 0..nb-1, sellers nb..nb+ns-1, the sink
// nb+ns; the source is implicit, its potential 0. Residual edges: source -> unmatched buyer
// (cost 0), buyer -> seller not its own (cost -gain), seller -> its buyer (cost +gain),
// unmatched seller -> sink (cost 0). Potentials keep every reduced cost >= 0 (up to rounding,
// which Relax clamps).
class Augmenter {
 public:
  Augmenter(std::span<const double> values, std::span<const double> costs,
            std::span<const UnitPair> allowed);
  UnitMatching Solve();

 private:
  void InitPotentials();
  void ShortestPaths();
  bool Augment();
  void Relax(int from, int to, double reduced, double gain);

  std::span<const double> values_, costs_;
  int nb_ = 0, ns_ = 0, sink_ = 0;
  double min_gain_ = 0;                 // a path must gain more than this
  std::vector<std::vector<Edge>> out_;  // by buyer, sorted by seller, each seller once
  std::vector<int> seller_of_;          // by buyer: its seller, -1 when unmatched
  std::vector<int> buyer_of_;           // by seller: its buyer, -1 when unmatched
  std::vector<double> matched_gain_;    // by seller: its pair's gain
  std::vector<double> pi_, dist_;       // by node: potential, reduced distance
  std::vector<int> prev_;               // by node: the node it was reached from (-1: source)
  std::vector<double> prev_gain_;       // by seller node: the gain of the edge it was reached by
  using Item = std::pair<double, int>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> heap_;
};

Augmenter::Augmenter(std::span<const double> values, std::span<const double> costs,
                     std::span<const UnitPair> allowed)
    : values_(values),
      costs_(costs),
      nb_(static_cast<int>(values.size())),
      ns_(static_cast<int>(costs.size())),
      sink_(nb_ + ns_),
      out_(values.size()),
      seller_of_(values.size(), -1),
      buyer_of_(costs.size(), -1),
      matched_gain_(costs.size(), 0.0) {
  double scale = 1;
  for (double v : values) scale = std::max(scale, std::abs(v));
  for (double c : costs) scale = std::max(scale, std::abs(c));
  min_gain_ = 1e-12 * scale;
  for (const UnitPair& p : allowed) {
    const double gain = values[static_cast<size_t>(p.buyer)] - costs[static_cast<size_t>(p.seller)];
    if (gain >= 0) out_[static_cast<size_t>(p.buyer)].push_back({p.seller, gain});
  }
  for (std::vector<Edge>& edges : out_) {
    std::sort(edges.begin(), edges.end(),
              [](const Edge& a, const Edge& b) { return a.seller < b.seller; });
    edges.erase(std::unique(edges.begin(), edges.end(),
                            [](const Edge& a, const Edge& b) { return a.seller == b.seller; }),
                edges.end());
  }
}

// Feasible potentials for the empty matching: buyers 0, each seller minus its best gain (the
// cheapest edge into it), the sink the least of the sellers'.
void Augmenter::InitPotentials() {
  pi_.assign(static_cast<size_t>(sink_ + 1), 0.0);
  for (const std::vector<Edge>& edges : out_) {
    for (const Edge& e : edges) {
      double& p = pi_[static_cast<size_t>(nb_ + e.seller)];
      p = std::min(p, -e.gain);
    }
  }
  for (int j = 0; j < ns_; ++j) {
    pi_[static_cast<size_t>(sink_)] =
        std::min(pi_[static_cast<size_t>(sink_)], pi_[static_cast<size_t>(nb_ + j)]);
  }
}

void Augmenter::Relax(int from, int to, double reduced, double gain) {
  const double d = dist_[static_cast<size_t>(from)] + std::max(0.0, reduced);
  if (d >= dist_[static_cast<size_t>(to)]) return;
  dist_[static_cast<size_t>(to)] = d;
  prev_[static_cast<size_t>(to)] = from;
  prev_gain_[static_cast<size_t>(to)] = gain;
  heap_.push({d, to});
}

// Dijkstra on the reduced costs from the source, stopped when the sink is settled.
void Augmenter::ShortestPaths() {
  dist_.assign(pi_.size(), kUnreached);
  prev_.assign(pi_.size(), -1);
  prev_gain_.assign(pi_.size(), 0.0);
  heap_ = {};
  for (int i = 0; i < nb_; ++i) {
    if (seller_of_[static_cast<size_t>(i)] >= 0 || out_[static_cast<size_t>(i)].empty()) continue;
    dist_[static_cast<size_t>(i)] = std::max(0.0, -pi_[static_cast<size_t>(i)]);
    heap_.push({dist_[static_cast<size_t>(i)], i});
  }
  const auto pi = [this](int node) { return pi_[static_cast<size_t>(node)]; };
  while (!heap_.empty()) {
    const auto [d, u] = heap_.top();
    heap_.pop();
    if (d > dist_[static_cast<size_t>(u)]) continue;
    if (u == sink_) return;
    if (u < nb_) {
      for (const Edge& e : out_[static_cast<size_t>(u)]) {
        if (e.seller == seller_of_[static_cast<size_t>(u)]) continue;
        const int v = nb_ + e.seller;
        Relax(u, v, -e.gain + pi(u) - pi(v), e.gain);
      }
      continue;
    }
    const int j = u - nb_, b = buyer_of_[static_cast<size_t>(j)];
    if (b >= 0) {
      Relax(u, b, matched_gain_[static_cast<size_t>(j)] + pi(u) - pi(b), 0.0);
    } else {
      Relax(u, sink_, pi(u) - pi(sink_), 0.0);
    }
  }
}

// One shortest path from the source to the sink; taken when it raises the surplus by more than
// min_gain_. The potentials move by min(distance, the sink's), which keeps every reduced cost
// >= 0, the path's edges at 0.
bool Augmenter::Augment() {
  ShortestPaths();
  const double to_sink = dist_[static_cast<size_t>(sink_)];
  if (to_sink == kUnreached) return false;
  const double gain = -(to_sink + pi_[static_cast<size_t>(sink_)]);
  if (!(gain > min_gain_)) return false;
  for (size_t v = 0; v < pi_.size(); ++v) pi_[v] += std::min(dist_[v], to_sink);
  // Back from the sink: seller s was reached from buyer b, which the source or b's old seller
  // reached; b takes s, and the old seller is next.
  int s = prev_[static_cast<size_t>(sink_)];
  while (true) {
    const int b = prev_[static_cast<size_t>(s)], j = s - nb_;
    seller_of_[static_cast<size_t>(b)] = j;
    buyer_of_[static_cast<size_t>(j)] = b;
    matched_gain_[static_cast<size_t>(j)] = prev_gain_[static_cast<size_t>(s)];
    s = prev_[static_cast<size_t>(b)];
    if (s < 0) return true;
  }
}

UnitMatching Augmenter::Solve() {
  InitPotentials();
  for (int k = std::min(nb_, ns_); k > 0 && Augment(); --k) {
  }
  UnitMatching m;
  for (int i = 0; i < nb_; ++i) {
    const int j = seller_of_[static_cast<size_t>(i)];
    if (j < 0) continue;
    m.pairs.push_back({i, j});
    m.surplus += values_[static_cast<size_t>(i)] - costs_[static_cast<size_t>(j)];
  }
  return m;
}

}  // namespace

UnitMatching FirstBestMatching(std::span<const double> values, std::span<const double> costs,
                               std::span<const UnitPair> allowed) {
  return Augmenter(values, costs, allowed).Solve();
}

}  // namespace v2v::market
