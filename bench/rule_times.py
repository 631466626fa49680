"""Per-rule CPU on a benchmark workbook: each enabled rule run alone over the whole table.

    python bench/rule_times.py --rows 10000            # this checkout
    python bench/rule_times.py --rows 10000 --root /work/wt/base   # another checkout, same file

Each rule is run rule-major (all rows for one rule, then the next rule) inside one
``time.process_time`` bracket, ``--repeat`` times, and the minimum is kept: no per-call
wrapper, so the figures add up to the rule loop itself. Per-project memos in ``ctx.cache``
are shared the way the engine shares them (a fresh Context per repeat), so a helper that
several rules call once per project is charged to the first rule that calls it (run order =
registry order, as in the engine). The engine's own cost (the loop, building findings) is
printed separately: ``check_table`` total minus the rules. The cyclic collector is off, as
in every command (``cli.app.main``); with it on, a full collection lands on whichever rule
allocates when it triggers (tens of ms at 10k rows).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--root", type=Path, default=HERE.parent, help="checkout whose xlperf to time")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--warm", action="store_true",
                    help="keep the package's memo caches between repeats (a clerk's process starts cold)")
    a = ap.parse_args(argv)
    book = generate.workbook(a.rows)
    sys.path.insert(0, str(a.root.resolve()))
    if (a.root / "xlperf" / "readers" / "source.py").exists():
        from xlperf.readers.source import read_source
    else:  # before the restructure (issue 11)
        from xlperf.io.read import read_source  # type: ignore[no-redef]
    from xlperf.api import resolve_config, tables_from_grids
    from xlperf.core import engine
    from xlperf.core.rules import load_all
    from xlperf.core.rules import registry
    from xlperf.core.rules.registry import REGISTRY, Context

    applies = getattr(registry, "applies", lambda code, table: True)  # older checkouts: every rule

    load_all()
    import gc

    gc.disable()  # as the command line runs (cli.app.main): a full collection would land on one rule
    cfg = resolve_config(book, None)
    tables, _ = tables_from_grids(read_source(book).grids)
    pt = time.process_time
    times: dict[str, float] = {}
    counts: dict[str, int] = {}
    total_engine = float("inf")
    def clear_memos() -> None:
        # A command runs once per process: every lru_cache of the package starts empty, so a
        # rule that memoises per goal or name pays its misses. Without this the second repeat
        # found them filled and the minimum hid that cost (ST040 9 ms warm, 20 ms cold at 10k).
        if a.warm:
            return
        import functools

        for obj in gc.get_objects():
            if isinstance(obj, functools._lru_cache_wrapper) and getattr(obj, "__module__", "").startswith("xlperf"):
                obj.cache_clear()

    for _ in range(a.repeat):
        clear_memos()
        t0 = pt()
        n = 0
        for t in tables:
            n += len(engine.check_table(t, cfg))
        total_engine = min(total_engine, pt() - t0)
        clear_memos()
        for t in tables:
            ctx = Context(table=t, config=cfg)
            ctx.cache["configured_total"] = cfg.expected_total
            present = ctx.cache["present_fields"] = t.present_fields() if hasattr(t, "present_fields") else set()
            for r in REGISTRY.values():
                if r.func is None or not cfg.enabled(r.code) or not applies(r.code, t):
                    continue
                if getattr(r, "needs", ()) and not set(present).issuperset(r.needs):
                    continue
                fn = r.func
                hits = 0
                t1 = pt()
                if r.scope == "indicator":
                    for p in t.projects:
                        for ind in p.indicators:
                            if fn(ind, p, ctx) is not None:
                                hits += 1
                elif r.scope == "project":
                    for p in t.projects:
                        if fn(p, ctx) is not None:
                            hits += 1
                else:
                    hits += fn(t, ctx) is not None
                d = pt() - t1
                times[r.code] = min(times.get(r.code, float("inf")), d)
                counts[r.code] = hits
    rules = sum(times.values())
    print(f"{a.root}: {a.rows:,} rows, {n} findings; check_table {total_engine:.3f} s CPU, "
          f"rules alone {rules:.3f} s, engine (loop + findings) {total_engine - rules:.3f} s "
          f"(min of {a.repeat})")
    print(f"{'rule':6s} {'scope':9s} {'ms':>7s} {'hits':>6s}")
    for code, v in sorted(times.items(), key=lambda kv: -kv[1])[: a.top]:
        print(f"{code:6s} {REGISTRY[code].scope:9s} {v * 1000:7.1f} {counts[code]:6d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
