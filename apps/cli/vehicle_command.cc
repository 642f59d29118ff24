#include "vehicle_command.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cmath>
#include <iostream>
#include <optional>
#include <random>

#include "vehicle/client.h"
#include "vehicle/trader.h"

namespace v2v::cli {
namespace {

struct Common {
  std::string rsu, ca, identity, at, wait = "committed";
  bool json = false;
  double timeout_s = 300;
  // The car as it is (contract C-4.8); unset: not stated.
  std::optional<double> max_power_kw, stay_s;
};
struct BuyArgs {
  Common c;
  std::string kwh, range;
  int64_t value = 0;
  double willingness = 1, meter_fraction = 1;
};
struct SellArgs {
  Common c;
  std::string range;
  double available = 0, reserve = 0, loss = 0, for_s = 0;
  std::optional<double> target_kwh;
  int64_t cost = 0;
  int rounds = 0;
  bool no_report = false;
};

// "A:B" as two numbers.
bool Pair(const std::string& text, char sep, double& a, double& b) {
  const auto k = text.find(sep);
  if (k == std::string::npos) return false;
  try {
    size_t n1 = 0, n2 = 0;
    a = std::stod(text.substr(0, k), &n1);
    b = std::stod(text.substr(k + 1), &n2);
    return n1 == k && n2 == text.size() - k - 1 && std::isfinite(a) && std::isfinite(b);
  } catch (...) {
    return false;
  }
}

int Usage(const std::string& what) {
  std::cerr << "v2v vehicle: " << what << "\n";
  return 2;
}

vehicle::WaitFor ParseWait(const std::string& w) {
  return w == "settled"    ? vehicle::WaitFor::kSettled
         : w == "accepted" ? vehicle::WaitFor::kAccepted
                           : vehicle::WaitFor::kCommitted;
}

// Connects, runs the trader until it finishes or the time is up; the exit code.
int Drive(const Common& c, double limit_s, bool limit_is_success,
          const std::function<std::shared_ptr<vehicle::Trader>(
              std::shared_ptr<vehicle::Client>, vehicle::Identity, vehicle::EventSink,
              std::function<void(bool)>)>& make) {
  auto url = vehicle::ParseRsuUrl(c.rsu);
  if (!url.ok()) return Usage(url.status().message());
  auto me = vehicle::LoadIdentity(c.identity);
  if (!me.ok()) return Usage("--identity: " + me.status().message());
  auto tls = vehicle::MakeClientTls(c.ca);
  if (!tls.ok()) return Usage("--ca: " + tls.status().message());
  boost::asio::io_context io;
  auto client = vehicle::Client::Create(io, *tls, *url, std::random_device{}());
  const bool json = c.json;
  auto sink = [json](const vehicle::Event& e) {
    if (json) {
      nlohmann::json j = {{"event", e.type}, {"detail", e.detail}};
      std::cout << j.dump() << std::endl;
    } else {
      std::cout << e.text << std::endl;
    }
  };
  auto trader = make(client, std::move(me).value(), sink, [&io](bool) { io.stop(); });
  boost::asio::steady_timer limit(io,
                                  std::chrono::milliseconds(static_cast<int64_t>(limit_s * 1000)));
  bool timed_out = false;
  limit.async_wait([&](const boost::system::error_code& ec) {
    if (ec) return;
    timed_out = true;
    io.stop();
  });
  trader->Start();
  io.run();
  trader->Stop();
  if (timed_out && !trader->finished()) {
    if (limit_is_success) return 0;
    if (json)
      std::cout << nlohmann::json{{"event", "timeout"}}.dump() << std::endl;
    else
      std::cout << "gave up after " << limit_s << " s" << std::endl;
    return 1;
  }
  return trader->succeeded() ? 0 : 1;
}

// --max-power-kw and --stay as the bid's max_power_w and stay_s; a usage error naming the flag.
std::optional<int> CarLimits(const Common& c, int64_t& max_power_w, int64_t& stay_s) {
  if (c.max_power_kw) {
    max_power_w = std::llround(*c.max_power_kw * 1000);
    if (!(*c.max_power_kw > 0) || max_power_w < 1 || max_power_w > 1'000'000) {
      return Usage("--max-power-kw must be in (0, 1000] kW");
    }
  }
  if (c.stay_s) {
    stay_s = std::llround(*c.stay_s);
    if (!(*c.stay_s > 0) || stay_s < 1 || stay_s > 7 * 86400) {
      return Usage(
          "--stay must be in (0, 604800] seconds (a departure after the bid, within a week)");
    }
  }
  return std::nullopt;
}

int RunBuy(const BuyArgs& a) {
  vehicle::BuyerTerms t;
  double kmin = 0, kmax = 0, vmin = 0, vmax = 0, x = 0, y = 0;
  if (!Pair(a.kwh, ':', kmin, kmax) || kmin < 0 || kmax < kmin)
    return Usage("--kwh MIN:MAX (kWh, MIN <= MAX)");
  if (!Pair(a.range, ':', vmin, vmax) || vmin < 0 || vmax < vmin)
    return Usage("--range VMIN:VMAX (price per kWh)");
  if (!Pair(a.c.at, ',', x, y)) return Usage("--at X,Y (metres)");
  if (a.willingness < 0 || a.willingness > 5) return Usage("--willingness must be in [0, 5]");
  if (a.meter_fraction < 0 || a.meter_fraction > 1)
    return Usage("--meter-fraction must be in [0, 1]");
  if (auto bad = CarLimits(a.c, t.max_power_w, t.stay_s)) return *bad;
  t.b_min_wh = std::llround(kmin * 1000);
  t.b_max_wh = std::llround(kmax * 1000);
  t.v = a.value;
  t.v_min = std::llround(vmin);
  t.v_max = std::llround(vmax);
  t.w_milli = std::llround(a.willingness * 1000);
  t.x_m = std::llround(x);
  t.y_m = std::llround(y);
  const auto wait = ParseWait(a.c.wait);
  const double fraction = a.meter_fraction;
  return Drive(a.c, a.c.timeout_s, false, [&](auto client, auto me, auto sink, auto done) {
    return vehicle::Buyer::Create(client, std::move(me), t, wait, fraction, sink, done);
  });
}

int RunSell(const SellArgs& a) {
  vehicle::SellerTerms t;
  double cmin = 0, cmax = 0, x = 0, y = 0;
  if (!Pair(a.range, ':', cmin, cmax) || cmin < 0 || cmax < cmin)
    return Usage("--range CMIN:CMAX (price per kWh)");
  if (!Pair(a.c.at, ',', x, y)) return Usage("--at X,Y (metres)");
  if (a.available < 0 || a.reserve < 0 || a.reserve > a.available)
    return Usage("--available and --reserve: kWh, reserve <= available");
  if (a.loss < 0 || a.loss > 10) return Usage("--loss must be in [0, 10]");
  if (a.rounds <= 0 && a.for_s <= 0) return Usage("give --rounds N or --for SECONDS");
  if (auto bad = CarLimits(a.c, t.max_power_w, t.stay_s)) return *bad;
  if (a.target_kwh) {
    if (!(*a.target_kwh >= 0) || *a.target_kwh > a.available) {
      return Usage("--target-kwh must be in [0, --available] (the energy kept at departure)");
    }
    t.target_wh = std::llround(*a.target_kwh * 1000);
  }
  t.c = a.cost;
  t.c_min = std::llround(cmin);
  t.c_max = std::llround(cmax);
  t.s_t_wh = std::llround(a.available * 1000);
  t.s_r_wh = std::llround(a.reserve * 1000);
  t.rho_ppm = std::llround(a.loss * 1e6);
  t.x_m = std::llround(x);
  t.y_m = std::llround(y);
  const auto wait = ParseWait(a.c.wait);
  const double limit = a.for_s > 0 ? a.for_s : a.c.timeout_s;
  const bool report = !a.no_report;
  return Drive(a.c, limit, a.for_s > 0, [&](auto client, auto me, auto sink, auto done) {
    return vehicle::Seller::Create(client, std::move(me), t, a.rounds, wait, report, sink, done);
  });
}

void AddCommon(CLI::App* cmd, Common& c) {
  cmd->add_option("--rsu", c.rsu, "The RSU's vehicle API, wss://HOST:PORT/vehicle")->required();
  cmd->add_option("--ca", c.ca,
                  "The network CA certificate (PEM) the RSU's certificate must chain to")
      ->required();
  cmd->add_option("--identity", c.identity, "Directory with cert.pem and key.pem (v2v ca issue)")
      ->required();
  cmd->add_option("--at", c.at, "Position X,Y in metres")->required();
  cmd->add_option("--wait", c.wait, "Until the round is accepted, committed or settled")
      ->check(CLI::IsMember({"accepted", "committed", "settled"}));
  cmd->add_flag("--json", c.json, "One JSON object per event");
  cmd->add_option("--timeout", c.timeout_s, "Give up (exit 1) after this many seconds")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-power-kw", c.max_power_kw,
                  "The car's charge (buy) or discharge (sell) power, kW; default not stated");
  cmd->add_option("--stay", c.stay_s,
                  "Seconds the car stays after its bid (its departure); default not stated");
}

}  // namespace

