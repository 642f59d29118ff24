// The network side of `v2v fleet`: runs a FleetPlan (fleet_plan.h) against a testnet's vehicle
// APIs in real time on one io_context. Each engagement the plan starts becomes a vehicle::Buyer
// or vehicle::Seller (vehicle/trader.h) at the node the plan chose; its events feed FleetStats;
// when it ends the plan is told what the vehicle bought or sold. A seller that hears no call
// within listen_s, and any engagement older than max_engagement_s, is stopped and counted as
// ended without trade.
//
// Connections, as a fleet operator holds them: the engagements at one node share a connection
// (a "lane", up to per_connection engagements, then another is opened), each vehicle with its own
// subscriptions on it (a `vehicle` one proved with that vehicle's key), and their signed
// transactions (bids, offers, meter reports, refunds) leave as vehicle_submitBatch through the
// lane's TxBatcher, each still its vehicle's own signed bytes. per_connection = 1 gives every
// engagement a connection of its own (batches of one). A lane lives until the run ends. Why 16:
// an engagement sends about five messages as it starts (vehicle_getRound, vehicle_subscribe,
// vehicle_getAccount, ...), so 16 starting at once stay within a connection's burst of 100
// (docs/spec/vehicle-api.md), and two subscriptions each within its 64.
//
// Not thread-safe; everything runs on the io_context's one thread. The plan, stats, TLS context
// and clock must outlive the driver.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "fleet/fleet_plan.h"
#include "fleet/fleet_stats.h"
#include "vehicle/client.h"
#include "vehicle/identity.h"
#include "vehicle/trader.h"

namespace v2v::fleet {

struct DriverOptions {
  double seconds = 20;           // new engagements start during this long
  double drain_s = 15;           // then engagements in flight may finish during this long
  double tick_s = 0.1;           // the plan advances this often
  double listen_s = 15;          // a seller waits this long for a call
  double max_engagement_s = 60;  // then any engagement is stopped
  bool settle = true;            // wait for settlement (else: for the commit)
  int per_connection = 16;       // engagements sharing one connection to a node (see above)
  std::function<void(const std::string&)> progress;  // called once a second with the progress line
  // Every read of now (the run's seconds, the vehicles' clocks, the lateness of schemes).
  const base::Clock* clock = &base::SystemClock::Shared();
};

class FleetDriver {
 public:
  // nodes[k]: the vehicle API of testnet node k; identity_dirs[i]: vehicle i of the plan (cert.pem,
  // key.pem; read again for each engagement, as a key is not copyable). Errors: an identity that
  // does not load.
  static Result<std::unique_ptr<FleetDriver>> Create(boost::asio::io_context& io,
                                                     std::shared_ptr<boost::asio::ssl::context> tls,
                                                     std::vector<vehicle::RsuUrl> nodes,
                                                     std::vector<std::string> identity_dirs,
                                                     FleetPlan& plan, FleetStats& stats,
                                                     DriverOptions options);
  ~FleetDriver();
  // Runs the io_context until the drain is over. Returns the wall time spent (s).
  double Run();

 private:
  FleetDriver(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls,
              std::vector<vehicle::RsuUrl> nodes, std::vector<std::string> identity_dirs,
              FleetPlan& plan, FleetStats& stats, DriverOptions options);
  struct Engagement;
  struct Lane;
  // A lane to `node` with room for one more engagement (a new one if none has).
  std::shared_ptr<Lane> LaneTo(int node);
  void CountTransport();
  double Now() const;
  void Tick();
  void Start(const Intent& in);
  void OnEvent(const std::shared_ptr<Engagement>& e, const vehicle::Event& ev);
  void End(int vehicle);
  void Progress();

  boost::asio::io_context& io_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::vector<vehicle::RsuUrl> nodes_;
  std::vector<std::string> dirs_, names_;  // identity directories, account ids
  FleetPlan& plan_;
  FleetStats& stats_;
  DriverOptions opt_;
  const base::Clock& clock_;
  int64_t start_ms_ = 0;
  boost::asio::steady_timer tick_timer_;
  double last_progress_s_ = 0;
  bool draining_ = false;
  std::map<int, std::shared_ptr<Engagement>> live_;        // by vehicle
  std::vector<std::vector<std::shared_ptr<Lane>>> lanes_;  // by node
};

}  // namespace v2v::fleet
