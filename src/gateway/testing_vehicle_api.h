// Test fixture for the vehicle API's JSON-RPC layer (vehicle_api.h): an Outbox that records
// every frame sent, and a VehicleApi over a FakeNode (testing_fake_node.h) with two sessions open.
// Tests only.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "gateway/testing_fake_node.h"
#include "gateway/vehicle_api.h"

namespace v2v::gateway::testing {

using contract::testing::World;

struct Outbox final : SessionOut {
  void Send(SessionId s, OutFrame frame) override {
    sent.emplace_back(s, nlohmann::json::parse(frame.Text()));
    shared.push_back(frame.shared);
  }
  std::vector<std::pair<SessionId, nlohmann::json>> sent;
  std::vector<std::shared_ptr<const std::string>> shared;  // each frame's shared part
};

// Sessions 1 and 2 open on an API over a FakeNode at World::kT0; the clock (clock_) stands still
// unless a test moves it.
class VehicleApiTest : public ::testing::Test {
 protected:
  explicit VehicleApiTest(ApiLimits limits = {})
      : node_(w_), api_(Options(), chain::testing::FixedKey(101), node_, clock_, out_, limits) {
    api_.Open(1);
    api_.Open(2);
  }
  static RoundBookOptions Options() {
    RoundBookOptions o;
    o.rsu = "rsu-1";
    return o;
  }
  nlohmann::json SubscribeCalls(SessionId s, int64_t x_m, int64_t y_m) {
    return Call(s, "vehicle_subscribe", {"calls", {{"x", x_m}, {"y", y_m}}});
  }
  // A `vehicle` subscription to car `car` with the proof of its key, made now for this RSU.
  nlohmann::json SubscribeVehicle(SessionId s, int car) {
    const std::string id = World::CarId(car);
    return Call(
        s, "vehicle_subscribe",
        {"vehicle", id,
         KeyProofJson(w_.cars[static_cast<size_t>(car)], "rsu-1", id, clock_.NowMs() / 1000)});
  }
  nlohmann::json Call(SessionId s, const std::string& method, nlohmann::json params) {
    const std::string text = nlohmann::json{
        {"jsonrpc", "2.0"},
        {"id", 7},
        {"method", method},
        {"params", params}}.dump();
    return nlohmann::json::parse(api_.Handle(s, text));
  }
  // vehicle_submitBatch([txs]).
  nlohmann::json Batch(SessionId s, nlohmann::json txs) {
    return Call(s, "vehicle_submitBatch", nlohmann::json::array({std::move(txs)}));
  }
  chain::Tx Buyer(uint64_t nonce) {
    chain::Tx tx;
    tx.sender = "car-0";
    tx.nonce = nonce;
    tx.body = chain::BuyerBid{"rsu-1", 1, 300, 200, 400, 1000, 5000, 3000, 0, 0, World::kT0};
    chain::SignTx(tx, w_.cars[0]);
    return tx;
  }

  World w_{4};
  FakeNode node_;
  Outbox out_;
  base::FakeClock clock_{World::kT0 * 1000};
  VehicleApi api_;
};

}  // namespace v2v::gateway::testing
