"""Property: for random forms (random optional blocks, 1–5 stacked on a sheet, random
horizontal merges of label cells over the blank cell after them, vertical merges of block
labels and level names), every non-empty cell ends in the Table or in a finding."""

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
    if draw(st.booleans()):
        b.row((f"注：各地请根据实际情况填报{tag}", 1))
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
        assert not [f for f in t.findings if f.code in ("ST001", "ST010", "ST015", "ST017")], \
            [(f.code, f.cell, f.message) for f in t.findings]
    refs, dump = referenced(tables)
    for r, c, v in grid.iter_nonempty():
        a = grid.addr(r, c)
        text = clean_text(v) or ""
        structural = role_of(v) is not None or field_of_header(v) is not None
        assert a in refs or structural or text in dump, (a, v)
