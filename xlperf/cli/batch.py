"""Batch checking for a finance bureau: many files across CPU cores, one combined report.

Workers return small picklable summaries, never Tables: shipping 100k-row models between
processes would cost more than checking them.

On two cores the second core only pays off if the parent stays out of the way: the engine is
imported once before the workers are forked (or once per worker where processes are spawned),
the configuration crosses to each worker once, files go out in chunks of a few (largest
first, so the last chunks are short and both cores finish together) and the parent only
collects the summaries.

Each file is judged as ``xlperf check FILE`` judges it (``core.config.PendingSettings``): a
configuration given with --config applies to every file; otherwise each file has its own — its
配置 sheet (over the ``xlperf.toml`` beside it), else that ``xlperf.toml``, else the defaults —
resolved in the worker before the data is read, the 配置 rows from the reader's one open of the
workbook. A file whose configuration is invalid is reported for that file
(``readable=False``, the single check's message) and the others are checked.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, Optional

from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from ..core.config import Config
from ..core.filenames import readable
from ..core.report import CONTRACT, SCHEMA_VERSION, SCHEMA_VERSION_PATTERN

BOOK_PATTERNS = ("*.xlsx", "*.xlsm", "*.txt")


class WorstFinding(TypedDict):
    """One of a file's first findings, in brief (errors first)."""

    code: str
    severity: Literal["error", "warning", "info"]
    sheet: str
    cell: Optional[str]
    message: str


class BatchSummary(TypedDict):
    """The totals over every file. ``expected_totals``: each weight total the files were
    checked against, sorted, each once."""

    files: int
    unreadable: int
    files_with_errors: int
    projects: int
    indicators: int
    errors: int
    warnings: int
    expected_totals: list[float]


class FileResult(BaseModel):
    """One file of a batch."""

    model_config = CONTRACT

    file: str
    readable: bool = True
    error: Optional[str] = None  # why the file could not be read
    tables: int = 0
    projects: int = 0
    indicators: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    projects_weight_off: list[str] = Field(default_factory=list)
    expected_total: Optional[float] = None  # the weight total this file was checked against
    against: Optional[str] = None  # --against: the target file it was held against
    worst: list[WorstFinding] = Field(default_factory=list)  # up to 5 findings, errors first


class BatchReport(BaseModel):
    """The JSON of ``xlperf check FOLDER --format json`` (docs/report.md).

    ``summary["expected_totals"]``: every weight total the files were checked against (sorted,
    each once): ``[90.0]`` when all files agree. Files may differ (their own 配置 sheets or
    xlperf.toml), so there is no single ``expected_total``; each file's is in ``files``."""

    model_config = CONTRACT

    schema_version: str = Field(SCHEMA_VERSION, pattern=SCHEMA_VERSION_PATTERN)
    files: list[FileResult] = Field(default_factory=list)
    summary: BatchSummary = Field(default_factory=dict)  # type: ignore[assignment] - filled by run_batch


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted({f for pat in BOOK_PATTERNS for f in p.rglob(pat) if not f.name.startswith(("~$", "."))})
            out.extend(found)
        else:
            out.append(p)
    return out


def check_one(path: str, config_data: Optional[dict[str, Any]] = None,
              overrides: Optional[dict[str, Any]] = None) -> FileResult:
    return _check(path, None if config_data is None else Config.model_validate(config_data), overrides)


NO_PAIR = object()  # --against in batch mode: this file has no target file (SE058)


def _check(path: str, config: Optional[Config], overrides: Optional[dict[str, Any]] = None,
           against: Any = None) -> FileResult:
    """One file as ``xlperf check FILE`` sees it: ``config`` (--config) if given, else the file's
    own configuration; ``overrides`` (--expected-total) on top of either. ``against``: the
    target file to hold it against (--against), ``NO_PAIR`` when the target folder had none."""
    from ..api import check_grids
    from ..core.config import ConfigError, PendingSettings
    from ..gc_pause import paused_gc
    from ..readers.source import InputError, read_source

    p = Path(path)
    try:
        with paused_gc():
            # The settings first (a broken xlperf.toml beside the file is what the single check
            # reports), completed by the reader from its one open of the workbook (配置 sheet).
            pending = PendingSettings(p, base=config, overrides=overrides)
            src = read_source(p, settings=pending)
            result = check_grids(src.grids, src.config, extra_findings=src.findings, source=str(p))
            if against is NO_PAIR:
                from .against import no_target

                result = no_target(result)
            elif against is not None:
                from .against import with_against

                result = with_against(result, Path(against), src.config)
    except (InputError, ConfigError) as e:
        return FileResult(file=readable(path), readable=False, error=str(e))
    except Exception as e:  # noqa: BLE001 - one bad file must never stop the batch
        return FileResult(file=readable(path), readable=False, error=f"内部错误 {type(e).__name__}: {e}")
    s = result.report.summary
    active = [f for f in result.report.findings if not f.waived]  # as the single check's JSON has them
    worst = [
        {"code": f.code, "severity": f.severity, "sheet": f.sheet, "cell": f.cell, "message": f.message}
        for f in worst_findings(active)
    ]
    return FileResult(file=readable(path), tables=s.tables, projects=s.projects, indicators=s.indicators, errors=s.errors,
                      warnings=s.warnings, infos=s.infos, projects_weight_off=s.projects_weight_off,
                      expected_total=s.expected_total, worst=worst,
                      against=readable(str(against)) if against is not None and against is not NO_PAIR else None)


