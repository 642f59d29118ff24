// WebSocket subscriptions to new heads on the RPC listener (docs/spec/node.md N8), go-ethereum's
// eth_subscribe convention with our prefix:
//
//   -> {"jsonrpc":"2.0","id":1,"method":"chain_subscribe","params":["newHeads"]}
//   <- {"jsonrpc":"2.0","id":1,"result":"0x1"}
//   <-
//   {"jsonrpc":"2.0","method":"chain_subscription","params":{"subscription":"0x1","result":{header}}}
//   -> {"jsonrpc":"2.0","id":2,"method":"chain_unsubscribe","params":["0x1"]}   <- true
//
// Any other request on the socket goes to the public dispatcher, as over HTTP. A subscription
// ends with its connection; nothing is replayed (a client catches up with chain_getBlocks from
// the last height it saw: heights are the cursor). The heads come from the node's chain event
// feed (node/chain_feed.h, docs/spec/node.md N9), delivered on the io thread after each head
// change: every BlockApplied is notified, so after a reorg each block of the new branch (at most
// kMaxCatchUp per delivery, the newest); should this subscription fall behind the feed (Lagged),
// the current head is notified instead of what it lost.
//
// An upgrade reaches Accept only after the RPC server's Host, authorization and Origin checks
// (rpc/http_policy.h: a browser page of another origin is refused unless rpc_cors_origins lists
// it). Bounds (docs/spec/node.md N8; each hit is a refusal under surface "ws", log line + counter):
// at most `max_connections` sockets (more are closed at once with "try again later"),
// `max_subscriptions` per connection, messages of at most 64 KiB from the client, at most
// `max_in_flight` requests read and not yet answered (the socket is not read further until one
// is: a client that sends without reading is held back by TCP, not by our memory), and at most
// `max_queue_bytes` queued to be sent, the message being written included (net/byte_queue.h, the
// vehicle port's rule too; an empty queue takes any one message): a client that falls further
// behind is disconnected (slow_reader). A response on the socket is at most `max_queue_bytes` too
// (the dispatcher's response_size rule with that bound), so one client holds at most about
// `max_queue_bytes`. A connection with no subscription that has sent
// no request for `idle_timeout` is closed (idle_timeout), so a client that only answers pings
// cannot hold one of the slots; a subscriber keeps its slot as long as it takes its heads (the
// page stays open for hours; a maximum lifetime would cut it and not stop a client that
// reconnects at once).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "net/limits.h"
#include "node/chain_feed.h"
#include "node/ledger.h"
#include "rpc/json_rpc.h"

namespace v2v::explorer {

inline constexpr uint64_t kMaxCatchUp = 16;
// The surface name of the socket's refusals (v2v_refusals_total{surface="ws"}).
inline constexpr const char* kRefusalSurface = "ws";

struct SubscriptionLimits {
  size_t max_connections = 64;
  size_t max_subscriptions = 16;
  size_t max_queue_bytes = 1 << 20;  // queued, the one being written included; also a response
  size_t max_in_flight = 4;          // requests read whose answer is not yet written
  size_t max_message_bytes = 64 << 10;
  std::chrono::milliseconds idle_timeout{60'000};  // no request and no subscription
};

class HeadSubscriptions {
 public:
  // `dispatcher` must outlive this; the heads come from `feed` (subscribed to here; delivered
  // on the io thread); `ledger` is called on the io thread (sealer names, the head after a lag).
  // `refusals` must outlive this; null: it keeps its own (refusals()).
  HeadSubscriptions(boost::asio::io_context& io, const rpc::Dispatcher& dispatcher,
                    node::ChainFeed& feed, std::function<const node::Ledger&()> ledger,
                    SubscriptionLimits limits = {}, net::Refusals* refusals = nullptr);
  ~HeadSubscriptions();
  HeadSubscriptions(const HeadSubscriptions&) = delete;
  HeadSubscriptions& operator=(const HeadSubscriptions&) = delete;

  // Takes over a connection whose request asked for a WebSocket upgrade (answers the handshake).
  void Accept(boost::asio::ip::tcp::socket socket,
              boost::beast::http::request<boost::beast::http::string_body> request);
  // Closes every connection and leaves the feed. REQUIRES: on the io thread or io stopped.
  void Close();
  size_t connections() const;
  net::Refusals& refusals();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// The header a newHeads notification carries: rpc::HeaderJson (BlockJson without the transaction
// list), plus tx_count, in_turn and the sealer's account name when known.
nlohmann::json HeadJson(const chain::Block& block, const std::string& sealer_name);

}  // namespace v2v::explorer
