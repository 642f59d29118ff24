#!/usr/bin/env bash
# The Debian package (ctest label `package`; docs/package.md): cpack builds it into a temp dir,
# dpkg-deb shows the binary, the unit template, the maintainer scripts and the docs in it, it is
# extracted into a temp root, and ONE node is started from the extracted binary the way the unit
# starts it (its ExecStart line, with /usr/bin and /etc/v2v moved into the temp root). Passes when
# that node, configured by the packaged example config, seals blocks: its height, from its JSON-RPC,
# reaches 2, its only Clique signer is its own key, and SIGTERM ends it with exit 0.
# Usage: package_test.sh CPACK BUILD_DIR. Exit 77 (ctest: skipped) when a tool is missing.
set -euo pipefail
CPACK=$1
BUILD=$(cd "$2" && pwd)

for tool in dpkg-deb python3 "$CPACK"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "package_test: skipped: $tool not found (dpkg-deb: package dpkg; the rest: scripts/setup.sh)"
    exit 77
  fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/v2v-package-test.XXXXXX")
NODE_PID=
cleanup() {
  local rc=$?
  if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill -TERM "$NODE_PID" 2>/dev/null || true
    for _ in $(seq 50); do  # up to 5 s, until it has exited (a zombie until reaped below)
      [ "$(awk '{print $3}' "/proc/$NODE_PID/stat" 2>/dev/null || echo Z)" != Z ] || break
      sleep 0.1
    done
    kill -KILL "$NODE_PID" 2>/dev/null || true
    wait "$NODE_PID" 2>/dev/null || true
  fi
  if [ -f "$T/net/testnet.json" ]; then "$T/root/usr/bin/v2v" testnet stop --dir "$T/net" >/dev/null 2>&1 || true; fi
  if [ "$rc" -ne 0 ] && [ -f "$T/node.log" ]; then
    echo "--- the node's log (last 40 lines):"
    tail -n 40 "$T/node.log"
  fi
  rm -rf "$T"
  exit "$rc"
}
trap cleanup EXIT
fail() { echo "package_test: FAIL: $*" >&2; exit 1; }

# 1. Build the package (staging and output under the temp dir, not the build dir).
if ! "$CPACK" --config "$BUILD/CPackConfig.cmake" -B "$T/pkg" >"$T/cpack.log" 2>&1; then
  cat "$T/cpack.log"
  fail "cpack failed"
fi
debs=("$T"/pkg/v2vtrade_*.deb)
if [ "${#debs[@]}" -ne 1 ] || [ ! -f "${debs[0]}" ]; then
  fail "expected one v2vtrade_*.deb in $T/pkg, got: ${debs[*]}"
fi
DEB=${debs[0]}
echo "package_test: built $(basename "$DEB") ($(du -k "$DEB" | cut -f1) KiB)"

# 2. The control fields and the contents.
dpkg-deb --info "$DEB" >"$T/info"
for want in 'Package: v2vtrade' 'Maintainer: v2vtrade developers' 'Depends: .*libc6' \
            'Depends: .*adduser | passwd' ' postinst' ' postrm' ' prerm'; do
  grep -q -- "$want" "$T/info" || { cat "$T/info"; fail "dpkg-deb --info lacks '$want'"; }
done
version=$(dpkg-deb --field "$DEB" Version)
echo "package_test: Version $version; $(dpkg-deb --field "$DEB" Depends)"
dpkg-deb --contents "$DEB" >"$T/contents"
for want in ./usr/bin/v2v './usr/lib/systemd/system/v2v-node@.service' \
            ./usr/share/doc/v2vtrade/README.md ./usr/share/doc/v2vtrade/package.md \
            ./usr/share/doc/v2vtrade/network.md ./usr/share/doc/v2vtrade/spec/node.md \
            ./usr/share/doc/v2vtrade/examples/node.toml; do
  awk '{print $NF}' "$T/contents" | grep -qxF -- "$want" || fail "dpkg-deb --contents lacks $want"
done
grep -E ' \./usr/bin/v2v$' "$T/contents" | grep -q '^-rwxr-xr-x' || fail "/usr/bin/v2v is not mode 0755"
echo "package_test: contents: $(grep -c '^-' "$T/contents") files (bin/v2v, the unit, $(grep -c 'share/doc/.*\.md$' "$T/contents") docs)"

# 3. Extract it and run the unit's ExecStart from the temp root.
dpkg-deb -x "$DEB" "$T/root"
V2V=$T/root/usr/bin/v2v
UNIT=$T/root/usr/lib/systemd/system/v2v-node@.service
"$V2V" node --help >/dev/null || fail "the extracted v2v does not run"
# The unit, checked by systemd's own parser (an unknown key or a bad value is a warning: fail on
# any output), with ExecStart pointing at the extracted binary.
if command -v systemd-analyze >/dev/null 2>&1; then
  mkdir -p "$T/units"
  sed "s|/usr/bin/v2v|$V2V|" "$UNIT" >"$T/units/v2v-node@rsu-0.service"
  out=$(systemd-analyze verify "$T/units/v2v-node@rsu-0.service" 2>&1) || fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify: $out"
  echo "package_test: systemd-analyze verify: the unit is clean"
