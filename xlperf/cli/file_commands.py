"""The command line's file commands: ``xlperf check --mark`` and ``xlperf fix``.

They use the same port and button code as the ribbon (:mod:`xlperf.excel.commands`) over a copy of
the file: the package splicer (:mod:`xlperf.writers.mark_package`) where it can, openpyxl otherwise.
The input is never written. The command's GC switch (``cli.app.main``) covers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from ..api import CheckResult
from ..core.config import Config, load_config
from ..core.filenames import copy_suffix
from ..core.model import Table
from ..excel.commands import plan_marks, results_layout, sheet_table, sheet_to_write, write_all_marks
from ..excel.fixes import Change, plan_fixes
from ..excel.marks import RESULT_WIDTHS, results_rows
from ..excel.port import CONFIG_SHEET, RESULTS_SHEET, SheetData
from ..excel.settings import build_config


def check_output_kind(src: Path, out: Path) -> None:
    from ..writers.atomic import OutputError

    want = copy_suffix(str(src))
    if out.suffix.lower() != want:
        raise OutputError(f"输出文件的扩展名应为 {want}（与输入一致）：{out}（output must be {want}）")


def mark_file(src: Path, out: Path, result: CheckResult) -> None:
    """A copy of ``src`` with the marks, the 校验说明 column and 校验结果 (``check --mark``).

    The input is never written: the copy is saved atomically to ``out``. The source package is
    copied and edited part by part (:mod:`xlperf.writers.mark_package`) rather than loaded whole; a
    sheet written in a way that editor does not splice is marked through openpyxl instead.
    """
    from ..writers.mark_package import Unsupported
    from ..readers.source import InputError
    from ..excel.package_port import PackagePort

    src, out = Path(src), Path(out)
    check_output_kind(src, out)
    text = src.suffix.lower() in (".txt", ".tsv")
    if not text and not src.is_file():
        raise InputError(f"找不到文件：{src}（file not found）")
    # The check's findings and tables are millions of live objects: each run of the cyclic
    # collector triggered by marking's allocations would walk them all (half the time at
    # 100,000 rows). Marking creates no cycles.
    try:
        port = PackagePort(_imported_package(src, result.config) if text else src)
        with port.pkg:
            _write_marked(port, result, lambda t: port.sheet_shape(t.sheet, max(t.columns.values(), default=1)), out)
    except Unsupported:
        _mark_with_openpyxl(src, out, result, text)


def _imported_package(src: Path, config: Optional[Config] = None) -> bytes:
    """Pasted text as the workbook ``import-text`` would write, in memory, imported with the
    settings the check used (so the marks land on the rows the findings name)."""
    import io

    from ..writers.styled_table import build_import_workbook
    from ..readers.source import read_text_import

    buf = io.BytesIO()
    build_import_workbook(read_text_import(src, config)).save(buf)
    return buf.getvalue()


def _mark_with_openpyxl(src: Path, out: Path, result: CheckResult, text: bool) -> None:
    from ..excel.openpyxl_port import OpenpyxlPort

    if text:
        from ..writers.styled_table import build_import_workbook
        from ..readers.source import read_text_import

        port = OpenpyxlPort(build_import_workbook(read_text_import(src, result.config)), None)
    else:
        port = OpenpyxlPort.open(src)
    _write_marked(port, result, lambda t: port.read_sheet(t.sheet), out)


def _write_marked(port: Any, result: CheckResult, sheet_of: Callable[[Table], Any], out: Path) -> None:
    """Every block is planned before the first write, then written: marks (with each sheet's
    look and print set-up, ``write_all_marks``), 校验结果, save. One plan per sheet (stacked
    forms share one: ``sheet_table``)."""
    plans = []
    for table in (sheet_table(result.tables, s) for s in dict.fromkeys(t.sheet for t in result.tables)):
        assert table is not None
        data = sheet_of(table)
        if data is not None:
            plans.append((plan_marks(data, table, result.findings), table))
    results = results_rows(result.findings)
    target = sheet_to_write(port, RESULTS_SHEET)
    write_all_marks(port, [p for p, _ in plans])
    port.replace_sheet(target, results, widths=RESULT_WIDTHS, layout=results_layout(results))
    port.save(out)


@dataclass
class FixOutcome:
    """What ``xlperf fix`` did: the cells changed, and what it left for the clerk."""

    changes: list[Change]
    formula_cells: list[str]  # "Sheet!H19": the fix would have written a formula cell
    held: list[str]  # "Sheet!H19 (VL008)": not applied, another finding on the row concerns it

    @property
    def changed(self) -> int:
        return len(self.changes)


def fix_file(path: Path, out: Path, sheet: Optional[str] = None, config_path: Optional[Path] = None) -> int:
    """``xlperf fix``: apply the safe fixes to every table sheet (or ``sheet``), save a copy.

    Returns the number of cells changed; running it on its own output changes nothing.
    """
    return fix_book(path, out, sheet, config_path).changed


def fix_book(path: Path, out: Path, sheet: Optional[str] = None, config_path: Optional[Path] = None) -> FixOutcome:
    """``fix`` edits the package the way ``--mark`` does (:mod:`xlperf.writers.mark_package`): the
    table is read like ``check`` reads it (bounded memory, the same guards), the fixes are
    planned in memory, and only the fixed cells' XML is rewritten. Every other byte of the
    workbook is copied as it was: other parts (VBA, images, charts, styles, comments, defined
    names, the calculation chain) as stored, other rows of the sheet as they were, formulas
    with their cached values. A formula cell is never written."""
    from ..writers import mark_package as mp
    from ..writers.atomic import atomic_path
    from ..readers.source import InputError, read_source

    path, out = Path(path), Path(out)
    check_output_kind(path, out)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(f"自动修正只能处理 .xlsx/.xlsm 工作簿：{path}（fix needs a workbook）")
    source = read_source(path, sheet)  # every guard of check: refuses what it cannot read safely
    try:
        pkg = mp.Package(path)
    except mp.Unsupported as e:
        raise InputError(_cannot_splice(path, e)) from None
    with pkg:
        config = load_config(config_path) if config_path is not None else _book_config(pkg, path)
        outcome = FixOutcome([], [], [])
        edits: list[tuple[Any, dict[tuple[int, int], Any]]] = []
        try:
            for grid in source.grids:
                sx = pkg.worksheet(grid.sheet)
                if sx is None:
                    continue
                formulas = {(r - 1, c - 1): "=" for r, c in sx.formula_cells()}
                data = SheetData(grid.sheet, grid.rows, list(grid.merges), formulas)
                plan = plan_fixes(data, config, source=str(path))
                if plan.result is None or not plan.result.tables:
                    continue
                outcome.changes += plan.changes
                outcome.formula_cells += [f"{grid.sheet}!{c}" for c in plan.formula_cells]
                outcome.held += [f"{grid.sheet}!{c}" for c in getattr(plan, "held", [])]
                edits.append((sx, {(c.row, c.col): _cell_value(c.new) for c in plan.changes}))
            for sx, cells in edits:
                sx.set_cells(cells)
            with atomic_path(out) as tmp:
                pkg.save(tmp, keep_calc_chain=True)
        except mp.Unsupported as e:
            raise InputError(_cannot_splice(path, e)) from None
    return outcome


def fix_summary(outcome: FixOutcome, shown_out: str, limit: int = 10) -> list[str]:
    """The lines ``xlperf fix`` prints: what changed, and what it left for the clerk and why."""
    from rich.markup import escape

    from ..core.filenames import visible_controls

    def names(cells: list[str]) -> str:
        more = f" 等{len(cells)}处" if len(cells) > limit else ""
        return escape(visible_controls("、".join(cells[:limit]))) + more

    n = outcome.changed
    lines = [f"已修正 {n} 个单元格：{shown_out}（{n} cells fixed）"]
    if outcome.held:
        lines.append(f"留给您处理 {len(outcome.held)} 处（自动修正会掩盖同一行的其他问题，或会使文字变成公式的样子）：{names(outcome.held)}"
                     f"（{len(outcome.held)} fixes held back: they would hide another finding on the row, or make text look like a formula）")
    if outcome.formula_cells:
        lines.append(f"含公式的单元格未修改 {len(outcome.formula_cells)} 处：{names(outcome.formula_cells)}"
                     f"（formula cells are never changed）")
    return lines


def _cell_value(v: Any) -> Any:
    # A fix writes a value, never a formula: text (even "=1+1") is written as text by cells_xml.
    return v


def _cannot_splice(path: Path, e: Exception) -> str:
    return (f"这个工作簿的写法无法在不改动其他内容的情况下修改（{e}），未做任何修改。"
            f"请在Excel或WPS中打开并另存为 .xlsx 后再试：{path}（cannot edit this workbook safely; nothing written）")


def _book_config(pkg: Any, path: Path) -> Config:
    """The settings as the ribbon reads them: xlperf.toml beside the book, then its 配置 sheet."""
    rows = None
    sx = pkg.worksheet(CONFIG_SHEET) if CONFIG_SHEET in pkg.sheet_names else None
    if sx is not None:
        rows = [sx.row_values(r) for r in sx.row_nums]
    return build_config(path, rows)
