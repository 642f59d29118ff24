#include "fleet/fleet_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace v2v::fleet {

double Percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const double rank = std::ceil(p / 100.0 * static_cast<double>(samples.size()));
  const size_t k =
      static_cast<size_t>(std::clamp(rank, 1.0, static_cast<double>(samples.size()))) - 1;
  return samples[k];
}

void FleetStats::Accepted(int node, uint64_t round, double rtt_ms) {
  ++accepted_;
  rounds_.insert({node, round});
  if (rtt_ms >= 0) accept_ms_.push_back(rtt_ms);
}

void FleetStats::Committed(int node, uint64_t round, double after_deadline_ms) {
  committed_.insert({node, round});
  commit_ms_.push_back(after_deadline_ms);
  MarkRound(node, round, "committed");
}

void FleetStats::Dropped(int node, uint64_t round) {
  dropped_.insert({node, round});
  MarkRound(node, round, "dropped");
}

void FleetStats::MarkRound(int node, uint64_t round, const char* state) {
  auto it = rows_of_round_.find({node, round});
  if (it == rows_of_round_.end()) return;
  for (size_t i : it->second) {
    if (trades_[i].state == "scheduled") trades_[i].state = state;
  }
}

void FleetStats::Trade(TradeRow row) {
  if (by_escrow_.count(row.escrow)) return;  // seen already (a resent scheme)
  by_escrow_[row.escrow] = trades_.size();
  rows_of_round_[{row.node, row.round}].push_back(trades_.size());
  trades_.push_back(std::move(row));
}

void FleetStats::EscrowClosed(const std::string& escrow, bool settled) {
  auto it = by_escrow_.find(escrow);
  if (it == by_escrow_.end()) return;
  const std::string& state = trades_[it->second].state;
  if (state != "scheduled" && state != "committed") return;
  trades_[it->second].state = settled ? "settled" : "refunded";
  ++(settled ? settled_ : refunded_);
}

int64_t FleetStats::refused() const {
  int64_t n = 0;
  for (const auto& [reason, k] : refused_) n += k;
  return n;
}

std::string FleetStats::ProgressLine(double now_s, int engaged) const {
  char line[200];
  std::snprintf(line, sizeof line,
                "t=%5.1fs engaged %d  bids %lld accepted %lld refused %lld  rounds %zu committed "
                "%zu  trades %lld "
                "settled %lld",
                now_s, engaged, static_cast<long long>(bids_sent_),
                static_cast<long long>(accepted_), static_cast<long long>(refused()),
                rounds_.size(), committed_.size(), static_cast<long long>(trades_.size()),
                static_cast<long long>(settled_));
  return line;
}

AgainstGrid FleetStats::against_grid() const {
  AgainstGrid g;
  for (const TradeRow& t : trades_) {
    if (t.grid_price <= 0) continue;
    // Rounded to the nearest smallest unit, as the ledger rounds an amount (price x Wh / 1000).
    const int64_t grid_cost = (t.grid_price * t.energy_wh + 500) / 1000;
    g.buyers_paid += t.amount;
    g.grid_cost += grid_cost;
    g.sellers_earned += (t.price * t.energy_wh + 500) / 1000;  // the amount less any network fee
    g.feed_in_value += (t.feed_in * (t.energy_wh + t.loss_wh) + 500) / 1000;
    if (t.amount > grid_cost) ++g.buyers_worse_off;
  }
  return g;
}

