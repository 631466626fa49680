"""``self_evaluation``: the 项目支出绩效自评表 a unit fills in a year after its target table.

Two templates are common, and a third kind without points:

* the Ministry of Finance form (附件1): 项目名称 / 主管部门 / 实施单位, a money block
  ``项目资金(万元) | | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分`` with the lines
  年度资金总额, 其中：当年财政拨款, 上年结转资金, 其他资金; 年度总体目标 预期目标 / 实际完成情况;
  the indicators ``一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
  偏差原因分析及改进措施``; a 总分 row;
* Sichuan's 510000_0013zp: ``预算执行情况(10分) | 年度预算数(万元) | 年初预算 | 调整后预算数 |
  预算执行数 | 预算执行率 | 权重 | 得分 | 原因`` (lines 总额, 其中：财政资金, 财政专户管理资金, 单位资金,
  其他资金), ``绩效指标(90分) | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 |
  完成值 | 权重 | 得分 | 未完成原因分析``, 合计, then 评价结论 / 存在问题 / 改进措施;
* tables with target and actual only (衡山's 县级专项资金绩效目标自评表: 全年预算数(A) / 全年执行数(B) /
  执行率(B/A); 年度指标值 / 全年完成值 / 未完成原因和改进措施; no 分值/得分).

Several self-evaluations may be stacked on one sheet (each becomes its own Table), or one per
sheet. 执行率 cells are read as percentages however Excel holds them: 0.862 (a % number
format; calamine gives the value without its format, so a number up to 1.5 is a fraction), a
formula's cached value, or the text ``86%``; ``/`` means "not applicable" and reads as empty
(the cell is kept in ``raw``).

Nothing is dropped silently: the title may go on in a second row (``(2023年度)`` -> details 标题),
a numbered section keeps its text (``2.项目实施内容及过程概述 | …``), the rows after the indicators
keep every label–value pair (``项目负责人:张三 | 财务负责人:李四``), and any other non-empty cell of
the form is an ST010 naming it (``_unread``), as in the form reader.

The reader recognises a self-evaluation by its indicator header with a 完成值 column (实际完成值 /
完成值 / 全年完成值) and its money block with an 执行数 column; a target table has neither, so it
is never claimed (fit 0).
"""

from __future__ import annotations

import re
from typing import Any, Optional

from ..config import Config
from ..grid import Grid, is_blank
from ..model import Evaluation, FundLine, Funds, Indicator, Project, Table, construct_all
from ..normalise import _memo, clean_text, compact, nfkc, parse_number, parse_stated_points, split_value
from . import Fit, register
from . import se_list, se_summary
from .form import _short, title_like
from .labels import Covered, covered_cells, label_text
from ..headers import FUND_ROLES, HEADER_SCAN_ROWS, LABEL_LOOKUP

SCAN_ROWS = 200  # a sheet of stacked self-evaluations is read whole up to here for fit()

# --- label keys (TODO(lead): share with labels.py once h/forms is merged) --------------------

_BRACKET_RE = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_SUB_RE = re.compile(r"^其中\s*[:：]?\s*")


@_memo
def key(v: Any) -> Optional[str]:
    """A cell as a label key: no spaces, no bracketed notes, no colons or markers; None for a
    number, a blank or prose (more than 24 characters)."""
    if not isinstance(v, str):
        return None
    s = compact(nfkc(v))
    s = _BRACKET_RE.sub("", s).strip("*＊★:：")
    if not s or len(s) > 24:
        return None
    return s


def stated_points(v: Any) -> Optional[float]:
    """``绩效指标(90分)`` -> 90; ``预算执行情况（10分）`` -> 10 (the top of a range); None when the
    label states none (``normalise.parse_stated_points``)."""
    sp = parse_stated_points(v)
    return sp.high if sp is not None and sp.stated else None


