#include "fleet/fleet_driver.h"

#include <boost/asio/post.hpp>
#include <chrono>

#include "vehicle/trader.h"

namespace v2v::fleet {

namespace {
int64_t Int(const nlohmann::json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_number_integer() ? j[k].get<int64_t>() : 0;
}
}  // namespace

struct FleetDriver::Lane {
  std::shared_ptr<vehicle::Client> client;
  std::shared_ptr<vehicle::TxBatcher> batcher;
  int engagements = 0;
};

struct FleetDriver::Engagement {
  Intent intent;
  std::shared_ptr<Lane> lane;
  std::shared_ptr<vehicle::Trader> trader;
  double started_s = 0, call_s = -1;
  bool accepted = false;
  uint64_t round = 0;
  int64_t deadline_ms = 0;
  int64_t bought_wh = 0, sold_wh = 0, loss_wh = 0;
  std::unique_ptr<boost::asio::steady_timer> timer;
};

Result<std::unique_ptr<FleetDriver>> FleetDriver::Create(
    boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls,
    std::vector<vehicle::RsuUrl> nodes, std::vector<std::string> identity_dirs, FleetPlan& plan,
    FleetStats& stats, DriverOptions options) {
  if (identity_dirs.size() < static_cast<size_t>(plan.size()))
    return Status::InvalidArgument("too few identities");
  if (options.per_connection < 1)
    return Status::InvalidArgument("--per-connection must be at least 1");
  std::unique_ptr<FleetDriver> d(new FleetDriver(io, std::move(tls), std::move(nodes),
                                                 std::move(identity_dirs), plan, stats,
                                                 std::move(options)));
  for (const auto& dir : d->dirs_) {
    V2V_ASSIGN_OR_RETURN(vehicle::Identity id, vehicle::LoadIdentity(dir));
    d->names_.push_back(id.id);
  }
  return d;
}

FleetDriver::FleetDriver(boost::asio::io_context& io,
                         std::shared_ptr<boost::asio::ssl::context> tls,
                         std::vector<vehicle::RsuUrl> nodes, std::vector<std::string> identity_dirs,
                         FleetPlan& plan, FleetStats& stats, DriverOptions options)
    : io_(io),
      tls_(std::move(tls)),
      nodes_(std::move(nodes)),
      dirs_(std::move(identity_dirs)),
      plan_(plan),
      stats_(stats),
      opt_(std::move(options)),
      clock_(*opt_.clock),
      tick_timer_(io),
      lanes_(nodes_.size()) {}

FleetDriver::~FleetDriver() {
  for (auto& [v, e] : live_) e->trader->Stop();
  for (auto& node : lanes_) {
    for (auto& lane : node) lane->client->Stop();
  }
}

std::shared_ptr<FleetDriver::Lane> FleetDriver::LaneTo(int node) {
  auto& lanes = lanes_[static_cast<size_t>(node)];
  for (auto& lane : lanes) {
    if (lane->engagements < opt_.per_connection) return lane;
  }
  auto lane = std::make_shared<Lane>();
  const uint64_t seed = 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(node + 1) + lanes.size();
  lane->client =
      vehicle::Client::Create(io_, tls_, nodes_[static_cast<size_t>(node)], seed, {}, clock_);
  lane->batcher = vehicle::TxBatcher::Create(lane->client);
  lane->client->Start();
  lanes.push_back(lane);
  return lane;
}

void FleetDriver::CountTransport() {
  int64_t connections = 0, batches = 0, txs = 0;
  for (const auto& node : lanes_) {
    for (const auto& lane : node) {
      ++connections;
      batches += lane->batcher->batches();
      txs += lane->batcher->sent();
    }
  }
  stats_.SetTransport(connections, batches, txs);
}

double FleetDriver::Now() const { return static_cast<double>(clock_.NowMs() - start_ms_) / 1000; }

double FleetDriver::Run() {
  start_ms_ = clock_.NowMs();
  Tick();
  io_.run();
  return Now();
}

void FleetDriver::Tick() {
  const double now = Now();
  if (!draining_ && now >= opt_.seconds) draining_ = true;
  if (!draining_) {
    for (const Intent& in : plan_.Tick(now)) Start(in);
  }
  stats_.SetHandovers(plan_.counters().handovers);
  CountTransport();
  if (now - last_progress_s_ >= 1) Progress();
  if (draining_ && (live_.empty() || now >= opt_.seconds + opt_.drain_s)) {
    std::vector<int> left;
    for (const auto& [v, e] : live_) left.push_back(v);
    for (int v : left) End(v);
    Progress();
    io_.stop();
    return;
  }
  tick_timer_.expires_after(std::chrono::milliseconds(static_cast<int64_t>(opt_.tick_s * 1000)));
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) Tick();
  });
}

void FleetDriver::Progress() {
  last_progress_s_ = Now();
  if (opt_.progress)
    opt_.progress(stats_.ProgressLine(last_progress_s_, static_cast<int>(live_.size())));
}

