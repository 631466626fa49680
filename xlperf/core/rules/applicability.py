"""Which checks a table's columns allow: the one note that says what was *not* checked (ST030).

Rules declare the fields they read (``@rule(..., needs=("weight",))``); the engine asks the
table once which fields it really has (``Table.present_fields``: a column with at least one
filled cell) and does not run a rule whose fields are missing. Instead of a finding on every
row (``WT001 权重为空`` × 100), the reviewer gets one line per table naming the checks that did
not run and why.
"""

from __future__ import annotations

from ..grid import address, col_letter
from ..model import FIELDS
from .registry import Hit, rule

# How a missing field is named to the clerk (a form's 分值 column is read as 权重).
FIELD_LABEL = {"weight": "权重（分值）", "direction": "指标方向性", "comparator": "指标性质",
               "measure": "度量单位", "target": "指标值", "budget": "预算数", "goal": "年度目标"}


def _label(field: str) -> str:
    return FIELD_LABEL.get(field) or FIELDS.get(field, field)


@rule(
    "ST030",
    "checks-not-run",
    "info",
    "table",
    "{cell} 有检查未执行：{detail}",
    message_en="checks skipped: the table lacks the columns they need",
    title="本表缺少某些列，相应的检查未执行",
)
def checks_not_run(table, ctx):
    """
    问题：表中没有某条规则需要的列（如没有“权重”或“分值”列），或该列在所有行都为空，
    相应的检查没有执行。每张表只提示一次，列出未执行的检查。

    原因：财政部的项目支出绩效目标表、许多省份的清单都没有权重列或指标方向性列；按“每行为空”
    逐行报错，会在每条指标上都报同一个问题，掩盖真正的错误。一列全部为空与没有该列相同。
    提示让审核人知道哪些方面没有被检查，必要时人工核对。

    依据：实践：9张表中南岳、岳阳县、青山、宁德没有权重（分值）列，岳阳县、南岳、青山、宁德没有指标性质列；议题16要求说明未执行的检查。未找到正式文件。

    """
    skipped = ctx.cache.get("skipped_rules")
    if not skipped or next(table.indicators(), None) is None:
        return None  # a table without any indicator row (ST013) has no column to judge
    present = ctx.cache.get("present_fields", frozenset())
    by_field: dict[str, list] = {}
    for r in sorted(skipped, key=lambda r: r.code):
        missing = next(f for f in r.needs if f not in present)
        if missing in FIELDS:  # a block (funds, duties) the layout does not have is not news
            by_field.setdefault(missing, []).append(r)
    if not by_field:
        return None
    parts = []
    cell = None
    for f, rules in by_field.items():
        checks = "、".join(f"{r.title}（{r.code}）" for r in rules)
        col = table.columns.get(f)
        if col is not None and table.header_row:
            cell = cell or address(table.header_row, col)
            parts.append(f"本表{_label(f)}列（{col_letter(col)}列）在所有行都为空，按没有该列处理，未检查：{checks}")
        else:
            parts.append(f"本表没有{_label(f)}列，未检查：{checks}")
    if cell is None and table.header_row and table.columns:  # no such column: the header row
        cell = address(table.header_row, min(table.columns.values()))
    return Hit(cell=cell, row=table.header_row if cell else None, params={"detail": "；".join(parts)})
