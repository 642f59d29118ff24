// A bound, listening TCP acceptor on host:port (port 0 picks one), as a value or an error that
// names the address. Shared by the peer transport and the RPC server.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"

namespace v2v::net {

Result<std::unique_ptr<boost::asio::ip::tcp::acceptor>> ListenTcp(boost::asio::io_context& io,
                                                                  const std::string& host,
                                                                  uint16_t port);

// accept() failed (e.g. out of file descriptors: the pending connection stays, so an immediate
// retry fails again at once, a busy loop): `retry` runs after kAcceptRetryDelay. Every listener
// uses this one rule (and records the failure as `accept_failed`).
inline constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
void RetryAcceptLater(boost::asio::io_context& io, std::function<void()> retry);

}  // namespace v2v::net
