#include "gateway/send_queue.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace v2v::gateway {
namespace {

OutFrame Own(size_t bytes) { return OutFrame{nullptr, std::string(bytes, 'x')}; }

// Finding B: the bound is in bytes, not messages (1,024 messages of any size were allowed).
TEST(SendQueueTest, BoundedInBytesNotMessages) {
  SendQueue q(100);
  EXPECT_TRUE(q.Push(Own(40)));
  EXPECT_TRUE(q.Push(Own(40)));
  EXPECT_FALSE(q.Push(Own(40)));  // 120 bytes: refused though only the third message
  EXPECT_EQ(q.bytes(), 80u);
  EXPECT_TRUE(q.Push(Own(20)));  // exactly 100
  EXPECT_FALSE(q.Push(Own(1)));
  q.Pop();
  EXPECT_EQ(q.bytes(), 60u);
  EXPECT_TRUE(q.Push(Own(40)));
}

TEST(SendQueueTest, ASharedPushCountsItsWholeSize) {
  SendQueue q(100);
  auto head = std::make_shared<const std::string>(std::string(70, 'h'));
  EXPECT_TRUE(q.Push(OutFrame{head, std::string(20, 'o')}));
  EXPECT_EQ(q.bytes(), 90u);
  EXPECT_FALSE(q.Push(OutFrame{head, std::string(20, 'o')}));
  EXPECT_EQ(q.front().size(), 90u);
}

TEST(SendQueueTest, AnEmptyQueueTakesOneLargeFrameThenNothingUntilItIsWritten) {
  SendQueue q(100);
  EXPECT_TRUE(q.Push(Own(500)));  // one large answer still goes out
  EXPECT_FALSE(q.Push(Own(1)));
  q.Pop();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
  EXPECT_TRUE(q.Push(Own(1)));
}

}  // namespace
}  // namespace v2v::gateway
