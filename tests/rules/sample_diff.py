"""Diff the built-in sample's findings between two branches (issue 17's review aid, not a test).

    python tests/rules/sample_diff.py BASE_DIR HEAD_DIR

runs ``xlperf check --format json`` on the sample with PYTHONPATH set to each checkout and prints
every finding that appeared, disappeared or changed severity or message, keyed by (code, cell).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter


def findings(checkout: str) -> dict:
    env = dict(os.environ, PYTHONPATH=checkout)
    out = subprocess.run([sys.executable, "-m", "xlperf.cli", "check", "--format", "json"], cwd=checkout, env=env,
                         capture_output=True, text=True, encoding="utf-8").stdout
    got = {}
    for f in json.loads(out)["findings"]:
        got[(f["code"], f["cell"], f["row"] or 0)] = f
    return got


def main(base: str, head: str) -> None:
    a, b = findings(base), findings(head)
    changed = Counter()
    for k in sorted(set(a) | set(b), key=lambda k: (k[2], k[0])):
        fa, fb = a.get(k), b.get(k)
        if fa and fb and (fa["severity"], fa["message"]) == (fb["severity"], fb["message"]):
            continue
        changed[k[0]] += 1
        before = f"{fa['severity']}: {fa['message']}" if fa else "—"
        after = f"{fb['severity']}: {fb['message']}" if fb else "—"
        print(f"{k[0]}\t{k[1]}\t{before}\n\t\t→ {after}")
    print(sum(changed.values()), "changed:", dict(changed))


if __name__ == "__main__":
    main(*sys.argv[1:3])
