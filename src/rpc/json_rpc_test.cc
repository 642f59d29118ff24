#include "rpc/json_rpc.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace v2v::rpc {
namespace {

using nlohmann::json;

Dispatcher Make() {
  Dispatcher d;
  d.Register("chain_head", [](const json&) -> RpcResult { return json{{"height", 7}, {"hash", "ab"}}; });
  d.Register("echo", [](const json& p) -> RpcResult {
    const json* v = Param(p, 0, "value");
    if (v == nullptr) return RpcError{kInvalidParams, "missing parameter: value"};
    return *v;
  });
  d.Register("boom", [](const json&) -> RpcResult { throw std::runtime_error("bug"); });
  return d;
}

json Call(const Dispatcher& d, const std::string& text) { return json::parse(d.Handle(text)); }

TEST(JsonRpcTest, ResultAndIdAreEchoed) {
  json r = Call(Make(), R"({"jsonrpc":"2.0","method":"chain_head","id":3})");
  EXPECT_EQ(r["result"]["height"], 7);
  EXPECT_EQ(r["id"], 3);
  EXPECT_EQ(r["jsonrpc"], "2.0");
  EXPECT_FALSE(r.contains("error"));
}

TEST(JsonRpcTest, PositionalAndNamedParams) {
  Dispatcher d = Make();
  EXPECT_EQ(Call(d, R"({"jsonrpc":"2.0","method":"echo","params":[5],"id":"a"})")["result"], 5);
  EXPECT_EQ(Call(d, R"({"jsonrpc":"2.0","method":"echo","params":{"value":"x"},"id":1})")["result"], "x");
  EXPECT_EQ(Call(d, R"({"jsonrpc":"2.0","method":"echo","params":[],"id":1})")["error"]["code"], kInvalidParams);
}

TEST(JsonRpcTest, ProtocolErrors) {
  Dispatcher d = Make();
  EXPECT_EQ(Call(d, "{nope")["error"]["code"], kParseError);
  EXPECT_EQ(Call(d, R"([])")["error"]["code"], kInvalidRequest);
  EXPECT_EQ(Call(d, R"({"method":"chain_head","id":1})")["error"]["code"], kInvalidRequest);
  EXPECT_EQ(Call(d, R"({"jsonrpc":"2.0","method":5,"id":1})")["error"]["code"], kInvalidRequest);
  EXPECT_EQ(Call(d, R"({"jsonrpc":"2.0","method":"nope","id":1})")["error"]["code"], kMethodNotFound);
  EXPECT_EQ(Call(d, R"({"jsonrpc":"2.0","method":"echo","params":3,"id":1})")["error"]["code"], kInvalidRequest);
  EXPECT_EQ(Call(d, R"({"jsonrpc":"2.0","method":"boom","id":1})")["error"]["code"], kInternalError);
}

TEST(JsonRpcTest, BatchesAndNotifications) {
  Dispatcher d = Make();
  json r = Call(d, R"([{"jsonrpc":"2.0","method":"echo","params":[1],"id":1},
                      {"jsonrpc":"2.0","method":"echo","params":[2]},
                      {"jsonrpc":"2.0","method":"nope","id":2}])");
  ASSERT_EQ(r.size(), 2u);  // the notification gets no response
  EXPECT_EQ(r[0]["result"], 1);
  EXPECT_EQ(r[1]["error"]["code"], kMethodNotFound);
  EXPECT_EQ(d.Handle(R"({"jsonrpc":"2.0","method":"echo","params":[1]})"), "");
}

}  // namespace
}  // namespace v2v::rpc
