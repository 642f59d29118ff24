#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "store/kv_store.h"

namespace v2v::store {
namespace {

rocksdb::Slice ToSlice(ByteSpan b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

class RocksKvStore final : public KvStore {
 public:
  explicit RocksKvStore(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}

  Result<std::optional<Bytes>> Get(std::string_view key) const override {
    std::string value;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) return std::optional<Bytes>();
    if (!s.ok()) return Status::IoError("rocksdb get: " + s.ToString());
    return std::optional<Bytes>(Bytes(value.begin(), value.end()));
  }

  Status Write(const WriteBatch& batch, bool sync) override {
    rocksdb::WriteBatch wb;
    for (const auto& op : batch.ops()) {
      rocksdb::Status s = op.value ? wb.Put(op.key, ToSlice(*op.value)) : wb.Delete(op.key);
      if (!s.ok()) return Status::IoError("rocksdb batch: " + s.ToString());
    }
    rocksdb::WriteOptions options;
    options.sync = sync;
    rocksdb::Status s = db_->Write(options, &wb);
    if (!s.ok()) return Status::IoError("rocksdb write: " + s.ToString());
    return Status::Ok();
  }

  Status Scan(std::string_view prefix,
              const std::function<bool(std::string_view, ByteSpan)>& fn) const override {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
      const rocksdb::Slice k = it->key();
      const std::string_view key(k.data(), k.size());
      if (!key.starts_with(prefix)) break;
      const rocksdb::Slice v = it->value();
      if (!fn(key, ByteSpan(reinterpret_cast<const uint8_t*>(v.data()), v.size()))) break;
    }
    if (!it->status().ok()) return Status::IoError("rocksdb scan: " + it->status().ToString());
    return Status::Ok();
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace

Result<std::unique_ptr<KvStore>> OpenRocksKvStore(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.paranoid_checks = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, path, &raw);
  if (!s.ok()) return Status::IoError("cannot open store " + path + ": " + s.ToString());
  return std::unique_ptr<KvStore>(
      std::make_unique<RocksKvStore>(std::unique_ptr<rocksdb::DB>(raw)));
}

}  // namespace v2v::store
