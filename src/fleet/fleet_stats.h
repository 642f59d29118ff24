// What a fleet run counts and measures, and how it prints it: the summary (bids sent, accepted,
// refused by reason, rounds, trades, kWh, settled, refunded, latencies), the progress line, and
// trades.csv (one row per trade of the schemes the fleet's buyers received). Pure: times are
// passed in. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace v2v::fleet {

struct TradeRow {
  double time_s = 0;  // since the fleet started
  int node = 0;
  uint64_t round = 0;
  std::string buyer, seller, escrow;
  int64_t price = 0;                               // smallest units per kWh
  int64_t energy_wh = 0, loss_wh = 0, amount = 0;  // amount: what the buyer pays, any fee included
  // scheduled (in a scheme pushed to the buyer), then committed (its round's committed push) or
  // dropped (its round's drop), then settled or refunded (its escrow closed).
  std::string state = "scheduled";
  // The grid at the trade's simulated time, in smallest units per kWh (0: not known): its
  // time-of-use price, what the buyer would have paid charging instead (no detour or wait), and
  // its feed-in price, what the seller's energy (losses included) would have earned fed in.
  int64_t grid_price = 0, feed_in = 0;
};

// p in [0, 100] of the samples (nearest rank); 0 without samples.
double Percentile(std::vector<double> samples, double p);

// What the fleet's trades did against the grid (docs/fleet.md): buyers paid `buyers_paid` for
// energy the grid's tariff would have sold them for `grid_cost`; sellers earned `sellers_earned`
// for energy (losses included) that fed in would have earned `feed_in_value`. All in smallest
// units; `buyers_worse_off` counts the trades a buyer paid more for than the grid's price.
struct AgainstGrid {
  int64_t buyers_paid = 0, grid_cost = 0, sellers_earned = 0, feed_in_value = 0;
  int64_t buyers_worse_off = 0;
  int64_t BuyersSaved() const { return grid_cost - buyers_paid; }
  int64_t SellersGained() const { return sellers_earned - feed_in_value; }
};

class FleetStats {
 public:
  void BidSent() { ++bids_sent_; }
  // rtt_ms: from a seller's call to its offer's acceptance (negative: not measured, a buyer).
  void Accepted(int node, uint64_t round, double rtt_ms);
  void Refused(const std::string& reason) { ++refused_[reason.empty() ? "unknown" : reason]; }
  void Scheme(double after_deadline_ms) { scheme_ms_.push_back(after_deadline_ms); }
  void Committed(int node, uint64_t round, double after_deadline_ms);
  void Dropped(int node, uint64_t round);
  void Trade(TradeRow row);
  // A buyer's escrow ended (settled or refunded).
  void EscrowClosed(const std::string& escrow, bool settled);
  void SetHandovers(int64_t n) { handovers_ = n; }
  // Connections opened to the nodes, vehicle_submitBatch messages sent, signed transactions in
  // them.
  void SetTransport(int64_t connections, int64_t batches, int64_t batched_txs) {
    connections_ = connections;
    batches_ = batches;
    batched_txs_ = batched_txs;
  }

  int64_t accepted() const { return accepted_; }
  int64_t refused() const;
  int64_t settled() const { return settled_; }
  int64_t trades() const { return static_cast<int64_t>(trades_.size()); }
  size_t rounds() const { return rounds_.size(); }
  size_t committed_rounds() const { return committed_.size(); }
  const std::vector<TradeRow>& trade_rows() const { return trades_; }
  // Over the trades whose grid prices are known.
  AgainstGrid against_grid() const;

  std::string ProgressLine(double now_s, int engaged) const;
  // The summary as JSON (also written to summary.json) and in words.
  nlohmann::json SummaryJson(double wall_s) const;
  std::string SummaryText(double wall_s) const;
  // trades.csv in dir (created): a "#" stamp line, then the header and one row per trade.
  Status WriteTradesCsv(const std::string& dir, const std::string& stamp) const;

 private:
  int64_t bids_sent_ = 0, accepted_ = 0, settled_ = 0, refunded_ = 0, handovers_ = 0;
  int64_t connections_ = 0, batches_ = 0, batched_txs_ = 0;
  std::map<std::string, int64_t> refused_;
  std::set<std::pair<int, uint64_t>> rounds_, committed_, dropped_;
  std::map<std::pair<int, uint64_t>, std::vector<size_t>> rows_of_round_;  // into trades_
  // The rows of (node, round) still "scheduled" become `state`.
  void MarkRound(int node, uint64_t round, const char* state);
  std::vector<double> accept_ms_, scheme_ms_, commit_ms_;
  std::vector<TradeRow> trades_;
  std::map<std::string, size_t> by_escrow_;
};

}  // namespace v2v::fleet
