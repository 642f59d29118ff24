#include "explorer/head_subscriptions.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <optional>
#include <set>
#include <sstream>
#include <string>

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
       SubscriptionLimits lim)
      : io(io_in), dispatcher(d), ledger(std::move(l)), limits(lim), timer(io_in) {}
  void Poll();
  void Notify(const json& head);

  asio::io_context& io;
  const rpc::Dispatcher& dispatcher;
  std::function<const node::Ledger&()> ledger;
  SubscriptionLimits limits;
  asio::steady_timer timer;
  bool closed = false;
  bool started = false;
  uint64_t last_height = 0;
  Hash32 last_hash;
  uint64_t next_id = 0;
  std::set<std::shared_ptr<Connection>> connections;
};

namespace {

json Error(const json& id, int code, const std::string& msg) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", msg}}}};
}

// One WebSocket client: reads requests one at a time, writes from a bounded queue.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<HeadSubscriptions::Impl> hub, asio::ip::tcp::socket socket)
      : hub_(std::move(hub)), ws_(std::move(socket)) {}

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
      self->Read();
    });
  }
  bool Subscribed() const { return !subs_.empty(); }
  void SendHead(const json& head) {
    for (const auto& id : subs_)
      Send(json{{"jsonrpc", "2.0"},
                {"method", "chain_subscription"},
                {"params", {{"subscription", id}, {"result", head}}}}
               .dump());
  }
  void Close() {
    if (closing_) return;
    closing_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

 private:
  void Read() {
    auto self = shared_from_this();
    ws_.async_read(buffer_, [self](beast::error_code ec, size_t) {
      if (ec) return self->Drop();
      std::string text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      self->OnMessage(text);
      if (!self->closing_) self->Read();
    });
  }
  void OnMessage(const std::string& text) {
    // Only a text within the dispatcher's nesting rule is parsed here; a deeper one goes to the
    // dispatcher unparsed, which refuses it (json_depth) as over HTTP.
    if (hub_->dispatcher.WithinDepth(text)) {
      if (std::optional<json> answer = SubscriptionCall(text)) return Send(answer->dump());
    }
    std::string out = hub_->dispatcher.Handle(text);
    if (!out.empty()) Send(std::move(out));
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
  void Send(std::string text) {
    if (closing_) return;
    if (queue_.size() >= hub_->limits.max_queue) return Drop();  // fell behind
    queue_.push_back(std::move(text));
    if (queue_.size() == 1) Write();
  }
  void Write() {
    auto self = shared_from_this();
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()), [self](beast::error_code ec, size_t) {
      if (ec) return self->Drop();
      self->queue_.pop_front();
      if (!self->queue_.empty()) self->Write();
    });
  }
  void Drop() {
    Close();
    hub_->connections.erase(shared_from_this());
  }

  std::shared_ptr<HeadSubscriptions::Impl> hub_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  std::set<std::string> subs_;
  bool closing_ = false;
};

std::string SealerName(const node::Ledger& ledger, const crypto::PublicKey& key) {
  for (const auto& [id, a] : ledger.state().accounts)
    if (a.role == crypto::Role::kRsu && a.key == key) return id;
  return "";
}

}  // namespace

json HeadJson(const chain::Block& block, const std::string& sealer_name) {
  json out = rpc::BlockJson(block, false);
  out.erase("txs");
  out["tx_count"] = block.txs.size();
  out["in_turn"] = block.header.difficulty == consensus::poa::kDiffInTurn;
  out["sealer_name"] = sealer_name;
  return out;
}

void HeadSubscriptions::Impl::Poll() {
  if (closed) return;
  const node::Ledger& l = ledger();
  if (!started) {
    started = true;
    last_height = l.head().height;
    last_hash = l.head_hash();
  } else if (l.head_hash() != last_hash) {
    const uint64_t head = l.head().height;
    uint64_t from = head;
    if (last_height < head)
      from = std::max(last_height + 1, head >= kMaxCatchUp ? head - kMaxCatchUp + 1 : 0);
    for (uint64_t h = from; h <= head; ++h) {
      auto block = l.BlockAt(h);
      if (block.ok()) Notify(HeadJson(*block, SealerName(l, block->header.sealer)));
    }
    last_height = head;
    last_hash = l.head_hash();
  }
  timer.expires_after(limits.poll);
  timer.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->Poll();
  });
}

void HeadSubscriptions::Impl::Notify(const json& head) {
  auto copy = connections;  // a send may drop a connection
  for (const auto& c : copy)
    if (c->Subscribed()) c->SendHead(head);
}

HeadSubscriptions::HeadSubscriptions(asio::io_context& io, const rpc::Dispatcher& dispatcher,
                                     std::function<const node::Ledger&()> ledger,
                                     SubscriptionLimits limits)
    : impl_(std::make_shared<Impl>(io, dispatcher, std::move(ledger), limits)) {
  asio::post(io, [impl = impl_] { impl->Poll(); });
}

HeadSubscriptions::~HeadSubscriptions() { Close(); }

void HeadSubscriptions::Accept(asio::ip::tcp::socket socket,
                               beast::http::request<beast::http::string_body> request) {
  if (impl_->closed) return;
  auto c = std::make_shared<Connection>(impl_, std::move(socket));
  const bool over = impl_->connections.size() >= impl_->limits.max_connections;
  if (!over) impl_->connections.insert(c);
  c->Start(std::move(request), over);
}

void HeadSubscriptions::Close() {
  if (!impl_ || impl_->closed) return;
  impl_->closed = true;
  impl_->timer.cancel();
  auto copy = impl_->connections;
  for (const auto& c : copy) c->Close();
  impl_->connections.clear();
}

size_t HeadSubscriptions::connections() const { return impl_->connections.size(); }

}  // namespace v2v::explorer
