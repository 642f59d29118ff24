#!/usr/bin/env python3
"""The hosts harness's own logic, without namespaces or nodes (ctest `hosts_harness_unit`, no root
needed): the fault schedule and partition shapes, and that each check of the checker fails on the
history it exists to catch (fake nodes answer the RPC from a small in-memory chain)."""

import os
import socket
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checker  # noqa: E402
import faults  # noqa: E402
from relay import DelayRelay  # noqa: E402


class FakeNode:
    """Blocks: [{"hash", "sealer", "txs": [{"sender", "nonce", "kind", "hash", "bids"?, "rsu"?,
    "round"?}]}] at heights 1..n; accounts: {id: nonce}."""

    def __init__(self, name, blocks, accounts):
        self.info = {"name": name}
        self.blocks = blocks
        self.accounts = accounts
        self.head_reads = 0
        self.moves_at = None  # the chain_head read after which a block is appended

    def rpc(self, method, params=(), timeout=3):
        if method == "chain_getBlocks":
            start, count = params
            return [{"height": h, "hash": self.blocks[h - 1]["hash"],
                     "sealer_name": self.blocks[h - 1]["sealer"]}
                    for h in range(start, min(len(self.blocks), start + count - 1) + 1)]
        if method == "market_rounds":
            start, end = params
            return [{"rsu": t["rsu"], "round": t["round"], "height": h}
                    for h in range(start, end + 1) for t in self.blocks[h - 1]["txs"]
                    if t["kind"] == "round"]
        if method == "chain_getBlockTransactions":
            height, page, size = params
            txs = self.blocks[height - 1]["txs"]
            return {"total": len(txs), "txs": txs[page * size:(page + 1) * size]}
        if method == "chain_getTransaction":
            for b in self.blocks:
                for t in b["txs"]:
                    if t["hash"] == params[0]:
                        return {"body": {"buyers": t["bids"][:1], "sellers": t["bids"][1:]}}
        if method == "state_getAccount":
            return {"nonce": self.accounts[params[0]]}
        if method == "chain_head":
            self.head_reads += 1
            if self.moves_at is not None and self.head_reads == self.moves_at + 1:
                # a block arrived after read `moves_at`, before this one
                self.blocks.append({"hash": "late", "sealer": "rsu-0", "txs": []})
            return {"height": len(self.blocks), "hash": self.blocks[-1]["hash"]}
        raise KeyError(method)


def chain(rounds_at, bids):
    """Blocks 1..5; block h holds the rounds rounds_at[h] = [(rsu, round)], each carrying `bids`."""
    blocks = []
    for h in range(1, 6):
        txs = []
        for k, (rsu, rnd) in enumerate(rounds_at.get(h, [])):
            txs.append({"sender": rsu, "nonce": h * 10 + k, "kind": "round",
                        "hash": "r%d%d" % (h, k), "rsu": rsu, "round": rnd,
                        "bids": bids.get((rsu, rnd), [])})
        blocks.append({"hash": "h%d" % h, "sealer": "rsu-%d" % (h % 2), "txs": txs})
    return blocks


class Schedule(unittest.TestCase):
    def test_same_seed_same_schedule_kill_first_restore_last(self):
        for seed in range(50):
            s = faults.schedule(seed, 4, 8)
            self.assertEqual(s, faults.schedule(seed, 4, 8))
            self.assertEqual([e["kind"] for e in (s[0], s[-1])], ["kill", "restore"])
            self.assertEqual(s[0]["node"], s[-1]["node"])
            self.assertEqual(sorted(e["kind"] for e in s[1:-1]), ["partition", "skew", "slow"])
            skew = [e for e in s if e["kind"] == "skew"][0]["skew_s"]
            self.assertTrue(2 <= abs(skew) <= faults.MAX_SKEW_S)

    def test_partition_shapes(self):
        split = faults.blocked_sources("split", 3, 4)
        self.assertEqual(split, {0: [1, 2], 1: [0, 3], 2: [0, 3], 3: [1, 2]})
        self.assertEqual(faults.blocked_sources("oneway", 2, 4), {2: [0, 1, 3]})
        bridge = faults.blocked_sources("bridge", 1, 4)
        self.assertNotIn(1, bridge)  # the bridge hears everyone
        for n, sources in bridge.items():
            self.assertNotIn(1, sources)  # and everyone hears the bridge
        self.assertEqual(bridge, {0: [2, 3], 2: [0], 3: [0]})


