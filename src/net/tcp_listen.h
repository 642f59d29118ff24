// A bound, listening TCP acceptor on host:port (port 0 picks one), as a value or an error that
// names the address. Shared by the peer transport and the RPC server.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.h"

namespace v2v::net {

Result<std::unique_ptr<boost::asio::ip::tcp::acceptor>> ListenTcp(boost::asio::io_context& io,
                                                                  const std::string& host,
                                                                  uint16_t port);

}  // namespace v2v::net
