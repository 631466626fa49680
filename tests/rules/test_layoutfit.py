"""VL017 dates where a number belongs, TX009-TX011 template leftovers and level names out of
place, VL018 one dummy value everywhere, the core-indicator mark, WT005/WT006 stated points."""

import datetime

import pytest

from xlperf.core.config import Config
from xlperf.core.engine import check_table
from xlperf.core.normalise import parse_stated_points, strip_core_mark

from ..helpers import findings_of, good_project, ind, table_of
from .util import addr, variant


def only(fs, code):
    return [f for f in fs if f.code == code]


# --- VL017 -----------------------------------------------------------------------------------

def test_VL017_wuhai_date_serial_in_target_and_measure():
    fs = findings_of(variant({2: {"comparator": "=", "target": 44561, "measure": "44,561"}}))
    (f,) = only(fs, "VL017")
    assert f.cell == addr("target", 2) and "2021-12-31" in f.message and "度量单位" in f.message


def test_VL017_a_date_cell_as_target_and_a_number_as_unit():
    fs = findings_of(variant({2: {"target": datetime.datetime(2021, 12, 31)}}))
    (f,) = only(fs, "VL017")
    assert "指标值是日期（2021-12-31）" in f.message
    (g,) = only(findings_of(variant({1: {"measure": 12}})), "VL017")
    assert g.cell == addr("measure", 1) and "是数字" in g.message


def test_VL017_not_on_large_ordinary_numbers():
    rows = variant({0: {"name": "受益人数", "target": 50000, "measure": "人"}})
    assert not only(findings_of(rows), "VL017")
    assert not only(findings_of(good_project()), "VL017")


# --- TX009 / TX010 -----------------------------------------------------------------------------

@pytest.mark.parametrize("name, found", [("指标2", "指标2"), ("指标1工程完工率", "指标1"), ("……", "……"),
                                         ("受益建档立卡贫困人口数≥**人", "**"), ("XX项目完成率", "XX")])
def test_TX009_placeholder_names(name, found):
    (f,) = only(findings_of(variant({1: {"name": name}})), "TX009")
    assert f.cell == addr("name", 1) and f"“{found}”" in f.message


def test_TX009_placeholder_value_and_clean_names():
    (f,) = only(findings_of(variant({1: {"comparator": None, "target": "≥**%", "measure": None}})), "TX009")
    assert f.cell == addr("target", 1)
    assert not only(findings_of(variant({1: {"name": "X光机使用率"}, 2: {"name": "指标体系建设完成率"}})), "TX009")


def test_TX010_level_name_as_the_indicator_name():
    (f,) = only(findings_of(variant({1: {"name": "质量指标"}})), "TX010")
    assert f.cell == addr("name", 1) and "质量指标" in f.message
    assert not only(findings_of(variant({1: {"name": "工程质量"}})), "TX010")


# --- VL018 -----------------------------------------------------------------------------------

def test_VL018_the_same_value_on_every_row():
    same = {i: {"comparator": "=", "target": 100, "measure": None, "direction": "正向指标"} for i in range(5)}
    (f,) = only(findings_of(variant(same)), "VL018")
    assert f.cell == addr("target", 0) and "5条" in f.message and "“100”" in f.message
    same[4]["target"] = 95
    assert not only(findings_of(variant(same)), "VL018")
    assert not only(findings_of(good_project()), "VL018")


# --- TX011 -----------------------------------------------------------------------------------

def test_TX011_two_level_table_reported_once_not_TX001_per_row():
    rows = [ind(level1="数量指标", level2="培训人次", project="项目A", budget=10, goal="完成年度培训任务，提升干部业务能力水平"),
            ind(level1="质量指标", level2="培训合格率"), ind(level1="时效指标", level2="完成时限"),
            ind(level1="社会效益指标", level2="干部能力")]
    fs = findings_of(rows)
    (f,) = only(fs, "TX011")
    assert f.cell == addr("level1", 0) and "共4行" in f.message
    assert not only(fs, "TX001")
    # one misplaced row in an ordinary table stays a TX001 with its hint
    fs = findings_of(variant({1: {"level1": "质量指标"}}))
    assert not only(fs, "TX011") and len(only(fs, "TX001")) == 1


