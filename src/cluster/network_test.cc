#include "cluster/network.h"

#include <gtest/gtest.h>

#include <vector>

namespace v2v::cluster {
namespace {

struct Seen {
  std::vector<net::PeerId> connected, disconnected;
  std::vector<net::Frame> frames;
  std::vector<std::string> names;
};

Endpoint Record(Seen& s) {
  return Endpoint{[&s](net::PeerId id, const std::string&, const std::string& name) {
                    s.connected.push_back(id);
                    s.names.push_back(name);
                  },
                  [&s](net::PeerId, net::Frame f) { s.frames.push_back(std::move(f)); },
                  [&s](net::PeerId id, const Status&) { s.disconnected.push_back(id); }};
}

net::Frame Control(uint8_t n) { return net::Frame{net::MessageType::kGetBlocks, Bytes{n}}; }

class NetworkTest : public ::testing::Test {
 protected:
  NetworkTest() : net_({"a", "b"}, rng_) {
    net_.Attach(0, Record(a_));
    net_.Attach(1, Record(b_));
  }
  base::Rng rng_{7};
  Network net_;
  Seen a_, b_;
};

TEST_F(NetworkTest, ConnectsByNameAndKeepsControlFramesInOrder) {
  const net::PeerId id = net_.transport(0).Connect("b", 1);
  net_.RunUntil(1000);
  ASSERT_EQ(a_.connected, std::vector<net::PeerId>{id});
  ASSERT_EQ(b_.names, std::vector<std::string>{"a"});
  for (uint8_t i = 0; i < 50; ++i) net_.transport(0).Send(id, Control(i));
  net_.RunUntil(2000);
  ASSERT_EQ(b_.frames.size(), 50u);
  for (uint8_t i = 0; i < 50; ++i) EXPECT_EQ(b_.frames[i].payload, Bytes{i});
}

TEST_F(NetworkTest, APartitionBreaksConnectionsAndRefusesDialsUntilHealed) {
  const net::PeerId id = net_.transport(0).Connect("b", 1);
  net_.RunUntil(1000);
  net_.Partition({0, 1});
  net_.RunUntil(3000);
  EXPECT_EQ(a_.disconnected, std::vector<net::PeerId>{id});
  EXPECT_EQ(b_.disconnected.size(), 1u);
  net_.transport(0).Send(id, Control(1));
  const net::PeerId again = net_.transport(0).Connect("b", 1);
  net_.RunUntil(4000);
  EXPECT_TRUE(b_.frames.empty());
  EXPECT_EQ(a_.disconnected.back(), again) << "refused across the partition";
  net_.Heal();
  net_.transport(0).Connect("b", 1);
  net_.RunUntil(5000);
  EXPECT_EQ(a_.connected.size(), 2u);
}

TEST_F(NetworkTest, ACrashedNodeHearsNothingAndItsPeersSeeTheConnectionDrop) {
  const net::PeerId id = net_.transport(0).Connect("b", 1);
  net_.RunUntil(1000);
  net_.transport(0).Send(id, Control(1));
  net_.Crash(1);
  net_.RunUntil(2000);
  EXPECT_TRUE(b_.frames.empty());
  EXPECT_EQ(a_.disconnected, std::vector<net::PeerId>{id});
}

TEST_F(NetworkTest, GossipFaultsDropAndDuplicate) {
  NetworkFaults f;
  f.drop_gossip = 0.3;
  f.duplicate = 0.3;
  net_.set_faults(f);
  const net::PeerId id = net_.transport(0).Connect("b", 1);
  net_.RunUntil(1000);
  for (int i = 0; i < 200; ++i)
    net_.transport(0).Send(id, net::Frame{net::MessageType::kTransaction, {}});
  net_.RunUntil(5000);
  EXPECT_GT(net_.counts().dropped, 20u);
  EXPECT_GT(net_.counts().duplicated, 20u);
  EXPECT_EQ(b_.frames.size(), 200 - net_.counts().dropped + net_.counts().duplicated);
}

}  // namespace
}  // namespace v2v::cluster
