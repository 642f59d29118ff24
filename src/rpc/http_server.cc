#include "rpc/http_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <optional>
#include <type_traits>

#include "net/tcp_listen.h"

namespace v2v::rpc {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using local = boost::asio::local::stream_protocol;
using boost::system::error_code;

namespace {

std::string_view Sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

HttpResponse Text(http::status status, unsigned version, std::string body) {
  HttpResponse res{status, version};
  res.set(http::field::content_type, "text/plain");
  res.body() = std::move(body);
  return res;
}

std::string PeerName(const tcp::socket& s) {
  error_code ec;
  const auto ep = s.remote_endpoint(ec);
  return ec ? std::string("tcp") : ep.address().to_string() + ":" + std::to_string(ep.port());
}
std::string PeerName(const local::socket&) { return "unix"; }

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& io_in, HttpOptions o, net::Refusals* r)
      : io(io_in),
        options(std::move(o)),
        budget(options.limits.max_connections),
        own_refusals(r ? nullptr : std::make_unique<net::Refusals>()),
        refusals(r ? *r : *own_refusals) {}
  asio::io_context& io;
  HttpOptions options;
  net::ConnectionBudget budget;
  std::unique_ptr<net::Refusals> own_refusals;
  net::Refusals& refusals;
  std::map<std::pair<http::verb, std::string>, RouteHandler> routes;
  std::shared_ptr<tcp::acceptor> tcp_acceptor;
  std::shared_ptr<local::acceptor> unix_acceptor;
  std::string unix_path;
  std::function<std::optional<HttpResponse>(const HttpRequest&)> get_handler;
  std::function<void(tcp::socket, HttpRequest)> upgrade_handler;

  void Refuse(const std::string& reason, const std::string& detail) {
    refusals.Record(options.surface, reason, detail);
  }
  HttpResponse Respond(const HttpRequest& req);
  HttpResponse Route(const HttpRequest& req);
  // The Host allow-list / the authorization: a refusal response, or nullopt to go on.
  std::optional<HttpResponse> CheckHost(const HttpRequest& req);
  std::optional<HttpResponse> CheckAuthorization(const HttpRequest& req);
  // The checks of a WebSocket upgrade before it is handed over: Host, authorization, Origin.
  std::optional<HttpResponse> CheckUpgrade(const HttpRequest& req);
};

namespace {

// One connection: read a request, answer it, repeat while kept alive. Handlers keep it alive;
// its budget slot is given back when the last one is done.
template <class Protocol>
class Session : public std::enable_shared_from_this<Session<Protocol>> {
 public:
  using Stream = beast::basic_stream<Protocol>;
  Session(std::shared_ptr<HttpServer::Impl> owner, typename Protocol::socket socket,
          net::ConnectionBudget::Slot slot)
      : owner_(std::move(owner)),
        peer_(PeerName(socket)),
        stream_(std::move(socket)),
        slot_(std::move(slot)) {}

  void ReadRequest() {
    const HttpLimits& limits = owner_->options.limits;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(limits.max_header_bytes));
    parser_->body_limit(limits.max_body_bytes);
    if (buffer_.size() > 0) return ReadRest();  // the next request is already here
    // Idle until the first byte; from then on the read timeout runs.
    stream_.expires_after(limits.idle_timeout);
    auto self = this->shared_from_this();
    stream_.async_read_some(buffer_.prepare(4096), [self](error_code ec, size_t n) {
      if (ec == beast::error::timeout) return self->owner_->Refuse("idle_timeout", self->peer_);
      if (ec) return self->OnReadError(ec);
      self->buffer_.commit(n);
      self->ReadRest();
    });
  }

 private:
  void ReadRest() {
    stream_.expires_after(owner_->options.limits.read_timeout);
    auto self = this->shared_from_this();
    http::async_read(stream_, buffer_, *parser_, [self](error_code ec, size_t) {
      if (ec) return self->OnReadError(ec);
      self->OnRequest();
    });
  }

  void OnReadError(error_code ec) {
    if (ec == beast::error::timeout) {
      return owner_->Refuse(
          "read_timeout", peer_ + ": request incomplete after " +
                              std::to_string(owner_->options.limits.read_timeout.count()) + " ms");
    }
    if (ec == http::error::body_limit)
      return SendError(http::status::payload_too_large, "body_size", "request body too large");
    if (ec == http::error::header_limit) {
      return SendError(http::status::request_header_fields_too_large, "header_size",
                       "request header too large");
    }
    if (ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == http::error::partial_message) {
      return Shutdown();
    }
    if (ec.category() ==
        http::make_error_code(http::error::bad_target).category()) {  // a Beast HTTP parse error
      return SendError(http::status::bad_request, "malformed_http",
                       "malformed HTTP request: " + ec.message());
    }
    Shutdown();
  }

