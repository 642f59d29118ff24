#include "gateway/reason.h"

#include <gtest/gtest.h>

#include "base/status.h"
#include "chain/reject.h"

namespace v2v::gateway {
namespace {

TEST(FromNodeAnswerTest, ARuleTheNodeAppliesTravelsAsItsOwnCode) {
  chain::ValidationResult<int> over(
      chain::Rejection{chain::Reject::kOverDelivery, "2000 Wh > 1500 Wh", -1});
  Refusal r = FromNodeAnswer(over);
  EXPECT_EQ(r.reason, Reason::kOverDelivery);
  EXPECT_NE(r.detail.find("2000 Wh > 1500 Wh"), std::string::npos);

  chain::ValidationResult<int> nonce(chain::Rejection{chain::Reject::kBadNonce, "expected 4", -1});
  EXPECT_EQ(FromNodeAnswer(nonce).reason, Reason::kBadNonce);
}

TEST(FromNodeAnswerTest, TheNodesOwnFailureIsInternalNotTheSendersFault) {
  chain::ValidationResult<int> disk(Status::IoError("write failed"));
  Refusal r = FromNodeAnswer(disk);
  EXPECT_EQ(r.reason, Reason::kInternal);
  EXPECT_EQ(ReasonName(r.reason), "internal");
  EXPECT_NE(r.detail.find("write failed"), std::string::npos);
}

}  // namespace
}  // namespace v2v::gateway
