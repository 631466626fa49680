"""``list``: one row per indicator, many projects, project cells merged over their rows (the
Sichuan department list, ``xlperf/data/sample_2023.txt``). The header finder is
``core.headers.find_layout``; the block reader is ``core.blocks.build_table``."""

from __future__ import annotations

from typing import Optional

from ..blocks import build_table
from ..config import Config
from ..engine import read_finding
from ..grid import Grid
from ..headers import Layout, find_layout
from ..model import FIELDS, Table
from . import Fit, register, se_list
from .columns import content_swaps


def _fields(layout: Layout) -> str:
    return "、".join(FIELDS.get(f, f) for f in layout.columns if f in FIELDS)


class ListReader:
    name = "list"
    title = "项目清单（每行一个指标）"

    def fit(self, grid: Grid) -> Fit:
        return self._fit(grid, find_layout(grid))

    def _fit(self, grid: Grid, layout: Layout) -> Fit:
        if layout.header_row is None:
            return Fit(self.name, 0.0, "前30行中未找到清单的表头行")
        row = grid.sheet_row(layout.header_row)
        if not layout.ok:
            missing = "、".join(FIELDS.get(f, f) for f in layout.missing)
            return Fit(self.name, 0.1, f"第{row}行像清单的表头（{_fields(layout)}），但缺少{missing}")
        # 0.6 for a usable header, up to 1.0 with every column of the standard list.
        score = min(1.0, 0.6 + 0.4 * len(layout.columns) / len(FIELDS))
        if se_list.filled_header(grid, layout.header_row) is not None:
            # 实际完成值 / 得分 beside the list's columns: the self-evaluation reader's (its list shape)
            return Fit(self.name, min(score, 0.35), f"第{row}行像清单的表头，但含自评表的列（实际完成值、得分），应为清单式绩效自评表")
        # The columns are named only when some of the standard ones are not there: a full
        # header needs no list (the reason is printed on one line of the report).
        lacking = [FIELDS[f] for f in FIELDS if f not in layout.columns]
        cols = f"{len(layout.columns)}列" + (f"，没有{'、'.join(lacking)}" if lacking else "")
        return Fit(self.name, round(score, 3), f"第{row}行为清单表头（{cols}），每行一个指标")

    def read(self, grid: Grid, config: Config) -> list[Table]:
        return [read_list_table(grid, config)]


def read_list_table(grid: Grid, config: Config, kept: Optional[dict[int, str]] = None) -> Table:
    """The list reader's reading of a grid (also the list-shaped self-evaluation's, ``se_list``,
    which names ``kept``: columns read beside each indicator under the given key)."""
    layout = find_layout(grid, config.headers or None)
    swap = None
    if layout.ok and layout.header_row is not None:
        # columns whose content contradicts their header (指标性质 holding 正向/反向 …)
        swap = content_swaps(grid, layout.columns, range(layout.header_row + 1, grid.height))
        if swap is not None:
            layout.columns = swap.columns
    table = build_table(grid, layout, kept=kept)
    if swap is not None:
        table.findings.insert(0, read_finding(
            "ST014", sheet=grid.sheet, cell=grid.addr(layout.header_row, swap.col),  # type: ignore[arg-type]
            row=grid.sheet_row(layout.header_row), header=swap.header, content=swap.content,  # type: ignore[arg-type]
            other=swap.other, other_content=swap.other_content))
    table.layout_reason = READER._fit(grid, layout).reason
    return table


READER = register(ListReader())
