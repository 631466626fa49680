"""Column helpers every layout reader shares: columns read by their content when it
contradicts their header (ST014), and the likely field of a header nobody recognised (ST015)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

from ..grid import Grid, is_blank
from ..model import FIELDS, Finding
from ..normalise import clean_text, normalise_comparator, normalise_direction

SAMPLE_ROWS = 200  # the content test looks at the first rows only: a swap is a template's


@dataclass(frozen=True)
class Swap:
    columns: dict[str, int]  # field -> column, read by content
    col: int  # the first of the two columns
    header: str
    content: str
    other: str
    other_content: str


def _kinds(grid: Grid, c: int, rows: Iterable[int]) -> tuple[int, int, int]:
    """(comparators, directions, other values) among the first filled cells of column ``c``."""
    cmp = dirs = other = 0
    n = 0
    for r in rows:
        v = grid.get(r, c)
        if is_blank(v):
            continue
        n += 1
        if n > SAMPLE_ROWS:
            break
        if normalise_direction(v)[0] is not None:
            dirs += 1
        elif normalise_comparator(v)[0] is not None:
            cmp += 1
        else:
            other += 1
    return cmp, dirs, other


def content_swaps(grid: Grid, columns: dict[str, int], rows: range) -> Optional[Swap]:
    """指标性质 holding 正向/反向 while 指标方向 holds ``=``/``≥`` (乌海): the two columns swapped,
    read by their content. Only when both columns say so clearly (most filled cells)."""
    cc, dc = columns.get("comparator"), columns.get("direction")
    if cc is None or dc is None:
        return None
    c_cmp, c_dir, c_other = _kinds(grid, cc, rows)
    d_cmp, d_dir, d_other = _kinds(grid, dc, rows)
    if c_dir >= 2 and c_dir > c_cmp + c_other and d_cmp >= 2 and d_cmp > d_dir + d_other:
        swapped = dict(columns)
        swapped["comparator"], swapped["direction"] = dc, cc
        first, second = sorted((cc, dc))
        return Swap(swapped, cc, clean_text(grid.get(_header_row(grid, rows), cc)) or FIELDS["comparator"],
                    "方向（正向/反向）", clean_text(grid.get(_header_row(grid, rows), dc)) or FIELDS["direction"],
                    "比较符号（=、≥、≤）")
    return None


def _header_row(grid: Grid, rows: range) -> int:
    return rows.start - 1


# What an unrecognised header's words suggest, first match wins. Plain substrings, not regexes:
# fourteen patterns of CJK alternatives took 3 ms to compile at import, on every list sheet.
_LIKELY: tuple[tuple[tuple[str, ...], str], ...] = (
    (("资金", "金额", "预算", "经费", "万元"), "budget"),
    (("单位名", "实施单位", "预算单位", "部门"), "unit"),
    (("项目",), "project"),
    (("目标值", "指标值", "标准值", "目标"), "target"),
    (("符号", "性质", "类型"), "comparator"),
    (("计量", "度量", "单位"), "measure"),
    (("权重", "分值", "分数"), "weight"),
    (("方向",), "direction"),
    (("三级", "指标名", "指标内容"), "name"),
    (("一级",), "level1"),
    (("二级",), "level2"),
    (("解释", "说明", "释义"), "explanation"),
    (("标准", "依据"), "standard"),
    (("备注",), "note"),
)


def likely_field(header: Any) -> Optional[str]:
    """What an unrecognised header probably means (``项目资金(万元)`` -> budget), or None."""
    s = clean_text(header) or ""
    for words, f in _LIKELY:
        if any(w in s for w in words):
            return f
    return None


def unknown_header_finding(grid: Grid, header_row: int, c: int, header: str,
                           where: list[tuple[int, int]]) -> Finding:
    likely = likely_field(header)
    cells = "、".join(grid.addr(r, cc) for r, cc in where[:3]) + ("……" if len(where) > 3 else "")
    from ..engine import read_finding

    return read_finding(
        "ST015", sheet=grid.sheet, cell=grid.addr(header_row, c), row=grid.sheet_row(header_row),
        header=header, likely=f"（可能是{FIELDS.get(likely, likely)}）" if likely else "",
        count=len(where), cells=cells, field=likely or "note")
