"""A/B: the same commands from two checkouts, alternating, CPU seconds (user+sys, from wait4).

    python bench/ab.py /work/wt/base /work/wt/speed --rows 10000 --runs 5
    python bench/ab.py BASE NEW --commands check mark --rows 10000 20000
    python bench/ab.py BASE NEW --old-rules        # B also with only the rules BASE has

``--old-rules`` runs B a second time (column "B old") with ``--config`` selecting only the rule
codes A registers: what B's reading, layouts and engine cost apart from the rules added since A.

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
import subprocess
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


def old_rules_config(checkout: Path, scratch: Path) -> Path:
    """An xlperf.toml selecting exactly the rule codes ``checkout`` registers."""
    code = (f"import sys; sys.path.insert(0, {str(checkout)!r}); from xlperf.core.rules import load_all; "
            "load_all(); from xlperf.core.rules.registry import REGISTRY; print(' '.join(sorted(REGISTRY)))")
    r = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True, env=run.ENV)
    codes = r.stdout.split()
    path = scratch / "old_rules.toml"
    path.write_text("select = [" + ", ".join(f'"{c}"' for c in codes) + "]\n", encoding="utf-8")
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("a", type=Path)
    ap.add_argument("b", type=Path)
    ap.add_argument("--rows", type=int, nargs="+", default=[10_000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--commands", nargs="+", default=list(ARGS), choices=list(ARGS))
    ap.add_argument("--compile-each-run", action="store_true", help="no bytecode cache (see run.child_env)")
    ap.add_argument("--old-rules", action="store_true", help="also B with only the rules A has (column 'B old')")
    a = ap.parse_args(argv)
    run.ENV = run.child_env(not a.compile_each_run)
    for rows in a.rows:
        book = generate.workbook(rows)
        scratch = Path(tempfile.mkdtemp(prefix="ab_", dir=generate.OUT))
        cpu: dict[tuple[str, str], list[float]] = {}
        sides: list[tuple[str, Path, list[str]]] = [("A", a.a, []), ("B", a.b, [])]
        if a.old_rules:
            sides.append(("B old", a.b, ["--config", str(old_rules_config(a.a, scratch))]))
        for _, side, extra in sides:  # warm-up (and a check that every side runs)
            for c in a.commands:
                r = run_once(argv_for(side, ARGS[c](book, scratch) + extra))
                if r.rc not in (0, 1):
                    raise SystemExit(f"{side} {c}: exit {r.rc}\n{r.stderr}")
        for i in range(a.runs):
            cpu.setdefault(("floor", ""), []).append(run_once([PY, "-c", FLOOR_CODE, str(book)]).cpu)
            for c in a.commands:
                for name, side, extra in (sides if i % 2 == 0 else sides[::-1]):
                    cpu.setdefault((c, name), []).append(run_once(argv_for(side, ARGS[c](book, scratch) + extra)).cpu)
        fl = statistics.median(cpu[("floor", "")])
        print(f"\n{rows:,} rows, median CPU s of {a.runs} (floor {fl:.3f} s)")
        old = a.old_rules
        print(f"{'command':8s} {'A':>16s} {'B':>16s} {'B/A':>7s}" + (f" {'B old':>16s} {'/A':>6s}" if old else "")
              + f"   A = {a.a}, B = {a.b}")
        for c in a.commands:
            ma, mb = statistics.median(cpu[(c, "A")]), statistics.median(cpu[(c, "B")])
            line = f"{c:8s} {ma:7.3f} ({ma / fl:4.1f}×) {mb:7.3f} ({mb / fl:4.1f}×) {mb / ma:7.2f}"
            if old:
                mo = statistics.median(cpu[(c, "B old")])
                line += f" {mo:7.3f} ({mo / fl:4.1f}×) {mo / ma:6.2f}"
            print(line + "".join(f"   {n} {min(cpu[(c, n)]):.3f}-{max(cpu[(c, n)]):.3f}" for n, _, _ in sides))
    return 0


if __name__ == "__main__":
    sys.exit(main())
