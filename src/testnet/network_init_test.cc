#include "testnet/network_init.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "crypto/ca_trust.h"
#include "crypto/certificate.h"
#include "node/config.h"
#include "node/genesis_json.h"
#include "node/ledger.h"
#include "store/kv_store.h"
#include "testnet/testnet.h"

namespace v2v::testnet {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kNow = 1'760'000'000;  // the clock value InitNetwork is given

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

mode_t Mode(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

// Every regular file below `dir`, relative to it.
std::set<std::string> FilesBelow(const fs::path& dir) {
  std::set<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files.insert(fs::relative(e.path(), dir).string());
  return files;
}

class NetworkInitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = fs::temp_directory_path() / ("v2v_network_init_" + std::to_string(::getpid()));
    fs::remove_all(tmp_);
    out_ = tmp_ / "out";
    hosts_.network = "city-a";
    hosts_.period_s = 2;
    hosts_.epoch = 500;
    hosts_.genesis_delay_s = 120;
    hosts_.rsus = {{"rsu-a", "10.0.0.1"}, {"rsu-b", "10.0.0.2"}, {"rsu-c", "fd00::3"}};
    hosts_.rsus[2].p2p_port = 30310;
  }
  void TearDown() override { fs::remove_all(tmp_); }

  NetworkInit Init() {
    auto net = InitNetwork(hosts_, out_.string(), kNow);
    EXPECT_TRUE(net.ok()) << net.status().ToString();
    return net.ok() ? *net : NetworkInit{};
  }
  // The file on RSU `name`'s machine at the absolute `path`, as shipped in OUT/name/.
  fs::path Shipped(const std::string& name, const std::string& path) const {
    return out_ / name / fs::path(path).relative_path();
  }

  fs::path tmp_, out_;
  HostsFile hosts_;
};

TEST_F(NetworkInitTest, EachRsuDirectoryHoldsExactlyWhatItsMachineNeeds) {
  const NetworkInit net = Init();
  ASSERT_EQ(net.rsus.size(), 3u);
  EXPECT_EQ(net.dir, out_.string());
  const std::set<std::string> top = FilesBelow(out_);
  for (const char* f : {"ca/ca.pem", "ca/ca.key", "genesis.json"}) EXPECT_TRUE(top.count(f)) << f;
  EXPECT_EQ(Mode(out_ / "ca/ca.key"), 0600u);
  for (const RsuHost& r : hosts_.rsus) {
    const std::string n = r.name, etc = "etc/v2v/" + n;
    EXPECT_EQ(FilesBelow(out_ / n),
              (std::set<std::string>{"README.txt", etc + ".toml", etc + "/key.pem",
                                     etc + "/cert.pem", etc + "/ca.pem", etc + "/genesis.json"}));
    EXPECT_EQ(Mode(out_ / n / etc / "key.pem"), 0600u);
    EXPECT_EQ(Slurp(out_ / n / etc / "genesis.json"), Slurp(out_ / "genesis.json"));
    EXPECT_EQ(Slurp(out_ / n / etc / "ca.pem"), Slurp(out_ / "ca/ca.pem"));
    // The certificate: CN = the name, role rsu, the key beside it, issued by the network's CA.
    auto cert = crypto::ParseCertificatePem(Slurp(out_ / n / etc / "cert.pem"));
    ASSERT_TRUE(cert.ok()) << cert.status().ToString();
    EXPECT_EQ(cert->subject, n);
    EXPECT_EQ(cert->role, crypto::Role::kRsu);
    auto key = ReadKey((out_ / n / etc / "key.pem").string());
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(cert->public_key, key->public_key());
    auto ca =
        crypto::ParseCaCertificateDer(*crypto::CertificatePemToDer(Slurp(out_ / "ca/ca.pem")));
    ASSERT_TRUE(ca.ok());
    EXPECT_EQ(ca->name, "city-a");
    EXPECT_TRUE(crypto::CheckIssuedBy(cert->der, *ca).ok());
    const std::string readme = Slurp(out_ / n / "README.txt");
    EXPECT_NE(readme.find("sudo systemctl enable --now v2v-node@" + n + "\n"), std::string::npos)
        << readme;
    EXPECT_NE(readme.find("sudo install -o v2v -g v2v -m 0600 " + etc + "/key.pem /" + etc + "/\n"),
              std::string::npos)
        << readme;
  }
  EXPECT_NE(Slurp(out_ / "rsu-c/README.txt").find("ADMIN@[fd00::3]:"), std::string::npos);
  EXPECT_TRUE(crypto::CaStore::Open((out_ / "ca").string()).ok()) << "`v2v ca issue` can use it";
}