void AddVehicleCommand(CLI::App& app, int* exit_code) {
  auto* v =
      app.add_subcommand("vehicle", "Act as a vehicle: buy or sell through an RSU's vehicle API");
  v->require_subcommand(1);
  auto buy = std::make_shared<BuyArgs>();
  auto* b =
      v->add_subcommand("buy", "Send a signed request (Steps 1-2) and follow it to the chain");
  AddCommon(b, buy->c);
  b->add_option("--kwh", buy->kwh, "Demand MIN:MAX in kWh")->required();
  b->add_option("--value", buy->value, "Unit value v (smallest units per kWh)")->required();
  b->add_option("--range", buy->range, "VMIN:VMAX, the range of v")->required();
  b->add_option("--willingness", buy->willingness, "Willingness w in [0, 5]")->required();
  b->add_option("--meter-fraction", buy->meter_fraction,
                "Meter this share of the scheduled volume (settled)");
  b->callback([buy, exit_code] { *exit_code = RunBuy(*buy); });

  auto sell = std::make_shared<SellArgs>();
  auto* s =
      v->add_subcommand("sell", "Answer calls in range with signed offers (Step 4) and settle");
  AddCommon(s, sell->c);
  s->add_option("--available", sell->available, "Current energy s_t offered, kWh")->required();
  s->add_option("--reserve", sell->reserve, "Reserve s_r kept, kWh")->required();
  s->add_option("--cost", sell->cost, "Unit cost c (smallest units per kWh)")->required();
  s->add_option("--range", sell->range, "CMIN:CMAX, the range of c")->required();
  s->add_option("--loss", sell->loss, "Loss rate rho (e.g. 0.05)")->required();
  s->add_option("--target-kwh", sell->target_kwh,
                "Energy the car must still hold at departure, kWh; default none");
  s->add_option("--rounds", sell->rounds, "Stop after this many rounds are finished");
  s->add_option("--for", sell->for_s, "Stop after this many seconds");
  s->add_flag("--no-report", sell->no_report,
              "Do not report co-signed readings (the escrow is refunded)");
  s->callback([sell, exit_code] { *exit_code = RunSell(*sell); });
}

}  // namespace v2v::cli