void FleetDriver::Start(const Intent& in) {
  auto e = std::make_shared<Engagement>();
  e->intent = in;
  e->started_s = Now();
  auto me = vehicle::LoadIdentity(dirs_[static_cast<size_t>(in.vehicle)]);
  if (!me.ok()) {  // it loaded at the start: the file changed since
    stats_.Refused("identity_unreadable");
    plan_.Finish(in.vehicle, Now(), 0, 0, 0);
    return;
  }
  e->lane = LaneTo(in.node);
  ++e->lane->engagements;
  const auto& client = e->lane->client;
  std::weak_ptr<Engagement> w = e;
  auto sink = [this, w](const vehicle::Event& ev) {
    if (auto live = w.lock()) OnEvent(live, ev);
  };
  const int vehicle = in.vehicle;
  auto done = [this, vehicle](bool) { boost::asio::post(io_, [this, vehicle] { End(vehicle); }); };
  const auto wait = opt_.settle ? vehicle::WaitFor::kSettled : vehicle::WaitFor::kCommitted;
  if (in.role == Role::kBuyer) {
    vehicle::BuyerTerms t{in.buy.v,        in.buy.v_min,   in.buy.v_max, in.buy.b_min_wh,
                          in.buy.b_max_wh, in.buy.w_milli, in.x_m,       in.y_m};
    e->trader = vehicle::Buyer::Create(client, std::move(me).value(), t, wait, 1.0, sink, done);
    stats_.BidSent();
  } else {
    vehicle::SellerTerms t{in.sell.c,      in.sell.c_min,   in.sell.c_max, in.sell.s_t_wh,
                           in.sell.s_r_wh, in.sell.rho_ppm, in.x_m,        in.y_m};
    e->trader =
        vehicle::Seller::Create(client, std::move(me).value(), t, 1, wait, true, sink, done);
  }
  e->timer = std::make_unique<boost::asio::steady_timer>(io_);
  const double limit = in.role == Role::kSeller ? opt_.listen_s : opt_.max_engagement_s;
  e->timer->expires_after(std::chrono::milliseconds(static_cast<int64_t>(limit * 1000)));
  e->timer->async_wait([this, w, vehicle](const boost::system::error_code& ec) {
    auto live = w.lock();
    if (ec || !live) return;
    if (live->intent.role == Role::kSeller && live->accepted) {  // offered: give it the full time
      live->timer->expires_after(std::chrono::milliseconds(
          static_cast<int64_t>((opt_.max_engagement_s - opt_.listen_s) * 1000)));
      live->timer->async_wait([this, w, vehicle](const boost::system::error_code& ec2) {
        if (!ec2 && w.lock()) End(vehicle);
      });
      return;
    }
    End(vehicle);
  });
  live_[vehicle] = e;
  e->trader->ShareClient(e->lane->batcher);
  e->trader->Start();
}

void FleetDriver::OnEvent(const std::shared_ptr<Engagement>& e, const vehicle::Event& ev) {
  const double now = Now();
  const int node = e->intent.node;
  const auto& d = ev.detail;
  const std::string& me = names_[static_cast<size_t>(e->intent.vehicle)];
  if (ev.type == "call") {
    e->call_s = now;
    stats_.BidSent();
  } else if (ev.type == "accepted") {
    e->accepted = true;
    e->round = static_cast<uint64_t>(Int(d, "round"));
    e->deadline_ms = 1000 * (d.contains("deadline") ? Int(d, "deadline")
                                                    : Int(d, "t_stamp") + Int(d, "t_limit"));
    stats_.Accepted(node, e->round, e->call_s >= 0 ? (now - e->call_s) * 1000 : -1);
  } else if (ev.type == "refused") {
    stats_.Refused(d.is_object() ? d.value("reason", "") : "");
  } else if (ev.type == "scheme") {
    if (e->deadline_ms > 0) stats_.Scheme(static_cast<double>(clock_.NowMs() - e->deadline_ms));
    if (!d.contains("trades")) return;
    for (const auto& t : d["trades"]) {
      const int64_t wh = Int(t, "energy_wh");
      if (e->intent.role == Role::kSeller) {
        e->sold_wh += wh;
        e->loss_wh += Int(t, "loss_wh");
        continue;
      }
      e->bought_wh += wh;
      stats_.Trade({now, node, e->round, me, t.value("counterparty", ""), t.value("escrow", ""),
                    Int(t, "price"), wh, Int(t, "loss_wh"), Int(t, "amount"), "scheduled",
                    plan_.GridPriceUnits(), plan_.FeedInUnits()});
    }
  } else if (ev.type == "committed") {
    if (e->deadline_ms > 0)
      stats_.Committed(node, e->round, static_cast<double>(clock_.NowMs() - e->deadline_ms));
  } else if (ev.type == "dropped") {
    stats_.Dropped(node, e->round);
  } else if ((ev.type == "settled" || ev.type == "refunded") && e->intent.role == Role::kBuyer) {
    stats_.EscrowClosed(d.value("escrow", ""), ev.type == "settled");
  }
}

void FleetDriver::End(int vehicle) {
  auto it = live_.find(vehicle);
  if (it == live_.end()) return;
  auto e = it->second;
  live_.erase(it);
  e->timer->cancel();
  e->trader->Stop();
  --e->lane->engagements;
  plan_.Finish(vehicle, Now(), e->bought_wh, e->sold_wh, e->loss_wh);
}

}  // namespace v2v::fleet
