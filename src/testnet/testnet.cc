#include "testnet/testnet.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <thread>

#include "base/file_util.h"
#include "crypto/ca_store.h"
#include "node/config.h"
#include "rpc/http_client.h"
#include "testnet/hosts_file.h"

extern char** environ;

namespace v2v::testnet {
namespace {

constexpr size_t kMaxUnixSocketPath = 107;  // sizeof(sockaddr_un::sun_path) - 1 on Linux

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

Status WriteText(const std::string& path, const std::string& text, mode_t mode = 0644) {
  return WriteFileAtomic(path, text, mode);
}

std::string TestnetNodeConfig(const Testnet& t, size_t i, const Options& o) {
  const std::string dir = t.NodeDir(i);
  const NodeInfo& n = t.nodes[i];
  NodeConfigFile c;
  c.comment = n.name + " of the testnet in " + t.dir + " (v2v testnet start)";
  c.name = n.name;
  c.data_dir = dir + "/data";
  c.genesis = t.GenesisPath();
  c.ca = t.CaDir() + "/ca.pem";
  c.cert = dir + "/cert.pem";
  c.key = dir + "/key.pem";
  c.p2p_listen = n.p2p;
  c.rpc_listen = n.rpc.substr(std::string("http://").size());
  const std::string address = c.p2p_listen.substr(0, c.p2p_listen.rfind(':'));
  if (address != "127.0.0.1") c.rpc_vhosts = {"localhost", "127.0.0.1", address};
  c.admin_socket = n.admin.substr(std::string("unix:").size());
  for (size_t j = 0; j < i; ++j) c.peers.push_back(t.nodes[j].p2p);
  c.mempool_max_txs = static_cast<int64_t>(o.mempool_max_txs);
  c.max_block_txs = static_cast<int64_t>(o.max_block_txs);
  c.log_level = o.log_level;
  const size_t scheme = std::string("wss://").size();
  c.vehicle_listen = n.vehicle_api.substr(scheme, n.vehicle_api.rfind('/') - scheme);
  c.vehicle_t_limit_s = o.vehicle_t_limit_s;
  // Every vehicle of a one-machine testnet connects from 127.0.0.1: the per-address quota is the
  // whole connection cap here (a deployed node keeps its default, docs/spec/node.md N7).
  c.vehicle_max_connections_per_address = node::SurfaceLimits{}.vehicle_max_connections;
  return NodeConfigToml(c);
}

// Each node's address: Options::addresses, canonical IPv4, one per node; or 127.0.0.1 for all.
Result<std::vector<std::string>> NodeAddresses(const Options& o) {
  if (o.addresses.empty())
    return std::vector<std::string>(static_cast<size_t>(o.nodes), "127.0.0.1");
  if (o.addresses.size() != static_cast<size_t>(o.nodes)) {
    return Status::InvalidArgument("--addresses: " + std::to_string(o.addresses.size()) +
                                   " given for " + std::to_string(o.nodes) + " nodes (one each)");
  }
  std::vector<std::string> out;
  for (const auto& a : o.addresses) {
    auto canonical = CanonicalAddress(a);
    if (!canonical.ok())
      return Status::InvalidArgument("--addresses: " + canonical.status().message());
    if (canonical->find(':') != std::string::npos)
      return Status::InvalidArgument("--addresses: \"" + a + "\" is IPv6; give IPv4 addresses");
    out.push_back(*canonical);
  }
  return out;
}

// Whether `pid` is our (possibly exited) child: reaps it if it exited. Never blocks.
void ReapIfChild(pid_t pid) {
  int status = 0;
  (void)::waitpid(pid, &status, WNOHANG);
}

}  // namespace

nlohmann::json ToJson(const Testnet& t) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& n : t.nodes) {
    nodes.push_back({{"name", n.name},
                     {"pid", n.pid},
                     {"rpc", n.rpc},
                     {"p2p", n.p2p},
                     {"config", n.config},
                     {"key", n.key},
                     {"admin", n.admin},
                     {"vehicle_api", n.vehicle_api}});
  }
  auto ids = [](const std::vector<Identity>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& i : v) a.push_back({{"name", i.name}, {"key", i.key}, {"dir", i.dir}});
    return a;
  };
  return {{"nodes", nodes},
          {"period", t.period_s},
          {"epoch", t.epoch},
          {"spare", ids(t.spare)},
          {"vehicles", ids(t.vehicles)}};
}

