#include "explorer/head_subscriptions.h"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "net/byte_queue.h"
#include "rpc/node_api.h"

namespace v2v::explorer {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using nlohmann::json;

namespace {

class Connection;

}  // namespace

struct HeadSubscriptions::Impl : std::enable_shared_from_this<HeadSubscriptions::Impl> {
  Impl(asio::io_context& io_in, const rpc::Dispatcher& d, std::function<const node::Ledger&()> l,
       SubscriptionLimits lim, net::Refusals* r)
      : io(io_in),
        dispatcher(d),
        ledger(std::move(l)),
        limits(lim),
        own_refusals(r ? nullptr : std::make_unique<net::Refusals>()),
        refusals(r ? *r : *own_refusals) {}
  void TakeHeads();
  void Notify(const json& head);
  void Refuse(const std::string& reason, const std::string& detail) {
    refusals.Record(kRefusalSurface, reason, detail);
  }

  asio::io_context& io;
  const rpc::Dispatcher& dispatcher;
  std::function<const node::Ledger&()> ledger;
  SubscriptionLimits limits;
  std::shared_ptr<node::ChainSubscription> heads;  // the feed's blocks
  std::unique_ptr<net::Refusals> own_refusals;
  net::Refusals& refusals;
  bool closed = false;
  uint64_t next_id = 0;
  std::set<std::shared_ptr<Connection>> connections;
};

namespace {

json Error(const json& id, int code, const std::string& msg) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", msg}}}};
}

std::string PeerName(const asio::ip::tcp::socket& s) {
  beast::error_code ec;
  const auto ep = s.remote_endpoint(ec);
  return ec ? std::string("ws") : ep.address().to_string() + ":" + std::to_string(ep.port());
}

// A message waiting for one client; `answer`: it answers a request (frees an in-flight slot once
// written). Queued in a net::ByteBoundedQueue, the one byte bound of the node's client sockets.
struct OutMessage {
  std::string text;
  bool answer;
  size_t size() const { return text.size(); }
};

// One WebSocket client: reads requests while fewer than max_in_flight are unanswered, writes
// answers and heads from a queue bounded in bytes.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<HeadSubscriptions::Impl> hub, asio::ip::tcp::socket socket)
      : hub_(std::move(hub)),
        peer_(PeerName(socket)),
        ws_(std::move(socket)),
        out_(hub_->limits.max_queue_bytes),
        idle_(hub_->io) {}

