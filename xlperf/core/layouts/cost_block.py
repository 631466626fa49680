"""A form's cost breakdown block (成本构成 / 项目成本构成 / 成本测算明细), read into ``model.Costs``.

Since the full-cost budgeting reforms (成本预算绩效管理, 2022 on) many project forms carry, beside
the funds block, a small table of what the money buys. Its shapes, as clerks write them:

    成本构成(万元) | 成本项目 | 金额      | 测算依据          a block label (often merged down
                  | 人员成本 | 20        | 2人×10万元        the block's rows), a header row,
                  | 设备购置 | 50        |                   lines, a 合计 line at the top or
                  | 合计     | 70        |                   the bottom
    成本项目 | 明细 | 预算数(元) | 财政拨款 | 其他资金       a header row alone, two label columns
    经济成本 |      | 500000     | 400000   | 100000         (a category and its items), several
             | 人员 | 200000     | …                          amount columns, amounts in 元
    项目成本测算 | 人员经费 | 20 ; | 其中：培训费 | 5         no header: label, amount; 其中 lines
    成本项目 | 明细 | 预算金额(万元)                          a header of two rows: the upper
             |      | 合计 | 财政拨款 | 其他资金             heading (merged across or not) is a
                                                            group of the amount columns under it
    项目成本构成 | 设备购置50万元，人员经费20万元             the breakdown written in one cell

A line's amounts are kept per column (heading as written -> 万元) with every cell's address; the
合计 line is marked wherever it stands, 小计 lines and parts of a line (其中, an item under a
category that has its own amount) are marked so a rule adds up only the lines the 合计 covers.
A cell that lists labelled amounts (``labels.listed_amounts``) gives one line each, all with
that cell's address (``CostLine.listed_in``): the block's lines where the row has no label of
its own (its amount, if any, is then their 合计), else parts of the row's line. A calculation
(``2人×10万元``) lists nothing: on a line it stays that line's detail, on a row of its own it is
a detail of the block.

Indicator names such as 成本指标 / 经济成本指标 / 成本控制率 are never a block label: the label must
be one of the block spellings below, and the reader only looks outside the indicator grid.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Optional

from ..grid import is_blank
from ..headers import LABEL_LOOKUP
from ..model import CostLine, Costs
from ..normalise import clean_text, compact
from ..headers import FUND_ROLES
from .labels import Listed, is_calculation, label_text, listed_amounts, parse_amount

# 成本构成, 项目成本构成, 项目支出成本测算, 成本测算明细, 全成本测算表 … (never bare 成本, never …指标)
_BLOCK_RE = re.compile(r"^(?:项目)?(?:支出)?(?:全)?成本(?:构成|测算|明细|预算|分析|核算|组成|情况)+(?:明细|情况|表)?$"
                       r"|^项目(?:支出)?(?:全)?成本$")
# Column headings of the label columns: the category first, then the item.
_ITEM_KEYS = {"成本项目", "成本类别", "成本类型", "成本明细", "成本内容", "成本构成", "成本名称", "成本分类", "成本科目",
              "明细", "明细项目", "项目", "项目明细", "支出内容", "支出项目", "费用项目", "费用名称", "内容", "名称",
              "类别", "具体内容", "测算项目", "测算内容", "子项目", "构成", "经济分类", "支出经济分类", "科目",
              "成本费用", "费用明细", "一级项目", "二级项目"}
_AMOUNT_RE = re.compile(r"金额|预算|资金|拨款|合计|小计|总额|总计|成本|费用|投资|支出数|安排数")
_NOT_AMOUNT_RE = re.compile(r"单价|数量|标准|依据|说明|备注|项目|类别|内容|名称|明细|科目|公式|序号|单位$")
_TOTAL_KEYS = {"合计", "总计", "成本合计", "合计数", "总成本", "成本总计", "成本总额", "合计金额", "总计金额", "全成本合计",
               "成本合计数", "项目成本合计", "总合计", "共计"}
_SUBTOTAL_RE = re.compile(r"小计$")
# Labels that end a cost block: the form's own blocks.
_STOP_ROLES = {"project", "department", "unit", "org", "funds", "goal", "goal_long", "goal_head", "goal_done",
               "grid", "duties"}
_FOOTNOTE_RE = re.compile(r"^(注|附件|附注|说明|备注|填报说明)\s*\d*\s*[:：]")
MAX_LINES = 200


def is_block_label(v: Any) -> bool:
    lt = label_text(v)
    return lt is not None and lt.inline is None and bool(_BLOCK_RE.match(lt.key))


def _labelled_listing(v: Any, unit: Optional[str]) -> tuple[Listed, ...]:
    """``成本构成：设备购置50万元，人员经费20万元``: a block label with its breakdown after the colon."""
    lt = label_text(v)
    if lt is None or lt.inline is None or not _BLOCK_RE.match(lt.key):
        return ()
    return listed_amounts(lt.inline, lt.unit or unit)


def _key(v: Any) -> Optional[str]:
    lt = label_text(v)
    return lt.key if lt is not None else None


def _is_item_heading(v: Any) -> bool:
    return _key(v) in _ITEM_KEYS


def _is_amount_heading(v: Any) -> bool:
    k = _key(v)
    return bool(k) and bool(_AMOUNT_RE.search(k)) and not _NOT_AMOUNT_RE.search(k) and k not in _ITEM_KEYS


def is_header_row(cells: list[tuple[int, Any]]) -> bool:
    """成本项目 | 金额(万元) …: a label column and an amount column, one of them naming 成本 (a
    bare 项目 | 金额 row is too common to start a block on its own)."""
    texts = [v for _, v in cells if isinstance(v, str)]
    if len(texts) != len(cells) or len(cells) < 2:
        return False
    items = [v for v in texts if _is_item_heading(v)]
    amounts = [v for v in texts if _is_amount_heading(v)]
    return bool(items) and bool(amounts) and any("成本" in (_key(v) or "") for v in items + amounts)


def _headings(cells: list[tuple[int, Any]], rd: Any = None, r: int = 0, end: int = 0) -> bool:
    """Under a block label, a header row needs no 成本 of its own: texts only, a label column
    and an amount column (项目 | 金额(万元)), or amount columns under it in the row below (成本项目 |
    2024年 over 预算数 | 财政拨款 …; with ``rd``, the reader, to look there)."""
    if not cells or not all(isinstance(v, str) for _, v in cells) or not any(_is_item_heading(v) for _, v in cells):
        return False
    return any(_is_amount_heading(v) for _, v in cells) or (rd is not None and _sub_row(rd, r, cells, end) is not None)


def entry(cells: list[tuple[int, Any]]) -> bool:
    """Does a row (its own non-empty cells, left to right) start a cost block?"""
    if not cells:
        return False
    c0, v0 = cells[0]
    if c0 <= 2 and (is_block_label(v0) or _labelled_listing(v0, None)):
        return True
    return is_header_row(cells)


class _Columns:
    def __init__(self) -> None:
        self.items: list[int] = []
        self.amounts: dict[int, tuple[str, Optional[str]]] = {}  # col -> (heading, unit as written)
        self.details: dict[int, str] = {}
        self.groups: dict[str, list[int]] = {}  # an upper heading -> the amount columns under it


def _is_sub_amount(v: Any) -> bool:
    """An amount heading under a group: 合计, 预算数, 财政拨款, 其中：其他资金, 上年结转 …"""
    return _is_amount_heading(v) or LABEL_LOOKUP.get(_key(v) or "") in FUND_ROLES


def _sub_row(rd: Any, r: int, hcells: list[tuple[int, Any]], end: int) -> Optional[dict[int, list[tuple[int, Any]]]]:
    """The second row of a two-row header: heading column of row ``r`` -> the headings under it
    (``预算金额(万元)`` merged over ``合计 | 财政拨款 | 其他资金``, or written once with blanks
    after it). None unless the row below holds headings only, every one under a heading that is
    not merged down over it, with two under one heading at least and an amount among them."""
    if r + 1 >= end:
        return None
    row = rd.cells_of(r + 1)
    if len(row) < 2 or any(not isinstance(v, str) for _, v in row):
        return None
    heads = [c for c, _ in hcells]
    spans: dict[int, tuple[int, int]] = {}
    for i, c in enumerate(heads):
        m = next((m for m in rd.grid.merges if m.r1 == r and m.c1 == c), None)
        if m is not None and m.r2 > r:
            continue  # 成本项目 merged down over both rows: a heading of its own
        right = m.c2 if m is not None and m.c2 > c else (heads[i + 1] - 1 if i + 1 < len(heads) else max(c for c, _ in row))
        spans[c] = (c, right)
    under: dict[int, list[tuple[int, Any]]] = {}
    for c, v in row:
        head = next((h for h, (a, b) in spans.items() if a <= c <= b), None)
        if head is None or _is_item_heading(dict(hcells)[head]):
            return None
        if not (_is_sub_amount(v) or _NOT_AMOUNT_RE.search(_key(v) or "")):
            return None
        under.setdefault(head, []).append((c, v))
    if not any(len(cells) >= 2 for cells in under.values()) or not any(_is_sub_amount(v) for _, v in row):
        return None
    return under


def _header(cells: list[tuple[int, Any]], unit: Optional[str],
            subs: Optional[dict[int, list[tuple[int, Any]]]] = None) -> _Columns:
    cols = _Columns()
    grouped: dict[int, str] = {}  # column under a group -> the group's heading
    for c, v in cells:
        lt = label_text(v)
        text = clean_text(v) or ""
        if subs and c in subs:
            unit_above = (lt.unit if lt else None) or unit
            for sc, sv in subs[c]:
                slt = label_text(sv)
                name = clean_text(sv) or ""
                if _is_sub_amount(sv):
                    cols.amounts[sc] = (name, (slt.unit if slt else None) or unit_above)
                    cols.groups.setdefault(text, []).append(sc)
                else:
                    cols.details[sc] = name
                grouped[sc] = text
        elif _is_item_heading(v) and not cols.amounts:
            cols.items.append(c)
        elif _is_amount_heading(v):
            cols.amounts[c] = (text, (lt.unit if lt else None) or unit)
        else:
            cols.details[c] = text
    # Two groups with the same headings under them (2024年 | 2025年 over 预算数 | 财政拨款): their
    # columns are told apart by the group's heading.
    twice = Counter(h for h, _ in cols.amounts.values())
    for c, (h, u) in list(cols.amounts.items()):
        if twice[h] > 1 and c in grouped:
            cols.amounts[c] = (f"{grouped[c]}·{h}", u)
    twice = Counter(cols.details.values())
    for c, h in list(cols.details.items()):
        if twice[h] > 1 and c in grouped:
            cols.details[c] = f"{grouped[c]}·{h}"
    return cols


def _inferred(rows: list[list[tuple[int, Any]]], unit: Optional[str]) -> _Columns:
    """No header row: the columns holding numbers are the amounts (``金额``), the text columns
    left of them the labels, the ones right of them details."""
    numeric: set[int] = set()
    for cells in rows:
        for c, v in cells:
            if parse_amount(v, unit).value is not None and not _is_label_text(v):
                numeric.add(c)
    cols = _Columns()
    if not numeric:
        return cols
    first = min(numeric)
    for n, c in enumerate(sorted(numeric)):
        cols.amounts[c] = ("金额" if n == 0 else f"金额{n + 1}", unit)
    seen = sorted({c for cells in rows for c, _ in cells} - numeric)
    cols.items = [c for c in seen if c < first][:2]
    cols.details = {c: f"说明{'' if i == 0 else i + 1}" for i, c in enumerate(c for c in seen if c > first)}
    return cols


def _is_label_text(v: Any) -> bool:
    """A text that starts with letters is a label even with a number in it (``2人×10万元``)."""
    return isinstance(v, str) and bool(re.match(r"^\s*[^\d+\-.,]", v))


def read_block(rd: Any, r0: int, end: int) -> tuple[Optional[Costs], set[int]]:
    """The cost block starting at grid row ``r0`` (before ``end``): the Costs read and the rows it
    took, every cell of them claimed on ``rd`` (the form reader: grid, covered, cells_of, claim,
    addr, money_unit, headers). None when the row does not start one."""
    grid = rd.grid
    cells = rd.cells_of(r0)
    if not entry(cells):
        return None, set()
    rows_taken = {r0}
    costs = Costs()
    unit = rd.money_unit
    left = cells[0][0]
    rest = cells
    label_rows_end = r0
    head_listing: tuple[Listed, ...] = ()
    c0, v0 = cells[0]
    if is_block_label(v0) or (c0 <= 2 and _labelled_listing(v0, unit)):
        lt = label_text(v0)
        unit = (lt.unit if lt else None) or unit
        costs.label, costs.label_cell = clean_text(v0), rd.addr(r0, c0)
        if lt is not None and lt.inline is not None:  # 成本构成：设备购置50万元，…
            head_listing = listed_amounts(lt.inline, unit)
            costs.label = re.split(r"[:：]", costs.label or "", maxsplit=1)[0].strip()
        rd.claim((r0, c0))
        for m in grid.merges:
            if m.r1 == r0 and m.c1 == c0:
                label_rows_end = m.r2
        rest = cells[1:]
        # a banner (项目成本构成 alone on its row, merged across): the lines may start under it
        left = rest[0][0] if rest else (c0 + 1 if label_rows_end > r0 else c0)
    header_at: Optional[int] = None
    if rest and _headings(rest, rd, r0, end):
        header_at = r0
    elif not rest and not head_listing and r0 + 1 < end and \
            _headings([(c, v) for c, v in rd.cells_of(r0 + 1) if c >= left], rd, r0 + 1, end):
        header_at = r0 + 1
    first_line = r0 if header_at is None and rest else (header_at + 1 if header_at is not None else r0 + 1)
    if head_listing and not rest and label_rows_end == r0:
        first_line = end  # the whole block is that one cell
    if header_at is not None:
        hcells = [(c, v) for c, v in rd.cells_of(header_at) if c >= left]
        subs = _sub_row(rd, header_at, hcells, end)
        cols = _header(hcells, unit, subs)
        rd.claim(*((header_at, c) for c, _ in hcells))
        for c, v in hcells:
            costs.cells.setdefault(clean_text(v) if isinstance(v, str) else str(v), rd.addr(header_at, c))
        rows_taken.add(header_at)
        left = min(c for c, _ in hcells)
        if subs:
            for under in subs.values():
                for c, _ in under:
                    name = cols.amounts[c][0] if c in cols.amounts else cols.details[c]
                    costs.cells.setdefault(name, rd.addr(header_at + 1, c))
                    rd.claim((header_at + 1, c))
            rows_taken.add(header_at + 1)
            first_line = header_at + 2
    # The block's rows: until a blank row, a row starting left of it (outside the label's merge), a
    # form label of another block, an indicator header, a footnote, another cost block, or the
    # line after a bottom 合计.
    body: list[tuple[int, list[tuple[int, Any]]]] = []
    r = first_line
    while r < end and len(body) < MAX_LINES:
        own = [(c, v) for c, v in rd.cells_of(r) if c >= left] if r == r0 else rd.cells_of(r)
        if not own:
            break
        if any(c < left for c, _ in own) and not (r <= label_rows_end and all(c >= left for c, _ in own)):
            break
        c0, v0 = own[0]
        if r != r0 and (entry(own) or (isinstance(v0, str) and _FOOTNOTE_RE.match(compact(v0)))):
            break
        if any(LABEL_LOOKUP.get(_key(v) or "") in _STOP_ROLES for _, v in own):
            break
        if rd.is_grid_header(r):
            break
        body.append((r, own))
        if _is_total(own) and len(body) > 1:
            r += 1
            break
        r += 1
    if header_at is None:
        cols = _inferred([own for _, own in body], unit)
        if not cols.amounts:
            cols.items = sorted({c for _, own in body for c, _ in own})[:1]
    costs.columns = [h for _, (h, _) in sorted(cols.amounts.items())]
    costs.units = {h: u for _, (h, u) in sorted(cols.amounts.items()) if u}
    costs.groups = {g: [cols.amounts[c][0] for c in sorted(cs)] for g, cs in cols.groups.items()}
    if head_listing:
        costs.lines += _listed_lines(costs, head_listing, (r0, cells[0][0]), rd, None, None, unit)
    parent: Optional[CostLine] = None
    category: Optional[str] = None
    for r, own in body:
        rows_taken.add(r)
        rd.claim(*((r, c) for c, _ in own))
        listing = _listing(own, cols, unit)
        if listing is None and _note_row(own, cols):
            for c, v in own:
                lt = label_text(v)
                if lt is not None and lt.inline is not None and not is_calculation(lt.key):  # 测算依据：2人×…
                    _block_detail(costs, lt.key, lt.inline, rd.addr(r, c))
                else:
                    _block_detail(costs, cols.details.get(c) or "测算依据", v, rd.addr(r, c))
            continue
        line = _line(rd, r, [x for x in own if listing is None or x[0] != listing[0]], cols, unit)
        if line is not None:
            if len(cols.items) >= 2:
                cat_c, item_c = cols.items[0], cols.items[1]
                own_d = dict(own)
                if cat_c in own_d and item_c not in own_d:  # a category line (经济成本 | | 500)
                    category = line.label
                elif item_c in own_d:
                    if cat_c in own_d:  # 经济成本 | 人员 | 20: the category's first item
                        category = clean_text(own_d[cat_c]) if isinstance(own_d[cat_c], str) else str(own_d[cat_c])
                        parent = None
                    line.category = category
                    line.sub = parent is not None and parent.label == category and any(
                        a is not None for a in parent.amounts.values())
            if _SUB_RE.match(line.label) and parent is not None:
                line.sub = True
        if listing is not None:
            c, items = listing
            whole = line is None or line.total or not line.label
            if line is not None and not line.label and any(a is not None for a in line.amounts.values()):
                line.total = True  # 80 | 设备50万元，人员30万元: the row's amount is what its list adds up to
            if line is not None:
                costs.lines.append(line)
            costs.lines += _listed_lines(costs, items, (r, c), rd, None if whole else line,
                                         (cols.amounts.get(c) or (None, None))[0], unit)
            if line is not None and not whole:
                parent = line
            continue
        if line is None:
            continue
        if not line.sub and not line.total and not line.subtotal:
            parent = line
        costs.lines.append(line)
    return costs, rows_taken


def _listing(own: list[tuple[int, Any]], cols: _Columns, unit: Optional[str]) -> Optional[tuple[int, tuple[Listed, ...]]]:
    """The row's cell that lists labelled amounts, if any. In a detail column (测算依据 …) a list
    is a line's breakdown only where the row has no label of its own (or is the 合计); beside a
    label it is that line's note, read as a detail."""
    labelled = any(c in cols.items and isinstance(v, str) and not _total_key(v) and not listed_amounts(v, unit)
                   for c, v in own)
    for c, v in own:
        if not isinstance(v, str) or (c in cols.details and labelled):
            continue
        items = listed_amounts(v, (cols.amounts.get(c) or (None, None))[1] or unit)
        if items:
            return c, items
    return None