nlohmann::json FleetStats::SummaryJson(double wall_s) const {
  const AgainstGrid g = against_grid();
  int64_t wh = 0, amount = 0;
  for (const auto& t : trades_) {
    wh += t.energy_wh;
    amount += t.amount;
  }
  auto lat = [](const std::vector<double>& v) {
    return nlohmann::json{{"n", v.size()}, {"p50", Percentile(v, 50)}, {"p99", Percentile(v, 99)}};
  };
  return {{"bids_sent", bids_sent_},
          {"accepted", accepted_},
          {"refused", refused()},
          {"refused_by_reason", refused_},
          {"rounds", rounds_.size()},
          {"rounds_committed", committed_.size()},
          {"rounds_dropped", dropped_.size()},
          {"trades", trades_.size()},
          {"energy_kwh", static_cast<double>(wh) / 1000.0},
          {"payments", amount},
          {"settled", settled_},
          {"refunded", refunded_},
          {"handovers", handovers_},
          {"connections", connections_},
          {"batches", batches_},
          {"batched_txs", batched_txs_},
          {"against_grid",
           {{"buyers_paid", g.buyers_paid},
            {"grid_cost", g.grid_cost},
            {"buyers_saved", g.BuyersSaved()},
            {"buyers_worse_off", g.buyers_worse_off},
            {"sellers_earned", g.sellers_earned},
            {"feed_in_value", g.feed_in_value},
            {"sellers_gained", g.SellersGained()}}},
          {"latency_ms",
           {{"call_to_offer_accepted", lat(accept_ms_)},
            {"deadline_to_scheme_push", lat(scheme_ms_)},
            {"deadline_to_committed_push", lat(commit_ms_)}}},
          {"wall_s", wall_s}};
}

std::string FleetStats::SummaryText(double wall_s) const {
  const auto j = SummaryJson(wall_s);
  std::ostringstream o;
  o << "  bids sent             " << bids_sent_ << "\n";
  o << "  accepted              " << accepted_ << "\n";
  o << "  refused               " << refused();
  for (const auto& [reason, k] : refused_) o << "  " << reason << ": " << k;
  o << "\n";
  o << "  rounds                " << rounds_.size() << " (committed " << committed_.size()
    << ", dropped " << dropped_.size() << ")\n";
  o << "  trades                " << trades_.size() << "  (" << j["energy_kwh"].get<double>()
    << " kWh, payments " << j["payments"] << ")\n";
  o << "  escrows settled       " << settled_ << "  refunded " << refunded_ << "\n";
  const AgainstGrid g = against_grid();
  o << "  against the grid      buyers saved " << g.BuyersSaved() << " (paid " << g.buyers_paid
    << ", the tariff " << g.grid_cost << "; " << g.buyers_worse_off
    << " trades above it), sellers gained " << g.SellersGained() << " over feed-in\n";
  o << "  handovers             " << handovers_ << "\n";
  o << "  connections           " << connections_ << "  (" << batched_txs_
    << " signed transactions in " << batches_ << " batches)\n";
  for (const char* k :
       {"call_to_offer_accepted", "deadline_to_scheme_push", "deadline_to_committed_push"}) {
    const auto& l = j["latency_ms"][k];
    char line[160];
    std::snprintf(line, sizeof line, "  %-21s p50 %.0f ms  p99 %.0f ms  (n=%zu)\n", k,
                  l["p50"].get<double>(), l["p99"].get<double>(), l["n"].get<size_t>());
    o << line;
  }
  return o.str();
}

Status FleetStats::WriteTradesCsv(const std::string& dir, const std::string& stamp) const {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(dir + ": " + ec.message());
  const std::string path = dir + "/trades.csv";
  std::ofstream f(path);
  f << "# " << stamp << "\n";
  f << "time_s,node,round,buyer,seller,price_per_kwh,kwh,loss_kwh,amount,escrow,state,"
       "grid_price_per_kwh,feed_in_per_kwh\n";
  for (const auto& t : trades_) {
    char line[400];
    std::snprintf(
        line, sizeof line, "%.3f,%d,%llu,%s,%s,%lld,%.3f,%.3f,%lld,%s,%s,%lld,%lld\n", t.time_s,
        t.node, static_cast<unsigned long long>(t.round), t.buyer.c_str(), t.seller.c_str(),
        static_cast<long long>(t.price), static_cast<double>(t.energy_wh) / 1000.0,
        static_cast<double>(t.loss_wh) / 1000.0, static_cast<long long>(t.amount), t.escrow.c_str(),
        t.state.c_str(), static_cast<long long>(t.grid_price), static_cast<long long>(t.feed_in));
    f << line;
  }
  f.close();
  if (!f) return Status::IoError(path + ": write failed");
  return Status::Ok();
}

}  // namespace v2v::fleet