class Checks(unittest.TestCase):
    def setUp(self):
        self.bids = {("rsu-0", 1): [{"sender": "car-0", "nonce": 1}, {"sender": "car-1", "nonce": 1}],
                     ("rsu-1", 7): [{"sender": "car-0", "nonce": 2}]}
        self.good = chain({2: [("rsu-0", 1)], 4: [("rsu-1", 7)]}, self.bids)

    def test_one_chain_holds(self):
        a = FakeNode("rsu-0", self.good, {"car-0": 2, "car-1": 1})
        b = FakeNode("rsu-1", self.good, {"car-0": 2, "car-1": 1})
        self.assertIsNotNone(checker.common_hash([a, b], 5))
        problems, rounds = checker.same_rounds([a, b], 5)
        self.assertEqual(problems, [])
        self.assertEqual(len(rounds), 2)
        self.assertEqual(checker.nonces_without_gap_or_reuse(a, ["car-0", "car-1"]), [])
        self.assertEqual(checker.sealed_by(a, "rsu-1", 5), 3)

    def test_a_fork_and_different_rounds_are_found(self):
        other = chain({2: [("rsu-0", 1)]}, self.bids)
        other[4]["hash"] = "fork"
        a = FakeNode("rsu-0", self.good, {})
        b = FakeNode("rsu-1", other, {})
        self.assertIsNone(checker.common_hash([a, b], 5))
        problems, _ = checker.same_rounds([a, b], 5)
        self.assertEqual(len(problems), 1)

    def test_a_round_held_twice_is_found(self):
        twice = chain({2: [("rsu-0", 1)], 3: [("rsu-0", 1)]}, self.bids)
        problems, _ = checker.same_rounds([FakeNode("rsu-0", twice, {})], 5)
        self.assertIn("holds a round twice", problems[0])

    def test_a_nonce_gap_and_a_reused_nonce_are_found(self):
        gap = dict(self.bids)
        gap[("rsu-1", 7)] = [{"sender": "car-0", "nonce": 3}]
        node = FakeNode("rsu-0", chain({2: [("rsu-0", 1)], 4: [("rsu-1", 7)]}, gap),
                        {"car-0": 3, "car-1": 1})
        self.assertEqual(len(checker.nonces_without_gap_or_reuse(node, ["car-0", "car-1"])), 1)
        reuse = dict(self.bids)
        reuse[("rsu-1", 7)] = [{"sender": "car-1", "nonce": 1}]
        node = FakeNode("rsu-0", chain({2: [("rsu-0", 1)], 4: [("rsu-1", 7)]}, reuse),
                        {"car-0": 1, "car-1": 1})
        problems = checker.nonces_without_gap_or_reuse(node, ["car-0", "car-1"])
        self.assertEqual(len(problems), 1)
        self.assertIn("car-1", problems[0])

    def test_nonces_are_read_against_the_accounts_at_one_head(self):
        # A block sealed while the accounts are read: they are read again, and the nonces listed
        # up to the head they were read at (here the late block, which holds no transaction).
        node = FakeNode("rsu-0", chain({2: [("rsu-0", 1)], 4: [("rsu-1", 7)]}, self.bids),
                        {"car-0": 2, "car-1": 1})
        node.moves_at = 1
        self.assertEqual(checker.nonces_without_gap_or_reuse(node, ["car-0", "car-1"]), [])
        self.assertEqual(node.head_reads, 4)  # the first pair differed
        # A vehicle's transaction in a block above the head the accounts were read at would be
        # a gap: its account nonce at that head is below what the chain lists.
        node = FakeNode("rsu-0", chain({2: [("rsu-0", 1)], 4: [("rsu-1", 7)]}, self.bids),
                        {"car-0": 1, "car-1": 1})
        problems = checker.nonces_without_gap_or_reuse(node, ["car-0", "car-1"])
        self.assertEqual(len(problems), 1)
        self.assertIn("car-0", problems[0])

    def test_a_fleet_trade_in_a_round_no_node_holds_is_found(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "trades.csv"), "w") as f:
                f.write("# stamp\ntime_s,node,round,buyer,seller,price_per_kwh,kwh,loss_kwh,"
                        "amount,escrow,state\n1.0,0,1,car-0,car-1,200,1.0,0.0,200,ab,settled\n"
                        "2.0,1,8,car-0,car-1,200,1.0,0.0,200,cd,settled\n"
                        # Rounds the fleet never saw committed: not claimed to be on chain.
                        "3.0,1,9,car-0,car-1,200,1.0,0.0,200,ef,dropped\n"
                        "4.0,1,10,car-0,car-1,200,1.0,0.0,200,gh,scheduled\n")
            rounds = [("rsu-0", 1, 2), ("rsu-1", 7, 4)]
            problems = checker.fleet_rounds_on_chain(d, rounds, ["rsu-0", "rsu-1"])
            self.assertEqual(len(problems), 1)
            self.assertIn("rsu-1 round 8", problems[0])


class Relay(unittest.TestCase):
    def test_each_way_is_delayed_and_kept_in_order(self):
        echo = socket.socket()
        echo.bind(("127.0.0.1", 0))
        echo.listen(1)

        def serve():
            conn, _ = echo.accept()
            while True:
                data = conn.recv(4096)
                if not data:
                    break
                conn.sendall(data)
            conn.close()

        threading.Thread(target=serve, daemon=True).start()
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        relay = DelayRelay("127.0.0.1", port, echo.getsockname(), 0.2)
        relay.start()
        try:
            c = socket.create_connection(("127.0.0.1", port))
            start = time.monotonic()
            for i in range(5):
                c.sendall(b"chunk%d;" % i)
            got = b""
            while len(got) < 35:
                got += c.recv(4096)
            elapsed = time.monotonic() - start
            self.assertEqual(got, b"chunk0;chunk1;chunk2;chunk3;chunk4;")
            self.assertGreaterEqual(elapsed, 0.4)  # 0.2 s out, 0.2 s back
            self.assertEqual(relay.connections, 1)
            c.close()
        finally:
            relay.stop()
            echo.close()


if __name__ == "__main__":
    unittest.main()
