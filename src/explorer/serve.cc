#include "explorer/serve.h"

#include "explorer/assets.h"
#include "explorer/explorer_api.h"

namespace v2v::explorer {

namespace http = boost::beast::http;

std::optional<rpc::HttpServer::Response> PageResponse(const rpc::HttpServer::Request& request) {
  const Asset* asset =
      FindAsset(std::string_view(request.target().data(), request.target().size()));
  if (asset == nullptr) return std::nullopt;
  rpc::HttpServer::Response res{http::status::ok, request.version()};
  res.set(http::field::content_type, std::string(asset->content_type));
  res.set(http::field::cache_control, "no-cache");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Content-Security-Policy",
          "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
  res.body() = std::string(asset->body);
  return res;
}

Explorer::Explorer(boost::asio::io_context& io, rpc::Dispatcher& dispatcher,
                   node::NodeService& node)
    : io_(io), dispatcher_(dispatcher), node_(node) {
  RegisterExplorerMethods(dispatcher, NodeSource(node));
}

void Explorer::Attach(rpc::HttpServer& server) {
  const node::NodeService* n = &node_;
  subscriptions_ = std::make_shared<HeadSubscriptions>(
      io_, dispatcher_, node_.feed(), [n]() -> const node::Ledger& { return n->ledger(); },
      SubscriptionLimits{}, &server.refusals());
  server.SetGetHandler(PageResponse);
  auto subs = subscriptions_;
  server.SetUpgradeHandler(
      [subs](boost::asio::ip::tcp::socket socket, rpc::HttpServer::Request req) {
        subs->Accept(std::move(socket), std::move(req));
      });
}

}  // namespace v2v::explorer
