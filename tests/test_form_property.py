"""Property: for random forms (random optional blocks, 1–5 stacked on a sheet, random
horizontal merges of label cells over the blank cell after them, vertical merges of block
labels and level names, a cost breakdown block before or after the indicator grid, footnotes
of one or several lines under a form), every non-empty cell ends in the Table or in a finding,
each form keeps its own name, and a footnote never starts a form or becomes the next one's title."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlperf.core.grid import Grid, Merge, address
from xlperf.core.headers import field_of_header
from xlperf.core.layouts import read_grid
from xlperf.core.layouts.labels import role_of
from xlperf.core.normalise import clean_text

LEVELS = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("效益指标", "社会效益指标"),
          ("满意度指标", "服务对象满意度指标")]
OPTIONAL_COLS = ["指标性质", "度量单位", "分值", "指标方向", "绩效标准", "指标解释", "备注"]
COST_LABELS = ["项目成本构成(万元)", "成本构成", "成本测算明细（元）", "项目支出成本测算"]
COST_ITEMS = ["人员成本", "设备购置", "其中：电脑", "培训费", "印刷费", "其他费用"]
FOOTNOTES = [
    [("注：本表绩效目标与预算同步申报，项目名称须与预算一致。", 1)],
    [("注：", 1)], [("1.项目名称：填写预算批复的项目名称；", 1)], [("2.年度目标：概括描述。", 1)],
    [("说明：", 1), ("1.本表由项目单位填写", 1)],
    [("备注：金额单位为万元", 1)],
    [("填报说明：项目名称按预算填写", 1)],
]


def cost_block(draw, b: "FormBuilder", tag: str) -> int:
    """A cost block: a label merged down its rows (or a header row alone), lines, a 合计 at
    the top or the bottom. Returns its number of lines (the 合计 included)."""
    labelled = draw(st.booleans())
    label = draw(st.sampled_from(COST_LABELS))
    lead = [(label, 1)] if labelled else []
    pad = [(None, 1)] if labelled else []
    items = draw(st.lists(st.sampled_from(COST_ITEMS), min_size=1, max_size=4, unique=True))
    amounts = [draw(st.integers(1, 99)) for _ in items]
    total = sum(a for a, it in zip(amounts, items) if not it.startswith("其中"))
    top = draw(st.booleans())
    basis = draw(st.booleans())
    first = b.row(*lead, ("成本项目", 1), ("金额", 1), *([("测算依据", 1)] if basis else []))
    lines = [("合计", total)] if top else []
    lines += list(zip(items, amounts))
    lines += [] if top else [("合计", total)]
    for k, (it, a) in enumerate(lines):
        b.row(*pad, (f"{it}" if it == "合计" or it.startswith("其中") else f"{it}{tag}", 1), (a, 1),
              *([(f"依据{tag}{k}", 1)] if basis and it != "合计" else []))
    if labelled:
        b.vmerges.append((0, first, first + len(lines)))
    return len(lines)


class FormBuilder:
    """Rows of (value, span) cells, turned into a Grid with merges."""

    def __init__(self) -> None:
        self.rows: list[list[tuple[Any, int]]] = []
        self.vmerges: list[tuple[int, int, int]] = []  # (col, first row, last row), relative rows

    def row(self, *cells: tuple[Any, int]) -> int:
        self.rows.append(list(cells))
        return len(self.rows) - 1


@st.composite
def form(draw, i: int) -> tuple[FormBuilder, dict]:
    b = FormBuilder()
    tag = f"{i}x{draw(st.integers(0, 999))}"
    span = lambda: 2 if draw(st.booleans()) else 1  # noqa: E731 - a label merged over the next cell
    expect: dict[str, Any] = {"name": f"项目{tag}"}
    if draw(st.booleans()):
        b.row((f"项目支出绩效目标表{tag}", 1))
    if draw(st.booleans()):
        b.row(("(2024年度)", 1))
    pairs = [("项目名称", expect["name"])]
    for label in draw(st.lists(st.sampled_from(["主管部门", "实施单位", "项目属性", "项目负责人"]), unique=True)):
        pairs.append((label, f"{label}值{tag}"))
    per_row = draw(st.sampled_from([1, 2]))
    for k in range(0, len(pairs), per_row):
        cells: list[tuple[Any, int]] = []
        for label, value in pairs[k:k + per_row]:
            cells += [(label + draw(st.sampled_from(["", "：", ":"])), span()), (value, 1)]
        b.row(*cells)
    if draw(st.booleans()):  # funds block
        total = draw(st.integers(1, 900))
        anchor_row = b.row((draw(st.sampled_from(["项目资金(万元)", "资金情况（万元）", "投入目标"])), 1),
                           (draw(st.sampled_from(["年度资金总额", "资金总额"])), span()), (total, 1))
        lines = draw(st.lists(st.sampled_from(["其中：财政拨款", "其他资金", "上年结转"]), unique=True))
        for label in lines:
            b.row((None, 1), (label, span()), (draw(st.integers(0, total)), 1))
        if lines and draw(st.booleans()):
            b.vmerges.append((0, anchor_row, anchor_row + len(lines)))
        expect["budget"] = total
    cost_at = draw(st.sampled_from([None, "top", "tail"]))
    if cost_at == "top":
        expect["costs"] = cost_block(draw, b, tag)
    goal = draw(st.sampled_from([None, "row", "header"]))
    if goal == "row":
        b.row(("年度目标", span()), (f"年度目标文字{tag}", 1))
        expect["goal"] = f"年度目标文字{tag}"
    elif goal == "header":
        b.row(("总体目标", 1), ("中期目标", 1), ("年度目标", 1))
        b.row((None, 1), (f"中期文字{tag}", 1), (f"年度文字{tag}", 1))
        expect["goal"] = f"年度文字{tag}"
    if draw(st.booleans()):
        b.row(("绩效指标", 1))
    extra = draw(st.lists(st.sampled_from(OPTIONAL_COLS), unique=True, max_size=4))
    b.row(*[(h, 1) for h in ["一级指标", "二级指标", "三级指标", "指标值"] + extra])
    n = draw(st.integers(1, 6))
    merge_levels = draw(st.booleans())
    prev = None
    first = len(b.rows)
    for k in range(n):
        l1, l2 = draw(st.sampled_from(LEVELS))
        if merge_levels and prev == (l1, l2):
            cells = [(None, 1), (None, 1)]
        else:
            cells = [(l1, 1), (l2, 1)]
        cells += [(f"指标{tag}_{k}", 1), (draw(st.sampled_from(["≥95%", ">=20平方米", "≤30万元", 100, "提升"])), 1)]
        values = {"指标性质": "≥", "度量单位": "%", "分值": 10, "指标方向": "正向指标", "绩效标准": f"标准{tag}{k}",
                  "指标解释": f"解释{tag}{k}", "备注": None if draw(st.booleans()) else f"备注{tag}{k}"}
        cells += [(values[h], 1) for h in extra]
        r = b.row(*cells)
        if merge_levels and prev == (l1, l2):
            b.vmerges += [(0, r - 1, r), (1, r - 1, r)]  # runs joined in to_grid
        prev = (l1, l2)
    expect["indicators"] = n
    if cost_at == "tail":
        expect["costs"] = cost_block(draw, b, tag)
    if draw(st.booleans()):
        b.row((f"注：各地请根据实际情况填报{tag}", 1))
    elif draw(st.booleans()):
        note = draw(st.sampled_from([0, 1, 4, 5, 6, 7]))
        for cells in FOOTNOTES[note:note + (3 if note == 1 else 1)]:
            b.row(*cells)
    b.first_grid_row = first  # type: ignore[attr-defined]
    return b, expect


def to_grid(forms: list[FormBuilder], gap: int) -> Grid:
    rows: list[list[Any]] = []
    merges: list[Merge] = []
    for b in forms:
        top = len(rows)
        for cells in b.rows:
            row: list[Any] = []
            for value, sp in cells:
                c = len(row)
                row.append(value)
                if sp > 1:
                    row.extend([None] * (sp - 1))
                    merges.append(Merge(len(rows), c, len(rows), c + sp - 1))
            rows.append(row)
        for col, r1, r2 in b.vmerges:
            merges.append(Merge(top + r1, col, top + r2, col))
        rows.extend([[] for _ in range(gap)])
    width = max(len(r) for r in rows)
    merges = _merge_runs(merges)
    return Grid("表单", [r + [None] * (width - len(r)) for r in rows], merges)


def _merge_runs(merges: list[Merge]) -> list[Merge]:
    """Consecutive vertical 2-row merges of one column become one merge (as Excel holds them)."""
    out: list[Merge] = []
    for m in sorted(merges, key=lambda m: (m.c1, m.c2, m.r1)):
        last = out[-1] if out else None
        if last and last.c1 == m.c1 == last.c2 == m.c2 and m.r1 <= last.r2 and m.r1 != m.r2:
            out[-1] = Merge(last.r1, last.c1, max(last.r2, m.r2), last.c2)
        else:
            out.append(m)
    return out


def referenced(tables) -> tuple[set[str], str]:
    refs: set[str] = set()
    dump = ""
    for t in tables:
        dump += t.model_dump_json()
        if t.header_row:
            refs.update(address(t.header_row, c) for c in range(1, 40))
        for f in t.findings:
            if f.cell:
                refs.add(f.cell)
        for p in t.projects:
            refs.update(p.cells.values())
            if p.funds:
                for ln in p.funds.lines + ([p.funds.total_line] if p.funds.total_line else []):
                    refs.update(x for x in (ln.cell, ln.label_cell) if x)
            if p.costs:
                refs.update(x for x in [p.costs.label_cell] if x)
                refs.update(p.costs.cells.values())
                for cl in p.costs.lines:
                    refs.update(cl.cells.values())
            for ind in p.indicators:
                refs.update(address(ind.row, c) for c in t.columns.values())
                refs.update(ind.origin.values())
    return refs, dump


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(*[form(i) for i in range(n)])), st.integers(1, 3))
def test_every_cell_of_random_stacked_forms_is_read_or_reported(built, gap):
    forms = [b for b, _ in built]
    expects = [e for _, e in built]
    grid = to_grid(forms, gap)
    tables = read_grid(grid)
    assert [t.layout for t in tables] == ["form"] * len(forms)
    for t, e in zip(tables, expects):
        (p,) = t.projects
        assert p.name == e["name"]
        assert len(p.real_indicators()) == e["indicators"]
        assert p.budget == e.get("budget")
        if "goal" in e:
            assert p.goal == e["goal"]
        if "costs" in e:
            assert p.costs is not None and len(p.costs.lines) == e["costs"], p.costs
            assert sum(1 for ln in p.costs.lines if ln.total) == 1
            assert not [f for f in t.findings if f.code in ("BG012",)]
        else:
            assert p.costs is None
        assert not (t.title or "").startswith(("注", "说明", "备注", "填报说明")), t.title
        assert not [f for f in t.findings if f.code in ("ST001", "ST010", "ST015", "ST017")], \
            [(f.code, f.cell, f.message) for f in t.findings]
    refs, dump = referenced(tables)
    for r, c, v in grid.iter_nonempty():
        a = grid.addr(r, c)
        text = clean_text(v) or ""
        structural = role_of(v) is not None or field_of_header(v) is not None
        assert a in refs or structural or text in dump, (a, v)