WORST = 5


def worst_findings(findings: list, n: int = WORST) -> list:
    """Up to ``n`` findings, errors first: the first (worst) of each rule family before a
    second of any, so a file's weight errors do not hide its other kinds of problem."""
    first: dict[str, int] = {}
    for i, f in enumerate(findings):
        first.setdefault(f.code[:2], i)
    picked = sorted(first.values(), key=lambda i: (findings[i].sort_key(), i))[:n]
    rest = [i for i in range(len(findings)) if i not in set(picked)]
    return [findings[i] for i in sorted(picked + rest[:max(0, n - len(picked))],
                                        key=lambda i: (findings[i].sort_key(), i))]


def _load_engine() -> None:
    """Import everything a check needs (reader, engine, every rule family)."""
    from .. import api  # noqa: F401
    from ..core.rules import load_all
    from ..readers import source as read  # noqa: F401

    load_all()


_worker_config: Optional[Config] = None  # None: each file's own
_worker_overrides: Optional[dict[str, Any]] = None
_worker_against: Optional[dict[str, Optional[str]]] = None


def _init_worker(config_data: Optional[dict[str, Any]], overrides: Optional[dict[str, Any]] = None,
                 against: Optional[dict[str, Optional[str]]] = None) -> None:
    global _worker_config, _worker_overrides, _worker_against
    _worker_against = against
    _load_engine()  # already loaded when forked from a parent that loaded it: no cost
    _worker_config = None if config_data is None else Config.model_validate(config_data)
    _worker_overrides = overrides
    # The command line switches the collector off for its one short run and a forked worker
    # inherits that; a worker lives for many files, so it collects between them (each check
    # still pauses it while it runs: gc_pause.paused_gc).
    gc.enable()


def _against(path: str, against: Optional[dict[str, Optional[str]]]) -> Any:
    if against is None:
        return None
    t = against.get(path)
    return NO_PAIR if t is None else t


def _check_in_worker(path: str) -> FileResult:
    return _check(path, _worker_config, _worker_overrides, _against(path, _worker_against))


