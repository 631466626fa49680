"""The form and department readers on hand-made grids and stacked real forms, and the read
findings ST014–ST017 they raise."""

from __future__ import annotations

import pytest

from xlperf.api import check_grids, check_path
from xlperf.core.config import Config
from xlperf.core.grid import Grid, Merge
from xlperf.core.layouts import choose, read_grid

from .real_tables import build, tsv_names

TARGETS = tsv_names("_target")


def form_rows(name="项目A", total=120, extra_grid_cols=(), grid_rows=None, goal="完成年度培训任务"):
    rows = [
        ["项目支出绩效目标表", None, None, None],
        ["项目名称", name, "主管部门", "[208]某部门"],
        ["实施单位", "208001-某单位", "项目属性", "经常性项目"],
        ["项目资金(万元)", "年度资金总额：" + str(total), None, None],
        [None, "其中：财政拨款", 100, None],
        [None, "其他资金", 20, None],
        ["年度目标", goal, None, None],
        ["一级指标", "二级指标", "三级指标", "指标值", *extra_grid_cols],
    ]
    rows += grid_rows if grid_rows is not None else [
        ["产出指标(50分)", "数量指标", "培训人次", "≥100人次"],
        [None, "质量指标", "合格率", ">=95%"],
        ["效益指标", "社会效益指标", "能力提升", "明显提升"],
        ["满意度指标", "服务对象满意度指标", "满意度", "≥90%"],
    ]
    return rows


def form_grid(rows, merges=()):
    width = max(len(r) for r in rows)
    return Grid("表单", [list(r) + [None] * (width - len(r)) for r in rows], list(merges))


def test_a_form_is_one_project_with_its_labels_funds_goal_and_indicators():
    g = form_grid(form_rows(), [Merge(3, 0, 5, 0), Merge(8, 0, 9, 0)])
    reader, fit = choose(g)
    assert reader.name == "form" and fit.score >= 0.9 and "项目名称" in fit.reason
    (t,) = read_grid(g)
    (p,) = t.projects
    assert (p.name, p.budget, p.goal) == ("项目A", 120, "完成年度培训任务")
    assert (p.department, p.department_code, p.unit_code, p.unit_name) == ("某部门", "208", "208001", "某单位")
    assert p.details["项目属性"] == "经常性项目"
    assert p.funds.total_cell == "B4" and [(x.role, x.amount) for x in p.funds.lines] == [("fiscal", 100), ("other", 20)]
    assert [(i.level1, i.comparator, i.target, i.measure) for i in p.indicators] == [
        ("产出指标", "≥", 100, "人次"), ("产出指标", "≥", 95, "%"), ("效益指标", "定性", "明显提升", None),
        ("满意度指标", "≥", 90, "%")]
    assert p.details["stated_points"]["产出指标"]["points"] == 50
    assert not t.findings


def test_forced_layout_reads_a_form_as_a_form():
    (t,) = read_grid(form_grid(form_rows()), forced="form")
    assert t.layout == "form" and "--layout form" in t.layout_reason


@pytest.mark.parametrize("n", [1, 2, 5])
def test_stacked_forms_are_one_table_each_and_findings_stay_with_their_form(tmp_path, n):
    names = (TARGETS * 2)[:n]
    res = check_path(build(tmp_path / "stacked.xlsx", names, stacked=True))
    assert len(res.tables) == n and {t.layout for t in res.tables} == {"form"}
    assert len(res.report.projects) == n
    single = {name: check_path(build(tmp_path / f"{name}.xlsx", [name])) for name in set(names)}
    for t, ps, name in zip(res.tables, res.report.projects, names):
        alone = single[name]
        assert t.projects[0].name == alone.tables[0].projects[0].name
        assert ps.indicator_count == alone.report.projects[0].indicator_count
        # the same findings per form, whatever else is on the sheet (only rows shift)
        assert ps.errors == alone.report.projects[0].errors and ps.warnings == alone.report.projects[0].warnings
    rows = [(t.projects[0].row_first, t.projects[0].row_last) for t in res.tables]
    assert all(a[1] < b[0] for a, b in zip(rows, rows[1:]))


def test_one_form_per_sheet(tmp_path):
    res = check_path(build(tmp_path / "sheets.xlsx", TARGETS))
    assert [t.sheet for t in res.tables] == [f"Sheet{i}" for i in range(1, len(TARGETS) + 1)]
    assert res.report.summary.layouts == {"form": len(TARGETS)}


def test_self_evaluations_are_not_claimed_with_a_high_score(tmp_path):
    for name in tsv_names("_selfeval"):
        from xlperf.readers.source import read_source

        src = read_source(build(tmp_path / f"{name}.xlsx", [name]))
        from xlperf.core.layouts import load_all

        fit = load_all()["form"].fit(src.grids[0])
        assert fit.score <= 0.35 and "自评" in fit.reason


def test_the_list_sample_is_not_taken_for_a_form():
    from xlperf.api import sample_path
    from xlperf.core.layouts import load_all
    from xlperf.readers.source import read_source

    g = read_source(sample_path()).grids[0]
    readers = load_all()
    assert readers["form"].fit(g).score < 0.2 and readers["department"].fit(g).score < 0.2


