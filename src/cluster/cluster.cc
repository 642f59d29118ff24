#include "cluster/cluster.h"

#include <deque>
#include <functional>
#include <memory>
#include <sstream>
#include <vector>

#include "cluster/bidders.h"
#include "cluster/chain_checker.h"
#include "cluster/network.h"
#include "cluster/sim_clock.h"
#include "cluster/workload.h"
#include "node/log.h"
#include "node/service.h"
#include "store/mem_disk.h"

namespace v2v::cluster {
namespace {

crypto::PrivateKey NodeKey(size_t i) { return SeededKey("node-" + std::to_string(i)); }

std::vector<Party> NodeParties(const std::vector<std::string>& names,
                               const std::vector<crypto::PrivateKey>& keys) {
  std::vector<Party> out;
  for (size_t i = 0; i < names.size(); ++i) out.push_back({names[i], keys[i].public_key()});
  return out;
}

std::vector<crypto::PrivateKey> NodeKeys(int n) {
  std::vector<crypto::PrivateKey> keys;
  for (int i = 0; i < n; ++i) keys.push_back(NodeKey(static_cast<size_t>(i)));
  return keys;
}

std::vector<std::string> NodeNames(int n) {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back("node-" + std::to_string(i));
  return names;
}

// Per-step fault probabilities (step 50 ms) and the network's per-message ones.
constexpr double kPartitionP = 0.002, kHealP = 0.01, kCrashP = 0.002, kSyncCrashP = 0.001;
constexpr double kBatchP = 0.04, kVoteP = 0.003;
// After healing, the nodes count as converged if they held one head at some step this recent.
constexpr int64_t kConvergenceWindowMs = 2000;
// The vehicles bidding at the nodes' round books, and the chance of a bid per step.
constexpr int kVehicles = 32;
constexpr double kBidP = 0.3;
constexpr NetworkFaults kChaos{0.05, 0.05, 0.1, 0.003, 1, 120};
constexpr NetworkFaults kCalm{0.0, 0.0, 0.0, 0.0, 1, 120};

class Cluster {
 public:
  Cluster(const ClusterOptions& o, Trace& trace)
      : o_(o),
        trace_(trace),
        rng_(o.seed),
        keys_(NodeKeys(o.nodes)),
        names_(NodeNames(o.nodes)),
        bidders_(kVehicles, static_cast<size_t>(o.nodes)),
        workload_(NodeParties(names_, keys_), bidders_.parties()),
        clock_((workload_.genesis_time_s() + 1) * 1000),
        net_(names_, rng_),
        nodes_(static_cast<size_t>(o.nodes)) {
    report_.seed = o.seed;
    report_.nodes = o.nodes;
    report_.steps = o.steps;
  }

  ClusterReport Run() {
    net_.set_faults(o_.faults ? kChaos : kCalm);
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!Start(i)) return Finish();
    }
    for (step_ = 0; step_ < o_.steps && !report_.violation; ++step_) {
      Step();
      if (o_.faults) InjectFaults();
      if (rng_.Bernoulli(kBatchP)) SubmitBatch();
      if (rng_.Bernoulli(kBidP)) Bid();
    }
    if (!report_.violation) Settle();
    return Finish();
  }

 private:
  struct Node {
    std::shared_ptr<store::MemDisk> disk = std::make_shared<store::MemDisk>();
    std::unique_ptr<base::SeededRandom> random;
    std::unique_ptr<node::Logger> log;
    std::unique_ptr<node::NodeService> service;  // null while down
    ChainChecker checker;
    int64_t restart_at_ms = 0;
    uint64_t incarnation = 0;
    Hash32 last_head;
    std::deque<std::function<void()>> posted;  // the service's posted tasks (NodePorts::post)
  };

  int64_t now() const { return clock_.NowMs(); }
  void Note(const std::string& line) { trace_.Add(now(), line); }
  void Violation(size_t i, const std::string& what) {
    if (report_.violation) return;
    report_.violation = "step " + std::to_string(step_) + " " + names_[i] + ": " + what;
    Note("VIOLATION " + *report_.violation);
  }

