#include "vehicle/batcher.h"

#include <algorithm>

namespace v2v::vehicle {

std::shared_ptr<TxBatcher> TxBatcher::Create(std::shared_ptr<Client> client, size_t max_batch,
                                             std::chrono::milliseconds linger) {
  return std::shared_ptr<TxBatcher>(new TxBatcher(std::move(client), max_batch, linger));
}

TxBatcher::TxBatcher(std::shared_ptr<Client> client, size_t max_batch,
                     std::chrono::milliseconds linger)
    : client_(std::move(client)),
      max_batch_(std::max<size_t>(max_batch, 1)),
      linger_(linger),
      timer_(client_->io()) {}

void TxBatcher::Submit(std::string tx_hex, Client::CallCallback cb) {
  txs_.push_back(std::move(tx_hex));
  callbacks_.push_back(std::move(cb));
  if (txs_.size() >= max_batch_) return Flush();
  if (txs_.size() > 1) return;  // the first one's timer is running
  timer_.expires_after(linger_);
  timer_.async_wait([w = weak_from_this()](const boost::system::error_code& ec) {
    auto self = w.lock();
    if (!ec && self) self->Flush();
  });
}

void TxBatcher::Flush() {
  timer_.cancel();
  if (txs_.empty()) return;
  auto callbacks = std::move(callbacks_);
  std::vector<std::string> txs = std::move(txs_);
  callbacks_.clear();
  txs_.clear();
  ++batches_;
  sent_ += static_cast<int64_t>(txs.size());
  client_->CallBatch(std::move(txs),
                     [callbacks = std::move(callbacks)](const std::vector<CallResult>& results) {
                       for (size_t i = 0; i < callbacks.size() && i < results.size(); ++i)
                         callbacks[i](results[i]);
                     });
}

}  // namespace v2v::vehicle
