#include "contract/compact_identity.h"

#include "codec/codec.h"
#include "crypto/hash.h"

namespace v2v::contract {
namespace {

constexpr std::string_view kTag = "v2v.cert";

Bytes Body(const CompactCertificate& c) {
  codec::Writer w(kTag);
  w.Str(c.id);
  w.U8(static_cast<uint8_t>(c.role));
  w.Raw(c.key.bytes);
  w.I64(c.not_before);
  w.I64(c.not_after);
  return w.Take();
}

}  // namespace

Bytes IssueCompactCertificate(const crypto::PrivateKey& ca, const CompactCertificate& cert) {
  Bytes out = Body(cert);
  const crypto::Signature sig = ca.Sign(out);
  out.insert(out.end(), sig.bytes.begin(), sig.bytes.end());
  return out;
}

IdentityResult CompactIdentityVerifier::Verify(ByteSpan certificate, crypto::Role expected,
                                               int64_t at_unix_s) const {
  using chain::Reject;
  if (certificate.size() < 64) return chain::Rejected(Reject::kBadCertificate, "too short");
  const ByteSpan body = certificate.first(certificate.size() - 64);
  codec::Reader r(body);
  r.ExpectTag(kTag);
  CompactCertificate c;
  c.id = r.Str(chain::kMaxIdBytes);
  const uint8_t role = r.U8();
  c.key.bytes = r.Fixed<32>();
  c.not_before = r.I64();
  c.not_after = r.I64();
  if (Status s = r.Finish(); !s.ok() || (role != 1 && role != 2)) {
    return chain::Rejected(Reject::kBadCertificate, "unparsable certificate");
  }
  const Hash32 hash = crypto::Sha256(certificate);
  bool known = false;
  {
    std::lock_guard lock(mu_);
    known = ca_signed_.contains(hash);
  }
  if (!known) {
    crypto::Signature sig;
    std::copy(certificate.end() - 64, certificate.end(), sig.bytes.begin());
    if (!crypto::Verify(ca_, body, sig)) {
      return chain::Rejected(Reject::kBadCertificate, "not signed by the CA: " + c.id);
    }
    std::lock_guard lock(mu_);
    if (ca_signed_.size() > 1'000'000) ca_signed_.clear();  // bound the memory
    ca_signed_.insert(hash);
  }
  if (revoked_.contains(hash)) return chain::Rejected(Reject::kCertRevoked, c.id);
  if (at_unix_s < c.not_before) return chain::Rejected(Reject::kCertNotYetValid, c.id);
  if (at_unix_s > c.not_after) return chain::Rejected(Reject::kCertExpired, c.id);
  if (static_cast<crypto::Role>(role) != expected) {
    return chain::Rejected(Reject::kWrongRole, c.id);
  }
  return Identity{c.id, static_cast<crypto::Role>(role), c.key, hash};
}

}  // namespace v2v::contract
