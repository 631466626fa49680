"""The submission workbook: ``xlperf export FILE -o OUT.xlsx``.

Three sheets, values only (no formulas, no macros, no marks):

- 绩效目标表: the familiar layout rebuilt from the clean records (``core.export_plan``),
  project cells merged again, title and 金额单位 rows, print set-up. A source holding the
  table on several sheets gives one such sheet per source sheet, named as in the source (see
  ``layout_sheet_names``);
- 清洗记录: the records, one row per indicator (the same table ``xlperf split`` writes);
- 权重合计: per project, weights by level-1, total, expected and status.

Written by the streaming writer (``xlsx_stream``: 100,000 indicator rows in about two seconds)
with the look the openpyxl writer gave it. Every text cell is a shared string, so a clerk's
``=HYPERLINK(...)`` stays text. The file is written to a temporary name and renamed into place.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from ..core.blocks import records as table_records
from ..core.export_plan import DEFAULT_TITLE, LAYOUT_SHEET, layout_grid
from ..core.report import LEVEL1_COLUMNS, Report, is_self_evaluation, shown_status, text_budgets
from .atomic import OutputError, atomic_path
from .styled_table import layout_sheet
from .records import records_sheet, table_sheet
from .xlsx_stream import Sheet, Style, XlsxBook

if TYPE_CHECKING:  # pragma: no cover
    from ..api import CheckResult

WEIGHTS_SHEET = "权重合计"
SCORES_SHEET = "得分汇总"  # the 权重合计 sheet of self-evaluations


def summary_sheet_name(report: Report) -> str:
    """权重合计, or 得分汇总 when every project of the report is a self-evaluation."""
    return SCORES_SHEET if is_self_evaluation(report) else WEIGHTS_SHEET
OTHER_LEVEL = "其他"


def check_export_path(out: Path) -> None:
    """The submission workbook is always .xlsx: refuse .xlsm (macros) and anything else."""
    suffix = Path(out).suffix.lower()
    if suffix == ".xlsm":
        raise OutputError(
            f"报送工作簿不能保存为 .xlsm（启用宏的工作簿）：{out}。导出只含数值、不含宏，请改用 .xlsx 扩展名。"
            "（the submission workbook never carries macros: use .xlsx）"
        )
    if suffix != ".xlsx":
        shown = Path(out).suffix or "（无扩展名）"
        raise OutputError(f"不支持的导出格式“{shown}”，报送工作簿只能保存为 .xlsx：{out}（export writes .xlsx only）")


FORCED_NOTE_COL = 3  # 年度目标, the widest column


def forced_note(result: "CheckResult") -> Optional[str]:
    """The line an export with errors (``--force``) carries under its title and in its
    document properties; None when the table has no errors."""
    n = result.report.summary.errors
    if not n:
        return None
    return f"注意：本表仍有 {n} 个错误，是强制导出的（--force），报送前请修正（exported with {n} errors）"


def _title(result: "CheckResult") -> str:
    for t in result.tables:
        if t.title:
            return t.title
    return DEFAULT_TITLE


_BAD_SHEET_CHARS = frozenset("[]:*?/\\")


def layout_sheet_names(sheets: list[str]) -> list[str]:
    """The layout sheets' names for source tables on ``sheets``: 绩效目标表 for one table; for
    several, each source sheet's own name (the clerk's 208 / 甲单位 sheets stay apart), or
    绩效目标表N where a name cannot be used (empty, too long, a character Excel refuses, a
    name the reader skips or the export itself uses, or one already taken)."""
    if len(sheets) <= 1:
        return [LAYOUT_SHEET] * len(sheets)
    from ..core.own_sheets import OWN_SHEETS

    taken: set[str] = set()
    names: list[str] = []
    for i, name in enumerate(sheets, 1):
        ok = (name.strip() and len(name) <= 31 and not _BAD_SHEET_CHARS & set(name)
              and not name.startswith(("_", "'")) and not name.endswith("'") and name not in OWN_SHEETS
              and name.casefold() not in taken)
        if not ok:
            name = f"{LAYOUT_SHEET}{i}"
            while name.casefold() in taken:
                name += "_"
        taken.add(name.casefold())
        names.append(name)
    return names


def write_export(result: "CheckResult", out: Path) -> None:
    out = Path(out)
    check_export_path(out)
    title = _title(result)
    tables = result.tables
    if len(tables) > 1:
        # One layout sheet per source table: written into one sheet, a sheet without a
        # unit or department of its own would fall under the previous sheet's last unit
        # and department when read back (nothing in the layout says "no unit").
        per_table = [table_records(t) for t in tables]
        records = [r for recs in per_table for r in recs]
        grids = [layout_grid(recs, title=t.title or title, money_unit="万元", tables=[t], sheet=name)
                 for recs, t, name in zip(per_table, tables, layout_sheet_names([t.sheet for t in tables]))]
    else:
        records = result.records()
        grids = [layout_grid(records, title=title, money_unit="万元", tables=tables)]
    note = forced_note(result)
    if note:
        for grid in grids:  # under the title, beside 金额单位 (read back, it is no field)
            if len(grid.rows) > 1 and len(grid.rows[1]) > FORCED_NOTE_COL and grid.rows[1][FORCED_NOTE_COL] is None:
                grid.rows[1][FORCED_NOTE_COL] = note
    with atomic_path(out) as tmp:
        with XlsxBook(tmp, title=title, creator="xlperf", description=note,
                      status="仍有错误（强制导出）" if note else None) as book:
            for grid in grids:
                book.add(layout_sheet(book, grid))
            book.add(records_sheet(book, records))
            book.add(weights_sheet(book, result.report))


# --- 权重合计 --------------------------------------------------------------------


def weights_table(report: Report) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the 权重合计 sheet (numbers as numbers, a 合计 row at the end); a
    预算数 that is not a number as the clerk wrote it (the 合计 adds the numbers only and says how
    many it left out). Self-evaluations get the 得分汇总 columns instead (``scores_table``)."""
    if is_self_evaluation(report):
        return scores_table(report)
    levels = list(LEVEL1_COLUMNS)
    if any(OTHER_LEVEL in p.weights for p in report.projects):
        levels.append(OTHER_LEVEL)
    header = ["单位", "项目", "预算数(万元)", "指标数"] + levels + ["合计", "期望", "状态"]
    word = report.summary.weight_word  # 分值 when the tables say 分值
    rows: list[list[Any]] = []
    for p in report.projects:
        rows.append(
            [p.unit, p.name, p.budget if p.budget is not None else p.budget_text, p.indicator_count]
            + [p.weights.get(lv) for lv in levels]
            + [p.weight_total, p.expected, shown_status(p.status, word)]
        )
    if report.projects:
        budget_total = round(sum(p.budget or 0.0 for p in report.projects), 6)
        ok = sum(1 for p in report.projects if p.weight_ok)
        texts = text_budgets(report.projects)
        counted = f"{len(report.projects)}个项目" + (f"（{texts}个预算数不是数字，未计入预算合计）" if texts else "")
        rows.append(
            ["合计", counted, budget_total, sum(p.indicator_count for p in report.projects)]
            + [None] * len(levels)
            + [None, None, f"{ok}个项目{word}合计符合期望"]
        )
    return header, rows


