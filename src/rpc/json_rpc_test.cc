#include "rpc/json_rpc.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace v2v::rpc {
namespace {

using nlohmann::json;

Dispatcher Make() {
  Dispatcher d;
  d.Register("chain_head", [](const json&) -> RpcResult {
    return json{{"height", 7}, {"hash", "ab"}};
  });
  d.Register("echo", [](const json& p) -> RpcResult {
    const json* v = Param(p, 0, "value");
    if (v == nullptr) return RpcError{kInvalidParams, "missing parameter: value"};
    return *v;
  });
  d.Register("boom", [](const json&) -> RpcResult { throw std::runtime_error("bug"); });
  return d;
}

json DispatchCall(const Dispatcher& d, const std::string& text) {
  return json::parse(d.Handle(text));
}

TEST(JsonRpcTest, ResultAndIdAreEchoed) {
  json r = DispatchCall(Make(), R"({"jsonrpc":"2.0","method":"chain_head","id":3})");
  EXPECT_EQ(r["result"]["height"], 7);
  EXPECT_EQ(r["id"], 3);
  EXPECT_EQ(r["jsonrpc"], "2.0");
  EXPECT_FALSE(r.contains("error"));
}

TEST(JsonRpcTest, PositionalAndNamedParams) {
  Dispatcher d = Make();
  EXPECT_EQ(DispatchCall(d, R"({"jsonrpc":"2.0","method":"echo","params":[5],"id":"a"})")["result"],
            5);
  EXPECT_EQ(DispatchCall(
                d, R"({"jsonrpc":"2.0","method":"echo","params":{"value":"x"},"id":1})")["result"],
            "x");
  EXPECT_EQ(
      DispatchCall(d, R"({"jsonrpc":"2.0","method":"echo","params":[],"id":1})")["error"]["code"],
      kInvalidParams);
}

TEST(JsonRpcTest, ProtocolErrors) {
  Dispatcher d = Make();
  EXPECT_EQ(DispatchCall(d, "{nope")["error"]["code"], kParseError);
  EXPECT_EQ(DispatchCall(d, R"([])")["error"]["code"], kInvalidRequest);
  EXPECT_EQ(DispatchCall(d, R"({"method":"chain_head","id":1})")["error"]["code"], kInvalidRequest);
  EXPECT_EQ(DispatchCall(d, R"({"jsonrpc":"2.0","method":5,"id":1})")["error"]["code"],
            kInvalidRequest);
  EXPECT_EQ(DispatchCall(d, R"({"jsonrpc":"2.0","method":"nope","id":1})")["error"]["code"],
            kMethodNotFound);
  EXPECT_EQ(
      DispatchCall(d, R"({"jsonrpc":"2.0","method":"echo","params":3,"id":1})")["error"]["code"],
      kInvalidRequest);
  EXPECT_EQ(DispatchCall(d, R"({"jsonrpc":"2.0","method":"boom","id":1})")["error"]["code"],
            kInternalError);
}

TEST(JsonRpcTest, BatchesAndNotifications) {
  Dispatcher d = Make();
  json r = DispatchCall(d, R"([{"jsonrpc":"2.0","method":"echo","params":[1],"id":1},
                      {"jsonrpc":"2.0","method":"echo","params":[2]},
                      {"jsonrpc":"2.0","method":"nope","id":2}])");
  ASSERT_EQ(r.size(), 2u);  // the notification gets no response
  EXPECT_EQ(r[0]["result"], 1);
  EXPECT_EQ(r[1]["error"]["code"], kMethodNotFound);
  EXPECT_EQ(d.Handle(R"({"jsonrpc":"2.0","method":"echo","params":[1]})"), "");
}

}  // namespace
}  // namespace v2v::rpc

