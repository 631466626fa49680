"""A two-row list header whose 指标值 spans its parts (``指标值`` over ``符号 | 数值 | 单位``): the
parts are the comparator, the number and the unit — 单位 there is no 单位名称 column. Written as
.xlsx (merged across, or written once over blanks) and read back through ``check_path``."""

from __future__ import annotations

import openpyxl
import pytest

from xlperf.api import check_path

ROWS = [
    ["城乡环卫保洁", 320, "保持城区道路整洁，保洁面积120万平方米，清扫合格率95%", "产出指标", "数量指标", "保洁面积",
     "≥", 120, "万平方米", 20],
    [None, None, None, "产出指标", "质量指标", "道路清扫合格率", "≥", 95, "%", 20],
    [None, None, None, "产出指标", "时效指标", "垃圾清运及时率", "=", 100, "%", 10],
    [None, None, None, "效益指标", "社会效益指标", "城市环境", "定性", "明显改善", None, 30],
    [None, None, None, "满意度指标", "服务对象满意度指标", "市民满意度", "≥", 90, "%", 10],
]


def _book(path, merged: bool, parts=("符号", "数值", "单位")):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目绩效目标"
    ws.append(["项目名称", "项目金额(万元)", "年度目标", "一级指标", "二级指标", "三级指标", "指标值", None, None, "权重"])
    ws.append([None] * 6 + list(parts) + [None])
    for c in "ABCDEFJ":
        ws.merge_cells(f"{c}1:{c}2")
    if merged:
        ws.merge_cells("G1:I1")
    for r in ROWS:
        ws.append(r)
    for c in "ABC":
        ws.merge_cells(f"{c}3:{c}7")
    wb.save(path)
    return path


@pytest.mark.parametrize("merged", [True, False], ids=["merged-across", "written-once"])
def test_value_parts_under_a_spanning_header(tmp_path, merged):
    res = check_path(_book(tmp_path / "t.xlsx", merged))
    (table,) = res.tables
    (p,) = table.projects
    inds = p.indicators
    assert [(i.comparator, i.target, i.measure) for i in inds] == [
        ("≥", 120, "万平方米"), ("≥", 95, "%"), ("=", 100, "%"), ("定性", "明显改善", None), ("≥", 90, "%")]
    codes = {f.code for f in res.report.findings}
    assert not codes & {"VL002", "ST015", "ST010"}, codes
    assert p.unit_name is None and p.unit_code is None  # 单位 under 指标值 is the measure, not 单位名称


def test_one_part_alone_is_not_a_split(tmp_path):
    """Only 数值 under 指标值 (nothing else): the header is read as before, 单位 stays what it is."""
    res = check_path(_book(tmp_path / "t.xlsx", True, parts=("数值", None, None)))
    assert res.tables  # read, whatever it finds, and never a crash


def test_form_grid_with_value_parts(tmp_path):
    """The same two-row 指标值 in a MoF form's indicator grid (form reader, not the list's)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目支出绩效目标表"
    ws.append(["项目支出绩效目标表"])
    ws.merge_cells("A1:G1")
    ws.append(["项目名称", "垃圾分类设施建设", None, "主管部门", "某区城管局"])
    ws.append(["实施单位", "某区环卫所"])
    ws.append(["年度资金总额", 200])
    ws.append(["年度目标", "新建垃圾分类亭50座，分类准确率达到80%"])
    ws.append(["一级指标", "二级指标", "三级指标", "指标值", None, None, "分值"])
    ws.append([None, None, None, "符号", "数值", "单位", None])
    for c in "ABCG":
        ws.merge_cells(f"{c}6:{c}7")
    ws.merge_cells("D6:F6")
    for r in [["产出指标", "数量指标", "新建分类亭", "≥", 50, "座", 30],
              [None, "质量指标", "分类准确率", "≥", 80, "%", 30],
              ["效益指标", "社会效益指标", "居民分类意识", "定性", "提高", None, 20],
              ["满意度指标", "服务对象满意度指标", "居民满意度", "≥", 85, "%", 10]]:
        ws.append(r)
    ws.merge_cells("A8:A9")
    path = tmp_path / "form.xlsx"
    wb.save(path)
    res = check_path(path)
    (table,) = res.tables
    assert table.layout == "form"
    (p,) = table.projects
    assert [(i.name, i.comparator, i.target, i.measure) for i in p.indicators] == [
        ("新建分类亭", "≥", 50, "座"), ("分类准确率", "≥", 80, "%"), ("居民分类意识", "定性", "提高", None),
        ("居民满意度", "≥", 85, "%")]
    codes = {f.code for f in res.report.findings}
    assert not codes & {"ST009", "ST010", "WT001", "VL002"}, codes
