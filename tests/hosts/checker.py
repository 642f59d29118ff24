"""What the hosts harness checks once the faults have healed, over every node's chain and the
fleet's record. Each check returns a list of problems (empty: it held)."""

import csv
import os
import re

from cluster import run_cli

MAX_PAGE = 100  # chain_getBlockTransactions' page size bound (docs/spec/node.md)


def common_hash(nodes, height):
    hashes = {n.info["name"]: n.rpc("chain_getBlocks", [height, 1])[0]["hash"] for n in nodes}
    return hashes if len(set(hashes.values())) == 1 else None


def committed_rounds(node, upto):
    """[(rsu, round, height)] of every round committed in blocks 1..upto, in chain order."""
    out = []
    for start in range(1, upto + 1, 256):
        end = min(upto, start + 255)
        for r in node.rpc("market_rounds", [start, end], timeout=10):
            out.append((r["rsu"], r["round"], r["height"]))
    return out


def same_rounds(nodes, upto):
    problems = []
    first = committed_rounds(nodes[0], upto)
    keys = [(rsu, rnd) for rsu, rnd, _ in first]
    if len(keys) != len(set(keys)):
        problems.append("%s holds a round twice in blocks 1..%d" % (nodes[0].info["name"], upto))
    for n in nodes[1:]:
        other = committed_rounds(n, upto)
        if other != first:
            problems.append("%s and %s hold different rounds in blocks 1..%d (%d against %d)" % (
                nodes[0].info["name"], n.info["name"], upto, len(first), len(other)))
    return problems, first


def used_nonces(node, upto):
    """{sender: [nonces]} of every transaction in blocks 1..upto, the bids inside rounds included."""
    used = {}
    for height in range(1, upto + 1):
        page = 0
        while True:
            listing = node.rpc("chain_getBlockTransactions", [height, page, MAX_PAGE], timeout=10)
            for t in listing["txs"]:
                used.setdefault(t["sender"], []).append(t["nonce"])
                if t["kind"] == "round":
                    body = node.rpc("chain_getTransaction", [t["hash"]], timeout=10)["body"]
                    for bid in body["buyers"] + body["sellers"]:
                        used.setdefault(bid["sender"], []).append(bid["nonce"])
            page += 1
            if page * MAX_PAGE >= listing["total"]:
                break
    return used


def accounts_at_one_head(node, vehicles, attempts=50):
    """({id: account nonce}, head height): every vehicle's account read while the head stayed the
    same block (the fleet may still be sending transactions: a block sealed between two reads, or
    after the blocks a check listed, would pair nonces and accounts of different heights)."""
    for _ in range(attempts):
        before = node.rpc("chain_head")
        nonces = {v: node.rpc("state_getAccount", [v])["nonce"] for v in vehicles}
        after = node.rpc("chain_head")
        if (before["height"], before["hash"]) == (after["height"], after["hash"]):
            return nonces, before["height"]
    raise TimeoutError("the head of %s kept moving while its accounts were read" % node.info["name"])


def nonces_without_gap_or_reuse(node, vehicles):
    """Each vehicle's committed nonces are exactly 1..n, n its account's nonce, both read at the
    same head."""
    problems = []
    accounts, height = accounts_at_one_head(node, vehicles)
    used = used_nonces(node, height)
    for v in vehicles:
        got = sorted(used.get(v, []))
        if got != list(range(1, len(got) + 1)) or len(got) != accounts[v]:
            problems.append("%s: nonces on the chain %s, account nonce %d (head %d)" % (
                v, got[:20], accounts[v], height))
    return problems


ON_CHAIN_STATES = ("committed", "settled", "refunded")


def fleet_rounds_on_chain(fleet_dir, chain_rounds, node_names):
    """Every round the fleet's vehicles saw committed is on the chain (trades.csv rows whose state
    is committed, settled or refunded; a row still `scheduled` or `dropped` saw no commit)."""
    problems = []
    path = os.path.join(fleet_dir, "trades.csv")
    if not os.path.exists(path):
        return ["the fleet wrote no trades.csv"]
    on_chain = {(rsu, rnd) for rsu, rnd, _ in chain_rounds}
    with open(path) as f:
        rows = [r for r in csv.DictReader(line for line in f if not line.startswith("#"))]
    for r in rows:
        if r["state"] not in ON_CHAIN_STATES:
            continue
        rsu = node_names[int(r["node"])]
        if (rsu, int(r["round"])) not in on_chain:
            problems.append("the fleet traded in %s round %s, which no node holds" % (rsu, r["round"]))
    return problems


def audits(binary, nodes):
    problems = []
    for n in nodes:
        code, out = run_cli(binary, "audit", "--data", n.data, timeout=300)
        if code != 0:
            problems.append("v2v audit --data %s: exit %d: %s" % (n.data, code, out.strip()[-400:]))
    return problems


def bans(nodes):
    problems = []
    for n in nodes:
        with open(n.log, errors="replace") as f:
            for line in f:
                if "peer_banned" in line:
                    problems.append("%s: %s" % (n.info["name"], line.strip()))
    return problems


def sealed_by(node, name, upto, above=0):
    """How many of blocks above+1..upto `name` sealed."""
    count = 0
    for start in range(above + 1, upto + 1, 100):
        for b in node.rpc("chain_getBlocks", [start, min(100, upto - start + 1)], timeout=10):
            count += b.get("sealer_name") == name
    return count


def log_mentions(path, pattern):
    with open(path, errors="replace") as f:
        return sum(1 for line in f if re.search(pattern, line))
