"""What each ribbon button does, written once against the workbook port.

The ribbon (live Excel, ``XlwingsPort``) and the command line (``--mark``, ``fix``:
``OpenpyxlPort``) run this same code. Each button reads what it needs in one or two calls,
computes everything in Python (so an exception leaves the workbook untouched), then writes
each result as one block. ``run_button`` turns any exception into a Chinese message box.
"""

from __future__ import annotations

import datetime as _dt
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Union

from ..api import CheckResult, check_grids
from ..core.config import Config, ConfigError
from ..core.grid import Grid, address, parse_address
from ..core.model import SEVERITY_ZH, Table
from .fixes import Change, change_blocks, plan_fixes, same_value, undo_rows, with_unchanged_gaps
from .marks import (
    RANK,
    NOTES_WIDTH,  # noqa: F401 - cli.file_commands imports it from here
    RESULT_WIDTHS,
    SheetShape,
    TableLayout,
    first_error,
    link,
    mark_block,
    mine,
    notes_anchor,
    notes_block,
    results_rows,
    summary_text,
    table_area,
    table_layout,
    without_notes,
)
from .port import (
    CONFIG_SHEET,
    RECORDS_SHEET,
    RESULTS_SHEET,
    RULES_SHEET,
    UNDO_SHEET,
    WEIGHTS_SHEET,
    BookInfo,
    SheetData,
    UserError,
    WorkbookPort,
    mark_sheet_for,
    named_like_ours,
)
from .settings import build_config
from ..core.own_sheets import OWN_SHEETS
from ..core.normalise import plain_number
from ..gc_pause import paused_gc

EXPORT_SUFFIX = "_报送.xlsx"


def is_own_sheet(name: str) -> bool:
    """Only xlperf's helper sheets by name; the others are told by content (see :func:`own_sheet`)."""
    from ..core.own_sheets import is_helper_name

    return is_helper_name(name)


def own_sheet(port: WorkbookPort, name: str, info: Optional[BookInfo] = None,
              data: Optional[SheetData] = None) -> bool:
    """Sheet ``name`` is absent, empty or written by xlperf (its marker or its header row).
    ``info``: the button's book info, whose ``own`` lists the marked sheets; ``data``: the sheet
    as already read (each saves a port call)."""
    probe = getattr(port, "own_sheet", None)
    if probe is not None:
        return probe(name)
    from ..core.own_sheets import is_helper_name, is_own_header

    info = info or port.book_info()
    if is_helper_name(name) or name not in info.sheet_names:
        return True
    if info.own is not None and named_like_ours(name):
        return name in info.own
    if data is None:
        data = port.read_sheet(name, merges=False)
    if data is None:
        return False
    first = next((r for r in data.values if any(v is not None and str(v).strip() for v in r)), None)
    return first is None or is_own_header(first)


def sheet_to_write(port: WorkbookPort, wanted: str, info: Optional[BookInfo] = None,
                   table_sheet: Optional[str] = None) -> str:
    """``wanted`` (校验结果, 权重合计 …) unless the clerk has a sheet of that name with their own
    content: then ``校验结果(2)``, ``校验结果(3)`` … — never the clerk's sheet. ``table_sheet``:
    the sheet the button just read as the clerk's table (theirs, whatever it is called)."""
    if wanted != table_sheet and own_sheet(port, wanted, info):
        return wanted
    n = 2
    while f"{wanted}({n})" == table_sheet or not own_sheet(port, f"{wanted}({n})", info):
        n += 1
    return f"{wanted}({n})"


@dataclass
class Loaded:
    info: BookInfo
    sheet: str
    data: SheetData
    grid: Grid
    config: Config
    result: CheckResult
    table: Table


def read_config(port: WorkbookPort, info: BookInfo) -> Config:
    rows = None
    if CONFIG_SHEET in info.sheet_names:  # one read, only when the sheet exists
        cfg = port.read_sheet(CONFIG_SHEET, merges=False)
        rows = cfg.values if cfg is not None else None
    return build_config(info.path, rows)


def grid_of(data: SheetData, source: str = "") -> Grid:
    return Grid(data.name, data.values, list(data.merges), source=source)