def _note_row(own: list[tuple[int, Any]], cols: _Columns) -> bool:
    """A row that only calculates (``2人×10万元`` on its own, or under a line in its 测算依据
    column): a note of the block, not a line."""
    return all(isinstance(v, str) and (is_calculation(v) or c in cols.details) for c, v in own) and \
        any(is_calculation(v) for _, v in own) and \
        not any(parse_amount(v).value is not None for c, v in own if c in cols.amounts)


def _block_detail(costs: Costs, key: str, value: Any, cell: str) -> None:
    k, i = key, 2
    while k in costs.details or k in costs.cells:
        k, i = f"{key}{i}", i + 1
    costs.details[k] = clean_text(value) if isinstance(value, str) else value
    costs.cells[k] = cell


def _listed_lines(costs: Costs, items: tuple[Listed, ...], pos: tuple[int, int], rd: Any,
                  parent: Optional[CostLine], heading: Optional[str], unit: Optional[str]) -> list[CostLine]:
    """The lines one cell lists, each with that cell's address; parts of ``parent`` when the
    row has a label of its own. Their amounts go in the column the cell stands in, else the
    block's main one (a block without amount columns gets ``金额``)."""
    r, c = pos
    addr = rd.addr(r, c)
    heading = heading or costs.main_column() or (costs.columns[0] if costs.columns else None)
    if heading is None:
        heading = "金额"
        costs.columns.append(heading)
        if unit:
            costs.units[heading] = unit
        for ln in costs.lines:  # every line has every column, as one read under a header does
            ln.amounts.setdefault(heading, None)
    out = []
    for it in items:
        line = CostLine(label=it.label, row=rd.grid.sheet_row(r), amounts={heading: it.amount},
                        cells={"label": addr, heading: addr}, listed_in=addr)
        if it.calc:
            line.details["测算依据"] = it.calc
        line.total = parent is None and _total_key(it.label)
        line.subtotal = not line.total and bool(_SUBTOTAL_RE.search(compact(it.label)))
        line.sub = parent is not None
        line.category = parent.category if parent is not None else None
        out.append(line)
    return out


