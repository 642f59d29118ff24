// An RSU killed with SIGKILL while its round is open (label "net"; real `v2v node` and
// `v2v vehicle` processes on loopback). The buyer and the seller in that round lose their
// connection (they say so, then give up at their --timeout), bid again at another RSU with the
// nonces the ledger expects and trade there; the dead RSU's half-collected round never reaches
// the chain of the three nodes that go on sealing.
#include <signal.h>

#include "vehicle_net_fixture.h"

namespace v2v {
namespace {

using namespace vehicle_net;  // NOLINT(google-build-using-namespace)

class RsuFailureNetTest : public VehicleNetTest {
 protected:
  std::string Sell(size_t node, int timeout_s) const {
    return std::string(V2V_CLI) + " vehicle sell" + Common(node, timeout_s) + " --identity " +
           Car(1) +
           " --available 30 --reserve 5 --loss 0.05 --cost 150 --range 100:200 --at 0,0 --rounds 1";
  }
  std::string Buy(size_t node, int timeout_s) const {
    return std::string(V2V_CLI) + " vehicle buy" + Common(node, timeout_s) + " --identity " +
           Car(0) + " --kwh 2:8 --value 300 --range 200:400 --willingness 3 --at 0,0";
  }
  // The trading rounds in node i's canonical chain (explorer's market_rounds).
  json Rounds(size_t i) {
    auto r = rpc::Call(net_.nodes[i].rpc, "market_rounds", {0});
    return r.ok() ? *r : json();
  }

 private:
  std::string Common(size_t node, int timeout_s) const {
    return " --rsu " + net_.nodes[node].vehicle_api + " --ca " + Ca() +
           " --json --wait committed --timeout " + std::to_string(timeout_s);
  }
};

TEST_F(RsuFailureNetTest,
       AnRsuKilledWithItsRoundOpenLeavesNothingHalfAndItsVehiclesTradeElsewhere) {
  Start("");
  // At RSU 0: the seller waits for a call, the buyer's request opens the round, the seller offers.
  testing::RunCommand("( ( " + Sell(0, 8) + " > s0.txt 2>&1; echo $? > s0.rc ) & ( sleep 1.5; " +
                          Buy(0, 8) + " > b0.txt 2>&1; echo $? > b0.rc ) & )",
                      scratch_);
  ASSERT_TRUE(WaitFor(
      [&] {
        return !Of(Events("s0.txt"), "accepted").empty() &&
               !Of(Events("b0.txt"), "accepted").empty();
      },
      seconds(30)));
  const uint64_t dead_round = Of(Events("s0.txt"), "accepted")[0]["round"].get<uint64_t>();
  ASSERT_EQ(Of(Events("b0.txt"), "accepted")[0]["round"], dead_round);
  // Killed before the round's deadline (T_limit 3 s after the request).
  ASSERT_TRUE(testnet::IsNodeProcess(net_.nodes[0].pid, net_.nodes[0].config));
  ASSERT_EQ(::kill(net_.nodes[0].pid, SIGKILL), 0);

  // Both vehicles are told the connection is gone, and give up without a scheme.
  ASSERT_TRUE(
      WaitFor([&] { return fs::exists(scratch_ / "s0.rc") && fs::exists(scratch_ / "b0.rc"); },
              seconds(40)));
  for (const char* who : {"b0", "s0"}) {
    const auto events = Events(std::string(who) + ".txt");
    EXPECT_EQ(testing::Slurp(scratch_ / (std::string(who) + ".rc")), "1\n") << who;
    EXPECT_FALSE(Of(events, "reconnecting").empty()) << who;
    EXPECT_TRUE(Of(events, "scheme").empty()) << who;
    EXPECT_TRUE(Of(events, "committed").empty()) << who;
  }

  // The same two vehicles bid again at RSU 1 and trade there.
  testing::RunCommand("( " + Sell(1, 60) + " > s1.txt 2>&1 & p=$!; sleep 1.5; " + Buy(1, 60) +
                          " > b1.txt 2>&1; echo $? > b1.rc; wait $p; echo $? > s1.rc )",
                      scratch_);
  ASSERT_EQ(testing::Slurp(scratch_ / "b1.rc"), "0\n");
  EXPECT_EQ(testing::Slurp(scratch_ / "s1.rc"), "0\n");
  const auto committed = Of(Events("b1.txt"), "committed");
  ASSERT_EQ(committed.size(), 1u);
  const uint64_t block = committed[0]["block"].get<uint64_t>();
  ASSERT_FALSE(Of(Events("b1.txt"), "scheme").at(0)["trades"].empty());

  // On the three live nodes: RSU 1's round with both bids, nothing of RSU 0's, and each vehicle
  // used exactly one nonce (the bids of the dead round were never recorded).
  for (size_t i = 1; i < 4; ++i) {
    ASSERT_TRUE(WaitFor(
        [&] {
          auto head = rpc::Call(net_.nodes[i].rpc, "chain_head", json::array());
          return head.ok() && (*head)["height"].get<uint64_t>() >= block;
        },
        seconds(20)))
        << net_.nodes[i].name;
    const json rounds = Rounds(i);
    ASSERT_TRUE(rounds.is_array()) << net_.nodes[i].name;
    int at_rsu1 = 0;
    for (const auto& r : rounds) {
      EXPECT_NE(r["rsu"], net_.nodes[0].name)
          << "round " << r["round"] << " of the killed RSU (its open round was " << dead_round
          << ") on " << net_.nodes[i].name;
      if (r["rsu"] == net_.nodes[1].name && r["buyers"] == 1 && r["sellers"] == 1) ++at_rsu1;
    }
    EXPECT_EQ(at_rsu1, 1) << rounds.dump();
    EXPECT_EQ(Account(i, "car-0")["nonce"], 1) << net_.nodes[i].name;
    EXPECT_EQ(Account(i, "car-1")["nonce"], 1) << net_.nodes[i].name;
  }
}

}  // namespace
}  // namespace v2v