MONEY_HEADERS = {
    "initial": ("年初预算数", "年初预算", "年初预算金额"),
    "budget": ("全年预算数", "调整后预算数", "调整后预算", "全年预算", "预算数"),
    "spent": ("全年执行数", "预算执行数", "执行数", "实际执行数", "全年实际执行数"),
    "rate": ("执行率", "预算执行率", "资金执行率"),
    "points": ("分值", "权重"),
    "score": ("得分",),
    "reason": ("原因", "偏差原因", "说明", "执行率未达到原因"),
}
INDICATOR_HEADERS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标",),
    "comparator": ("指标性质",),
    "target": ("年度指标值", "指标值", "年度目标值", "目标值", "预期指标值", "年度指标值A"),
    "measure": ("度量单位", "计量单位"),
    "actual": ("实际完成值", "完成值", "全年完成值", "全年实际完成值", "实际值", "实际完成指标值"),
    "weight": ("分值", "权重"),
    "score": ("得分",),
    "reason": ("偏差原因分析及改进措施", "未完成原因分析", "未完成原因和改进措施", "偏差原因", "原因分析",
               "未完成原因", "偏差原因分析", "未完成原因分析及改进措施"),
    "direction": ("指标方向", "指标方向性"),
}
_MONEY_LOOKUP = {h: f for f, hs in MONEY_HEADERS.items() for h in hs}
_IND_LOOKUP = {h: f for f, hs in INDICATOR_HEADERS.items() for h in hs}

LABELS = {
    "项目名称": "name", "专项资金名称": "name", "项目名": "name", "资金名称": "name",
    "主管部门": "department", "县级主管部门": "department", "主管部门及代码": "department",
    "实施单位": "unit", "项目实施单位": "unit",
    "部门名称": "org", "单位名称": "org", "部门单位名称": "org", "预算单位": "org", "预算部门": "org",
    "报表编号": "form_code",
    "负责人及电话": "contact", "项目负责人": "contact",
}
GOAL_HEADERS = {"预期目标": "expected", "年初设定目标": "expected", "项目年度目标": "expected",
                "年度目标": "expected", "实际完成情况": "actual", "全年实际完成情况": "actual",
                "年度目标完成情况": "actual"}
TOTAL_KEYS = ("合计", "总分", "总计", "自评总分", "合计得分")
TRAILING_KEYS = ("评价结论", "存在问题", "改进措施", "说明", "项目负责人", "财务负责人", "填报人",
                 "联系电话", "备注", "自评结论", "主要经验及做法", "存在的问题及原因", "下一步改进措施")
_FUND_LABEL_RE = re.compile(r"资金|总额|拨款|结转|补助|自筹|财政")
_FUND_ROLES = (("total", re.compile(r"总额|资金总额|合计")), ("carried_over", re.compile(r"结转")),
               ("special_account", re.compile(r"专户")), ("unit_funds", re.compile(r"单位资金")),
               ("other", re.compile(r"其他资金|其他")), ("fiscal", re.compile(r"财政|拨款|补助")))
TITLE_RE = re.compile(r"自评")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
# Template rows left as printed (指标1, 指标2, ……) and the 指标1 prefix a clerk typed after.
_PLACEHOLDER_NAME_RE = re.compile(r"^(?:指标\s*\d*|[.…。·]+|\.{2,})$")
_TEMPLATE_PREFIX_RE = re.compile(r"^指标\s*\d+\s*[:：、.．]?\s*(?=\S)")
NOT_APPLICABLE = ("/", "／", "—", "-", "--", "——", "\\")


def _fund_role(label: str) -> Optional[str]:
    for role, rx in _FUND_ROLES:
        if rx.search(label):
            return role
    return None


def _headers(row: list[Any], lookup: dict[str, str]) -> dict[str, int]:
    """field -> 0-based column of the first header cell naming it."""
    out: dict[str, int] = {}
    for c, v in enumerate(row):
        if v.__class__ is not str:
            continue
        k = key(v)
        if k is None:
            continue
        f = lookup.get(k)
        if f is not None and f not in out:
            out[f] = c
    return out


_LIST_COLUMNS = frozenset(("项目名称", "单位名称", "预算数"))


def _indicator_header(row: list[Any]) -> Optional[dict[str, int]]:
    """The indicator header of a self-evaluation form; None for any other row, and for a list's
    header that happens to have a 完成值 column (项目名称 / 单位名称 in the same row: one row per
    indicator of many projects, the list reader's business)."""
    cols = _headers(row, _IND_LOOKUP)
    if "name" in cols and "actual" in cols and ("target" in cols or "level1" in cols):
        if any(key(v) in _LIST_COLUMNS for v in row):
            return None
        return cols
    return None


def _money_header(row: list[Any]) -> Optional[dict[str, int]]:
    cols = _headers(row, _MONEY_LOOKUP)
    if "spent" in cols and ("budget" in cols or "initial" in cols):
        return cols
    return None


def _first_key(row: list[Any]) -> Optional[str]:
    for v in row:
        if not is_blank(v):
            return key(v)
    return None


# --- values ----------------------------------------------------------------------------------


def _na(v: Any) -> bool:
    return isinstance(v, str) and v.strip() in NOT_APPLICABLE


