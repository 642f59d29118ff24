// HTTP/1.1 front of the JSON-RPC dispatcher and the Prometheus metrics (Boost.Beast).
//
//   POST /         JSON-RPC 2.0 request or batch -> 200 application/json (204 for notifications)
//   GET  /metrics  text/plain; version=0.0.4 from the injected metrics function
//   GET  /health   200 "ok"
//   GET  other     the GET handler's response, if one is set (the explorer), else 404
//   WebSocket upgrade  handed to the upgrade handler, if one is set
// Bodies above kMaxBodyBytes get 413; other methods or paths 405/404; malformed HTTP closes the
// connection. Runs on the given io_context, which must outlive the server.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "base/result.h"
#include "rpc/json_rpc.h"

namespace v2v::rpc {

inline constexpr size_t kMaxBodyBytes = 1 << 20;

class HttpServer {
 public:
  // `dispatcher` must outlive the server.
  HttpServer(boost::asio::io_context& io, const Dispatcher& dispatcher, std::function<std::string()> metrics);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;
  // GET requests no built-in route takes (e.g. the explorer's page at "/"); nullopt: 404.
  // REQUIRES: before Listen.
  void SetGetHandler(std::function<std::optional<Response>(const Request&)> handler);
  // Connections whose request asks for a WebSocket upgrade are handed over (socket and request);
  // without a handler such a request is answered like any other. REQUIRES: before Listen.
  void SetUpgradeHandler(std::function<void(boost::asio::ip::tcp::socket, Request)> handler);

  // Binds host:port (0 picks a port) and starts accepting; returns the bound port.
  Result<uint16_t> Listen(const std::string& host, uint16_t port);
  // REQUIRES: on the io_context's thread or while it is not running.
  void Close();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace v2v::rpc
