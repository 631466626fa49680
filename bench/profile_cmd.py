"""Profile one xlperf command on a benchmark workbook.

    python bench/profile_cmd.py                      # check --format json on 100k rows
    python bench/profile_cmd.py --rows 10000 export  # export on 10k rows

Writes bench/out/profile_<command>_<rows>.txt: a cProfile listing (by own time and by
cumulative time) and, when pyinstrument is installed, its call tree, plus a coarse
phase breakdown (start-up, read, build table, rules, report, output) measured in-process.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402
from run import XLPERF  # noqa: E402

ARGS = {
    "check": lambda b, o: ["check", str(b), "--format", "json"],
    "split": lambda b, o: ["split", str(b), "-o", str(o / "x.csv")],
    "export": lambda b, o: ["export", str(b), "-o", str(o / "x.xlsx"), "--force"],
    "mark": lambda b, o: ["check", str(b), "--mark", str(o / "marked.xlsx")],
}

PHASES = r'''
import json, sys, time
t0 = time.perf_counter()
from xlperf import cli  # what the console script imports
t_import = time.perf_counter()
from pathlib import Path
from xlperf.readers.source import read_source
from xlperf.api import tables_from_grids, resolve_config
from xlperf.core.engine import check_table
from xlperf.core.model import Finding
from xlperf.core.report import build_report
t_import2 = time.perf_counter()
path = Path(sys.argv[1])
src = read_source(path)
t_read = time.perf_counter()
cfg = resolve_config(path, None)
tables, findings = tables_from_grids(src.grids)
t_build = time.perf_counter()
for t in tables:
    findings.extend(check_table(t, cfg))
findings.sort(key=Finding.sort_key)
t_rules = time.perf_counter()
report = build_report(tables, findings, cfg, str(path))
t_report = time.perf_counter()
text = json.dumps(report.to_json_dict(), ensure_ascii=False, indent=2)
t_json = time.perf_counter()
print(json.dumps({"import cli (typer, rich, pydantic…)": t_import - t0, "import engine": t_import2 - t_import,
                  "read (calamine -> Grid)": t_read - t_import2, "layout + blocks -> Table": t_build - t_read,
                  "rules": t_rules - t_build, "report": t_report - t_rules, "JSON": t_json - t_report,
                  "findings": len(findings), "json_chars": len(text)}))
'''


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("command", nargs="?", default="check", choices=sorted(ARGS))
    ap.add_argument("--rows", type=int, default=100_000)
    a = ap.parse_args(argv)
    book = generate.workbook(a.rows)
    scratch = generate.OUT / "profile_scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    out = generate.OUT / f"profile_{a.command}_{a.rows}.txt"
    prof = generate.OUT / f"profile_{a.command}_{a.rows}.prof"
    args = ARGS[a.command](book, scratch)
    buf = io.StringIO()
    buf.write(f"# xlperf {' '.join(args)}  ({a.rows:,} rows, {book.stat().st_size / 1e6:.2f} MB)\n\n")

    if a.command == "check":
        r = subprocess.run([sys.executable, "-c", PHASES, str(book)], capture_output=True, text=True, check=True)
        import json

        phases = json.loads(r.stdout)
        buf.write("## Phases (in-process, wall seconds)\n\n")
        for k, v in phases.items():
            buf.write(f"{k:40s} {v:10.3f}\n" if isinstance(v, float) else f"{k:40s} {v:>10}\n")
        buf.write("\n")

    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), XLPERF, *args],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    buf.write(f"## cProfile (profiled run took {time.perf_counter() - t0:.1f} s; cProfile inflates call-heavy code)\n\n")
    for key, n in (("tottime", 40), ("cumulative", 60)):
        s = io.StringIO()
        st = pstats.Stats(str(prof), stream=s)
        st.strip_dirs().sort_stats(key).print_stats(n)
        text = s.getvalue()
        buf.write(f"### by {key}\n\n" + text[text.find("   ncalls"):] + "\n")

    try:
        import pyinstrument  # noqa: F401

        r = subprocess.run([sys.executable, "-m", "pyinstrument", "-r", "text", "--no-color",
                            "--unicode", XLPERF, *args], capture_output=True, text=True)
        tree = r.stdout if "Program:" in r.stdout else r.stdout + r.stderr
        # the call tree is printed after the program's own output
        i = tree.find("  _     ._   __/__")
        buf.write("## pyinstrument (sampling: closer to real proportions)\n\n```\n" + (tree[i:] if i >= 0 else tree[-20000:]) + "\n```\n")
    except ImportError:
        buf.write("(pyinstrument not installed: `pip install pyinstrument` for a sampled call tree)\n")
    out.write_text(buf.getvalue(), encoding="utf-8")
    print(buf.getvalue()[:6000])
    print(f"... full profile in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
