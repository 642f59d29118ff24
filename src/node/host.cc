#include "node/host.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>

#include "base/file_util.h"
#include "crypto/ca_trust.h"
#include "crypto/certificate.h"
#include "store/kv_store.h"

namespace v2v::node {
namespace {

constexpr auto kTick = std::chrono::milliseconds(50);

}  // namespace

NodeHost::~NodeHost() { Stop(); }

Result<std::unique_ptr<NodeHost>> NodeHost::Start(boost::asio::io_context& io, NodeConfig config,
                                                  const contract::Genesis& genesis,
                                                  const Clock& clock, Random& random, Logger& log) {
  V2V_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(config.key));
  auto key = crypto::PrivateKey::FromPem(key_pem);
  if (!key.ok())
    return Status::InvalidArgument("key " + config.key + ": " + key.status().message());
  std::unique_ptr<NodeHost> host(new NodeHost(io));

  // Peers: TLS with certificates from the genesis CA; the peer must hold a valid RSU certificate.
  V2V_ASSIGN_OR_RETURN(std::string ca_pem, ReadFile(config.ca));
  V2V_ASSIGN_OR_RETURN(Bytes ca_der, crypto::CertificatePemToDer(ca_pem));
  V2V_ASSIGN_OR_RETURN(crypto::CaTrust trust, crypto::CaTrust::Create(ca_der));
  auto trust_ptr = std::make_shared<crypto::CaTrust>(std::move(trust));
  const Clock* clock_ptr = &clock;
  net::PeerVerifier verifier = [trust_ptr, clock_ptr](const Bytes& der) -> Status {
    auto info =
        crypto::VerifyCertificate(der, *trust_ptr, clock_ptr->NowMs() / 1000, crypto::Role::kRsu);
    return info.ok() ? Status::Ok() : info.status();
  };
  // The callbacks run on the transport's thread and post to the io thread, where they run after
  // Start returned (service_ is set by then) and before Stop (alive_).
  NodeHost* h = host.get();
  boost::asio::io_context* main = &io;
  std::weak_ptr<bool> alive = host->alive_;
  auto on_main = [main, alive](std::function<void()> event) {
    boost::asio::post(*main, [alive, event = std::move(event)] {
      if (!alive.expired()) event();
    });
  };
  net::TransportCallbacks cb;
  cb.on_connect = [h, on_main](net::PeerId id, const std::string& address, const Bytes& der) {
    auto info = crypto::ParseCertificateDer(der);
    std::string name = info.ok() ? info->subject : std::string("?");
    on_main([h, id, address, name] { h->service_->OnPeerConnected(id, address, name); });
  };
  cb.on_frame = [h, on_main, flight = host->in_flight_](net::PeerId id, net::Frame f) {
    const size_t n = f.payload.size() + 1;
    {
      std::unique_lock<std::mutex> lock(flight->mu);
      flight->handled.wait(
          lock, [&] { return flight->stopping || flight->bytes < kMaxFrameBytesInFlight; });
      flight->bytes += n;
    }
    on_main([h, id, f = std::move(f), flight, n]() mutable {
      h->service_->OnPeerFrame(id, std::move(f));
      {
        std::lock_guard<std::mutex> lock(flight->mu);
        flight->bytes -= n;
      }
      flight->handled.notify_one();
    });
  };
  cb.on_disconnect = [h, on_main](net::PeerId id, const Status& why) {
    on_main([h, id, why] { h->service_->OnPeerDisconnected(id, why); });
  };
  host->refusals_ = LoggedRefusals(log, clock);
  net::TransportLimits limits;
  limits.max_inbound = static_cast<size_t>(config.limits.p2p_max_inbound);
  limits.handshake_timeout = std::chrono::milliseconds(config.limits.p2p_handshake_timeout_ms);
  limits.idle_timeout = std::chrono::milliseconds(config.limits.p2p_idle_timeout_ms);
  limits.max_send_queue_bytes = static_cast<size_t>(config.limits.p2p_max_send_queue_bytes);
  V2V_ASSIGN_OR_RETURN(
      host->transport_,
      net::TlsTransport::Create(host->p2p_io_, net::TlsFiles{config.ca, config.cert, config.key},
                                std::move(verifier), std::move(cb), limits, host->refusals_.get()));
  host->transport_->scores().ExemptLoopback(true);  // penalties go by certificate name (PeerBook)

  const std::string data_dir = config.data_dir;
  const HostPort listen = config.p2p_listen;
  V2V_ASSIGN_OR_RETURN(auto kv, store::OpenRocksKvStore(data_dir));
  auto service = NodeService::Open(
      std::move(config), genesis, std::move(key).value(), std::move(kv),
      NodePorts{&clock, &random, host->transport_.get(), &log, host->refusals_.get(),
                [&io](std::function<void()> task) { boost::asio::post(io, std::move(task)); }});
  if (!service.ok()) {
    return Status(service.status().code(),
                  "ledger in " + data_dir + ": " + service.status().message());
  }
  host->service_ = std::move(service).value();
  auto port = host->transport_->Listen(listen.host, listen.port);
  if (!port.ok())
    return Status::IoError("p2p_listen " + listen.ToString() + ": " + port.status().message());
  host->service_->set_p2p_port(*port);

  const Ledger& ledger = host->service_->ledger();
  log.Info("started", {{"height", ledger.head().height},
                       {"head", ledger.head_hash().Hex()},
                       {"p2p_port", *port},
                       {"key", host->service_->key().Hex()},
                       {"signer", ledger.snapshot().IsSigner(host->service_->key())}});
  host->p2p_thread_ = std::thread([p2p = &host->p2p_io_] { p2p->run(); });
  host->service_->Start();
  host->ScheduleTick();
  return host;
}

void NodeHost::ScheduleTick() {
  auto wait = kTick;
  if (const std::optional<int64_t> seal_in = service_->MsUntilSeal()) {
    wait = std::min(wait, std::chrono::milliseconds(*seal_in));
  }
  timer_.expires_after(wait);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    service_->OnTick();
    ScheduleTick();
  });
}

void NodeHost::Stop() {
  if (stopped_) return;
  stopped_ = true;
  alive_.reset();
  {
    std::lock_guard<std::mutex> lock(in_flight_->mu);
    in_flight_->stopping = true;  // a transport thread waiting for room goes on
  }
  in_flight_->handled.notify_all();
  timer_.cancel();
  if (service_) service_->Stop();
  p2p_work_.reset();
  if (!p2p_thread_.joinable()) {
    if (transport_) transport_->Close();  // its io_context never ran
    return;
  }
  // Closed on its own thread; what is still pending there is dropped with its io_context.
  boost::asio::post(p2p_io_, [this] {
    if (transport_) transport_->Close();
    p2p_io_.stop();
  });
  p2p_thread_.join();
}

}  // namespace v2v::node
