"""The 配置 sheet: the rule settings a clerk may change inside the workbook.

The workbook build writes these rows; the buttons read them back with
:func:`xlperf.excel.settings.settings_from_rows` (the one parser, shared with
``xlperf check`` on a workbook), so every 设置项 below is a key that parser knows — a test
checks each row maps to its Config field. The sheet holds a header row and then one
setting per row: 设置项 | 值 | 说明.

| 设置项            | Config field                 | value                                   |
|-------------------|------------------------------|-----------------------------------------|
| 期望权重合计      | ``expected_total``           | number (default 90)                     |
| 产出指标          | ``shares["产出指标"]``       | number (50)                             |
| 效益指标          | ``shares["效益指标"]``       | number (30)                             |
| 满意度指标        | ``shares["满意度指标"]``     | number (10)                             |
| 成本指标          | ``shares["成本指标"]``       | number, or blank: counted inside 产出   |
| 权重合计容差      | ``tolerance``                | number (0.01)                           |
| 满意度最低值      | ``satisfaction_min``         | number (80)                             |
| 年度目标最少字数  | ``goal_min_length``          | whole number (10)                       |
| 只启用规则        | ``select``                   | codes or families, comma separated      |
| 关闭规则          | ``ignore``                   | codes or families, comma separated      |
| 级别调整          | ``severity``                 | ``WT003=错误, VL011=提示`` …            |

A blank value means "the default".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional

from xlperf.core.config import Config, config_from_mapping
from xlperf.core.config import CONFIG_SHEET  # its one home

__all__ = [
    "CONFIG_SHEET", "CONFIG_HEADER", "CONFIG_ROWS", "ConfigRow", "parse_config_rows", "config_from_rows",
    "default_rows",
]

CONFIG_HEADER = ("设置项", "值", "说明")


@dataclass(frozen=True)
class ConfigRow:
    key: str  # 设置项, as the clerk sees it
    field: str  # Config field ("shares.产出指标" for a share)
    kind: str  # "number" | "integer" | "codes" | "severity"
    default: Any  # written into the template; None = blank
    note: str  # 说明


def _default(field: str) -> Any:
    base = Config()
    if field == "severity":
        return ", ".join(f"{k}={v}" for k, v in base.severity.items()) or None
    if field.startswith("shares."):
        value = base.shares.get(field.split(".", 1)[1])
    else:
        value = getattr(base, field)
    if isinstance(value, list):
        return ", ".join(value) or None
    if isinstance(value, float) and value.is_integer():
        return int(value)  # a clerk reads 90, not 90.0
    return value


def _row(key: str, field: str, kind: str, note: str) -> ConfigRow:
    return ConfigRow(key, field, kind, _default(field), note)


CONFIG_ROWS: tuple[ConfigRow, ...] = (
    _row("期望权重合计", "expected_total", "number",
         "每个项目各指标权重之和应等于此数。默认 90（100 分减去预算执行率的 10 分）；如贵地要求 100，改为 100。"),
    _row("产出指标", "shares.产出指标", "number", "一级指标“产出指标”的权重合计应为多少。"),
    _row("效益指标", "shares.效益指标", "number", "一级指标“效益指标”的权重合计应为多少。"),
    _row("满意度指标", "shares.满意度指标", "number", "一级指标“满意度指标”的权重合计应为多少。"),
    _row("成本指标", "shares.成本指标", "number",
         "留空：成本指标的权重计入产出指标；填数字：成本指标单独核对该合计。"),
    _row("权重合计容差", "tolerance", "number", "权重合计与应为的合计比较时允许的误差。"),
    _row("满意度最低值", "satisfaction_min", "number", "满意度指标的指标值不应低于此数（%）。"),
    _row("年度目标最少字数", "goal_min_length", "integer", "年度目标少于此字数时提示写得过于简单。"),
    _row("只启用规则", "select", "codes",
         "留空：启用全部规则。填规则代码或类别（如 WT, VL001），用逗号分隔：只检查这些规则。"),
    _row("关闭规则", "ignore", "codes", "不检查的规则代码或类别，用逗号分隔，如 VL011, NM。"),
    _row("级别调整", "severity", "severity",
         "改变规则的级别：代码=级别，用逗号分隔，级别为 错误/警告/提示（或 error/warning/info），如 WT003=错误。"),
)


def default_rows() -> list[list[Any]]:
    """The header and one row per setting, as the template writes them."""
    return [list(CONFIG_HEADER)] + [[row.key, row.default, row.note] for row in CONFIG_ROWS]


def parse_config_rows(rows: Iterable[Iterable[Any]]) -> dict[str, Any]:
    """Rows of the 配置 sheet (a 2-D block) -> a mapping of :class:`Config` fields, through
    the buttons' parser. Share rows left blank keep their defaults."""
    from xlperf.excel.settings import merge_settings, settings_from_rows

    return merge_settings({}, settings_from_rows([list(row) for row in rows]))


def config_from_rows(rows: Iterable[Iterable[Any]], *, base: Optional[dict[str, Any]] = None) -> Config:
    """A validated Config from the 配置 sheet's rows on top of ``base`` (e.g. ``xlperf.toml``)."""
    from xlperf.excel.settings import merge_settings, settings_from_rows

    return config_from_mapping(merge_settings(base or {}, settings_from_rows([list(r) for r in rows])),
                               "（“配置”工作表）")
