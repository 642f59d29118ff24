#!/usr/bin/env python3
"""The hosts harness (docs/testing.md, "RSUs on separate hosts"): four RSU nodes and a vehicle host,
each in a Linux network namespace of its own with its own address, joined by veth pairs to a bridge
the harness makes and removes itself. While the fleet trades, a fault schedule drawn from --seed
kills, partitions, delays (a relay), slows, flaps, skews and restores nodes (tests/hosts/faults.py); one node runs
the whole time with its clock 0.7 s ahead (odd seeds) or behind (even seeds), inside the allowed
drift. Then everything heals and the
checker reads every node's chain and the fleet's record:
  - sealing resumes: every node passes the height the chain had at healing, plus two, within
    RESUME_BOUND_PERIODS block periods;
  - all nodes hold the same blocks up to a common height, hence the same committed rounds, none
    twice, and every round the fleet's vehicles traded in is among them;
  - each vehicle's nonces on the chain are exactly 1..n (no gap, no reuse), n its account's nonce;
  - `v2v audit` holds on every node's ledger (money and energy conserved, every round whole);
  - no node was banned, and the node with the drifting clock sealed blocks that the chain kept;
  - with --packaged-binary (the v2v of the Debian package, installed or extracted), one RSU runs
    from it the whole time, restarts included, and sealed blocks that the chain kept;
  - the operator steps: a fifth RSU (the testnet's spare identity, in a namespace of its own) is
    voted in over the admin sockets before the faults (a signer on every node, and it seals) and
    out after them (no node counts it a signer, and it seals nothing after), within 30 s each;
  - the vehicles traded, and went on trading after the first fault (a round committed above the
    height the chain had when it ended);
  - the certificate rotation: before the faults, one RSU's certificate is renewed for its own key
    (`v2v ca renew`), given to its ledger account (`v2v ca recertify`, contract C-3.6), the old one
    revoked on the ledger (`v2v ca revoke --rpc`) and the node restarted with the new one; every
    node's ledger then holds the new certificate for it, and a trade by hand at it (`v2v vehicle
    sell` and `buy`) is committed after the revocation, before the faults begin (without the
    Recertify, the revocation would stop its rounds: certificate_revoked).
Exit 0 passed, 1 failed (the seed and the command that replays it are printed), 77 skipped (not
root, or a tool or namespaces missing: one line says which). Usage:
  sudo python3 tests/hosts/hosts_test.py --binary build/bin/v2v --seed 1 [--minutes M] [--keep]
      [--packaged-binary /usr/bin/v2v]
"""

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checker  # noqa: E402
import faults  # noqa: E402
import netns  # noqa: E402
from cluster import Node, faketime_lib, run_cli, spare_config, start_fleet, wait_until  # noqa: E402
from relay import DelayRelay  # noqa: E402

NODES = 4
VEHICLES = 16        # the fleet's; the testnet has two more, which trade by hand
T_LIMIT_S = 4        # the vehicle rounds' T_limit: more rounds in a minute than the default 10 s
TIME_SCALE = 10      # the fleet's simulated seconds per second: batteries drain into engagements
HOLD_S = 8           # each fault episode lasts this long
GAP_S = 3            # quiet time between episodes
DRIFT_S = 0.7        # the drifting node's clock offset, inside the 1 s future window (N4):
                     # ahead for odd seeds, behind for even ones
RESUME_BOUND_PERIODS = 20
HAND_TRADE_TIMEOUT_S = 40  # the trade by hand after the rotation gives up after this
ROTATION_S = 15  # about what the rotation and its trade by hand take: the fleet runs this longer
RELAY_PORT = 40000   # the delaying relays listen on the hub's address from this port on
SKIP = 77


def config_value(config, key):
    """A string value of the node's TOML config (written by `v2v testnet create`)."""
    with open(config) as f:
        for line in f:
            k, _, v = line.partition("=")
            if k.strip() == key:
                return v.strip().strip("'\"")
    raise KeyError("%s: no %s" % (config, key))


