// C-3.6 Recertify: the CA gives an account a new certificate (a renewal, or a new key).
#include <gtest/gtest.h>

#include "contract/testing/contract_env.h"
#include "contract/testing/world.h"
#include "contract/trading_contract.h"
#include "crypto/hash.h"

namespace v2v::contract {
namespace {

using chain::Reject;
using testing::World;

constexpr int64_t kRoundClosed = World::kT0 + 60;  // World::Round's window closes here

struct RecertifyEnv : testing::ContractEnv {
  // A Recertify of `account` (replacing what `s` holds for it) to `certificate`, signed by `by`.
  chain::Tx Recertify(const chain::State& s, const std::string& account, Bytes certificate,
                      const crypto::PrivateKey& by) const {
    chain::Tx tx;
    tx.sender = "ca";
    tx.nonce = 1;
    tx.body = chain::Recertify{account, s.accounts.at(account).cert_hash, std::move(certificate)};
    chain::SignTx(tx, by);
    return tx;
  }
};

// An RSU's certificate renewed for its own key: nothing else changes, the old certificate is
// retired (revoked on the ledger) and its rounds go on (the same revocation without the renewal
// stops them).
TEST(Recertify, RenewalKeepsTheAccountAndOutlivesTheOldCertificate) {
  RecertifyEnv env;
  const chain::Account before = env.genesis.accounts.at("rsu-1");
  const Bytes renewed =
      env.w.Cert("rsu-1", crypto::Role::kRsu, env.w.rsu, World::kT0, World::kT0 + 200000);
  chain::State s =
      env.Ok(env.genesis, World::kT0 + 1, {env.Recertify(env.genesis, "rsu-1", renewed, env.w.ca)});
  const chain::Account& after = s.accounts.at("rsu-1");
  EXPECT_EQ(after.certificate, renewed);
  EXPECT_EQ(after.cert_hash, crypto::Sha256(renewed));
  EXPECT_EQ(after.key, before.key);
  EXPECT_EQ(after.nonce, before.nonce);
  EXPECT_EQ(after.balance, before.balance);
  EXPECT_FALSE(CheckConservation(s));
  EXPECT_TRUE(s.revoked.contains(before.cert_hash));  // the replaced certificate is retired

  chain::Tx revoke;
  revoke.sender = "ca";
  revoke.nonce = 1;
  revoke.body = chain::Revoke{before.cert_hash};
  chain::SignTx(revoke, env.w.ca);
  EXPECT_EQ(env.Rejects(s, World::kT0 + 2, {revoke}), Reject::kDuplicate);  // retired already
  EXPECT_EQ(s.accounts.at("rsu-1").nonce, 0u);
  s = env.Ok(s, kRoundClosed + 1, {env.w.Round()});
  EXPECT_EQ(s.accounts.at("rsu-1").nonce, 1u);
  // The same revocation without the renewal stops the RSU's rounds.
  chain::State unrenewed = env.Ok(env.genesis, World::kT0 + 2, {revoke});
  EXPECT_EQ(env.Rejects(unrenewed, kRoundClosed + 1, {env.w.Round()}), Reject::kCertRevoked);
}

// A new key (the old one leaked: the CA revokes its certificate first): the account's transactions
// must now be signed by the new key; the old key is refused.
TEST(Recertify, ANewKeyReplacesTheOldOne) {
  RecertifyEnv env;
  const crypto::PrivateKey new_key = chain::testing::FixedKey(77);
  const Bytes cert = env.w.Cert("rsu-1", crypto::Role::kRsu, new_key);
  chain::Tx revoke;
  revoke.sender = "ca";
  revoke.nonce = 1;
  revoke.body = chain::Revoke{env.genesis.accounts.at("rsu-1").cert_hash};
  chain::SignTx(revoke, env.w.ca);
  chain::State s = env.Ok(env.genesis, World::kT0 + 1, {revoke});
  s = env.Ok(s, World::kT0 + 1, {env.Recertify(s, "rsu-1", cert, env.w.ca)});
  EXPECT_EQ(s.accounts.at("rsu-1").key, new_key.public_key());
  EXPECT_EQ(env.Rejects(s, kRoundClosed + 1, {env.w.Round()}), Reject::kKeyMismatch);
  chain::Tx round = env.w.Round();
  chain::SignTx(round, new_key);
  s = env.Ok(s, kRoundClosed + 1, {round});
  EXPECT_EQ(s.accounts.at("rsu-1").nonce, 1u);
}

// Compare and swap: a replay, or an older Recertify sent after a newer one, changes nothing.
TEST(Recertify, AppliesOnlyToTheCertificateItReplaces) {
  RecertifyEnv env;
  const crypto::PrivateKey k1 = chain::testing::FixedKey(78), k2 = chain::testing::FixedKey(79);
  const chain::Tx first = env.Recertify(env.genesis, "car-0",
                                        env.w.Cert("car-0", crypto::Role::kVehicle, k1), env.w.ca);
  chain::State s = env.Ok(env.genesis, World::kT0 + 1, {first});
  EXPECT_EQ(env.Rejects(s, World::kT0 + 2, {first}), Reject::kStaleCertificate);
  const chain::Tx second =
      env.Recertify(s, "car-0", env.w.Cert("car-0", crypto::Role::kVehicle, k2), env.w.ca);
  s = env.Ok(s, World::kT0 + 2, {second});
  EXPECT_EQ(env.Rejects(s, World::kT0 + 3, {first}), Reject::kStaleCertificate);
  EXPECT_EQ(s.accounts.at("car-0").key, k2.public_key());
  // A rollback to a replaced certificate is refused (it is retired), so `first` can never apply
  // again.
  const Bytes genesis_cert = env.genesis.accounts.at("car-0").certificate;
  EXPECT_EQ(env.Rejects(s, World::kT0 + 3, {env.Recertify(s, "car-0", genesis_cert, env.w.ca)}),
            Reject::kCertRevoked);
  // The certificate the account already holds.
  chain::Tx same = env.Recertify(s, "car-0", s.accounts.at("car-0").certificate, env.w.ca);
  EXPECT_EQ(env.Rejects(s, World::kT0 + 3, {same}), Reject::kDuplicate);
}

TEST(Recertify, RefusesWhatACertificateCannotProve) {
  RecertifyEnv env;
  const chain::State& g = env.genesis;
  const auto key = chain::testing::FixedKey(80);
  const int64_t t = World::kT0 + 1;
  const Bytes good = env.w.Cert("car-1", crypto::Role::kVehicle, key);
  // Only the CA recertifies.
  EXPECT_EQ(env.Rejects(g, t, {env.Recertify(g, "car-1", good, env.w.cars[1])}),
            Reject::kKeyMismatch);
  // The certificate names another account, or the other role.
  EXPECT_EQ(env.Rejects(g, t,
                        {env.Recertify(g, "car-1", env.w.Cert("car-2", crypto::Role::kVehicle, key),
                                       env.w.ca)}),
            Reject::kBadCertificate);
  EXPECT_EQ(env.Rejects(g, t,
                        {env.Recertify(g, "car-1", env.w.Cert("car-1", crypto::Role::kRsu, key),
                                       env.w.ca)}),
            Reject::kWrongRole);
  // Not valid at the block time.
  const Bytes expired = env.w.Cert("car-1", crypto::Role::kVehicle, key, World::kT0 - 10, t - 1);
  EXPECT_EQ(env.Rejects(g, t, {env.Recertify(g, "car-1", expired, env.w.ca)}),
            Reject::kCertExpired);
  // Not a CA's certificate at all.
  const Bytes forged = IssueCompactCertificate(
      key, {"car-1", crypto::Role::kVehicle, key.public_key(), World::kT0 - 10, t + 1000});
  EXPECT_EQ(env.Rejects(g, t, {env.Recertify(g, "car-1", forged, env.w.ca)}),
            Reject::kBadCertificate);
  // Revoked on the ledger before it was used.
  chain::Tx revoke;
  revoke.sender = "ca";
  revoke.nonce = 1;
  revoke.body = chain::Revoke{crypto::Sha256(good)};
  chain::SignTx(revoke, env.w.ca);
  const chain::State s = env.Ok(g, t, {revoke});
  EXPECT_EQ(env.Rejects(s, t + 1, {env.Recertify(s, "car-1", good, env.w.ca)}),
            Reject::kCertRevoked);
  // No such account.
  chain::Tx unknown = env.Recertify(g, "car-1", good, env.w.ca);
  std::get<chain::Recertify>(unknown.body).account = "car-99";
  chain::SignTx(unknown, env.w.ca);
  EXPECT_EQ(env.Rejects(g, t, {unknown}), Reject::kUnknownAccount);
  // And the good one is taken.
  EXPECT_EQ(env.Ok(g, t, {env.Recertify(g, "car-1", good, env.w.ca)}).accounts.at("car-1").key,
            key.public_key());
}

}  // namespace
}  // namespace v2v::contract