def number(v: Any, *, compared: bool = False) -> Optional[float]:
    """A money/points cell: a number, a number as text, ``43.2万元``; None for blank, ``/``, text.
    ``compared``: also ``≥90%`` (a value with its comparison sign)."""
    if v is None or _na(v):
        return None
    n = parse_number(v)
    if n.value is not None:
        return n.value
    sv = split_value(v) if isinstance(v, str) else None
    if sv is not None and (compared or sv.comparator is None):
        return sv.number
    return None


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def percent(v: Any) -> tuple[Optional[float], Optional[int]]:
    """A 执行率 cell as (percent, decimal places it shows): ``86%`` -> (86, 0); ``100.00%`` ->
    (100, 2); 0.862 (a number with a % format, or a formula's cached value) -> (86.2, 1); a
    number above 1.5 is taken as already in percent (86.2 -> (86.2, 1)). (None, None) when
    blank, ``/`` or not a rate (an uncached formula ``=D7/C7`` is text)."""
    if v is None or _na(v) or isinstance(v, bool):
        return None, None
    if isinstance(v, (int, float)):
        f = float(v)
        if f != f:
            return None, None
        text = repr(f)
        if "e" in text or "E" in text:
            return (f * 100 if abs(f) <= 1.5 else f), 6
        if abs(f) <= 1.5:
            return round(f * 100, 10), max(0, _decimals(text.rstrip("0").rstrip(".")) - 2)
        return f, _decimals(text.rstrip("0").rstrip("."))
    s = nfkc(str(v)).strip().replace(" ", "")
    m = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)%", s)
    if m:
        return float(m.group(1)), _decimals(m.group(1))
    n = parse_number(s)
    if n.value is not None:
        return percent(n.value)
    return None, None


# --- fit -------------------------------------------------------------------------------------