  void OnRequest() {
    if constexpr (std::is_same_v<Protocol, tcp>) {
      if (owner_->upgrade_handler && beast::websocket::is_upgrade(parser_->get())) {
        if (std::optional<HttpResponse> refusal = owner_->CheckUpgrade(parser_->get())) {
          refusal->keep_alive(false);
          return Write(std::make_shared<HttpResponse>(std::move(*refusal)));
        }
        stream_.expires_never();
        return owner_->upgrade_handler(stream_.release_socket(), parser_->release());
      }
    }
    Write(std::make_shared<HttpResponse>(owner_->Respond(parser_->get())));
  }

  void SendError(http::status status, const std::string& reason, const std::string& message) {
    owner_->Refuse(reason, peer_ + ": " + message);
    auto res = std::make_shared<HttpResponse>(Text(status, 11, message + "\n"));
    res->keep_alive(false);
    Write(res);
  }

  void Write(std::shared_ptr<HttpResponse> res) {
    res->prepare_payload();
    stream_.expires_after(owner_->options.limits.write_timeout);
    auto self = this->shared_from_this();
    http::async_write(stream_, *res, [self, res](error_code ec, size_t) {
      if (ec == beast::error::timeout) {
        return self->owner_->Refuse("write_timeout", self->peer_ + ": response of " +
                                                         std::to_string(res->body().size()) +
                                                         " bytes not taken in time");
      }
      if (ec || !res->keep_alive()) return self->Shutdown();
      self->ReadRequest();
    });
  }

  void Shutdown() {
    error_code ignored;
    stream_.socket().shutdown(Protocol::socket::shutdown_send, ignored);
  }

  std::shared_ptr<HttpServer::Impl> owner_;
  std::string peer_;
  Stream stream_;
  net::ConnectionBudget::Slot slot_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

template <class Acceptor>
void AcceptLoop(std::shared_ptr<HttpServer::Impl> owner, std::shared_ptr<Acceptor> acc) {
  using Protocol = typename Acceptor::protocol_type;
  acc->async_accept([owner, acc](error_code ec, typename Protocol::socket socket) {
    if (ec == asio::error::operation_aborted || !acc->is_open()) return;
    if (ec) {  // e.g. out of file descriptors: wait a little instead of spinning
      owner->Refuse("accept_failed", ec.message());
      net::RetryAcceptLater(owner->io, [owner, acc] { AcceptLoop(owner, acc); });
      return;
    }
    net::ConnectionBudget::Slot slot = owner->budget.TryAcquire();
    if (!slot.held()) {
      owner->Refuse(
          "connection_cap",
          PeerName(socket) + ": " + std::to_string(owner->budget.max()) + " connections open");
      error_code ignored;
      socket.close(ignored);
    } else {
      std::make_shared<Session<Protocol>>(owner, std::move(socket), std::move(slot))->ReadRequest();
    }
    AcceptLoop(owner, acc);
  });
}

}  // namespace

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
  HttpResponse res = Text(http::status::forbidden, req.version(),
                          "host not allowed: \"" + host + "\" (see rpc_vhosts)\n");
  res.keep_alive(false);
  return res;
}

std::optional<HttpResponse> HttpServer::Impl::CheckAuthorization(const HttpRequest& req) {
  const HttpPolicy& policy = options.policy;
  if (Status s = policy.authorize ? policy.authorize(req) : Status::Ok(); !s.ok()) {
    Refuse("unauthorized", s.message());
    HttpResponse res =
        Text(http::status::unauthorized, req.version(), "unauthorized: " + s.message() + "\n");
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
  return Text(http::status::forbidden, req.version(),
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
  if (allow.empty()) return Text(http::status::not_found, req.version(), "not found\n");
  HttpResponse res = Text(http::status::method_not_allowed, req.version(), "method not allowed\n");
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
      return Text(http::status::unsupported_media_type, req.version(),
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
  AcceptLoop(impl_, impl_->tcp_acceptor);
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
  AcceptLoop(impl_, acc);
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
    return Text(http::status::ok, req.version(), "ok\n");
  });
}

}  // namespace v2v::rpc
