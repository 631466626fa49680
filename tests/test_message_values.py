"""How values read in a message (issue 14): an empty cell is 未填写, never “（空）”为空; numbers
as the clerk wrote them."""

from __future__ import annotations

from xlperf.core.rules.registry import get_rule, render_rule


def test_an_empty_quoted_value_reads_unfilled():
    vl007 = get_rule("VL007")
    assert render_rule(vl007, {"direction": None, "problem": "为空，应为“正向指标”或“反向指标”"}) == \
        " 指标方向性未填写，应为“正向指标”或“反向指标”"
    vl001 = get_rule("VL001")
    assert "指标性质未填写，应为" in render_rule(vl001, {"comparator": None, "problem": "为空，应为 ≥ ≤ = > < 或 定性"})
    # a value that is there is quoted as before
    assert "指标方向性“正”无法识别" in render_rule(vl007, {"direction": "正", "problem": "无法识别"})


def test_an_empty_value_elsewhere_reads_unfilled_in_brackets():
    wt002 = get_rule("WT002")
    text = render_rule(wt002, {"project": "甲", "total": None, "expected": 90, "diff": None})
    assert "（空）" not in text and "（未填写）" in text


def test_numbers_as_written():
    wt002 = get_rule("WT002")
    text = render_rule(wt002, {"project": "甲", "total": 0.1 + 0.2 + 79.7, "expected": 90.0, "diff": -10.0})
    assert "权重合计为80，应为90（相差-10）" in text
    assert "0.3" in render_rule(wt002, {"project": "甲", "total": 0.1 + 0.2, "expected": 90, "diff": -89.7})
