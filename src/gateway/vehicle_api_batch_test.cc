// vehicle_submitBatch (docs/spec/vehicle-api.md): many vehicles' signed transactions in one
// message, each answered as its own method answers it, in order; pushes stay per vehicle.
#include <gtest/gtest.h>

#include <string>

#include "gateway/testing_vehicle_api.h"
#include "gateway/ws_server.h"

namespace v2v::gateway {
namespace {

using contract::testing::World;
using testing::VehicleApiTest;

nlohmann::json Junk(size_t n) {  // n items that are not transactions (each refused: malformed)
  nlohmann::json a = nlohmann::json::array();
  for (size_t i = 0; i < n; ++i) a.push_back("zz");
  return a;
}

TEST_F(VehicleApiTest, ABatchAnswersEachTransactionAsItsOwnMethodWouldInOrder) {
  const int64_t t0 = World::kT0;
  const std::string buyer = TxToHex(w_.Buyer(0, 1, t0)), seller = TxToHex(w_.Seller(1, 1, t0)),
                    stale = TxToHex(w_.Buyer(2, 5, t0));
  // The seller's offer comes after the request that opens the round: the order is kept.
  const auto r = Batch(1, {buyer, seller, "zz", stale, buyer});
  ASSERT_TRUE(r["result"].is_array()) << r.dump();
  const auto& items = r["result"];
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0]["result"]["round"], 1);
  EXPECT_EQ(items[0]["result"]["server_time"], clock_.NowMs());
  EXPECT_EQ(items[1]["result"]["round"], 1);
  EXPECT_EQ(items[2]["error"]["code"], kRefused);
  EXPECT_EQ(items[2]["error"]["data"]["reason"], "malformed");
  EXPECT_EQ(items[3]["error"]["data"]["reason"], "bad_nonce");
  EXPECT_EQ(items[3]["error"]["data"]["expected"], 1);
  EXPECT_EQ(items[4]["result"], items[0]["result"]);  // the same bytes again: idempotent
  // Each item is exactly what the single call answers (the same code path).
  EXPECT_EQ(Call(1, "vehicle_request", {buyer})["result"], items[0]["result"]);
  EXPECT_EQ(Call(1, "vehicle_offer", {seller})["result"], items[1]["result"]);
  EXPECT_EQ(Call(1, "vehicle_request", {stale})["error"], items[3]["error"]);
  EXPECT_EQ(Call(1, "vehicle_request", {"zz"})["error"], items[2]["error"]);
  const auto round = Call(1, "vehicle_getRound", {1})["result"];
  EXPECT_EQ(round["buyers"], nlohmann::json::array({"car-0"}));
  EXPECT_EQ(round["sellers"], nlohmann::json::array({"car-1"}));
}

// A fleet operator holds one connection for many vehicles: it proves each vehicle's key on it, and
// each vehicle's push goes to that vehicle's own subscription, never to another's.
TEST_F(VehicleApiTest, AnOperatorsBatchPushesEachBidToItsOwnVehiclesSubscription) {
  const auto sub0 = SubscribeVehicle(1, 0), sub1 = SubscribeVehicle(1, 1);
  const auto sub2 = SubscribeVehicle(2, 2);  // car-2 follows its bid on its own connection
  ASSERT_TRUE(sub0["result"].is_string() && sub1["result"].is_string() &&
              sub2["result"].is_string());
  const int64_t t0 = World::kT0;
  const auto r = Batch(
      1, {TxToHex(w_.Buyer(0, 1, t0)), TxToHex(w_.Buyer(1, 1, t0)), TxToHex(w_.Buyer(2, 1, t0))});
  ASSERT_EQ(r["result"].size(), 3u) << r.dump();
  ASSERT_EQ(out_.sent.size(), 3u);
  const nlohmann::json subs[3] = {sub0["result"], sub1["result"], sub2["result"]};
  const SessionId sessions[3] = {1, 1, 2};
  for (size_t k = 0; k < 3; ++k) {
    ASSERT_TRUE(r["result"][k].contains("result")) << k << " " << r.dump();
    bool pushed = false;
    for (const auto& [session, push] : out_.sent) {
      if (push["params"]["subscription"] != subs[k]) continue;
      pushed = true;
      EXPECT_EQ(session, sessions[k]);
      EXPECT_EQ(push["params"]["result"]["type"], "bid");
      EXPECT_EQ(push["params"]["result"]["bid_hash"], r["result"][k]["result"]["bid_hash"]) << k;
    }
    EXPECT_TRUE(pushed) << k;
  }
}