def load(port: WorkbookPort, *, formulas: bool = False, sheet: Optional[str] = None,
         config: Optional[Config] = None) -> Loaded:
    """Book info, the table sheet (one read), the settings, and the engine's verdict."""
    info = port.book_info()
    sheet = sheet or info.active_sheet
    ours = f"当前工作表“{sheet}”是 xlperf 生成的工作表。请先切换到要校验的绩效目标表（如“绩效目标表”或“示例”），再点击按钮。"
    if is_own_sheet(sheet):
        raise UserError(ours)
    data = port.read_sheet(sheet, formulas=formulas)
    if data is None:
        raise UserError(f"找不到工作表“{sheet}”。")
    if sheet in OWN_SHEETS and own_sheet(port, sheet, info, data):  # named like ours: is it?
        raise UserError(ours)
    config = config or read_config(port, info)
    source = str(info.path or info.name)
    # Whatever the layout (list, stacked forms, self-evaluation): the reader that fits best,
    # and never our own 校验说明 column as the clerk's content.
    grid = Grid(data.name, without_notes(data), list(data.merges), source=source)
    result = check_grids([grid], config, source=source, only_sheet=sheet)
    if not result.tables:
        why = "；".join(f.message for f in result.findings[:3])
        raise UserError(f"当前工作表“{sheet}”不是绩效目标表，无法处理：{why}\n\n"
                        "请切换到绩效目标表（清单：含“项目名称、三级指标、指标值、权重”等表头；或项目绩效目标表、"
                        "自评表等表单），再点击按钮。")
    return Loaded(info, sheet, data, grid, config, result, sheet_table(result.tables, sheet) or result.tables[0])


# --- 校验 / 清除标记 -------------------------------------------------------------------


@dataclass
class MarkPlan:
    """Everything 校验 writes on and beside one table sheet, computed before any write."""

    sheet: str
    mark_sheet: str
    mark_top: int
    marks: list
    area_ref: Optional[str]
    notes_at: str
    notes: list
    # merged_plans: the 校验说明 blocks of the sheet's other tables, as (top-left cell, rows)
    more_notes: list = field(default_factory=list)
    title_row: Optional[int] = None  # the table's header row: repeated on every printed page


def marked_layout(plan: MarkPlan) -> TableLayout:
    """How the marked sheet looks and prints (:class:`xlperf.excel.marks.TableLayout`)."""
    return table_layout([(plan.notes_at, plan.notes), *plan.more_notes], plan.title_row)


def plan_marks(data: Union[SheetData, SheetShape], table: Table, findings: list) -> MarkPlan:
    fs = mine(findings, table.sheet)
    area = table_area(data, table, fs)
    r1, block = mark_block(area, table, fs)
    return MarkPlan(table.sheet, mark_sheet_for(table.sheet), r1, block, None if area.empty else area.ref,
                    address(area.header_row, area.notes_col), notes_block(area, fs), title_row=table.header_row)


def write_marks(port: WorkbookPort, plan: MarkPlan) -> None:
    """Three writes whatever the size: the mark sheet, its conditional format, the 校验说明 column."""
    port.replace_sheet(plan.mark_sheet, plan.marks, top_left=f"A{plan.mark_top}", visibility="veryHidden")
    if plan.area_ref:
        port.apply_marks_format(plan.sheet, plan.area_ref, plan.mark_sheet)
    port.write_block(plan.sheet, plan.notes_at, plan.notes)


def validate(port: WorkbookPort) -> CheckResult:
    ld = load(port)
    findings = ld.result.findings
    # Every block is built before the first write: an error here leaves the workbook as it was.
    # One plan for every table on the sheet (stacked forms / self-evaluations are one Table
    # each; ``ld.table`` is their union, ``sheet_table``): one mark sheet, one 校验说明 block, so
    # the button costs the same few port calls for 1 form or 1,000.
    plans = [plan_marks(ld.data, ld.table, findings)]
    results = results_rows(findings)
    cell = first_error(findings, ld.sheet, ld.table)
    summary = summary_text(ld.result.report, ld.sheet)
    target = sheet_to_write(port, RESULTS_SHEET, ld.info, ld.sheet)
    write_all_marks(port, plans)
    port.replace_sheet(target, results, widths=RESULT_WIDTHS, layout=results_layout(results))
    if cell:
        port.select(ld.sheet, cell)
    port.message(summary, title="校验结果")
    return ld.result