TEST_F(NetworkInitTest, EachConfigLoadsWithTheNodesLoaderAndDialsEveryOtherRsu) {
  const NetworkInit net = Init();
  for (size_t i = 0; i < hosts_.rsus.size(); ++i) {
    const RsuHost& r = hosts_.rsus[i];
    const std::string n = r.name;
    auto c = node::LoadNodeConfig((out_ / n / "etc/v2v" / (n + ".toml")).string());
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->name, n);
    const std::string any = i == 2 ? "::" : "0.0.0.0";
    EXPECT_EQ(c->p2p_listen, (node::HostPort{any, r.p2p_port}));
    EXPECT_EQ(c->rpc_listen, (node::HostPort{any, r.rpc_port}));
    EXPECT_EQ(c->vehicle_listen, (node::HostPort{any, r.vehicle_port}));
    std::vector<node::HostPort> others;
    for (const RsuHost& o : hosts_.rsus)
      if (o.name != n) others.push_back({o.address, o.p2p_port});
    EXPECT_EQ(c->peers, others);
    EXPECT_TRUE(c->seal);
    // The unit's paths: the ledger and admin socket in its StateDirectory, the rest shipped.
    EXPECT_EQ(c->data_dir, "/var/lib/v2v/" + n + "/data");
    EXPECT_EQ(c->admin_socket, "/var/lib/v2v/" + n + "/data/admin.sock");
    for (const std::string* path : {&c->genesis, &c->ca, &c->cert, &c->key}) {
      EXPECT_EQ(path->rfind("/etc/v2v/" + n + "/", 0), 0u) << *path;
      EXPECT_TRUE(fs::exists(Shipped(n, *path))) << *path;
    }
    EXPECT_EQ(c->rpc_vhosts.back(), i == 2 ? "[fd00::3]" : r.address);
    EXPECT_EQ(c->limits.vehicle_max_connections_per_address,
              node::SurfaceLimits{}.vehicle_max_connections_per_address);
  }
}

TEST_F(NetworkInitTest, TheGenesisAuthoritiesAreTheRsuKeys) {
  const NetworkInit net = Init();
  EXPECT_EQ(net.genesis_time_s, kNow + 120);
  auto g = node::ReadGenesisJsonFile((out_ / "genesis.json").string());
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->timestamp_s, kNow + 120);
  EXPECT_EQ(g->clique.period_s, 2u);
  EXPECT_EQ(g->clique.epoch, 500u);
  std::set<std::string> authorities, keys;
  for (const auto& a : g->authorities) authorities.insert(a.Hex());
  for (const InitRsu& r : net.rsus) {
    auto key = ReadKey((fs::path(r.dir) / "etc/v2v" / r.name / "key.pem").string());
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(key->public_key().Hex(), r.key);
    keys.insert(r.key);
  }
  EXPECT_EQ(authorities, keys);
  EXPECT_EQ(authorities.size(), 3u);
  ASSERT_EQ(g->accounts.size(), 3u) << "the RSUs, no vehicles";
  for (const auto& a : g->accounts) EXPECT_EQ(a.role, crypto::Role::kRsu);
  // A ledger starts from it: every certificate is valid at genesis time.
  auto ledger = node::Ledger::Init(store::NewMemKvStore(), *g);
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  for (const char* id : {"rsu-a", "rsu-b", "rsu-c"})
    EXPECT_TRUE((*ledger)->state().accounts.count(id)) << id;
}

TEST_F(NetworkInitTest, ANonEmptyOutIsRefusedAndLeftAlone) {
  fs::create_directories(out_);
  std::ofstream(out_ / "keep.txt") << "mine";
  auto net = InitNetwork(hosts_, out_.string(), kNow);
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(net.status().message(),
            "--out " + out_.string() + ": exists and is not an empty directory");
  EXPECT_EQ(FilesBelow(out_), std::set<std::string>{"keep.txt"});
  hosts_.rsus.clear();
  EXPECT_EQ(InitNetwork(hosts_, (tmp_ / "other").string(), kNow).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(tmp_ / "other"));
}

}  // namespace
}  // namespace v2v::testnet