  bool Start(size_t i) {
    Node& n = nodes_[i];
    ++n.incarnation;
    n.random = std::make_unique<base::SeededRandom>(o_.seed * 1000003 + i * 101 + n.incarnation);
    n.log = std::make_unique<node::Logger>(names_[i], node::LogLevel::kInfo, trace_.log_stream(),
                                           clock_);
    node::NodeConfig c;
    c.name = names_[i];
    for (size_t j = 0; j < i; ++j) c.peers.push_back({names_[j], 1});
    node::LedgerOptions lo;
    lo.verify_threads = 1;
    auto s = node::NodeService::Open(
        c, workload_.genesis(), NodeKey(i), store::OpenMemDiskStore(n.disk),
        node::NodePorts{&clock_, n.random.get(), &net_.transport(i), n.log.get(), nullptr,
                        [q = &n.posted](std::function<void()> t) { q->push_back(std::move(t)); }},
        lo);
    if (!s.ok()) {
      Violation(i, "cannot reopen its store: " + s.status().message());
      return false;
    }
    n.service = std::move(s).value();
    node::NodeService* svc = n.service.get();
    net_.Attach(
        i,
        Endpoint{[svc](net::PeerId id, const std::string& a, const std::string& name) {
                   svc->OnPeerConnected(id, a, name);
                 },
                 [svc](net::PeerId id, net::Frame f) { svc->OnPeerFrame(id, std::move(f)); },
                 [svc](net::PeerId id, const Status& why) { svc->OnPeerDisconnected(id, why); }});
    Note(names_[i] + " up (incarnation " + std::to_string(n.incarnation) + ") at height " +
         std::to_string(svc->ledger().head().height));
    if (n.incarnation > 1) {
      if (auto e = n.checker.CheckSurvived(svc->ledger())) Violation(i, *e);
    }
    svc->Start();
    bidders_.Open(i, *svc, names_[i], NodeKey(i), clock_);
    return true;
  }

  void Crash(size_t i, const std::string& why) {
    Node& n = nodes_[i];
    net_.Crash(i);
    report_.penalties += n.service->metrics().peers_penalised;
    bidders_.Close(i);
    n.service.reset();
    n.posted.clear();
    n.restart_at_ms = now() + 500 + static_cast<int64_t>(rng_.Below(4501));  // 0.5 to 5 s
    Note(names_[i] + " crashed (" + why + ")");
  }

  void Step() {
    clock_.Advance(o_.step_ms);
    net_.RunUntil(now());
    for (size_t i = 0; i < nodes_.size(); ++i) {
      Node& n = nodes_[i];
      if (!n.service && now() >= n.restart_at_ms && n.restart_at_ms > 0) {
        n.restart_at_ms = 0;
        if (!Start(i)) return;
      }
      // Posted work (a peer transaction's next slice of signatures) runs after the frames this
      // step delivered, as on the io thread after the handlers already queued.
      while (n.service && !n.posted.empty()) {
        std::function<void()> task = std::move(n.posted.front());
        n.posted.pop_front();
        task();
      }
      if (n.service) n.service->OnTick();
    }
    bidders_.Tick(now());
    for (size_t i = 0; i < nodes_.size(); ++i) {
      Node& n = nodes_[i];
      if (n.service && n.disk->crashed()) {
        ++report_.sync_crashes;
        Crash(i, "between write and sync");
      }
      if (!n.service) continue;
      if (auto e = n.checker.Check(n.service->ledger())) Violation(i, *e);
      const node::Ledger& l = n.service->ledger();
      if (l.head_hash() != n.last_head) {
        n.last_head = l.head_hash();
        Note(names_[i] + " head " + std::to_string(l.head().height) + " " +
             l.head_hash().Hex().substr(0, 12) + " td " + std::to_string(l.total_difficulty()));
      }
    }
  }

