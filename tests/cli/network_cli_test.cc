// End-to-end tests of `v2v network init` as an operator runs it (docs/network.md, "From hosts to
// a network"). The nodes it configures are started in tests/net/network_init_net_test.cc.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "testing/shell.h"

namespace {

namespace fs = std::filesystem;

using CliRun = v2v::testing::CommandResult;
using v2v::testing::Slurp;

constexpr const char* kThreeHosts = R"(# three RSU machines
[network]
name = "city-a"
genesis_delay_s = 60

[[rsu]]
name = "rsu-0"
address = "10.0.0.1"

[[rsu]]
name = "rsu-1"
address = "10.0.0.2"
rpc_port = 9545

[[rsu]]
name = "rsu-2"
address = "2001:db8::2"
)";

class NetworkCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("v2v_network_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliRun V2v(const std::string& args) {
    return v2v::testing::RunCommand(std::string(V2V_CLI) + " " + args, dir_);
  }
  CliRun Init(const std::string& hosts_text, const std::string& out = "out") {
    std::ofstream(dir_ / "hosts.toml") << hosts_text;
    return V2v("network init --hosts hosts.toml --out " + out);
  }

  fs::path dir_;
};

mode_t Mode(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

TEST_F(NetworkCli, InitWritesTheCaTheGenesisAndOneDirectoryPerRsu) {
  const CliRun r = Init(kThreeHosts);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const fs::path out = dir_ / "out";
  for (const char* name : {"rsu-0", "rsu-1", "rsu-2"}) {
    EXPECT_NE(r.out.find(std::string(name) + "\tkey "), std::string::npos) << r.out;
    const fs::path etc = out / name / "etc/v2v";
    EXPECT_TRUE(fs::is_regular_file(out / name / "README.txt"));
    EXPECT_TRUE(fs::is_regular_file(etc / (std::string(name) + ".toml")));
    for (const char* f : {"key.pem", "cert.pem", "ca.pem", "genesis.json"})
      EXPECT_TRUE(fs::is_regular_file(etc / name / f)) << name << "/" << f;
    EXPECT_EQ(Mode(etc / name / "key.pem"), 0600u);
    EXPECT_NE(Slurp(out / name / "README.txt")
                  .find("systemctl enable --now v2v-node@" + std::string(name)),
              std::string::npos);
  }
  const std::string rsu1 = Slurp(out / "rsu-1/etc/v2v/rsu-1.toml");
  EXPECT_NE(rsu1.find("rpc_listen = '0.0.0.0:9545'"), std::string::npos) << rsu1;
  EXPECT_NE(rsu1.find("peers = [ '10.0.0.1:30303', '2001:db8::2:30303' ]"), std::string::npos)
      << rsu1;
  EXPECT_NE(Slurp(out / "rsu-2/etc/v2v/rsu-2.toml").find("p2p_listen = ':::30303'"),
            std::string::npos);
  EXPECT_TRUE(fs::is_regular_file(out / "genesis.json"));
  EXPECT_EQ(Mode(out / "ca/ca.key"), 0600u);
  // The CA store is the existing commands' own: it issues a vehicle's certificate.
  const CliRun issued = V2v("ca issue --ca out/ca --subject car-0 --role vehicle --out car-0");
  EXPECT_EQ(issued.exit_code, 0) << issued.err;
  EXPECT_TRUE(fs::is_regular_file(dir_ / "car-0/cert.pem"));
}

// Bad input: exit 2 and one line on stderr naming the file, the key and the line; nothing written.
TEST_F(NetworkCli, BadInputIsExit2WithOneLineNamingTheKeyAndLine) {
  const std::string text = kThreeHosts;
  const std::pair<std::string, std::string> cases[] = {
      {text + "[[rsu]]\nname = \"rsu-3\"\naddress = \"rsu3.example.org\"\n",
       "v2v network init: hosts.toml: [[rsu]] address: \"rsu3.example.org\" is a host name, not "
       "an IP address (the nodes dial addresses) (line 20)"},
      {text + "[[rsu]]\nname = \"rsu-1\"\naddress = \"10.0.0.9\"\n",
       "v2v network init: hosts.toml: [[rsu]] name: \"rsu-1\" is already the RSU of line 11 "
       "(line 19)"},
      {text + "[[rsu]]\nname = \"rsu-3\"\naddress = \"10.0.0.2\"\np2p_port = 9545\n",
       "v2v network init: hosts.toml: [[rsu]] p2p_port: 10.0.0.2:9545 is already rsu-1's "
       "rpc_port (line 21)"},
      {text + "[[rsu]]\nname = \"rsu-3\"\naddress = \"10.0.0.4\"\nrpc_port = 99999\n",
       "v2v network init: hosts.toml: [[rsu]] rpc_port: 99999 is outside [1, 65535] (line 21)"},
      {text + "[[rsu]]\nname = \"rsu-3\"\naddres = \"10.0.0.4\"\n",
       "v2v network init: hosts.toml: [[rsu]] addres: unknown key (line 20)"},
      {"[network]\nname = \"city-a\"\n",
       "v2v network init: hosts.toml: [[rsu]]: none: a network has 1 to 64 RSUs"},
  };
  for (const auto& [hosts, want] : cases) {
    const CliRun r = Init(hosts);
    EXPECT_EQ(r.exit_code, 2) << hosts << r.err;
    EXPECT_EQ(r.err, want + "\n") << hosts;
    EXPECT_FALSE(fs::exists(dir_ / "out")) << hosts;
  }
  const CliRun missing = V2v("network init --hosts nope.toml --out out");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.toml"), std::string::npos) << missing.err;
}

// `v2v testnet create --grid FILE` writes the grid areas into the genesis (contract C-4.7); a bad
// tariff is exit 2 with one line naming the file and the field, and writes nothing.
TEST_F(NetworkCli, TestnetGridGoesIntoTheGenesisAndABadTariffIsExit2) {
  std::ofstream(dir_ / "grid.json")
      << R"([{"import": [{"start_s": 0, "price": 90}, {"start_s": 28800, "price": 180}],
              "feed_in": 30, "wait_s": 600, "time_value_per_h": 3600}])";
  const CliRun ok = V2v("testnet create --nodes 1 --vehicles 1 --dir tn --grid grid.json");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const std::string genesis = Slurp(dir_ / "tn" / "genesis.json");
  EXPECT_NE(genesis.find("\"grid\""), std::string::npos);
  EXPECT_NE(genesis.find("\"time_value_per_h\": 3600"), std::string::npos);

  std::ofstream(dir_ / "gap.json")
      << R"([{"import": [{"start_s": 3600, "price": 90}], "feed_in": 30}])";
  const CliRun gap = V2v("testnet create --nodes 1 --vehicles 1 --dir tn2 --grid gap.json");
  EXPECT_EQ(gap.exit_code, 2);
  EXPECT_NE(gap.err.find("gap.json"), std::string::npos) << gap.err;
  EXPECT_NE(gap.err.find("import[0].start_s"), std::string::npos) << gap.err;
  EXPECT_FALSE(fs::exists(dir_ / "tn2"));
  std::ofstream(dir_ / "negative.json")
      << R"([{"import": [{"start_s": 0, "price": -1}], "feed_in": 30}])";
  const CliRun negative = V2v("testnet create --nodes 1 --dir tn3 --grid negative.json");
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_NE(negative.err.find("import[0].price"), std::string::npos) << negative.err;
}

TEST_F(NetworkCli, AnOutThatIsNotEmptyIsExit2AndUntouched) {
  fs::create_directories(dir_ / "out");
  std::ofstream(dir_ / "out/notes.txt") << "keep";
  const CliRun r = Init(kThreeHosts);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "v2v network init: --out " + (dir_ / "out").string() +
                       ": exists and is not an empty directory\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "out"), fs::directory_iterator()), 1);
  EXPECT_EQ(V2v("network init --hosts hosts.toml").exit_code, 2) << "--out is required";
}

}  // namespace
