"""The 配置 sheet and xlperf.toml -> Config."""

from __future__ import annotations

import pytest

from xlperf.core.config import ConfigError
from xlperf.excel.settings import build_config, settings_from_rows


def test_key_value_rows():
    rows = [["设置项", "值", "说明"], ["期望权重合计（默认90）", 100, "x"], ["产出指标", 60], ["效益指标", ""],
            ["关闭规则", "WT002，VL0"], ["只启用规则", "WT VL"], ["级别调整", "WT002=警告；VL003=错误"],
            ["权重合计容差", "0.5"], ["年度目标最少字数", 8.0], ["随便什么", 1]]
    assert settings_from_rows(rows) == {
        "expected_total": 100.0, "tolerance": 0.5, "goal_min_length": 8, "shares": {"产出指标": 60.0},
        "ignore": ["WT002", "VL0"], "select": ["WT", "VL"], "severity": {"WT002": "warning", "VL003": "error"},
    }


def test_rule_table_rows():
    rows = [["代码", "启用", "级别"], ["WT002", "否", None], ["vl003", "是", "提示"], ["NM001", False]]
    assert settings_from_rows(rows) == {"ignore": ["WT002", "NM001"], "severity": {"VL003": "info"}}


def test_shares_merge_with_the_defaults(tmp_path):
    cfg = build_config(tmp_path / "book.xlsx", [["产出指标", 60], ["成本指标", 10]])
    assert cfg.shares == {"产出指标": 60.0, "效益指标": 30.0, "满意度指标": 10.0, "成本指标": 10.0}


def test_toml_then_sheet(tmp_path):
    (tmp_path / "xlperf.toml").write_text('[xlperf]\nexpected_total = 100\nignore = ["TX"]\n', encoding="utf-8")
    cfg = build_config(tmp_path / "book.xlsx", [["关闭规则", "WT002"]])
    assert cfg.expected_total == 100 and cfg.ignore == ["TX", "WT002"]
    assert build_config(tmp_path / "book.xlsx", [["期望权重合计", 90]]).expected_total == 90
    assert build_config(None, None).expected_total == 90


@pytest.mark.parametrize("rows,words", [([["期望权重合计", "九十"]], "不是数字"),
                                        ([["级别调整", "WT002 很严重"]], "WT002=警告"),
                                        ([["期望权重合计", -5]], "expected_total")])
def test_bad_settings_say_what_is_wrong(rows, words):
    with pytest.raises(ConfigError) as e:
        build_config(None, rows)
    assert words in str(e.value)


def test_the_built_config_sheet_rows_all_parse():
    """The rows the workbook build writes into 配置 are all understood (if the builder is there)."""
    sheet = pytest.importorskip("tools.xlsm.config_sheet")
    rows = getattr(sheet, "default_rows", None)
    if rows is None:
        pytest.skip("no default_rows in tools.xlsm.config_sheet")
    cfg = build_config(None, [list(r) for r in rows()])
    assert cfg.expected_total == 90