class SelfEvaluationReader:
    name = "self_evaluation"
    title = "绩效自评表"

    def fit(self, grid: Grid) -> Fit:
        listed = se_list.find_list_header(grid, HEADER_SCAN_ROWS)
        if listed is not None:
            return Fit(self.name, 0.9, f"第{grid.sheet_row(listed)}行为清单式自评表表头（项目名称、三级指标与实际完成值或得分）")
        ind_rows, money_rows, title = [], [], None
        for r in range(min(grid.height, SCAN_ROWS)):
            row = grid.rows[r]
            texts = [v for v in row if v.__class__ is str]
            if not texts:
                continue
            joined = "\0".join(texts)  # one substring test in C before any header is parsed
            if ("完成" in joined or "实际值" in joined) and _indicator_header(row) is not None:
                ind_rows.append(r)
            elif "执行" in joined and _money_header(row) is not None:
                money_rows.append(r)
            if title is None and "自评" in joined:
                for v in texts:
                    if TITLE_RE.search(v) and len(v) <= 60:
                        title = (r, v)
                        break
        if not ind_rows and not money_rows:
            summary = se_summary.find_summary_header(grid, SCAN_ROWS)
            if summary is not None:
                return Fit(self.name, 0.9, f"第{grid.sheet_row(summary)}行为自评结果汇总表表头（项目名称、得分或等级、执行数）")
            if title is not None:
                return Fit(self.name, 0.2, f"第{grid.sheet_row(title[0])}行标题含“自评”，但未找到含完成值的指标表头或含执行数的资金表头")
            return Fit(self.name, 0.0, "未找到自评表的指标表头（三级指标、完成值）或资金表头（执行数）")
        parts = []
        score = 0.0
        if ind_rows:
            score += 0.6
            parts.append(f"第{'、'.join(str(grid.sheet_row(r)) for r in ind_rows[:3])}行为自评指标表头（含完成值）")
        if money_rows:
            score += 0.25
            parts.append(f"第{'、'.join(str(grid.sheet_row(r)) for r in money_rows[:3])}行为预算执行表头（含执行数）")
        if title is not None:
            score += 0.13
            parts.append(f"标题“{clean_text(title[1])}”")
        if len(ind_rows) > 1:
            parts.append(f"共{len(ind_rows)}张自评表")
        return Fit(self.name, round(min(score, 0.98), 3), "；".join(parts))

    # --- read --------------------------------------------------------------------------------

    def read(self, grid: Grid, config: Config) -> list[Table]:
        from ..engine import read_finding

        headers = [r for r in range(grid.height) if _indicator_header(grid.rows[r]) is not None]
        listed = se_list.find_list_header(grid, HEADER_SCAN_ROWS)
        if listed is not None and (not headers or listed < headers[0]):
            return [se_list.read_list(grid, listed, self.name, config)]
        if not headers:
            summary = se_summary.find_summary_header(grid, SCAN_ROWS)
            if summary is not None:
                return [se_summary.read_summary(grid, summary, self.name)]
            money = [r for r in range(grid.height) if _money_header(grid.rows[r]) is not None]
            t = Table(sheet=grid.sheet, source=grid.source, layout=self.name)
            cell = grid.addr(money[0], 0) if money else None
            t.findings.append(read_finding("ST001", sheet=grid.sheet, cell=cell,
                                           missing="自评表的指标表头（三级指标、年度指标值、实际完成值）"))
            return [t]
        starts = [self._start(grid, h, headers[i - 1] if i else -1) for i, h in enumerate(headers)]
        tables = []
        for i, h in enumerate(headers):
            end = starts[i + 1] - 1 if i + 1 < len(starts) else grid.height - 1
            tables.append(self._read_form(grid, starts[i], h, end, i, len(headers)))
        return tables

    def _start(self, grid: Grid, header: int, prev_header: int) -> int:
        """The first row of the self-evaluation whose indicator header is ``header``: the topmost
        title / 报表编号 / 项目名称 row above it, after the previous form's last rows."""
        start = header
        for r in range(header - 1, prev_header, -1):
            row = grid.rows[r]
            k = _first_key(row)
            if prev_header >= 0 and k is not None and (k in TOTAL_KEYS or k in TRAILING_KEYS):
                break
            for v in row:
                if isinstance(v, str) and (TITLE_RE.search(v) or key(v) in LABELS or
                                           (key(v) or "").startswith("报表编号") or _money_header(row)):
                    start = r
                    break
        return start

    def _read_form(self, grid: Grid, top: int, header: int, bottom: int, index: int, count: int) -> Table:
        sheet = grid.sheet
        A = grid.addr
        p_cells: dict[str, str] = {}
        p_raw: dict[str, Any] = {}
        details: dict[str, Any] = {}
        ev = Evaluation()
        covered = covered_cells(grid)
        title = title_row = None
        seen_label = False
        name = department = unit = goal = org = None

        # label–value rows, title, year
        money_row = None
        for r in range(top, header):
            row = grid.rows[r]
            if money_row is None and _money_header(row) is not None:
                money_row = r
            for c, v in enumerate(row):
                if not isinstance(v, str):
                    continue
                if title is None and TITLE_RE.search(v) and len(v) <= 60:
                    title, title_row = clean_text(v), r
                    m = _YEAR_RE.search(nfkc(v))
                    if m:
                        ev.year = m.group(1)
                    continue
                if title_row is not None and r == title_row + 1 and not seen_label and _title_line(grid, r, c):
                    # the title written over two rows (部门预算项目支出绩效自评表 / (2023年度))
                    details.setdefault("标题", clean_text(v))
                    p_cells.setdefault("标题", A(r, c))
                    title_row = r
                    m = _YEAR_RE.search(nfkc(v))
                    if m and ev.year is None:
                        ev.year = m.group(1)
                    continue
                s = nfkc(v).strip()
                head, sep, inline = s.partition(":") if ":" in s else s.partition("：")
                k = key(head if sep and inline.strip() else v)
                role = LABELS.get(k or "")
                if role is None and k and k.startswith("报表编号"):
                    role = "form_code"
                if role is None and k and _NUMBERED_HEAD_RE.match(k) and r != money_row:
                    # 2.项目实施内容及过程概述 | 〈what was done〉: a numbered section and its text
                    value, pos = _value_right(grid, r, c)
                    if value is not None and key(value) not in GOAL_HEADERS:
                        label = _NUMBERED_HEAD_RE.match(k).group(1)  # type: ignore[union-attr]
                        details.setdefault(label, clean_text(value))
                        p_cells.setdefault(label, A(*pos))
                    continue
                if role is None:
                    continue
                seen_label = True
                if sep and inline.strip():
                    value, pos = inline.strip(), (r, c)
                else:
                    value, pos = _value_right(grid, r, c)
                if value is None:
                    continue
                text = clean_text(value)
                cell = A(*pos)
                if role == "name" and name is None:
                    name, p_cells["project"], p_raw["project"] = text, cell, value
                elif role == "department" and department is None:
                    department, p_cells["department"] = text, cell
                elif role == "unit" and unit is None:
                    unit, p_cells["unit"] = text, cell
                elif role == "org" and org is None:
                    # 部门（单位）整体支出绩效自评表: the department is the one evaluated
                    org, p_cells["org"] = text, cell
                else:
                    label = clean_text(head if sep and inline.strip() else v) or ""
                    label = label.rstrip(":：")
                    details.setdefault(label, text)
                    p_cells.setdefault(label, cell)

        if org is not None:
            if name is None:
                name, p_cells["project"], p_raw["project"] = org, p_cells["org"], org
            department = department or org
            unit = unit or org
        if ev.year is None:
            for r in range(top, header):
                for v in grid.rows[r]:
                    if isinstance(v, str) and len(v) <= 20 and "年度" in v and _YEAR_RE.search(nfkc(v)):
                        ev.year = _YEAR_RE.search(nfkc(v)).group(1)  # type: ignore[union-attr]
                        break
                if ev.year is not None:
                    break

        # money block
        lines: list[FundLine] = []
        if money_row is not None:
            lines, block_label = self._funds(grid, money_row, header)
            if block_label is not None:
                ev.budget_points_stated = stated_points(block_label[0])
                if ev.budget_points_stated is not None:
                    ev.cells["budget_points_stated"] = A(*block_label[1])
        total = next((ln for ln in lines if ln.role == "total"), lines[0] if lines else None)
        budget = None
        if total is not None:
            budget = total.budget if total.budget is not None else total.initial
            ev.execution_rate, ev.budget_points, ev.budget_score = total.rate, total.points, total.score
            # the cells even when blank (a missing 得分 is reported on its cell)
            money_cols = _money_header(grid.rows[money_row]) or {} if money_row is not None else {}
            total_row = int(re.sub(r"\D", "", next(iter(total.cells.values())))) - grid.row0 if total.cells else None
            for k_ev, k_ln in (("execution_rate", "rate"), ("budget_points", "points"), ("budget_score", "score"),
                               ("budget_reason", "reason")):
                if k_ln in total.cells:
                    ev.cells[k_ev] = total.cells[k_ln]
                elif k_ln in money_cols and total_row is not None:
                    ev.cells[k_ev] = A(total_row, money_cols[k_ln])
            if "budget" in total.cells or "initial" in total.cells:
                p_cells["budget"] = total.cells.get("budget") or total.cells["initial"]
                p_raw["budget"] = total.raw.get("budget", total.raw.get("initial"))
        funds = Funds(total=budget, total_cell=p_cells.get("budget"), lines=lines) if lines else None

        # 年度总体目标: 预期目标 / 实际完成情况 (header cells, values below them)
        goal, goal_actual = self._goals(grid, top, header, money_row, lines, p_cells)
        ev.goal_actual = goal_actual

        # indicator grid
        hdr = _indicator_header(grid.rows[header]) or {}
        columns = {f: c + grid.col0 for f, c in hdr.items()}
        ev.has_points, ev.has_scores = "weight" in hdr, "score" in hdr
        first_col = min(hdr.values())
        for c in range(first_col):
            v = grid.get(header, c)
            if isinstance(v, str) and stated_points(v) is not None:
                ev.indicator_points_stated = stated_points(v)
                ev.cells["indicator_points_stated"] = A(header, c)
        indicators: list[Indicator] = []
        last = header
        l1 = l2 = None
        trailing = False
        for r in range(header + 1, bottom + 1):
            row = grid.rows[r]
            if all(is_blank(v) for v in row):
                continue
            k = _first_key(row)
            first_text = next((clean_text(v) or "" for v in row if not is_blank(v)), "")
            if trailing or (k is not None and k in TRAILING_KEYS) or re.match(r"^注\s*[:：\d]", first_text):
                trailing = True
                _trailing_row(grid, r, details, p_cells, covered)
                last = r
                continue
            if k is not None and k in TOTAL_KEYS:
                for f, target in (("score", "total_score"), ("weight", "total_points")):
                    if f in hdr and not is_blank(grid.get(r, hdr[f])):
                        setattr(ev, target, number(grid.get(r, hdr[f])))
                        ev.cells[target] = A(r, hdr[f])
                        ev.raw[target] = grid.get(r, hdr[f])
                if ev.total_points is None and ev.total_score is None:
                    # the 合计 value written left of the points column (a merged label row)
                    nums = [(c, v) for c, v in enumerate(row) if number(v) is not None]
                    if nums:
                        c, v = nums[0]
                        ev.total_points, ev.cells["total_points"], ev.raw["total_points"] = number(v), A(r, c), v
                    if len(nums) == 2:  # 总分 | 100 | 97.5: the points, then the score
                        c, v = nums[1]
                        ev.total_score, ev.cells["total_score"], ev.raw["total_score"] = number(v), A(r, c), v
                last = r
                continue
            if _indicator_header(row) is not None:
                continue  # the header again after a page break
            vals = {f: (None if is_blank(grid.get(r, c)) else grid.get(r, c)) for f, c in hdr.items()}
            if vals.get("level1") is not None:
                l1, l2 = vals["level1"], None
            if vals.get("level2") is not None:
                l2 = vals["level2"]
            indicators.append(self._indicator(grid, r, vals, l1, l2, hdr, len(indicators)))
            last = r

        project = construct_all(Project, {
            "index": 0, "sheet": sheet, "row_first": grid.sheet_row(top), "row_last": grid.sheet_row(max(last, header)),
            "name": name, "budget": budget, "goal": goal, "unit_code": None, "unit_name": unit,
            "department_code": None, "indicators": indicators, "raw": p_raw, "seen": {}, "cells": p_cells,
            "waivers": frozenset(), "department": department, "funds": funds, "goal_long": None,
            "details": details, "evaluation": ev,
        }, _PROJECT_FIELDS)
        findings = _unread(grid, covered, top, max(last, header), header, money_row, hdr, lines, project, ev)
        rows = [i.row for i in indicators]
        where = f"第{index + 1}/{count}张，" if count > 1 else ""
        reason = (f"{where}第{grid.sheet_row(header)}行为自评指标表头（"
                  f"{'、'.join(_HEADER_ZH[f] for f in hdr if f in _HEADER_ZH)}）"
                  + (f"，第{grid.sheet_row(money_row)}行为预算执行情况" if money_row is not None else ""))
        return Table(sheet=sheet, source=grid.source, title=title, header_row=grid.sheet_row(header), columns=columns,
                     projects=[project], data_rows=(min(rows), max(rows)) if rows else (0, 0),
                     layout=self.name, layout_reason=reason, findings=findings)

    def _indicator(self, grid: Grid, r: int, vals: dict[str, Any], l1: Any, l2: Any, hdr: dict[str, int], n: int) -> Indicator:
        from ..blocks import _indicator

        srow = grid.sheet_row(r)
        notes: set[str] = set()
        raw_name = vals.get("name")
        name_v: Any = raw_name
        if isinstance(raw_name, str):
            s = raw_name.strip()
            if _PLACEHOLDER_NAME_RE.match(compact(s)):
                name_v = None
                notes.add("template:name")
            else:
                stripped = _TEMPLATE_PREFIX_RE.sub("", s)
                if stripped != s:
                    name_v = stripped
                    notes.add("template:prefix")
        actual_raw, score_raw, reason_raw = vals.pop("actual", None), vals.pop("score", None), vals.pop("reason", None)
        ind_vals = {f: vals.get(f) for f in ("comparator", "target", "measure", "weight", "direction")}
        ind_vals["name"] = name_v
        if _na(ind_vals["weight"]):
            ind_vals["weight"] = None
        target_col = hdr.get("target")
        ind = _indicator(grid.sheet, srow, ind_vals, l1, l2, notes,
                         lambda: grid.addr(r, target_col) if target_col is not None else "",
                         0, frozenset(), {})
        if raw_name is not None and name_v != raw_name:
            ind.raw["name_as_written"] = raw_name
        ind.raw["actual"], ind.raw["score"], ind.raw["reason"] = actual_raw, score_raw, reason_raw
        ind.actual = _actual(actual_raw)
        ind.score = number(score_raw)
        ind.reason = clean_text(reason_raw) if reason_raw is not None else None
        return ind

    def _funds(self, grid: Grid, money_row: int, stop: int) -> tuple[list[FundLine], Optional[tuple[str, tuple[int, int]]]]:
        cols = _money_header(grid.rows[money_row]) or {}
        first = min(cols.values())
        block_label = None
        for c in range(first):
            v = grid.get(money_row, c)
            if isinstance(v, str) and not is_blank(v):
                block_label = (v, (money_row, c))
                break
        lines: list[FundLine] = []
        group: Optional[str] = None
        for r in range(money_row + 1, stop):
            row = grid.rows[r]
            label_pos = None
            for c in range(first - 1, -1, -1):
                v = grid.get(r, c)
                if isinstance(v, str) and not is_blank(v):
                    label_pos = c
                    break
            label = clean_text(grid.get(r, label_pos)) if label_pos is not None else None
            has_values = any(not is_blank(grid.get(r, c)) for c in cols.values())
            if label is None and not has_values:
                break
            lt = label_text(label) if label is not None else None
            known = LABEL_LOOKUP.get(lt.key) if lt is not None else None
            if label is not None and not (_FUND_LABEL_RE.search(label) or known in FUND_ROLES or known == "funds_group"):
                break
            if label is None:
                label = ""
            sub = bool(_SUB_RE.match(nfkc(label)))
            bare = _SUB_RE.sub("", nfkc(label)) if sub else label
            role = FUND_ROLES[known] if known in FUND_ROLES and known != "total" else _fund_role(compact(bare))
            if not lines and role is None:
                role = "total"
            if lines and role == "total" and sub:
                role = None
            if known == "funds_group" and lines:
                # 部门整体: 按收入性质分 / 按支出性质分 each break the total down again; the heading's
                # own amounts (when written) are the total of its lines
                group, role, sub = compact(label), "total", False
            values: dict[str, Any] = {}
            cells: dict[str, str] = {}
            raw: dict[str, Any] = {}
            for f, c in cols.items():
                v = grid.get(r, c)
                if is_blank(v):
                    continue
                raw[f], cells[f] = v, grid.addr(r, c)
                if f == "rate":
                    values["rate"], places = percent(v)
                    if places is not None:
                        raw["rate_places"] = places
                elif f == "reason":
                    values["reason"] = clean_text(v)
                else:
                    values[f] = number(v)
            lines.append(FundLine(
                label=label, role=role, amount=values.get("budget"), cell=cells.get("budget"),
                label_cell=grid.addr(r, label_pos) if label_pos is not None else None,
                text=None, initial=values.get("initial"), budget=values.get("budget"), spent=values.get("spent"),
                rate=values.get("rate"), points=values.get("points"), score=values.get("score"), sub=sub or (bool(lines) and role != "total"),
                cells=cells, raw=raw, group=group))
        return lines, block_label

    def _goals(self, grid: Grid, top: int, header: int, money_row: Optional[int], lines: list[FundLine],
               p_cells: dict[str, str]) -> tuple[Optional[str], Optional[str]]:
        line_rows = {int(re.sub(r"\D", "", c)) for ln in lines for c in ln.cells.values()}
        out: dict[str, Optional[str]] = {"expected": None, "actual": None}
        for r in range(top, header):
            if grid.sheet_row(r) in line_rows or r == money_row:
                continue
            for c, v in enumerate(grid.rows[r]):
                role = GOAL_HEADERS.get(key(v) or "")
                if role is None or out[role] is not None:
                    continue
                for rr in range(r + 1, min(header, r + 4)):
                    if rr == money_row:
                        break
                    below = grid.get(rr, c)
                    if not is_blank(below):
                        if key(below) in GOAL_HEADERS:
                            break
                        out[role] = clean_text(below)
                        p_cells["goal" if role == "expected" else "goal_actual"] = grid.addr(rr, c)
                        break
        return out["expected"], out["actual"]


