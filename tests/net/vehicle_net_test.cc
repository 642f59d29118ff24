// Multi-process tests of the vehicle API (docs/spec/vehicle-api.md): real `v2v node` processes
// from `v2v testnet start`, vehicles as `v2v vehicle buy|sell` processes or as in-process
// clients of src/vehicle/, and raw WebSocket frames for what a client library never sends.
// Label "net"; each test makes its own 4-node testnet (period 1 s, T_limit 3 s).
#include <algorithm>
#include <fstream>

#include "market/chain_mechanism.h"
#include "vehicle_net_fixture.h"

namespace v2v {
namespace {

using namespace vehicle_net;  // NOLINT(google-build-using-namespace)

// A buyer and two sellers, each its own `v2v vehicle` process, trade through RSU 0: the prices
// are the exact Theorem 1 prices, the round is in one block on all four nodes, the buyer's
// co-signed readings and the sellers' meter reports settle every escrow, and balances and
// energies move exactly as the contract says.
TEST_F(VehicleNetTest, BuyerAndTwoSellersTradeAndSettle) {
  Start("");
  const std::string rsu = net_.nodes[0].vehicle_api;
  std::map<std::string, json> before;
  for (const char* id : {"car-0", "car-1", "car-2"}) before[id] = Account(0, id);
  const std::string common =
      " --rsu " + rsu + " --ca " + Ca() + " --json --timeout 90 --wait settled";
  const std::string sell =
      std::string(V2V_CLI) + " vehicle sell --available 30 --reserve 5 --loss 0.05 --rounds 1";
  const std::string cmd =
      "( " + sell + common + " --identity " + Car(1) +
      " --cost 150 --range 100:200 --at 100,0 > s1.txt 2>&1 & p1=$!; " + sell + common +
      " --identity " + Car(2) + " --cost 120 --range 90:180 --at 0,100 > s2.txt 2>&1 & p2=$!; " +
      "sleep 1.5; " + V2V_CLI + " vehicle buy" + common + " --identity " + Car(0) +
      " --kwh 2:8 --value 300 --range 200:400 --willingness 3 --at 0,0 > b.txt 2>&1; echo $? > "
      "b.rc; " +
      "wait $p1; echo $? > s1.rc; wait $p2; echo $? > s2.rc )";
  testing::RunCommand(cmd, scratch_);
  ASSERT_EQ(testing::Slurp(scratch_ / "b.rc"), "0\n");
  EXPECT_EQ(testing::Slurp(scratch_ / "s1.rc"), "0\n");
  EXPECT_EQ(testing::Slurp(scratch_ / "s2.rc"), "0\n");

  const auto events = Events("b.txt");
  const auto schemes = Of(events, "scheme");
  ASSERT_EQ(schemes.size(), 1u);
  const json trades = schemes[0]["trades"];
  ASSERT_FALSE(trades.empty());
  const std::map<std::string, std::pair<int64_t, int64_t>> cost = {{"car-1", {150, 100}},
                                                                   {"car-2", {120, 90}}};
  int64_t paid = 0, got_wh = 0;
  std::map<std::string, int64_t> seller_paid, seller_wh;
  for (const auto& t : trades) {
    const auto& [c, c_min] = cost.at(t["counterparty"].get<std::string>());
    EXPECT_EQ(t["price"].get<int64_t>(), market::PriceExact(300, 400, c, c_min).t);
    const int64_t wh = t["energy_wh"].get<int64_t>();
    paid += chain::Payment(t["price"].get<int64_t>(), wh);
    got_wh += wh;
    seller_paid[t["counterparty"]] += chain::Payment(t["price"].get<int64_t>(), wh);
    seller_wh[t["counterparty"]] += wh + chain::LossWh(wh, 50'000);
  }
  EXPECT_GE(got_wh, 2000);
  EXPECT_LE(got_wh, 8000);
  const auto committed = Of(events, "committed");
  ASSERT_EQ(committed.size(), 1u);
  const uint64_t block = committed[0]["block"].get<uint64_t>();
  const std::string round_tx = committed[0]["round_tx"].get<std::string>();
  EXPECT_EQ(Of(events, "settled").size(), trades.size());
  // The round is in the same block on all four nodes; every node ends with the same balances.
  for (size_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(WaitFor(
        [&] {
          auto b = rpc::Call(net_.nodes[i].rpc, "chain_getBlockByNumber", {block, false});
          if (!b.ok()) return false;
          for (const auto& h : (*b)["txs"]) {
            if (h == round_tx) return true;
          }
          return false;
        },
        seconds(20)))
        << net_.nodes[i].name << " has no round tx at block " << block;
    ASSERT_TRUE(WaitFor(
        [&] {
          const json b = Account(i, "car-0");
          return b.is_object() &&
                 b["balance"].get<int64_t>() == before["car-0"]["balance"].get<int64_t>() - paid;
        },
        seconds(20)))
        << net_.nodes[i].name;
    EXPECT_EQ(Account(i, "car-0")["energy_wh"].get<int64_t>(),
              before["car-0"]["energy_wh"].get<int64_t>() + got_wh);
    for (const char* s : {"car-1", "car-2"}) {
      EXPECT_EQ(Account(i, s)["balance"].get<int64_t>(),
                before[s]["balance"].get<int64_t>() + seller_paid[s]);
      EXPECT_EQ(Account(i, s)["energy_wh"].get<int64_t>(),
                before[s]["energy_wh"].get<int64_t>() - seller_wh[s]);
    }
  }
}

// The grid model on chain (contract C-4.7), through real nodes: the genesis from `testnet start
// --grid` gives rsu-0's area a flat 250 and every other area a flat 20 with feed-in 30. At rsu-0
// the round is priced on the buyer's range capped at 250, on all four nodes; at rsu-1 the grid is
// cheaper than any seller, and the buyer is refused `grid_cheaper` at once. The buyer also states
// its car (C-4.8): 6 kW for 600 s after its bid, so the pair moves at most 1 kWh.
TEST_F(VehicleNetTest, UnderAGridTariffTheChainPricesAgainstTheBuyersOption) {
  const fs::path grid = fs::temp_directory_path() / ("v2v_vnet_grid_" + std::to_string(::getpid()));
  std::ofstream(grid)
      << R"([{"rsu": "rsu-0", "import": [{"start_s": 0, "price": 250}], "feed_in": 30},
                             {"import": [{"start_s": 0, "price": 20}], "feed_in": 30}])";
  Start("--grid " + grid.string());
  fs::remove(grid);
  OneSellerThenOneBuyer("--kwh 0.5:8 --max-power-kw 6 --stay 600");
  ASSERT_EQ(testing::Slurp(scratch_ / "b.rc"), "0\n");
  const auto schemes = Of(Events("b.txt"), "scheme");
  ASSERT_EQ(schemes.size(), 1u);
  ASSERT_FALSE(schemes[0]["trades"].empty());
  for (const auto& t : schemes[0]["trades"]) {
    // v 300 and v_max 400 capped at 250; the seller's floor ceil(30 x 1.05) = 32 is below c_min.
    EXPECT_EQ(t["price"].get<int64_t>(), market::PriceExact(250, 250, 150, 100).t);
    EXPECT_LE(t["price"].get<int64_t>(), 250);
    EXPECT_GE(t["energy_wh"].get<int64_t>(), 500);
    EXPECT_LE(t["energy_wh"].get<int64_t>(), 1000);  // 6 kW for at most 600 s
  }
  const auto committed = Of(Events("b.txt"), "committed");
  ASSERT_EQ(committed.size(), 1u);

