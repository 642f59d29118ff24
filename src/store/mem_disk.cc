#include "store/mem_disk.h"

#include <optional>

namespace v2v::store {

void MemDisk::CrashAtNextSync() {
  std::lock_guard lock(mu_);
  crash_armed_ = true;
}

bool MemDisk::crashed() const {
  std::lock_guard lock(mu_);
  return crashed_;
}

size_t MemDisk::durable_keys() const {
  std::lock_guard lock(mu_);
  return durable_.size();
}

class MemDiskStore final : public KvStore {
 public:
  explicit MemDiskStore(std::shared_ptr<MemDisk> disk) : disk_(std::move(disk)) {
    std::lock_guard lock(disk_->mu_);
    generation_ = ++disk_->generation_;
    disk_->crashed_ = false;
    disk_->crash_armed_ = false;
  }

  Result<std::optional<Bytes>> Get(std::string_view key) const override {
    std::lock_guard lock(disk_->mu_);
    V2V_RETURN_IF_ERROR(AliveLocked());
    auto o = unsynced_.find(std::string(key));
    if (o != unsynced_.end()) return o->second;
    auto it = disk_->durable_.find(std::string(key));
    if (it == disk_->durable_.end()) return std::optional<Bytes>();
    return std::optional<Bytes>(it->second);
  }

  Status Write(const WriteBatch& batch, bool sync) override {
    std::lock_guard lock(disk_->mu_);
    V2V_RETURN_IF_ERROR(AliveLocked());
    if (sync && disk_->crash_armed_) {
      disk_->crash_armed_ = false;
      disk_->crashed_ = true;
      unsynced_.clear();
      return Status::IoError("simulated crash between write and sync");
    }
    for (const auto& op : batch.ops()) unsynced_[op.key] = op.value;
    if (sync) {
      for (auto& [key, value] : unsynced_) {
        if (value) {
          disk_->durable_[key] = std::move(*value);
        } else {
          disk_->durable_.erase(key);
        }
      }
      unsynced_.clear();
    }
    return Status::Ok();
  }

  Status Scan(std::string_view prefix,
              const std::function<bool(std::string_view, ByteSpan)>& fn) const override {
    std::map<std::string, Bytes> view;
    {
      std::lock_guard lock(disk_->mu_);
      V2V_RETURN_IF_ERROR(AliveLocked());
      for (auto it = disk_->durable_.lower_bound(std::string(prefix));
           it != disk_->durable_.end() && it->first.starts_with(prefix); ++it) {
        view.insert(*it);
      }
      for (auto it = unsynced_.lower_bound(std::string(prefix));
           it != unsynced_.end() && it->first.starts_with(prefix); ++it) {
        if (it->second) {
          view[it->first] = *it->second;
        } else {
          view.erase(it->first);
        }
      }
    }
    for (const auto& [key, value] : view) {
      if (!fn(key, value)) break;
    }
    return Status::Ok();
  }

 private:
  Status AliveLocked() const {
    if (disk_->generation_ != generation_ || disk_->crashed_) {
      return Status::IoError("store is dead (crashed or reopened)");
    }
    return Status::Ok();
  }

  std::shared_ptr<MemDisk> disk_;
  uint64_t generation_ = 0;
  std::map<std::string, std::optional<Bytes>> unsynced_;  // GUARDED_BY(disk_->mu_)
};

std::unique_ptr<KvStore> OpenMemDiskStore(std::shared_ptr<MemDisk> disk) {
  return std::make_unique<MemDiskStore>(std::move(disk));
}

}  // namespace v2v::store
