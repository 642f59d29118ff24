#include "node/host.h"

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
  // The callbacks run on the io thread, after Start returned, so service_ is set by then.
  NodeHost* h = host.get();
  net::TransportCallbacks cb;
  cb.on_connect = [h](net::PeerId id, const std::string& address, const Bytes& der) {
    auto info = crypto::ParseCertificateDer(der);
    h->service_->OnPeerConnected(id, address, info.ok() ? info->subject : std::string("?"));
  };
  cb.on_frame = [h](net::PeerId id, net::Frame f) { h->service_->OnPeerFrame(id, std::move(f)); };
  cb.on_disconnect = [h](net::PeerId id, const Status& why) {
    h->service_->OnPeerDisconnected(id, why);
  };
  host->refusals_ = LoggedRefusals(log, clock);
  net::TransportLimits limits;
  limits.max_inbound = static_cast<size_t>(config.limits.p2p_max_inbound);
  limits.handshake_timeout = std::chrono::milliseconds(config.limits.p2p_handshake_timeout_ms);
  limits.idle_timeout = std::chrono::milliseconds(config.limits.p2p_idle_timeout_ms);
  limits.max_send_queue_bytes = static_cast<size_t>(config.limits.p2p_max_send_queue_bytes);
  V2V_ASSIGN_OR_RETURN(
      host->transport_,
      net::TlsTransport::Create(io, net::TlsFiles{config.ca, config.cert, config.key},
                                std::move(verifier), std::move(cb), limits, host->refusals_.get()));
  host->transport_->scores().ExemptLoopback(true);  // penalties go by certificate name (PeerBook)

  const std::string data_dir = config.data_dir;
  const HostPort listen = config.p2p_listen;
  V2V_ASSIGN_OR_RETURN(auto kv, store::OpenRocksKvStore(data_dir));
  auto service = NodeService::Open(
      std::move(config), genesis, std::move(key).value(), std::move(kv),
      NodePorts{&clock, &random, host->transport_.get(), &log, host->refusals_.get()});
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
  host->service_->Start();
  host->ScheduleTick();
  return host;
}

void NodeHost::ScheduleTick() {
  timer_.expires_after(kTick);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    service_->OnTick();
    ScheduleTick();
  });
}

void NodeHost::Stop() {
  if (stopped_) return;
  stopped_ = true;
  timer_.cancel();
  if (service_) service_->Stop();
  if (transport_) transport_->Close();
}

}  // namespace v2v::node
