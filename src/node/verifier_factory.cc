#include "node/verifier_factory.h"

#include <set>
#include <string>

#include "contract/compact_identity.h"
#include "contract/x509_identity.h"

namespace v2v::node {
namespace {

// Refuses every certificate: the genesis names a CA certificate that cannot be trusted.
class RefuseAll final : public contract::IdentityVerifier {
 public:
  explicit RefuseAll(std::string why) : why_(std::move(why)) {}
  contract::IdentityResult Verify(ByteSpan, crypto::Role, int64_t) const override {
    return chain::Rejected(chain::Reject::kBadCertificate, why_);
  }

 private:
  std::string why_;
};

}  // namespace

VerifierFactory CompactVerifierFactory() {
  return [](const contract::Genesis& g) -> std::unique_ptr<contract::IdentityVerifier> {
    return std::make_unique<contract::CompactIdentityVerifier>(g.ca_key, std::set<Hash32>{});
  };
}

VerifierFactory DefaultVerifierFactory() {
  return [](const contract::Genesis& g) -> std::unique_ptr<contract::IdentityVerifier> {
    if (g.ca_certificate.empty()) return CompactVerifierFactory()(g);
    auto trust = crypto::CaTrust::Create(g.ca_certificate);
    if (!trust.ok())
      return std::make_unique<RefuseAll>("genesis CA certificate: " + trust.status().message());
    if (trust->ca().public_key != g.ca_key) {
      return std::make_unique<RefuseAll>("genesis ca_key is not the CA certificate's key");
    }
    return std::make_unique<contract::X509IdentityVerifier>(std::move(trust).value());
  };
}

}  // namespace v2v::node