# --- core mark -------------------------------------------------------------------------------

def test_core_mark_is_a_flag_not_part_of_the_name():
    t = table_of(variant({1: {"name": "*贫困地区旅游基础设施建设质量达标率"}, 2: {"name": "★★★受益人数"}}))
    inds = t.projects[0].indicators
    assert inds[1].name == "贫困地区旅游基础设施建设质量达标率" and "flag:core" in inds[1].notes
    assert inds[2].name == "受益人数" and "flag:core" in inds[2].notes
    assert inds[1].raw["name"].startswith("*")
    assert "flag:core" not in inds[0].notes
    assert strip_core_mark("**人") == ("**人", False)


# --- WT005 / WT006 ---------------------------------------------------------------------------

@pytest.mark.parametrize("label, name, low, high", [
    ("产出指标(50分)", "产出指标", 50, 50), ("产出指标（40-50分）", "产出指标", 40, 50),
    ("年度绩效目标(90分)", "年度绩效目标", 90, 90), ("预算执行情况(10分)", "预算执行情况", 10, 10)])
def test_parse_stated_points(label, name, low, high):
    sp = parse_stated_points(label)
    assert (sp.name, sp.low, sp.high) == (name, low, high)


def test_parse_stated_points_with_parts():
    sp = parse_stated_points("绩效指标(权重分值90分,其中产出指标权重分值50分,效益指标权重分值30分,满意度指标权重分值10分)")
    assert sp.points == 90 and dict(sp.parts) == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert parse_stated_points("产出指标") is None


def test_WT005_level_points_in_the_level1_cell():
    rows = variant({0: {"level1": "产出指标(50分)"}, 1: {"level1": "产出指标(50分)"}, 2: {"level1": "产出指标(50分)"}})
    assert not only(findings_of(rows), "WT005")
    rows[2][10] = 10  # 产出 20 + 15 + 10 = 45
    (f,) = only(findings_of(rows), "WT005")
    assert f.cell == addr("level1", 0) and "50分" in f.message and "45" in f.message


def test_WT005_range_and_table_stated_points():
    rows = variant({i: {"level1": "产出指标（40-50分）"} for i in range(3)})
    rows[2][10] = 10
    assert not only(findings_of(rows), "WT005")  # 45 is within 40-50
    t = table_of(good_project())
    t.stated_points = {"效益指标": 20.0}
    t.stated_points_cells = {"效益指标": "A10"}
    (f,) = only(check_table(t, Config()), "WT005")
    assert f.cell == "A10" and "效益指标注明20分" in f.message


def test_WT006_stated_total_replaces_the_configured_one():
    rows = good_project()
    rows[0][10] = 30  # total 100
    t = table_of(rows)
    assert len(only(check_table(t, Config()), "WT002")) == 1
    t.stated_points = {"绩效指标": 100.0}
    t.stated_points_cells = {"绩效指标": "A5"}
    fs = check_table(t, Config())
    assert not only(fs, "WT002")
    (f,) = only(fs, "WT006")
    assert f.severity == "info" and f.cell == "A5" and "按100分" in f.message and "90" in f.message
    t.stated_points = {"合计": 100.0, "预算执行": 10.0}
    fs = check_table(t, Config())
    assert len(only(fs, "WT002")) == 1 and not only(fs, "WT006")  # 100 - 10 = 90 = configured


def test_TX010_not_on_common_real_names():
    for name in ("服务对象满意度", "社会效益", "群众满意度"):
        assert not only(findings_of(variant({4: {"name": name}})), "TX010"), name


def test_TX009_empty_template_row_reported_once():
    from .util import blank_row
    rows = good_project() + [blank_row(level1="产出指标", level2="数量指标", name="指标2"),
                             blank_row(level1="产出指标", level2="数量指标", name="……")]
    fs = findings_of(rows)
    tx = only(fs, "TX009")
    assert len(tx) == 2 and all("模板留下的空行" in f.message for f in tx)
    assert not [f for f in fs if f.code in ("WT001", "VL015") and f.row in {f.row for f in tx}]
