#include "rpc/node_rpc.h"

#include "rpc/jwt_auth.h"

namespace v2v::rpc {
namespace {

std::chrono::milliseconds Ms(int64_t ms) { return std::chrono::milliseconds(ms); }

HttpOptions Options(const node::NodeConfig& c, const std::string& surface) {
  HttpOptions o;
  o.surface = surface;
  const node::SurfaceLimits& l = c.limits;
  o.limits.max_connections = static_cast<size_t>(l.rpc_max_connections);
  o.limits.max_connections_per_address = static_cast<size_t>(l.rpc_max_connections_per_address);
  o.limits.max_body_bytes = static_cast<size_t>(l.rpc_max_body_bytes);
  o.limits.idle_timeout = Ms(l.rpc_idle_timeout_ms);
  o.limits.read_timeout = Ms(l.rpc_read_timeout_ms);
  o.limits.write_timeout = Ms(l.rpc_write_timeout_ms);
  o.policy.vhosts = c.rpc_vhosts;
  o.policy.cors_origins = c.rpc_cors_origins;
  return o;
}

DispatchLimits Limits(const node::NodeConfig& c) {
  return {static_cast<size_t>(c.limits.rpc_max_json_depth),
          static_cast<size_t>(c.limits.rpc_max_batch),
          static_cast<size_t>(c.limits.rpc_max_response_bytes)};
}

std::string HttpUrl(const std::string& host, uint16_t port) {
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "http://" + h + ":" + std::to_string(port) + "/";
}

}  // namespace

Result<std::unique_ptr<NodeRpc>> NodeRpc::Start(boost::asio::io_context& io,
                                                node::NodeService& node,
                                                const PublicExtension& extend_public) {
  const node::NodeConfig& c = node.config();
  net::Refusals& refusals = node.refusals();
  std::unique_ptr<NodeRpc> r(new NodeRpc());
  r->public_ = Dispatcher(Limits(c));
  r->operator_ = Dispatcher(Limits(c));
  r->public_.SetLimitObserver([&refusals](const std::string& reason, const std::string& detail) {
    refusals.Record("rpc", reason, detail);
  });
  r->operator_.SetLimitObserver([&refusals](const std::string& reason, const std::string& detail) {
    refusals.Record("admin", reason, detail);
  });
  RegisterNodeMethods(
      r->public_, node, Access::kPublic,
      [&refusals](const std::string& method) { refusals.Record("rpc", "operator_method", method); },
      &r->endpoints_);
  RegisterNodeMethods(r->operator_, node, Access::kOperator, {}, &r->endpoints_);
  auto metrics = [&node] { return node::MetricsText(node); };

  r->rpc_ = std::make_unique<HttpServer>(io, Options(c, "rpc"), &refusals);
  ServeJsonRpc(*r->rpc_, r->public_, metrics);
  if (extend_public) extend_public(r->public_, *r->rpc_);
  auto port = r->rpc_->Listen(c.rpc_listen.host, c.rpc_listen.port);
  if (!port.ok())
    return Status(port.status().code(),
                  "rpc_listen " + c.rpc_listen.ToString() + ": " + port.status().message());
  r->endpoints_.rpc = HttpUrl(c.rpc_listen.host, *port);

  if (!c.admin_socket.empty()) {
    HttpOptions o = Options(c, "admin");
    o.policy.vhosts.clear();  // no browser reaches a Unix socket
    r->admin_ = std::make_unique<HttpServer>(io, o, &refusals);
    ServeJsonRpc(*r->admin_, r->operator_, metrics);
    Status s = r->admin_->ListenUnix(c.admin_socket);
    if (!s.ok()) return Status(s.code(), "admin_socket: " + s.message());
    r->endpoints_.admin = "unix:" + c.admin_socket;
  }
  if (c.authrpc_listen) {
    auto secret = ReadJwtSecretFile(c.jwt_secret);
    if (!secret.ok())
      return Status(secret.status().code(), "jwt_secret: " + secret.status().message());
    HttpOptions o = Options(c, "authrpc");
    o.policy.authorize = JwtAuthorizer(std::move(secret).value(), node.clock());
    r->authrpc_ = std::make_unique<HttpServer>(io, o, &refusals);
    ServeJsonRpc(*r->authrpc_, r->operator_, metrics);
    auto ap = r->authrpc_->Listen(c.authrpc_listen->host, c.authrpc_listen->port);
    if (!ap.ok()) return Status(ap.status().code(), "authrpc_listen: " + ap.status().message());
    r->endpoints_.authrpc = HttpUrl(c.authrpc_listen->host, *ap);
  }
  return r;
}

void NodeRpc::Close() {
  for (auto* s : {rpc_.get(), admin_.get(), authrpc_.get()}) {
    if (s) s->Close();
  }
}

}  // namespace v2v::rpc
