// Genesis: the chain's fixed starting point. It names the CA, the authorities allowed to seal,
// the contract parameters and the initial accounts with their energy and money (the totals that
// are conserved forever). Canonical encoding with domain tag "v2v.genesis"; the genesis block's
// parent field is SHA-256 of that encoding, so two chains with different genesis files can never
// share a block.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "chain/block.h"
#include "chain/state.h"
#include "contract/identity.h"
#include "market/chain_mechanism.h"
#include "market/grid_tariff.h"

namespace v2v::contract {

inline constexpr int64_t kMaxShortfallPenalty = int64_t{1} << 31;
inline constexpr size_t kMaxGridAreas = 256;

// One RSU area's grid (docs/model.md section 11, contract C-4.7): the rounds of RSU `rsu` price
// against `tariff`; `rsu` empty: every RSU no other area names.
struct GridArea {
  std::string rsu;
  market::GridTariff tariff;
  bool operator==(const GridArea&) const = default;
};

struct ContractParams {
  int64_t settle_window_s = 3600;  // escrow deadline after the round's block
  int64_t max_round_age_s = 600;   // a round must be recorded within this after T_stamp+T_limit
  crypto::PublicKey ca_key;        // signs Revoke transactions; set from Genesis::ca_key
  // What a seller pays its buyer per kWh traded and not delivered (a meter report below the
  // escrow's energy), in smallest currency units per kWh, as far as its balance goes; 0: none.
  // In [0, kMaxShortfallPenalty].
  int64_t shortfall_penalty_per_kwh = 0;
  // The network's id (NetworkIdOf its genesis; C-3.0): a transaction naming another is refused
  // with kWrongNetwork. Not encoded in the genesis; derived from it, like ca_key. 0 only where a
  // unit test builds a contract without a genesis.
  chain::NetworkId network = 0;
  // The grid model on chain (C-4.7): each area's tariff, sorted by rsu, unique, at most
  // kMaxGridAreas. Empty: the paper's model, no grid (and the genesis bytes carry no grid section).
  std::vector<GridArea> grid = {};
  // The mechanism that clears every round (C-4.9; market/chain_mechanism.h): the paper's scheme
  // by default (and the genesis bytes then carry no mechanism), or a unit mechanism whose trades
  // the contract recomputes (contract/unit_round.h).
  market::ChainMechanism mechanism = {};
  bool operator==(const ContractParams&) const = default;
};

// The tariff of RSU `rsu`'s area: the area naming it, else the area named "", else none (the
// paper's model for its rounds).
const market::GridTariff* GridTariffOf(const ContractParams& params, std::string_view rsu);
// OK, or InvalidArgument naming the area and field: areas unsorted or repeated, too many, an RSU
// id longer than chain::kMaxIdBytes, or a tariff ValidateGridTariff refuses.
Status ValidateGridAreas(const std::vector<GridArea>& areas);

// Clique (EIP-225) parameters: checkpoint interval in blocks and the minimum seconds between
// blocks (consensus/poa/engine.h CliqueConfig).
struct CliqueParams {
  uint64_t epoch = 30000;  // > 0
  uint64_t period_s = 1;
  bool operator==(const CliqueParams&) const = default;
};

struct GenesisAccount {
  crypto::Role role = crypto::Role::kVehicle;
  Bytes certificate;
  int64_t energy_wh = 0;
  int64_t balance = 0;
};

struct Genesis {
  int64_t timestamp_s = 0;
  crypto::PublicKey ca_key;
  // The CA's X.509 certificate (DER). When set, account certificates are X.509 certificates
  // verified by contract::X509IdentityVerifier and ca_key must be this certificate's key; when
  // empty, every node verifies the compact certificates of compact_identity.h instead.
  Bytes ca_certificate;
  // The initial Clique signers (order irrelevant; the genesis header lists them sorted).
  std::vector<crypto::PublicKey> authorities;
  CliqueParams clique;
  ContractParams params;
  std::vector<GenesisAccount> accounts;
};

Bytes EncodeGenesis(const Genesis& g);
// Sets params.ca_key and params.network from the decoded genesis.
Result<Genesis> DecodeGenesis(ByteSpan bytes);

// The network's id, which every signed transaction and vehicle message names (chain::Tx::network):
// the first 8 bytes, big-endian, of SHA-256(EncodeGenesis(g)), which is the genesis block's parent
// field. Two networks share an id only if they share a genesis (or by a 2^-64 accident).
chain::NetworkId NetworkIdOf(const Genesis& g);
// The contract parameters a node runs: g.params with ca_key and network set from g.
ContractParams ContractParamsOf(const Genesis& g);

// The state the genesis defines; InvalidArgument if a certificate is invalid at genesis time,
// an id repeats, an amount is negative or a total overflows, or the grid areas or the mechanism
// are ones the decoder refuses (ValidateGridAreas, market::ValidateChainMechanism).
Result<chain::State> GenesisState(const Genesis& g, const IdentityVerifier& verifier);
// Height 0, parent = SHA-256(EncodeGenesis(g)), difficulty 1, the sorted unique authorities as
// checkpoint_signers (height 0 is a checkpoint, like go-ethereum's genesis extraData), unsealed.
chain::BlockHeader GenesisHeader(const Genesis& g, const chain::State& state);

}  // namespace v2v::contract