def rpc_or_none(node, method, param, field):
    """node.rpc(method, [param])[field], or None when the node does not answer now (busy, or a
    refusal): a wait goes on polling instead of failing the run."""
    try:
        return node.rpc(method, [param])[field]
    except Exception:
        return None


def pem_sha256(path):
    """SHA-256 (hex) of a PEM certificate's DER bytes: the ledger's certificate hash."""
    with open(path) as f:
        body = "".join(line.strip() for line in f if not line.startswith("-----"))
    return hashlib.sha256(base64.b64decode(body)).hexdigest()


def skip_reason():
    if os.geteuid() != 0:
        return "not root: network namespaces need CAP_NET_ADMIN"
    for tool in ("ip", "nft", "tc"):
        if shutil.which(tool) is None:
            return "no `%s` (scripts/setup.sh installs iproute2 and nftables)" % tool
    if faketime_lib() is None:
        return "no libfaketime (scripts/setup.sh installs faketime)"
    # Everything the lab and the faults use, tried once in a throwaway namespace: a kernel or a
    # container without one of them skips the test instead of failing it halfway.
    probe = "v2vh-probe-%d" % os.getpid()
    if netns.run("ip", "netns", "add", probe, check=False).returncode != 0:
        return "`ip netns add` failed: no network namespaces here"
    try:
        for what, argv in [
                ("a bridge", ["ip", "-n", probe, "link", "add", "b0", "type", "bridge"]),
                ("a veth pair", ["ip", "-n", probe, "link", "add", "v0", "type", "veth", "peer",
                                 "name", "v1"]),
                ("nftables", ["ip", "netns", "exec", probe, "nft", "add", "table", "inet", "p"]),
                ("nftables NAT", ["ip", "netns", "exec", probe, "nft", "add", "chain", "inet", "p",
                                  "o", "{ type nat hook output priority -100; }"]),
                ("a tbf qdisc", ["ip", "netns", "exec", probe, "tc", "qdisc", "add", "dev", "v0",
                                 "root", "tbf", "rate", "1mbit", "burst", "16kb", "latency",
                                 "400ms"])]:
            p = netns.run(*argv, check=False)
            if p.returncode != 0:
                return "cannot make %s in a namespace: %s" % (what, p.stderr.strip()[:200])
    finally:
        netns.run("ip", "netns", "del", probe, check=False)
    return None


