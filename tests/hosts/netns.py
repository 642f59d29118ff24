"""Network namespaces for the hosts harness: one per RSU and one vehicle host, joined by veth pairs
to a bridge that lives in a namespace of its own (the hub), so nothing is added to the machine's
own network. Faults act inside the namespaces: nftables rules (partitions), tbf (slow links) and
link down/up (flapping). Every command is `ip`, `nft` or `tc`; a failed one raises HostError."""

import subprocess

SUBNET = "10.213.0"  # private, and only ever inside the namespaces this harness makes
HUB_ADDRESS = SUBNET + ".1"


class HostError(RuntimeError):
    pass


def run(*argv, stdin=None, check=True):
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise HostError("%s: exit %d: %s" % (" ".join(argv), p.returncode, p.stderr.strip()))
    return p


class Lab:
    """The namespaces `<prefix>-hub` (bridge br0 at HUB_ADDRESS), `<prefix>-<host>` per host."""

    def __init__(self, prefix, hosts):
        self.prefix = prefix
        self.hosts = list(hosts)  # names; host k gets SUBNET.(11 + k)
        self.hub = prefix + "-hub"

    def ns(self, host):
        return "%s-%s" % (self.prefix, host)

    def address(self, host):
        return "%s.%d" % (SUBNET, 11 + self.hosts.index(host))

    def create(self):
        run("ip", "netns", "add", self.hub)
        run("ip", "-n", self.hub, "link", "set", "lo", "up")
        run("ip", "-n", self.hub, "link", "add", "br0", "type", "bridge")
        run("ip", "-n", self.hub, "addr", "add", HUB_ADDRESS + "/24", "dev", "br0")
        run("ip", "-n", self.hub, "link", "set", "br0", "up")
        for k, host in enumerate(self.hosts):
            ns = self.ns(host)
            port = "p%d" % k
            run("ip", "netns", "add", ns)
            run("ip", "-n", ns, "link", "set", "lo", "up")
            run("ip", "-n", self.hub, "link", "add", port, "type", "veth", "peer", "name", "eth0",
                "netns", ns)
            run("ip", "-n", self.hub, "link", "set", port, "master", "br0", "up")
            run("ip", "-n", ns, "addr", "add", self.address(host) + "/24", "dev", "eth0")
            run("ip", "-n", ns, "link", "set", "eth0", "up")
            run("ip", "netns", "exec", ns, "nft", "add", "table", "inet", "v2vfault")

    def exec_argv(self, host, argv):
        return ["ip", "netns", "exec", self.ns(host)] + list(argv)

    # Faults. Each replaces what the last one of its kind set on that host.
    def block_from(self, host, sources):
        """`host` drops every packet from the hosts in `sources` (one way: it still sends)."""
        ns = self.ns(host)
        run("ip", "netns", "exec", ns, "nft", "flush", "table", "inet", "v2vfault")
        if not sources:
            return
        addrs = ", ".join(self.address(s) for s in sources)
        rules = ("table inet v2vfault {\n chain input {\n  type filter hook input priority 0;\n"
                 "  ip saddr { %s } drop\n }\n}\n" % addrs)
        run("ip", "netns", "exec", ns, "nft", "-f", "-", stdin=rules)

    def slow(self, host, rate_kbit):
        """Egress of `host` limited to rate_kbit by a token bucket (0: no limit)."""
        ns = self.ns(host)
        run("ip", "netns", "exec", ns, "tc", "qdisc", "del", "dev", "eth0", "root", check=False)
        if rate_kbit:
            run("ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", "eth0", "root", "tbf",
                "rate", "%dkbit" % rate_kbit, "burst", "16kb", "latency", "400ms")

    def link(self, host, up):
        run("ip", "-n", self.ns(host), "link", "set", "eth0", "up" if up else "down")

    def route_via(self, host, routes):
        """host's new TCP connections to each (dest_host, port) of `routes` go to the hub's
        address at routes[(dest_host, port)] instead (a relay there); {}: straight again."""
        ns = self.ns(host)
        run("ip", "netns", "exec", ns, "nft", "delete", "table", "ip", "v2vnat", check=False)
        if not routes:
            return
        rules = "".join("  ip daddr %s tcp dport %d dnat to %s:%d\n" % (
            self.address(dest), port, HUB_ADDRESS, relay_port)
            for (dest, port), relay_port in sorted(routes.items()))
        run("ip", "netns", "exec", ns, "nft", "-f", "-", stdin=(
            "table ip v2vnat {\n chain output {\n  type nat hook output priority -100;\n"
            + rules + " }\n}\n"))

    def drop_connections(self, host, peer_address):
        """Closes host's TCP connections with peer_address now (ss -K)."""
        run("ip", "netns", "exec", self.ns(host), "ss", "-K", "dst", peer_address, check=False)

    def heal(self):
        for host in self.hosts:
            self.block_from(host, [])
            self.slow(host, 0)
            self.route_via(host, {})
            self.link(host, True)

    def destroy(self):
        """Kills every process left in the namespaces and deletes them; never raises."""
        for ns in [self.ns(h) for h in self.hosts] + [self.hub]:
            pids = run("ip", "netns", "pids", ns, check=False).stdout.split()
            for pid in pids:
                run("kill", "-9", pid, check=False)
            run("ip", "netns", "del", ns, check=False)


def leftovers(prefix_start):
    """Namespaces a killed earlier run of the harness left (their names start with prefix_start)."""
    out = run("ip", "netns", "list", check=False).stdout
    return [line.split()[0] for line in out.splitlines() if line.startswith(prefix_start)]