SCORE_HEADER = ["实施单位", "项目", "预算数(万元)", "执行数(万元)", "执行率(%)", "预算执行分值", "预算执行得分",
                "指标数", "指标分值", "期望", "指标得分", "总分值", "总得分", "状态"]


def scores_table(report: Report) -> tuple[list[str], list[list[Any]]]:
    """The 得分汇总 sheet of self-evaluations: the year's budget and spending, 执行率, the budget
    line's points and score, the indicators' points (and the template's expected split) and
    scores, the totals as the 总分 row counts them; empty where the form has no 得分 or was not
    filled in; a 合计 row."""
    rows: list[list[Any]] = []
    for p in report.projects:
        line = next((ln for ln in p.funds.lines if ln.role == "total"), None) if p.funds and p.funds.lines else None
        spent = line.spent if line is not None else None
        ind_score = None
        if p.score_total is not None:
            ind_score = round(p.score_total - (p.budget_score or 0.0), 6)
        rows.append([p.unit, p.name, p.budget if p.budget is not None else p.budget_text, spent, p.execution_rate,
                     p.budget_points, p.budget_score, p.indicator_count,
                     p.weight_total if p.points_total is not None else None,
                     p.expected if p.points_total is not None else None, ind_score, p.points_total, p.score_total,
                     p.status])
    if report.projects:
        budget_total = round(sum(p.budget or 0.0 for p in report.projects), 6)
        spent_total = round(sum(r[3] or 0.0 for r in rows), 6)
        ok = sum(1 for p in report.projects if p.weight_ok)
        rows.append(["合计", f"{len(report.projects)}个项目", budget_total, spent_total, None, None, None,
                     sum(p.indicator_count for p in report.projects), None, None, None, None, None,
                     f"{ok}个项目分值合计符合"])
    return list(SCORE_HEADER), rows


WEIGHT_WIDTHS = {"单位": 30, "实施单位": 30, "项目": 36, "状态": 14}
BAD_FILL = "FFC7CE"


def weights_sheet(book: XlsxBook, report: Report) -> Sheet:
    """The 权重合计 sheet: header, one row per project (合计 and 状态 red where the weights do
    not add up), a bold 合计 row; frozen at C2, filtered, printed landscape one page wide."""
    header, rows = weights_table(report)
    projects, totals = rows[: len(report.projects)], [list(map(_clean_num, row)) for row in rows[len(report.projects):]]
    columns = [list(col) for col in zip(*projects)] if projects else [[] for _ in header]
    columns = [list(map(_clean_num, col)) if float in set(map(type, col)) else col for col in columns]
    bad, bold = book.style(Style(fill=BAD_FILL)), book.style(Style(bold=True))
    styles: list[Any] = [0] * len(header)
    off = [0 if p.weight_ok else bad for p in report.projects]
    styles[header.index("指标分值" if "指标分值" in header else "合计")] = styles[-1] = off  # the points, 状态
    tail = [book.row(len(projects) + 2 + i, [(c, v, bold) for c, v in enumerate(row, 1)]) for i, row in enumerate(totals)]
    return table_sheet(book, summary_sheet_name(report), header, columns, styles=styles, tail=tail,
                       widths=[WEIGHT_WIDTHS.get(h, 11) for h in header], freeze="C2",
                       print_titles="1:1", fit_width=True)


def _clean_num(v: Any) -> Optional[Any]:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v
