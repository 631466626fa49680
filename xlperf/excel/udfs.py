"""Worksheet functions (xlwings UDFs) over the same engine as the ribbon buttons.

    =PERF_WEIGHT_TOTAL(A3:L200, "项目名称")   a project's weight total
    =PERF_WEIGHTS(A3:L200)                    spills: 项目 | 权重合计 | 期望 | 状态
    =PERF_CHECK(A12:L12)                      the findings of one indicator row, "" when clean
    =PERF_DIRECTION(H12)                      正向指标 / 反向指标 from the 指标性质

``table`` is the table area including its header row (title rows above may be included).
Each range arrives in one call as a 2-D list (``ndim=2``); the pure helpers below do the
work and are tested directly. Names are VBA-safe (the wrappers in ``vba/xlwings_udfs.bas``
are generated from this module; a test checks names and arguments against VBA's reserved
words).
"""

from __future__ import annotations

import re
from typing import Any, Optional

import xlwings as xw

from ..core.config import Config
from ..core.grid import Grid
from ..core.headers import find_layout
from ..core.model import FIELDS, SEVERITY_ZH
from ..core.normalise import clean_text, direction_for, normalise_comparator
from ..core.weights_fast import ProjectWeight, project_weights

UDF_SHEET = "UDF"
WEIGHTS_HEADER = ["项目", "权重合计", "期望", "状态"]
STATUS_OK, STATUS_OFF = "通过", "权重合计不符"
_LEADING_CELL = re.compile(r"^\$?[A-Z]{1,3}\$?\d+(:\$?[A-Z]{1,3}\$?\d+)?\s*")


def _rows(values: Any) -> list[list[Any]]:
    """Whatever Excel passed (scalar, 1-D or 2-D) as a list of rows; "" read as blank."""
    if values is None:
        return []
    if not isinstance(values, (list, tuple)):
        values = [[values]]
    elif values and not isinstance(values[0], (list, tuple)):
        values = [values]
    return [[None if (isinstance(v, str) and not v.strip()) else v for v in row] for row in values]


def _shaped(values: Any) -> list[Any]:
    """Like :func:`_rows` but without touching each cell: the weight path reads whitespace
    as blank itself, and a per-cell copy of a 100k-row range would cost more than the sums."""
    if values is None:
        return []
    if not isinstance(values, (list, tuple)):
        return [[values]]
    if values and not isinstance(values[0], (list, tuple)):
        return [values]
    return values  # type: ignore[return-value]


def _weights_of(values: Any) -> Optional[list[ProjectWeight]]:
    """Each project's weight total, equal to the engine's (build_table + weight_breakdown)
    without building the table: a UDF recalculates on every edit of its range."""
    return project_weights(_shaped(values))


def _same_name(a: Any, b: Any) -> bool:
    return (clean_text(a) or "") == (clean_text(b) or "")


def weight_total(table: Any, project: Any, config: Optional[Config] = None) -> Any:
    projects = _weights_of(table)
    if projects is None:
        return "未找到表头（区域应包含表头行）"
    for p in projects:
        if _same_name(p.name, project):
            return p.total
    return f"未找到项目：{clean_text(project) or '（空）'}"


def weights(table: Any, expected: Optional[float] = None, config: Optional[Config] = None) -> list[list[Any]]:
    projects = _weights_of(table)
    if projects is None:
        return [["未找到表头（区域应包含表头行）", None, None, None]]
    config = config or Config()
    exp = float(expected) if expected not in (None, "") else config.expected_total
    out: list[list[Any]] = [list(WEIGHTS_HEADER)]
    for p in projects:
        ok = abs(p.total - exp) <= config.tolerance
        out.append([p.label, p.total, exp, STATUS_OK if ok else STATUS_OFF])
    return out


def check_row(row: Any, config: Optional[Config] = None) -> str:
    """The findings of one indicator row (12 columns in table order, or header row + row)."""
    from ..api import check_grids
    from ..core.rules import REGISTRY

    rows = _rows(row)
    if not rows:
        return ""
    header = list(FIELDS.values())
    if len(rows) >= 2 and find_layout(Grid(UDF_SHEET, rows[:1])).header_row is not None:
        header, data = list(rows[0]), list(rows[1])
    else:
        data = list(rows[0])
    data = (data + [None] * len(header))[: max(len(header), len(data))]
    grid = Grid(UDF_SHEET, [header, data])
    layout = find_layout(grid)
    if not layout.ok:
        return "无法识别的行（应为表中一行的12列，或表头行加这一行）"
    c_proj = layout.columns["project"]
    if data[c_proj] is None:
        data[c_proj] = "（本行）"  # a row inside a project block: check it as its own project
    result = check_grids([grid], config or Config(), only_sheet=UDF_SHEET)
    lines = []
    for f in result.findings:
        rule = REGISTRY.get(f.code)
        if f.row != 2 or (rule is not None and rule.scope not in ("indicator", "read")):
            continue  # project and table rules need the whole project, not one row
        lines.append(f"{SEVERITY_ZH[f.severity]} {f.code}：{_LEADING_CELL.sub('', f.message)}")
    return "；".join(lines)


def direction(comparator: Any) -> str:
    """≥ > → 正向指标, ≤ < → 反向指标; = and 定性 read as 正向 ("higher grade is better");
    anything else → ""."""
    canon, _ = normalise_comparator(comparator)
    if canon is None:
        return ""
    return direction_for(canon) or ("正向指标" if canon in ("=", "定性") else "")


# --- the worksheet functions -------------------------------------------------------------


@xw.func
@xw.arg("table", ndim=2)
def PERF_WEIGHT_TOTAL(table, project):
    """一个项目的权重合计（table：含表头行的表格区域；project：项目名称）。"""
    return weight_total(table, project)


@xw.func
@xw.arg("table", ndim=2)
@xw.ret(ndim=2)
def PERF_WEIGHTS(table, expected=None):
    """各项目的权重合计（溢出为 项目 | 权重合计 | 期望 | 状态）。"""
    return weights(table, expected)


@xw.func
@xw.arg("indicator_row", ndim=2)
def PERF_CHECK(indicator_row):
    """一行指标的校验问题（无问题时为空）。"""
    return check_row(indicator_row)


@xw.func
def PERF_DIRECTION(comparator):
    """由指标性质得出方向：≥、> 为正向指标，≤、< 为反向指标。"""
    return direction(comparator)
