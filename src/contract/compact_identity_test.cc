#include "contract/compact_identity.h"

#include <gtest/gtest.h>

#include "contract/testing/world.h"
#include "crypto/hash.h"

namespace v2v::contract {
namespace {

using chain::Reject;
using crypto::Role;

Reject CodeOf(const IdentityResult& r) { return std::get<chain::Rejection>(r).code; }

TEST(CompactIdentity, AcceptsAValidCertificate) {
  testing::World w;
  const Bytes cert = w.Cert("car-9", Role::kVehicle, w.cars[0]);
  auto r = w.Verifier().Verify(cert, Role::kVehicle, testing::World::kT0);
  ASSERT_TRUE(std::holds_alternative<Identity>(r));
  EXPECT_EQ(std::get<Identity>(r).id, "car-9");
  EXPECT_EQ(std::get<Identity>(r).key, w.cars[0].public_key());
}

TEST(CompactIdentity, TypedRejections) {
  testing::World w;
  const int64_t t = testing::World::kT0;
  const Bytes cert = w.Cert("car-9", Role::kVehicle, w.cars[0], t - 10, t + 10);
  EXPECT_EQ(CodeOf(w.Verifier().Verify(cert, Role::kVehicle, t + 11)), Reject::kCertExpired);
  EXPECT_EQ(CodeOf(w.Verifier().Verify(cert, Role::kVehicle, t - 11)), Reject::kCertNotYetValid);
  EXPECT_EQ(CodeOf(w.Verifier().Verify(cert, Role::kRsu, t)), Reject::kWrongRole);
  Bytes tampered = cert;
  tampered[12] ^= 1;
  EXPECT_EQ(CodeOf(w.Verifier().Verify(tampered, Role::kVehicle, t)), Reject::kBadCertificate);
  EXPECT_EQ(CodeOf(w.Verifier().Verify(Bytes{1, 2}, Role::kVehicle, t)), Reject::kBadCertificate);
  w.revoked.insert(crypto::Sha256(cert));
  EXPECT_EQ(CodeOf(w.Verifier().Verify(cert, Role::kVehicle, t)), Reject::kCertRevoked);
  // Signed by another CA.
  const Bytes foreign = IssueCompactCertificate(
      w.rsu, {"car-9", Role::kVehicle, w.cars[0].public_key(), t - 10, t + 10});
  EXPECT_EQ(CodeOf(w.Verifier().Verify(foreign, Role::kVehicle, t)), Reject::kBadCertificate);
}

}  // namespace
}  // namespace v2v::contract
