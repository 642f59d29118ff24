#include "consensus/poa/snapshot.h"

#include <algorithm>
#include <string>

namespace v2v::consensus::poa {
namespace {

constexpr uint8_t kEncodingVersion = 1;

void PutU64(Bytes& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutKey(Bytes& out, const Signer& s) { out.insert(out.end(), s.bytes.begin(), s.bytes.end()); }

// Bounds-checked reader over the snapshot bytes.
class Reader {
 public:
  explicit Reader(ByteSpan b) : b_(b) {}
  bool U8(uint8_t* v) {
    if (pos_ + 1 > b_.size()) return false;
    *v = b_[pos_++];
    return true;
  }
  bool U64(uint64_t* v) {
    if (pos_ + 8 > b_.size()) return false;
    *v = 0;
    for (int i = 0; i < 8; ++i) *v = (*v << 8) | b_[pos_++];
    return true;
  }
  bool Key(Signer* s) {
    if (pos_ + 32 > b_.size()) return false;
    std::copy(b_.begin() + static_cast<std::ptrdiff_t>(pos_),
              b_.begin() + static_cast<std::ptrdiff_t>(pos_ + 32), s->bytes.begin());
    pos_ += 32;
    return true;
  }
  // A count that cannot exceed what the remaining bytes could hold at `min_item` bytes each.
  bool Count(uint64_t* n, size_t min_item) { return U64(n) && *n <= (b_.size() - pos_) / min_item; }
  bool Done() const { return pos_ == b_.size(); }

 private:
  ByteSpan b_;
  size_t pos_ = 0;
};

}  // namespace

using chain::Reject;
using chain::Rejected;

Snapshot::Snapshot(uint64_t epoch, std::vector<Signer> signers)
    : epoch_(epoch == 0 ? kDefaultEpoch : epoch) {
  std::sort(signers.begin(), signers.end());
  signers.erase(std::unique(signers.begin(), signers.end()), signers.end());
  signers_ = std::move(signers);
}

bool Snapshot::IsSigner(const Signer& s) const {
  return std::binary_search(signers_.begin(), signers_.end(), s);
}

bool Snapshot::InTurn(uint64_t height, const Signer& s) const {
  auto it = std::lower_bound(signers_.begin(), signers_.end(), s);
  if (it == signers_.end() || *it != s) return false;
  return height % signers_.size() == static_cast<uint64_t>(it - signers_.begin());
}

bool Snapshot::RecentlySigned(const Signer& s) const {
  const uint64_t next = height_ + 1, limit = signers_.size() / 2 + 1;
  for (const auto& [h, who] : recents_) {
    if (who == s && !(next >= limit && h == next - limit)) return true;  // signed arithmetic [R7]
  }
  return false;
}

int Snapshot::TallyFor(const Signer& target, bool authorize) const {
  auto it = tally_.find(target);
  return it != tally_.end() && it->second.authorize == authorize ? it->second.votes : 0;
}

void Snapshot::AddSigner(const Signer& s) {
  signers_.insert(std::lower_bound(signers_.begin(), signers_.end(), s), s);
}
void Snapshot::RemoveSigner(const Signer& s) {
  signers_.erase(std::lower_bound(signers_.begin(), signers_.end(), s));
}

// [R8] A vote counts only if it would change the target's status.
bool Snapshot::Cast(const Signer& target, bool authorize) {
  if (IsSigner(target) == authorize) return false;
  auto it = tally_.find(target);
  if (it != tally_.end()) {
    ++it->second.votes;  // every counted vote on a target has the direction its status allows
  } else {
    tally_[target] = Tally{authorize, 1};
  }
  return true;
}

void Snapshot::Uncast(const Signer& target, bool authorize) {
  auto it = tally_.find(target);
  if (it == tally_.end() || it->second.authorize != authorize) return;  // only counted votes
  if (it->second.votes > 1)
    --it->second.votes;
  else
    tally_.erase(it);
}

chain::ValidationResult<Snapshot> Snapshot::Apply(const CliqueHeader& h) const {
  if (h.height != height_ + 1) {
    return Rejected(Reject::kBadHeight, "expected " + std::to_string(height_ + 1) + ", got " +
                                            std::to_string(h.height));
  }
  const bool checkpoint = h.height % epoch_ == 0;
  if (checkpoint && h.vote) return Rejected(Reject::kInvalidCheckpointVote, {});
  if (!checkpoint && !h.checkpoint_signers.empty())
    return Rejected(Reject::kCheckpointSignersOffEpoch, {});
  if (checkpoint) {
    std::vector<Signer> listed = h.checkpoint_signers;
    std::sort(listed.begin(), listed.end());
    if (listed != signers_) return Rejected(Reject::kMismatchingCheckpointSigners, {});
  }
  Snapshot next = *this;
  next.height_ = h.height;
  if (checkpoint) {  // [R2]: pending votes go; recents stay
    next.votes_.clear();
    next.tally_.clear();
  }
  const uint64_t limit = signers_.size() / 2 + 1;
  if (h.height >= limit) next.recents_.erase(h.height - limit);  // [R7], signed arithmetic
  if (!IsSigner(h.sealer)) return Rejected(Reject::kUnauthorizedSigner, {});  // [R6]
  for (const auto& entry : next.recents_) {
    if (entry.second == h.sealer) return Rejected(Reject::kRecentlySigned, {});
  }
  if (h.difficulty != DifficultyFor(h.height, h.sealer))
    return Rejected(Reject::kWrongDifficulty, {});
  next.recents_[h.height] = h.sealer;
  if (!h.vote) return next;

  const Vote& v = *h.vote;
  // [R9] One live vote per signer and target: withdraw the older one.
  for (auto it = next.votes_.begin(); it != next.votes_.end(); ++it) {
    if (it->signer == h.sealer && it->target == v.target) {
      next.Uncast(it->target, it->authorize);
      next.votes_.erase(it);
      break;
    }
  }
  if (next.Cast(v.target, v.authorize))
    next.votes_.push_back({h.sealer, h.height, v.target, v.authorize});
  // [R10] The touched target's tally is checked even if this block's vote was ignored.
  auto t = next.tally_.find(v.target);
  if (t == next.tally_.end() || t->second.votes <= static_cast<int>(next.signers_.size() / 2))
    return next;
  if (t->second.authorize) {
    next.AddSigner(v.target);
  } else {
    next.RemoveSigner(v.target);
    // [R11] The recent list shrinks by its oldest entry, and the dropped signer's votes go.
    const uint64_t new_limit = next.signers_.size() / 2 + 1;
    if (h.height >= new_limit) next.recents_.erase(h.height - new_limit);
    for (size_t i = 0; i < next.votes_.size();) {
      if (next.votes_[i].signer == v.target) {
        next.Uncast(next.votes_[i].target, next.votes_[i].authorize);
        next.votes_.erase(next.votes_.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
  }
  // Then every vote about the target is discarded.
  std::erase_if(next.votes_, [&](const CastVote& cv) { return cv.target == v.target; });
  next.tally_.erase(v.target);
  return next;
}

Bytes Snapshot::Encode() const {
  Bytes out;
  out.push_back(kEncodingVersion);
  PutU64(out, epoch_);
  PutU64(out, height_);
  PutU64(out, signers_.size());
  for (const Signer& s : signers_) PutKey(out, s);
  PutU64(out, recents_.size());
  for (const auto& [h, s] : recents_) PutU64(out, h), PutKey(out, s);
  PutU64(out, votes_.size());
  for (const CastVote& v : votes_) {
    PutKey(out, v.signer), PutU64(out, v.height), PutKey(out, v.target);
    out.push_back(v.authorize ? 1 : 0);
  }
  PutU64(out, tally_.size());
  for (const auto& [target, t] : tally_) {
    PutKey(out, target);
    out.push_back(t.authorize ? 1 : 0);
    PutU64(out, static_cast<uint64_t>(t.votes));
  }
  return out;
}

Result<Snapshot> Snapshot::Decode(ByteSpan bytes) {
  Reader r(bytes);
  Snapshot s;
  uint8_t version = 0;
  uint64_t n = 0;
  const Status bad = Status::Corruption("clique snapshot: truncated or malformed encoding");
  if (!r.U8(&version) || version != kEncodingVersion)
    return Status::Corruption("clique snapshot: unknown version");
  if (!r.U64(&s.epoch_) || s.epoch_ == 0 || !r.U64(&s.height_) || !r.Count(&n, 32)) return bad;
  for (uint64_t i = 0; i < n; ++i) {
    Signer k;
    if (!r.Key(&k) || (!s.signers_.empty() && !(s.signers_.back() < k)))
      return bad;  // sorted, unique
    s.signers_.push_back(k);
  }
  if (!r.Count(&n, 40)) return bad;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t h = 0;
    Signer k;
    // Strictly increasing heights: the one order Encode writes.
    if (!r.U64(&h) || !r.Key(&k) || h > s.height_ ||
        (!s.recents_.empty() && h <= s.recents_.rbegin()->first)) {
      return bad;
    }
    s.recents_.emplace(h, k);
  }
  if (!r.Count(&n, 73)) return bad;
  for (uint64_t i = 0; i < n; ++i) {
    CastVote v{};
    uint8_t a = 0;
    if (!r.Key(&v.signer) || !r.U64(&v.height) || !r.Key(&v.target) || !r.U8(&a) || a > 1)
      return bad;
    v.authorize = a == 1;
    s.votes_.push_back(v);
  }
  if (!r.Count(&n, 41)) return bad;
  for (uint64_t i = 0; i < n; ++i) {
    Signer k;
    uint8_t a = 0;
    uint64_t votes = 0;
    if (!r.Key(&k) || !r.U8(&a) || a > 1 || !r.U64(&votes) || votes == 0 ||
        votes > s.votes_.size() ||
        (!s.tally_.empty() && !(s.tally_.rbegin()->first < k))) {  // strictly increasing keys
      return bad;
    }
    s.tally_[k] = Tally{a == 1, static_cast<int>(votes)};
  }
  if (!r.Done()) return bad;
  return s;
}

}  // namespace v2v::consensus::poa
