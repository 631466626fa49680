"""Measured what-ifs behind the proposals in docs/performance.md.

Each experiment times the current code and a candidate change side by side *in one process*
(CPU time, ``time.process_time``, so a busy machine distorts it less than wall time), with the
candidate applied by monkeypatching: nothing under xlperf/ is edited.

    python bench/experiments.py phases     # where check's time goes, phase by phase (100k)
    python bench/experiments.py rules      # time per rule inside check_table (100k)
    python bench/experiments.py openpyxl_load  # load_workbook: stock vs memoised merge format (10k)
    python bench/experiments.py budget     # BG002: department projects by scan vs by dict (100k)
    python bench/experiments.py json       # --format json: indent=2 vs compact (100k)
    python bench/experiments.py autofix    # autofix: port writes per change block vs per column (50k)
    python bench/experiments.py columnar   # a columnar core (fastexcel + polars prototype) vs the floor (100k)
    python bench/experiments.py all

Results are appended to bench/out/experiments.json. The export and --mark experiments were
removed once their candidates landed (writers/xlsx_stream.py, writers/mark_package.py): they patched
code that no longer exists. The BG002 and JSON ones likewise compare against code since changed.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

T = time.process_time
RESULTS = generate.OUT / "experiments.json"


def best(fn: Callable[[], Any], n: int = 3) -> tuple[float, Any]:
    """Median CPU seconds of n calls (and the last result)."""
    times, out = [], None
    for _ in range(n):
        t0 = T()
        out = fn()
        times.append(T() - t0)
    return statistics.median(times), out


def record(name: str, data: dict[str, Any]) -> None:
    allr = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    data["when"] = time.strftime("%Y-%m-%d %H:%M:%S")
    allr[name] = data
    RESULTS.write_text(json.dumps(allr, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(json.dumps({name: data}, ensure_ascii=False, indent=1, default=str))


# --- check, phase by phase --------------------------------------------------------------------


def phases(rows: int = 100_000) -> None:
    book = generate.workbook(rows)
    t0 = T()
    from python_calamine import CalamineWorkbook

    from xlperf.cli import app as cli  # noqa: F401 - what the console script imports
    t_cli = T()
    from xlperf.api import resolve_config, tables_from_grids
    from xlperf.core.engine import check_table
    from xlperf.core.model import Finding
    from xlperf.core.report import build_report
    from xlperf.readers import source as R
    t_imp = T()
    out: dict[str, Any] = {"rows": rows, "import xlperf.cli": t_cli - t0, "import engine": t_imp - t_cli}
    if hasattr(R, "preflight_book"):
        out["read: preflight_book (zip + XML scan)"], _ = best(lambda: R.preflight_book(book), 1)

    def calamine():
        sh = CalamineWorkbook.from_path(str(book)).get_sheet_by_index(0)
        return sh.to_python(skip_empty_area=False), sh.merged_cell_ranges
    out["read: calamine parse + to_python + merges (= floor's work)"], (rows_, _) = best(calamine, 1)
    out["read: '' -> None per cell"], _ = best(lambda: [R._clean_row(r) for r in rows_], 1)
    t = T()
    src = R.read_source(book)
    out["read: read_source total"] = T() - t
    cfg = resolve_config(book, None)
    t = T()
    tables, findings = tables_from_grids(src.grids)
    out["layout + blocks -> Table"] = T() - t
    t = T()
    for tb in tables:
        findings.extend(check_table(tb, cfg))
    findings.sort(key=Finding.sort_key)
    out["rules (check_table)"] = T() - t
    t = T()
    report = build_report(tables, findings, cfg, str(book))
    out["report"] = T() - t
    t = T()
    d = report.to_json_dict()
    out["report.to_json_dict"] = T() - t
    t = T()
    text = json.dumps(d, ensure_ascii=False, indent=2)
    out["json.dumps indent=2"] = T() - t
    out["findings"] = len(findings)
    out["json_mb"] = len(text.encode()) / 1e6
    out["total CPU"] = T() - t0
    record(f"phases_{rows}", out)


# --- BG002: projects of a department -------------------------------------------------------------


def budget(rows: int = 100_000) -> None:
    from xlperf.api import resolve_config, tables_from_grids
    from xlperf.core.engine import check_table
    from xlperf.core.rules import budget as B, load_all
    from xlperf.readers.source import read_source

    load_all()
    book = generate.workbook(rows)
    tables, _ = tables_from_grids(read_source(book).grids)
    cfg = resolve_config(book, None)
    orig = B._department_projects
    before, f1 = best(lambda: check_table(tables[0], cfg), 3)
    cache: dict[int, Any] = {}

    def by_dict(table, dept):
        if len(table.departments) == 1:
            return table.projects
        key = id(table)
        hit = cache.get(key)
        if hit is None or hit[0] is not table:
            codes: dict[Any, int] = {}
            for d in table.departments:
                codes[d.code] = codes.get(d.code, 0) + 1
            groups: dict[Any, list] = {}
            for p in table.projects:
                groups.setdefault(p.department_code, []).append(p)
            hit = cache[key] = (table, codes, groups)
        _, codes, groups = hit
        if dept.code is None or codes.get(dept.code) != 1:
            return None
        return groups.get(dept.code, [])

    B._department_projects = by_dict
    try:
        cache.clear()
        after, f2 = best(lambda: (cache.clear(), check_table(tables[0], cfg))[1], 3)
    finally:
        B._department_projects = orig
    same = [f.model_dump() for f in f1] == [f.model_dump() for f in f2]
    record(f"budget_{rows}", {"departments": len(tables[0].departments), "projects": len(tables[0].projects),
                              "check_table_before_s": before, "check_table_after_s": after, "saved_s": before - after,
                              "same_findings": same})


# --- JSON output ---------------------------------------------------------------------------------------


def json_out(rows: int = 100_000) -> None:
    from xlperf.api import check_path

    book = generate.workbook(rows)
    d = check_path(book).report.to_json_dict()
    a, s1 = best(lambda: json.dumps(d, ensure_ascii=False, indent=2))
    b, s2 = best(lambda: json.dumps(d, ensure_ascii=False))
    c, s3 = best(lambda: json.dumps(d, ensure_ascii=False, separators=(",", ":")))
    record(f"json_{rows}", {"indent2_s": a, "compact_s": b, "compact_tight_s": c,
                            "indent2_mb": len(s1.encode()) / 1e6, "compact_mb": len(s2.encode()) / 1e6,
                            "same_data": json.loads(s1) == json.loads(s2)})


# --- autofix: port calls --------------------------------------------------------------------------------


def autofix(rows: int = 50_000) -> None:
    from xlperf.excel import commands as C
    from xlperf.excel.fixes import change_blocks, plan_fixes
    from xlperf.excel.openpyxl_port import OpenpyxlPort

    book = generate.workbook(rows)
    port = OpenpyxlPort.open(book)
    info = port.book_info()
    data = port.read_sheet(info.active_sheet, formulas=True)
    cfg = C.read_config(port, info)
    plan = plan_fixes(data, cfg, source=str(book))
    cells = {(c.row, c.col): c.new for c in plan.changes}
    blocks = change_blocks(cells)
    # Candidate: one block per changed column, from its first to its last changed row, the
    # unchanged cells in between written back with the values just read (formula cells, which
    # fixes never touch, split the block).
    formulas = data.formulas or {}
    by_col: dict[int, list[int]] = {}
    for (r, c) in cells:
        by_col.setdefault(c, []).append(r)
    col_blocks = 0
    cells_written = 0
    for c, rs in by_col.items():
        r1, r2 = min(rs), max(rs)
        cuts = sorted(r for (r, cc) in formulas if cc == c and r1 <= r + 1 <= r2)
        col_blocks += 1 + len(cuts)
        cells_written += r2 - r1 + 1
    record(f"autofix_{rows}", {"changes": len(plan.changes), "write_block_calls_now": len(blocks),
                               "write_block_calls_per_column": col_blocks, "cells_written_per_column": cells_written,
                               "columns": sorted(by_col)})


def rules(rows: int = 100_000) -> None:
    """Time per rule inside check_table (wall, perf_counter; wrapper overhead calibrated out)."""
    import dataclasses

    from xlperf.api import resolve_config, tables_from_grids
    from xlperf.core.engine import check_table
    from xlperf.core.rules import REGISTRY, load_all
    from xlperf.readers.source import read_source

    load_all()
    book = generate.workbook(rows)
    tables, _ = tables_from_grids(read_source(book).grids)
    cfg = resolve_config(book, None)
    pc = time.perf_counter
    spent: dict[str, float] = {}
    calls: dict[str, int] = {}
    originals = {}

    def wrap(code: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def w(*a: Any) -> Any:
            t = pc()
            try:
                return fn(*a)
            finally:
                spent[code] = spent.get(code, 0.0) + pc() - t
                calls[code] = calls.get(code, 0) + 1
        return w

    # calibrate: the cost of the wrapper around a function that does nothing
    noop = wrap("_noop", lambda *a: None)
    t = pc()
    for _ in range(200_000):
        noop(1, 2, 3)
    per_call = (pc() - t) / 200_000
    spent.clear()
    calls.clear()
    for code, r in REGISTRY.items():
        if r.func is not None:
            originals[code] = r.func
            try:
                r.func = wrap(code, r.func)
            except (AttributeError, dataclasses.FrozenInstanceError):
                object.__setattr__(r, "func", wrap(code, r.func))
    try:
        t = pc()
        check_table(tables[0], cfg)
        total = pc() - t
    finally:
        for code, fn in originals.items():
            object.__setattr__(REGISTRY[code], "func", fn)
    rows_out = sorted(((c, s_, calls[c]) for c, s_ in spent.items()), key=lambda x: -x[1])
    in_rules = sum(s_ for _, s_, _ in rows_out)
    n_calls = sum(calls.values())
    record(f"rules_{rows}", {
        "check_table_wall_s": total, "wrapper_overhead_est_s": per_call * n_calls,
        "outside_rules_s (loop, emit, sort)": total - in_rules,
        "top": [{"code": c, "s": round(s_, 3), "calls": n, "scope": REGISTRY[c].scope} for c, s_, n in rows_out[:15]],
    })


def fast_merged_format() -> Callable[[Any], None]:
    """MergedCellRange.format working on style indices, memoised per workbook.

    openpyxl's own builds a Border and re-hashes it for every edge cell of every merge, and
    re-assigns the Protection of every covered cell (hashing it each time); a bordered table of
    10k rows has ~7,500 merges, which is where load_workbook spends ~80 % of its time."""
    from openpyxl.styles.borders import Border
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.cell.cell import MergedCell

    memo: dict[tuple, int] = {}

    def fmt(self) -> None:
        ws = self.ws
        borders = ws.parent._borders
        cells = ws._cells
        start = self.start_cell
        sa = start._style if start._style else StyleArray()
        sb = borders[sa.borderId]

        def get(coord):
            cell = cells.get(coord)
            if cell is None:
                row, col = coord
                cell = MergedCell(ws, row=row, column=col)
                cells[(row, col)] = cell
            if not cell._style:
                cell._style = StyleArray()
            return cell

        for name in ("top", "left", "right", "bottom"):
            side = getattr(sb, name)
            if side and side.style is None:
                continue
            for coord in getattr(self, name):
                cell = get(coord)
                key = (id(borders), cell._style.borderId, name, sa.borderId)
                idx = memo.get(key)
                if idx is None:
                    idx = memo[key] = borders.add(borders[cell._style.borderId] + Border(**{name: side}))
                cell._style.borderId = idx
        pid = sa.protectionId
        for coord in self.cells:
            get(coord)._style.protectionId = pid

    return fmt


def openpyxl_load(rows: int = 10_000) -> None:
    """openpyxl.load_workbook on a bordered, merged table: stock vs a memoised merge format."""
    from openpyxl import load_workbook
    from openpyxl.worksheet.merge import MergedCellRange

    book = generate.workbook(rows)
    before, wa = best(lambda: load_workbook(book), 1)
    orig = MergedCellRange.format
    MergedCellRange.format = fast_merged_format()
    try:
        after, wb_ = best(lambda: load_workbook(book), 1)
    finally:
        MergedCellRange.format = orig
    # Same styles after a save/load round trip?
    d = generate.OUT / "experiments"
    d.mkdir(exist_ok=True)
    wa.save(d / "load_before.xlsx")
    wb_.save(d / "load_after.xlsx")
    xa, xb = load_workbook(d / "load_before.xlsx"), load_workbook(d / "load_after.xlsx")
    same = True
    for name in xa.sheetnames:
        for ra, rb in zip(xa[name].iter_rows(), xb[name].iter_rows()):
            for ca, cb in zip(ra, rb):
                if any(repr(getattr(ca, k)) != repr(getattr(cb, k)) for k in ("value", "border", "protection", "alignment")):
                    same = False
    record(f"openpyxl_load_{rows}", {"load_workbook_s": before, "with_fast_merge_format_s": after, "same_after_save": same})


def udf(rows: int = 100_000) -> None:
    """=PERF_WEIGHTS on 100k rows: the UDF (builds the whole Table) vs a one-pass weights scan.

    The scan finds the header with the engine's find_layout on the first 30 rows, then walks
    the rows once: a value in 项目名称 starts a project (Excel hands a merged cell's value to
    its first row only), 权重 is summed with the engine's parse_number. It is a sketch of what
    a dedicated weights pass costs, checked against the UDF's output on this file, not a
    replacement for build_table's edge cases (shifted rows, repeated headers, …)."""
    from python_calamine import CalamineWorkbook

    from xlperf.excel import udfs
    from xlperf.core.config import Config
    from xlperf.core.grid import Grid
    from xlperf.core.headers import find_layout, is_repeated_header
    from xlperf.core.normalise import clean_text, parse_number

    book = generate.workbook(rows)
    sh = CalamineWorkbook.from_path(str(book)).get_sheet_by_index(0)
    values = [[None if v == "" else v for v in r] for r in sh.to_python(skip_empty_area=False)]

    def scan(values, expected=None):
        cfg = Config()
        exp = float(expected) if expected not in (None, "") else cfg.expected_total
        layout = find_layout(Grid("UDF", values[:30]))
        cols = layout.columns
        cp, cw, cu = cols["project"], cols["weight"], cols.get("unit")
        out = [list(udfs.WEIGHTS_HEADER)]
        name, total, started = None, 0.0, False
        for row in values[layout.header_row + 1:]:
            p = row[cp]
            if p is not None:
                if started:
                    out.append([name, round(total, 6), exp, udfs.STATUS_OK if abs(total - exp) <= cfg.tolerance else udfs.STATUS_OFF])
                if isinstance(p, str) and is_repeated_header(row, cols):
                    started = False
                    continue
                name, total, started = clean_text(p), 0.0, True
            elif cu is not None and row[cu] is not None and row[cw] is None:
                if started:  # a department/unit row ends the project
                    out.append([name, round(total, 6), exp, udfs.STATUS_OK if abs(total - exp) <= cfg.tolerance else udfs.STATUS_OFF])
                started = False
                continue
            w = row[cw]
            if w is not None and started:
                n = w if type(w) is float else parse_number(w).value
                if n is not None:
                    total += n
        if started:
            out.append([name, round(total, 6), exp, udfs.STATUS_OK if abs(total - exp) <= cfg.tolerance else udfs.STATUS_OFF])
        return out

    before, a = best(lambda: udfs.weights(values), 3)
    after, b = best(lambda: scan(values), 5)
    record(f"udf_{rows}", {"udf_weights_s": before, "one_pass_scan_s": after, "same_output": a == b,
                           "projects": len(a) - 1})


