#include "net/tls_transport.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

namespace v2v::net {
namespace {

namespace fs = std::filesystem;

// Certificates made with the openssl command: a CA, two RSUs, a vehicle and a foreign CA's RSU.
class Pki {
 public:
  Pki() : dir_(fs::temp_directory_path() / ("v2v_tls_" + std::to_string(::getpid()))) {
    fs::create_directories(dir_);
    Run("openssl genpkey -algorithm ed25519 -out ca.key && "
        "openssl req -new -x509 -key ca.key -subj /CN=TestCA -days 2 -out ca.pem "
        "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
    Run("openssl genpkey -algorithm ed25519 -out other.key && "
        "openssl req -new -x509 -key other.key -subj /CN=OtherCA -days 2 -out other.pem "
        "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
    Leaf("rsu1", "rsu", "ca");
    Leaf("rsu2", "rsu", "ca");
    Leaf("car", "vehicle", "ca");
    Leaf("rogue", "rsu", "other");
  }
  ~Pki() { fs::remove_all(dir_); }
  TlsFiles Files(const std::string& name) const {
    return {P("ca.pem"), P(name + ".pem"), P(name + ".key")};
  }

 private:
  void Leaf(const std::string& name, const std::string& role, const std::string& ca) {
    Run("openssl genpkey -algorithm ed25519 -out " + name + ".key && openssl req -new -key " +
        name + ".key -subj /CN=" + name + "/OU=" + role + " -out " + name +
        ".csr && openssl x509 -req -in " + name + ".csr -CA " + ca + ".pem -CAkey " + ca +
        ".key -CAcreateserial -days 2 -out " + name + ".pem");
  }
  void Run(const std::string& cmd) const {
    const std::string full = "cd " + dir_.string() + " && (" + cmd + ") >/dev/null 2>&1";
    ASSERT_EQ(std::system(full.c_str()), 0) << cmd;
  }
  std::string P(const std::string& f) const { return (dir_ / f).string(); }
  fs::path dir_;
};

// Accepts any certificate whose subject names the rsu role (the real check is crypto's verifier).
Status RsuOnly(const Bytes& der) {
  const std::string text(der.begin(), der.end());
  return text.find("rsu") != std::string::npos ? Status::Ok()
                                               : Status::InvalidArgument("wrong_role: not an RSU");
}

// Collects transport events; waits are bounded so a broken transport fails instead of hanging.
struct Events {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<PeerId> connected;
  std::vector<Frame> frames;
  std::vector<std::string> disconnects;
  TransportCallbacks Callbacks() {
    return {[this](PeerId id, const std::string&, const Bytes&) {
              Push([&] { connected.push_back(id); });
            },
            [this](PeerId, Frame f) { Push([&] { frames.push_back(std::move(f)); }); },
            [this](PeerId, const Status& s) { Push([&] { disconnects.push_back(s.message()); }); }};
  }
  template <typename F>
  void Push(F f) {
    std::lock_guard<std::mutex> l(mu);
    f();
    cv.notify_all();
  }
  template <typename P>
  bool WaitFor(P pred) {
    std::unique_lock<std::mutex> l(mu);
    return cv.wait_for(l, std::chrono::seconds(20), pred);
  }
};

class TlsTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    work_.emplace(io_.get_executor());
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    boost::asio::post(io_, [this] { transports_.clear(); });
    work_.reset();
    io_.stop();
    thread_.join();
  }
  TlsTransport* Make(const std::string& name, Events& ev, TransportLimits limits = {}) {
    auto t =
        TlsTransport::Create(io_, pki_.Files(name), RsuOnly, ev.Callbacks(), limits, &refusals_);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    transports_.push_back(std::move(t).value());
    return transports_.back().get();
  }
  // Waits (up to 20 s) until the refusal was counted `n` times.
  bool Counted(const std::string& reason, uint64_t n) {
    for (int i = 0; i < 2000 && refusals_.Count("p2p", reason) < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return refusals_.Count("p2p", reason) == n;
  }
  // A raw TLS client (TLS 1.2 or 1.3, with or without rsu2's certificate).
  struct RawClient {
    boost::asio::io_context io;
    boost::asio::ssl::context ctx{boost::asio::ssl::context::tls_client};
    std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> s;
    RawClient(uint16_t port, bool tls12, bool with_cert) {
      namespace ssl = boost::asio::ssl;
      if (tls12)
        SSL_CTX_ctrl(ctx.native_handle(), SSL_CTRL_SET_MAX_PROTO_VERSION, TLS1_2_VERSION, nullptr);
      if (with_cert) {
        TlsFiles f = pki_.Files("rsu2");
        ctx.use_certificate_chain_file(f.cert_pem);
        ctx.use_private_key_file(f.key_pem, ssl::context::pem);
      }
      s.emplace(io, ctx);
      s->lowest_layer().connect({boost::asio::ip::make_address("127.0.0.1"), port});
    }
    boost::system::error_code Handshake() {
      boost::system::error_code ec;
      s->handshake(boost::asio::ssl::stream_base::client, ec);
      return ec;
    }
  };
  static Pki pki_;
  Refusals refusals_;
  Events a, b;  // outlive the transports (cleared in TearDown), whose callbacks they receive
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::vector<std::unique_ptr<TlsTransport>> transports_;
};
Pki TlsTransportTest::pki_;

TEST_F(TlsTransportTest, TwoRsusAuthenticateAndExchangeFramesInOrder) {
  TlsTransport* server = Make("rsu1", a);
  TlsTransport* client = Make("rsu2", b);
  auto port = server->Listen("127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.status().ToString();
  client->Connect("127.0.0.1", *port);
  ASSERT_TRUE(b.WaitFor([&] { return !b.connected.empty(); }));
  ASSERT_TRUE(a.WaitFor([&] { return !a.connected.empty(); }));
  for (uint8_t k = 0; k < 50; ++k)
    client->Send(b.connected[0], {MessageType::kTransaction, Bytes(1000 + k, k)});
  ASSERT_TRUE(a.WaitFor([&] { return a.frames.size() == 50; }));
  for (uint8_t k = 0; k < 50; ++k) {
    EXPECT_EQ(a.frames[k].payload.size(), 1000u + k);
    EXPECT_EQ(a.frames[k].payload[0], k);
  }
  server->Send(a.connected[0], {MessageType::kPong, {9}});
  ASSERT_TRUE(b.WaitFor([&] { return b.frames.size() == 1; }));
  EXPECT_EQ(b.frames[0].type, MessageType::kPong);
}

TEST_F(TlsTransportTest, CertificateFromAnotherCaIsRefusedAndPenalised) {
  TlsTransport* server = Make("rsu1", a);
  TlsTransport* rogue = Make("rogue", b);
  auto port = server->Listen("127.0.0.1", 0);
  ASSERT_TRUE(port.ok());
  rogue->Connect("127.0.0.1", *port);
  ASSERT_TRUE(a.WaitFor([&] { return !a.disconnects.empty(); }));
  EXPECT_TRUE(a.connected.empty());
  EXPECT_NE(a.disconnects[0].find("TLS handshake failed"), std::string::npos) << a.disconnects[0];
  EXPECT_EQ(server->scores().Score("127.0.0.1"), kPenaltyUnauthenticated);
}

TEST_F(TlsTransportTest, VerifierRefusesAVehicleCertificate) {
  TlsTransport* server = Make("rsu1", a);
  TlsTransport* car = Make("car", b);
  auto port = server->Listen("127.0.0.1", 0);
  ASSERT_TRUE(port.ok());
  car->Connect("127.0.0.1", *port);
  ASSERT_TRUE(a.WaitFor([&] { return !a.disconnects.empty(); }));
  EXPECT_NE(a.disconnects[0].find("wrong_role"), std::string::npos) << a.disconnects[0];
  EXPECT_TRUE(a.connected.empty());
}

TEST_F(TlsTransportTest, MalformedFrameClosesTheConnectionAndTheServerGoesOn) {
  TlsTransport* server = Make("rsu1", a);
  auto port = server->Listen("127.0.0.1", 0);
  ASSERT_TRUE(port.ok());
  {  // A raw TLS client with a valid RSU certificate that sends an oversized length prefix.
    namespace ssl = boost::asio::ssl;
    boost::asio::io_context raw_io;
    ssl::context ctx(ssl::context::tls_client);
    TlsFiles f = pki_.Files("rsu2");
    ctx.load_verify_file(f.ca_pem);
    ctx.use_certificate_chain_file(f.cert_pem);
    ctx.use_private_key_file(f.key_pem, ssl::context::pem);
    ssl::stream<boost::asio::ip::tcp::socket> s(raw_io, ctx);
    s.lowest_layer().connect({boost::asio::ip::make_address("127.0.0.1"), *port});
    s.handshake(ssl::stream_base::client);
    EXPECT_EQ(SSL_version(s.native_handle()), TLS1_3_VERSION);  // P1: TLS 1.3 only
    const uint8_t bad[] = {0x7f, 0xff, 0xff, 0xff, 3};
    boost::asio::write(s, boost::asio::buffer(bad));
    ASSERT_TRUE(a.WaitFor([&] { return !a.disconnects.empty(); }));
    EXPECT_NE(a.disconnects[0].find("oversized_frame"), std::string::npos) << a.disconnects[0];
  }
  EXPECT_EQ(server->scores().Score("127.0.0.1"), kPenaltyMalformed);
  // The listener still accepts a well-behaved peer afterwards.
  TlsTransport* client = Make("rsu2", b);
  client->Connect("127.0.0.1", *port);
  ASSERT_TRUE(b.WaitFor([&] { return !b.connected.empty(); }));
}

// Issue 10 finding 7: peers refused at the handshake were not logged.
TEST_F(TlsTransportTest, HandshakeRefusalsAreRecorded) {
  TlsTransport* server = Make("rsu1", a);
  server->scores().ExemptLoopback(true);
  auto port = server->Listen("127.0.0.1", 0);
  ASSERT_TRUE(port.ok());
  {  // garbage instead of a ClientHello
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket raw(io);
    raw.connect({boost::asio::ip::make_address("127.0.0.1"), *port});
    boost::asio::write(raw, boost::asio::buffer(std::string("GET / HTTP/1.1\r\n\r\n")));
    EXPECT_TRUE(Counted("tls_handshake", 1));
  }
  {  // TLS 1.2
    RawClient c(*port, /*tls12=*/true, /*with_cert=*/true);
    EXPECT_TRUE(c.Handshake());
    EXPECT_TRUE(Counted("tls_handshake", 2));
  }
  {  // TLS 1.3 without a client certificate
    RawClient c(*port, /*tls12=*/false, /*with_cert=*/false);
    (void)c.Handshake();  // the client may finish before the server refuses
    EXPECT_TRUE(Counted("tls_handshake", 3));
  }
  EXPECT_TRUE(a.connected.empty());
}

// Issue 10 finding 3: connections that never handshake stayed open; no cap on the peer port.
TEST_F(TlsTransportTest, HandshakeTimeoutAndInboundCap) {
  TransportLimits limits;
  limits.max_inbound = 2;
  limits.handshake_timeout = std::chrono::milliseconds(300);
  TlsTransport* server = Make("rsu1", a, limits);
  auto port = server->Listen("127.0.0.1", 0);
  ASSERT_TRUE(port.ok());
  boost::asio::io_context io;
  std::vector<boost::asio::ip::tcp::socket> idle;
  for (int i = 0; i < 3; ++i) {
    idle.emplace_back(io);
    idle.back().connect({boost::asio::ip::make_address("127.0.0.1"), *port});
  }
  EXPECT_TRUE(Counted("connection_cap", 1));
  EXPECT_TRUE(Counted("handshake_timeout", 2));
  // The slots are free again: a real peer connects.
  TlsTransport* client = Make("rsu2", b);
  client->Connect("127.0.0.1", *port);
  ASSERT_TRUE(b.WaitFor([&] { return !b.connected.empty(); }));
}

// Issue 10 finding 4: a peer that does not read is dropped instead of queueing without bound.
TEST_F(TlsTransportTest, PeerThatDoesNotReadIsDropped) {
  TransportLimits limits;
  limits.max_send_queue_bytes = 4u << 20;
  TlsTransport* server = Make("rsu1", a, limits);
  auto port = server->Listen("127.0.0.1", 0);
  ASSERT_TRUE(port.ok());
  RawClient c(*port, false, true);
  ASSERT_FALSE(c.Handshake());
  ASSERT_TRUE(a.WaitFor([&] { return !a.connected.empty(); }));
  for (int i = 0; i < 64; ++i)
    server->Send(a.connected[0], {MessageType::kBlock, Bytes(1 << 20, 7)});
  EXPECT_TRUE(Counted("send_queue", 1));
  ASSERT_TRUE(a.WaitFor([&] { return !a.disconnects.empty(); }));
  EXPECT_NE(a.disconnects[0].find("does not read"), std::string::npos) << a.disconnects[0];
}

TEST(PeerScoresTest, BanAtThreshold) {
  PeerScores s(100);
  s.Penalise("10.0.0.1", 50);
  EXPECT_FALSE(s.Banned("10.0.0.1"));
  s.Penalise("10.0.0.1", 50);
  EXPECT_TRUE(s.Banned("10.0.0.1"));
  EXPECT_FALSE(s.Banned("10.0.0.2"));
}

TEST(TlsTransportCreateTest, MissingFilesAreClearErrors) {
  boost::asio::io_context io;
  auto t = TlsTransport::Create(io, {"/nonexistent/ca.pem", "/x.pem", "/x.key"}, RsuOnly, {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("/nonexistent/ca.pem"), std::string::npos);
}

}  // namespace
}  // namespace v2v::net
