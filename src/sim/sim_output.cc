#include "sim/sim_output.h"

#include "sim/csv.h"

namespace v2v::sim {
namespace {

Status Put(std::FILE* f, const std::string& text, const std::string& path) {
  if (std::fwrite(text.data(), 1, text.size(), f) != text.size())
    return Status::IoError(path + ": write failed");
  return Status::Ok();
}

}  // namespace

CsvSimWriter::CsvSimWriter(std::string dir, std::unique_ptr<std::FILE, FileCloser> trades,
                           std::unique_ptr<std::FILE, FileCloser> rounds)
    : dir_(std::move(dir)), trades_(std::move(trades)), rounds_(std::move(rounds)) {}

Result<std::unique_ptr<CsvSimWriter>> CsvSimWriter::Open(const std::string& dir,
                                                         const std::string& stamp) {
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
                              "p2p_price_per_kwh,grid_price_per_kwh\n",
                          rp));
  return std::unique_ptr<CsvSimWriter>(new CsvSimWriter(dir, std::move(t), std::move(r)));
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
          FormatG(r.p2p_price) + "," + FormatG(r.grid_price) + "\n";
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
  field("wall_s", FormatG(wall_s, 4), true);
  j += "}\n";
  return j;
}

}  // namespace v2v::sim
