#include "gateway/vehicle_api.h"

#include <gtest/gtest.h>

#include "gateway/testing_fake_node.h"

namespace v2v::gateway {
namespace {

using contract::testing::World;

struct Outbox final : SessionOut {
  void Send(SessionId s, std::string text) override {
    sent.emplace_back(s, nlohmann::json::parse(text));
  }
  std::vector<std::pair<SessionId, nlohmann::json>> sent;
};

class VehicleApiTest : public ::testing::Test {
 protected:
  VehicleApiTest()
      : node_(w_),
        api_(
            Options(), chain::testing::FixedKey(101), node_, [this] { return now_ms_; }, out_) {
    api_.Open(1);
    api_.Open(2);
  }
  static RoundBookOptions Options() {
    RoundBookOptions o;
    o.rsu = "rsu-1";
    return o;
  }
  nlohmann::json Call(SessionId s, const std::string& method, nlohmann::json params) {
    const std::string text = nlohmann::json{
        {"jsonrpc", "2.0"},
        {"id", 7},
        {"method", method},
        {"params", params}}.dump();
    return nlohmann::json::parse(api_.Handle(s, text));
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
  testing::FakeNode node_;
  Outbox out_;
  int64_t now_ms_ = World::kT0 * 1000;
  VehicleApi api_;
};

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
  EXPECT_EQ(bad["error"]["data"]["server_time"], now_ms_);
  EXPECT_EQ(api_.Handle(1, R"({"jsonrpc":"2.0","method":"vehicle_getRound","params":["current"]})"),
            "");
}

TEST_F(VehicleApiTest, ARequestIsAnsweredAndPushedToSubscribers) {
  const auto sub = Call(2, "vehicle_subscribe", {"calls", {{"x", 100}, {"y", 0}}});
  ASSERT_TRUE(sub["result"].is_string());
  const auto far = Call(2, "vehicle_subscribe", {"calls", {{"x", 5000}, {"y", 0}}});
  const auto mine = Call(1, "vehicle_subscribe", {"vehicle", "car-0"});
  const auto r = Call(1, "vehicle_request", {TxToHex(Buyer(1))});
  ASSERT_TRUE(r.contains("result")) << r.dump();
  EXPECT_EQ(r["result"]["round"], 1);
  EXPECT_EQ(r["result"]["deadline"], World::kT0 + 10);
  EXPECT_EQ(r["result"]["server_time"], now_ms_);
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

TEST_F(VehicleApiTest, RateLimitPerSession) {
  int limited = 0;
  for (int i = 0; i < 150; ++i) {
    const auto r = Call(1, "vehicle_getRound", {"current"});
    if (r.contains("error") && r["error"]["data"]["reason"] == "rate_limited") ++limited;
  }
  EXPECT_EQ(limited, 50);  // burst 100, no time passed
  now_ms_ += 1000;         // 50 more tokens
  EXPECT_TRUE(Call(1, "vehicle_getRound", {"current"}).contains("result"));
}

}  // namespace
}  // namespace v2v::gateway
