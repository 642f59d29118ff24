// Fuzz target for the certificate and CRL decoders: arbitrary bytes -> ParseCertificateDer,
// VerifyCertificate (against a fixed CA with a CRL), ParseCrlDer, CaTrust::Create. It must never
// crash, hang or trip a sanitizer; every refusal must be a Status carrying a CertError.
//
// The seed corpus (corpus/certificate/) holds DER files made by this fixed CA: a vehicle and an
// RSU certificate (the RSU one is on the CRL), the CA certificate and the CRL.
#include <array>
#include <cstddef>
#include <cstdint>

#include "crypto/ca_trust.h"
#include "crypto/certificate.h"
#include "crypto/certificate_issue.h"
#include "crypto/crl.h"

namespace {

using namespace v2v;  // NOLINT: test-only shorthand

constexpr int64_t kT0 = 1767225600;  // 2026-01-01T00:00:00Z
constexpr int64_t kDay = 86400;

Bytes Serial(uint8_t n) {
  Bytes s(crypto::kSerialBytes, 0);
  s[0] = 0x10;
  s.back() = n;
  return s;
}

struct Fixture {
  Bytes ca_der;
  crypto::CaTrust trust;
};

const Fixture& TheFixture() {
  static const Fixture* fixture = [] {
    std::array<uint8_t, 32> seed{};
    seed.fill(0x5a);
    auto key = crypto::PrivateKey::FromSeed(seed);
    if (!key.ok()) __builtin_trap();
    auto ca = crypto::MakeCaCertificate(*key, {.name = "Fuzz CA",
                                               .serial = Serial(0xca),
                                               .not_before = kT0,
                                               .not_after = kT0 + 3650 * kDay});
    if (!ca.ok()) __builtin_trap();
    // The CRL revokes serial ...02 (the RSU certificate of the corpus).
    auto crl = crypto::MakeCrl(*key, *ca,
                               {.revoked = {{"10000000000000000000000000000002", kT0 + kDay}},
                                .number = 1,
                                .this_update = kT0,
                                .next_update = kT0 + 30 * kDay});
    if (!crl.ok()) __builtin_trap();
    auto trust = crypto::CaTrust::Create(*ca, *crl);
    if (!trust.ok()) __builtin_trap();
    return new Fixture{*ca, *trust};
  }();
  return *fixture;
}

// Every refusal from the certificate code is typed.
void CheckRefusal(const Status& s) {
  if (!s.ok() && !crypto::CertErrorOf(s).has_value()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = TheFixture();
  const ByteSpan bytes(data, size);
  auto parsed = crypto::ParseCertificateDer(bytes);
  CheckRefusal(parsed.status());
  if (parsed.ok() &&
      (parsed->der.size() != size || crypto::CertificateIdentity(bytes) != parsed->Identity())) {
    __builtin_trap();
  }
  auto verified =
      crypto::VerifyCertificate(bytes, f.trust, kT0 + 10 * kDay, crypto::Role::kVehicle);
  CheckRefusal(verified.status());
  if (verified.ok() && !parsed.ok()) __builtin_trap();  // verification implies parsing
  CheckRefusal(crypto::ParseCrlDer(bytes, f.ca_der).status());
  CheckRefusal(crypto::CaTrust::Create(bytes).status());
  return 0;
}
