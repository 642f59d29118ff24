"""The RSU nodes and the fleet of one hosts-harness run, each process in its host's namespace.

Nodes run `v2v node --config` from a testnet written by `v2v testnet create --addresses` (one
address per namespace); the fleet runs `v2v fleet --testnet` in the vehicle host. Clock skew is
libfaketime's (Debian's faketime package), preloaded into the node's process."""

import glob
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

FAKETIME_LIB = "/usr/lib/*/faketime/libfaketime.so.1"


def faketime_lib():
    found = glob.glob(FAKETIME_LIB)
    return found[0] if found else None


class Node:
    def __init__(self, lab, index, info, binary):
        self.lab = lab
        self.index = index
        self.host = "rsu%d" % index  # its namespace
        self.info = info  # the node's entry in testnet.json
        self.binary = binary
        self.proc = None
        self.skew_s = 0
        self.data = os.path.join(os.path.dirname(info["config"]), "data")
        self.admin_socket = os.path.join(os.path.dirname(info["config"]), "admin.sock")
        self.log = os.path.join(os.path.dirname(info["config"]), "node.log")

    def start(self, skew_s=0):
        env = dict(os.environ)
        self.skew_s = skew_s
        if skew_s:
            env["LD_PRELOAD"] = faketime_lib()
            env["FAKETIME"] = "%+ds" % skew_s
            env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
            env["FAKETIME_NO_CACHE"] = "1"
        with open(self.log, "a") as log:
            log.write("--- hosts harness: start (clock %+d s)\n" % skew_s)
            log.flush()
            self.proc = subprocess.Popen(
                self.lab.exec_argv(self.host, [self.binary, "node", "--config", self.info["config"]]),
                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def stop(self, grace_s=10):
        if not self.proc or self.proc.poll() is not None:
            self.proc = None
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            self.kill9()
        self.proc = None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def rpc(self, method, params=(), timeout=3):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
        req = urllib.request.Request(self.info["rpc"], data=body.encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            reply = json.loads(r.read())
        if "error" in reply:
            raise RuntimeError("%s %s: %s" % (self.info["name"], method, reply["error"]))
        return reply["result"]

    def admin(self, method, params=(), timeout=5):
        """An operator method over the node's admin socket (HTTP over a Unix socket, which no
        network namespace hides)."""
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method,
                           "params": list(params)}).encode()
        head = ("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)).encode()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(self.admin_socket)
            s.sendall(head + body)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        reply = json.loads(data.split(b"\r\n\r\n", 1)[1])
        if "error" in reply:
            raise RuntimeError("%s %s: %s" % (self.info["name"], method, reply["error"]))
        return reply["result"]

    def height(self):
        """The node's head height, or None if it does not answer now."""
        try:
            return int(self.rpc("node_status", timeout=2)["height"])
        except Exception:  # down, partitioned from the hub, or busy: not an answer
            return None


def wait_until(what, predicate, timeout_s, poll_s=0.5):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll_s)
    raise TimeoutError("%s: not within %d s" % (what, timeout_s))


def run_cli(binary, *args, timeout=120):
    p = subprocess.run([binary] + list(args), capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout + p.stderr


def start_fleet(lab, binary, testnet_dir, out_dir, vehicles, seconds, time_scale, log_path):
    log = open(log_path, "w")
    return subprocess.Popen(
        lab.exec_argv("veh", [binary, "fleet", "--testnet", testnet_dir, "--vehicles", str(vehicles),
                              "--seconds", str(seconds), "--time-scale", str(time_scale),
                              "--drain", "20", "--out", out_dir,
                              "--json"]),
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


SPARE_PORTS = (30400, 30401, 30402)  # p2p, rpc, vehicles: the spare is alone in its namespace


def spare_config(testnet_dir, testnet, template_index, spare_address):
    """The config of the testnet's first spare RSU (DIR/spare/NAME/config.toml), written from node
    template_index's: its own name, files and address, and every node as a peer. Returns its
    testnet.json-like entry."""
    spare = testnet["spare"][0]
    name, home = spare["name"], os.path.join(testnet_dir, "spare", spare["name"])
    template = testnet["nodes"][template_index]
    node_dir = os.path.dirname(template["config"])
    p2p, rpc, vehicles = ("%s:%d" % (spare_address, p) for p in SPARE_PORTS)
    lines = []
    with open(template["config"]) as f:
        for line in f:
            key = line.split("=", 1)[0].strip()
            if key == "name":
                line = "name = '%s'\n" % name
            elif key in ("admin_socket", "cert", "key", "data_dir"):
                line = line.replace(node_dir, home)
            elif key in ("p2p_listen", "rpc_listen", "vehicle_listen"):
                line = "%s = '%s'\n" % (key, {"p2p_listen": p2p, "rpc_listen": rpc,
                                               "vehicle_listen": vehicles}[key])
            elif key == "peers":
                line = "peers = [ %s ]\n" % ", ".join("'%s'" % n["p2p"] for n in testnet["nodes"])
            elif key == "rpc_vhosts":
                line = "rpc_vhosts = [ 'localhost', '127.0.0.1', '%s' ]\n" % spare_address
            lines.append(line)
    config = os.path.join(home, "config.toml")
    with open(config, "w") as f:
        f.writelines(lines)
    return {"name": name, "key": spare["key"], "config": config, "rpc": "http://" + rpc, "p2p": p2p}
