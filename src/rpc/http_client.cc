#include "rpc/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "base/clock.h"
#include "rpc/jwt_auth.h"

namespace v2v::rpc {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;

// Largest response body accepted (a raw block of many transactions is large).
constexpr uint64_t kMaxResponseBytes = uint64_t{512} << 20;

}  // namespace

Result<Endpoint> ParseHttpUrl(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return Status::InvalidArgument("not an http:// URL: " + url);
  std::string rest = url.substr(scheme.size());
  Endpoint e;
  const size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    e.target = rest.substr(slash);
    rest.resize(slash);
  }
  size_t colon;
  if (!rest.empty() && rest[0] == '[') {
    const size_t close = rest.find(']');
    if (close == std::string::npos) return Status::InvalidArgument("bad IPv6 host in URL: " + url);
    e.host = rest.substr(1, close - 1);
    colon = close + 1 < rest.size() && rest[close + 1] == ':' ? close + 1 : std::string::npos;
  } else {
    colon = rest.rfind(':');
    e.host = rest.substr(0, colon);
  }
  e.port = colon == std::string::npos ? "80" : rest.substr(colon + 1);
  if (e.host.empty() || e.port.empty() ||
      e.port.find_first_not_of("0123456789") != std::string::npos || e.port.size() > 5) {
    return Status::InvalidArgument("bad host or port in URL: " + url);
  }
  return e;
}

Status RpcErrorStatus(const RpcError& error) {
  switch (error.code) {
    case kInvalidParams:
      return Status::InvalidArgument(error.message);
    case kNotFound:
      return Status::NotFound(error.message);
    case kRejected:
      return Status::FailedPrecondition(error.message);
    default:
      return Status::Internal("rpc error " + std::to_string(error.code) + ": " + error.message);
  }
}

struct HttpClient::Impl {
  Endpoint endpoint;
  ClientOptions options;
  asio::io_context io;
  std::optional<beast::tcp_stream> tcp_stream;
  std::optional<beast::basic_stream<local>> unix_stream;
  beast::flat_buffer buffer;
  uint64_t next_id = 1;

  std::string Name() const {
    return endpoint.unix_path.empty() ? "http://" + endpoint.host + ":" + endpoint.port
                                      : "unix:" + endpoint.unix_path;
  }
  bool IsOpen() const { return tcp_stream.has_value() || unix_stream.has_value(); }
  void Reset() {
    tcp_stream.reset();
    unix_stream.reset();
  }

  // Runs the queued operation to completion (or the timeout, which the stream enforces).
  void Run() {
    io.restart();
    io.run();
  }

  beast::error_code Open() {
    buffer.clear();
    beast::error_code result;
    if (!endpoint.unix_path.empty()) {
      unix_stream.emplace(io);
      unix_stream->expires_after(options.timeout);
      unix_stream->async_connect(local::endpoint(endpoint.unix_path),
                                 [&](beast::error_code ec) { result = ec; });
      Run();
      if (result) unix_stream.reset();
      return result;
    }
    tcp_stream.emplace(io);
    tcp::resolver resolver(io);
    tcp::resolver::results_type endpoints;
    resolver.async_resolve(endpoint.host, endpoint.port,
                           [&](beast::error_code ec, tcp::resolver::results_type r) {
                             result = ec;
                             endpoints = std::move(r);
                           });
    Run();
    if (result) {
      tcp_stream.reset();
      return result;
    }
    tcp_stream->expires_after(options.timeout);
    tcp_stream->async_connect(endpoints,
                              [&](beast::error_code ec, const tcp::endpoint&) { result = ec; });
    Run();
    if (result) tcp_stream.reset();
    return result;
  }