  SyncVehicle v(net_.nodes[1].vehicle_api, Ca());
  auto car2 = vehicle::LoadIdentity(Car(2));
  ASSERT_TRUE(car2.ok());
  const auto round = v.Call("vehicle_getRound", {"current"}).result;
  auto network = chain::ParseNetworkHex(round["network"].get<std::string>());
  ASSERT_TRUE(network.ok()) << round.dump();
  car2->network = *network;
  // The RSU names its area's tariff, as the genesis has it (the "" area: rsu-1 is not named).
  EXPECT_EQ(round["grid"]["import"][0]["price"], 20) << round.dump();
  EXPECT_EQ(round["grid"]["feed_in"], 30);
  vehicle::BuyerTerms bt{300, 200, 400, 1000, 4000, 2000, 0, 0};
  const auto r = v.Call(
      "vehicle_request",
      {vehicle::Hex(vehicle::SignBuyerBid(*car2, 1, round["rsu"].get<std::string>(),
                                          round["round"].get<uint64_t>(), bt, v.ServerNowS()))});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason(), "grid_cheaper");
}

// A genesis that names the k-double auction (contract C-4.9), through real nodes: `testnet start
// --mechanism k-double-auction` (k = 1/2). The buyer's v 300 and the seller's c 150 are the
// marginal pair, so the pair trades at (300 + 150) / 2 = 225, not at Theorem 1's price, and moves
// the buyer's whole 8 kWh (the seller has 25 kWh above its reserve); every node accepted the
// round the RSU built, and vehicle_getRound names the mechanism.
TEST_F(VehicleNetTest, UnderTheKDoubleAuctionTheChainPricesAtTheMarginalPair) {
  Start("--mechanism k-double-auction");
  OneSellerThenOneBuyer("--kwh 2:8");
  ASSERT_EQ(testing::Slurp(scratch_ / "b.rc"), "0\n");
  const auto schemes = Of(Events("b.txt"), "scheme");
  ASSERT_EQ(schemes.size(), 1u);
  ASSERT_EQ(schemes[0]["trades"].size(), 1u) << schemes[0].dump();
  const json t = schemes[0]["trades"][0];
  EXPECT_EQ(t["price"].get<int64_t>(), market::KDoublePriceExact(500'000, 300, 150));
  EXPECT_NE(t["price"].get<int64_t>(), market::PriceExact(300, 400, 150, 100).t);
  EXPECT_EQ(t["energy_wh"].get<int64_t>(), 8'000);
  const auto committed = Of(Events("b.txt"), "committed");
  ASSERT_EQ(committed.size(), 1u);
  const uint64_t block = committed[0]["block"].get<uint64_t>();
  const std::string round_tx = committed[0]["round_tx"].get<std::string>();
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_TRUE(WaitFor(
        [&] {
          auto b = rpc::Call(net_.nodes[i].rpc, "chain_getBlockByNumber", {block, false});
          return b.ok() && (*b)["txs"].is_array() &&
                 std::find((*b)["txs"].begin(), (*b)["txs"].end(), round_tx) != (*b)["txs"].end();
        },
        seconds(20)))
        << net_.nodes[i].name << " has no round tx at block " << block;
  }

  SyncVehicle v(net_.nodes[2].vehicle_api, Ca());
  const auto round = v.Call("vehicle_getRound", {"current"}).result;
  EXPECT_EQ(round["mechanism"]["name"], "k-double-auction") << round.dump();
  EXPECT_EQ(round["mechanism"]["k_ppm"], 500'000);
}

// An offer after T_stamp + T_limit is refused with deadline_passed and the server time, and is not
// in the round; a refund after an unreported escrow's deadline is covered by the next test.
TEST_F(VehicleNetTest, RefusalsRecordNothing) {
  Start("");
  const std::string url = net_.nodes[1].vehicle_api;
  SyncVehicle v(url, Ca());
  auto car0 = vehicle::LoadIdentity(Car(0));
  auto car1 = vehicle::LoadIdentity(Car(1));
  auto car2 = vehicle::LoadIdentity(Car(2));
  ASSERT_TRUE(car0.ok() && car1.ok() && car2.ok());
  vehicle::BuyerTerms bt{300, 200, 400, 1000, 4000, 2000, 0, 0};
  vehicle::SellerTerms st{150, 100, 200, 20000, 5000, 50000, 10, 0};
  const auto round = v.Call("vehicle_getRound", {"current"}).result;
  const uint64_t n = round["round"].get<uint64_t>();
  const std::string rsu = round["rsu"].get<std::string>();
  // The network to sign for, as the RSU names it (a trader learns it the same way).
  auto network = chain::ParseNetworkHex(round["network"].get<std::string>());
  ASSERT_TRUE(network.ok()) << round.dump();
  car0->network = car1->network = car2->network = *network;
  auto reason = [&](const std::string& method, const chain::Tx& tx) {
    const auto r = v.Call(method, {vehicle::Hex(tx)});
    EXPECT_FALSE(r.ok) << method;
    EXPECT_TRUE(r.data.contains("server_time")) << r.data.dump();
    return r.reason();
  };
  const int64_t now = v.ServerNowS();
  chain::Tx forged = vehicle::SignBuyerBid(*car0, 1, rsu, n, bt, now);
  forged.signature.bytes[5] ^= 0x40;
  EXPECT_EQ(reason("vehicle_request", forged), "bad_signature");
  EXPECT_EQ(reason("vehicle_request", vehicle::SignBuyerBid(*car0, 3, rsu, n, bt, now)),
            "bad_nonce");
  vehicle::BuyerTerms low = bt;
  low.v_min = 50;
  const auto bound =
      v.Call("vehicle_request", {vehicle::Hex(vehicle::SignBuyerBid(*car0, 1, rsu, n, low, now))});
  EXPECT_EQ(bound.reason(), "invalid_bid");
  EXPECT_EQ(bound.data["bound"], "v_min");
  EXPECT_EQ(reason("vehicle_request", vehicle::SignBuyerBid(*car0, 1, rsu, n, bt, now - 60)),
            "clock_skew");
  // The same bid signed for another network (another genesis) is refused as such.
  chain::Tx elsewhere = vehicle::SignBuyerBid(*car0, 1, rsu, n, bt, now);
  elsewhere.network ^= 1;
  chain::SignTx(elsewhere, car0->key);
  EXPECT_EQ(reason("vehicle_request", elsewhere), "wrong_network");

  // A certificate from another CA cannot register.
  auto other_ca = crypto::PrivateKey::Generate();
  auto stranger = crypto::PrivateKey::Generate();
  ASSERT_TRUE(other_ca.ok() && stranger.ok());
  auto ca_der = crypto::MakeCaCertificate(
      *other_ca, {"other CA", *crypto::RandomSerial(), now - 10, now + 86400});
  ASSERT_TRUE(ca_der.ok());
  auto cert = crypto::IssueCertificate(*other_ca, *ca_der,
                                       {"car-x", crypto::Role::kVehicle, stranger->public_key(),
                                        *crypto::RandomSerial(), now - 10, now + 86400});
  ASSERT_TRUE(cert.ok());
  chain::Tx reg;
  reg.network = *network;
  reg.sender = "car-x";
  reg.nonce = 1;
  reg.body = chain::Register{crypto::Role::kVehicle, *cert};
  chain::SignTx(reg, *stranger);
  EXPECT_EQ(reason("vehicle_register", reg), "bad_certificate");
  // Nor one of this network's CA that has expired.
  auto our_ca = testnet::ReadKey((dir_ / "ca" / "ca.key").string());
  auto our_ca_der = crypto::CertificatePemToDer(testing::Slurp(Ca()));
  ASSERT_TRUE(our_ca.ok() && our_ca_der.ok());
  auto old_cert = crypto::IssueCertificate(*our_ca, *our_ca_der,
                                           {"car-y", crypto::Role::kVehicle, stranger->public_key(),
                                            *crypto::RandomSerial(), now - 86400, now - 3600});
  ASSERT_TRUE(old_cert.ok());
  reg.sender = "car-y";
  reg.body = chain::Register{crypto::Role::kVehicle, *old_cert};
  chain::SignTx(reg, *stranger);
  EXPECT_EQ(reason("vehicle_register", reg), "certificate_expired");

  // Replay: a bid accepted at RSU 1 and recorded (its round closes with no seller) is replayed
  // to RSU 2 and refused there.
  const chain::Tx bid = vehicle::SignBuyerBid(*car0, 1, rsu, n, bt, v.ServerNowS());
  const auto ok = v.Call("vehicle_request", {vehicle::Hex(bid)});
  ASSERT_TRUE(ok.ok) << ok.message;
  EXPECT_EQ(v.Call("vehicle_request", {vehicle::Hex(bid)}).result["bid_hash"],
            ok.result["bid_hash"]);  // idempotent
  // An offer after the deadline: refused with deadline_passed, and not in the round.
  std::this_thread::sleep_for(seconds(5));
  const auto late =
      v.Call("vehicle_offer",
             {vehicle::Hex(vehicle::SignSellerBid(*car2, 1, rsu, n, st, v.ServerNowS()))});
  EXPECT_EQ(late.reason(), "deadline_passed");
  EXPECT_EQ(late.data["deadline"], ok.result["deadline"]);
  ASSERT_TRUE(WaitFor(
      [&] { return v.Call("vehicle_getRound", {n}).result.value("state", "") == "committed"; },
      seconds(20)));
  EXPECT_TRUE(v.Call("vehicle_getRound", {n}).result["sellers"].empty());
  ASSERT_TRUE(WaitFor([&] { return Account(2, "car-0")["nonce"] == 1; }, seconds(20)));
  SyncVehicle other(net_.nodes[2].vehicle_api, Ca());
  EXPECT_EQ(other.Call("vehicle_request", {vehicle::Hex(bid)}).reason(), "replayed");

  // Revoked on the ledger with `v2v ca revoke --rpc`: refused.
  const auto r = V2V("ca revoke --ca " + (dir_ / "ca").string() + " --cert " + Car(1) +
                     "/cert.pem --rpc " + net_.nodes[0].rpc);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto account = v.Call("vehicle_getAccount", {"car-1"});
  ASSERT_TRUE(WaitFor(
      [&] { return v.Call("vehicle_getAccount", {"car-1"}).result.value("revoked", false); },
      seconds(20)));
  const auto open = v.Call("vehicle_getRound", {"current"}).result["round"].get<uint64_t>();
  EXPECT_EQ(
      reason("vehicle_request", vehicle::SignBuyerBid(*car1, 1, rsu, open, bt, v.ServerNowS())),
      "certificate_revoked");
  // Nothing of the refused ones was recorded: car-1 and car-2 never used a nonce.
  EXPECT_EQ(Account(1, "car-1")["nonce"], 0);
  EXPECT_EQ(Account(1, "car-2")["nonce"], 0);
  (void)account;

  // Raw frames: malformed JSON, an oversized message, a request that is not a WebSocket upgrade.
  auto u = vehicle::ParseRsuUrl(url);
  RawTls raw(*u);
  raw.Upgrade(*u);
  const auto parse =
      json::parse(raw.Exchange("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\""), nullptr, false);
  EXPECT_EQ(parse["error"]["code"], -32700);
  EXPECT_EQ(raw.Exchange(std::string(70 * 1024, ' ')), "");  // closed (1009)
  RawTls plain(*u);
  beast::http::request<beast::http::empty_body> get(beast::http::verb::get, "/vehicle", 11);
  get.set(beast::http::field::host, u->host);
  beast::http::write(plain.ws.next_layer(), get);
  beast::flat_buffer buf;
  beast::http::response<beast::http::string_body> res;
  beast::http::read(plain.ws.next_layer(), buf, res);
  EXPECT_EQ(res.result(), beast::http::status::bad_request);
}

// An escrow whose seller never reports is refunded after its deadline (the buyer sends the
// Refund): the buyer's money and the seller's energy are back where they were.
TEST_F(VehicleNetTest, UnreportedEscrowIsRefunded) {
  Start("--settle-window 3");
  const std::string rsu = net_.nodes[3].vehicle_api;
  std::map<std::string, json> before;
  for (const char* id : {"car-0", "car-1"}) before[id] = Account(0, id);
  const std::string common = " --rsu " + rsu + " --ca " + Ca() + " --json --timeout 90";
  const std::string cmd =
      "( " + std::string(V2V_CLI) + " vehicle sell" + common + " --identity " + Car(1) +
      " --available 30 --reserve 5 --loss 0 --cost 150 --range 100:200 --at 0,0 --rounds 1"
      " --wait committed --no-report > s1.txt 2>&1 & p1=$!; sleep 1.5; " +
      V2V_CLI + " vehicle buy" + common + " --wait settled --identity " + Car(0) +
      " --kwh 1:3 --value 300 --range 200:400 --willingness 2 --at 0,0 > b.txt 2>&1;"
      " echo $? > b.rc; wait $p1; echo $? > s1.rc )";
  testing::RunCommand(cmd, scratch_);
  ASSERT_EQ(testing::Slurp(scratch_ / "b.rc"), "0\n");
  const auto events = Events("b.txt");
  ASSERT_EQ(Of(events, "scheme").size(), 1u);
  ASSERT_FALSE(Of(events, "scheme")[0]["trades"].empty());
  EXPECT_EQ(Of(events, "refunded").size(), Of(events, "scheme")[0]["trades"].size());
  EXPECT_TRUE(Of(events, "settled").empty());
  ASSERT_TRUE(WaitFor(
      [&] {
        return Account(2, "car-0")["balance"] == before["car-0"]["balance"] &&
               Account(2, "car-1")["energy_wh"] == before["car-1"]["energy_wh"];
      },
      seconds(20)));
}

}  // namespace
}  // namespace v2v
