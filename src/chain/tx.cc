#include "chain/tx.h"

#include <initializer_list>

#include "codec/codec.h"
#include "crypto/hash.h"

namespace v2v::chain {
namespace {

constexpr std::string_view kTxTag = "v2v.tx";
constexpr size_t kMinTxBytes = 8 + 1 + 8 + 4 + 32 + 8 + 64;

void Put(codec::Writer& w, const Register& b) {
  w.U8(static_cast<uint8_t>(b.role));
  w.Blob(b.certificate);
}
// The car's limits (0: not stated): a flags byte, bit k set when the k-th value is stated, then
// the stated values in order. A stated value is never 0, so the bytes are canonical.
void PutLimits(codec::Writer& w, std::initializer_list<int64_t> values) {
  uint8_t flags = 0, bit = 1;
  for (int64_t v : values) {
    if (v != 0) flags |= bit;
    bit = static_cast<uint8_t>(bit << 1);
  }
  w.U8(flags);
  for (int64_t v : values) {
    if (v != 0) w.I64(v);
  }
}
void GetLimits(codec::Reader& r, std::initializer_list<int64_t*> values) {
  const uint8_t flags = r.U8();
  if (flags >> values.size() != 0) r.Fail("unknown car limit flags");
  uint8_t bit = 1;
  for (int64_t* v : values) {
    if ((flags & bit) != 0) {
      *v = r.I64();
      if (r.ok() && *v == 0) r.Fail("a stated car limit of 0 (not canonical)");
    }
    bit = static_cast<uint8_t>(bit << 1);
  }
}

void Put(codec::Writer& w, const BuyerBid& b) {
  w.Str(b.rsu);
  w.U64(b.round);
  for (int64_t v :
       {b.v, b.v_min, b.v_max, b.b_min_wh, b.b_max_wh, b.w_milli, b.x_m, b.y_m, b.timestamp_s}) {
    w.I64(v);
  }
  PutLimits(w, {b.max_power_w, b.departure_s});
}
void Put(codec::Writer& w, const SellerBid& b) {
  w.Str(b.rsu);
  w.U64(b.round);
  for (int64_t v :
       {b.c, b.c_min, b.c_max, b.s_t_wh, b.s_r_wh, b.rho_ppm, b.x_m, b.y_m, b.timestamp_s}) {
    w.I64(v);
  }
  PutLimits(w, {b.max_power_w, b.departure_s, b.target_wh});
}
void PutDoubles(codec::Writer& w, const std::vector<double>& v) {
  w.U32(static_cast<uint32_t>(v.size()));
  for (double d : v) w.F64(d);
}
void PutTx(codec::Writer& w, const Tx& tx);

void Put(codec::Writer& w, const TradingRound& b) {
  w.U64(b.round);
  for (int64_t v :
       {b.t_stamp_s, b.t_limit_s, b.v_min, b.c_max, b.l1_micro, b.l2_micro, b.radius_m}) {
    w.I64(v);
  }
  for (const auto* list : {&b.buyers, &b.sellers}) {
    w.U32(static_cast<uint32_t>(list->size()));
    for (const Tx& t : *list) {  // w.Blob(EncodeTx(t)), encoded in place
      const size_t at = w.OpenBlob();
      PutTx(w, t);
      w.CloseBlob(at);
    }
  }
  w.U32(static_cast<uint32_t>(b.trades.size()));
  for (const Trade& t : b.trades) {
    w.U32(t.buyer);
    w.U32(t.seller);
    w.I64(t.volume_wh);
    w.I64(t.price);
  }
  PutDoubles(w, b.certificate.seller_price);
  PutDoubles(w, b.certificate.buyer_price);
  PutDoubles(w, b.certificate.mu_min);
  PutDoubles(w, b.certificate.mu_max);
}
void Put(codec::Writer& w, const MeterReport& b) {
  w.Hash(b.escrow);
  w.I64(b.delivered_wh);
  w.Raw(b.buyer_key.bytes);
  w.Raw(b.buyer_signature.bytes);
}
void Put(codec::Writer& w, const Refund& b) { w.Hash(b.escrow); }
void Put(codec::Writer& w, const Revoke& b) { w.Hash(b.certificate); }
void Put(codec::Writer& w, const Recertify& b) {
  w.Str(b.account);
  w.Hash(b.replaces);
  w.Blob(b.certificate);
}

Register GetRegister(codec::Reader& r) {
  Register b;
  const uint8_t role = r.U8();
  if (role != 1 && role != 2) r.Fail("unknown role");
  b.role = static_cast<crypto::Role>(role);
  b.certificate = r.Blob(kMaxCertificateBytes);
  return b;
}
BuyerBid GetBuyer(codec::Reader& r) {
  BuyerBid b;
  b.rsu = r.Str(kMaxIdBytes);
  b.round = r.U64();
  for (int64_t* v : {&b.v, &b.v_min, &b.v_max, &b.b_min_wh, &b.b_max_wh, &b.w_milli, &b.x_m, &b.y_m,
                     &b.timestamp_s}) {
    *v = r.I64();
  }
  GetLimits(r, {&b.max_power_w, &b.departure_s});
  return b;
}
SellerBid GetSeller(codec::Reader& r) {
  SellerBid b;
  b.rsu = r.Str(kMaxIdBytes);
  b.round = r.U64();
  for (int64_t* v : {&b.c, &b.c_min, &b.c_max, &b.s_t_wh, &b.s_r_wh, &b.rho_ppm, &b.x_m, &b.y_m,
                     &b.timestamp_s}) {
    *v = r.I64();
  }
  GetLimits(r, {&b.max_power_w, &b.departure_s, &b.target_wh});
  return b;
}
std::vector<double> GetDoubles(codec::Reader& r) {
  std::vector<double> v(r.Count(kMaxBidsPerRound, 8));
  for (double& d : v) d = r.F64();
  return v;
}
Result<Tx> DecodeTxImpl(ByteSpan bytes, bool nested);

void GetNested(codec::Reader& r, std::vector<Tx>& out) {
  out.resize(r.Count(kMaxBidsPerRound, kMinTxBytes));
  for (Tx& t : out) {
    if (!r.ok()) return;
    Bytes bytes = r.Blob();
    auto tx = DecodeTxImpl(bytes, /*nested=*/true);
    if (!tx.ok()) {
      r.Fail("nested bid: " + tx.status().message());
      return;
    }
    t = std::move(tx).value();
  }
}
TradingRound GetRound(codec::Reader& r) {
  TradingRound b;
  b.round = r.U64();
  for (int64_t* v :
       {&b.t_stamp_s, &b.t_limit_s, &b.v_min, &b.c_max, &b.l1_micro, &b.l2_micro, &b.radius_m}) {
    *v = r.I64();
  }
  GetNested(r, b.buyers);
  GetNested(r, b.sellers);
  b.trades.resize(r.Count(kMaxBidsPerRound * 64, 24));
  for (Trade& t : b.trades) {
    t.buyer = r.U32();
    t.seller = r.U32();
    t.volume_wh = r.I64();
    t.price = r.I64();
  }
  b.certificate.seller_price = GetDoubles(r);
  b.certificate.buyer_price = GetDoubles(r);
  b.certificate.mu_min = GetDoubles(r);
  b.certificate.mu_max = GetDoubles(r);
  return b;
}
MeterReport GetMeter(codec::Reader& r) {
  MeterReport b;
  b.escrow = r.Hash();
  b.delivered_wh = r.I64();
  b.buyer_key.bytes = r.Fixed<32>();
  b.buyer_signature.bytes = r.Fixed<64>();
  return b;
}

void PutUnsigned(codec::Writer& w, const Tx& tx) {
  w.U8(static_cast<uint8_t>(tx.kind()));
  w.U64(tx.network);
  w.Str(tx.sender);
  w.Raw(tx.sender_key.bytes);
  w.U64(tx.nonce);
  std::visit([&w](const auto& body) { Put(w, body); }, tx.body);
}

// EncodeTx's bytes, into `w`.
void PutTx(codec::Writer& w, const Tx& tx) {
  w.Tag(kTxTag);
  PutUnsigned(w, tx);
  w.Raw(tx.signature.bytes);
}

Result<Tx> DecodeTxImpl(ByteSpan bytes, bool nested) {
  codec::Reader r(bytes);
  r.ExpectTag(kTxTag);
  Tx tx;
  const uint8_t kind = r.U8();
  tx.network = r.U64();
  tx.sender = r.Str(kMaxIdBytes);
  tx.sender_key.bytes = r.Fixed<32>();
  tx.nonce = r.U64();
  // Only bids nest inside a round: this also bounds the decoder's recursion to one level.
  if (nested && kind != 2 && kind != 3) r.Fail("only bids may be nested in a round");
  switch (r.ok() ? kind : 0) {
    case 1:
      tx.body = GetRegister(r);
      break;
    case 2:
      tx.body = GetBuyer(r);
      break;
    case 3:
      tx.body = GetSeller(r);
      break;
    case 4:
      tx.body = GetRound(r);
      break;
    case 5:
      tx.body = GetMeter(r);
      break;
    case 6:
      tx.body = Refund{r.Hash()};
      break;
    case 7:
      tx.body = Revoke{r.Hash()};
      break;
    case 8: {
      Recertify b;
      b.account = r.Str(kMaxIdBytes);
      b.replaces = r.Hash();
      b.certificate = r.Blob(kMaxCertificateBytes);
      tx.body = std::move(b);
      break;
    }
    default:
      r.Fail("unknown transaction kind " + std::to_string(kind));
  }
  tx.signature.bytes = r.Fixed<64>();
  V2V_RETURN_IF_ERROR(r.Finish());
  return tx;
}

}  // namespace

std::string NetworkHex(NetworkId id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (size_t i = 16; i-- > 0; id >>= 4) out[i] = kDigits[id & 0xf];
  return out;
}

Result<NetworkId> ParseNetworkHex(std::string_view hex) {
  if (hex.size() != 16) return Status::InvalidArgument("a network id is 16 hex digits");
  NetworkId id = 0;
  for (char c : hex) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0) return Status::InvalidArgument("a network id is 16 hex digits");
    id = (id << 4) | static_cast<NetworkId>(d);
  }
  return id;
}

