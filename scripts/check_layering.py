#!/usr/bin/env python3
"""Checks that src/ modules include only the modules they may depend on (docs/architecture.md).

Reads every #include "module/..." in src/<module>/ and fails, naming the file and line, when the
included module is not in the allow-list of the including one. Private helpers in
<module>/internal/ may be included only from the same module. A module's unit tests (*_test.cc)
and test helpers (<module>/testing/) may also include the test-fixture modules (TEST_FIXTURES):
the node's own tests build chains with devnet's block generator, which itself sits above node,
and the contract's build rounds with the RSU's auction, which sits above the contract. Run by ctest (layering_check).
"""
import pathlib
import re
import sys

# module -> modules it may include (besides itself)
ALLOWED = {
    "base": set(),
    "codec": {"base"},
    "crypto": {"base", "codec"},
    "chain": {"base", "codec", "crypto"},
    "store": {"base", "codec", "crypto", "chain"},
    "market": {"base"},
    "contract": {"base", "codec", "crypto", "chain", "store", "market"},
    "auction": {"base", "codec", "crypto", "chain", "store", "market", "contract"},
    "consensus": {"base", "codec", "crypto", "chain"},
    "net": {"base", "codec", "crypto", "chain"},
    "node": {"base", "codec", "crypto", "chain", "store", "market", "contract", "consensus", "net"},
    "devnet": {"base", "codec", "crypto", "chain", "store", "market", "contract", "consensus", "net", "node",
               "auction"},
    "rpc": {"base", "codec", "crypto", "chain", "store", "market", "contract", "consensus", "net", "node"},
    "explorer": {"base", "codec", "crypto", "chain", "store", "market", "contract", "consensus", "net", "node", "rpc"},
    "testnet": {"base", "codec", "crypto", "chain", "store", "market", "contract", "consensus", "net", "node", "rpc"},
    "cluster": {"base", "codec", "crypto", "chain", "store", "market", "contract", "consensus", "net", "node",
                "auction", "devnet", "gateway"},
    "gateway": {"base", "codec", "crypto", "chain", "store", "market", "contract", "consensus", "net", "node",
                "auction"},
    "vehicle": {"base", "codec", "crypto", "chain"},
    "sim": {"base", "market", "node", "codec", "crypto", "chain", "store", "contract"},
    "fleet": {"base", "codec", "crypto", "chain", "store", "market", "contract", "node", "sim", "vehicle", "testnet"},
}
# modules any module's unit tests and test helpers may include besides its allow-list
TEST_FIXTURES = {"devnet", "auction"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/([^"]+)"')


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".") / "src"
    errors = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".h", ".cc"):
            continue
        module = path.relative_to(root).parts[0]
        allowed = ALLOWED.get(module)
        if allowed is None:
            errors.append(f"{path}: module '{module}' has no entry in the allow-list")
            continue
        if path.name.endswith("_test.cc") or "testing" in path.relative_to(root).parts[1:-1]:
            allowed = allowed | TEST_FIXTURES
        for lineno, line in enumerate(path.read_text().splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target, rest = m.group(1), m.group(2)
            if target == module:
                continue
            if target not in ALLOWED:
                continue  # not one of ours (e.g. "nlohmann/json.hpp" is included with <>)
            if target not in allowed:
                errors.append(f"{path}:{lineno}: {module} may not include {target}/ ({line.strip()})")
            elif rest.startswith("internal/"):
                errors.append(f"{path}:{lineno}: {target}/internal/ is private to {target}")
    for e in errors:
        print(e)
    print(f"layering: {'FAILED' if errors else 'ok'} ({len(errors)} violations)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