def clear_marks(port: WorkbookPort) -> None:
    """Empty the mark sheet and the 校验说明 column; the clerk's own formats stay as they are.
    The column is found by its header whatever the layout (a list's header row, a form's top)."""
    info = port.book_info()
    sheet = info.active_sheet
    mark = mark_sheet_for(sheet)
    if mark in info.sheet_names:
        port.replace_sheet(mark, [], visibility="veryHidden")
    data = port.read_sheet(sheet, merges=False)
    at = notes_anchor(data) if data is not None else None
    if at is not None and data is not None:
        header, col = at
        port.write_block(sheet, address(header, col), [[None]] * (data.height - header + 1))
    port.message(f"已清除“{sheet}”的校验标记和校验说明。", title="清除标记")


# --- 权重合计 / 拆分为记录 / 导出报送 ----------------------------------------------------


def project_cells(tables: list[Table]) -> dict[tuple[str, int], str]:
    """(sheet, first row) -> the cell holding the project's name, in every layout (a list's
    项目名称 column, a form's 项目名称 value): where 权重合计's 位置 links jump to."""
    out: dict[tuple[str, int], str] = {}
    for t in tables:
        for p in t.projects:
            if p.cells.get("project"):
                out.setdefault((t.sheet, p.row_first), p.cells["project"])
    return out


def weight_totals(port: WorkbookPort) -> CheckResult:
    from ..writers.export import summary_sheet_name, weights_table

    ld = load(port)
    report = ld.result.report
    header, rows = weights_table(report)
    sheet_name = summary_sheet_name(report)  # 得分汇总 for self-evaluations
    out: list[list[Any]] = [header + ["位置"]]
    names = project_cells(ld.result.tables)
    for i, row in enumerate(rows):
        p = report.projects[i] if i < len(report.projects) else None
        cell = (names.get((p.sheet, p.row)) or address(p.row, ld.table.columns.get("project", 1))) if p else None
        where = link(p.sheet, cell, f"第{p.row}行") if p and cell else None
        out.append(list(row) + [where])
    widths = {"A": 30, "B": 36, "C": 12}
    target = sheet_to_write(port, sheet_name, ld.info, ld.sheet)  # beside a clerk's own sheet of that name, never over it
    port.replace_sheet(target, out, widths=widths)
    port.select(target, "A1")
    s = report.summary
    off = len(s.projects_weight_off)
    if sheet_name != WEIGHTS_SHEET:
        tail = f"其中{off}个项目的分值合计不符（状态列已标出）。" if off else "全部项目的分值合计符合。"
        port.message(f"已写出“{target}”工作表：{s.projects}个自评项目。{tail}", title="得分汇总")
        return ld.result
    word = s.weight_word  # 分值 when the tables say 分值
    tail = f"其中{off}个项目的{word}合计不等于{plain_number(s.expected_total)}（状态列标为“{word}合计不符”）。" if off else \
        f"全部项目的{word}合计均为{plain_number(s.expected_total)}。"
    port.message(f"已写出“{target}”工作表：{s.projects}个项目。{tail}", title="权重合计")
    return ld.result


def split_records(port: WorkbookPort) -> int:
    from ..writers.records import HEADERS, record_values

    ld = load(port)
    records = ld.result.records()
    rows = [list(HEADERS)] + [record_values(r) for r in records]
    target = sheet_to_write(port, RECORDS_SHEET, ld.info, ld.sheet)
    port.replace_sheet(target, rows, widths={"F": 32, "H": 40, "K": 30})
    port.select(target, "A1")
    port.message(f"已把“{ld.sheet}”拆分为 {len(records)} 条记录，写在“{target}”工作表（原表未改动）。",
                 title="拆分为记录")
    return len(records)


