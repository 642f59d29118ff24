// The raw Ed25519 verification rate of this machine, printed by the benchmarks beside what they
// measure: `threads` threads each verify one 200-byte message's signature 4,000 times.
#pragma once

#include <time.h>

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

// One thread's rates: per second of wall time (what the machine gave it, busy or not) and per
// second of its own CPU time (the cost of one verification, whatever else runs).
struct VerifyRates {
  double per_wall_s = 0, per_cpu_s = 0;
};

inline double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

inline VerifyRates VerifyRatesOneThread() {
  using Clock = std::chrono::steady_clock;
  auto key = std::move(crypto::PrivateKey::FromSeed({})).value();
  const Bytes msg(200, 7);
  const auto sig = key.Sign(msg);
  const int n = 4000;
  const auto t0 = Clock::now();
  const double cpu0 = ThreadCpuSeconds();
  for (int i = 0; i < n; ++i) {
    if (!crypto::Verify(key.public_key(), msg, sig)) std::abort();
  }
  const double cpu = ThreadCpuSeconds() - cpu0;
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  return {n / wall, cpu > 0 ? n / cpu : 0};
}

}  // namespace v2v::bench
