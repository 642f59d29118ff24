#include "rpc/http_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "net/tcp_listen.h"
#include "rpc/http_server_impl.h"

namespace v2v::rpc {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using local = boost::asio::local::stream_protocol;
using boost::system::error_code;

namespace {

std::string_view Sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

}  // namespace

HttpResponse PlainText(http::status status, unsigned version, std::string body) {
  HttpResponse res{status, version};
  res.set(http::field::content_type, "text/plain");
  res.body() = std::move(body);
  return res;
}

HttpResponse HttpServer::Impl::Respond(const HttpRequest& req) {
  if (std::optional<HttpResponse> refused = CheckHost(req)) return std::move(*refused);
  const HttpPolicy& policy = options.policy;
  const std::string origin(req[http::field::origin]);
  const bool cors = CorsAllowed(policy, origin);
  HttpResponse res{http::status::ok, req.version()};
  if (cors && req.method() == http::verb::options) {
    res.result(http::status::no_content);
    res.set(http::field::access_control_allow_methods, "GET, POST, OPTIONS");
    res.set(http::field::access_control_allow_headers, "Content-Type, Authorization");
    res.set(http::field::access_control_max_age, "600");
  } else if (std::optional<HttpResponse> unauthorized = CheckAuthorization(req)) {
    res = std::move(*unauthorized);
  } else {
    res = Route(req);
  }
  if (cors) {
    res.set(http::field::access_control_allow_origin, origin);
    res.set(http::field::vary, "Origin");
  }
  res.keep_alive(req.keep_alive() && res.keep_alive());
  return res;
}

std::optional<HttpResponse> HttpServer::Impl::CheckHost(const HttpRequest& req) {
  if (HostAllowed(options.policy, Sv(req[http::field::host]))) return std::nullopt;
  const std::string host = HostName(Sv(req[http::field::host]));
  Refuse("host", "Host \"" + std::string(req[http::field::host]) + "\" is not in the allow-list");
  HttpResponse res = PlainText(http::status::forbidden, req.version(),
                               "host not allowed: \"" + host + "\" (see rpc_vhosts)\n");
  res.keep_alive(false);
  return res;
}

std::optional<HttpResponse> HttpServer::Impl::CheckAuthorization(const HttpRequest& req) {
  const HttpPolicy& policy = options.policy;
  if (Status s = policy.authorize ? policy.authorize(req) : Status::Ok(); !s.ok()) {
    Refuse("unauthorized", s.message());
    HttpResponse res =
        PlainText(http::status::unauthorized, req.version(), "unauthorized: " + s.message() + "\n");
    res.set(http::field::www_authenticate, "Bearer");
    return res;
  }
  return std::nullopt;
}

std::optional<HttpResponse> HttpServer::Impl::CheckUpgrade(const HttpRequest& req) {
  if (std::optional<HttpResponse> refused = CheckHost(req)) return refused;
  if (std::optional<HttpResponse> refused = CheckAuthorization(req)) return refused;
  const std::string_view origin = Sv(req[http::field::origin]);
  if (WebSocketOriginAllowed(options.policy, origin, Sv(req[http::field::host])))
    return std::nullopt;
  Refuse("origin", "WebSocket upgrade from Origin \"" + std::string(origin) + "\"");
  return PlainText(http::status::forbidden, req.version(),
                   "origin not allowed: \"" + std::string(origin) + "\" (see rpc_cors_origins)\n");
}

HttpResponse HttpServer::Impl::Route(const HttpRequest& req) {
  const std::string_view target = Sv(req.target());
  const std::string path(target.substr(0, target.find('?')));
  auto it = routes.find({req.method(), path});
  if (it != routes.end()) {
    HttpResponse res = it->second(req);
    res.version(req.version());
    return res;
  }
  if (req.method() == http::verb::get && get_handler) {
    if (std::optional<HttpResponse> page = get_handler(req)) {
      page->version(req.version());
      return std::move(*page);
    }
  }
  std::string allow;
  for (const auto& [key, handler] : routes) {
    if (key.second == path)
      allow += (allow.empty() ? "" : ", ") + std::string(http::to_string(key.first));
  }
  if (allow.empty()) return PlainText(http::status::not_found, req.version(), "not found\n");
  HttpResponse res =
      PlainText(http::status::method_not_allowed, req.version(), "method not allowed\n");
  res.set(http::field::allow, allow);
  return res;
}

HttpServer::HttpServer(asio::io_context& io, HttpOptions options, net::Refusals* refusals)
    : impl_(std::make_shared<Impl>(io, std::move(options), refusals)) {}
HttpServer::~HttpServer() { Close(); }

void HttpServer::SetGetHandler(std::function<std::optional<Response>(const Request&)> handler) {
  impl_->get_handler = std::move(handler);
}
void HttpServer::SetUpgradeHandler(std::function<void(tcp::socket, Request)> handler) {
  impl_->upgrade_handler = std::move(handler);
}

void HttpServer::Route(http::verb method, const std::string& path, RouteHandler handler) {
  impl_->routes[{method, path}] = std::move(handler);
}

void HttpServer::RouteJsonRpc(const std::string& path, const Dispatcher& dispatcher) {
  Impl* impl = impl_.get();
  Route(http::verb::post, path, [impl, &dispatcher](const HttpRequest& req) {
    if (!IsJsonContentType(Sv(req[http::field::content_type]))) {
      impl->Refuse("content_type",
                   "Content-Type \"" + std::string(req[http::field::content_type]) + "\"");
      return PlainText(http::status::unsupported_media_type, req.version(),
                       "Content-Type must be application/json\n");
    }
    HttpResponse res{http::status::ok, req.version()};
    std::string out = dispatcher.Handle(req.body());
    if (out.empty()) {
      res.result(http::status::no_content);
      return res;
    }
    res.set(http::field::content_type, "application/json");
    res.body() = std::move(out);
    return res;
  });
}

Result<uint16_t> HttpServer::Listen(const std::string& host, uint16_t port) {
  V2V_ASSIGN_OR_RETURN(auto acc, net::ListenTcp(impl_->io, host, port));
  const uint16_t bound = acc->local_endpoint().port();
  impl_->tcp_acceptor = std::move(acc);
  StartAccepting(impl_, impl_->tcp_acceptor);
  return bound;
}

Status HttpServer::ListenUnix(const std::string& path) {
  constexpr size_t kMaxPath = sizeof(sockaddr_un::sun_path) - 1;
  if (path.empty() || path.size() > kMaxPath) {
    return Status::InvalidArgument("unix socket path of " + std::to_string(path.size()) +
                                   " bytes (at most " + std::to_string(kMaxPath) + "): " + path);
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      return Status::FailedPrecondition(path + " exists and is not a socket");
    local::socket probe(impl_->io);
    error_code ec;
    probe.connect(local::endpoint(path), ec);
    if (!ec)
      return Status::FailedPrecondition(path + ": another process is listening on this socket");
    ::unlink(path.c_str());
  }
  auto acc = std::make_shared<local::acceptor>(impl_->io);
  error_code ec;
  acc->open(local(), ec);
  if (!ec) acc->bind(local::endpoint(path), ec);
  // Owner-only before listen(): until then every connect is refused, so nobody slips in.
  if (!ec && ::chmod(path.c_str(), 0600) != 0)
    ec = error_code(errno, boost::system::system_category());
  if (!ec) acc->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::IoError("listen on unix socket " + path + ": " + ec.message());
  impl_->unix_acceptor = acc;
  impl_->unix_path = path;
  StartAccepting(impl_, acc);
  return Status::Ok();
}

void HttpServer::Close() {
  if (!impl_) return;
  error_code ignored;
  if (impl_->tcp_acceptor) impl_->tcp_acceptor->close(ignored);
  impl_->tcp_acceptor.reset();
  if (impl_->unix_acceptor) {
    impl_->unix_acceptor->close(ignored);
    impl_->unix_acceptor.reset();
    ::unlink(impl_->unix_path.c_str());
  }
}

size_t HttpServer::open_connections() const { return impl_->budget.in_use(); }
net::Refusals& HttpServer::refusals() { return impl_->refusals; }

void ServeJsonRpc(HttpServer& server, const Dispatcher& dispatcher,
                  std::function<std::string()> metrics) {
  server.RouteJsonRpc("/", dispatcher);
  server.RouteJsonRpc("/rpc", dispatcher);
  server.Route(http::verb::get, "/metrics", [metrics = std::move(metrics)](const HttpRequest& req) {
    HttpResponse res{http::status::ok, req.version()};
    res.set(http::field::content_type, "text/plain; version=0.0.4");
    res.body() = metrics ? metrics() : std::string();
    return res;
  });
  server.Route(http::verb::get, "/health", [](const HttpRequest& req) {
    return PlainText(http::status::ok, req.version(), "ok\n");
  });
}

}  // namespace v2v::rpc
