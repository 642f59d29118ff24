// HTTP/1.1 front of the JSON-RPC dispatcher and the Prometheus metrics (Boost.Beast).
//
//   POST /         JSON-RPC 2.0 request or batch -> 200 application/json (204 for notifications)
//   GET  /metrics  text/plain; version=0.0.4 from the injected metrics function
//   GET  /health   200 "ok"
// Bodies above kMaxBodyBytes get 413; other methods or paths 405/404; malformed HTTP closes the
// connection. Runs on the given io_context, which must outlive the server.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

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

  // Binds host:port (0 picks a port) and starts accepting; returns the bound port.
  Result<uint16_t> Listen(const std::string& host, uint16_t port);
  // REQUIRES: on the io_context's thread or while it is not running.
  void Close();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace v2v::rpc
