// Internal to the HTTP server: its shared state, for http_server.cc (routes and the per-request
// checks) and http_session.cc (connections: admission, timeouts, reading and writing). Not for
// other users; include rpc/http_server.h.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/http/status.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "net/limits.h"
#include "rpc/http_server.h"

namespace v2v::rpc {

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(boost::asio::io_context& io_in, HttpOptions o, net::Refusals* r)
      : io(io_in),
        options(std::move(o)),
        budget(options.limits.max_connections),
        per_address(options.limits.max_connections_per_address),
        own_refusals(r ? nullptr : std::make_unique<net::Refusals>()),
        refusals(r ? *r : *own_refusals) {}
  boost::asio::io_context& io;
  HttpOptions options;
  net::ConnectionBudget budget;
  net::AddressQuota per_address;  // TCP only: the Unix socket has no addresses
  // The connections waiting for the first byte of a request (just accepted or kept alive), keyed
  // by the order in which they began to wait: begin() has waited longest. Each entry closes its
  // connection and hands over its slot. io thread only.
  std::map<uint64_t, std::function<net::ConnectionBudget::Slot()>> idle;
  uint64_t next_idle = 0;
  std::unique_ptr<net::Refusals> own_refusals;
  net::Refusals& refusals;
  std::map<std::pair<boost::beast::http::verb, std::string>, RouteHandler> routes;
  std::shared_ptr<boost::asio::ip::tcp::acceptor> tcp_acceptor;
  std::shared_ptr<boost::asio::local::stream_protocol::acceptor> unix_acceptor;
  std::string unix_path;
  std::function<std::optional<HttpResponse>(const HttpRequest&)> get_handler;
  std::function<void(boost::asio::ip::tcp::socket, HttpRequest)> upgrade_handler;

  void Refuse(const std::string& reason, const std::string& detail) {
    refusals.Record(options.surface, reason, detail);
  }

  // What an admitted connection holds: its place under the cap and under its address's quota.
  struct Admission {
    net::ConnectionBudget::Slot slot;
    net::AddressQuota::Slot address;
  };
  // The admission rule (docs/spec/node.md N7), the one place it is decided: a connection from an
  // `address` (empty: the Unix socket, no quota) that already holds its quota is refused
  // (address_quota); under the cap it takes a free slot; at the cap it takes the slot of the
  // connection that has been idle longest, which is closed (idle_evicted); with none idle it is
  // refused (connection_cap). nullopt when refused (recorded under `peer`). http_session.cc.
  std::optional<Admission> Admit(const std::string& address, const std::string& peer);
  // Registers an idle connection (`evict` closes it and returns its slot); returns its key.
  uint64_t AddIdle(std::function<net::ConnectionBudget::Slot()> evict) {
    idle.emplace(next_idle, std::move(evict));
    return next_idle++;
  }
  void RemoveIdle(uint64_t key) { idle.erase(key); }

  HttpResponse Respond(const HttpRequest& req);
  HttpResponse Route(const HttpRequest& req);
  // The Host allow-list / the authorization: a refusal response, or nullopt to go on.
  std::optional<HttpResponse> CheckHost(const HttpRequest& req);
  std::optional<HttpResponse> CheckAuthorization(const HttpRequest& req);
  // The checks of a WebSocket upgrade before it is handed over: Host, authorization, Origin.
  std::optional<HttpResponse> CheckUpgrade(const HttpRequest& req);
};

// A text/plain response.
HttpResponse PlainText(boost::beast::http::status status, unsigned version, std::string body);

// Accepts connections on `acceptor` until it is closed (http_session.cc).
void StartAccepting(std::shared_ptr<HttpServer::Impl> owner,
                    std::shared_ptr<boost::asio::ip::tcp::acceptor> acceptor);
void StartAccepting(std::shared_ptr<HttpServer::Impl> owner,
                    std::shared_ptr<boost::asio::local::stream_protocol::acceptor> acceptor);

}  // namespace v2v::rpc