Result<Testnet> FromJson(const nlohmann::json& j, const std::string& dir) {
  try {
    Testnet t;
    t.dir = dir;
    t.period_s = j.at("period").get<uint64_t>();
    t.epoch = j.value("epoch", uint64_t{30000});
    for (const auto& n : j.at("nodes")) {
      t.nodes.push_back({n.at("name").get<std::string>(), n.at("pid").get<pid_t>(),
                         n.at("rpc").get<std::string>(), n.at("p2p").get<std::string>(),
                         n.at("config").get<std::string>(), n.at("key").get<std::string>(),
                         n.value("admin", std::string()), n.value("vehicle_api", std::string())});
    }
    for (const char* list : {"spare", "vehicles"}) {
      if (!j.contains(list)) continue;
      for (const auto& i : j.at(list)) {
        (std::string(list) == "spare" ? t.spare : t.vehicles)
            .push_back({i.at("name").get<std::string>(), i.at("key").get<std::string>(),
                        i.at("dir").get<std::string>()});
      }
    }
    return t;
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(dir + "/testnet.json: " + e.what());
  }
}

Result<Testnet> Load(const std::string& dir) {
  const std::string abs = fs::absolute(dir).lexically_normal().string();
  std::ifstream in(abs + "/testnet.json");
  if (!in)
    return Status::NotFound(abs + "/testnet.json: no testnet there (run `v2v testnet start`)");
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) return Status::InvalidArgument(abs + "/testnet.json: not JSON");
  return FromJson(j, abs);
}

Status Save(const Testnet& t) {
  return WriteText(t.dir + "/testnet.json", ToJson(t).dump(2) + "\n");
}

Result<Testnet> Create(const Options& o) {
  if (o.dir.empty()) return Status::InvalidArgument("--dir: required");
  if (o.nodes < 1 || o.nodes > 64) return Status::InvalidArgument("--nodes: must be in [1, 64]");
  if (o.vehicles < 0 || o.vehicles > 100000)
    return Status::InvalidArgument("--vehicles: must be in [0, 100000]");
  if (o.spare < 0 || o.spare > 64) return Status::InvalidArgument("--spare: must be in [0, 64]");
  if (o.epoch == 0) return Status::InvalidArgument("--epoch: must be > 0");
  if (o.genesis_delay_s < 0 || o.genesis_delay_s > 3600) {
    return Status::InvalidArgument("--genesis-delay: must be in [0, 3600]");
  }
  V2V_ASSIGN_OR_RETURN(const std::vector<std::string> addresses, NodeAddresses(o));
  V2V_ASSIGN_OR_RETURN(const std::string dir, CreateEmptyDir(o.dir, "--dir", 0755));

  Testnet t;
  t.dir = dir;
  t.period_s = o.period_s;
  t.epoch = o.epoch;
  const int64_t now = NowUnix();
  V2V_ASSIGN_OR_RETURN(crypto::CaStore ca,
                       crypto::CaStore::Init(t.CaDir(), "v2vtrade testnet CA", now, kCaDays));

  contract::Genesis g = NewGenesis(ca, now, o.period_s, o.epoch, o.settle_window_s);
  g.params.grid = o.grid;
  g.params.mechanism = o.mechanism;
  V2V_ASSIGN_OR_RETURN(std::vector<uint16_t> ports, FreePorts(3 * static_cast<size_t>(o.nodes)));
  for (int i = 0; i < o.nodes; ++i) {
    const std::string name = "rsu-" + std::to_string(i);
    V2V_ASSIGN_OR_RETURN(IssuedIdentity id,
                         IssueIdentity(ca, name, crypto::Role::kRsu, t.NodeDir(i), now));
    NodeInfo n;
    n.name = name;
    n.key = id.identity.key;
    const std::string& at = addresses[static_cast<size_t>(i)];
    n.p2p = at + ":" + std::to_string(ports[3 * static_cast<size_t>(i)]);
    n.rpc = "http://" + at + ":" + std::to_string(ports[3 * static_cast<size_t>(i) + 1]);
    n.vehicle_api =
        "wss://" + at + ":" + std::to_string(ports[3 * static_cast<size_t>(i) + 2]) + "/vehicle";
    n.config = t.NodeDir(i) + "/config.toml";
    n.admin = "unix:" + t.NodeDir(i) + "/admin.sock";
    if (n.admin.size() - 5 > kMaxUnixSocketPath) {
      return Status::InvalidArgument(
          "--dir " + t.dir + " is too long for the nodes' admin sockets (a Unix socket path " +
          "has at most " + std::to_string(kMaxUnixSocketPath) + " bytes)");
    }
    t.nodes.push_back(n);
    AddAuthority(g, id);
  }
  for (int j = 0; j < o.spare; ++j) {
    const std::string name = "rsu-" + std::to_string(o.nodes + j);
    V2V_ASSIGN_OR_RETURN(IssuedIdentity id,
                         IssueIdentity(ca, name, crypto::Role::kRsu, dir + "/spare/" + name, now));
    t.spare.push_back(id.identity);
    g.accounts.push_back({crypto::Role::kRsu, std::move(id.certificate), 0, 0});
  }
  for (int k = 0; k < o.vehicles; ++k) {
    const std::string name = "car-" + std::to_string(k);
    V2V_ASSIGN_OR_RETURN(IssuedIdentity id, IssueIdentity(ca, name, crypto::Role::kVehicle,
                                                          dir + "/vehicles/" + name, now));
    t.vehicles.push_back(id.identity);
    g.accounts.push_back({crypto::Role::kVehicle, std::move(id.certificate), o.vehicle_energy_wh,
                          o.vehicle_balance});
  }
  // The chain starts a little after the files are ready, so that every node is up and connected
  // before block 1 may be sealed (otherwise each node seals its own block 1 before it has a peer).
  g.timestamp_s = NowUnix() + o.genesis_delay_s;
  V2V_RETURN_IF_ERROR(WriteGenesis(t.GenesisPath(), g));
  for (size_t i = 0; i < t.nodes.size(); ++i) {
    V2V_RETURN_IF_ERROR(WriteText(t.nodes[i].config, TestnetNodeConfig(t, i, o)));
  }
  V2V_RETURN_IF_ERROR(Save(t));
  return t;
}