def test_ST014_comparator_and_direction_columns_swapped_are_read_by_content():
    rows = form_rows(extra_grid_cols=("指标性质", "指标方向"), grid_rows=[
        ["产出指标", "数量指标", "培训人次", 100, "正向", "≥"],
        ["产出指标", "质量指标", "合格率", 95, "正向", "≥"],
        ["产出指标", "成本指标", "成本", 3, "反向", "≤"],
    ])
    (t,) = read_grid(form_grid(rows))
    st014 = [f for f in t.findings if f.code == "ST014"]
    assert len(st014) == 1 and st014[0].cell == "E8"
    assert [(i.comparator, i.direction) for i in t.projects[0].indicators] == [
        ("≥", "正向指标"), ("≥", "正向指标"), ("≤", "反向指标")]
    assert t.columns["comparator"] == 6 and t.columns["direction"] == 5


def test_ST014_not_raised_when_columns_agree_with_headers():
    rows = form_rows(extra_grid_cols=("指标性质", "指标方向"), grid_rows=[
        ["产出指标", "数量指标", "培训人次", 100, "≥", "正向"], ["产出指标", "质量指标", "合格率", 95, "≥", "正向"]])
    (t,) = read_grid(form_grid(rows))
    assert not [f for f in t.findings if f.code == "ST014"]


def test_ST015_unknown_grid_header_names_its_header_and_cells():
    rows = form_rows(extra_grid_cols=("资金用途",), grid_rows=[
        ["产出指标", "数量指标", "培训人次", 100, "培训"], ["产出指标", "质量指标", "合格率", 95, "考核"]])
    (t,) = read_grid(form_grid(rows))
    (f,) = [f for f in t.findings if f.code == "ST015"]
    assert "资金用途" in f.message and "E9、E10" in f.message and "[headers]" in f.message and f.cell == "E8"


def test_ST015_mapped_by_config_headers_reads_the_column():
    rows = form_rows(extra_grid_cols=("考核分",), grid_rows=[
        ["产出指标", "数量指标", "培训人次", 100, 50], ["产出指标", "质量指标", "合格率", 95, 40]])
    (t,) = read_grid(form_grid(rows), Config(headers={"考核分": "weight"}))
    assert not [f for f in t.findings if f.code == "ST015"]
    assert [i.weight for i in t.projects[0].indicators] == [50, 40]


def test_ST016_empty_long_term_group_said_once():
    rows = form_rows(extra_grid_cols=(), grid_rows=[])
    rows[-1] = ["一级指标", "三级指标(长期)", "指标值(长期)", "三级指标(年度)", "指标值(年度)"]
    rows += [["产出指标", None, None, "培训人次", "≥100人次"], ["效益指标", None, None, "能力", "提升"]]
    (t,) = read_grid(form_grid(rows))
    assert [f.code for f in t.findings] == ["ST016"]
    assert [i.name for i in t.projects[0].indicators] == ["培训人次", "能力"]


def test_ST016_not_raised_when_long_term_group_is_filled():
    rows = form_rows(grid_rows=[])
    rows[-1] = ["一级指标", "三级指标(长期)", "指标值(长期)", "三级指标(年度)", "指标值(年度)"]
    rows += [["产出指标", "五年培训人次", "≥500人次", "培训人次", "≥100人次"]]
    (t,) = read_grid(form_grid(rows))
    (p,) = t.projects
    assert not t.findings and p.indicators[0].details["三级指标(长期)"] == "五年培训人次"


def test_ST017_form_without_indicator_grid():
    rows = form_rows()[:7]
    res = check_grids([form_grid(rows)])
    assert [f.code for f in res.findings if f.code in ("ST001", "ST010", "ST017")] == ["ST017"]
    assert res.tables[0].projects[0].name == "项目A"


def test_unclaimed_cell_in_a_form_is_reported():
    rows = form_rows()
    rows[6] = ["年度目标", "完成年度培训任务", None, 12345]
    (t,) = read_grid(form_grid(rows))
    assert [(f.code, f.cell) for f in t.findings] == [("ST010", "D7")]


def test_department_table_fits_department():
    rows = [["部门整体支出绩效目标表"], ["部门(单位)名称", "某局"], ["年度预算安排(万元)", "资金总额", 10],
            [None, "项目支出", 4], [None, "基本支出", 6], ["年度履职目标", "部门职能", "年度目标任务", "支出项目名称", "预算金额"],
            [None, "职能一", "任务一", "项目一", 4], [None, "职能二", "任务二", "基本支出", 6],
            ["一级指标", "二级指标", "三级指标", "目标值"], ["产出指标", "数量指标", "开展调研", "≥5次"]]
    g = form_grid(rows, [Merge(2, 0, 4, 0), Merge(5, 0, 7, 0)])
    reader, fit = choose(g)
    assert reader.name == "department"
    (t,) = read_grid(g)
    (p,) = t.projects
    assert (p.name, p.budget, p.unit_name, p.department) == ("某局", 10, "某局", "某局")
    assert [(d["project"], d["amount"]) for d in p.details["duties"]] == [("项目一", 4), ("基本支出", 6)]
    assert not t.findings


def test_grid_block_label_repeated_at_a_page_break_keeps_reading():
    rows = form_rows(grid_rows=[])
    rows[-1] = ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"]
    rows += [[None, "产出指标", "数量指标", "培训人次", "≥100人次"],
             ["绩效指标", "效益指标", "社会效益指标", "能力提升", "提升"],  # printed again after a page break
             [None, "满意度指标", "服务对象满意度指标", "满意度", "≥90%"]]
    g = form_grid(rows, [Merge(7, 0, 8, 0), Merge(9, 0, 10, 0)])
    (t,) = read_grid(g)
    assert [i.level1 for i in t.projects[0].indicators] == ["产出指标", "效益指标", "满意度指标"]
    assert not t.findings
