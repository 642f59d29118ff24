#include "base/clock.h"

#include <gtest/gtest.h>

namespace v2v::base {
namespace {

TEST(FakeClockTest, MovesOnlyWhenTold) {
  FakeClock clock(1'700'000'000'000);
  EXPECT_EQ(clock.NowMs(), 1'700'000'000'000);
  EXPECT_EQ(clock.NowMs(), 1'700'000'000'000);
  clock.Advance(250);
  EXPECT_EQ(clock.NowMs(), 1'700'000'000'250);
  clock.Set(42);
  EXPECT_EQ(clock.NowMs(), 42);
}

TEST(FakeClockTest, ServesThroughTheClockInterface) {
  FakeClock fake(1000);
  const Clock& clock = fake;
  fake.Advance(1);
  EXPECT_EQ(clock.NowMs(), 1001);
}

TEST(SystemClockTest, ReadsUnixMilliseconds) {
  const int64_t now = SystemClock::Shared().NowMs();
  EXPECT_GT(now, 1'600'000'000'000);  // after September 2020
  EXPECT_LT(now, 4'000'000'000'000);  // before 2096
  EXPECT_LE(now, NewSystemClock()->NowMs());
}

}  // namespace
}  // namespace v2v::base