  void Start(beast::http::request<beast::http::string_body> req, bool over_limit) {
    ws_.read_message_max(hub_->limits.max_message_bytes);
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    auto self = shared_from_this();
    ws_.async_accept(req, [self, over_limit](beast::error_code ec) {
      if (ec) return self->Drop();
      if (over_limit) {
        self->ws_.async_close(websocket::close_code::try_again_later,
                              [self](beast::error_code) { self->Drop(); });
        return;
      }
      self->ArmIdle();
      self->Read();
    });
  }
  const std::string& peer() const { return peer_; }
  bool Subscribed() const { return !subs_.empty(); }
  void SendHead(const json& head) {
    for (const auto& id : subs_)
      Send(json{{"jsonrpc", "2.0"},
                {"method", "chain_subscription"},
                {"params", {{"subscription", id}, {"result", head}}}}
               .dump(),
           /*answer=*/false);
  }
  void Close() {
    if (closing_) return;
    closing_ = true;
    idle_.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

 private:
  void Read() {
    reading_ = true;
    auto self = shared_from_this();
    ws_.async_read(buffer_, [self](beast::error_code ec, size_t) {
      self->reading_ = false;
      if (ec) return self->Drop();
      std::string text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      ++self->in_flight_;
      self->ArmIdle();
      self->OnMessage(text);
      self->ReadIfRoom();
    });
  }
  // (Re)starts the idle clock: at its end a connection with no subscription is closed (pings and
  // pongs do not count; only requests do).
  void ArmIdle() {
    const uint64_t arm = ++idle_arms_;  // a handler already queued when re-armed is stale
    idle_.expires_after(hub_->limits.idle_timeout);
    idle_.async_wait([self = shared_from_this(), arm](beast::error_code ec) {
      if (ec || self->closing_ || arm != self->idle_arms_) return;
      if (self->Subscribed()) return self->ArmIdle();
      self->hub_->Refuse("idle_timeout",
                         self->peer_ + ": no request and no subscription for " +
                             std::to_string(self->hub_->limits.idle_timeout.count()) + " ms");
      self->Drop();
    });
  }
  // Reads the next request unless max_in_flight are unanswered; a written answer resumes.
  void ReadIfRoom() {
    if (!closing_ && !reading_ && in_flight_ < hub_->limits.max_in_flight) Read();
  }
  void OnMessage(const std::string& text) {
    // Only a text within the dispatcher's nesting rule is parsed here; a deeper one goes to the
    // dispatcher unparsed, which refuses it (json_depth) as over HTTP.
    if (hub_->dispatcher.WithinDepth(text)) {
      if (std::optional<json> answer = SubscriptionCall(text)) return Answer(answer->dump());
    }
    Answer(hub_->dispatcher.Handle(text, hub_->limits.max_queue_bytes));
  }
  // The answer to chain_subscribe or chain_unsubscribe; nullopt for anything else.
  std::optional<json> SubscriptionCall(const std::string& text) {
    json req = json::parse(text, nullptr, false);
    if (!req.is_object() || !req.contains("method") || !req["method"].is_string())
      return std::nullopt;
    const std::string method = req["method"];
    const json id = req.contains("id") ? req["id"] : json(nullptr);
    const json params = req.contains("params") ? req["params"] : json::array();
    if (method == "chain_subscribe") return Subscribe(id, params);
    if (method == "chain_unsubscribe") return Unsubscribe(id, params);
    return std::nullopt;
  }
  json Subscribe(const json& id, const json& params) {
    if (!params.is_array() || params.size() != 1 || params[0] != "newHeads")
      return Error(id, rpc::kInvalidParams,
                   "params: expected [\"newHeads\"] (the only subscription)");
    if (subs_.size() >= hub_->limits.max_subscriptions)
      return Error(id, rpc::kRejected, "too many subscriptions on this connection");
    std::ostringstream hex;
    hex << "0x" << std::hex << ++hub_->next_id;
    subs_.insert(hex.str());
    return {{"jsonrpc", "2.0"}, {"id", id}, {"result", hex.str()}};
  }
  json Unsubscribe(const json& id, const json& params) {
    if (!params.is_array() || params.size() != 1 || !params[0].is_string())
      return Error(id, rpc::kInvalidParams, "params: expected [subscription id]");
    return {
        {"jsonrpc", "2.0"}, {"id", id}, {"result", subs_.erase(params[0].get<std::string>()) > 0}};
  }
  // Queues the answer to the request just read ("": a notification, nothing to answer).
  void Answer(std::string text) {
    if (text.empty()) {
      --in_flight_;
      return;
    }
    Send(std::move(text), /*answer=*/true);
  }
  void Send(std::string text, bool answer) {
    if (closing_) return;
    if (!out_.Push(OutMessage{std::move(text), answer})) {  // fell behind
      hub_->Refuse("slow_reader", peer_ + ": over " + std::to_string(hub_->limits.max_queue_bytes) +
                                      " bytes waiting to be sent");
      return Drop();
    }
    if (out_.size() == 1) Write();
  }
  void Write() {
    auto self = shared_from_this();
    ws_.text(true);
    ws_.async_write(asio::buffer(out_.front().text), [self](beast::error_code ec, size_t) {
      if (ec) return self->Drop();
      const bool answered = self->out_.Pop().answer;
      if (!self->out_.empty()) self->Write();
      if (answered) {
        --self->in_flight_;
        self->ReadIfRoom();
      }
    });
  }
  void Drop() {
    Close();
    hub_->connections.erase(shared_from_this());
  }

  std::shared_ptr<HeadSubscriptions::Impl> hub_;
  std::string peer_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  net::ByteBoundedQueue<OutMessage> out_;
  std::set<std::string> subs_;
  asio::steady_timer idle_;
  uint64_t idle_arms_ = 0;
  size_t in_flight_ = 0;  // requests read whose answer is not yet written
  bool reading_ = false;
  bool closing_ = false;
};

std::string SealerName(const node::Ledger& ledger, const crypto::PublicKey& key) {
  for (const auto& [id, a] : ledger.state().accounts)
    if (a.role == crypto::Role::kRsu && a.key == key) return id;
  return "";
}

}  // namespace

