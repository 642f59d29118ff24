#include "gateway/wire.h"

#include <limits>

namespace v2v::gateway {

namespace {

// Bracket depth outside strings; true when it never exceeds `max`.
bool DepthWithin(std::string_view text, size_t max) {
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

std::optional<Bytes> HexBytes(const nlohmann::json& value, size_t max_bytes) {
  if (!value.is_string()) return std::nullopt;
  std::string_view s = value.get_ref<const std::string&>();
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  if (s.size() > 2 * max_bytes) return std::nullopt;
  return FromHex(s);
}

template <size_t N>
std::optional<std::array<uint8_t, N>> FixedHex(const nlohmann::json& value) {
  auto b = HexBytes(value, N);
  if (!b || b->size() != N) return std::nullopt;
  std::array<uint8_t, N> out{};
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

}  // namespace

std::variant<RpcRequest, RpcProblem> DecodeRequest(std::string_view text) {
  if (!DepthWithin(text, kMaxJsonDepth))
    return RpcProblem{nullptr, kInvalidRequest, "nested too deeply"};
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return RpcProblem{nullptr, kParseError, "parse error"};
  if (!j.is_object())
    return RpcProblem{nullptr, kInvalidRequest, "expected one JSON-RPC request object"};
  nlohmann::json id = nullptr;
  if (auto it = j.find("id"); it != j.end()) {
    if (!it->is_number_integer() && !it->is_string() && !it->is_null()) {
      return RpcProblem{nullptr, kInvalidRequest, "id must be a number or a string"};
    }
    if (it->is_string() && it->get_ref<const std::string&>().size() > 64) {
      return RpcProblem{nullptr, kInvalidRequest, "id longer than 64 characters"};
    }
    id = *it;
  }
  auto v = j.find("jsonrpc");
  if (v == j.end() || *v != "2.0")
    return RpcProblem{id, kInvalidRequest, "jsonrpc must be \"2.0\""};
  auto m = j.find("method");
  if (m == j.end() || !m->is_string())
    return RpcProblem{id, kInvalidRequest, "method must be a string"};
  RpcRequest r;
  r.id = id;
  r.method = m->get<std::string>();
  if (auto p = j.find("params"); p != j.end() && !p->is_null()) {
    if (!p->is_array()) return RpcProblem{id, kInvalidParams, "params must be an array"};
    r.params = *p;
  } else {
    r.params = nlohmann::json::array();
  }
  return r;
}

std::optional<chain::Tx> TxFromHex(const nlohmann::json& value) {
  auto b = HexBytes(value, kMaxTxBytes);
  if (!b) return std::nullopt;
  auto tx = chain::DecodeTx(*b);
  if (!tx.ok()) return std::nullopt;
  return std::move(tx).value();
}

std::optional<Hash32> Hash32FromHex(const nlohmann::json& value) {
  auto a = FixedHex<32>(value);
  if (!a) return std::nullopt;
  Hash32 h;
  h.bytes = *a;
  return h;
}

std::optional<crypto::PublicKey> KeyFromHex(const nlohmann::json& value) {
  auto a = FixedHex<32>(value);
  if (!a) return std::nullopt;
  crypto::PublicKey k;
  k.bytes = *a;
  return k;
}

std::optional<crypto::Signature> SignatureFromHex(const nlohmann::json& value) {
  auto a = FixedHex<64>(value);
  if (!a) return std::nullopt;
  crypto::Signature s;
  s.bytes = *a;
  return s;
}

std::string TxToHex(const chain::Tx& tx) { return ToHex(chain::EncodeTx(tx)); }

std::optional<KeyProof> KeyProofFromJson(const nlohmann::json& value) {
  if (!value.is_object() || value.size() != 3) return std::nullopt;
  auto key = value.find("key");
  auto ts = value.find("timestamp");
  auto sig = value.find("signature");
  if (key == value.end() || ts == value.end() || sig == value.end()) return std::nullopt;
  if (!ts->is_number_integer()) return std::nullopt;
  if (ts->is_number_unsigned() &&
      ts->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return std::nullopt;
  }
  auto k = KeyFromHex(*key);
  auto s = SignatureFromHex(*sig);
  if (!k || !s) return std::nullopt;
  return KeyProof{*k, ts->get<int64_t>(), *s};
}

nlohmann::json ErrorObject(int code, const std::string& message, const nlohmann::json& data) {
  nlohmann::json err = {{"code", code}, {"message", message}};
  if (!data.is_null()) err["data"] = data;
  return err;
}

std::string ErrorText(const nlohmann::json& id, int code, const std::string& message,
                      const nlohmann::json& data) {
  return ResponseText(id, {{"error", ErrorObject(code, message, data)}});
}

std::string ResponseText(const nlohmann::json& id, nlohmann::json outcome) {
  outcome["jsonrpc"] = "2.0";
  outcome["id"] = id;
  return outcome.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// {"jsonrpc":"2.0","method":"vehicle_subscription","params":{"result":R,"subscription":ID}}: the
// keys in nlohmann's (sorted) order, so the text is what one json object would dump.
std::shared_ptr<const std::string> PushHead(const nlohmann::json& result) {
  return std::make_shared<const std::string>(
      R"({"jsonrpc":"2.0","method":"vehicle_subscription","params":{"result":)" +
      result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
      R"(,"subscription":)");
}

OutFrame PushFrame(std::shared_ptr<const std::string> head, const std::string& subscription) {
  return OutFrame{
      std::move(head),
      nlohmann::json(subscription).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
          "}}"};
}

}  // namespace v2v::gateway
