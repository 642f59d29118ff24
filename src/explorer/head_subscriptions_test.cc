#include "explorer/head_subscriptions.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <future>
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

// A node-side io thread with a ledger publishing to a chain event feed, a dispatcher and the
// subscriptions; an acceptor hands each upgrade request to HeadSubscriptions as the RPC server
// does. The node's send buffers are small
// (4 KiB), as are those of the clients that do not read, so the queue's bounds are reached after
// a few kilobytes and not after the megabytes a loopback socket can absorb.
class Subscriptions : public ::testing::Test {
 protected:
  virtual SubscriptionLimits Limits() const {
    SubscriptionLimits limits;
    limits.max_subscriptions = 2;
    limits.max_queue_bytes = 4 << 10;
    limits.max_in_flight = 2;
    return limits;
  }
  void SetUp() override {
    node::LedgerOptions options;
    options.events = &feed_;
    ledger_ = std::move(node::Ledger::Init(store::NewMemKvStore(), generator_.genesis(),
                                           std::move(options)))
                  .value();
    dispatcher_.Register("echo", [](const json& p) -> rpc::RpcResult { return p; });
    dispatcher_.Register("blob", [this](const json&) -> rpc::RpcResult {
      ++blobs_served_;
      return std::string(2000, 'b');
    });
    subs_ = std::make_unique<HeadSubscriptions>(
        io_, dispatcher_, feed_, [this]() -> const node::Ledger& { return *ledger_; }, Limits());
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
      sock->set_option(asio::socket_base::send_buffer_size(4096));
      auto buf = std::make_shared<beast::flat_buffer>();
      auto req = std::make_shared<http::request<http::string_body>>();
      http::async_read(*sock, *buf, *req, [this, sock, buf, req](beast::error_code e, size_t) {
        if (!e) subs_->Accept(std::move(*sock), std::move(*req));
      });
      AcceptOne();
    });
  }
  // Appends a simulated block on the io thread and delivers the feed, as the node does.
  void AppendBlock(bool deliver = true) {
    OnIo([&] {
      auto b = generator_.NextBlock(*ledger_, rng_);
      EXPECT_TRUE(b.ok() && ledger_->Append(*b).ok());
      if (deliver) feed_.Deliver();
    });
  }
  // Runs `f` on the io thread and waits for it.
  void OnIo(const std::function<void()>& f) {
    std::promise<void> done;
    asio::post(io_, [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }
  // `lazy`: a client that will not read, with a 4 KiB receive buffer.
  std::unique_ptr<websocket::stream<tcp::socket>> Connect(bool lazy = false) {
    auto ws = std::make_unique<websocket::stream<tcp::socket>>(client_io_);
    ws->next_layer().open(tcp::v4());
    if (lazy) ws->next_layer().set_option(asio::socket_base::receive_buffer_size(4096));
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
  // Subscribes to newHeads; returns the subscription id.
  static std::string Subscribe(websocket::stream<tcp::socket>& ws) {
    json r = Call(
        ws,
        {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "chain_subscribe"}, {"params", {"newHeads"}}});
    EXPECT_TRUE(r["result"].is_string()) << r;
    return r.value("result", "");
  }
  // Waits up to 5 s for `done`.
  static bool WaitFor(const std::function<bool()>& done) {
    for (int i = 0; i < 500 && !done(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return done();
  }
  // Open connections, read on the io thread.
  size_t Open() {
    std::promise<size_t> n;
    asio::post(io_, [&] { n.set_value(subs_->connections()); });
    return n.get_future().get();
  }
  uint64_t Refused(const std::string& reason) {
    return subs_->refusals().Count(kRefusalSurface, reason);
  }

  devnet::BlockGenerator generator_;
  base::Rng rng_{3};
  node::ChainFeed feed_;
  std::unique_ptr<node::Ledger> ledger_;
  rpc::Dispatcher dispatcher_;
  asio::io_context io_, client_io_;
  tcp::acceptor acceptor_{io_};
  std::unique_ptr<HeadSubscriptions> subs_;
  std::thread thread_;
  std::atomic<int> blobs_served_{0};
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

// Security review finding D (1/2): the slow-reader bound counted 256 messages, not bytes, so
// clients that subscribe and never read made the node hold their heads by the megabyte. Now the
// bytes waiting behind the message being written are bounded (4 KiB here, a few heads): both
// lazy subscribers are closed long before 256 heads, while an honest one gets every head.
TEST_F(Subscriptions, SubscribersThatDoNotReadAreClosedByBytesWhileHonestOnesKeepTheirHeads) {
  auto honest = Connect();
  const std::string id = Subscribe(*honest);
  auto lazy1 = Connect(/*lazy=*/true);
  auto lazy2 = Connect(/*lazy=*/true);
  Subscribe(*lazy1);
  Subscribe(*lazy2);
  // About 600 bytes a head: 100 heads are far beyond 4 KiB plus the kernel's buffers.
  for (uint64_t h = 1; h <= 100; ++h) {
    AppendBlock();
    json n = Next(*honest);
    ASSERT_EQ(n["params"]["result"]["height"], h) << n;
    EXPECT_EQ(n["params"]["subscription"], id);
  }
  EXPECT_TRUE(WaitFor([&] { return Open() == 1; }));
  EXPECT_EQ(Refused("slow_reader"), 2u);
  AppendBlock();
  EXPECT_EQ(Next(*honest)["params"]["result"]["height"], 101);
}

// Security review finding D (2/2): requests were not limited, so a client that sends and never
// reads made the node answer every one into memory. Now at most max_in_flight (2 here) requests
// are unanswered: the node stops reading that client, which TCP then holds back. Of 200 requests
// (2 KB answers each) only the few whose answers fit in the kernel's buffers are served, the
// honest client is unaffected, and the lazy one gets every answer, in order, once it reads.
TEST_F(Subscriptions, AClientThatSendsWithoutReadingIsNotReadFurther) {
  auto honest = Connect();
  Subscribe(*honest);
  auto lazy = Connect(/*lazy=*/true);
  for (int i = 0; i < 200; ++i)
    lazy->write(asio::buffer(json{{"jsonrpc", "2.0"}, {"id", i}, {"method", "blob"}}.dump()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_LT(blobs_served_.load(), 20);
  EXPECT_EQ(
      Call(*honest, {{"jsonrpc", "2.0"}, {"id", 2}, {"method", "echo"}, {"params", {7}}})["result"],
      json({7}));
  AppendBlock();
  EXPECT_EQ(Next(*honest)["params"]["result"]["height"], 1);
  for (int i = 0; i < 200; ++i) {
    json r = Next(*lazy);
    ASSERT_EQ(r["id"], i) << r;
    EXPECT_EQ(r["result"].get<std::string>().size(), 2000u);
  }
  EXPECT_EQ(blobs_served_.load(), 200);
  EXPECT_EQ(Refused("slow_reader"), 0u);
}

// A response larger than max_queue_bytes is refused by the dispatcher's response_size rule with
// that bound, so a single answer cannot take more memory than the queue's bound either.
TEST_F(Subscriptions, ResponsesAreBoundedByTheQueuesBytes) {
  auto ws = Connect();
  json r = Call(
      *ws,
      {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "echo"}, {"params", {std::string(5000, 'x')}}});
  EXPECT_EQ(r["error"]["code"], rpc::kLimitExceeded) << r;
  EXPECT_EQ(Call(*ws, {{"jsonrpc", "2.0"}, {"id", 2}, {"method", "blob"}})["result"]
                .get<std::string>()
                .size(),
            2000u);
}

class IdleSubscriptions : public Subscriptions {
 protected:
  SubscriptionLimits Limits() const override {
    SubscriptionLimits limits = Subscriptions::Limits();
    limits.idle_timeout = std::chrono::milliseconds(300);
    return limits;
  }
};

// Security review finding L: the 64 slots could be held forever by clients that only answer
// pings. A connection with no subscription that sent no request for idle_timeout (300 ms here) is
// closed; pings do not count. A subscriber keeps its slot and its heads, a client that keeps
// asking keeps its slot, and once it stops asking it is closed too.
TEST_F(IdleSubscriptions, ConnectionsWithNoRequestAndNoSubscriptionAreClosed) {
  auto honest = Connect();
  const std::string id = Subscribe(*honest);
  auto asker = Connect();
  auto holder = Connect();        // sends nothing
  for (int i = 0; i < 10; ++i) {  // 1 s: more than three idle timeouts
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(Call(*asker,
                   {{"jsonrpc", "2.0"}, {"id", i}, {"method", "echo"}, {"params", {i}}})["result"],
              json({i}));
  }
  EXPECT_EQ(Open(), 2u);
  EXPECT_EQ(Refused("idle_timeout"), 1u);
  AppendBlock();
  json n = Next(*honest);
  EXPECT_EQ(n["params"]["subscription"], id);
  EXPECT_EQ(n["params"]["result"]["height"], 1);
  EXPECT_TRUE(WaitFor([&] { return Open() == 1; }));  // the asker went quiet
  EXPECT_EQ(Refused("idle_timeout"), 2u);
  AppendBlock();
  EXPECT_EQ(Next(*honest)["params"]["result"]["height"], 2);
}

// With room for kMaxCatchUp heads at once in the client's queue (the fixture's 4 KiB holds a few).
class CatchUpSubscriptions : public Subscriptions {
 protected:
  SubscriptionLimits Limits() const override {
    SubscriptionLimits limits = Subscriptions::Limits();
    limits.max_queue_bytes = 1 << 20;
    return limits;
  }
};

// N8/N9: the heads come from the chain event feed. Blocks applied between two deliveries are
// notified in order, the newest kMaxCatchUp of them; a subscription that fell behind the feed
// (over its queue: here the feed gets 1025 events between deliveries) is sent the current head.
TEST_F(CatchUpSubscriptions, HeadsComeFromTheFeedCaughtUpToTheNewestAndAfterALagTheHead) {
  auto ws = Connect();
  const std::string id = Subscribe(*ws);
  for (int i = 0; i < 20; ++i) AppendBlock(/*deliver=*/false);
  OnIo([&] { feed_.Deliver(); });
  for (uint64_t h = 20 - kMaxCatchUp + 1; h <= 20; ++h) {
    json n = Next(*ws);
    ASSERT_EQ(n["params"]["result"]["height"], h) << n;
    EXPECT_EQ(n["params"]["subscription"], id);
  }
  OnIo([&] {
    for (size_t i = 0; i <= node::kDefaultFeedQueue; ++i) feed_.Publish(node::BlockRemoved{});
    feed_.Deliver();
  });
  EXPECT_EQ(Next(*ws)["params"]["result"]["height"], 20);
  AppendBlock();
  EXPECT_EQ(Next(*ws)["params"]["result"]["height"], 21);
}

}  // namespace
}  // namespace v2v::explorer
