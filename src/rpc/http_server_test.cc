#include "rpc/http_server.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

namespace v2v::rpc {
namespace {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

struct Reply {
  unsigned status;
  std::string body;
  std::string content_type;
};

Reply Request(uint16_t port, http::verb verb, const std::string& target, const std::string& body) {
  boost::asio::io_context io;
  boost::beast::tcp_stream s(io);
  s.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (verb == http::verb::post) req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  http::write(s, req);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  return {res.result_int(), res.body(), std::string(res[http::field::content_type])};
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dispatcher_.Register("chain_head", [](const nlohmann::json&) -> RpcResult {
      return nlohmann::json{{"height", 42}};
    });
    server_ = std::make_unique<HttpServer>(io_, HttpOptions{});
    ServeJsonRpc(*server_, dispatcher_, [] { return std::string("v2v_blocks_total 3\n"); });
    auto port = server_->Listen("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    boost::asio::post(io_, [this] { server_->Close(); });
    io_.stop();
    thread_.join();
  }
  Dispatcher dispatcher_;
  boost::asio::io_context io_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  uint16_t port_ = 0;
};

TEST_F(HttpServerTest, JsonRpcOverPost) {
  Reply r =
      Request(port_, http::verb::post, "/", R"({"jsonrpc":"2.0","method":"chain_head","id":1})");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(nlohmann::json::parse(r.body)["result"]["height"], 42);
  Reply n = Request(port_, http::verb::post, "/", R"({"jsonrpc":"2.0","method":"chain_head"})");
  EXPECT_EQ(n.status, 204u);  // a notification
}

TEST_F(HttpServerTest, MetricsHealthAndErrors) {
  Reply m = Request(port_, http::verb::get, "/metrics", "");
  EXPECT_EQ(m.status, 200u);
  EXPECT_EQ(m.body, "v2v_blocks_total 3\n");
  EXPECT_EQ(Request(port_, http::verb::get, "/health", "").body, "ok\n");
  EXPECT_EQ(Request(port_, http::verb::get, "/", "").status, 405u);
  EXPECT_EQ(Request(port_, http::verb::get, "/nope", "").status, 404u);
  {  // Announce a body over the limit; the server answers 413 from the header alone.
    boost::asio::io_context io;
    tcp::socket sock(io);
    sock.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
    const std::string head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                             std::to_string(HttpLimits{}.max_body_bytes + 10) + "\r\n\r\n";
    boost::asio::write(sock, boost::asio::buffer(head));
    boost::beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(sock, buf, res);
    EXPECT_EQ(res.result_int(), 413u);
  }
  // The server still answers after the refused request.
  EXPECT_EQ(Request(port_, http::verb::get, "/health", "").status, 200u);
}

// The WebSocket Origin rule is the CORS rule plus the node's own origin (http_policy.h).
TEST(HttpPolicyTest, WebSocketOriginFollowsTheCorsRule) {
  HttpPolicy p;
  EXPECT_TRUE(WebSocketOriginAllowed(p, "", "localhost:8545"));  // not a browser
  EXPECT_TRUE(WebSocketOriginAllowed(p, "http://LocalHost:8545", "localhost:8545"));
  EXPECT_TRUE(WebSocketOriginAllowed(p, "https://[::1]:8545", "[::1]:8545"));
  EXPECT_FALSE(WebSocketOriginAllowed(p, "http://localhost:8545", ""));
  EXPECT_FALSE(WebSocketOriginAllowed(p, "http://localhost:8546", "localhost:8545"));
  EXPECT_FALSE(WebSocketOriginAllowed(p, "http://evil.example", "localhost:8545"));
  EXPECT_FALSE(CorsAllowed(p, "http://evil.example"));
  p.cors_origins = {"http://evil.example"};
  EXPECT_TRUE(CorsAllowed(p, "http://evil.example"));
  EXPECT_TRUE(WebSocketOriginAllowed(p, "http://evil.example", "localhost:8545"));
  EXPECT_FALSE(WebSocketOriginAllowed(p, "http://other.example", "localhost:8545"));
  p.cors_origins = {"*"};
  EXPECT_TRUE(WebSocketOriginAllowed(p, "http://other.example", "localhost:8545"));
}

}  // namespace
}  // namespace v2v::rpc
