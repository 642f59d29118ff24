#include "crypto/hash.h"

#include <gtest/gtest.h>

namespace v2v::crypto {
namespace {

TEST(Sha256Test, KnownVectors) {  // FIPS 180-2 examples
  EXPECT_EQ(Sha256(AsBytes("abc")).Hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256(AsBytes("")).Hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256Test, IncrementalEqualsOneShot) {
  Sha256Hasher h;
  h.Update(AsBytes("ab"));
  h.Update(AsBytes("c"));
  EXPECT_EQ(h.Finish(), Sha256(AsBytes("abc")));
}

TEST(BytesTest, HexRoundTrip) {
  auto b = FromHex("00ff10Ab");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(ToHex(*b), "00ff10ab");
  EXPECT_FALSE(FromHex("abc").has_value());
  EXPECT_FALSE(FromHex("zz").has_value());
}

}  // namespace
}  // namespace v2v::crypto