_SUB_RE = re.compile(r"^\s*其中\s*[:：]?")


def _total_key(v: Any) -> bool:
    return _key(v) in _TOTAL_KEYS


def _is_total(own: list[tuple[int, Any]]) -> bool:
    texts = [v for _, v in own if isinstance(v, str)]
    return bool(texts) and _total_key(texts[0])


def _line(rd: Any, r: int, own: list[tuple[int, Any]], cols: _Columns, unit: Optional[str]) -> Optional[CostLine]:
    d = dict(own)
    label_parts: list[tuple[int, str]] = []
    for c in cols.items:
        if c in d and not is_blank(d[c]):
            label_parts.append((c, clean_text(d[c]) if isinstance(d[c], str) else str(d[c])))
    line = CostLine(label="", row=rd.grid.sheet_row(r))
    if len(cols.items) >= 2 and label_parts:
        if label_parts[-1][0] == cols.items[1]:
            line.label = label_parts[-1][1]
            line.cells["label"] = rd.addr(r, label_parts[-1][0])
            if len(label_parts) > 1:
                line.cells["category"] = rd.addr(r, label_parts[0][0])
        else:
            line.label = label_parts[0][1]
            line.cells["label"] = rd.addr(r, label_parts[0][0])
    elif label_parts:
        line.label = label_parts[0][1]
        line.cells["label"] = rd.addr(r, label_parts[0][0])
        for c, extra in label_parts[1:]:
            line.details[f"明细{c}"] = extra
    first_amount = min(cols.amounts, default=None)
    if not line.label and first_amount is not None:
        # 序号 | 成本项目 | 金额 with 合计 written in the 序号 column: the row's first text is its label
        text = next(((c, v) for c, v in own if isinstance(v, str) and c < first_amount and _is_label_text(v)), None)
        if text is not None:
            line.label = clean_text(text[1]) or ""
            line.cells["label"] = rd.addr(r, text[0])
    for c, (heading, u) in cols.amounts.items():
        v = d.get(c)
        line.cells[heading] = rd.addr(r, c)
        if v is None or is_blank(v):
            line.amounts[heading] = None
            continue
        a = parse_amount(v, u or unit)
        line.amounts[heading] = a.value
        if a.value is None or a.text:
            line.text[heading] = clean_text(v) if isinstance(v, str) else str(v)
    for c, v in own:
        if c in cols.amounts or c in cols.items or line.cells.get("label") == rd.addr(r, c):
            continue
        heading = cols.details.get(c) or f"列{rd.addr(r, c)}"
        line.details[heading] = clean_text(v) if isinstance(v, str) else v
        line.cells[heading] = rd.addr(r, c)
    if not line.label and not any(a is not None for a in line.amounts.values()) and not line.details:
        return None
    key = compact(line.label)
    line.total = _total_key(line.label)
    line.subtotal = not line.total and bool(_SUBTOTAL_RE.search(key))
    return line


def merge(a: Optional[Costs], b: Costs) -> Costs:
    """A form with two cost blocks (before and after the grid): one Costs, the second's lines after."""
    if a is None:
        return b
    cols = a.columns + [h for h in b.columns if h not in a.columns]
    return a.model_copy(update={"columns": cols, "units": {**a.units, **b.units}, "cells": {**b.cells, **a.cells},
                                "lines": a.lines + b.lines})
