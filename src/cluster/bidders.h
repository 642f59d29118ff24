// The network simulation's gateways and vehicles. Each live node runs the real round book
// (gateway::RoundBook) over a gateway::ServicePort on its core, wired as the node's vehicle
// gateway wires it (node/chain_events.h deliveries wake RoundBook::OnHead, the mempool's drops go
// to RoundBook::OnTxDropped) and ticked every step; it signs rounds with the node's key as the
// node's RSU account. A book lives in memory only, like a real gateway's: a node that restarts gets
// a new one. The vehicles (keys from fixed seeds, registered in the genesis) bid straight through
// the books: a signed BuyerBid for the round CurrentRoundNumber names, or a signed SellerBid for a
// round the book called (its `call` push), with the nonce NextNonce gives and the simulated
// clock's time, at a random live node. Every draw comes from the run's generator.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "cluster/workload.h"
#include "crypto/ed25519.h"
#include "gateway/round_book.h"
#include "gateway/service_port.h"
#include "node/service.h"

namespace v2v::cluster {

struct BidCounts {
  uint64_t rounds_opened = 0;  // rounds a book opened (its first `call` push of the round)
  uint64_t bids_accepted = 0;  // requests and offers a book accepted
  uint64_t bids_refused = 0;
};

// A node's PushSink: counts the pushes and keeps the rounds its book called (open to offers).
class PushLog final : public gateway::PushSink {
 public:
  explicit PushLog(BidCounts& counts) : counts_(counts) {}
  void ToVehicle(const std::string& id, const nlohmann::json& result) override;
  void Call(int64_t x_m, int64_t y_m, int64_t radius_m, const nlohmann::json& result) override;
  // The newest round called that is open at `now_ms` (before its deadline), if any.
  std::optional<uint64_t> OfferRound(int64_t now_ms) const;
  const std::map<std::string, uint64_t>& pushes() const { return pushes_; }  // by type

 private:
  struct Window {
    int64_t t_stamp_s = 0, deadline_s = 0;
  };
  BidCounts& counts_;
  std::map<uint64_t, Window> calls_;  // by round number
  std::map<std::string, uint64_t> pushes_;
};

// One live node's gateway: the round book over the node's core, and its pushes.
struct Gateway {
  Gateway(node::NodeService& service, const std::string& rsu, crypto::PrivateKey key,
          BidCounts& counts);
  gateway::ServicePort port;
  PushLog log;
  gateway::RoundBook book;
};

class Bidders {
 public:
  Bidders(int vehicles, size_t nodes);
  // The vehicles' genesis accounts.
  std::vector<Party> parties() const;

  // Node `node` came up as the RSU account `rsu` with `key`: a new book, wired to its core.
  void Open(size_t node, node::NodeService& service, const std::string& rsu, crypto::PrivateKey key,
            const base::Clock& clock);
  void Close(size_t node);  // before its core goes down
  void Tick(int64_t now_ms);
  // A random vehicle bids at a random node of `up`; the trace line of what happened.
  std::string Bid(const std::vector<size_t>& up, int64_t now_ms, base::Rng& rng);
  const BidCounts& counts() const { return counts_; }
  size_t RoundsInFlight() const;  // the live books' rounds open or built, not yet on chain
  // Those rounds, one per line: the RSU, the number, the state and the round transaction.
  std::string DescribeInFlight() const;

 private:
  struct Vehicle {
    std::string id;
    crypto::PrivateKey key;
  };
  chain::Tx BuyerBid(const Vehicle& v, const gateway::RoundBook& book, uint64_t round,
                     int64_t now_s, base::Rng& rng) const;
  chain::Tx SellerBid(const Vehicle& v, const gateway::RoundBook& book, uint64_t round,
                      int64_t now_s, base::Rng& rng) const;

  std::vector<Vehicle> vehicles_;
  std::vector<std::unique_ptr<Gateway>> gateways_;  // by node; null while it is down
  std::vector<node::NodeService*> services_;        // by node, while up
  BidCounts counts_;
};

}  // namespace v2v::cluster
