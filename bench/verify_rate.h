// The raw Ed25519 verification rate of this machine, printed by the benchmarks beside what they
// measure: `threads` threads each verify one 200-byte message's signature 4,000 times.
#pragma once

#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "crypto/ed25519.h"

namespace v2v::bench {

using VerifyFn = bool (*)(const crypto::PublicKey&, ByteSpan, const crypto::Signature&);

// Verifications per second; `verify` defaults to the one the ledger uses (crypto::Verify).
inline double VerifyRate(int threads, VerifyFn verify = crypto::Verify) {
  using Clock = std::chrono::steady_clock;
  auto key = std::move(crypto::PrivateKey::FromSeed({})).value();
  const Bytes msg(200, 7);
  const auto sig = key.Sign(msg);
  const int per_thread = 4000;
  const auto t0 = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) {
        if (!verify(key.public_key(), msg, sig)) std::abort();
      }
    });
  }
  for (auto& t : pool) t.join();
  return per_thread * threads / std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace v2v::bench