json HeadJson(const chain::Block& block, const std::string& sealer_name) {
  json out = rpc::HeaderJson(block.header);
  out["tx_count"] = block.txs.size();
  out["in_turn"] = block.header.difficulty == consensus::poa::kDiffInTurn;
  out["sealer_name"] = sealer_name;
  return out;
}

// The feed's deliveries: the blocks applied since the last one (the newest kMaxCatchUp), or the
// head after a lag.
void HeadSubscriptions::Impl::TakeHeads() {
  std::vector<std::shared_ptr<const node::ChainEvent>> applied;
  bool lagged = false;
  while (auto item = heads->Next()) {
    if (std::holds_alternative<node::Lagged>(*item)) {
      lagged = true;
      applied.clear();  // what follows a Lagged is newer than what it lost
      continue;
    }
    auto event = std::get<std::shared_ptr<const node::ChainEvent>>(std::move(*item));
    if (std::holds_alternative<node::BlockApplied>(*event)) applied.push_back(std::move(event));
  }
  if (closed) return;
  // No one to tell: the heads are not made (a node with the explorer on and no watcher pays
  // nothing per block).
  if (std::none_of(connections.begin(), connections.end(),
                   [](const auto& c) { return c->Subscribed(); }))
    return;
  const node::Ledger& l = ledger();
  if (lagged && applied.empty()) {
    auto block = l.BlockAt(l.head().height);
    if (block.ok()) Notify(HeadJson(*block, SealerName(l, block->header.sealer)));
    return;
  }
  const size_t from = applied.size() > kMaxCatchUp ? applied.size() - kMaxCatchUp : 0;
  for (size_t i = from; i < applied.size(); ++i) {
    const chain::Block& block = *std::get<node::BlockApplied>(*applied[i]).block;
    Notify(HeadJson(block, SealerName(l, block.header.sealer)));
  }
}

void HeadSubscriptions::Impl::Notify(const json& head) {
  auto copy = connections;  // a send may drop a connection
  for (const auto& c : copy)
    if (c->Subscribed()) c->SendHead(head);
}

HeadSubscriptions::HeadSubscriptions(asio::io_context& io, const rpc::Dispatcher& dispatcher,
                                     node::ChainFeed& feed,
                                     std::function<const node::Ledger&()> ledger,
                                     SubscriptionLimits limits, net::Refusals* refusals)
    : impl_(std::make_shared<Impl>(io, dispatcher, std::move(ledger), limits, refusals)) {
  impl_->heads = feed.Subscribe(node::kDefaultFeedQueue, {.blocks = true, .drops = false});
  impl_->heads->SetWake([weak = std::weak_ptr<Impl>(impl_)] {
    if (auto self = weak.lock()) self->TakeHeads();
  });
}

HeadSubscriptions::~HeadSubscriptions() { Close(); }

void HeadSubscriptions::Accept(asio::ip::tcp::socket socket,
                               beast::http::request<beast::http::string_body> request) {
  if (impl_->closed) return;
  auto c = std::make_shared<Connection>(impl_, std::move(socket));
  const bool over = impl_->connections.size() >= impl_->limits.max_connections;
  if (over) {
    impl_->Refuse("connection_cap", c->peer() + ": " +
                                        std::to_string(impl_->limits.max_connections) +
                                        " WebSocket connections open");
  } else {
    impl_->connections.insert(c);
  }
  c->Start(std::move(request), over);
}

void HeadSubscriptions::Close() {
  if (!impl_ || impl_->closed) return;
  impl_->closed = true;
  impl_->heads.reset();  // leaves the feed
  auto copy = impl_->connections;
  for (const auto& c : copy) c->Close();
  impl_->connections.clear();
}

size_t HeadSubscriptions::connections() const { return impl_->connections.size(); }
net::Refusals& HeadSubscriptions::refusals() { return impl_->refusals; }

}  // namespace v2v::explorer
