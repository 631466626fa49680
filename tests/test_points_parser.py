"""normalise.parse_stated_points: the one reading of the points a label states, used by the form,
department and self-evaluation readers and by rules WT005/WT006."""

import pytest

from xlperf.core.layouts import labels, self_evaluation
from xlperf.core.normalise import parse_stated_points


@pytest.mark.parametrize("text,name,low,high", [
    ("产出指标(50分)", "产出指标", 50, 50),
    ("产出指标（50分）", "产出指标", 50, 50),
    ("产出指标（40-50分）", "产出指标", 40, 50),
    ("产出指标（40－50分）", "产出指标", 40, 50),
    ("产出指标(40~50分)", "产出指标", 40, 50),
    ("产出指标（40至50分）", "产出指标", 40, 50),
    ("效益指标30分", "效益指标", 30, 30),
    ("产出指标(权重50分)", "产出指标", 50, 50),
    ("产出指标(分值:50分)", "产出指标", 50, 50),
    ("产出指标 ( 50 分 )", "产出指标", 50, 50),
    ("产出指标：（50分）", "产出指标", 50, 50),
    ("年度绩效目标(90分)", "年度绩效目标", 90, 90),
    ("绩效指标(90分)", "绩效指标", 90, 90),
    ("绩效指标（一级指标权重90分）", "绩效指标", 90, 90),
    ("预算执行情况(10分)", "预算执行情况", 10, 10),
    ("预算执行情况（10分）", "预算执行情况", 10, 10),
    ("成本指标(7.5分)", "成本指标", 7.5, 7.5),
])
def test_spellings(text, name, low, high):
    sp = parse_stated_points(text)
    assert (sp.name, sp.low, sp.high, sp.stated) == (name, low, high, True)
    assert sp.points == (high if low == high else None)


def test_banner_with_its_parts():
    sp = parse_stated_points("绩效指标(权重分值90分,其中产出指标权重分值50分,效益指标权重分值30分,满意度指标权重分值10分)")
    assert (sp.name, sp.points) == ("绩效指标", 90)
    assert sp.parts == (("产出指标", 50), ("效益指标", 30), ("满意度指标", 10))
    assert sp.named() == {"绩效指标": 90, "产出指标": 50, "效益指标": 30, "满意度指标": 10}


def test_points_of_parts_are_not_the_labels_own():
    """产出指标（数量指标20分、…）: the 20 is 数量指标's, not 产出指标's."""
    sp = parse_stated_points("产出指标（数量指标20分、质量指标30分）")
    assert not sp.stated and sp.points is None
    assert sp.named() == {"数量指标": 20, "质量指标": 30}
    sp = parse_stated_points("绩效指标（其中产出指标50分）")
    assert not sp.stated and sp.named() == {"产出指标": 50}


@pytest.mark.parametrize("text", ["满意度指标", "总分", "得分", "分值", "", None, 50, "产出指标(万元)"])
def test_no_points(text):
    assert parse_stated_points(text) is None


def test_a_range_is_not_a_single_figure():
    sp = parse_stated_points("产出指标（40-50分）")
    assert sp.points is None and sp.named() == {}


def test_the_readers_views_of_the_one_reading():
    # the form reader's banners (its level cells call parse_stated_points itself)
    assert labels.stated_points("预算执行情况(10分)") == {"预算执行情况": 10}
    assert labels.stated_points("绩效指标(权重分值90分,其中产出指标权重分值50分)") == {"绩效指标": 90, "产出指标": 50}
    assert labels.stated_points("满意度指标") == {}
    # the self-evaluation reader's block labels: one figure (the top of a range)
    assert self_evaluation.stated_points("绩效指标(90分)") == 90
    assert self_evaluation.stated_points("预算执行情况（10分）") == 10
    assert self_evaluation.stated_points("绩效指标(80-90分)") == 90
    assert self_evaluation.stated_points("产出指标（数量指标20分、质量指标30分）") is None
    assert self_evaluation.stated_points("项目资金(万元)") is None
