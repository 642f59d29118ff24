// The HTTP server's limits and checks (docs/spec/node.md N7) against a real io_context on
// loopback: timeouts, the connection cap and the per-address quota, Host, Content-Type, CORS (and
// the WebSocket Origin check), header size, the Unix socket.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <filesystem>
#include <thread>

#include "rpc/http_client.h"
#include "rpc/http_server.h"

namespace v2v::rpc {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

struct LimitsReply {
  unsigned status = 0;
  std::string body;
  http::response<http::string_body> raw;
};

class HttpLimitsTest : public ::testing::Test {
 protected:
  // With `websocket`, upgrades are taken as the explorer takes them: answered 101 and kept open.
  void Start(HttpOptions options, bool websocket = false) {
    dispatcher_.Register("chain_head", [](const nlohmann::json&) -> RpcResult {
      return nlohmann::json{{"height", 1}};
    });
    server_ = std::make_unique<HttpServer>(io_, std::move(options), &refusals_);
    ServeJsonRpc(*server_, dispatcher_, [] { return std::string("m 1\n"); });
    server_->Route(http::verb::get, "/big", [](const HttpRequest& req) {
      HttpResponse res{http::status::ok, req.version()};
      res.body() = std::string(32 << 20, 'x');
      return res;
    });
    if (websocket) {
      server_->SetUpgradeHandler([this](tcp::socket s, HttpRequest req) {
        auto ws = std::make_shared<websocket::stream<tcp::socket>>(std::move(s));
        upgrades_.push_back(ws);
        ws->async_accept(req, [this](boost::system::error_code ec) {
          if (!ec) ++upgraded_;
        });
      });
    }
    auto port = server_->Listen("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (!thread_.joinable()) return;
    asio::post(io_, [this] { server_->Close(); });
    io_.stop();
    thread_.join();
  }
  tcp::socket Connect() {
    tcp::socket s(client_io_);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    return s;
  }
  // A client from another loopback address (127.0.0.2, ...; Linux routes all of 127/8 to lo).
  tcp::socket ConnectFrom(const std::string& source) {
    tcp::socket s(client_io_);
    s.open(tcp::v4());
    s.bind(tcp::endpoint(asio::ip::make_address(source), 0));
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    return s;
  }
  LimitsReply Send(http::request<http::string_body> req) {
    tcp::socket s = Connect();
    return SendOn(s, std::move(req));
  }
  static LimitsReply SendOn(tcp::socket& s, http::request<http::string_body> req) {
    req.prepare_payload();
    http::write(s, req);
    boost::beast::flat_buffer buf;
    LimitsReply r;
    http::read(s, buf, r.raw);
    r.status = r.raw.result_int();
    r.body = r.raw.body();
    return r;
  }
  static http::request<http::string_body> Post(const std::string& host, const std::string& type) {
    http::request<http::string_body> req{http::verb::post, "/", 11};
    req.set(http::field::host, host);
    if (!type.empty()) req.set(http::field::content_type, type);
    req.body() = R"({"jsonrpc":"2.0","id":1,"method":"chain_head"})";
    return req;
  }
  // The HTTP status a WebSocket handshake from a page of `origin` ("": no Origin) gets.
  // (A raw HTTP exchange: Boost 1.74's websocket handshake leaves the response unset when the
  // upgrade is declined.)
  unsigned Upgrade(const std::string& origin) {
    http::request<http::string_body> req{http::verb::get, "/ws", 11};
    req.set(http::field::host, "localhost:" + std::to_string(port_));
    req.set(http::field::connection, "Upgrade");
    req.set(http::field::upgrade, "websocket");
    req.set(http::field::sec_websocket_version, "13");
    req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    if (!origin.empty()) req.set(http::field::origin, origin);
    return Send(std::move(req)).status;
  }
  // True once the server has closed `s` (reads until EOF or an error; the server's own timeout
  // is what ends the wait).
  static bool ClosedByServer(tcp::socket& s) {
    std::array<char, 4096> buf;
    boost::system::error_code ec;
    while (!ec) s.read_some(asio::buffer(buf), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }
  // Sends the start of a request: the connection is then busy (reading), no longer idle.
  static void HalfSend(tcp::socket& s) {
    boost::system::error_code ec;  // the server may have closed it already
    asio::write(s, asio::buffer(std::string("POST / HTTP/1.1\r\nHost: localhost\r\n")), ec);
  }
  // Waits (up to 5 s) until the server holds `n` connections.
  bool Open(size_t n) {
    for (int i = 0; i < 500 && server_->open_connections() != n; ++i)
      std::this_thread::sleep_for(10ms);
    return server_->open_connections() == n;
  }
  // Waits (up to 10 s) until the refusal was counted `n` times.
  bool Counted(const std::string& reason, uint64_t n) {
    for (int i = 0; i < 1000 && refusals_.Count("rpc", reason) < n; ++i)
      std::this_thread::sleep_for(10ms);
    return refusals_.Count("rpc", reason) == n;
  }

  net::Refusals refusals_;
  Dispatcher dispatcher_;
  asio::io_context io_, client_io_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  uint16_t port_ = 0;
  std::vector<std::shared_ptr<websocket::stream<tcp::socket>>> upgrades_;  // io thread only
  std::atomic<int> upgraded_{0};
};

TEST_F(HttpLimitsTest, HostOutsideTheAllowListIsRefused) {
  Start({});
  EXPECT_EQ(Send(Post("127.0.0.1:8545", "application/json")).status, 200u);
  EXPECT_EQ(Send(Post("localhost", "application/json")).status, 200u);
  EXPECT_EQ(Send(Post("[::1]:1", "application/json")).status, 200u);
  LimitsReply r = Send(Post("attacker.example:8545", "application/json"));  // DNS rebinding
  EXPECT_EQ(r.status, 403u);
  EXPECT_NE(r.body.find("attacker.example"), std::string::npos);
  EXPECT_EQ(refusals_.Count("rpc", "host"), 1u);
}

TEST_F(HttpLimitsTest, PostWithoutJsonContentTypeIs415) {
  Start({});
  EXPECT_EQ(Send(Post("localhost", "text/plain")).status, 415u);  // what a cross-site form can send
  EXPECT_EQ(Send(Post("localhost", "")).status, 415u);
  EXPECT_EQ(Send(Post("localhost", "application/json; charset=utf-8")).status, 200u);
  EXPECT_EQ(refusals_.Count("rpc", "content_type"), 2u);
}

TEST_F(HttpLimitsTest, CorsHeadersOnlyForConfiguredOrigins) {
  HttpOptions o;
  o.policy.cors_origins = {"http://explorer.example"};
  Start(o);
  auto req = Post("localhost", "application/json");
  req.set(http::field::origin, "http://explorer.example");
  EXPECT_EQ(Send(req).raw[http::field::access_control_allow_origin], "http://explorer.example");
  req.set(http::field::origin, "http://evil.example");
  EXPECT_EQ(Send(req).raw.count(http::field::access_control_allow_origin), 0u);
}

TEST_F(HttpLimitsTest, NoCorsByDefault) {
  Start({});
  auto req = Post("localhost", "application/json");
  req.set(http::field::origin, "http://explorer.example");
  EXPECT_EQ(Send(req).raw.count(http::field::access_control_allow_origin), 0u);
  http::request<http::string_body> preflight{http::verb::options, "/", 11};
  preflight.set(http::field::host, "localhost");
  preflight.set(http::field::origin, "http://explorer.example");
  EXPECT_EQ(Send(preflight).status, 405u);
}

// Security review finding D: browsers do not hold a WebSocket to CORS, so any web page could open
// the explorer's socket on a node its visitor reaches. The upgrade is held to the CORS rule: the
// node's own page, a listed origin and non-browser clients (no Origin) are upgraded; others 403.
TEST_F(HttpLimitsTest, WebSocketFromAnOriginOutsideTheCorsListIsRefused) {
  HttpOptions o;
  o.policy.cors_origins = {"http://explorer.example"};
  Start(o, /*websocket=*/true);
  EXPECT_EQ(Upgrade("http://evil.example"), 403u);
  EXPECT_EQ(Upgrade("http://localhost:" + std::to_string(port_ + 1)), 403u);  // another origin
  EXPECT_EQ(Upgrade("null"), 403u);
  EXPECT_EQ(refusals_.Count("rpc", "origin"), 3u);
  EXPECT_EQ(Upgrade(""), 101u);
  EXPECT_EQ(Upgrade("http://localhost:" + std::to_string(port_)), 101u);  // the node's own page
  EXPECT_EQ(Upgrade("http://explorer.example"), 101u);
  for (int i = 0; i < 500 && upgraded_ < 3; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(upgraded_, 3);
}

TEST_F(HttpLimitsTest, OversizedHeaderIs431) {
  Start({});
  auto req = Post("localhost", "application/json");
  req.set("X-Padding", std::string(16 << 10, 'p'));
  EXPECT_EQ(Send(req).status, 431u);
  EXPECT_EQ(refusals_.Count("rpc", "header_size"), 1u);
}

// Issue 10 finding 3: half-sent requests stayed open forever.
TEST_F(HttpLimitsTest, HalfSentRequestIsDroppedWhileOthersAreServed) {
  HttpOptions o;
  o.limits.read_timeout = 300ms;
  Start(o);
  tcp::socket slow = Connect();
  asio::write(slow, asio::buffer(std::string("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Le")));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Send(Post("localhost", "application/json")).status, 200u);
  EXPECT_TRUE(ClosedByServer(slow));
  EXPECT_TRUE(Counted("read_timeout", 1));
}

TEST_F(HttpLimitsTest, IdleConnectionIsClosed) {
  HttpOptions o;
  o.limits.idle_timeout = 200ms;
  Start(o);
  tcp::socket idle = Connect();
  EXPECT_TRUE(ClosedByServer(idle));
  EXPECT_TRUE(Counted("idle_timeout", 1));
}

// Issue 10 finding 4: replies waited in memory for clients that do not read.
TEST_F(HttpLimitsTest, ClientThatDoesNotReadIsDropped) {
  HttpOptions o;
  o.limits.write_timeout = 300ms;
  Start(o);
  tcp::socket lazy(client_io_);
  lazy.open(tcp::v4());
  lazy.set_option(asio::socket_base::receive_buffer_size(4096));
  lazy.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  asio::write(lazy, asio::buffer(std::string("GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n")));
  EXPECT_TRUE(Counted("write_timeout", 1));
  EXPECT_EQ(Send(Post("localhost", "application/json")).status, 200u);
}

TEST_F(HttpLimitsTest, ConnectionsOverTheCapAreClosedWhenNoneIsIdle) {
  HttpOptions o;
  o.limits.max_connections = 2;
  Start(o);
  auto a = std::make_unique<tcp::socket>(Connect());
  tcp::socket b = Connect();
  HalfSend(*a);
  HalfSend(b);
  ASSERT_TRUE(Open(2));
  std::this_thread::sleep_for(300ms);  // the server reads the first bytes: both are busy
  tcp::socket over = Connect();
  EXPECT_TRUE(ClosedByServer(over));
  EXPECT_TRUE(Counted("connection_cap", 1));
  EXPECT_EQ(refusals_.Count("rpc", "idle_evicted"), 0u);
  a.reset();  // gives its place back once the server sees the close
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    try {
      served = Send(Post("localhost", "application/json")).status == 200u;
    } catch (const boost::system::system_error&) {
      std::this_thread::sleep_for(20ms);
    }
  }
  EXPECT_TRUE(served);
}

// Security review finding O: at the cap, idle connections (from any number of addresses) no
// longer lock a new client out: it takes the place of the connection idle longest.
TEST_F(HttpLimitsTest, AtTheCapTheConnectionIdleLongestMakesRoom) {
  HttpOptions o;
  o.limits.max_connections = 2;
  Start(o);
  tcp::socket oldest = ConnectFrom("127.0.0.2");
  ASSERT_TRUE(Open(1));
  tcp::socket newer = ConnectFrom("127.0.0.3");
  ASSERT_TRUE(Open(2));
  EXPECT_EQ(Send(Post("localhost", "application/json")).status, 200u);  // a third client
  EXPECT_TRUE(ClosedByServer(oldest));
  EXPECT_TRUE(Counted("idle_evicted", 1));
  EXPECT_EQ(SendOn(newer, Post("localhost", "application/json")).status, 200u) << "kept";
  EXPECT_EQ(refusals_.Count("rpc", "connection_cap"), 0u);
}

// Security review finding O: 150 slow clients from one address held all 128 slots, and a new
// client was reset. One address now holds at most its quota (32 by default); the rest of its
// connections are closed at accept and a client from another address is served.
TEST_F(HttpLimitsTest, OneAddressCannotHoldEverySlot) {
  Start({});  // the defaults: 128 connections, 32 per address
  std::vector<tcp::socket> slow;
  for (int i = 0; i < 150; ++i) {
    slow.push_back(Connect());  // from 127.0.0.1
    HalfSend(slow.back());      // busy, so no newcomer may take its place
  }
  EXPECT_TRUE(Counted("address_quota", 150 - 32));
  tcp::socket other = ConnectFrom("127.0.0.2");
  EXPECT_EQ(SendOn(other, Post("localhost", "application/json")).status, 200u);
  EXPECT_EQ(server_->open_connections(), 33u);
  EXPECT_EQ(refusals_.Count("rpc", "connection_cap"), 0u);
}

TEST(HttpUnixSocketTest, OwnerOnlySocketServesJsonRpc) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("v2v_admin_" + std::to_string(::getpid()) + ".sock"))
                               .string();
  asio::io_context io;
  Dispatcher d;
  d.Register("clique_propose", [](const nlohmann::json&) -> RpcResult { return true; });
  HttpOptions o;
  o.surface = "admin";
  o.policy.vhosts.clear();
  HttpServer server(io, o);
  ServeJsonRpc(server, d, {});
  ASSERT_TRUE(server.ListenUnix(path).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  HttpServer second(io, o);
  EXPECT_FALSE(second.ListenUnix(path).ok());  // someone is listening there
  std::thread t([&io] { io.run(); });
  auto r = Call("unix:" + path, "clique_propose", nlohmann::json::array());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  io.stop();
  t.join();
  server.Close();  // the io_context is stopped: allowed off its thread
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace v2v::rpc