class Run:
    def __init__(self, args, lab, work):
        self.args = args
        self.lab = lab
        self.work = work
        self.t0 = time.monotonic()
        self.drift_node = args.seed % NODES
        self.drift_s = DRIFT_S if args.seed % 2 else -DRIFT_S
        # The node that runs the packaged binary (with --packaged-binary): not the drifting one.
        self.packaged_node = (args.seed + 1) % NODES if args.packaged_binary else None
        self.problems = []  # found while the faults run
        self.spare = None  # the fifth RSU, voted in at the start and out at the end
        # The RSU whose certificate is rotated: neither the drifting nor the packaged one.
        self.rotated_node = (args.seed + 2) % NODES
        self.rotated = None  # (new certificate hash, height once the old one was revoked)
        self.out_height = None  # the height at which every node had counted the vote out

    def say(self, text):
        print("[%6.1f s] %s" % (time.monotonic() - self.t0, text), flush=True)

    def drift(self, i):
        return self.drift_s if i == self.drift_node else 0

    def create(self):
        tn = os.path.join(self.work, "tn")
        addresses = ",".join(self.lab.address("rsu%d" % i) for i in range(NODES))
        code, out = run_cli(self.args.binary, "testnet", "create", "--dir", tn, "--nodes",
                            str(NODES), "--vehicles", str(VEHICLES + 2), "--genesis-delay", "6",
                            "--t-limit", str(T_LIMIT_S), "--spare", "1",
                            "--addresses", addresses)
        if code != 0:
            raise RuntimeError("v2v testnet create: exit %d: %s" % (code, out))
        with open(os.path.join(tn, "testnet.json")) as f:
            self.testnet = json.load(f)
        self.tn = tn
        self.nodes = [Node(self.lab, i, self.testnet["nodes"][i], self.binary_of(i))
                      for i in range(NODES)]
        if self.packaged_node is not None:
            self.say("%s runs the packaged binary %s" % (
                self.nodes[self.packaged_node].info["name"], self.args.packaged_binary))

    def binary_of(self, i):
        return self.args.packaged_binary if i == self.packaged_node else self.args.binary

    def start(self):
        for n in self.nodes:
            n.start(self.drift(n.index))
        wait_until("every node answers", lambda: all(n.height() is not None for n in self.nodes), 30)
        wait_until("block 2 on every node", lambda: all((n.height() or 0) >= 2 for n in self.nodes),
                   60)
        self.say("4 nodes sealing in their namespaces; rsu-%d's clock %+.1f s" % (
            self.drift_node, self.drift_s))

    # One fault episode: apply, hold, heal.
    def episode(self, e):
        self.say(faults.describe(e))
        n = self.nodes[e["node"]]
        kind = e["kind"]
        if kind == "kill":
            n.kill9()
            backup = os.path.join(self.work, "backup-rsu%d.chain" % n.index)
            code, out = run_cli(self.args.binary, "chain", "export", "--data", n.data, "--out", backup)
            if code != 0:
                raise RuntimeError("chain export of rsu-%d: %s" % (n.index, out))
            self.backup = backup
            time.sleep(e["down_s"])
            n.start(self.drift(n.index))
        elif kind == "partition":
            # Among every node that runs, the fifth RSU included: it takes a side like the others.
            for node, sources in faults.blocked_sources(e["shape"], e["node"],
                                                        len(self.all())).items():
                self.lab.block_from("rsu%d" % node, ["rsu%d" % s for s in sources])
            time.sleep(e["hold_s"])
            self.lab.heal()
        elif kind == "slow":
            host = "rsu%d" % n.index
            relays = self.delay_links(n.index, e["delay_ms"] / 1000)
            self.lab.slow(host, e["rate_kbit"])
            step = e["hold_s"] / (2 * e["flaps"])
            for _ in range(e["flaps"]):
                time.sleep(step)
                self.lab.link(host, False)
                time.sleep(min(step, 1.5))
                self.lab.link(host, True)
            self.lab.heal()
            for k in range(NODES):  # the relayed connections close; the nodes redial directly
                self.lab.drop_connections("rsu%d" % k, netns.HUB_ADDRESS)
            carried = sum(r.connections for r in relays)
            for r in relays:
                r.stop()
            self.say("  the relays carried %d connections" % carried)
            if carried == 0:
                self.problems.append("the delaying relays of rsu-%d carried no connection" % n.index)
        elif kind == "skew":
            n.stop()
            n.start(e["skew_s"])
            time.sleep(e["hold_s"])
            n.stop()
            n.start(self.drift(n.index))
        elif kind == "restore":
            n.kill9()
            shutil.rmtree(n.data)
            code, out = run_cli(self.args.binary, "chain", "import", "--data", n.data, "--in",
                                self.backup)
            if code != 0:
                raise RuntimeError("chain import into rsu-%d: %s" % (n.index, out))
            n.start(self.drift(n.index))

    def delay_links(self, x, delay_s):
        """Node x's peer connections through a DelayRelay each (in the hub), from now on: a DNAT
        rule in the namespace of the node that dials (node i dials nodes 0..i-1), and x's direct
        connections closed so that they are made again through the relays."""
        relays, routes = [], {}
        for k in range(NODES):
            if k == x:
                continue
            dialer, target = (x, k) if x > k else (k, x)
            address, port = self.nodes[target].info["p2p"].rsplit(":", 1)
            relay = DelayRelay(netns.HUB_ADDRESS, RELAY_PORT + len(relays), (address, int(port)),
                               delay_s)
            relay.start()
            relays.append(relay)
            routes.setdefault(dialer, {})[("rsu%d" % target, int(port))] = relay.port
        for dialer, rt in routes.items():
            self.lab.route_via("rsu%d" % dialer, rt)
        for k in range(NODES):
            if k != x:
                self.lab.drop_connections("rsu%d" % x, self.lab.address("rsu%d" % k))
        return relays

    def heights(self):
        return [n.height() for n in self.all()]

    def all(self):
        return self.nodes + ([self.spare] if self.spare else [])

    def signers_everywhere(self, key):
        def signers(n):
            try:
                return n.rpc("clique_getSigners")
            except Exception:  # not answering now
                return []
        return [key in signers(n) for n in self.all()]

    def vote(self, auth):
        """The operator step: the spare RSU voted in (auth) or out by clique_propose on the four
        original nodes' admin sockets (a majority of four or five signers), then the proposals
        discarded. In: it must be a signer on every node and seal a block, within 30 s. Out: no
        node may count it a signer within 30 s; it stays up as a node that does not seal."""
        key, name = self.spare.info["key"], self.spare.info["name"]
        for n in self.nodes:
            n.admin("clique_propose", [key, auth])
        try:
            wait_until("%s %s on every node" % (name, "a signer" if auth else "no signer"),
                       lambda: all(x == auth for x in self.signers_everywhere(key)), 30)
            decided = max(h or 0 for h in self.heights())
            if not auth:
                self.out_height = decided
            if auth:
                from_height = decided
                wait_until("a block sealed by " + name, lambda: checker.sealed_by(
                    self.nodes[0], name, self.nodes[0].height() or 0, from_height) > 0, 30)
        except TimeoutError as e:
            self.problems.append("operator vote %s %s: %s" % ("in" if auth else "out", name, e))
        for n in self.nodes:
            n.admin("clique_discard", [key])
        self.say("%s voted %s by the operators of rsu-0..3" % (name, "in" if auth else "out"))

    def add_spare(self):
        info = spare_config(self.tn, self.testnet, NODES - 1, self.lab.address("rsu%d" % NODES))
        self.spare = Node(self.lab, NODES, info, self.args.binary)
        self.spare.start()
        wait_until("the spare answers", lambda: self.spare.height() is not None, 30)
        self.vote(True)

    def rotate_certificate(self):
        """The operator step (docs/package.md, "Certificate rotation"): a new certificate for the
        RSU's own key, given to its ledger account, the old one revoked on the ledger, and the node
        restarted with the new one."""
        n = self.nodes[self.rotated_node]
        name, rpc, ca = n.info["name"], self.nodes[0].info["rpc"], os.path.join(self.tn, "ca")
        cert = config_value(n.info["config"], "cert")
        renewed = os.path.join(self.work, "renewed-" + name)
        steps = [("renew", ["--cert", cert, "--out", renewed]),
                 ("recertify", ["--cert", os.path.join(renewed, "cert.pem"), "--rpc", rpc]),
                 ("revoke", ["--cert", cert, "--rpc", rpc])]
        old_hash, new_hash = pem_sha256(cert), None
        for step, argv in steps:
            code, out = run_cli(self.args.binary, "ca", step, "--ca", ca, *argv)
            if code != 0:
                raise RuntimeError("v2v ca %s: exit %d: %s" % (step, code, out))
            try:
                if step == "renew":
                    new_hash = pem_sha256(os.path.join(renewed, "cert.pem"))
                elif step == "recertify":
                    wait_until("%s's new certificate on every ledger" % name, lambda: all(
                        rpc_or_none(m, "state_getAccount", name, "certificate_hash") == new_hash
                        for m in self.nodes), 30)
                else:
                    wait_until("the old certificate revoked on every ledger", lambda: all(
                        rpc_or_none(m, "state_isRevoked", old_hash, "revoked") for m in self.nodes),
                        30)
            except TimeoutError as e:
                self.problems.append("certificate rotation of %s: %s" % (name, e))
                return
        revoked_at = max(h or 0 for h in self.heights())
        shutil.copyfile(os.path.join(renewed, "cert.pem"), cert)
        n.stop()
        n.start(self.drift(n.index))
        try:  # the restarted node answers and has the chain back before vehicles call on it
            wait_until("%s back at height %d" % (name, revoked_at),
                       lambda: (n.height() or 0) >= revoked_at, 30)
        except TimeoutError as e:
            self.problems.append("certificate rotation of %s: %s" % (name, e))
            return
        self.rotated = (new_hash, revoked_at)
        self.say("%s's certificate rotated: the ledger holds %s, the old one revoked at height %d"
                 % (name, new_hash[:12], revoked_at))
        # Before any fault: the RSU goes on committing rounds (C-3.2 checks the new certificate),
        # here a trade by hand between two vehicles the fleet does not drive.
        problem = self.trade_by_hand(n)
        if problem:
            self.problems.append("after %s's certificate rotation: %s" % (name, problem))
        elif not any(rsu == name and height > revoked_at for rsu, _, height in
                     checker.committed_rounds(self.nodes[0], self.nodes[0].height() or 0)):
            self.problems.append("%s's trade by hand after its certificate rotation is in no "
                                 "round above height %d" % (name, revoked_at))
        else:
            self.say("%s committed a round after the rotation" % name)

    def trade_by_hand(self, n):
        """A seller and a buyer (`v2v vehicle`, the testnet's two vehicles past the fleet's) trade
        at node n until their round is committed; returns a problem, or None."""
        vehicles = os.path.join(self.tn, "vehicles")
        common = ["--rsu", n.info["vehicle_api"], "--ca", os.path.join(self.tn, "ca", "ca.pem"),
                  "--wait", "committed", "--timeout", str(HAND_TRADE_TIMEOUT_S)]
        seller = subprocess.Popen(
            [self.args.binary, "vehicle", "sell", "--identity",
             os.path.join(vehicles, "car-%d" % VEHICLES), "--available", "30", "--reserve", "5",
             "--cost", "150", "--range", "100:200", "--loss", "0.05", "--at", "100,0", "--rounds",
             "1"] + common, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(1)  # the seller subscribes to calls before the buyer opens the round
        code, out = run_cli(self.args.binary, "vehicle", "buy", "--identity",
                            os.path.join(vehicles, "car-%d" % (VEHICLES + 1)), "--kwh", "2:8",
                            "--value", "300", "--range", "200:400", "--willingness", "3", "--at",
                            "0,0", *common, timeout=HAND_TRADE_TIMEOUT_S + 30)
        try:
            seller_out = seller.communicate(timeout=HAND_TRADE_TIMEOUT_S + 30)[0]
        except subprocess.TimeoutExpired:
            seller.kill()
            seller_out = seller.communicate()[0]
        if code != 0 or seller.returncode != 0:
            return "the trade by hand failed: buyer exit %d: %s; seller exit %s: %s" % (
                code, out.strip()[-300:], seller.returncode, seller_out.strip()[-300:])
        return None

    def check_rotation(self, rounds):
        if self.rotated is None:
            return []  # the rotation itself failed: its problem is recorded
        name = self.nodes[self.rotated_node].info["name"]
        new_hash, revoked_at = self.rotated
        problems = []
        for m in self.all():
            held = m.rpc("state_getAccount", [name])["certificate_hash"]
            if held != new_hash:
                problems.append("%s's ledger holds certificate %s for %s, not the renewed %s" % (
                    m.info["name"], held[:12], name, new_hash[:12]))
        after = [r for r in rounds if r[0] == name and r[2] > revoked_at]
        self.say("%s committed %d rounds after the rotation" % (name, len(after)))
        return problems

    def check(self, fleet, fleet_dir):
        problems = list(self.problems)
        healed = time.monotonic()
        top = max(h or 0 for h in self.heights())
        try:
            wait_until("every node at height %d" % (top + 2),
                       lambda: all((h or 0) >= top + 2 for h in self.heights()),
                       RESUME_BOUND_PERIODS * 1, poll_s=0.2)
            self.say("sealing resumed on every node %.1f s after healing (bound %d periods of 1 s)"
                     % (time.monotonic() - healed, RESUME_BOUND_PERIODS))
        except TimeoutError as e:
            problems.append("sealing did not resume: %s (heights %s)" % (e, self.heights()))
        seen = len(self.problems)
        self.vote(False)
        problems += self.problems[seen:]
        fleet.wait(self.args.fleet_seconds + 60)
        upto = min(h or 0 for h in self.heights()) - 1
        same = None
        try:
            same = wait_until("one chain", lambda: checker.common_hash(self.all(), upto), 30)
        except TimeoutError:
            problems.append("the nodes differ at height %d" % upto)
        self.say("every node holds block %d %s" % (upto, list(same.values())[0][:12] if same else "?"))
        rounds_problems, rounds = checker.same_rounds(self.all(), upto)
        problems += rounds_problems
        if not any(height > self.mark for _, _, height in rounds):
            problems.append("no round committed after the first fault (above height %d): the "
                            "vehicles stopped trading" % self.mark)
        names = [n.info["name"] for n in self.nodes]
        problems += checker.fleet_rounds_on_chain(fleet_dir, rounds, names)
        problems += self.check_rotation(rounds)
        vehicles = ["car-%d" % k for k in range(VEHICLES + 2)]  # the fleet's and the two by hand
        problems += checker.nonces_without_gap_or_reuse(self.nodes[0], vehicles)
        spare_name = self.spare.info["name"]
        spare_blocks = checker.sealed_by(self.nodes[0], spare_name, upto)
        late = checker.sealed_by(self.nodes[0], spare_name, upto, self.out_height or upto)
        if late:
            problems.append("%s sealed %d blocks above height %d, after every node had voted it "
                            "out" % (spare_name, late, self.out_height))
        drift_name = names[self.drift_node]
        drift_blocks = checker.sealed_by(self.nodes[0], drift_name, upto)
        if drift_blocks == 0:
            problems.append("%s (clock %+.1f s) sealed no block the chain kept" % (
                drift_name, self.drift_s))
        if self.packaged_node is not None:
            packaged_name = names[self.packaged_node]
            packaged_blocks = checker.sealed_by(self.nodes[0], packaged_name, upto)
            self.say("%s (the packaged binary) sealed %d blocks" % (packaged_name, packaged_blocks))
            if packaged_blocks == 0:
                problems.append("%s, run from the packaged binary, sealed no block the chain kept"
                                % packaged_name)
        with open(os.path.join(fleet_dir, "summary.json")) as f:
            summary = json.load(f)
        if summary["rounds_committed"] == 0 or summary["trades"] == 0:
            problems.append("the vehicles did not trade: %s" % json.dumps(summary)[:300])
        for n in self.all():
            n.stop()
        problems += checker.audits(self.args.binary, self.all())
        problems += checker.bans(self.all())
        self.say("checked: %d rounds on every node, %d trades, %s sealed %d blocks, %s %d" % (
            len(rounds), summary["trades"], drift_name, drift_blocks, spare_name, spare_blocks))
        return problems, len(rounds), summary["trades"]


def inside(args):
    """Runs in the hub namespace (it reaches every node's address over the bridge)."""
    hosts = ["rsu%d" % i for i in range(NODES)] + ["veh", "rsu%d" % NODES]
    lab = netns.Lab(args.prefix, hosts)
    work = args.work
    run = Run(args, lab, work)
    run.create()
    run.start()
    run.add_spare()
    episodes = faults.schedule(args.seed, NODES, HOLD_S)
    if args.minutes:
        rounds = max(1, int(args.minutes * 60 // (len(episodes) * (HOLD_S + GAP_S))))
        episodes = sum((faults.schedule(args.seed + k, NODES, HOLD_S) for k in range(rounds)), [])
    args.fleet_seconds = len(episodes) * (HOLD_S + GAP_S) + 5 + ROTATION_S
    fleet_dir = os.path.join(work, "fleet")
    fleet = start_fleet(lab, args.binary, run.tn, fleet_dir, VEHICLES, args.fleet_seconds,
                        TIME_SCALE, os.path.join(work, "fleet.log"))
    run.rotate_certificate()
    for k, e in enumerate(episodes):
        time.sleep(GAP_S)
        run.episode(e)
        if k == 0:
            run.mark = max(h or 0 for h in run.heights())
    run.say("healed; heights %s" % run.heights())
    problems, rounds, trades = run.check(fleet, fleet_dir)
    line = "seed=%d episodes=%d rounds=%d trades=%d" % (args.seed, len(episodes), rounds, trades)
    if problems:
        for p in problems:
            print("PROBLEM: " + p, flush=True)
        print(line + " FAILED", flush=True)
        return 1
    print(line + " ok", flush=True)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", required=True, help="the v2v executable")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--minutes", type=float, default=0, help="repeat schedules for this long")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--packaged-binary", help="run one RSU from this v2v (the Debian package's, "
                    "installed or extracted; tests/hosts/with_package.sh)")
    ap.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--prefix", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.binary = os.path.abspath(args.binary)
    if args.packaged_binary:
        args.packaged_binary = os.path.abspath(args.packaged_binary)
    if args.inside:
        return inside(args)
    reason = skip_reason()
    if reason:
        print("hosts_test: skipped: " + reason, flush=True)
        return SKIP
    prefix = "v2vh%d" % os.getpid()
    lab = netns.Lab(prefix, ["rsu%d" % i for i in range(NODES)] + ["veh", "rsu%d" % NODES])
    work = tempfile.mkdtemp(prefix="v2v_hosts_")
    packaged = ["--packaged-binary", args.packaged_binary] if args.packaged_binary else []
    replay = "sudo python3 %s --binary %s --seed %d%s%s" % (
        os.path.abspath(__file__), args.binary, args.seed,
        " --minutes %g" % args.minutes if args.minutes else "",
        " --packaged-binary %s (a package extracted by tests/hosts/with_package.sh)" %
        args.packaged_binary if args.packaged_binary else "")
    code = 1
    try:
        lab.create()
        argv = [sys.executable, os.path.abspath(__file__), "--inside", "--binary", args.binary,
                "--seed", str(args.seed), "--minutes", str(args.minutes), "--prefix", prefix,
                "--work", work] + packaged
        # A budget well past the schedule's length, so that a hung run still cleans up.
        budget_s = 300 + (args.minutes or 1) * 60 * 2
        code = subprocess.run(["ip", "netns", "exec", lab.hub] + argv, timeout=budget_s).returncode
    except Exception as e:  # the harness's own failure (or the budget): still clean up, say so
        print("hosts_test: %s" % e, flush=True)
        code = 1
    finally:
        lab.destroy()
        if code != 0:
            logs = [os.path.join(work, "tn", "node-%d" % i, "node.log") for i in range(NODES)]
            for i, log in enumerate(logs + [os.path.join(work, "tn", "spare", "rsu-%d" % NODES,
                                                         "node.log")]):
                if os.path.exists(log):
                    with open(log, errors="replace") as f:
                        tail = f.readlines()[-12:]
                    print("--- rsu-%d (last lines of %s):\n%s" % (i, log, "".join(tail)), flush=True)
            print("FAILED seed=%d; logs in %s; replay: %s" % (args.seed, work, replay), flush=True)
        elif not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
