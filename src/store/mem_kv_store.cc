#include <map>
#include <mutex>

#include "store/kv_store.h"

namespace v2v::store {
namespace {

class MemKvStore final : public KvStore {
 public:
  Result<std::optional<Bytes>> Get(std::string_view key) const override {
    std::lock_guard lock(mu_);
    auto it = map_.find(std::string(key));
    if (it == map_.end()) return std::optional<Bytes>();
    return std::optional<Bytes>(it->second);
  }

  Status Write(const WriteBatch& batch, bool) override {
    std::lock_guard lock(mu_);
    for (const auto& op : batch.ops()) {
      if (op.value) {
        map_[op.key] = *op.value;
      } else {
        map_.erase(op.key);
      }
    }
    return Status::Ok();
  }

  Status Scan(std::string_view prefix,
              const std::function<bool(std::string_view, ByteSpan)>& fn) const override {
    std::lock_guard lock(mu_);
    for (auto it = map_.lower_bound(std::string(prefix));
         it != map_.end() && it->first.starts_with(prefix); ++it) {
      if (!fn(it->first, it->second)) break;
    }
    return Status::Ok();
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, Bytes> map_;  // GUARDED_BY(mu_)
};

}  // namespace

std::unique_ptr<KvStore> NewMemKvStore() { return std::make_unique<MemKvStore>(); }

}  // namespace v2v::store
