#include "explorer/head_subscriptions.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <future>
#include <random>
#include <thread>

#include "devnet/block_generator.h"
#include "store/kv_store.h"

namespace v2v::explorer {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using nlohmann::json;
using tcp = asio::ip::tcp;

// A node-side io thread with a ledger, a dispatcher and the subscriptions; an acceptor hands each
// upgrade request to HeadSubscriptions as the RPC server does.
class Subscriptions : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = std::move(node::Ledger::Init(store::NewMemKvStore(), generator_.genesis())).value();
    dispatcher_.Register("echo", [](const json& p) -> rpc::RpcResult { return p; });
    SubscriptionLimits limits;
    limits.max_subscriptions = 2;
    limits.poll = std::chrono::milliseconds(10);
    subs_ = std::make_unique<HeadSubscriptions>(
        io_, dispatcher_, [this]() -> const node::Ledger& { return *ledger_; }, limits);
    acceptor_.open(tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    AcceptOne();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    asio::post(io_, [this] {
      subs_->Close();
      acceptor_.close();
    });
    thread_.join();
  }
  void AcceptOne() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket s) {
      if (ec) return;
      auto sock = std::make_shared<tcp::socket>(std::move(s));
      auto buf = std::make_shared<beast::flat_buffer>();
      auto req = std::make_shared<http::request<http::string_body>>();
      http::async_read(*sock, *buf, *req, [this, sock, buf, req](beast::error_code e, size_t) {
        if (!e) subs_->Accept(std::move(*sock), std::move(*req));
      });
      AcceptOne();
    });
  }
  // Appends a simulated block on the io thread.
  void AppendBlock() {
    std::promise<void> done;
    asio::post(io_, [&] {
      auto b = generator_.NextBlock(*ledger_, rng_);
      EXPECT_TRUE(b.ok() && ledger_->Append(*b).ok());
      done.set_value();
    });
    done.get_future().wait();
  }
  std::unique_ptr<websocket::stream<tcp::socket>> Connect() {
    auto ws = std::make_unique<websocket::stream<tcp::socket>>(client_io_);
    ws->next_layer().connect(acceptor_.local_endpoint());
    ws->handshake("127.0.0.1", "/ws");
    return ws;
  }
  static json Call(websocket::stream<tcp::socket>& ws, const json& req) {
    ws.write(asio::buffer(req.dump()));
    return Next(ws);
  }
  static json Next(websocket::stream<tcp::socket>& ws) {
    beast::flat_buffer b;
    ws.read(b);
    return json::parse(beast::buffers_to_string(b.data()));
  }

  devnet::BlockGenerator generator_;
  std::mt19937_64 rng_{3};
  std::unique_ptr<node::Ledger> ledger_;
  rpc::Dispatcher dispatcher_;
  asio::io_context io_, client_io_;
  tcp::acceptor acceptor_{io_};
  std::unique_ptr<HeadSubscriptions> subs_;
  std::thread thread_;
};

TEST_F(Subscriptions, NewHeadsAreNotifiedInOrderUntilUnsubscribed) {
  auto ws = Connect();
  json r = Call(
      *ws,
      {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "chain_subscribe"}, {"params", {"newHeads"}}});
  ASSERT_TRUE(r["result"].is_string()) << r;
  const std::string id = r["result"];
  AppendBlock();
  AppendBlock();
  for (uint64_t h = 1; h <= 2; ++h) {
    json n = Next(*ws);
    EXPECT_EQ(n["method"], "chain_subscription");
    EXPECT_EQ(n["params"]["subscription"], id);
    EXPECT_EQ(n["params"]["result"]["height"], h);
    EXPECT_EQ(n["params"]["result"]["sealer_name"], "rsu-1");
    EXPECT_EQ(n["params"]["result"]["tx_count"], ledger_->BlockAt(h)->txs.size());
  }
  // Other methods go to the dispatcher; subscriptions are bounded per connection.
  EXPECT_EQ(
      Call(*ws, {{"jsonrpc", "2.0"}, {"id", 2}, {"method", "echo"}, {"params", {7}}})["result"],
      json({7}));
  EXPECT_TRUE(Call(*ws, {{"jsonrpc", "2.0"},
                         {"id", 3},
                         {"method", "chain_subscribe"},
                         {"params", {"newHeads"}}})["result"]
                  .is_string());
  EXPECT_EQ(Call(*ws, {{"jsonrpc", "2.0"},
                       {"id", 4},
                       {"method", "chain_subscribe"},
                       {"params", {"newHeads"}}})["error"]["code"],
            rpc::kRejected);
  EXPECT_EQ(Call(*ws, {{"jsonrpc", "2.0"},
                       {"id", 5},
                       {"method", "chain_subscribe"},
                       {"params", {"logs"}}})["error"]["code"],
            rpc::kInvalidParams);
  EXPECT_EQ(Call(*ws, {{"jsonrpc", "2.0"},
                       {"id", 6},
                       {"method", "chain_unsubscribe"},
                       {"params", {id}}})["result"],
            true);
  EXPECT_EQ(Call(*ws, {{"jsonrpc", "2.0"},
                       {"id", 7},
                       {"method", "chain_unsubscribe"},
                       {"params", {id}}})["result"],
            false);
  EXPECT_EQ(Call(*ws, {{"jsonrpc", "2.0"}, {"id", 8}, {"method", "nope"}})["error"]["code"],
            rpc::kMethodNotFound);
}

// Security review finding M: the socket parsed chain_subscribe requests without the depth guard
// the HTTP side has. A request nested deeper than the dispatcher's max_depth is refused by the
// dispatcher's rule (-32005) before anything parses it; the subscription keeps its heads.
TEST_F(Subscriptions, DeeplyNestedRequestIsRefusedByTheDispatchersDepthRule) {
  auto ws = Connect();
  const json sub = Call(
      *ws,
      {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "chain_subscribe"}, {"params", {"newHeads"}}});
  ASSERT_TRUE(sub["result"].is_string()) << sub;
  const size_t depth = dispatcher_.limits().max_depth;  // params adds one level to the object's
  const std::string deep = R"({"jsonrpc":"2.0","id":2,"method":"chain_subscribe","params":)" +
                           std::string(depth, '[') + R"("newHeads")" + std::string(depth, ']') +
                           "}";
  ws->write(asio::buffer(deep));
  json r = Next(*ws);
  EXPECT_EQ(r["error"]["code"], rpc::kLimitExceeded) << r;
  EXPECT_NE(r["error"]["message"].get<std::string>().find("nested deeper"), std::string::npos);
  // One level less is parsed and answered by the subscription code (not ["newHeads"]: -32602).
  const std::string ok = R"({"jsonrpc":"2.0","id":3,"method":"chain_subscribe","params":)" +
                         std::string(depth - 1, '[') + R"("newHeads")" +
                         std::string(depth - 1, ']') + "}";
  ws->write(asio::buffer(ok));
  EXPECT_EQ(Next(*ws)["error"]["code"], rpc::kInvalidParams);
  AppendBlock();
  json n = Next(*ws);
  EXPECT_EQ(n["params"]["subscription"], sub["result"]);
  EXPECT_EQ(n["params"]["result"]["height"], 1);
}

}  // namespace
}  // namespace v2v::explorer