# --- a columnar core: how close could it get? -------------------------------------------------


def columnar(rows: int = 100_000) -> None:
    """What a columnar core would cost, measured rather than guessed (needs ``pip install
    fastexcel polars``; neither is an xlperf dependency).

    Read: fastexcel hands calamine's cells to Arrow without building Python objects. Then a
    polars prototype of the part of the engine every row pays for: block fill-down (项目名称/
    预算数/年度目标 under merges), weights to numbers, per-project weight totals (WT001) and six
    per-row predicates of the kind the indicator rules are (unknown comparator, direction
    against comparator, percent above 100, placeholder rows, duplicate names in a project,
    satisfaction below 80). The weight totals are compared with xlperf's own, project by
    project, and two predicates' counts with xlperf's findings (WT002, VL008), so the prototype
    is known to read the blocks the same way on this file; the other predicates are stand-ins
    for the work, not ports of xlperf's rules.
    """
    import fastexcel
    import polars as pl
    import python_calamine

    book = generate.workbook(rows)
    W = time.perf_counter

    def floor() -> Any:
        sh = python_calamine.CalamineWorkbook.from_path(str(book)).get_sheet_by_index(0)
        return sh.to_python(), sh.merged_cell_ranges

    def arrow_read() -> Any:
        return fastexcel.read_excel(str(book)).load_sheet(0, header_row=None, dtypes="string").to_polars()

    def timed(fn: Callable[[], Any], n: int = 5) -> tuple[float, float, Any]:
        walls, cpus, out = [], [], None
        for _ in range(n):
            w0, c0 = W(), T()
            out = fn()
            walls.append(W() - w0)
            cpus.append(T() - c0)
        return statistics.median(walls), statistics.median(cpus), out

    f_wall, f_cpu, _ = timed(floor)
    a_wall, a_cpu, df = timed(arrow_read)
    head = next(i for i in range(30) if "三级指标" in [str(v) for v in df.row(i)])
    names = [str(v) for v in df.row(head)]
    col = {n: f"c{i}" for i, n in enumerate(names)}
    df = df.slice(head + 1).rename({old: f"c{i}" for i, old in enumerate(df.columns)})

    def engine(df: Any) -> dict[str, Any]:
        P, B, G, U = col["项目名称"], col["预算数"], col["年度目标"], col["单位名称"]
        L1, L2, N = col["一级指标"], col["二级指标"], col["三级指标"]
        C, V, M, WT, D = col["指标性质"], col["指标值"], col["度量单位"], col["权重"], col["指标方向性"]
        t = df.with_row_index("r").with_columns(
            pl.col(P).is_not_null().cum_sum().alias("pid"),
            pl.col(WT).str.strip_chars().cast(pl.Float64, strict=False).alias("w"),
            pl.col(V).str.strip_chars().cast(pl.Float64, strict=False).alias("v"),
        )
        # department/unit rows: a name in 单位名称 and nothing in the indicator columns
        ind_cols = [N, C, V, M, WT, D]
        t = t.with_columns(pl.any_horizontal([pl.col(c).is_not_null() for c in ind_cols]).alias("has"))
        t = t.with_columns([pl.col(c).forward_fill().over("pid") for c in (P, B, G, L1, L2)])
        inds = t.filter(pl.col("has") & (pl.col("pid") > 0))
        placeholder = inds[N].is_null() & inds[V].is_null()
        sums = inds.filter(~placeholder).group_by("pid", maintain_order=True).agg(pl.col("w").sum().round(6).alias("total"))
        off = sums.filter((pl.col("total") - cfg.expected_total).abs() > cfg.tolerance)
        bad_cmp = inds.filter(pl.col(C).is_not_null() & ~pl.col(C).str.strip_chars().is_in(
            ["≥", "≤", "＝", "=", ">", "<", "定性", ">=", "<=", "≧", "≦"]))
        contra = inds.filter((pl.col(C).str.contains("≤|<") & pl.col(D).str.contains("正向"))
                             | (pl.col(C).str.contains("≥|>") & pl.col(D).str.contains("反向")))
        pct = inds.filter((pl.col(M).str.strip_chars() == "%") & (pl.col("v") > 100))
        dup = inds.filter(pl.col(N).is_not_null()).filter(pl.len().over(["pid", N]) > 1)
        sat = inds.filter(pl.col(L2).str.contains("满意度") & (pl.col("v") < 80))
        return {"projects": sums.height, "off": off, "sums": sums, "hits": {
            "placeholder": int(placeholder.sum()), "unknown_comparator": bad_cmp.height,
            "direction_vs_comparator": contra.height, "percent_over_100": pct.height,
            "duplicate_names": dup.height, "satisfaction_below_80": sat.height}}

    from xlperf.api import tables_from_grids
    from xlperf.core.config import Config
    from xlperf.core.engine import check_table
    from xlperf.core.report import weight_breakdown
    from xlperf.readers.source import read_source

    cfg = Config()
    e_wall, e_cpu, res = timed(lambda: engine(df))

    # xlperf's own weight totals and findings on the same file, project by project

    tables, _ = tables_from_grids(read_source(book).grids)
    ours = [weight_breakdown(p, Config())[1] for t in tables for p in t.projects]
    proto = res["sums"]["total"].to_list()
    same = len(ours) == len(proto) and all(abs(a - b) < 1e-6 for a, b in zip(ours, proto))
    codes = [f.code for t in tables for f in check_table(t, cfg)]
    record(f"columnar_{rows}", {
        "floor_wall_s": f_wall, "floor_cpu_s": f_cpu,
        "fastexcel_arrow_read_wall_s": a_wall, "fastexcel_arrow_read_cpu_s": a_cpu,
        "polars_blocks_weights_6_predicates_wall_s": e_wall, "polars_cpu_s": e_cpu,
        "projects_prototype": res["projects"], "projects_xlperf": len(ours),
        "weight_totals_equal_xlperf": same,
        "weight_off_prototype": res["off"].height, "WT002_xlperf": codes.count("WT002"),
        "direction_vs_comparator_prototype": res["hits"]["direction_vs_comparator"], "VL008_xlperf": codes.count("VL008"),
        "hits": res["hits"],
    })


EXPERIMENTS = {"udf": udf, "openpyxl_load": openpyxl_load, "phases": phases, "rules": rules, "budget": budget, "json": json_out, "autofix": autofix, "columnar": columnar}


def main(argv: list[str]) -> int:
    names = argv or ["all"]
    if names == ["all"]:
        names = list(EXPERIMENTS)
    for n in names:
        print(f"== {n}", flush=True)
        try:
            EXPERIMENTS[n]()
        except Exception as e:  # noqa: BLE001 - the code under test moves; report and go on
            import traceback

            traceback.print_exc()
            record(n, {"error": f"{type(e).__name__}: {e}"})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
