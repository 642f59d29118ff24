#include "rpc/jwt_auth.h"

#include <gtest/gtest.h>
#include <jwt.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

namespace v2v::rpc {
namespace {

const char* kHex = "0x7365637265742d7365637265742d7365637265742d7365637265742d21212121";

Bytes Secret() { return *ParseJwtSecret(kHex); }

// A token signed by libjwt with any algorithm (the attacker's choice).
std::string Token(jwt_alg_t alg, const Bytes& key, std::optional<long> iat) {
  jwt_t* jwt = nullptr;
  EXPECT_EQ(jwt_new(&jwt), 0);
  if (iat) jwt_add_grant_int(jwt, "iat", *iat);
  EXPECT_EQ(jwt_set_alg(jwt, alg, alg == JWT_ALG_NONE ? nullptr : key.data(),
                        alg == JWT_ALG_NONE ? 0 : static_cast<int>(key.size())),
            0);
  char* text = jwt_encode_str(jwt);
  std::string out = text ? text : "";
  std::free(text);
  jwt_free(jwt);
  return out;
}

TEST(JwtAuthTest, SecretIs32BytesOfHex) {
  EXPECT_EQ(Secret().size(), 32u);
  EXPECT_TRUE(ParseJwtSecret(std::string("  ") + (kHex + 2) + "\n").ok());
  EXPECT_FALSE(ParseJwtSecret("abcd").ok());
  EXPECT_FALSE(ParseJwtSecret(std::string(kHex) + "00").ok());
  EXPECT_FALSE(ParseJwtSecret("zz").ok());
}

TEST(JwtAuthTest, SecretFileMustBeOwnerOnly) {
  const auto path =
      std::filesystem::temp_directory_path() / ("v2v_jwt_" + std::to_string(::getpid()));
  std::ofstream(path) << kHex << "\n";
  ::chmod(path.c_str(), 0644);
  auto open = ReadJwtSecretFile(path.string());
  EXPECT_EQ(open.status().code(), StatusCode::kFailedPrecondition);
  ::chmod(path.c_str(), 0600);
  auto ok = ReadJwtSecretFile(path.string());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok, Secret());
  std::filesystem::remove(path);
  EXPECT_EQ(ReadJwtSecretFile(path.string()).status().code(), StatusCode::kNotFound);
}

TEST(JwtAuthTest, GoodTokenIsAccepted) {
  const int64_t now = 1'800'000'000;
  auto token = MakeJwt(Secret(), now);
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(VerifyJwtBearer("Bearer " + *token, Secret(), now).ok());
  EXPECT_TRUE(VerifyJwtBearer("Bearer " + *token, Secret(), now + 60).ok());
  EXPECT_TRUE(
      VerifyJwtBearer("Bearer " + Token(JWT_ALG_HS256, Secret(), now - 59), Secret(), now).ok());
}

TEST(JwtAuthTest, BadTokensAreRefusedWithTheReason) {
  const int64_t now = 1'800'000'000;
  const Bytes other = *ParseJwtSecret(std::string(64, 'a'));
  auto refused = [&](const std::string& header, const std::string& why) {
    Status s = VerifyJwtBearer(header, Secret(), now);
    EXPECT_FALSE(s.ok()) << header;
    EXPECT_NE(s.message().find(why), std::string::npos) << s.message();
  };
  refused("", "missing");
  refused("Basic dXNlcjpwYXNz", "Bearer");
  refused("Bearer not.a.jwt", "malformed");
  refused("Bearer " + Token(JWT_ALG_HS256, other, now), "signature");        // wrong secret
  refused("Bearer " + Token(JWT_ALG_HS256, Secret(), now - 61), "iat");      // expired
  refused("Bearer " + Token(JWT_ALG_HS256, Secret(), now + 61), "iat");      // from the future
  refused("Bearer " + Token(JWT_ALG_HS256, Secret(), std::nullopt), "iat");  // no iat
  refused("Bearer " + Token(JWT_ALG_HS512, Secret(), now), "HS256");         // wrong algorithm
  Status none = VerifyJwtBearer("Bearer " + Token(JWT_ALG_NONE, Secret(), now), Secret(), now);
  EXPECT_FALSE(none.ok());  // "alg": "none" never passes
}

}  // namespace
}  // namespace v2v::rpc
