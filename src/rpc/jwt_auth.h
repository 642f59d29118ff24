// JWT authentication of the operator HTTP channel (authrpc_listen), go-ethereum's
// --authrpc.jwtsecret convention (docs/spec/node.md N5): the secret is 32 bytes written as 64 hex
// characters (an optional 0x prefix, surrounding whitespace ignored) in a file only its owner may
// read; a request carries "Authorization: Bearer <token>", a JWT signed with HS256 under that
// secret whose "iat" (issued at, Unix seconds) is within kJwtMaxSkewS of the server's clock.
// Tokens are decoded and checked by libjwt; this file only states the policy.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/result.h"
#include "rpc/http_server.h"

namespace v2v::rpc {

inline constexpr int64_t kJwtMaxSkewS = 60;

// The secret in `text`: exactly 32 bytes of hex. InvalidArgument otherwise.
Result<Bytes> ParseJwtSecret(std::string_view text);
// Reads and parses the secret file; FailedPrecondition if group or others may read or write it.
Result<Bytes> ReadJwtSecretFile(const std::string& path);

// Checks an Authorization header value: "Bearer <token>", HS256, good signature, fresh iat.
// The error says which check failed (never the secret).
Status VerifyJwtBearer(std::string_view authorization, const Bytes& secret, int64_t now_s);
// A token for clients: HS256 over {"iat": iat_s}.
Result<std::string> MakeJwt(const Bytes& secret, int64_t iat_s);

// An HttpPolicy::authorize that requires a valid bearer token, fresh by `clock` (the node's; it
// must outlive the authorizer).
std::function<Status(const HttpRequest&)> JwtAuthorizer(Bytes secret, const base::Clock& clock);

}  // namespace v2v::rpc