def export(port: WorkbookPort) -> Optional[Path]:
    from ..writers.export import write_export

    ld = load(port)
    if ld.info.path is None:
        raise UserError("工作簿还没有保存到本机文件夹。请先“另存为”到电脑上的文件夹，再点击“导出报送”。")
    out = ld.info.path.with_name(ld.info.path.stem + EXPORT_SUFFIX)
    s = ld.result.report.summary
    if s.errors:
        if not port.ask(f"表中还有 {s.errors} 个错误，报送后可能被退回。\n\n仍要导出吗？（选“否”可先点击“校验”查看并修正）",
                        title="导出报送"):
            port.message("已取消导出。请先修正错误（点击“校验”查看），再导出。", title="导出报送")
            return None
    write_export(ld.result, out)
    port.message(f"已导出报送文件：\n{out}", title="导出报送")
    return out


# --- 自动修正 / 撤销修正 -------------------------------------------------------------


def write_changes(port: WorkbookPort, sheet: str, cells: dict[tuple[int, int], Any],
                  data: Optional[SheetData] = None) -> None:
    """One block per column of changes where the cells between them can be written back
    unchanged (plain values, no formula, no merge), else one per run of adjacent cells."""
    if data is not None:
        cells = with_unchanged_gaps(cells, data)
    for top_left, block in change_blocks(cells):
        port.write_block(sheet, top_left, block)


def autofix(port: WorkbookPort) -> int:
    ld = load(port, formulas=True)
    plan = plan_fixes(ld.data, ld.config, source=str(ld.info.path or ld.info.name), first=ld.result)
    skipped = f"\n有 {len(plan.formula_cells)} 个含公式的单元格未修改：{'、'.join(plan.formula_cells[:10])}。" \
        if plan.formula_cells else ""
    if plan.held:
        skipped += (f"\n有 {len(plan.held)} 处留给您处理（自动修正会掩盖同一行的其他问题，或会使文字变成公式的样子）："
                    f"{'、'.join(plan.held[:10])}。")
    if not plan.changes:
        port.message("没有可以自动修正的问题。" + skipped, title="自动修正")
        return 0
    # The undo record first: if Excel fails half-way through the writes, undo still works.
    port.replace_sheet(UNDO_SHEET, undo_rows(plan.changes), visibility="veryHidden")
    write_changes(port, ld.sheet, {(c.row, c.col): c.new for c in plan.changes}, ld.data)
    kinds = _describe(plan.changes)
    port.message(f"已自动修正 {len(plan.changes)} 个单元格：{kinds}。{skipped}\n\n"
                 "可点击“撤销修正”恢复原值；请再点击“校验”刷新标记。", title="自动修正")
    return len(plan.changes)


def _describe(changes: list[Change], limit: int = 5) -> str:
    counts: dict[str, int] = {}
    for c in changes:
        counts[c.description or "规范写法"] = counts.get(c.description or "规范写法", 0) + 1
    parts = [f"{k}（{n}处）" for k, n in sorted(counts.items(), key=lambda kv: -kv[1])[:limit]]
    return "、".join(parts) + ("等" if len(counts) > limit else "")


def undo_fix(port: WorkbookPort) -> int:
    info = port.book_info()
    undo = port.read_sheet(UNDO_SHEET, merges=False) if UNDO_SHEET in info.sheet_names else None
    entries = _undo_entries(undo)
    if not entries:
        port.message("没有可以撤销的自动修正。", title="撤销修正")
        return 0
    restored = 0
    conflicts: list[str] = []
    by_sheet: dict[str, list[tuple[int, int, Any, Any]]] = {}
    for sheet, r, c, old, new in entries:
        by_sheet.setdefault(sheet, []).append((r, c, old, new))
    plans: list[tuple[str, dict[tuple[int, int], Any], SheetData]] = []
    for sheet, items in by_sheet.items():
        data = port.read_sheet(sheet, formulas=True)  # merges too: gaps are rewritten only outside them
        if data is None:
            conflicts.extend(f"{sheet}!{address(r, c)}" for r, c, _, _ in items)
            continue
        cells: dict[tuple[int, int], Any] = {}
        for r, c, old, new in items:
            cur = data.values[r - 1][c - 1] if r <= data.height and c <= len(data.values[r - 1]) else None
            if (r - 1, c - 1) in (data.formulas or {}) or not same_value(cur, new):
                conflicts.append(f"{sheet}!{address(r, c)}")  # changed since: the clerk's edit wins
                continue
            cells[(r, c)] = old
        plans.append((sheet, cells, data))
    for sheet, cells, data in plans:
        write_changes(port, sheet, cells, data)
        restored += len(cells)
    port.replace_sheet(UNDO_SHEET, [], visibility="veryHidden")
    note = f"\n有 {len(conflicts)} 个单元格在修正后又被改过，保留现值：{'、'.join(conflicts[:10])}。" if conflicts else ""
    port.message(f"已撤销自动修正，恢复了 {restored} 个单元格的原值。{note}", title="撤销修正")
    return restored


