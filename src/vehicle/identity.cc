#include "vehicle/identity.h"

#include "base/file_util.h"
#include "crypto/certificate.h"

namespace v2v::vehicle {

namespace {
chain::Tx Signed(const Identity& me, uint64_t nonce, chain::TxBody body) {
  chain::Tx tx;
  tx.network = me.network;
  tx.sender = me.id;
  tx.nonce = nonce;
  tx.body = std::move(body);
  chain::SignTx(tx, me.key);
  return tx;
}
}  // namespace

Result<Identity> LoadIdentity(const std::string& dir) {
  V2V_ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(dir + "/cert.pem"));
  V2V_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(dir + "/key.pem"));
  V2V_ASSIGN_OR_RETURN(crypto::CertInfo info, crypto::ParseCertificatePem(cert_pem));
  V2V_ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::FromPem(key_pem));
  if (!(key.public_key() == info.public_key)) {
    return Status::InvalidArgument(dir + ": key.pem is not the key of cert.pem");
  }
  if (info.role != crypto::Role::kVehicle)
    return Status::InvalidArgument(dir + ": not a vehicle certificate");
  return Identity{info.subject, std::move(key), info.der, 0};
}

chain::Tx SignBuyerBid(const Identity& me, uint64_t nonce, const std::string& rsu, uint64_t round,
                       const BuyerTerms& t, int64_t timestamp_s) {
  return Signed(me, nonce,
                chain::BuyerBid{rsu, round, t.v, t.v_min, t.v_max, t.b_min_wh, t.b_max_wh,
                                t.w_milli, t.x_m, t.y_m, timestamp_s, t.max_power_w,
                                t.stay_s > 0 ? timestamp_s + t.stay_s : 0});
}

chain::Tx SignSellerBid(const Identity& me, uint64_t nonce, const std::string& rsu, uint64_t round,
                        const SellerTerms& t, int64_t timestamp_s) {
  return Signed(me, nonce,
                chain::SellerBid{rsu, round, t.c, t.c_min, t.c_max, t.s_t_wh, t.s_r_wh, t.rho_ppm,
                                 t.x_m, t.y_m, timestamp_s, t.max_power_w,
                                 t.stay_s > 0 ? timestamp_s + t.stay_s : 0, t.target_wh});
}

chain::Tx SignMeterReport(const Identity& me, uint64_t nonce, const Hash32& escrow,
                          int64_t delivered_wh, const crypto::PublicKey& buyer_key,
                          const crypto::Signature& buyer_signature) {
  return Signed(me, nonce, chain::MeterReport{escrow, delivered_wh, buyer_key, buyer_signature});
}

chain::Tx SignRefund(const Identity& me, uint64_t nonce, const Hash32& escrow) {
  return Signed(me, nonce, chain::Refund{escrow});
}

crypto::Signature CosignReading(const Identity& me, const Hash32& escrow, int64_t delivered_wh) {
  return me.key.Sign(chain::MeterSigningBytes(me.network, escrow, delivered_wh));
}

crypto::Signature SignSubscription(const Identity& me, const std::string& rsu,
                                   int64_t timestamp_s) {
  return me.key.Sign(chain::SubscribeSigningBytes(me.network, rsu, me.id, timestamp_s));
}

std::string Hex(const chain::Tx& tx) { return ToHex(chain::EncodeTx(tx)); }

}  // namespace v2v::vehicle