Result<std::vector<uint16_t>> FreePorts(size_t count) {
  std::vector<int> fds;
  std::vector<uint16_t> ports;
  Status error;
  for (size_t i = 0; i < count && error.ok(); ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      error = Status::IoError(std::string("socket: ") + std::strerror(errno));
      break;
    }
    fds.push_back(fd);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      error = Status::IoError(std::string("cannot pick a free port: ") + std::strerror(errno));
      break;
    }
    ports.push_back(ntohs(addr.sin_port));
  }
  for (int fd : fds) ::close(fd);
  if (!error.ok()) return error;
  return ports;
}

Result<std::string> SelfExecutable() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return Status::IoError("cannot read /proc/self/exe: " + ec.message());
  return p.string();
}

bool IsNodeProcess(pid_t pid, const std::string& config) {
  if (pid <= 0) return false;
  const std::string proc = "/proc/" + std::to_string(pid);
  std::ifstream stat(proc + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const size_t paren = line.rfind(')');
  if (paren == std::string::npos || paren + 2 >= line.size()) return false;
  const char state = line[paren + 2];
  if (state == 'Z' || state == 'X' || state == 'x') return false;
  auto cmdline = ReadFile(proc + "/cmdline");
  if (!cmdline.ok()) return false;
  std::string args = std::move(cmdline).value();
  for (char& c : args) c = c == '\0' ? ' ' : c;
  return args.find(" node ") != std::string::npos && args.find(config) != std::string::npos;
}

Status Spawn(Testnet& t, size_t i, const std::string& binary) {
  if (i >= t.nodes.size()) return Status::InvalidArgument("no node " + std::to_string(i));
  NodeInfo& n = t.nodes[i];
  if (IsNodeProcess(n.pid, n.config)) {
    return Status::FailedPrecondition(n.name + " is already running (pid " + std::to_string(n.pid) +
                                      ")");
  }
  const std::string log = t.LogPath(i);
  // Everything the child needs is prepared before fork (only async-signal-safe calls after it).
  std::vector<std::string> args = {binary, "node", "--config", n.config};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0)
    return Status::IoError(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    return Status::IoError(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::setsid();  // its own session: no signals from the caller's terminal; outlives the caller
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || in < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0) {
      const int err = errno;
      (void)!::write(pipefd[1], &err, sizeof(err));
      ::_exit(127);
    }
    // Close every other descriptor the caller had open (pipes of a test harness, sockets), except
    // the close-on-exec error pipe.
    const unsigned w = static_cast<unsigned>(pipefd[1]);
    if (w > 3) ::close_range(3, w - 1, 0);
    ::close_range(w + 1, ~0U, 0);
    ::execve(binary.c_str(), argv.data(), environ);
    const int err = errno;
    (void)!::write(pipefd[1], &err, sizeof(err));
    ::_exit(127);
  }
  ::close(pipefd[1]);
  int err = 0;
  ssize_t got;
  do {
    got = ::read(pipefd[0], &err, sizeof(err));
  } while (got < 0 && errno == EINTR);
  ::close(pipefd[0]);
  if (got > 0) {
    ReapIfChild(pid);
    return Status::IoError("cannot start " + n.name + " (" + binary + "): " + std::strerror(err));
  }
  n.pid = pid;
  return Status::Ok();
}

