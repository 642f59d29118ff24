#include "testnet/hosts_file.h"

#include <gtest/gtest.h>

#include <string>

namespace v2v::testnet {
namespace {

constexpr const char* kHead = "[network]\nname = \"city-a\"\n";  // lines 1-2

std::string Rsu(const std::string& name, const std::string& address,
                const std::string& extra = "") {
  return "[[rsu]]\nname = \"" + name + "\"\naddress = \"" + address + "\"\n" + extra;
}

TEST(HostsFile, AGoodFileWithDefaultsAndBothAddressFamilies) {
  const std::string text =
      std::string(kHead) + "period_s = 2\nepoch = 100\n" + Rsu("rsu-0", "10.0.0.1") +
      Rsu("rsu-1", "FD00:0:0::1", "p2p_port = 30310\nrpc_port = 9000\n") +
      Rsu("rsu-2", "10.0.0.1", "p2p_port = 1\nrpc_port = 2\nvehicle_port = 3\n");
  auto h = ParseHostsFile(text, "hosts.toml");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->network, "city-a");
  EXPECT_EQ(h->period_s, 2u);
  EXPECT_EQ(h->epoch, 100u);
  EXPECT_EQ(h->genesis_delay_s, 300);
  ASSERT_EQ(h->rsus.size(), 3u);
  EXPECT_EQ(h->rsus[0].name, "rsu-0");
  EXPECT_EQ(h->rsus[0].address, "10.0.0.1");
  EXPECT_EQ(h->rsus[0].p2p_port, 30303);
  EXPECT_EQ(h->rsus[0].rpc_port, 8545);
  EXPECT_EQ(h->rsus[0].vehicle_port, 8546);
  EXPECT_FALSE(h->rsus[0].ipv6());
  EXPECT_EQ(h->rsus[1].address, "fd00::1") << "canonical form";
  EXPECT_TRUE(h->rsus[1].ipv6());
  EXPECT_EQ(h->rsus[1].p2p_port, 30310);
  EXPECT_EQ(h->rsus[1].rpc_port, 9000);
  EXPECT_EQ(h->rsus[2].vehicle_port, 3);
}

struct BadCase {
  std::string text;
  std::string message;  // the whole message after "hosts.toml: "
};

// Every bad input names the key and the line.
TEST(HostsFile, EveryBadInputIsAnErrorNamingTheKeyAndLine) {
  const std::string head = kHead;
  const std::string two = head + Rsu("rsu-0", "10.0.0.1");  // [[rsu]] on line 3
  std::string many = head;
  for (int i = 0; i <= 64; ++i)
    many += Rsu("rsu-" + std::to_string(i), "10.0.0.1",
                "p2p_port = " + std::to_string(20000 + i) +
                    "\nrpc_port = " + std::to_string(30000 + i) +
                    "\nvehicle_port = " + std::to_string(40000 + i) + "\n");
  const BadCase cases[] = {
      {head, "[[rsu]]: none: a network has 1 to 64 RSUs"},
      {Rsu("rsu-0", "10.0.0.1"), "[network]: required (with name = \"...\")"},
      {"[network]\nperiod_s = 1\n" + Rsu("rsu-0", "10.0.0.1"),
       "[network] name: required (the CA's name) (line 1)"},
      {head + "colour = 1\n" + Rsu("rsu-0", "10.0.0.1"), "[network] colour: unknown key (line 3)"},
      {head + "period_s = 3601\n", "[network] period_s: 3601 is outside [0, 3600] (line 3)"},
      {head + "epoch = 0\n", "[network] epoch: 0 is outside [1, 1000000000] (line 3)"},
      {head + "genesis_delay_s = -1\n",
       "[network] genesis_delay_s: -1 is outside [0, 86400] (line 3)"},
      {head + "period_s = \"1\"\n", "[network] period_s: expected an integer (line 3)"},
      {"[network]\nname = \"city/a\"\n",
       "[network] name: \"city/a\" may hold only letters, digits, space and . _ : - (line 2)"},
      {two + "[nodes]\nx = 1\n", "nodes: unknown key (expected [network] and [[rsu]]) (line 6)"},
      {head + "[rsu]\nname = \"rsu-0\"\n", "rsu: expected tables [[rsu]] (one per RSU) (line 3)"},
      {two + "port = 30303\n", "[[rsu]] port: unknown key (line 6)"},
      {head + "[[rsu]]\naddress = \"10.0.0.1\"\n", "[[rsu]] name: required (line 3)"},
      {head + "[[rsu]]\nname = \"rsu-0\"\n", "[[rsu]] address: required (line 3)"},
      {head + Rsu("RSU_0", "10.0.0.1"),
       "[[rsu]] name: \"RSU_0\" is not 1 to 63 of a-z, 0-9 and '-' (no '-' at either end) (line "
       "4)"},
      {head + Rsu("-rsu", "10.0.0.1"),
       "[[rsu]] name: \"-rsu\" is not 1 to 63 of a-z, 0-9 and '-' (no '-' at either end) (line 4)"},
      {head + "[[rsu]]\nname = 7\n", "[[rsu]] name: expected a string (line 4)"},
      {head + Rsu("ca", "10.0.0.1"), "[[rsu]] name: \"ca\" is taken: OUT/ca holds the CA (line 4)"},
      {head + Rsu("rsu-0", "rsu0.example.org"),
       "[[rsu]] address: \"rsu0.example.org\" is a host name, not an IP address (the nodes dial "
       "addresses) (line 5)"},
      {head + Rsu("rsu-0", "localhost"),
       "[[rsu]] address: \"localhost\" is a host name, not an IP address (the nodes dial "
       "addresses) (line 5)"},
      {head + Rsu("rsu-0", "10.0.0.1:30303"),
       "[[rsu]] address: \"10.0.0.1:30303\": the address alone; ports go in *_port (line 5)"},
      {head + Rsu("rsu-0", "[fd00::1]"),
       "[[rsu]] address: \"[fd00::1]\": write an IPv6 address without brackets (line 5)"},
      {head + Rsu("rsu-0", "10.0.0.256"),
       "[[rsu]] address: \"10.0.0.256\" is not an IPv4 or IPv6 address (line 5)"},
      {head + Rsu("rsu-0", "0.0.0.0"),
       "[[rsu]] address: \"0.0.0.0\" is the unspecified address: give the one the others dial "
       "(line 5)"},
      {two + "p2p_port = 0\n", "[[rsu]] p2p_port: 0 is outside [1, 65535] (line 6)"},
      {two + "rpc_port = 65536\n", "[[rsu]] rpc_port: 65536 is outside [1, 65535] (line 6)"},
      {two + "vehicle_port = \"8546\"\n", "[[rsu]] vehicle_port: expected an integer (line 6)"},
      {two + "rpc_port = 30303\n",
       "[[rsu]] rpc_port: 10.0.0.1:30303 is already rsu-0's p2p_port "
       "(line 6)"},
      {two + Rsu("rsu-1", "10.0.0.1", "p2p_port = 1\nrpc_port = 2\n"),
       "[[rsu]] vehicle_port: 10.0.0.1:8546 is already rsu-0's vehicle_port (line 6)"},
      {head + Rsu("rsu-0", "fd00::1") + Rsu("rsu-1", "fd00:0::1"),
       "[[rsu]] p2p_port: [fd00::1]:30303 is already rsu-0's p2p_port (line 6)"},
      {two + Rsu("rsu-0", "10.0.0.2"),
       "[[rsu]] name: \"rsu-0\" is already the RSU of line 4 "
       "(line 7)"},
      // The 65th [[rsu]] (6 lines each, after the 2 of [network]).
      {many, "[[rsu]]: more than 64 RSUs (line " + std::to_string(3 + 6 * 64) + ")"},
      {head + "name = \"twice\"\n",
       "TOML: Error while parsing key-value pair: cannot redefine existing string 'name' (line 3)"},
  };
  for (const BadCase& c : cases) {
    auto h = ParseHostsFile(c.text, "hosts.toml");
    ASSERT_FALSE(h.ok()) << c.text;
    EXPECT_EQ(h.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(h.status().message(), "hosts.toml: " + c.message) << c.text;
  }
}

TEST(HostsFile, LoadNamesTheFile) {
  auto h = LoadHostsFile("/nonexistent/hosts.toml");
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), StatusCode::kNotFound);
  EXPECT_NE(h.status().message().find("/nonexistent/hosts.toml"), std::string::npos);
}

}  // namespace
}  // namespace v2v::testnet
