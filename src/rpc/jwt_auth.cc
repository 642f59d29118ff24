#include "rpc/jwt_auth.h"

#include <jwt.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

namespace v2v::rpc {
namespace {

struct JwtFree {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

constexpr size_t kSecretBytes = 32;

}  // namespace

Result<Bytes> ParseJwtSecret(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  const size_t last = text.find_last_not_of(" \t\r\n");
  std::string_view hex =
      first == std::string_view::npos ? std::string_view() : text.substr(first, last - first + 1);
  if (hex.rfind("0x", 0) == 0) hex.remove_prefix(2);
  auto bytes = FromHex(std::string(hex));
  if (!bytes || bytes->size() != kSecretBytes) {
    return Status::InvalidArgument("JWT secret: expected 32 bytes as 64 hex characters");
  }
  return *bytes;
}

Result<Bytes> ReadJwtSecretFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Status::NotFound("JWT secret " + path + ": cannot read it");
  if ((st.st_mode & 077) != 0) {
    return Status::FailedPrecondition("JWT secret " + path +
                                      ": group or others may access it (chmod 600)");
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Status::IoError("JWT secret " + path + ": cannot read it");
  auto secret = ParseJwtSecret(text.str().substr(0, 256));
  if (!secret.ok()) return Status::InvalidArgument(path + ": " + secret.status().message());
  return secret;
}

Status VerifyJwtBearer(std::string_view authorization, const Bytes& secret, int64_t now_s) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.empty()) return Status::InvalidArgument("missing Authorization: Bearer <JWT>");
  if (authorization.substr(0, kBearer.size()) != kBearer || authorization.size() > 4096) {
    return Status::InvalidArgument("Authorization must be \"Bearer <JWT>\"");
  }
  const std::string token(authorization.substr(kBearer.size()));
  jwt_t* raw = nullptr;
  const int rc = jwt_decode(&raw, token.c_str(), secret.data(), static_cast<int>(secret.size()));
  JwtPtr jwt(raw);
  if (rc != 0 || !jwt) return Status::InvalidArgument("JWT: malformed or bad signature");
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256)
    return Status::InvalidArgument("JWT: algorithm must be HS256");
  errno = 0;
  const long iat = jwt_get_grant_int(jwt.get(), "iat");
  if (errno != 0) return Status::InvalidArgument("JWT: no \"iat\" claim");
  if (iat < now_s - kJwtMaxSkewS || iat > now_s + kJwtMaxSkewS) {
    return Status::InvalidArgument("JWT: \"iat\" " + std::to_string(iat) + " is more than " +
                                   std::to_string(kJwtMaxSkewS) + " s from the node's clock");
  }
  return Status::Ok();
}

Result<std::string> MakeJwt(const Bytes& secret, int64_t iat_s) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return Status::Internal("jwt_new failed");
  JwtPtr jwt(raw);
  if (jwt_add_grant_int(jwt.get(), "iat", static_cast<long>(iat_s)) != 0 ||
      jwt_set_alg(jwt.get(), JWT_ALG_HS256, secret.data(), static_cast<int>(secret.size())) != 0) {
    return Status::Internal("cannot build a JWT");
  }
  char* text = jwt_encode_str(jwt.get());
  if (text == nullptr) return Status::Internal("cannot encode a JWT");
  std::string out(text);
  std::free(text);  // libjwt 1.10 has no jwt_free_str
  return out;
}

std::function<Status(const HttpRequest&)> JwtAuthorizer(Bytes secret, const base::Clock& clock) {
  return [secret = std::move(secret), &clock](const HttpRequest& req) {
    const auto header = req[boost::beast::http::field::authorization];
    return VerifyJwtBearer(std::string_view(header.data(), header.size()), secret,
                           clock.NowMs() / 1000);
  };
}

}  // namespace v2v::rpc
