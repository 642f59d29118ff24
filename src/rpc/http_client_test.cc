#include "rpc/http_client.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <thread>

#include "rpc/http_server.h"

namespace v2v::rpc {
namespace {

using tcp = boost::asio::ip::tcp;

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dispatcher_.Register("chain_head", [](const nlohmann::json&) -> RpcResult {
      return nlohmann::json{{"height", 42}};
    });
    dispatcher_.Register("echo", [](const nlohmann::json& params) -> RpcResult { return params; });
    dispatcher_.Register("tx_submit", [](const nlohmann::json&) -> RpcResult {
      return RpcError{kRejected, "bad_nonce: expected 3, got 5"};
    });
    dispatcher_.Register("state_getAccount", [](const nlohmann::json&) -> RpcResult {
      return RpcError{kNotFound, "no account car-9"};
    });
    server_ = std::make_unique<HttpServer>(io_, HttpOptions{});
    ServeJsonRpc(*server_, dispatcher_, [] { return std::string("m 1\n"); });
    auto port = server_->Listen("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    url_ = "http://127.0.0.1:" + std::to_string(*port);
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
  std::string url_;
};

TEST_F(HttpClientTest, ResultsOverOneKeptAliveConnection) {
  auto client = HttpClient::Connect(url_);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  for (int i = 0; i < 50; ++i) {
    auto r = client->CallOk("echo", nlohmann::json::array({i, "x"}));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, nlohmann::json::array({i, "x"}));
  }
  auto head = Call(url_ + "/", "chain_head");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ((*head)["height"], 42);
  auto health = client->Get("/health");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(*health, "ok\n");
  EXPECT_EQ(*client->Get("/metrics"), "m 1\n");
  EXPECT_FALSE(client->Get("/nope").ok());
}

TEST_F(HttpClientTest, ErrorCodesAndMessagesSurface) {
  auto client = HttpClient::Connect(url_);
  ASSERT_TRUE(client.ok());
  auto raw = client->Call("tx_submit", {"00"});
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(std::holds_alternative<RpcError>(*raw));
  EXPECT_EQ(std::get<RpcError>(*raw).code, kRejected);
  EXPECT_EQ(std::get<RpcError>(*raw).message, "bad_nonce: expected 3, got 5");
  auto folded = client->CallOk("tx_submit", {"00"});
  ASSERT_FALSE(folded.ok());
  EXPECT_EQ(folded.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(folded.status().message(), "bad_nonce: expected 3, got 5");
  EXPECT_EQ(client->CallOk("state_getAccount", {"car-9"}).status().code(), StatusCode::kNotFound);
  auto missing = client->Call("no_such_method");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(std::get<RpcError>(*missing).code, kMethodNotFound);
  // The connection is still usable after errors.
  EXPECT_TRUE(client->CallOk("chain_head").ok());
}

TEST(HttpClient, TransportErrors) {
  EXPECT_EQ(HttpClient::Connect("ftp://x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpClient::Connect("http://:80").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpClient::Connect("http://h:8x").status().code(), StatusCode::kInvalidArgument);
  // A port nobody listens on: take one, then close it.
  uint16_t port;
  {
    boost::asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }
  auto refused = Call("http://127.0.0.1:" + std::to_string(port), "chain_head");
  EXPECT_EQ(refused.status().code(), StatusCode::kIoError);
  // A server that accepts and never answers: the timeout ends the call.
  boost::asio::io_context io;
  tcp::acceptor silent(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const auto t0 = std::chrono::steady_clock::now();
  auto timed_out = Call("http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()),
                        "chain_head", nlohmann::json::array(), std::chrono::milliseconds(300));
  EXPECT_EQ(timed_out.status().code(), StatusCode::kIoError) << timed_out.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

TEST(HttpClient, ParsesUrls) {
  auto e = ParseHttpUrl("http://127.0.0.1:8545");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, "8545");
  EXPECT_EQ(e->target, "/");
  e = ParseHttpUrl("http://[::1]:9/rpc");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->port, "9");
  EXPECT_EQ(e->target, "/rpc");
  EXPECT_EQ(ParseHttpUrl("http://localhost")->port, "80");
}

}  // namespace
}  // namespace v2v::rpc
