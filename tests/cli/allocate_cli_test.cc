// End-to-end tests of `v2v allocate` as a user runs it: exit codes, stderr, stdout JSON.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "testing/shell.h"

namespace {

namespace fs = std::filesystem;

using CliRun = v2v::testing::CommandResult;
using v2v::testing::Slurp;

CliRun Allocate(const std::string& input_text, const std::string& extra = "") {
  const fs::path dir = fs::temp_directory_path() / ("v2v_cli_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path in = dir / "market.json";
  std::ofstream(in) << input_text;
  CliRun r = v2v::testing::RunCommand(
      std::string(V2V_CLI) + " allocate --input " + in.string() + " " + extra, dir);
  fs::remove_all(dir);
  return r;
}

const std::string kValid = R"({"auctioneer": {"v_min": 0.4, "c_max": 1.0, "l1": 0.5, "l2": 0.1},
  "buyers": [{"id": "b1", "v": 0.9, "v_min": 0.5, "v_max": 1.0, "b_min": 1, "b_max": 10, "w": 3, "x": 0, "y": 0}],
  "sellers": [{"id": "s1", "c": 0.5, "c_min": 0.4, "c_max": 0.9, "s_t": 30, "s_r": 5, "rho": 0.05, "x": 100, "y": 0}]})";

void ExpectBadInput(const CliRun& r, const std::string& names) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find(names), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
}