def _title_line(grid: Grid, r: int, c: int) -> bool:
    """Row ``r`` holds only a second title line at column ``c`` (``(2023年度)``, ``（项目支出）``)."""
    own = [cc for cc, v in enumerate(grid.rows[r]) if not is_blank(v)]
    v = grid.get(r, c)
    return own == [c] and title_like(v) and key(v) not in LABELS


def _trailing_row(grid: Grid, r: int, details: dict[str, Any], p_cells: dict[str, str], covered: Covered) -> None:
    """A row after the indicators (评价结论 / 存在问题 / 项目负责人：张三 | 财务负责人：李四 / 注：…):
    every label with its value, written inline after a colon or in the next cell; a text
    that is no label is a note (注, 注2 …)."""
    cells = [(c, v) for c, v in enumerate(grid.rows[r]) if not is_blank(v) and (r, c) not in covered]
    i = 0
    while i < len(cells):
        c, v = cells[i]
        text = clean_text(v) or ""
        head, sep, inline = nfkc(text).partition(":") if ":" in nfkc(text) else nfkc(text).partition("：")
        k = key(head) if sep else key(v)
        is_label = k is not None and (k in TRAILING_KEYS or k in LABELS or (sep and len(k) <= 8 and not k[0].isdigit()))
        if is_label and sep and inline.strip():
            _put(details, p_cells, head.strip(), inline.strip(), grid.addr(r, c))
        elif is_label and not re.match(r"^注", k or "") and i + 1 < len(cells) and key(cells[i + 1][1]) not in TRAILING_KEYS:
            c2, v2 = cells[i + 1]
            _put(details, p_cells, text.rstrip(":："), clean_text(v2), grid.addr(r, c2))
            i += 1
        elif is_label and not re.match(r"^注", k or ""):
            _put(details, p_cells, text.rstrip(":："), None, grid.addr(r, c))
        else:
            _put(details, p_cells, "注", text, grid.addr(r, c))
        i += 1


