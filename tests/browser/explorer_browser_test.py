#!/usr/bin/env python3
"""The explorer in a real browser (ctest label net): a 2-node testnet with trading rounds from
bench_testnet, headless Chromium driven over the DevTools protocol (cdp.py). Every route is opened
and what it shows is compared with the node's JSON-RPC; a block sealed after the page loaded must
appear without a reload; no request may leave the node's origin. Screenshots go to --out.

Usage: explorer_browser_test.py --v2v BIN --bench BIN --out DIR [--chromium BIN] [--keep]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Page  # noqa: E402


class Rpc:
    def __init__(self, url):
        self.url = url

    def __call__(self, method, *params):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
        req = urllib.request.Request(self.url + "/", body, {"Content-Type": "application/json"})
        msg = json.load(urllib.request.urlopen(req, timeout=10))
        if "error" in msg:
            raise RuntimeError(f"{method}: {msg['error']}")
        return msg["result"]


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print(f"ok: {what}", flush=True)


def start_chromium(binary, profile):
    args = [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
            "--disable-extensions", "--window-size=1280,900", "--hide-scrollbars",
            f"--user-data-dir={profile}", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
            "about:blank"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = os.path.join(profile, "DevToolsActivePort")
    for _ in range(300):
        if os.path.exists(port_file):
            with open(port_file) as f:
                lines = f.read().split()
            if lines:
                return proc, int(lines[0])
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("chromium did not open its DevTools port")


def open_route(page, origin, route, shots, name):
    page.eval(f"location.href = {json.dumps(origin + '/' + route)}")
    page.wait_for(f"document.body && document.body.dataset.route === {json.dumps(route)}", what=f"route {route}")
    page.screenshot(os.path.join(shots, f"{name}.png"))


def run(args, tmp):
    net_dir = os.path.join(tmp, "net")
    subprocess.run([args.v2v, "testnet", "start", "--nodes", "2", "--dir", net_dir, "--vehicles", "24", "--period", "1"],
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(net_dir, "testnet.json")) as f:
        origin = json.load(f)["nodes"][0]["rpc"].rstrip("/")
    rpc = Rpc(origin)
    subprocess.run([args.bench, "--dir", net_dir, "--seconds", "3", "--rate", "40", "--bids", "10"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    head = rpc("chain_head")["height"]
    rounds = rpc("market_rounds", max(1, head - 255), head)
    check(len(rounds) > 0 and sum(r["trades"] for r in rounds) > 0, f"the testnet traded ({len(rounds)} rounds)")

    proc, port = start_chromium(args.chromium, os.path.join(tmp, "profile"))
    try:
        page = Page(port)
        page.send("Network.enable")
        page.send("Page.enable")
        page.send("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        check_pages(page, rpc, origin, args.out, rounds)
        urls = [e["params"]["request"]["url"] for e in page.events if e["method"] == "Network.requestWillBeSent"]
        urls += [e["params"]["url"] for e in page.events if e["method"] == "Network.webSocketCreated"]
        ws_origin = "ws" + origin[len("http"):]
        foreign = [u for u in urls if not (u.startswith(origin + "/") or u.startswith(ws_origin + "/") or u.startswith("data:"))]
        check(len(urls) > 10 and not foreign, f"all {len(urls)} requests stayed on {origin} (foreign: {foreign[:3]})")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        subprocess.run([args.v2v, "testnet", "stop", "--dir", net_dir], stdout=subprocess.DEVNULL)


def check_pages(page, rpc, origin, shots, rounds):
    # Overview: the head, then a new block without a reload.
    open_route(page, origin, "#/", shots, "overview")
    page.eval("window.__noReload = 42")
    shown = int(page.eval("document.getElementById('head-height').textContent"))
    now = rpc("chain_head")["height"]
    check(now - 2 <= shown <= now, f"overview shows head {shown} (RPC {now})")
    mechanism = rpc("node_status")["mechanism"]["name"]
    check(page.eval("document.getElementById('mechanism').textContent") == mechanism,
          f"overview names the genesis's mechanism ({mechanism})")
    page.wait_for("document.getElementById('live').dataset.subscription", what="the newHeads subscription")
    page.wait_for(f"Number(document.getElementById('head-height').textContent) > {shown}", what="a new head")
    later = int(page.eval("document.getElementById('head-height').textContent"))
    check(page.eval("window.__noReload") == 42, f"head {later} appeared without a reload")
    block = rpc("chain_getBlock", later)
    check(page.eval("document.getElementById('head-hash').textContent") == block["hash"], "the new head's hash is the RPC's")
    page.screenshot(os.path.join(shots, "overview.png"))

    open_route(page, origin, "#/blocks", shots, "blocks")
    top = int(page.eval("document.querySelector('#blocks tbody tr td').textContent"))
    check(rpc("chain_getBlock", top)["height"] == top and page.eval("document.querySelectorAll('#blocks tbody tr').length") == min(25, top + 1),
          f"blocks page lists min(25, {top} + 1) blocks from {top} down")

    busiest = max(rounds, key=lambda r: r["trades"])
    h = busiest["height"]
    open_route(page, origin, f"#/block/{h}", shots, "block")
    want = [t["hash"] for t in rpc("chain_getBlockTransactions", h, 0, 25)["txs"]]
    got = page.eval("[...document.querySelectorAll('#block-txs a[data-tx]')].map(a => a.dataset.tx)")
    check(got == want, f"block {h} lists its {len(want)} transactions")

    tx = rpc("chain_getTransaction", busiest["hash"])
    open_route(page, origin, f"#/tx/{busiest['hash']}", shots, "round")
    prices = page.eval("[...document.querySelectorAll('#round-trades tbody tr')].map(r => Number(r.children[3].textContent))")
    check(prices == [t["price"] for t in tx["body"]["trades"]], f"round shows its {len(prices)} trades at the RPC's prices")
    volume = int(page.eval("document.getElementById('round-volume').textContent").replace(",", ""))
    check(volume == tx["volume_wh"], f"round volume {volume} Wh")

    buyer = tx["body"]["trades"][0]["buyer"]
    open_route(page, origin, f"#/account/{buyer}", shots, "account")
    page.wait_for("!!document.getElementById('history-table')", what="the history table")
    account = rpc("state_getAccount", buyer)
    check(page.eval("document.getElementById('account-balance').textContent") == str(account["balance"]), f"{buyer}'s balance")
    want = [t["hash"] for t in rpc("state_getAccountHistory", buyer, None, 25)["txs"]]
    got = page.eval("[...document.querySelectorAll('#history-table a[data-tx]')].map(a => a.dataset.tx)")
    check(got == want and busiest["hash"] in got, f"{buyer}'s history ({len(got)} transactions)")
    savings = rpc("state_getAccountSavings", buyer)
    shown = page.eval("document.getElementById('account-savings').textContent")
    check(savings["rounds"] > 0 and shown.startswith(f"{savings['rounds']} rounds traded"),
          f"{buyer}'s trades against the grid: {shown!r}")

    open_route(page, origin, "#/market", shots, "market")
    lo, hi = map(int, page.eval("document.getElementById('market-range').textContent").split("-"))
    want = rpc("market_rounds", lo, hi)
    check(int(page.eval("document.getElementById('market-rounds').textContent")) == len(want), f"market counts {len(want)} rounds")
    check(page.eval("document.querySelectorAll('#price-chart polyline').length") == 1, "price chart drawn")
    rlo, rhi = map(int, page.eval("document.getElementById('map-range').textContent").split("-"))
    lines = sum(len(r["trade_list"]) for r in rpc("market_rounds", rlo, rhi, True))
    check(page.eval("document.querySelectorAll('#trade-map line.trade').length") == lines, f"map draws {lines} trades")

    page.eval(f"document.getElementById('search-input').value = {json.dumps(busiest['hash'])};"
              "document.querySelector('#search button').click()")
    page.wait_for(f"document.body.dataset.route === '#/tx/{busiest['hash']}'", what="search to the transaction")
    check(True, "search finds a transaction by hash")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--v2v", required=True)
    p.add_argument("--bench", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    p.add_argument("--keep", action="store_true")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="v2v_explorer_browser_")
    try:
        run(args, tmp)
        print("explorer browser test: passed", flush=True)
        return 0
    except Exception as e:  # noqa: BLE001 -- any failure fails the test with its reason
        print(f"FAILED: {e}", flush=True)
        for log in sorted(os.listdir(os.path.join(tmp, "net"))) if os.path.isdir(os.path.join(tmp, "net")) else []:
            path = os.path.join(tmp, "net", log, "node.log")
            if os.path.exists(path):
                print(f"--- {path} (tail)")
                print("".join(open(path).readlines()[-15:]))
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
