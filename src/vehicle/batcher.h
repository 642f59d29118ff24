// A fleet operator's sender of signed transactions: many vehicles' transactions bound for one RSU
// leave over one Client as vehicle_submitBatch (docs/spec/vehicle-api.md) instead of one message
// each. A batch leaves when it holds max_batch transactions, or `linger` after its first one (so
// that the bids of vehicles that sign within a few milliseconds of each other share a message).
// Each transaction's callback gets its own result, as its single method would answer it
// (BatchResults, client.h); a lost connection answers each "disconnected" (code -1), and the
// vehicle resends the same bytes. Each transaction stays the vehicle's own signed bytes: the
// batcher never reads, orders or re-signs them.
//
// On the client's io_context; not thread-safe.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vehicle/client.h"

namespace v2v::vehicle {

class TxBatcher : public std::enable_shared_from_this<TxBatcher> {
 public:
  // max_batch: the RSU's limit (100, ApiLimits::max_batch).
  static std::shared_ptr<TxBatcher> Create(
      std::shared_ptr<Client> client, size_t max_batch = 100,
      std::chrono::milliseconds linger = std::chrono::milliseconds(20));
  void Submit(std::string tx_hex, Client::CallCallback cb);

  int64_t batches() const { return batches_; }  // messages sent
  int64_t sent() const { return sent_; }        // transactions in them

 private:
  TxBatcher(std::shared_ptr<Client> client, size_t max_batch, std::chrono::milliseconds linger);
  void Flush();

  std::shared_ptr<Client> client_;
  size_t max_batch_;
  std::chrono::milliseconds linger_;
  boost::asio::steady_timer timer_;
  std::vector<std::string> txs_;
  std::vector<Client::CallCallback> callbacks_;
  int64_t batches_ = 0, sent_ = 0;
};

}  // namespace v2v::vehicle