namespace v2v::rpc {
namespace {

struct Seen {
  std::vector<std::string> reasons;
};

Dispatcher Limited(DispatchLimits limits, Seen& seen) {
  Dispatcher d(limits);
  d.Register("echo", [](const json& p) -> RpcResult { return p.empty() ? json() : p[0]; });
  d.SetLimitObserver(
      [&seen](const std::string& reason, const std::string&) { seen.reasons.push_back(reason); });
  return d;
}

// Issue 10 finding 1: params nested 200,000 levels deep (about 400 KB) killed the node.
TEST(JsonRpcLimitsTest, DeepNestingIsRefusedBeforeParsing) {
  Seen seen;
  Dispatcher d = Limited({}, seen);
  const std::string deep = R"({"jsonrpc":"2.0","id":1,"method":"echo","params":)" +
                           std::string(200000, '[') + std::string(200000, ']') + "}";
  json r = DispatchCall(d, deep);
  EXPECT_EQ(r["error"]["code"], kLimitExceeded);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("nested deeper than 64"),
            std::string::npos);
  EXPECT_EQ(seen.reasons, std::vector<std::string>{"json_depth"});
  // The id nested as deep, and an unterminated deep prefix, are refused the same way.
  const std::string deep_id =
      R"({"jsonrpc":"2.0","method":"echo","id":)" + std::string(300000, '{');
  EXPECT_EQ(DispatchCall(d, deep_id)["error"]["code"], kLimitExceeded);
  // 64 levels (the whole request counts) is still served.
  const std::string ok = R"({"jsonrpc":"2.0","id":2,"method":"echo","params":)" +
                         std::string(63, '[') + std::string(63, ']') + "}";
  EXPECT_TRUE(DispatchCall(d, ok).contains("result"));
}

TEST(JsonRpcLimitsTest, BatchAboveTheLimitIsRefusedWhole) {
  Seen seen;
  Dispatcher d = Limited({.max_batch = 3}, seen);
  json batch = json::array();
  for (int i = 0; i < 4; ++i)
    batch.push_back({{"jsonrpc", "2.0"}, {"id", i}, {"method", "echo"}, {"params", {i}}});
  json r = DispatchCall(d, batch.dump());
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["error"]["code"], kLimitExceeded);
  EXPECT_EQ(seen.reasons, std::vector<std::string>{"batch_size"});
  batch.erase(batch.begin());
  EXPECT_EQ(DispatchCall(d, batch.dump()).size(), 3u);
}

TEST(JsonRpcLimitsTest, ResponsesAboveTheLimitAreReplacedByAnError) {
  Seen seen;
  Dispatcher d = Limited({.max_response_bytes = 200}, seen);
  const std::string big(300, 'x');
  json r = DispatchCall(
      d, json{{"jsonrpc", "2.0"}, {"id", 9}, {"method", "echo"}, {"params", {big}}}.dump());
  EXPECT_EQ(r["error"]["code"], kLimitExceeded);
  EXPECT_EQ(r["id"], 9);
  // A batch keeps the answers that fit and ends with one error for the rest.
  json batch = json::array();
  for (int i = 0; i < 5; ++i) {
    batch.push_back(
        {{"jsonrpc", "2.0"}, {"id", i}, {"method", "echo"}, {"params", {std::string(40, 'y')}}});
  }
  json b = DispatchCall(d, batch.dump());
  ASSERT_TRUE(b.is_array());
  EXPECT_LT(b.size(), 5u);
  EXPECT_EQ(b.back()["error"]["code"], kLimitExceeded);
  EXPECT_TRUE(b.front().contains("result"));
  EXPECT_EQ(seen.reasons, (std::vector<std::string>{"response_size", "response_size"}));
}

// A transport with a tighter budget (the explorer's WebSocket) gets the same response_size rule
// with its bound; a larger bound than the dispatcher's does not lift the dispatcher's.
TEST(JsonRpcLimitsTest, ATransportMayBoundResponsesTighter) {
  Seen seen;
  Dispatcher d = Limited({.max_response_bytes = 200}, seen);
  auto echo = [](size_t n) {
    return json{
        {"jsonrpc", "2.0"}, {"id", 1}, {"method", "echo"}, {"params", {std::string(n, 'x')}}}
        .dump();
  };
  EXPECT_TRUE(json::parse(d.Handle(echo(100), 1000)).contains("result"));
  EXPECT_EQ(json::parse(d.Handle(echo(100), 80))["error"]["code"], kLimitExceeded);
  EXPECT_EQ(json::parse(d.Handle(echo(300), 1000))["error"]["code"], kLimitExceeded);
  EXPECT_EQ(seen.reasons, (std::vector<std::string>{"response_size", "response_size"}));
}

TEST(JsonRpcLimitsTest, WithinDepthIsTheDispatchersNestingRule) {
  Seen seen;
  Dispatcher d = Limited({.max_depth = 3}, seen);
  EXPECT_TRUE(d.WithinDepth(R"({"a":[[1]]})"));
  EXPECT_FALSE(d.WithinDepth(R"({"a":[[[1]]]})"));
  EXPECT_TRUE(seen.reasons.empty());  // asking refuses nothing; Handle() does
}

}  // namespace
}  // namespace v2v::rpc