def _put(details: dict[str, Any], p_cells: dict[str, str], label: str, value: Any, cell: str) -> None:
    k, n = label, 2
    while k in details:
        k, n = f"{label}{n}", n + 1
    details[k], p_cells[k] = value, cell


# Block labels in a self-evaluation's left column: read as structure, not as content.
_NUMBERED_HEAD_RE = re.compile(r"^\d{1,2}[.、．](\D{2,20})$")
_BLOCK_LABEL_RE = re.compile(r"基本情况|完成情况|执行情况|绩效指标|总体目标|年度目标|项目资金|资金情况|预算执行|自评|指标$")


def is_structure(v: Any) -> bool:
    """A self-evaluation's label, goal or total heading, or block label (项目基本情况,
    预算执行情况(10分), 2.项目实施内容及过程概述): structure, read as no value."""
    k = key(v)
    return k is not None and (k in LABELS or k in GOAL_HEADERS or k in TOTAL_KEYS or k in TRAILING_KEYS
                              or k in _MONEY_LOOKUP or k in _IND_LOOKUP
                              or bool(_BLOCK_LABEL_RE.search(k)) or bool(_NUMBERED_HEAD_RE.match(k)))


def _unread(grid: Grid, covered: Covered, top: int, bottom: int, header: int, money_row: Optional[int],
            hdr: dict[str, int], lines: list[FundLine], project: Project, ev: Evaluation) -> list:
    """ST010 for every non-empty cell of the form (rows ``top``..``bottom``) that is neither read
    into the project, its funds, goals, indicators or evaluation, nor a header or block label,
    so a self-evaluation never drops a cell silently (the form reader's ``unclaimed``)."""
    from ..engine import read_finding

    refs = set(project.cells.values()) | set(ev.cells.values())
    for ln in lines:
        refs.update(ln.cells.values())
        if ln.label_cell:
            refs.add(ln.label_cell)
    ind_rows = set()
    for ind in project.indicators:
        ind_rows.add(ind.row - grid.row0)
        refs.update(ind.origin.values())
    hdr_cols = set(hdr.values())
    out = []
    for r in range(top, bottom + 1):
        whole = r == header or r == money_row
        for c, v in enumerate(grid.rows[r]):
            if is_blank(v) or (r, c) in covered or whole or (r in ind_rows and c in hdr_cols):
                continue
            a = grid.addr(r, c)
            if a in refs:
                continue
            k = key(v)
            if is_structure(v):
                continue
            out.append(read_finding("ST010", sheet=grid.sheet, cell=a, row=grid.sheet_row(r),
                                    value=_short(v), project=project.name))
    return out