def _undo_entries(data: Optional[SheetData]) -> list[tuple[str, int, int, Any, Any]]:
    out = []
    if data is None:
        return out
    for row in data.values[1:]:
        row = list(row) + [None] * 4
        sheet, cell, old, new = row[0], row[1], row[2], row[3]
        if not sheet or not cell:
            continue
        try:
            r, c = parse_address(str(cell))
        except (ValueError, IndexError):
            continue
        out.append((str(sheet), r, c, old, new))
    return out


# --- 规则说明 ---------------------------------------------------------------------------


def rules_rows() -> list[list[Any]]:
    from ..core.rules import all_rules

    rows: list[list[Any]] = [["代码", "级别", "名称", "可自动修正", "说明"]]
    for r in all_rules():
        rows.append([r.code, SEVERITY_ZH[r.severity], r.title, "是" if r.fixable else None, r.doc])
    return rows


RULES_WIDTHS = {"A": 8, "B": 6, "C": 30, "D": 10, "E": 90}


def rules_layout(rows: list[list[Any]]):
    """规则说明: the long texts wrapped in rows tall enough for them (in Excel and LibreOffice
    alike: the heights are written), the header frozen, one page wide."""
    from ..writers.sheet_layout import PrintSetup, SheetLayout, fitted_heights

    wrap = {3, 5}
    return SheetLayout(widths=dict(RULES_WIDTHS), wrap_cols=wrap, heights=fitted_heights(rows, RULES_WIDTHS, wrap),
                       freeze_rows=1, auto_filter=f"A1:E{len(rows)}", header_row=1,
                       print=PrintSetup(landscape=True, fit_width=1, fit_height=0, title_rows=(1, 1)))


def show_rules(port: WorkbookPort) -> None:
    info = port.book_info()
    if RULES_SHEET not in info.sheet_names:  # the workbook ships one; rebuild it if deleted
        rows = rules_rows()
        port.replace_sheet(RULES_SHEET, rows, widths=RULES_WIDTHS, layout=rules_layout(rows))
    port.select(RULES_SHEET, "A1")


# --- error handling for every button -----------------------------------------------------


def log_path() -> Path:
    return Path(tempfile.gettempdir()) / "xlperf-error.log"


def run_button(port: WorkbookPort, fn: Callable[[WorkbookPort], Any]) -> Any:
    """Run one button; whatever goes wrong ends as a message box, never a traceback."""
    from ..writers.atomic import OutputError
    from ..readers.source import InputError

    try:
        with paused_gc():  # one switch per button: read, check and write
            return fn(port)
    except (UserError, ConfigError, InputError, OutputError) as e:
        port.message(str(e), title="xlperf", error=True)
    except Exception as e:  # noqa: BLE001 - the clerk gets a sentence, the log gets the traceback
        path = log_path()
        try:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(f"--- {_dt.datetime.now().isoformat(timespec='seconds')} {getattr(fn, '__name__', fn)}\n")
                fh.write(traceback.format_exc())
        except OSError:
            path = Path("（日志无法写入）")
        port.message(
            f"处理时出错：{type(e).__name__}: {e}\n\n工作簿没有被改成一半：本次结果未写入。\n"
            "请先保存工作簿，再点一次按钮；如果仍然出错，请把工作簿和下面的日志文件发给技术支持：\n"
            f"{path}",
            title="xlperf 出错", error=True,
        )
    return None


