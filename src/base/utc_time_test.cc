#include "base/utc_time.h"

#include <gtest/gtest.h>

#include <limits>

namespace v2v::base {
namespace {

TEST(FormatUtc, IsIso8601InUtc) {
  EXPECT_EQ(FormatUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtc(1760000120), "2025-10-09T08:55:20Z");
  EXPECT_EQ(FormatUtc(951782400), "2000-02-29T00:00:00Z");
}

TEST(FormatUtc, ATimeOutOfRangeIsTheNumber) {
  const int64_t huge = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(FormatUtc(huge), std::to_string(huge));
}

}  // namespace
}  // namespace v2v::base