std::string Tail(const std::string& path, size_t lines) {
  std::ifstream in(path);
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last) out += "  | " + l + "\n";
  return out;
}

Status WaitReady(const Testnet& t, const std::vector<size_t>& which,
                 std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::vector<size_t> pending = which;
  while (!pending.empty()) {
    std::vector<size_t> still;
    for (size_t i : pending) {
      const NodeInfo& n = t.nodes[i];
      ReapIfChild(n.pid);
      if (!IsNodeProcess(n.pid, n.config)) {
        return Status::FailedPrecondition(n.name + " (pid " + std::to_string(n.pid) +
                                          ") exited during startup; see " + t.LogPath(i) + ":\n" +
                                          Tail(t.LogPath(i), 10));
      }
      auto head = rpc::Call(n.rpc, "chain_head", nlohmann::json::array(), std::chrono::seconds(2));
      if (head.ok() && !n.admin.empty())
        head = rpc::Call(n.admin, "chain_head", nlohmann::json::array(), std::chrono::seconds(2));
      if (!head.ok()) still.push_back(i);
    }
    pending = std::move(still);
    if (pending.empty()) break;
    if (Clock::now() >= deadline) {
      const NodeInfo& n = t.nodes[pending.front()];
      const auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
      return Status::FailedPrecondition(
          n.name + " (pid " + std::to_string(n.pid) + ") did not answer chain_head on " + n.rpc +
          " within " + std::to_string(secs) + " s; see " + t.LogPath(pending.front()) + ":\n" +
          Tail(t.LogPath(pending.front()), 10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::Ok();
}

Status Launch(Testnet& t, const std::string& binary, std::chrono::milliseconds timeout) {
  std::vector<size_t> all;
  Status s;
  for (size_t i = 0; i < t.nodes.size() && s.ok(); ++i) {
    s = Spawn(t, i, binary);
    if (s.ok()) all.push_back(i);
  }
  if (Status saved = Save(t); s.ok()) s = saved;
  if (s.ok()) s = WaitReady(t, all, timeout);
  if (!s.ok()) (void)Stop(t.dir);
  return s;
}

Result<Testnet> Start(const Options& options, const std::string& binary,
                      std::chrono::milliseconds timeout) {
  V2V_ASSIGN_OR_RETURN(Testnet t, Create(options));
  V2V_RETURN_IF_ERROR(Launch(t, binary, timeout));
  return t;
}

Status Restart(const std::string& dir, size_t i, const std::string& binary,
               std::chrono::milliseconds timeout) {
  V2V_ASSIGN_OR_RETURN(Testnet t, Load(dir));
  if (i >= t.nodes.size()) {
    return Status::InvalidArgument("--node " + std::to_string(i) + ": the testnet has nodes 0.." +
                                   std::to_string(t.nodes.size() - 1));
  }
  V2V_RETURN_IF_ERROR(Spawn(t, i, binary));
  V2V_RETURN_IF_ERROR(Save(t));
  return WaitReady(t, {i}, timeout);
}

Status Stop(const std::string& dir, std::chrono::milliseconds grace) {
  V2V_ASSIGN_OR_RETURN(Testnet t, Load(dir));
  auto running = [&t] {
    std::vector<size_t> r;
    for (size_t i = 0; i < t.nodes.size(); ++i) {
      ReapIfChild(t.nodes[i].pid);
      if (IsNodeProcess(t.nodes[i].pid, t.nodes[i].config)) r.push_back(i);
    }
    return r;
  };
  for (size_t i : running()) ::kill(t.nodes[i].pid, SIGTERM);
  auto wait_until = [&](Clock::time_point deadline) {
    std::vector<size_t> r = running();
    while (!r.empty() && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      r = running();
    }
    return r;
  };
  std::vector<size_t> left = wait_until(Clock::now() + grace);
  for (size_t i : left) ::kill(t.nodes[i].pid, SIGKILL);
  left = wait_until(Clock::now() + std::chrono::seconds(5));
  for (auto& n : t.nodes) n.pid = 0;
  V2V_RETURN_IF_ERROR(Save(t));
  if (!left.empty()) {
    return Status::Internal(t.nodes[left.front()].name + " survived SIGKILL");
  }
  return Status::Ok();
}

Result<crypto::PrivateKey> ReadKey(const std::string& pem_path) {
  V2V_ASSIGN_OR_RETURN(const std::string pem, ReadFile(pem_path));
  return crypto::PrivateKey::FromPem(pem);
}

}  // namespace v2v::testnet
