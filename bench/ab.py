"""A/B: the same commands from two checkouts, alternating, CPU seconds (user+sys, from wait4).

    python bench/ab.py /work/wt/base /work/wt/speed --rows 10000 --runs 5
    python bench/ab.py BASE NEW --commands check mark --rows 10000 20000

On a shared machine wall time follows the neighbours; CPU seconds of a single-threaded
process move much less, and alternating A, B, A, B … puts both under the same drift. Each
checkout runs as ``python -c`` with ``sys.path[0]`` set to the checkout (the console script
would import the editable install); the entry point is found the way each checkout's
pyproject names it (``xlperf.cli:main`` before the restructure, ``xlperf.cli.app:main`` after).
The calamine floor is measured in the same rounds, so ratios to the floor are side by side too.
Bytecode is cached as in bench/run.py (``run.child_env``) unless ``--compile-each-run``.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402
import run  # noqa: E402
from run import FLOOR_CODE, PY, run_once  # noqa: E402
from profile_cmd import ARGS  # noqa: E402  (the commands' arguments, one home)


def entry(checkout: Path) -> tuple[str, str]:
    text = (checkout / "pyproject.toml").read_text(encoding="utf-8")
    m = re.search(r'^xlperf\s*=\s*"([\w.]+):(\w+)"', text, re.M)
    if not m:
        raise SystemExit(f"{checkout}: no xlperf script in pyproject.toml")
    return m.group(1), m.group(2)


def argv_for(checkout: Path, args: list[str]) -> list[str]:
    mod, fn = entry(checkout)
    code = (f"import sys; sys.path.insert(0, {str(checkout)!r}); sys.argv[0] = 'xlperf'; "
            f"from {mod} import {fn} as m; sys.exit(m())")
    return [PY, "-c", code, *args]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("a", type=Path)
    ap.add_argument("b", type=Path)
    ap.add_argument("--rows", type=int, nargs="+", default=[10_000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--commands", nargs="+", default=list(ARGS), choices=list(ARGS))
    ap.add_argument("--compile-each-run", action="store_true", help="no bytecode cache (see run.child_env)")
    a = ap.parse_args(argv)
    run.ENV = run.child_env(not a.compile_each_run)
    for rows in a.rows:
        book = generate.workbook(rows)
        scratch = Path(tempfile.mkdtemp(prefix="ab_", dir=generate.OUT))
        cpu: dict[tuple[str, str], list[float]] = {}
        for side in (a.a, a.b):  # warm-up (and a check that both run)
            for c in a.commands:
                r = run_once(argv_for(side, ARGS[c](book, scratch)))
                if r.rc not in (0, 1):
                    raise SystemExit(f"{side} {c}: exit {r.rc}\n{r.stderr}")
        for i in range(a.runs):
            cpu.setdefault(("floor", ""), []).append(run_once([PY, "-c", FLOOR_CODE, str(book)]).cpu)
            for c in a.commands:
                for side in ((a.a, a.b) if i % 2 == 0 else (a.b, a.a)):
                    cpu.setdefault((c, str(side)), []).append(run_once(argv_for(side, ARGS[c](book, scratch))).cpu)
        fl = statistics.median(cpu[("floor", "")])
        print(f"\n{rows:,} rows, median CPU s of {a.runs} (floor {fl:.3f} s)")
        print(f"{'command':8s} {'A':>16s} {'B':>16s} {'B/A':>7s}   A = {a.a}, B = {a.b}")
        for c in a.commands:
            ma, mb = statistics.median(cpu[(c, str(a.a))]), statistics.median(cpu[(c, str(a.b))])
            print(f"{c:8s} {ma:7.3f} ({ma / fl:4.1f}×) {mb:7.3f} ({mb / fl:4.1f}×) {mb / ma:7.2f}"
                  f"   A {min(cpu[(c, str(a.a))]):.3f}-{max(cpu[(c, str(a.a))]):.3f}"
                  f"  B {min(cpu[(c, str(a.b))]):.3f}-{max(cpu[(c, str(a.b))]):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