TEST(AllocateCliTest, ValidMarketPrintsTheDocumentedJson) {
  CliRun r = Allocate(kValid);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  for (const char* key :
       {"pairs", "rejected", "unserved", "welfare", "duality_gap", "buyers", "sellers"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  ASSERT_EQ(j["pairs"].size(), 1u);
  const auto& p = j["pairs"][0];
  for (const char* key : {"buyer", "seller", "distance_m", "P", "R", "T", "trade", "volume"}) {
    EXPECT_TRUE(p.contains(key)) << key;
  }
  EXPECT_DOUBLE_EQ(p["distance_m"].get<double>(), 100.0);
  EXPECT_TRUE(p["trade"].get<bool>());
  EXPECT_GT(p["volume"].get<double>(), 1.0);
  EXPECT_LE(j["duality_gap"].get<double>(), 1e-8);
  EXPECT_NEAR(j["buyers"][0]["pays"].get<double>(), j["sellers"][0]["earns"].get<double>(), 1e-12);
}

TEST(AllocateCliTest, OutputFlagWritesTheFile) {
  const fs::path out = fs::temp_directory_path() / "v2v_cli_output.json";
  CliRun r = Allocate(kValid, "--output " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(nlohmann::json::parse(Slurp(out)).contains("pairs"));
  fs::remove(out);
}

TEST(AllocateCliTest, BadInputExitsTwoWithOneLineNamingTheField) {
  ExpectBadInput(Allocate("{\"auctioneer\": "), "not valid JSON");
  ExpectBadInput(Allocate("{\"auctioneer\": {\"v_min\": NaN}}"), "not valid JSON");
  std::string missing = kValid;
  missing.replace(missing.find("\"w\": 3, "), 8, "");
  ExpectBadInput(Allocate(missing), "buyers[0].w: missing");
  std::string mistyped = kValid;
  mistyped.replace(mistyped.find("\"s_t\": 30"), 9, "\"s_t\": \"30\"");
  ExpectBadInput(Allocate(mistyped), "sellers[0].s_t: expected a number");
  std::string negative = kValid;
  negative.replace(negative.find("\"b_min\": 1"), 10, "\"b_min\": -1");
  ExpectBadInput(Allocate(negative), "buyers[0].b_min");
  std::string dup = kValid;
  dup.replace(dup.find("\"id\": \"s1\""), 10, "\"id\": \"b1\"");
  ExpectBadInput(Allocate(dup), "duplicate id");
  std::string unknown = kValid;
  unknown.replace(unknown.find("\"l2\": 0.1"), 9, "\"l2\": 0.1, \"l3\": 1");
  ExpectBadInput(Allocate(unknown), "auctioneer.l3: unknown key");
  std::string huge = kValid;
  huge.replace(huge.find("\"x\": 100"), 8, "\"x\": 1e400");
  EXPECT_EQ(Allocate(huge).exit_code, 2);
}

// nlohmann::json alone keeps the last of two equal keys; the input format refuses them.
TEST(AllocateCliTest, DuplicateKeysAndOversizedInputAreInputErrors) {
  std::string twice = kValid;
  twice.replace(twice.find("\"v\": 0.9"), 8, "\"v\": 0.9, \"v\": 0.6");
  ExpectBadInput(Allocate(twice), "buyers[0].v: duplicate key");
  std::string root_twice = kValid;
  root_twice.insert(root_twice.rfind('}'), ", \"sellers\": []");
  ExpectBadInput(Allocate(root_twice), "sellers: duplicate key");
  // 16 MiB is the documented limit: one byte more (valid JSON padded with spaces) is refused.
  std::string big = kValid;
  big.append((size_t{16} << 20) + 1 - big.size(), ' ');
  ExpectBadInput(Allocate(big), "market.json: larger than 16777216 bytes");
  big.pop_back();
  EXPECT_EQ(Allocate(big).exit_code, 0);
  ExpectBadInput(Allocate(std::string(100, '[') + std::string(100, ']')),
                 "nested deeper than 16 levels");
}

TEST(AllocateCliTest, DirectoryOrEndlessInputIsOneLine) {
  const fs::path d = fs::temp_directory_path() / ("v2v_cli_zero_" + std::to_string(::getpid()));
  fs::create_directories(d / "sub");
  ExpectBadInput(v2v::testing::RunCommand(std::string(V2V_CLI) + " allocate --input sub", d),
                 "sub: is a directory");
  ExpectBadInput(v2v::testing::RunCommand(std::string(V2V_CLI) + " allocate --input /dev/zero", d),
                 "/dev/zero: larger than 16777216 bytes");
  fs::remove_all(d);
}

TEST(AllocateCliTest, InvalidBidIsRejectedAndTheRoundGoesOn) {
  std::string text = kValid;
  text.replace(text.find("\"c\": 0.5"), 8, "\"c\": 0.95");  // outside [c_min, c_max]
  CliRun r = Allocate(text);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["rejected"].size(), 1u);
  EXPECT_EQ(j["rejected"][0]["id"], "s1");
  EXPECT_TRUE(j["pairs"].empty());
}

// The grid model (docs/model.md section 11): a buyer whose outside option less the fee does not
// beat the feed-in price is left out with the typed code, and the round goes on; the other buyer
// pays no more than its outside option less the fee.
TEST(AllocateCliTest, GridTermsLeaveOutABuyerTheGridServesBetter) {
  std::string text = kValid;
  text.replace(text.find("\"l2\": 0.1"), 9,
               "\"l2\": 0.1, \"grid\": {\"feed_in_per_kwh\": 0.3, \"fee_per_kwh\": 0.02}");
  const std::string first_buyer_end = "\"x\": 0, \"y\": 0}";
  text.replace(
      text.find(first_buyer_end), first_buyer_end.size(),
      "\"x\": 0, \"y\": 0, \"outside_option_per_kwh\": 0.72}, {\"id\": \"b2\", \"v\": 0.9, "
      "\"v_min\": 0.5, \"v_max\": 1.0, \"b_min\": 1, \"b_max\": 10, \"w\": 3, \"x\": 0, "
      "\"y\": 0, \"outside_option_per_kwh\": 0.31}");
  CliRun r = Allocate(text);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["rejected"].size(), 1u) << r.out;
  EXPECT_EQ(j["rejected"][0]["id"], "b2");
  EXPECT_EQ(j["rejected"][0]["code"], "grid_cheaper");
  ASSERT_EQ(j["pairs"].size(), 1u);
  EXPECT_TRUE(j["pairs"][0]["trade"].get<bool>());
  EXPECT_LE(j["pairs"][0]["T"].get<double>(), 0.70 + 1e-12);
  EXPECT_GE(j["pairs"][0]["T"].get<double>(), 0.3 * 1.05 - 1e-12);

  std::string negative = text;
  negative.replace(negative.find("0.72"), 4, "-0.7");
  ExpectBadInput(Allocate(negative), "buyers[0].outside_option_per_kwh");
  std::string no_feed_in = kValid;
  no_feed_in.replace(no_feed_in.find("\"l2\": 0.1"), 9, "\"l2\": 0.1, \"grid\": {}");
  ExpectBadInput(Allocate(no_feed_in), "auctioneer.grid.feed_in_per_kwh: missing");
  std::string not_object = kValid;
  not_object.replace(not_object.find("\"l2\": 0.1"), 9, "\"l2\": 0.1, \"grid\": 3");
  ExpectBadInput(Allocate(not_object), "auctioneer.grid: expected an object");
}

// --mechanism clears the declared bids one unit per trader (docs/mechanisms.md): two buyers
// (0.9, 0.6) and two sellers (0.5, 0.7) pooled, so one pair is efficient (0.9 >= 0.5,
// 0.6 < 0.7). VCG: the buyer pays max(0.6, 0.5), the seller receives min(0.7, 0.9).
TEST(AllocateCliTest, MechanismClearsTheDeclaredBidsOneUnitPerTrader) {
  std::string text = kValid;
  const std::string first_buyer_end = "\"x\": 0, \"y\": 0}";
  text.replace(text.find(first_buyer_end), first_buyer_end.size(),
               first_buyer_end +
                   ", {\"id\": \"b2\", \"v\": 0.6, \"v_min\": 0.5, \"v_max\": 1.0, "
                   "\"b_min\": 1, \"b_max\": 10, \"w\": 3, \"x\": 0, \"y\": 0}");
  const std::string seller_end = "\"x\": 100, \"y\": 0}";
  text.replace(text.find(seller_end), seller_end.size(),
               seller_end +
                   ", {\"id\": \"s2\", \"c\": 0.7, \"c_min\": 0.4, \"c_max\": 0.9, "
                   "\"s_t\": 30, \"s_r\": 5, \"rho\": 0.05, \"x\": 0, \"y\": 50}");
  // A bid that breaks Algorithm 1's checks (v above its v_max) is rejected, not cleared: were it
  // cleared, b3 would outbid b1.
  const std::string b1_end = "\"x\": 0, \"y\": 0}";
  text.replace(text.find(b1_end), b1_end.size(),
               b1_end +
                   ", {\"id\": \"b3\", \"v\": 1.5, \"v_min\": 0.5, \"v_max\": 1.0, "
                   "\"b_min\": 1, \"b_max\": 10, \"w\": 3, \"x\": 0, \"y\": 0}");
  CliRun vcg = Allocate(text, "--mechanism vcg");
  ASSERT_EQ(vcg.exit_code, 0) << vcg.err;
  auto j = nlohmann::json::parse(vcg.out);
  EXPECT_EQ(j["mechanism"], "vcg");
  ASSERT_EQ(j["rejected"].size(), 1u) << vcg.out;
  EXPECT_EQ(j["rejected"][0]["id"], "b3");
  EXPECT_NE(j["rejected"][0]["reason"].get<std::string>().find("outside [v_min, v_max]"),
            std::string::npos);
  ASSERT_EQ(j["trades"].size(), 1u) << vcg.out;
  EXPECT_EQ(j["trades"][0]["buyer"], "b1");
  EXPECT_EQ(j["trades"][0]["seller"], "s1");
  EXPECT_DOUBLE_EQ(j["trades"][0]["buyer_pays"].get<double>(), 0.6);
  EXPECT_DOUBLE_EQ(j["trades"][0]["seller_receives"].get<double>(), 0.7);
  EXPECT_NEAR(j["budget"].get<double>(), -0.1, 1e-12);
  EXPECT_NEAR(j["surplus"].get<double>(), 0.4, 1e-12);

  CliRun kda = Allocate(text, "--mechanism k-double-auction --k 1");
  ASSERT_EQ(kda.exit_code, 0) << kda.err;
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(kda.out)["trades"][0]["buyer_pays"].get<double>(), 0.9);
  CliRun posted = Allocate(text, "--mechanism posted-price --posted-price 0.65 --table");
  ASSERT_EQ(posted.exit_code, 0) << posted.err;
  EXPECT_NE(posted.out.find("mechanism posted-price: 1 trade(s)"), std::string::npos) << posted.out;

  ExpectBadInput(Allocate(text, "--mechanism dutch"), "unknown mechanism \"dutch\" (known: ");
  ExpectBadInput(Allocate(text, "--mechanism posted-price"), "posted-price: needs a price");
  ExpectBadInput(Allocate(text, "--mechanism k-double-auction --k 2"), "k must lie in [0, 1]");
}

TEST(AllocateCliTest, MissingFileAndUsageErrors) {
  const std::string cmd = std::string(V2V_CLI) + " allocate --input /nonexistent.json 2>/dev/null";
  int status = std::system(cmd.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
  status = std::system((std::string(V2V_CLI) + " allocate >/dev/null 2>&1").c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);  // --input is required
  status = std::system((std::string(V2V_CLI) + " --help >/dev/null").c_str());
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