else
  echo "package_test: systemd-analyze not installed: the unit's syntax is not checked"
fi
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
[ "$exec_start" = '/usr/bin/v2v node --config /etc/v2v/%i.toml' ] || fail "unexpected ExecStart: $exec_start"

# A one-node network's material, made as docs/package.md makes it: `v2v testnet start --nodes 1`
# writes the CA, the RSU key and certificate (CN rsu-0) and a genesis whose only signer is that
# key, and starts the node, which is stopped at once. The files go where the packaged example
# config (examples/node.toml) expects them under /etc/v2v; that config, with /etc/v2v and
# /var/lib/v2v moved into the temp root, loopback addresses on the testnet's free ports and no
# peers, becomes /etc/v2v/rsu-0.toml. /var/lib/v2v/rsu-0 stands for the unit's StateDirectory.
"$V2V" testnet start --nodes 1 --vehicles 0 --dir "$T/net" >"$T/testnet.log" 2>&1 ||
  { cat "$T/testnet.log"; fail "v2v testnet start --nodes 1"; }
"$V2V" testnet stop --dir "$T/net" >/dev/null
mkdir -p "$T/etc/v2v/rsu-0" "$T/var/lib/v2v/rsu-0"
chmod 0700 "$T/var/lib/v2v/rsu-0"
cp "$T/net/genesis.json" "$T/net/ca/ca.pem" "$T/etc/v2v/"
cp -p "$T/net/node-0/cert.pem" "$T/net/node-0/key.pem" "$T/etc/v2v/rsu-0/"
read -r RPC KEY < <(python3 - "$T" "$T/root/usr/share/doc/v2vtrade/examples/node.toml" \
                      "$T/etc/v2v/rsu-0.toml" <<'PY'
import json, re, sys
t, example, out = sys.argv[1:]
n = json.load(open(f"{t}/net/testnet.json"))["nodes"][0]
ports = {"p2p_listen": n["p2p"], "rpc_listen": n["rpc"].removeprefix("http://").rstrip("/"),
         "vehicle_listen": n["vehicle_api"].removeprefix("wss://").split("/")[0]}
text = open(example).read().replace("/etc/v2v", f"{t}/etc/v2v").replace("/var/lib/v2v", f"{t}/var/lib/v2v")
for key, value in list(ports.items()) + [("peers", None)]:
    line = f"{key} = []" if value is None else f'{key} = "{value}"'
    text, count = re.subn(rf"^{key} = .*$", line, text, flags=re.M)
    if count != 1:
        sys.exit(f"package_test: examples/node.toml has {count} '{key} =' lines, expected 1")
open(out, "w").write(text)
print(n["rpc"], n["key"])
PY
) || fail "could not write rsu-0.toml from examples/node.toml"
[ -n "${KEY:-}" ] || fail "could not write rsu-0.toml from examples/node.toml"
h0=0  # a new ledger: data_dir does not exist yet

cmd=${exec_start//\/usr\/bin\/v2v/$V2V}
cmd=${cmd//\/etc\/v2v/$T/etc/v2v}
cmd=${cmd//%i/rsu-0}
echo "package_test: starting: ${cmd//$T/\$T} (config: the packaged examples/node.toml)"
# shellcheck disable=SC2086  # the unit's command line, split as systemd splits it (no quotes in it)
$cmd >"$T/node.log" 2>&1 &
NODE_PID=$!

# 4. Poll its JSON-RPC for 30 s: the head must reach height 2 (blocks of 1 s: it keeps sealing).
python3 - "$RPC" "$KEY" "$h0" "$NODE_PID" <<'PY' || fail "the node did not seal blocks"
import json, sys, time, urllib.request
rpc, key, h0, pid = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def call(method, params=None):
    body = {"jsonrpc": "2.0", "id": 1, "method": method}
    if params is not None:
        body["params"] = params
    req = urllib.request.Request(rpc, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=2))["result"]
deadline, head, last_error = time.time() + 30, None, None
while time.time() < deadline:
    try:  # exited: gone, or a zombie until the shell reaps it
        if open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] == "Z":
            raise FileNotFoundError
    except FileNotFoundError:
        sys.exit("package_test: the node exited")
    try:
        head = call("chain_head")
        if head["height"] >= h0 + 2:
            break
    except Exception as e:  # not listening yet
        last_error = e
    time.sleep(0.3)
else:
    sys.exit(f"package_test: not 2 blocks above height {h0} within 30 s (head {head}, last error {last_error})")
signers = call("clique_getSigners")
if signers != [key]:
    sys.exit(f"package_test: clique_getSigners = {signers}, expected [{key}]")
print(f"package_test: the node sealed: height {h0} -> {head['height']}, signers = its own key")
PY

kill -TERM "$NODE_PID"
wait "$NODE_PID" || fail "the node exited $? on SIGTERM (expected 0)"
NODE_PID=
echo "package_test: ok"