Bytes SigningBytes(const Tx& tx) {
  codec::Writer w(kTxTag);
  PutUnsigned(w, tx);
  return w.Take();
}

Bytes EncodeTx(const Tx& tx) {
  codec::Writer w;
  PutTx(w, tx);
  return w.Take();
}

Result<Tx> DecodeTx(ByteSpan bytes) { return DecodeTxImpl(bytes, /*nested=*/false); }

Hash32 TxHash(const Tx& tx) { return crypto::Sha256(EncodeTx(tx)); }

void SignTx(Tx& tx, const crypto::PrivateKey& key) {
  tx.sender_key = key.public_key();
  tx.signature = key.Sign(SigningBytes(tx));
}

Bytes MeterSigningBytes(NetworkId network, const Hash32& escrow, int64_t delivered_wh) {
  codec::Writer w("v2v.meter");
  w.U64(network);
  w.Hash(escrow);
  w.I64(delivered_wh);
  return w.Take();
}

Bytes SubscribeSigningBytes(NetworkId network, std::string_view rsu, std::string_view vehicle,
                            int64_t timestamp_s) {
  codec::Writer w("v2v.subscribe");
  w.U64(network);
  w.Str(rsu);
  w.Str(vehicle);
  w.I64(timestamp_s);
  return w.Take();
}

}  // namespace v2v::chain
