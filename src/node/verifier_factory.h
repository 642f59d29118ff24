// Which contract::IdentityVerifier a ledger uses for its genesis.
#pragma once

#include <functional>
#include <memory>

#include "contract/genesis.h"
#include "contract/identity.h"

namespace v2v::node {

using VerifierFactory =
    std::function<std::unique_ptr<contract::IdentityVerifier>(const contract::Genesis&)>;
// The compact-certificate verifier (contract/compact_identity.h) with the genesis CA and no
// revocations.
VerifierFactory CompactVerifierFactory();
// The X.509 verifier (contract/x509_identity.h) trusting genesis.ca_certificate when the genesis
// has one, else the compact-certificate verifier (on every node, in production too). A CA
// certificate that does not parse, or whose key is not genesis.ca_key, yields a verifier that
// refuses every certificate with the reason (so the genesis itself fails to load with that
// message).
VerifierFactory DefaultVerifierFactory();

}  // namespace v2v::node
