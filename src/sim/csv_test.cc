#include "sim/csv.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace v2v::sim {
namespace {

TEST(CsvTest, NumbersAreLocaleFreeAndRoundTrip) {
  EXPECT_EQ(FormatExact(0.1), "0.1");
  EXPECT_EQ(FormatExact(15000), "15000");
  EXPECT_EQ(FormatExact(-0.0), "0");
  EXPECT_EQ(std::stod(FormatExact(1.0 / 3)), 1.0 / 3);
  EXPECT_EQ(FormatG(1.0 / 3, 4), "0.3333");
  EXPECT_EQ(FormatG(123456789.0, 4), "1.235e+08");
  EXPECT_EQ(FormatG(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(FormatG(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(CsvTest, TableTextHasStampHeaderAndRows) {
  CsvTable t({"a", "b"});
  t.AddNumbers({1.5, 2});
  t.AddRow({"x", "y"});
  EXPECT_EQ(t.ToString("seed=1"), "# seed=1\na,b\n1.5,2\nx,y\n");
  EXPECT_EQ(t.ToString(""), "a,b\n1.5,2\nx,y\n");
}

TEST(CsvTest, WriteErrorsNameThePath) {
  const Status st = WriteTextFile("/nonexistent-dir/x.csv", "a");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("/nonexistent-dir/x.csv"), std::string::npos);
}

}  // namespace
}  // namespace v2v::sim
