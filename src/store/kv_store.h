// A small ordered key-value store interface, with an in-memory twin (MemKvStore) and RocksDB
// (RocksKvStore). Keys and values are arbitrary bytes; schema.h lists every key the ledger uses.
//
// Contract: Write applies a whole batch atomically (all or nothing, also across a crash); with
// sync=true it returns only once the batch is durable. Reads see every completed Write.
// Implementations are safe for concurrent use from several threads.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace v2v::store {

class WriteBatch {
 public:
  void Put(std::string key, Bytes value) { ops_.push_back({std::move(key), std::move(value)}); }
  void Delete(std::string key) { ops_.push_back({std::move(key), std::nullopt}); }
  struct Op {
    std::string key;
    std::optional<Bytes> value;  // nullopt: delete
  };
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
};

class KvStore {
 public:
  virtual ~KvStore() = default;
  // nullopt if the key is absent.
  virtual Result<std::optional<Bytes>> Get(std::string_view key) const = 0;
  virtual Status Write(const WriteBatch& batch, bool sync) = 0;
  // Calls fn(key, value) for every key starting with prefix, in key order, until fn returns
  // false.
  virtual Status Scan(std::string_view prefix,
                      const std::function<bool(std::string_view, ByteSpan)>& fn) const = 0;
};

// In-memory store for tests. Write is atomic; `sync` is ignored.
std::unique_ptr<KvStore> NewMemKvStore();
// RocksDB at `path` (created if missing). IoError if it cannot be opened (e.g. locked).
Result<std::unique_ptr<KvStore>> OpenRocksKvStore(const std::string& path);

}  // namespace v2v::store
