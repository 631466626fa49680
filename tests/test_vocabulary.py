"""The one header vocabulary (core.headers): a test per synonym, per form label, and the list
reader on other provinces' headers: no 权重, unknown headers (ST015), [headers], swapped columns."""

from __future__ import annotations

import pytest

from xlperf.core.blocks import build_table
from xlperf.core.config import Config, ConfigError, load_config
from xlperf.core.grid import Grid
from xlperf.core.headers import _SYNONYMS, DUTY_LABELS, LABELS, field_of_header, find_layout
from xlperf.core.layouts import read_grid
from xlperf.core.layouts.labels import role_of

SYNONYMS = [(f, s) for f, syns in _SYNONYMS.items() for s in syns]
FORM_LABELS = [(r, s) for r, ls in LABELS.items() for s in ls]


@pytest.mark.parametrize("field,synonym", SYNONYMS, ids=[f"{f}-{s}" for f, s in SYNONYMS])
def test_header_synonym(field, synonym):
    assert field_of_header(synonym) == field
    assert field_of_header(f" {synonym}(万元) ") == field  # brackets and spaces do not matter
    assert field_of_header(f"*{synonym}：") == field


@pytest.mark.parametrize("role,label", FORM_LABELS, ids=[f"{r}-{s}" for r, s in FORM_LABELS])
def test_form_label(role, label):
    assert role_of(label) == role
    assert role_of(label + "：") == role


@pytest.mark.parametrize("role,label", [(r, s) for r, ls in DUTY_LABELS.items() for s in ls])
def test_duty_label_only_inside_the_duties_block(role, label):
    from xlperf.core.headers import DUTY_LOOKUP

    assert DUTY_LOOKUP[label] == role


def _list(header, rows):
    return Grid("清单", [header] + rows)


def test_a_list_without_weight_reads_every_indicator():
    g = _list(["项目名称", "项目资金(万元)", "一级指标", "二级指标", "三级指标", "目标值", "计量单位", "指标解释"],
              [["项目A", 12, "产出指标", "数量指标", "培训", "≥5", "次", "全年培训次数"]])
    (t,) = read_grid(g)
    (p,) = t.projects
    assert t.layout == "list" and p.budget == 12 and "weight" not in t.columns
    ind = p.indicators[0]
    assert (ind.comparator, ind.target, ind.measure) == ("≥", 5, "次")
    assert ind.details == {"指标解释": "全年培训次数"} and ind.origin["指标解释"] == "H2"
    assert not t.findings


def test_ST015_list_column_under_an_unknown_header_is_one_finding_naming_it():
    g = _list(["项目名称", "拨款金额来源", "一级指标", "三级指标", "指标值"],
              [["项目A", "本级", "产出指标", "培训", 5], [None, "本级", "产出指标", "会议", 2]])
    t = build_table(g)
    (f,) = t.findings
    assert f.code == "ST015" and "拨款金额来源" in f.message and "B2、B3" in f.message
    assert "预算数" in f.message  # the likely field


def test_ST015_list_header_mapped_in_config_is_read():
    g = _list(["项目名称", "拨款金额", "一级指标", "三级指标", "指标值"], [["项目A", 7, "产出指标", "培训", 5]])
    (t,) = read_grid(g, Config(headers={"拨款金额": "budget"}))
    assert t.projects[0].budget == 7 and not t.findings


def test_headers_in_xlperf_toml(tmp_path):
    path = tmp_path / "xlperf.toml"
    path.write_text('[headers]\n"项目资金(万元)" = "budget"\n', encoding="utf-8")
    assert load_config(path).headers == {"项目资金(万元)": "budget"}
    path.write_text('[headers]\n"项目资金" = "money"\n', encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(path)


def test_ST014_list_comparator_and_direction_swapped():
    g = _list(["项目名称", "一级指标", "三级指标", "指标性质", "指标值", "指标方向"],
              [["项目A", "产出指标", "培训", "正向", 5, "≥"], [None, "产出指标", "会议", "反向", 2, "≤"]])
    (t,) = read_grid(g)
    assert [f.code for f in t.findings] == ["ST014"]
    assert [(i.comparator, i.direction) for i in t.projects[0].indicators] == [("≥", "正向指标"), ("≤", "反向指标")]
    assert t.columns["comparator"] == 6 and t.columns["direction"] == 4


def test_detail_cell_on_a_row_without_indicator_is_not_lost():
    g = _list(["单位名称", "项目名称", "一级指标", "三级指标", "指标值", "指标解释"],
              [["208-某部门", None, None, None, None, "见附件一"], [None, "项目A", "产出指标", "培训", 5, None]])
    t = build_table(g)
    assert [(f.code, f.cell) for f in t.findings] == [("ST010", "F2")]


def test_project_unit_header_is_the_unit_not_the_project():
    # 北京-style lists: 项目名称 | 项目单位 | 资金总额 …; 项目单位 names the unit that carries the project out
    g = _list(["项目名称", "项目单位", "资金总额", "一级指标", "二级指标", "三级指标", "指标值"],
              [["项目A", "区文化馆", 12, "产出指标", "数量指标", "演出场次", "≥50场"]])
    (t,) = read_grid(g)
    (p,) = t.projects
    assert p.name == "项目A" and p.unit_name == "区文化馆" and p.budget == 12
    assert not [f for f in t.findings if f.code == "ST015"]
    assert role_of("项目单位：") == "unit"  # and the form label