  // One request/response on the open stream.
  template <class Stream>
  beast::error_code Exchange(Stream& stream, const http::request<http::string_body>& req,
                             http::response<http::string_body>& res) {
    beast::error_code result;
    stream.expires_after(options.timeout);
    http::async_write(stream, req, [&](beast::error_code ec, size_t) { result = ec; });
    Run();
    if (result) return result;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBytes);
    stream.expires_after(options.timeout);
    http::async_read(stream, buffer, parser, [&](beast::error_code ec, size_t) { result = ec; });
    Run();
    if (!result) res = parser.release();
    return result;
  }

  Result<http::request<http::string_body>> MakeRequest(http::verb verb, const std::string& target,
                                                       std::string body) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, endpoint.unix_path.empty() ? endpoint.host : "localhost");
    req.set(http::field::connection, "keep-alive");
    if (verb == http::verb::post) req.set(http::field::content_type, "application/json");
    if (!options.jwt_secret.empty()) {
      const int64_t now_s = base::SystemClock::Shared().NowMs() / 1000;
      V2V_ASSIGN_OR_RETURN(std::string token, MakeJwt(options.jwt_secret, now_s));
      req.set(http::field::authorization, "Bearer " + token);
    }
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
  }

  Result<http::response<http::string_body>> Send(http::verb verb, const std::string& target,
                                                 std::string body) {
    V2V_ASSIGN_OR_RETURN(auto req, MakeRequest(verb, target, std::move(body)));
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool reused = IsOpen();
      if (!reused) {
        if (beast::error_code ec = Open())
          return Status::IoError("cannot connect to " + Name() + ": " + ec.message());
      }
      http::response<http::string_body> res;
      beast::error_code ec =
          tcp_stream ? Exchange(*tcp_stream, req, res) : Exchange(*unix_stream, req, res);
      if (!ec) {
        if (!res.keep_alive()) Reset();
        return res;
      }
      Reset();
      // A kept-alive connection the server closed meanwhile: try once more on a new one.
      const bool closed = ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
                          ec == asio::error::broken_pipe || ec == asio::error::eof;
      if (!(reused && closed)) return Status::IoError(Name() + target + ": " + ec.message());
    }
    return Status::IoError(Name() + ": connection closed");
  }
};

HttpClient::HttpClient(std::string url, std::unique_ptr<Impl> impl)
    : url_(std::move(url)), impl_(std::move(impl)) {}
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;
HttpClient::~HttpClient() = default;

Result<Endpoint> ParseRpcUrl(const std::string& url) {
  if (url.rfind("unix:", 0) != 0) return ParseHttpUrl(url);
  Endpoint e;
  e.unix_path = url.substr(5);
  if (e.unix_path.empty() || e.unix_path[0] != '/') {
    return Status::InvalidArgument("not a unix:/absolute/path URL: " + url);
  }
  return e;
}

Result<HttpClient> HttpClient::Connect(const std::string& url, std::chrono::milliseconds timeout) {
  ClientOptions options;
  options.timeout = timeout;
  return Connect(url, std::move(options));
}

Result<HttpClient> HttpClient::Connect(const std::string& url, ClientOptions options) {
  V2V_ASSIGN_OR_RETURN(Endpoint e, ParseRpcUrl(url));
  auto impl = std::make_unique<Impl>();
  impl->endpoint = std::move(e);
  impl->options = std::move(options);
  return HttpClient(url, std::move(impl));
}

Result<RpcResult> HttpClient::Call(const std::string& method, const nlohmann::json& params) {
  const uint64_t id = impl_->next_id++;
  const nlohmann::json request = {
      {"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
  V2V_ASSIGN_OR_RETURN(auto res,
                       impl_->Send(http::verb::post, impl_->endpoint.target, request.dump()));
  if (res.result() != http::status::ok) {
    return Status::IoError(url_ + " " + method + ": HTTP " + std::to_string(res.result_int()));
  }
  const auto j = nlohmann::json::parse(res.body(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::IoError(url_ + " " + method + ": the response is not a JSON object");
  }
  if (auto it = j.find("error"); it != j.end()) {
    const auto& e = *it;
    if (!e.is_object() || !e.contains("code") || !e["code"].is_number_integer()) {
      return Status::IoError(url_ + " " + method + ": malformed error object");
    }
    RpcError err{e["code"].get<int>(), ""};
    if (e.contains("message") && e["message"].is_string())
      err.message = e["message"].get<std::string>();
    if (e.contains("data")) err.data = e["data"];
    return RpcResult(std::move(err));
  }
  if (!j.contains("result"))
    return Status::IoError(url_ + " " + method + ": no result in the response");
  return RpcResult(j["result"]);
}

Result<nlohmann::json> HttpClient::CallOk(const std::string& method, const nlohmann::json& params) {
  V2V_ASSIGN_OR_RETURN(RpcResult r, Call(method, params));
  if (auto* e = std::get_if<RpcError>(&r)) return RpcErrorStatus(*e);
  return std::get<nlohmann::json>(std::move(r));
}

Result<std::string> HttpClient::Get(const std::string& path) {
  V2V_ASSIGN_OR_RETURN(auto res, impl_->Send(http::verb::get, path, ""));
  if (res.result() != http::status::ok) {
    return Status::IoError(url_ + " GET " + path + ": HTTP " + std::to_string(res.result_int()));
  }
  return std::move(res.body());
}

Result<nlohmann::json> Call(const std::string& url, const std::string& method,
                            const nlohmann::json& params, std::chrono::milliseconds timeout) {
  V2V_ASSIGN_OR_RETURN(HttpClient client, HttpClient::Connect(url, timeout));
  return client.CallOk(method, params);
}

}  // namespace v2v::rpc
