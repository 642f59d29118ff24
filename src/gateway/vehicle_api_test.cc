#include "gateway/vehicle_api.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "gateway/testing_vehicle_api.h"

namespace v2v::gateway {
namespace {

using contract::testing::World;
using testing::VehicleApiTest;

TEST_F(VehicleApiTest, ProtocolErrorsAreJsonRpcErrors) {
  EXPECT_EQ(nlohmann::json::parse(api_.Handle(1, "{not json"))["error"]["code"], kParseError);
  EXPECT_EQ(nlohmann::json::parse(api_.Handle(1, "[1,2]"))["error"]["code"], kInvalidRequest);
  EXPECT_EQ(nlohmann::json::parse(
                api_.Handle(1, std::string(40, '[') + std::string(40, ']')))["error"]["code"],
            kInvalidRequest);
  EXPECT_EQ(Call(1, "vehicle_fly", nlohmann::json::array())["error"]["code"], kMethodNotFound);
  const auto bad = Call(1, "vehicle_request", {"zz"});
  EXPECT_EQ(bad["error"]["code"], kRefused);
  EXPECT_EQ(bad["error"]["data"]["reason"], "malformed");
  EXPECT_EQ(bad["error"]["data"]["server_time"], clock_.NowMs());
  EXPECT_EQ(api_.Handle(1, R"({"jsonrpc":"2.0","method":"vehicle_getRound","params":["current"]})"),
            "");
}

TEST_F(VehicleApiTest, ARequestIsAnsweredAndPushedToSubscribers) {
  const auto sub = Call(2, "vehicle_subscribe", {"calls", {{"x", 100}, {"y", 0}}});
  ASSERT_TRUE(sub["result"].is_string());
  const auto far = Call(2, "vehicle_subscribe", {"calls", {{"x", 5000}, {"y", 0}}});
  const auto mine = SubscribeVehicle(1, 0);
  const auto r = Call(1, "vehicle_request", {TxToHex(Buyer(1))});
  ASSERT_TRUE(r.contains("result")) << r.dump();
  EXPECT_EQ(r["result"]["round"], 1);
  EXPECT_EQ(r["result"]["deadline"], World::kT0 + 10);
  EXPECT_EQ(r["result"]["server_time"], clock_.NowMs());
  ASSERT_EQ(out_.sent.size(), 2u);  // the bid to session 1, one call (in range) to session 2
  EXPECT_EQ(out_.sent[0].second["params"]["subscription"], mine["result"]);
  EXPECT_EQ(out_.sent[1].first, 2u);
  EXPECT_EQ(out_.sent[1].second["params"]["subscription"], sub["result"]);
  EXPECT_EQ(out_.sent[1].second["params"]["result"]["type"], "call");
  const auto again = Call(1, "vehicle_request", {TxToHex(Buyer(1))});  // idempotent
  EXPECT_EQ(again["result"]["bid_hash"], r["result"]["bid_hash"]);
  const auto nonce = Call(1, "vehicle_request", {TxToHex(Buyer(3))});
  EXPECT_EQ(nonce["error"]["data"]["reason"], "bad_nonce");
  EXPECT_EQ(nonce["error"]["data"]["expected"], 2);
  EXPECT_EQ(Call(1, "vehicle_getAccount", {"car-0"})["result"]["next_nonce"], 2);
  const auto round = Call(1, "vehicle_getRound", {1});
  EXPECT_EQ(round["result"]["state"], "open");
  api_.Close(2);
  EXPECT_EQ(api_.subscriptions(), 1u);
  EXPECT_TRUE(Call(1, "vehicle_unsubscribe", nlohmann::json::array({mine["result"]}))["result"]
                  .get<bool>());
  (void)far;
}

// C-3.0: a bid signed for another network is refused with its own reason, records nothing, and
// the same bid signed for this network (vehicle_getRound's `network`) is taken.
TEST_F(VehicleApiTest, ABidSignedForAnotherNetworkIsRefusedAsSuch) {
  const auto round = Call(1, "vehicle_getRound", {"current"});
  EXPECT_EQ(round["result"]["network"], "0000000000000000") << round.dump();
  chain::Tx bid = Buyer(1);
  bid.network = 5;
  chain::SignTx(bid, w_.cars[0]);
  const auto r = Call(1, "vehicle_request", {TxToHex(bid)});
  EXPECT_EQ(r["error"]["data"]["reason"], "wrong_network") << r.dump();
  EXPECT_TRUE(Call(1, "vehicle_request", {TxToHex(Buyer(1))}).contains("result"));
}

// Finding K: anyone could subscribe to any vehicle's pushes and read its scheme (counterparty,
// price, Wh, escrow) before the round is on chain. A `vehicle` subscription now carries a proof of
// the vehicle's key; a missing or bad one is refused with a typed reason and subscribes nothing.
TEST_F(VehicleApiTest, AVehicleSubscriptionProvesTheVehiclesKey) {
  using testing::KeyProofJson;
  const int64_t now_s = clock_.NowMs() / 1000;
  auto refused = [&](const nlohmann::json& params) {
    const auto r = Call(2, "vehicle_subscribe", params);
    EXPECT_EQ(r["error"]["code"], kRefused) << r.dump();
    return r["error"]["data"].value("reason", std::string());
  };
  const auto& cars = w_.cars;
  EXPECT_EQ(refused({"vehicle", "car-0"}), "proof_required");
  EXPECT_EQ(refused({"vehicle", "car-0", KeyProofJson(cars[1], "rsu-1", "car-0", now_s)}),
            "key_mismatch");  // signed, but by another vehicle's key
  EXPECT_EQ(refused({"vehicle", "car-0", KeyProofJson(cars[1], "rsu-1", "car-1", now_s)}),
            "bad_signature");  // car-1's own proof, replayed for car-0
  EXPECT_EQ(refused({"vehicle", "car-0", KeyProofJson(cars[0], "rsu-2", "car-0", now_s)}),
            "bad_signature");  // made for another RSU
  EXPECT_EQ(refused({"vehicle", "car-0", KeyProofJson(cars[0], "rsu-1", "car-0", now_s, 5)}),
            "bad_signature");  // made for another network
  EXPECT_EQ(refused({"vehicle", "car-0", KeyProofJson(cars[0], "rsu-1", "car-0", now_s - 30)}),
            "clock_skew");
  EXPECT_EQ(refused({"vehicle", "car-9", KeyProofJson(cars[0], "rsu-1", "car-9", now_s)}),
            "unknown_vehicle");
  EXPECT_EQ(refused({"vehicle", "car-0", {{"key", "zz"}, {"timestamp", now_s}, {"signature", 1}}}),
            "malformed");
  nlohmann::json extra = KeyProofJson(cars[0], "rsu-1", "car-0", now_s);
  extra["more"] = 1;
  EXPECT_EQ(refused({"vehicle", "car-0", extra}), "malformed");
  nlohmann::json huge = KeyProofJson(cars[0], "rsu-1", "car-0", now_s);
  huge["timestamp"] = uint64_t{1} << 63;
  EXPECT_EQ(refused({"vehicle", "car-0", huge}), "malformed");
  node_.MutableState().revoked.insert(node_.HeadState().accounts.at("car-3").cert_hash);
  EXPECT_EQ(refused({"vehicle", "car-3", KeyProofJson(cars[3], "rsu-1", "car-3", now_s)}),
            "certificate_revoked");
  EXPECT_EQ(api_.subscriptions(), 0u);

  // car-0's bid is pushed only to the session that proved car-0's key.
  const auto mine = SubscribeVehicle(1, 0);
  ASSERT_TRUE(mine["result"].is_string()) << mine.dump();
  ASSERT_TRUE(Call(1, "vehicle_request", {TxToHex(Buyer(1))}).contains("result"));
  ASSERT_EQ(out_.sent.size(), 1u);
  EXPECT_EQ(out_.sent[0].first, 1u);
  EXPECT_EQ(out_.sent[0].second["params"]["subscription"], mine["result"]);
  EXPECT_EQ(out_.sent[0].second["params"]["result"]["type"], "bid");
}

TEST_F(VehicleApiTest, RateLimitPerSession) {
  int limited = 0;
  for (int i = 0; i < 150; ++i) {
    const auto r = Call(1, "vehicle_getRound", {"current"});
    if (r.contains("error") && r["error"]["data"]["reason"] == "rate_limited") ++limited;
  }
  EXPECT_EQ(limited, 50);  // burst 100, no time passed
  clock_.Advance(1000);    // 50 more tokens
  EXPECT_TRUE(Call(1, "vehicle_getRound", {"current"}).contains("result"));
}

// Finding I: the rate limit ran after parsing and only on requests, so 64 KiB frames that are not
// requests were parsed without limit. Every text frame now takes a token before it is parsed.
TEST_F(VehicleApiTest, EveryFrameTakesATokenBeforeItIsParsed) {
  const std::string not_a_request = "[\"" + std::string(1000, 'a') + "\"]";
  for (int i = 0; i < 100; ++i) {
    const auto r = nlohmann::json::parse(api_.Handle(1, not_a_request));
    EXPECT_EQ(r["error"]["code"], kInvalidRequest) << i;  // the burst: parsed and answered
  }
  const auto limited = nlohmann::json::parse(api_.Handle(1, not_a_request));
  EXPECT_EQ(limited["error"]["data"]["reason"], "rate_limited");  // not parsed: no token left
  EXPECT_TRUE(limited["id"].is_null());
  const auto also = nlohmann::json::parse(api_.Handle(1, "not json at all"));
  EXPECT_EQ(also["error"]["data"]["reason"], "rate_limited");
  EXPECT_EQ(Call(1, "vehicle_getRound", {"current"})["error"]["data"]["reason"], "rate_limited");
  EXPECT_TRUE(Call(2, "vehicle_getRound", {"current"}).contains("result"));  // per session
}

// Finding A: closing a session took time in every session's subscriptions (3,000 connections x
// 64 subscriptions stalled the io thread for 82 s). Now it examines only its own entries.
TEST_F(VehicleApiTest, ClosingASessionVisitsOnlyItsOwnSubscriptions) {
  for (SessionId s = 3; s < 103; ++s) {
    api_.Open(s);
    for (int i = 0; i < 64; ++i) ASSERT_TRUE(SubscribeCalls(s, i, s)["result"].is_string());
  }
  ASSERT_TRUE(SubscribeCalls(1, 0, 0)["result"].is_string());
  ASSERT_TRUE(SubscribeVehicle(1, 0)["result"].is_string());
  ASSERT_EQ(api_.subscriptions(), 100u * 64 + 2);
  const uint64_t before = api_.subscription_visits();
  api_.Close(1);
  EXPECT_EQ(api_.subscription_visits() - before, 2u);  // not 6,402
  EXPECT_EQ(api_.subscriptions(), 100u * 64);
  api_.Close(50);
  EXPECT_EQ(api_.subscription_visits() - before, 2u + 64);
  EXPECT_EQ(api_.subscriptions(), 99u * 64);
}

// Finding B: a call is serialised once; every subscriber's frame shares that text and adds only
// its own subscription id, and the fan-out visits only the cells the radius reaches.
TEST_F(VehicleApiTest, OneCallIsOneSharedTextAndVisitsOnlyNearbyCells) {
  for (SessionId s = 10; s < 18; ++s) {  // 512 subscribers 50 km away (the buyer is at 0, 0)
    api_.Open(s);
    for (int i = 0; i < 64; ++i)
      ASSERT_TRUE(SubscribeCalls(s, 50'000 + i, 50'000)["result"].is_string());
  }
  std::set<std::string> near;
  for (int i = 0; i < 3; ++i)
    near.insert(SubscribeCalls(2, 300 * i, 0)["result"].get<std::string>());
  api_.Open(3);
  ASSERT_TRUE(SubscribeCalls(3, 1500, 1500)["result"].is_string());  // a reached cell, 2.1 km
  const uint64_t before = api_.subscription_visits();
  ASSERT_TRUE(Call(1, "vehicle_request", {TxToHex(Buyer(1))}).contains("result"));
  EXPECT_EQ(api_.subscription_visits() - before, 4u);  // not the 512 far away
  ASSERT_EQ(out_.sent.size(), 3u);
  std::set<std::string> pushed_to;
  for (size_t i = 0; i < out_.sent.size(); ++i) {
    const auto& [session, push] = out_.sent[i];
    EXPECT_EQ(session, 2u);
    EXPECT_NE(out_.shared[i], nullptr);
    EXPECT_EQ(out_.shared[i], out_.shared[0]);  // one text, not one copy per subscriber
    EXPECT_EQ(push["method"], "vehicle_subscription");
    EXPECT_EQ(push["params"]["result"]["type"], "call");
    EXPECT_EQ(push["params"]["result"]["server_time"], clock_.NowMs());
    pushed_to.insert(push["params"]["subscription"].get<std::string>());
  }
  EXPECT_EQ(pushed_to, near);
}

class VehicleApiNodeCapTest : public VehicleApiTest {
 protected:
  VehicleApiNodeCapTest() : VehicleApiTest(ApiLimits{.subscriptions = {.per_node = 3}}) {}
};

// Finding B: subscriptions are capped per node, not only per connection; the refusal is typed.
TEST_F(VehicleApiNodeCapTest, TheNodeWideCapRefusesWithATypedReason) {
  ASSERT_TRUE(SubscribeCalls(1, 0, 0)["result"].is_string());
  ASSERT_TRUE(SubscribeCalls(1, 0, 0)["result"].is_string());
  const auto last = SubscribeVehicle(2, 1);
  ASSERT_TRUE(last["result"].is_string());
  const auto refused = SubscribeVehicle(2, 1);
  ASSERT_TRUE(refused.contains("error")) << refused.dump();
  EXPECT_EQ(refused["error"]["code"], kRefused);
  EXPECT_EQ(refused["error"]["data"]["reason"], "node_subscriptions_full");
  EXPECT_EQ(refused["error"]["data"]["server_time"], clock_.NowMs());
  EXPECT_EQ(api_.subscriptions(), 3u);
  EXPECT_TRUE(Call(2, "vehicle_unsubscribe", nlohmann::json::array({last["result"]}))["result"]
                  .get<bool>());
  EXPECT_TRUE(SubscribeVehicle(2, 1)["result"].is_string());
}

TEST_F(VehicleApiTest, TheSessionCapStillRefusesWithItsOwnReason) {
  for (int i = 0; i < 64; ++i) ASSERT_TRUE(SubscribeCalls(1, 0, 0)["result"].is_string());
  EXPECT_EQ(SubscribeCalls(1, 0, 0)["error"]["data"]["reason"], "too_many_subscriptions");
  EXPECT_TRUE(SubscribeCalls(2, 0, 0)["result"].is_string());
}

// The rounds issue: vehicle_getRound (a read) built and submitted a due round. Reads have no side
// effects: past the build time a read reports the open round as closed and changes nothing; the
// tick (the deadline path) builds it, signs it and submits it.
TEST_F(VehicleApiTest, GetRoundIsAReadThatNeitherBuildsNorSubmits) {
  const auto mine = SubscribeVehicle(1, 0);
  ASSERT_TRUE(mine["result"].is_string()) << mine.dump();
  ASSERT_TRUE(Call(1, "vehicle_request", {TxToHex(Buyer(1))}).contains("result"));
  chain::Tx seller;
  seller.sender = "car-2";
  seller.nonce = 1;
  seller.body =
      chain::SellerBid{"rsu-1", 1, 150, 100, 200, 20'000, 5'000, 50'000, 100, 0, World::kT0};
  chain::SignTx(seller, w_.cars[2]);
  ASSERT_TRUE(Call(1, "vehicle_offer", {TxToHex(seller)}).contains("result"));
  EXPECT_EQ(Call(1, "vehicle_getRound", {"current"})["result"]["open"], true);
  clock_.Set((World::kT0 + 13) * 1000);  // past the deadline + the build delay
  const size_t sent = out_.sent.size();
  for (int i = 0; i < 3; ++i) {
    const auto current = Call(1, "vehicle_getRound", {"current"})["result"];
    EXPECT_EQ(current["open"], false) << current.dump();
    EXPECT_EQ(current["round"], World::kT0 + 13);
    EXPECT_EQ(Call(1, "vehicle_getRound", {1})["result"]["state"], "open");
  }
  EXPECT_EQ(node_.pending(), 0u) << "a read submitted a round";
  EXPECT_EQ(out_.sent.size(), sent) << "a read pushed";
  api_.book().Tick(clock_.NowMs());
  EXPECT_EQ(node_.pending(), 1u);
  EXPECT_EQ(Call(1, "vehicle_getRound", {1})["result"]["state"], "built");
  EXPECT_GT(out_.sent.size(), sent);  // the scheme
}

}  // namespace
}  // namespace v2v::gateway
