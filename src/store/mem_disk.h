// An in-memory "disk" for crash tests: it outlives the stores opened on it, the way files
// outlive a process. A batch written with sync=true is durable once Write returns Ok; a batch
// written with sync=false stays in the store (process memory) until a later synced Write, and
// is lost when the store is destroyed without one -- a crash.
//
// A crash between write and sync: after CrashAtNextSync(), the next synced Write fails with
// IoError and its batch (and every unsynced one before it) never reaches the disk; that store
// then fails every call (the process is dead) until it is destroyed and the disk reopened.
//
// Thread-safe (one mutex); meant for single-threaded simulations and tests.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/bytes.h"
#include "store/kv_store.h"

namespace v2v::store {

class MemDisk {
 public:
  void CrashAtNextSync();
  // True once a store on this disk died at a sync (until Open is called again).
  bool crashed() const;
  size_t durable_keys() const;

 private:
  friend class MemDiskStore;
  mutable std::mutex mu_;
  std::map<std::string, Bytes> durable_;  // GUARDED_BY(mu_)
  bool crash_armed_ = false;              // GUARDED_BY(mu_)
  bool crashed_ = false;                  // GUARDED_BY(mu_)
  uint64_t generation_ = 0;               // GUARDED_BY(mu_): stores opened so far
};

// A store on `disk`; opening it ends the previous store's life (its unsynced writes are gone).
std::unique_ptr<KvStore> OpenMemDiskStore(std::shared_ptr<MemDisk> disk);

}  // namespace v2v::store
