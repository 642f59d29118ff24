#include "codec/codec.h"

#include <gtest/gtest.h>

namespace v2v::codec {
namespace {

TEST(Codec, GoldenLayout) {
  Writer w("t");
  w.U8(7);
  w.Bool(true);
  w.U32(0x01020304);
  w.I64(-2);
  w.Str("ab");
  w.F64(1.0);
  EXPECT_EQ(ToHex(w.bytes()),
            "01"
            "74"
            "01"
            "07"
            "01"
            "01020304"
            "fffffffffffffffe"
            "00000002"
            "6162"
            "3ff0000000000000");
}

// A value nested in place (Tag, OpenBlob/CloseBlob) has the bytes of Blob(its own encoding).
TEST(Codec, NestedInPlaceIsTheBlobOfTheNestedValue) {
  Writer inner("v2v.inner");
  inner.U64(0x0102030405060708);
  inner.Str("seller");
  Writer copied("v2v.outer");
  copied.U32(2);
  copied.Blob(inner.bytes());
  copied.Blob(Bytes{});

  Writer in_place("v2v.outer");
  in_place.U32(2);
  size_t at = in_place.OpenBlob();
  in_place.Tag("v2v.inner");
  in_place.U64(0x0102030405060708);
  in_place.Str("seller");
  in_place.CloseBlob(at);
  at = in_place.OpenBlob();
  in_place.CloseBlob(at);
  EXPECT_EQ(ToHex(in_place.bytes()), ToHex(copied.bytes()));

  Reader r(in_place.bytes());
  r.ExpectTag("v2v.outer");
  EXPECT_EQ(r.U32(), 2u);
  EXPECT_EQ(r.Blob(), inner.bytes());
  EXPECT_EQ(r.Blob(), Bytes{});
  EXPECT_TRUE(r.Finish().ok());
}

TEST(Codec, RoundTrip) {
  Writer w("v2v.test");
  w.U64(42);
  w.Blob(Bytes{1, 2, 3});
  w.F64(-0.0);
  Bytes b = w.Take();
  Reader r(b);
  r.ExpectTag("v2v.test");
  EXPECT_EQ(r.U64(), 42u);
  EXPECT_EQ(r.Blob(), (Bytes{1, 2, 3}));
  EXPECT_EQ(r.F64(), 0.0);
  EXPECT_TRUE(r.Finish().ok());
}

TEST(Codec, RejectsNonCanonical) {
  const Bytes bad_bool{2};
  Reader r1(bad_bool);
  r1.Bool();
  EXPECT_FALSE(r1.Finish().ok());

  const Bytes trailing{1, 0};
  Reader r2(trailing);
  r2.U8();
  EXPECT_EQ(r2.Finish().code(), StatusCode::kCorruption);

  const Bytes long_blob{0, 0, 0, 9, 1};
  Reader r3(long_blob);
  r3.Blob();
  EXPECT_FALSE(r3.Finish().ok());

  Writer w("a");
  Bytes tagged = w.Take();
  Reader r4(tagged);
  r4.ExpectTag("b");
  EXPECT_FALSE(r4.Finish().ok());

  const Bytes nan{0x7f, 0xf8, 0, 0, 0, 0, 0, 0};
  Reader r5(nan);
  r5.F64();
  EXPECT_FALSE(r5.Finish().ok());
}

TEST(Codec, CountCannotExceedRemainingBytes) {
  const Bytes b{0xff, 0xff, 0xff, 0xff};
  Reader r(b);
  EXPECT_EQ(r.Count(1000000, 1), 0u);
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace v2v::codec