def _chunksize(n_files: int, jobs: int) -> int:
    # About 30 chunks per worker: few enough that handing them out costs the parent nothing
    # worth measuring, small enough that the last ones (the smallest files) end together.
    return max(1, min(8, n_files // (jobs * 30)))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


MAX_JOBS_PER_CORE = 4


def parse_jobs(value: Any) -> int:
    """``--jobs``: a whole number from 1 to 4× the cores, or ``auto`` (the cores); None is auto.
    Anything else is the clerk's typing mistake, refused with a sentence (InputError, exit 2)."""
    from ..readers.source import InputError

    cores = os.cpu_count() or 1
    if value is None or (isinstance(value, str) and value.strip().lower() in ("auto", "")):
        return cores
    top = cores * MAX_JOBS_PER_CORE
    text = str(value).strip()
    try:
        n = int(text) if not isinstance(value, bool) else None
    except ValueError:
        n = None
    if n is None or not 1 <= n <= top:
        raise InputError(f"--jobs 应为 1 到 {top} 之间的整数（本机 {cores} 个核心的 {MAX_JOBS_PER_CORE} 倍），"
                         f"或 auto（按核心数）：{text}（--jobs must be a whole number from 1 to {top}, or auto）")
    return n


def run_batch(paths: list[Path], config: Optional[Config] = None, jobs: Optional[int] = None,
              on_done: Optional[Callable[[FileResult], None]] = None, *,
              overrides: Optional[dict[str, Any]] = None,
              against: Optional[dict[str, Optional[str]]] = None) -> BatchReport:
    """``config``: one configuration for every file (--config); None: each file's own, as the
    single check resolves it. ``overrides``: Config fields set on top of either
    (``{"expected_total": 100}`` for --expected-total). ``against``: --against, each file (as
    str) -> its target file, None for a file without one."""
    jobs = parse_jobs(jobs)
    results: list[FileResult] = []
    if jobs == 1 or len(paths) == 1:
        for p in paths:
            r = _check(str(p), config, overrides, _against(str(p), against))
            results.append(r)
            if on_done:
                on_done(r)
    else:
        results = _run_pool(paths, config, overrides, min(jobs, len(paths)), on_done, against)
    report = BatchReport(files=results)
    report.summary = {
        "files": len(results),
        "unreadable": sum(1 for r in results if not r.readable),
        "files_with_errors": sum(1 for r in results if r.errors),
        "projects": sum(r.projects for r in results),
        "indicators": sum(r.indicators for r in results),
        "errors": sum(r.errors for r in results),
        "warnings": sum(r.warnings for r in results),
        "expected_totals": sorted({r.expected_total for r in results if r.expected_total is not None}),
    }
    return report


def _run_pool(paths: list[Path], config: Optional[Config], overrides: Optional[dict[str, Any]], jobs: int,
              on_done: Optional[Callable[[FileResult], None]],
              against: Optional[dict[str, Optional[str]]] = None) -> list[FileResult]:
    ctx = multiprocessing.get_context()
    if ctx.get_start_method() == "fork":
        _load_engine()  # once here, inherited by every worker instead of imported by each
        gc.freeze()  # the inherited objects are never scanned (nor copied) by a worker's GC
    order = sorted(range(len(paths)), key=lambda i: -_size(paths[i]))
    slots: list[Optional[FileResult]] = [None] * len(paths)
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                                 initargs=(None if config is None else config.model_dump(), overrides, against)) as pool:
            done = pool.map(_check_in_worker, [str(paths[i]) for i in order],
                            chunksize=_chunksize(len(paths), jobs))
            for i, r in zip(order, done):
                slots[i] = r
                if on_done:
                    on_done(r)
    finally:
        if ctx.get_start_method() == "fork":
            gc.unfreeze()
    return [r for r in slots if r is not None]


def worst_text(r: "FileResult") -> str:
    """A file's worst findings in one cell: ``错误 WT002 K36：…；警告 VL004 I13：…``."""
    from ..core.model import SEVERITY_ZH

    parts = []
    for f in r.worst:
        cell, message = f["cell"], f["message"]
        text = message[len(cell) + 1:] if cell and message.startswith(cell + " ") else message
        parts.append(f"{SEVERITY_ZH[f['severity']]} {f['code']} {cell or f['sheet']}：{text}")
    return "；".join(parts)


SUMMARY_HEADER = ["文件", "可读取", "表数", "项目数", "指标数", "错误", "警告", "提示", "期望权重合计",
                  "权重合计不符的项目", "主要问题（每类最严重的）", "无法读取的原因"]
SUMMARY_WIDTHS = {"A": 34, "B": 7, "C": 6, "D": 7, "E": 7, "F": 6, "G": 6, "H": 6, "I": 8, "J": 22, "K": 56, "L": 22}
ISSUES_HEADER = ["文件", "级别", "代码", "工作表", "单元格", "说明"]
ISSUES_WIDTHS = {"A": 30, "B": 6, "C": 7, "D": 12, "E": 8, "F": 70}


def write_batch_workbook(report: BatchReport, out: Path) -> None:
    """A summary workbook: one row per file (its worst finding of every family), and the worst
    findings one per row (主要问题); both print one page wide, file names wrapped, not cut."""
    from openpyxl import Workbook

    from ..core.model import SEVERITY_ZH
    from ..writers.atomic import atomic_path
    from ..writers.sheet_layout import PrintSetup, SheetLayout, apply_openpyxl, fitted_heights

    def inert(ws) -> None:
        # openpyxl turns any str starting with "=" into a formula: force such cells back to text.
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    c.data_type = "s"

    def laid_out(ws, rows, widths, wrap, severity_col=None) -> None:
        n = len(rows)
        last = len(rows[0])
        apply_openpyxl(ws, SheetLayout(
            widths=widths, wrap_cols=wrap, heights=fitted_heights(rows, widths, wrap), freeze_rows=1,
            auto_filter=f"A1:{chr(64 + last)}{max(n, 1)}", header_row=1, severity_col=severity_col,
            severity_rows=(2, max(n, 2)), last_col=last,
            print=PrintSetup(landscape=True, fit_width=1, fit_height=0, title_rows=(1, 1))))

    wb = Workbook()
    ws = wb.active
    ws.title = "批量校验汇总"
    rows = [SUMMARY_HEADER]
    for r in report.files:
        rows.append([r.file, "是" if r.readable else "否", r.tables, r.projects, r.indicators, r.errors,
                     r.warnings, r.infos, r.expected_total, "、".join(r.projects_weight_off), worst_text(r),
                     r.error or ""])
    for row in rows:
        ws.append(row)
    laid_out(ws, rows, SUMMARY_WIDTHS, {1, 10, 11, 12})
    ws2 = wb.create_sheet("主要问题")
    rows2 = [ISSUES_HEADER]
    for r in report.files:
        for f in r.worst:
            rows2.append([r.file, SEVERITY_ZH[f["severity"]], f["code"], f["sheet"], f["cell"], f["message"]])
    for row in rows2:
        ws2.append(row)
    laid_out(ws2, rows2, ISSUES_WIDTHS, {1, 6}, severity_col="B")
    inert(ws)
    inert(ws2)
    with atomic_path(out) as tmp:
        wb.save(tmp)