  std::vector<size_t> Up() const {
    std::vector<size_t> up;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].service) up.push_back(i);
    }
    return up;
  }

  size_t Pick(const std::vector<size_t>& from) { return from[rng_.Below(from.size())]; }

  void InjectFaults() {
    auto chance = [this](double p) { return rng_.Bernoulli(p); };
    if (!net_.partitioned() && chance(kPartitionP)) {
      std::vector<int> group(nodes_.size());
      for (int& g : group) g = static_cast<int>(rng_.Below(2));
      group[0] = 0;
      group[1] = 1;  // two non-empty sides
      std::string sides;
      for (int g : group) sides += static_cast<char>('0' + g);
      net_.Partition(group);
      ++report_.partitions;
      Note("partition " + sides);
    } else if (net_.partitioned() && chance(kHealP)) {
      net_.Heal();
      Note("heal");
    }
    const std::vector<size_t> up = Up();
    const size_t max_down = (nodes_.size() - 1) / 2;
    if (nodes_.size() - up.size() < max_down + 1 && up.size() > 1) {
      if (chance(kCrashP)) {
        ++report_.crashes;
        Crash(Pick(up), "killed");
      } else if (chance(kSyncCrashP)) {
        const size_t i = Pick(up);
        nodes_[i].disk->CrashAtNextSync();
        Note(names_[i] + " will crash at its next sync");
      }
    }
    if (nodes_.size() >= 3 && chance(kVoteP)) Vote();
  }

  // Every live operator proposes to flip the last node's signer status (as seen by node 0's
  // head or the first live node's).
  void Vote() {
    const std::vector<size_t> up = Up();
    if (up.empty()) return;
    const crypto::PublicKey target = keys_.back().public_key();
    const bool authorize = !nodes_[up.front()].service->ledger().snapshot().IsSigner(target);
    for (size_t i : up) nodes_[i].service->proposals().Propose(target, authorize);
    ++report_.votes;
    Note(std::string("vote ") + (authorize ? "authorize " : "drop ") + names_.back());
  }

  void SubmitBatch() {
    const std::vector<size_t> up = Up();
    if (up.empty()) return;
    const size_t i = Pick(up);
    const size_t n = workload_.SubmitBatch(*nodes_[i].service, now() / 1000, rng_);
    if (n > 0) Note(names_[i] + " got " + std::to_string(n) + " transactions");
  }

  void Bid() {
    const std::vector<size_t> up = Up();
    if (!up.empty()) Note(bidders_.Bid(up, now(), rng_));
  }

  // Heal, bring every node up, stop the faults, the workload and the bids, and wait for one head
  // (and for the books' rounds to reach the chain, as long as the quiet steps last). The nodes
  // keep sealing while they wait, so one instant can fall between a block's sealing and its
  // arrival at the others: they have converged if every node held the same head and state at
  // some step of the quiet period's last kConvergenceWindowMs.
  void Settle() {
    net_.Heal();
    net_.set_faults(kCalm);
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!nodes_[i].service) nodes_[i].restart_at_ms = now();
    }
    Note("healed and quiet");
    int last_converged = -1;
    for (int q = 0; q < o_.quiet_steps && !report_.violation; ++q, ++step_) {
      Step();
      if (!Converged()) continue;
      last_converged = q;
      if (bidders_.RoundsInFlight() == 0) return;
    }
    const int window_steps = static_cast<int>(kConvergenceWindowMs / o_.step_ms);
    if (!report_.violation &&
        (last_converged < 0 || last_converged < o_.quiet_steps - window_steps)) {
      Violation(0, "no convergence after healing: " + Heads());
    }
    // Every round a book opened is on the chain or dropped with a reason by now: a round that
    // waits for its window or a block takes seconds, and the quiet period is far longer.
    if (!report_.violation && bidders_.RoundsInFlight() > 0) {
      Violation(0, std::to_string(bidders_.RoundsInFlight()) +
                       " round(s) of the gateways neither on the chain nor dropped after the "
                       "quiet period: " +
                       Heads() + "\n" + bidders_.DescribeInFlight());
    }
  }

  // Every node up, on the same head, with the same state. The states are compared as values
  // (equal states have equal roots); the heads first, as they differ far more often.
  bool Converged() const {
    const node::NodeService* first = nodes_[0].service.get();
    if (!first) return false;
    for (const Node& n : nodes_) {
      if (!n.service || n.service->ledger().head_hash() != first->ledger().head_hash())
        return false;
    }
    for (const Node& n : nodes_) {
      if (!(n.service->ledger().state() == first->ledger().state())) return false;
    }
    return true;
  }

  std::string Heads() const {
    std::string out;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!nodes_[i].service) {
        out += names_[i] + "=down ";
        continue;
      }
      const node::Ledger& l = nodes_[i].service->ledger();
      out += names_[i] + "=" + std::to_string(l.head().height) + "/" +
             l.head_hash().Hex().substr(0, 8) + " ";
    }
    return out;
  }

  ClusterReport Finish() {
    const NetworkCounts& c = net_.counts();
    report_.dropped = c.dropped;
    report_.duplicated = c.duplicated;
    report_.reordered = c.reordered;
    report_.broken = c.broken;
    report_.submitted = workload_.submitted();
    report_.rounds_opened = bidders_.counts().rounds_opened;
    report_.bids_accepted = bidders_.counts().bids_accepted;
    for (const Node& n : nodes_) {
      if (!n.service) continue;
      report_.penalties += n.service->metrics().peers_penalised;
      report_.blocks = std::max(report_.blocks, n.service->ledger().head().height);
      report_.txs = std::max(report_.txs, n.checker.txs());
      uint64_t rounds = 0;
      for (const std::string& name : names_) rounds += n.checker.rounds_by(name);
      report_.rounds_committed = std::max(report_.rounds_committed, rounds);
    }
    Note("end: " + Heads());
    report_.fingerprint = trace_.Fingerprint();
    return report_;
  }

  ClusterOptions o_;
  Trace& trace_;
  base::Rng rng_;
  std::vector<crypto::PrivateKey> keys_;
  std::vector<std::string> names_;
  Bidders bidders_;
  Workload workload_;
  SimClock clock_;
  Network net_;
  std::vector<Node> nodes_;
  ClusterReport report_;
  int step_ = 0;
};

}  // namespace

std::string ClusterReport::Summary() const {
  std::ostringstream out;
  out << "seed=" << seed << " nodes=" << nodes << " steps=" << steps << " partitions=" << partitions
      << " crashes=" << crashes << " sync_crashes=" << sync_crashes << " drops=" << dropped
      << " duplicates=" << duplicated << " reorders=" << reordered << " resets=" << broken
      << " votes=" << votes << " penalties=" << penalties << " blocks=" << blocks << " txs=" << txs
      << "/" << submitted << " rounds=" << rounds_opened << "/" << rounds_committed
      << " bids=" << bids_accepted << " trace=" << fingerprint.Hex().substr(0, 16)
      << (violation ? " VIOLATION: " + *violation : " ok");
  return out.str();
}

ClusterReport RunCluster(const ClusterOptions& options, Trace& trace) {
  return Cluster(options, trace).Run();
}

}  // namespace v2v::cluster
