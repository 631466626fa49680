"""The engine in one call: Grids (from any source) -> Tables -> findings -> Report.

Shared by the command line, the Excel buttons and the UDFs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .core.blocks import records
from .core.config import CONFIG_SHEET, Config, PendingSettings
from .core.engine import check_table, read_finding
from .gc_pause import paused_gc
from .core.grid import Grid
from .core.layouts import read_grid
from .core.model import Finding, Record, Table
from .core.report import Report, build_report


@dataclass
class CheckResult:
    tables: list[Table]
    findings: list[Finding]
    report: Report
    config: Config
    source: str = ""
    extra: list[Finding] = field(default_factory=list)
    # (sheet, layout, reason) of every sheet no reader could read: what was tried, for the
    # "0 records" refusals of split/export
    tried: list[tuple[str, str, str]] = field(default_factory=list)

    def nothing_read(self) -> Optional[str]:
        """Why there is nothing to write (no indicator record), in Chinese; None when there is."""
        # records() builds one Record per real indicator; whether there is one is a scan (split
        # and export call this before building them: building them twice cost 0.1 s at 10k rows)
        if any(not ind.is_placeholder for t in self.tables for p in t.projects for ind in p.indicators):
            return None
        reasons = [f.message for f in self.findings if f.code in ("ST001", "ST013", "ST017")]
        tried = [f"{s}：按{layout}读取，{reason}" for s, layout, reason in self.tried]
        read = [f"{t.sheet}：按{t.layout}读取，{len(t.projects)}个项目、0个指标" for t in self.tables]
        return "；".join(dict.fromkeys(reasons + tried + read)) or "没有任何工作表"

    def records(self) -> list[Record]:
        out: list[Record] = []
        for t in self.tables:
            out.extend(records(t))
        return out


def tables_from_grids(grids: list[Grid], only_sheet: Optional[str] = None, *,
                      config: Optional[Config] = None, layout: Optional[str] = None,
                      tried: Optional[list[tuple[str, str, str]]] = None,
                      ) -> tuple[list[Table], list[Finding]]:
    """Every grid that holds a table becomes one or more Tables (a sheet of stacked forms gives
    one per form), read by the layout reader that fits it best (or ``layout``); if none does,
    say so (ST001). ``tried`` collects (sheet, layout, reason) of the sheets not read."""
    tables: list[Table] = []
    failed: list[Table] = []
    for g in grids:
        for t in read_grid(g, config, layout):
            st001 = [f for f in t.findings if f.code == "ST001"]
            if not st001:
                tables.append(t)
                continue
            if tried is not None:
                tried.append((t.sheet, t.layout, t.layout_reason))
            if any(f.cell for f in st001) or only_sheet is not None or len(grids) == 1:
                failed.append(t)  # a header-like row was seen, or this sheet was asked for
    findings: list[Finding] = []
    if not tables:
        if failed:
            for t in failed:
                findings.extend(t.findings)
        else:
            names = "、".join(g.sheet for g in grids) or "（无工作表）"
            findings.append(read_finding("ST001", sheet=grids[0].sheet if grids else "", missing=f"所有工作表（{names}）均未找到表头"))
    return tables, findings


def check_grids(
    grids: list[Grid],
    config: Optional[Config] = None,
    *,
    extra_findings: Optional[list[Finding]] = None,
    source: str = "",
    only_sheet: Optional[str] = None,
    workers: int = 1,
    layout: Optional[str] = None,
) -> CheckResult:
    """``workers=2``: a large table's rules run on two cores (see ``check_table``);
    ``layout``: read every sheet with that layout reader instead of the best-fitting one."""
    with paused_gc():
        return _check_grids(grids, config, extra_findings, source, only_sheet, workers, layout)


def _check_grids(grids: list[Grid], config: Optional[Config], extra_findings: Optional[list[Finding]],
                 source: str, only_sheet: Optional[str], workers: int, layout: Optional[str]) -> CheckResult:
    config = config or Config()
    tried: list[tuple[str, str, str]] = []
    tables, structural = tables_from_grids(grids, only_sheet, config=config, layout=layout, tried=tried)
    if not grids and any(f.code == "ST001" for f in extra_findings or []):
        structural = []  # the reader said why there is nothing (a text that is not a table)
    findings: list[Finding] = list(structural)
    for f in extra_findings or []:
        if config.enabled(f.code):
            findings.append(f)
    for t in tables:
        findings.extend(check_table(t, config, workers=workers))
    findings.sort(key=Finding.sort_key)
    report = build_report(tables, findings, config, source)
    return CheckResult(tables, findings, report, config, source, list(extra_findings or []), tried)


def resolve_config(path: Optional[Path], config_path: Optional[Path] = None, *,
                   overrides: Optional[dict] = None) -> Config:
    """The settings ``path`` is judged with, for a caller that does not read the file itself
    (benchmarks, a batch's one --config): :class:`core.config.PendingSettings` with the
    workbook's 配置 rows. ``check_path`` does the same in the reader's one open of the file."""
    pending = PendingSettings(path, config_path=config_path, overrides=overrides)
    rows = _config_sheet_rows(Path(path)) if path is not None and pending.needs_sheet else None
    return pending.resolve(rows)


def _config_sheet_rows(path: Path) -> Optional[list[list]]:
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
        return None
    try:
        from .readers.source import open_calamine

        wb = open_calamine(path)  # also a GBK name unpacked on Linux
        if CONFIG_SHEET not in wb.sheet_names:
            return None
        return wb.get_sheet_by_name(CONFIG_SHEET).to_python()
    except Exception:  # noqa: BLE001 - an unreadable file is reported by the reader, with its message
        return None


def check_path(path: Path, *, sheet: Optional[str] = None, config: Optional[Config] = None,
               config_path: Optional[Path] = None, overrides: Optional[dict] = None,
               settings: Optional[PendingSettings] = None, workers: int = 1, layout: Optional[str] = None) -> CheckResult:
    """Check one file. Its settings are resolved before the data is read (flags ``overrides`` >
    ``config`` / ``config_path`` > its 配置 sheet > the ``xlperf.toml`` beside it > defaults), and
    the text importer, the layout readers, every rule and every writer get them
    (``CheckResult.config``). ``settings``: the same, begun by the caller (the command line, to
    refuse bad ones first)."""
    from .readers.source import read_source

    with paused_gc():
        pending = settings or PendingSettings(Path(path), config_path=config_path, base=config, overrides=overrides)
        src = read_source(Path(path), sheet, settings=pending)
        result = check_grids(src.grids, src.config, extra_findings=src.findings, source=str(path), only_sheet=sheet,
                             workers=workers, layout=layout)
        result.report.encoding = src.encoding or None
        return result


def sample_path() -> Path:
    """The bundled real 2023 table, as a workbook made by the text importer."""
    return Path(__file__).parent / "data" / "sample_2023.xlsx"


def sample_text_path() -> Path:
    return Path(__file__).parent / "data" / "sample_2023.txt"
