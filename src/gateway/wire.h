// Decoding what a vehicle sends (docs/spec/vehicle-api.md): one JSON-RPC 2.0 request per
// WebSocket text frame, and the hex fields inside its params. Strict and bounded: every input
// gives a request or a typed problem, never an exception; nesting deeper than kMaxJsonDepth is
// refused before parsing. A libFuzzer target covers it (tests/fuzz/vehicle_wire_fuzz.cc).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/bytes.h"
#include "chain/tx.h"
#include "crypto/ed25519.h"

namespace v2v::gateway {

inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kRefused = -32000;  // a refusal by the rules: data.reason
inline constexpr size_t kMaxJsonDepth = 16;
inline constexpr size_t kMaxTxBytes = 16 * 1024;

struct RpcRequest {
  nlohmann::json id;  // number or string; null for a notification
  std::string method;
  nlohmann::json params;  // array (positional), or null
};
struct RpcProblem {
  nlohmann::json id;  // null when unreadable
  int code = kInvalidRequest;
  std::string message;
};

std::variant<RpcRequest, RpcProblem> DecodeRequest(std::string_view text);

// "0x"-prefixed or bare hex of one canonical transaction (chain::DecodeTx).
std::optional<chain::Tx> TxFromHex(const nlohmann::json& value);
std::optional<Hash32> Hash32FromHex(const nlohmann::json& value);
std::optional<crypto::PublicKey> KeyFromHex(const nlohmann::json& value);
std::optional<crypto::Signature> SignatureFromHex(const nlohmann::json& value);
std::string TxToHex(const chain::Tx& tx);

// What a `vehicle` subscription carries to prove the vehicle's key (docs/spec/vehicle-api.md):
// {"key": hex, "timestamp": Unix s, "signature": hex}, the signature over
// chain::SubscribeSigningBytes(network, rsu, vehicle, timestamp). Checked by CheckKeyProof
// (vehicle_checks.h).
struct KeyProof {
  crypto::PublicKey key;
  int64_t timestamp_s = 0;
  crypto::Signature signature;
};
// Exactly those three fields, each well formed; nullopt otherwise.
std::optional<KeyProof> KeyProofFromJson(const nlohmann::json& value);

// One outgoing text frame: `shared` (when set, bytes built once and shared by every frame of one
// push) followed by `own` (this frame's own bytes: a whole response, or the end of a push).
struct OutFrame {
  std::shared_ptr<const std::string> shared;
  std::string own;
  size_t size() const { return (shared ? shared->size() : 0) + own.size(); }
  std::string Text() const { return (shared ? *shared : std::string()) + own; }
};

// Responses, as text.
std::string ErrorText(const nlohmann::json& id, int code, const std::string& message,
                      const nlohmann::json& data = nullptr);
// A JSON-RPC error object {"code", "message"[, "data"]}.
nlohmann::json ErrorObject(int code, const std::string& message,
                           const nlohmann::json& data = nullptr);
// The response to request `id` whose outcome is {"result": R} or {"error": ErrorObject}.
std::string ResponseText(const nlohmann::json& id, nlohmann::json outcome);

// A push (go-ethereum's shape), built in two parts so that one push to many subscriptions is
// serialised once: PushHead(result) is everything before the subscription id, PushFrame adds one
// subscription's id and the end.
std::shared_ptr<const std::string> PushHead(const nlohmann::json& result);
OutFrame PushFrame(std::shared_ptr<const std::string> head, const std::string& subscription);

}  // namespace v2v::gateway
