// The production wiring of a node core (NodeService): the ledger in RocksDB at data_dir, peers
// over net::TlsTransport (certificates from the genesis CA; the peer must hold a valid RSU
// certificate), and an asio timer ticking the core every 50 ms. Used by `v2v node`.
//
// Threading: the core runs on the io_context's thread (the RPC server and the vehicle gateway share
// it). The peer transport (TLS, framing) runs on a thread of its own: a block of 3 rounds is about
// 50 TLS records, and on the shared thread each record waited one whole turn of its queue, behind
// every vehicle socket's handlers (in-turn blocks reached the other nodes 0.3-1.5 s after they
// were sealed under the saturating load of bench_vehicles). Frames and connection events are
// posted to the io thread in the order they happened; the core's sends post to the transport's.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "contract/genesis.h"
#include "net/tls_transport.h"
#include "node/config.h"
#include "node/log.h"
#include "node/ports.h"
#include "node/service.h"

namespace v2v::node {

class NodeHost {
 public:
  // Opens the store, reads the key, listens for peers and starts the core. `io`, `clock`,
  // `random` and `log` must outlive the host; `io` runs on one thread.
  static Result<std::unique_ptr<NodeHost>> Start(boost::asio::io_context& io, NodeConfig config,
                                                 const contract::Genesis& genesis,
                                                 const Clock& clock, Random& random, Logger& log);
  ~NodeHost();
  NodeHost(const NodeHost&) = delete;
  NodeHost& operator=(const NodeHost&) = delete;

  // Stops the timer and closes every connection. REQUIRES: on the io thread or with io stopped.
  void Stop();
  NodeService& service() { return *service_; }
  const NodeService& service() const { return *service_; }
  uint16_t p2p_port() const { return service_->p2p_port(); }

 private:
  explicit NodeHost(boost::asio::io_context& io)
      : p2p_work_(boost::asio::make_work_guard(p2p_io_)), timer_(io) {}
  void ScheduleTick();

  // The transport's io_context and thread; declared before the transport, which it outlives.
  boost::asio::io_context p2p_io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> p2p_work_;
  std::thread p2p_thread_;
  // Expires at Stop: transport events posted to the io thread after it are dropped.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  // The bytes of peer frames posted to the io thread and not yet handled there. Above
  // kMaxFrameBytesInFlight the transport's thread waits (it reads no more, as when it shared the io
  // thread), so a peer that sends faster than the core handles costs bounded memory.
  struct FramesInFlight {
    std::mutex mu;
    std::condition_variable handled;
    size_t bytes = 0;       // GUARDED_BY(mu)
    bool stopping = false;  // GUARDED_BY(mu)
  };
  static constexpr size_t kMaxFrameBytesInFlight = size_t{64} << 20;
  std::shared_ptr<FramesInFlight> in_flight_ = std::make_shared<FramesInFlight>();
  boost::asio::steady_timer timer_;
  std::unique_ptr<net::Refusals> refusals_;  // shared by the transport, the core and the RPC
  std::unique_ptr<net::TlsTransport> transport_;
  std::unique_ptr<NodeService> service_;
  bool stopped_ = false;
};

}  // namespace v2v::node
