#include "net/limits.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace v2v::net {
namespace {

TEST(ConnectionBudgetTest, SlotsAreLimitedAndGivenBack) {
  ConnectionBudget budget(2);
  ConnectionBudget::Slot a = budget.TryAcquire(), b = budget.TryAcquire();
  EXPECT_TRUE(a.held());
  EXPECT_TRUE(b.held());
  EXPECT_FALSE(budget.TryAcquire().held());
  EXPECT_EQ(budget.in_use(), 2u);
  { ConnectionBudget::Slot moved = std::move(a); }
  EXPECT_EQ(budget.in_use(), 1u);
  EXPECT_TRUE(budget.TryAcquire().held());  // a temporary: given back at once
  EXPECT_EQ(budget.in_use(), 1u);
}

TEST(AddressQuotaTest, EachAddressHasItsOwnLimitAndEntriesGoWithTheLastSlot) {
  AddressQuota quota(2);
  AddressQuota::Slot a = quota.TryAcquire("10.0.0.1"), b = quota.TryAcquire("10.0.0.1");
  EXPECT_TRUE(a.held());
  EXPECT_TRUE(b.held());
  EXPECT_FALSE(quota.TryAcquire("10.0.0.1").held());  // the third from one address
  EXPECT_TRUE(quota.TryAcquire("10.0.0.2").held());   // another address is not affected
  EXPECT_EQ(quota.open("10.0.0.1"), 2u);
  { AddressQuota::Slot moved = std::move(a); }
  EXPECT_EQ(quota.open("10.0.0.1"), 1u);
  b = AddressQuota::Slot();
  EXPECT_EQ(quota.addresses(), 0u);  // no entry kept for an address with nothing open
}

TEST(RefusalsTest, CountsEveryRefusalAndRateLimitsTheLog) {
  base::FakeClock clock(5000);
  std::vector<std::pair<std::string, uint64_t>> lines;
  Refusals r([&](const std::string& surface, const std::string& reason, const std::string&,
                 uint64_t suppressed) { lines.emplace_back(surface + "/" + reason, suppressed); },
             clock);
  for (int i = 0; i < 25; ++i) r.Record("rpc", "connection_cap", "127.0.0.1");
  r.Record("p2p", "tls_handshake", "no certificate");
  EXPECT_EQ(r.Count("rpc", "connection_cap"), 25u);
  EXPECT_EQ(r.Count("p2p", "tls_handshake"), 1u);
  EXPECT_EQ(lines.size(), static_cast<size_t>(Refusals::kLinesPerSecond) + 1);
  clock.Advance(1000);
  r.Record("rpc", "connection_cap", "127.0.0.1");
  ASSERT_EQ(lines.back().first, "rpc/connection_cap");
  EXPECT_EQ(lines.back().second, 15u);  // the lines held back in the previous second
  const std::string text = r.MetricsText();
  EXPECT_NE(text.find("v2v_refusals_total{surface=\"rpc\",reason=\"connection_cap\"} 26"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE v2v_refusals_total counter"), std::string::npos);
}

}  // namespace
}  // namespace v2v::net