_HEADER_ZH = {"level1": "一级指标", "level2": "二级指标", "name": "三级指标", "comparator": "指标性质",
              "target": "年度指标值", "measure": "度量单位", "actual": "完成值", "weight": "分值",
              "score": "得分", "reason": "偏差原因", "direction": "指标方向"}
_PROJECT_FIELDS = set(Project.model_fields)


def _value_right(grid: Grid, r: int, c: int) -> tuple[Any, Optional[tuple[int, int]]]:
    row = grid.rows[r]
    end = c
    for m in grid.merges:
        if m.r1 <= r <= m.r2 and m.c1 == c:
            end = max(end, m.c2)
    for cc in range(end + 1, len(row)):
        v = row[cc]
        if is_blank(v):
            continue
        if key(v) in LABELS or key(v) in TRAILING_KEYS:
            return None, None
        return v, (r, cc)
    return None, None


def _actual(v: Any) -> Any:
    """实际完成值: a number (also ``100%`` -> 100, ``0起`` -> 0, the unit is in ``raw``), else the
    cleaned text (``无``, ``高``); None for blank and ``/``."""
    if v is None or _na(v):
        return None
    n = number(v, compared=True)
    return clean_text(v) if n is None else n


from . import list_layout  # noqa: E402,F401 - registered first, whoever imports this module first

register(SelfEvaluationReader())
