// The client side of vehicle_submitBatch without a network: how a batch's answer becomes one
// result per transaction, and when TxBatcher sends (a client that is not connected answers every
// call "disconnected" at once, so each transaction's callback shows when its batch left).
#include "vehicle/batcher.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

namespace v2v::vehicle {
namespace {

TEST(BatchResults, EachItemBecomesItsOwnResultInOrder) {
  CallResult call;
  call.ok = true;
  call.result = nlohmann::json::array(
      {{{"result", {{"round", 7}, {"server_time", 5}}}},
       {{"error",
         {{"code", -32000}, {"message", "bad_nonce: x"}, {"data", {{"reason", "bad_nonce"}}}}}}});
  const auto r = BatchResults(call, 2);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0].ok);
  EXPECT_EQ(r[0].result["round"], 7);
  EXPECT_FALSE(r[1].ok);
  EXPECT_EQ(r[1].code, -32000);
  EXPECT_EQ(r[1].reason(), "bad_nonce");
}

TEST(BatchResults, AWholeFailureIsEveryTransactionsAndAShortAnswerIsNotTrusted) {
  CallResult limited;
  limited.code = -32000;
  limited.data = {{"reason", "rate_limited"}};
  const auto r = BatchResults(limited, 3);
  ASSERT_EQ(r.size(), 3u);
  for (const auto& x : r) EXPECT_EQ(x.reason(), "rate_limited");
  CallResult shorter;
  shorter.ok = true;
  shorter.result = nlohmann::json::array({{{"result", 1}}});
  for (const auto& x : BatchResults(shorter, 2)) EXPECT_FALSE(x.ok);
}

TEST(TxBatcher, SendsAtTheLimitOrAfterTheLingerOneResultPerTransaction) {
  boost::asio::io_context io;
  auto tls = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
  auto client = Client::Create(io, tls, RsuUrl{"127.0.0.1", "1", "/vehicle"}, 1);
  auto batcher = TxBatcher::Create(client, 3, std::chrono::milliseconds(20));
  std::vector<int> answered;
  auto cb = [&](int k) {
    return [&answered, k](const CallResult& r) {
      EXPECT_EQ(r.code, -1);  // disconnected: the vehicle sends the same bytes again
      answered.push_back(k);
    };
  };
  batcher->Submit("aa", cb(0));
  batcher->Submit("bb", cb(1));
  EXPECT_TRUE(answered.empty());  // waiting for more
  batcher->Submit("cc", cb(2));   // the limit: sent at once
  EXPECT_EQ(answered, (std::vector<int>{0, 1, 2}));
  batcher->Submit("dd", cb(3));
  EXPECT_EQ(answered.size(), 3u);
  io.run_for(std::chrono::milliseconds(200));  // the linger ends
  EXPECT_EQ(answered, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(batcher->batches(), 2);
  EXPECT_EQ(batcher->sent(), 4);
}

}  // namespace
}  // namespace v2v::vehicle
