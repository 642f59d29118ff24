"""The fault schedule of one run of the hosts harness, drawn from a seed (random.Random: the same
seed gives the same schedule on any machine with the same Python).

A schedule is a list of episodes, each a fault held for a while and then healed:
  kill     kill -9 of one node, its chain exported as a backup while it is down, restarted
  partition  "split" (two halves that cannot hear each other), "bridge" (one node hears both
           halves, the halves not each other) or "oneway" (one node hears nobody, everybody
           hears it)
  slow     one node's links to its peers delayed by a relay (150-500 ms each way) and limited by a
           token bucket, and flapping (down and up) meanwhile
  skew     one node restarted with its clock moved by up to +-20 s (libfaketime), then
           restarted with the true clock
  restore  kill -9 of the node whose backup the kill episode took, its ledger replaced by that
           (older) backup, restarted: it must catch up
The kill episode comes first and the restore last; the others are shuffled between them."""

import random

MAX_SKEW_S = 20


def schedule(seed, nodes, hold_s):
    rng = random.Random(seed)
    backed_up = rng.randrange(nodes)
    middle = [
        {"kind": "partition", "shape": rng.choice(["split", "bridge", "oneway"]),
         "node": rng.randrange(nodes)},
        {"kind": "slow", "node": rng.randrange(nodes), "rate_kbit": rng.choice([64, 128, 256]),
         "flaps": rng.randint(1, 3)},
        {"kind": "skew", "node": rng.randrange(nodes),
         "skew_s": rng.choice([-1, 1]) * rng.randint(2, MAX_SKEW_S)},
    ]
    rng.shuffle(middle)
    episodes = [{"kind": "kill", "node": backed_up, "down_s": rng.randint(2, 5)}] + middle
    episodes.append({"kind": "restore", "node": backed_up})
    # Drawn last, so that the draws above (and each seed's schedule) stay as they were.
    episodes[[e["kind"] for e in episodes].index("slow")]["delay_ms"] = rng.choice([150, 300, 500])
    for e in episodes:
        e["hold_s"] = hold_s
    return episodes


def blocked_sources(shape, pivot, nodes):
    """For a partition: which nodes each node drops packets from ({node: [sources]})."""
    others = [n for n in range(nodes) if n != pivot]
    if shape == "oneway":  # the pivot hears nobody; everybody hears the pivot
        return {pivot: others}
    if shape == "split":  # {pivot, next} | the rest
        left = {pivot, (pivot + 1) % nodes}
    else:  # bridge: the pivot is in both halves
        half = others[: len(others) // 2]
        left = set(half) | {pivot}
        right = set(others[len(others) // 2:]) | {pivot}
        return {n: [m for m in range(nodes) if m != pivot and (n in left) != (m in left)]
                for n in others if n in left or n in right}
    right = set(range(nodes)) - left
    return {n: sorted(right if n in left else left) for n in range(nodes)}


def describe(e):
    k = e["kind"]
    if k == "kill":
        return "kill -9 rsu-%d, down %d s (its chain exported as a backup)" % (e["node"], e["down_s"])
    if k == "partition":
        return "partition %s around rsu-%d for %d s" % (e["shape"], e["node"], e["hold_s"])
    if k == "slow":
        return "rsu-%d's peer links %d ms each way, %d kbit/s, flapping %d times, for %d s" % (
            e["node"], e["delay_ms"], e["rate_kbit"], e["flaps"], e["hold_s"])
    if k == "skew":
        return "rsu-%d restarted with its clock %+d s off, for %d s" % (
            e["node"], e["skew_s"], e["hold_s"])
    return "kill -9 rsu-%d, restored from its backup, restarted" % e["node"]
