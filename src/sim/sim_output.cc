#include "sim/sim_output.h"

#include "sim/csv.h"
#include "sim/plot.h"

namespace v2v::sim {
namespace {

Status Put(std::FILE* f, const std::string& text, const std::string& path) {
  if (std::fwrite(text.data(), 1, text.size(), f) != text.size())
    return Status::IoError(path + ": write failed");
  return Status::Ok();
}

}  // namespace

CsvSimWriter::CsvSimWriter(std::string dir, std::unique_ptr<std::FILE, FileCloser> trades,
                           std::unique_ptr<std::FILE, FileCloser> rounds, P2pColumns p2p_columns)
    : dir_(std::move(dir)),
      p2p_columns_(p2p_columns),
      trades_(std::move(trades)),
      rounds_(std::move(rounds)) {}

Result<std::unique_ptr<CsvSimWriter>> CsvSimWriter::Open(const std::string& dir,
                                                         const std::string& stamp,
                                                         P2pColumns p2p_columns) {
  V2V_RETURN_IF_ERROR(MakeDirs(dir));
  const std::string tp = dir + "/trades.csv", rp = dir + "/rounds.csv";
  std::unique_ptr<std::FILE, FileCloser> t(std::fopen(tp.c_str(), "wb"));
  if (!t) return Status::IoError(tp + ": cannot open for writing");
  std::unique_ptr<std::FILE, FileCloser> r(std::fopen(rp.c_str(), "wb"));
  if (!r) return Status::IoError(rp + ": cannot open for writing");
  V2V_RETURN_IF_ERROR(Put(t.get(),
                          "# " + stamp +
                              "\ntime_s,rsu,buyer,seller,p_per_kwh,r_per_kwh,"
                              "t_per_kwh,kwh,distance_m\n",
                          tp));
  V2V_RETURN_IF_ERROR(Put(r.get(),
                          "# " + stamp +
                              "\ntime_s,rsu,buyers,sellers,late_replies,pairs,"
                              "trading_pairs,trades,unserved,energy_kwh,welfare,mean_price_per_kwh,"
                              "p2p_price_per_kwh,grid_price_per_kwh,p2p_trades,p2p_surplus,"
                              "p2p_budget,p2p_first_best" +
                              (p2p_columns.truthful ? ",p2p_truthful_trades,"
                                                      "p2p_truthful_price_per_kwh,"
                                                      "p2p_truthful_surplus"
                                                    : "") +
                              (p2p_columns.in_range ? ",p2p_first_best_in_range,"
                                                      "p2p_in_range_trades,p2p_in_range_surplus,"
                                                      "p2p_in_range_budget"
                                                    : "") +
                              "\n",
                          rp));
  return std::unique_ptr<CsvSimWriter>(
      new CsvSimWriter(dir, std::move(t), std::move(r), p2p_columns));
}

Status CsvSimWriter::OnRound(const RoundRecord& r, const std::vector<TradeRecord>& trades) {
  for (const TradeRecord& t : trades) {
    line_ = FormatG(t.time_s, 10) + "," + std::to_string(t.rsu) + "," + t.buyer + "," + t.seller +
            "," + FormatG(t.p) + "," + FormatG(t.r) + "," + FormatG(t.t) + "," + FormatG(t.kwh) +
            "," + FormatG(t.distance_m, 7) + "\n";
    V2V_RETURN_IF_ERROR(Put(trades_.get(), line_, dir_ + "/trades.csv"));
  }
  line_ = FormatG(r.time_s, 10) + "," + std::to_string(r.rsu) + "," + std::to_string(r.buyers) +
          "," + std::to_string(r.sellers) + "," + std::to_string(r.late_replies) + "," +
          std::to_string(r.pairs) + "," + std::to_string(r.trading_pairs) + "," +
          std::to_string(r.trades) + "," + std::to_string(r.unserved) + "," +
          FormatG(r.energy_kwh) + "," + FormatG(r.welfare) + "," + FormatG(r.mean_price) + "," +
          FormatG(r.p2p_price) + "," + FormatG(r.grid_price) + "," + std::to_string(r.p2p_trades) +
          "," + FormatG(r.p2p_surplus) + "," + FormatG(r.p2p_budget) + "," +
          FormatG(r.p2p_first_best);
  if (p2p_columns_.truthful) {
    line_ += "," + std::to_string(r.p2p_truthful_trades) + "," + FormatG(r.p2p_truthful_price) +
             "," + FormatG(r.p2p_truthful_surplus);
  }
  if (p2p_columns_.in_range) {
    line_ += "," + FormatG(r.p2p_first_best_in_range) + "," +
             std::to_string(r.p2p_in_range_trades) + "," + FormatG(r.p2p_in_range_surplus) + "," +
             FormatG(r.p2p_in_range_budget);
  }
  line_ += "\n";
  return Put(rounds_.get(), line_, dir_ + "/rounds.csv");
}

Status CsvSimWriter::Close() {
  Status st;
  if (trades_ && std::fclose(trades_.release()) != 0)
    st = Status::IoError(dir_ + "/trades.csv: close failed");
  if (rounds_ && std::fclose(rounds_.release()) != 0 && st.ok())
    st = Status::IoError(dir_ + "/rounds.csv: close failed");
  return st;
}

BillTotals TotalsOf(const SimSummary& s) {
  BillTotals t;
  constexpr double kCent = 1e-9;  // rounding, not a loss
  for (const VehicleBill& b : s.bills) {
    if (b.bought_kwh > 0) {
      ++t.buyers;
      t.buyer_saved += b.BuyerSaved();
      t.buyers_worse_off += b.BuyerSaved() < -kCent;
    }
    if (b.sold_kwh > 0) {
      ++t.sellers;
      t.seller_gained += b.SellerGained();
      t.sellers_worse_off += b.SellerGained() < -kCent;
    }
  }
  double v2v = 0, grid = 0;
  for (size_t h = 0; h < 24; ++h) {
    v2v += s.hourly.v2v_kwh[h];
    grid += s.hourly.grid_kwh[h];
  }
  t.v2v_share = v2v + grid > 0 ? v2v / (v2v + grid) : -1;
  return t;
}

Status WriteBills(const std::string& dir, const SimSummary& s, const std::string& stamp) {
  CsvTable v({"vehicle", "bought_kwh", "paid", "grid_cost", "saved_vs_grid", "sold_kwh", "gave_kwh",
              "earned", "feed_in_value", "gained_vs_feed_in"});
  for (const VehicleBill& b : s.bills) {
    v.AddRow({b.id, FormatG(b.bought_kwh), FormatG(b.paid), FormatG(b.grid_cost),
              FormatG(b.BuyerSaved()), FormatG(b.sold_kwh), FormatG(b.gave_kwh), FormatG(b.earned),
              FormatG(b.feed_in_value), FormatG(b.SellerGained())});
  }
  V2V_RETURN_IF_ERROR(WriteTextFile(dir + "/vehicles.csv", v.ToString(stamp)));
  CsvTable h({"hour", "v2v_kwh", "grid_kwh", "v2v_share", "buyer_saved_per_v2v_kwh"});
  for (size_t i = 0; i < 24; ++i) {
    const double v2v = s.hourly.v2v_kwh[i], grid = s.hourly.grid_kwh[i];
    h.AddNumbers({static_cast<double>(i) + 0.5, v2v, grid,
                  v2v + grid > 0 ? v2v / (v2v + grid) : kNan,
                  v2v > 0 ? s.hourly.buyer_saved[i] / v2v : kNan});
  }
  V2V_RETURN_IF_ERROR(MakeDirs(dir + "/hourly"));
  return WriteTextFile(dir + "/hourly/data.csv", h.ToString(stamp));
}

Status PlotHourly(const std::string& dir) {
  return RunGnuplot(
      dir + "/hourly", "V2V share of charging and buyers' saving against the grid, by hour",
      "set xlabel 'hour of day'\nset xrange [0:24]\nset ylabel 'V2V share of energy charged'\n"
      "set yrange [0:*]\nset y2label 'buyer saving per V2V kWh (outside option - paid)'\n"
      "set y2tics\nset ytics nomirror\nset key top left\n"
      "plot datafile using 1:4 with boxes fs solid 0.4 title 'V2V share', "
      "'' using 1:5 axes x1y2 with linespoints lw 2 title 'saving per kWh'\n");
}

std::string SummaryJson(const SimSummary& s, uint64_t seed, const std::string& scenario_hash,
                        const std::string& mobility, double wall_s) {
  std::string j = "{\n";
  auto field = [&j](const char* k, const std::string& v, bool last = false) {
    j += "  \"";
    j += k;
    j += "\": " + v + (last ? "\n" : ",\n");
  };
  field("seed", std::to_string(seed));
  field("scenario_hash", "\"" + scenario_hash + "\"");
  field("mobility", "\"" + mobility + "\"");
  field("vehicles", std::to_string(s.vehicles));
  field("steps", std::to_string(s.steps));
  field("vehicle_steps", std::to_string(s.vehicle_steps));
  field("rounds", std::to_string(s.rounds));
  field("trades", std::to_string(s.trades));
  field("energy_kwh", FormatG(s.energy_kwh, 10));
  field("payments", FormatG(s.payments, 10));
  field("mean_price_per_kwh", s.energy_kwh > 0 ? FormatG(s.payments / s.energy_kwh) : "null");
  field("welfare", FormatG(s.welfare, 10));
  field("grid_kwh", FormatG(s.grid_kwh, 10));
  field("driven_km", FormatG(s.driven_km, 10));
  field("simulated_s", FormatG(s.simulated_s, 10));
  const BillTotals b = TotalsOf(s);
  field("buyers", std::to_string(b.buyers));
  field("buyer_savings_vs_grid", FormatG(b.buyer_saved, 10));
  field("buyers_worse_off_than_grid", std::to_string(b.buyers_worse_off));
  field("sellers", std::to_string(b.sellers));
  field("seller_gains_vs_feed_in", FormatG(b.seller_gained, 10));
  field("sellers_worse_off_than_feed_in", std::to_string(b.sellers_worse_off));
  field("p2p_mechanism", "\"" + s.p2p_mechanism + "\"");
  field("p2p_trades", std::to_string(s.p2p_trades));
  field("p2p_surplus", FormatG(s.p2p_surplus, 10));
  field("p2p_budget", FormatG(s.p2p_budget, 10));
  field("p2p_first_best", FormatG(s.p2p_first_best, 10));
  field("p2p_ir_violations", std::to_string(s.p2p_ir_violations));
  if (s.p2p_at_equilibrium) {  // the p2p_* above at equilibrium bids, the truthful line beside
    field("p2p_bidding", "\"equilibrium\"");
    field("p2p_equilibrium_epsilon", FormatG(s.p2p_equilibrium_epsilon, 3));
    field("p2p_truthful_trades", std::to_string(s.p2p_truthful_trades));
    field("p2p_truthful_surplus", FormatG(s.p2p_truthful_surplus, 10));
    field("p2p_truthful_budget", FormatG(s.p2p_truthful_budget, 10));
    field("p2p_truthful_ir_violations", std::to_string(s.p2p_truthful_ir_violations));
  }
  if (s.p2p_in_range) {  // within the radius: its first best, and the trades that did not lapse
    field("p2p_first_best_in_range", FormatG(s.p2p_first_best_in_range, 10));
    field("p2p_in_range_trades", std::to_string(s.p2p_in_range_trades));
    field("p2p_in_range_surplus", FormatG(s.p2p_in_range_surplus, 10));
    field("p2p_in_range_budget", FormatG(s.p2p_in_range_budget, 10));
    field("p2p_in_range_ir_violations", std::to_string(s.p2p_in_range_ir_violations));
  }
  field("v2v_share_of_charging", b.v2v_share >= 0 ? FormatG(b.v2v_share, 6) : "null");
  if (s.grid_model) {
    field("market_model", "\"grid\"");
    field("grid_cheaper_buyers", std::to_string(s.grid_cheaper_buyers));
    field("feed_in_better_sellers", std::to_string(s.feed_in_better_sellers));
    field("network_fees", FormatG(s.network_fees, 10));
    field("outside_option_violations", std::to_string(s.outside_option_violations));
  }
  if (!s.areas.empty()) {  // [[tariff.area]]: each area's rounds, [tariff]'s first
    std::string areas = "[";
    for (size_t i = 0; i < s.areas.size(); ++i) {
      const AreaSummary& a = s.areas[i];
      areas += std::string(i ? ",\n" : "\n") + "    {\"area\": \"" +
               (i == 0 ? std::string("[tariff]") : "area[" + std::to_string(i - 1) + "]") +
               "\", \"rsus\": " + std::to_string(a.rsus) +
               ", \"rounds\": " + std::to_string(a.rounds) +
               ", \"trades\": " + std::to_string(a.trades) +
               ", \"buyers\": " + std::to_string(a.buyers) +
               ", \"energy_kwh\": " + FormatG(a.energy_kwh, 10) + ", \"mean_price_per_kwh\": " +
               (a.energy_kwh > 0 ? FormatG(a.payments / a.energy_kwh) : "null");
      if (s.grid_model) {
        areas += ", \"grid_cheaper_buyers\": " + std::to_string(a.grid_cheaper_buyers) +
                 ", \"feed_in_better_sellers\": " + std::to_string(a.feed_in_better_sellers) +
                 ", \"network_fees\": " + FormatG(a.network_fees, 10);
      }
      areas += "}";
    }
    field("tariff_areas", areas + "\n  ]");
  }
  field("wall_s", FormatG(wall_s, 4), true);
  j += "}\n";
  return j;
}

}  // namespace v2v::sim