def sheet_table(tables: list[Table], sheet: str) -> Optional[Table]:
    """The table to plan one sheet's marks with. Stacked forms are several Tables on one sheet:
    one plan must cover them all (a second plan would replace the first's mark sheet), so
    their union is used — the area from above the first form's first row, every column.
    A single form (or self-evaluation) gets the same treatment: its label–value rows (项目名称,
    资金, 年度目标) lie above the indicator header, and their findings must be marked too."""
    on = [t for t in tables if t.sheet == sheet]
    if not on or (len(on) == 1 and on[0].layout == "list"):
        return on[0] if on else None
    first = min(min((p.row_first for p in t.projects), default=t.header_row or 1) for t in on)
    columns: dict[str, int] = {}
    for t in on:
        for f, c in t.columns.items():
            columns[f] = max(columns.get(f, 0), c)
    rows = [t.data_rows[1] for t in on if t.data_rows[1]]
    return on[0].model_copy(update={"header_row": max(first - 1, 1), "columns": columns,
                                    "data_rows": (first, max(rows, default=first))})


def results_layout(rows: list[list[Any]]):
    """校验结果: rows coloured by 级别, the header frozen and filtered, long text wrapped in rows
    tall enough, one page wide (A4 landscape), the header repeated on every page."""
    from ..writers.sheet_layout import PrintSetup, SheetLayout, fitted_heights

    n = len(rows)
    wrap = {4, 5}  # 项目, 说明
    return SheetLayout(widths=dict(RESULT_WIDTHS), wrap_cols=wrap, heights=fitted_heights(rows, RESULT_WIDTHS, wrap),
                       freeze_rows=1, auto_filter=f"A1:F{max(n, 1)}", header_row=1, severity_col="A",
                       severity_rows=(2, max(n, 2)), last_col=6,
                       print=PrintSetup(landscape=True, fit_width=1, fit_height=0, title_rows=(1, 1)))


def merged_plans(plans: list[MarkPlan]) -> list[MarkPlan]:
    """One plan per sheet: several tables on a sheet (stacked forms, self-evaluations) share its
    mark sheet, which each plan would otherwise replace. Their marks are laid over each other
    (the worse code wins) and the conditional format covers them all; the 校验说明 blocks stay
    each table's own (``notes_blocks``)."""
    by_sheet: dict[str, list[MarkPlan]] = {}
    for p in plans:
        by_sheet.setdefault(p.sheet, []).append(p)
    out: list[MarkPlan] = []
    for sheet, ps in by_sheet.items():
        if len(ps) == 1:
            out.append(ps[0])
            continue
        top = min(p.mark_top for p in ps)
        width = max((len(r) for p in ps for r in p.marks), default=0)
        height = max((p.mark_top + len(p.marks) for p in ps), default=top) - top
        rows: list[list[Any]] = [[None] * width for _ in range(height)]
        for p in ps:
            for i, row in enumerate(p.marks):
                for c, code in enumerate(row):
                    cur = rows[p.mark_top - top + i][c]
                    if code and RANK[code] > RANK[cur]:
                        rows[p.mark_top - top + i][c] = code
        refs = [p.area_ref for p in ps if p.area_ref]
        area_ref = None
        if refs:
            cells = [parse_address(x) for ref in refs for x in ref.split(":")]
            area_ref = f"A{min(r for r, _ in cells)}:{address(max(r for r, _ in cells), max(c for _, c in cells))}"
        first = ps[0]
        merged = MarkPlan(sheet, first.mark_sheet, top, rows, area_ref, first.notes_at, first.notes,
                          title_row=first.title_row)
        merged.more_notes = [(p.notes_at, p.notes) for p in ps[1:]]
        out.append(merged)
    return out


def write_all_marks(port: WorkbookPort, plans: list[MarkPlan]) -> None:
    """Every table's marks, one mark sheet per sheet (``merged_plans``), then the later tables'
    校验说明 blocks of a sheet (each from its own header down, after the first table's), then
    the sheet's look and print set-up (``marked_layout``: one call, after every write to it)."""
    for plan in merged_plans(plans):
        write_marks(port, plan)
        for at, notes in plan.more_notes:
            port.write_block(plan.sheet, at, notes)
        port.lay_out_table(plan.sheet, marked_layout(plan))