TEST_F(VehicleApiTest, ABatchTooLongOrMalformedIsRefusedWithATypedReasonAndRecordsNothing) {
  const std::string bid = TxToHex(w_.Buyer(0, 1, World::kT0));
  nlohmann::json over = nlohmann::json::array();
  for (size_t i = 0; i <= ApiLimits{}.max_batch; ++i) over.push_back(bid);
  const auto too_long = Batch(1, over);
  EXPECT_EQ(too_long["error"]["code"], kRefused);
  EXPECT_EQ(too_long["error"]["data"]["reason"], "batch_too_large");
  auto reason = [](nlohmann::json r) { return r["error"]["data"].value("reason", ""); };
  EXPECT_EQ(reason(Call(1, "vehicle_submitBatch", nlohmann::json::array())), "malformed");
  EXPECT_EQ(reason(Batch(1, nlohmann::json::array())), "malformed");      // [[]]
  EXPECT_EQ(reason(Call(1, "vehicle_submitBatch", {bid})), "malformed");  // [HEX], not [[HEX]]
  EXPECT_EQ(reason(Call(1, "vehicle_submitBatch",
                        nlohmann::json::array({nlohmann::json::array({bid}), "more"}))),
            "malformed");
  EXPECT_FALSE(Call(1, "vehicle_getRound", {"current"})["result"]["open"].get<bool>());
  EXPECT_EQ(Call(1, "vehicle_getAccount", {"car-0"})["result"]["next_nonce"], 1);
  EXPECT_TRUE(out_.sent.empty());
}

// A batch of N transactions takes N tokens of its session's bucket (burst 100, 50/s; the clock
// stands still here): the frame's one before parsing, the other N - 1 all or none after.
TEST_F(VehicleApiTest, ABatchTakesOneTokenPerTransaction) {
  EXPECT_EQ(Batch(1, Junk(60))["result"].size(), 60u);  // 40 tokens left
  const auto limited =
      Batch(1, Junk(41));  // its frame takes one (39 left); the other 40 do not fit
  EXPECT_EQ(limited["error"]["data"]["reason"], "rate_limited");
  EXPECT_EQ(Batch(1, Junk(39))["result"].size(), 39u);  // 39 left: exactly enough
  EXPECT_EQ(Call(1, "vehicle_getRound", {"current"})["error"]["data"]["reason"], "rate_limited");
  EXPECT_TRUE(Call(2, "vehicle_getRound", {"current"}).contains("result"));  // per session
  clock_.Advance(1000);                                                      // 50 tokens again
  EXPECT_EQ(Batch(1, Junk(50))["result"].size(), 50u);
}

// N = 100 is also what one message holds: a full batch of bids is under the 64 KiB frame limit.
TEST_F(VehicleApiTest, AFullBatchOfBidsFitsOneMessage) {
  nlohmann::json txs = nlohmann::json::array();
  for (size_t i = 0; i < ApiLimits{}.max_batch; ++i) {
    chain::Tx tx = w_.Buyer(0, 1'000'000 + i, World::kT0);
    tx.sender = "car-" + std::to_string(100'000 + i);  // longer ids than a testnet's
    txs.push_back(TxToHex(tx));
  }
  const std::string text = nlohmann::json{
      {"jsonrpc", "2.0"},
      {"id", 1'000'000},
      {"method", "vehicle_submitBatch"},
      {"params", nlohmann::json::array(
                     {txs})}}.dump();
  EXPECT_LT(text.size(), WsLimits{}.max_message_bytes);
}

}  // namespace
}  // namespace v2v::gateway
