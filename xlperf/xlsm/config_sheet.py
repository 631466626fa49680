"""The 配置 sheet: the rule settings a clerk may change inside the workbook.

One definition shared by the workbook build (which writes the rows) and the buttons
(which read them back into :class:`xlperf.core.config.Config`). The sheet holds a header
row and then one setting per row: 设置项 | 值 | 说明. Only the first two columns are read.

| 设置项            | Config field                 | value                                   |
|-------------------|------------------------------|-----------------------------------------|
| 期望权重合计      | ``expected_total``           | number (default 90)                     |
| 产出指标          | ``shares["产出指标"]``       | number (50)                             |
| 效益指标          | ``shares["效益指标"]``       | number (30)                             |
| 满意度指标        | ``shares["满意度指标"]``     | number (10)                             |
| 成本指标          | ``shares["成本指标"]``       | number, or blank: counted inside 产出   |
| 权重容差          | ``tolerance``                | number (0.01)                           |
| 满意度最低值      | ``satisfaction_min``         | number (80)                             |
| 年度目标最短字数  | ``goal_min_length``          | whole number (10)                       |
| 只启用规则        | ``select``                   | codes or families, comma separated      |
| 关闭规则          | ``ignore``                   | codes or families, comma separated      |
| 级别调整          | ``severity``                 | ``WT003=error, VL011=提示`` …           |

A blank value means "the default". Unknown 设置项 and unusable values raise
:class:`~xlperf.core.config.ConfigError` with a message for the clerk that names the row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from ..core.config import Config, ConfigError, config_from_mapping

__all__ = [
    "CONFIG_SHEET", "CONFIG_HEADER", "CONFIG_ROWS", "ConfigRow", "parse_config_rows", "config_from_rows",
    "default_rows",
]

CONFIG_SHEET = "配置"
CONFIG_HEADER = ("设置项", "值", "说明")

_SHARES = ("产出指标", "效益指标", "满意度指标", "成本指标")
_SEVERITY_WORDS = {
    "error": "error", "错误": "error",
    "warning": "warning", "警告": "warning",
    "info": "info", "提示": "info",
}
_LIST_SPLIT = re.compile(r"[,，、;；\s]+")
_PAIR_SPLIT = re.compile(r"\s*[=＝:：]\s*")


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
    _row("权重容差", "tolerance", "number", "比较权重与金额时允许的误差。"),
    _row("满意度最低值", "satisfaction_min", "number", "满意度指标的指标值不应低于此数（%）。"),
    _row("年度目标最短字数", "goal_min_length", "integer", "年度目标少于此字数时提示写得过于简单。"),
    _row("只启用规则", "select", "codes",
         "留空：启用全部规则。填规则代码或类别（如 WT, VL001），用逗号分隔：只检查这些规则。"),
    _row("关闭规则", "ignore", "codes", "不检查的规则代码或类别，用逗号分隔，如 VL011, NM。"),
    _row("级别调整", "severity", "severity",
         "改变规则的级别：代码=级别，用逗号分隔，级别为 错误/警告/提示（或 error/warning/info），如 WT003=错误。"),
)
_BY_KEY = {row.key: row for row in CONFIG_ROWS}


def default_rows() -> list[list[Any]]:
    """The header and one row per setting, as the template writes them."""
    return [list(CONFIG_HEADER)] + [[row.key, row.default, row.note] for row in CONFIG_ROWS]


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _number(row: ConfigRow, v: Any, where: str) -> float:
    if isinstance(v, bool):
        raise ConfigError(f"{where}“{row.key}”应填数字，现为“{v}”（not a number）")
    if isinstance(v, (int, float)):
        return float(v)
    text = str(v).strip().replace("，", "").replace(",", "").rstrip("%％分")
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"{where}“{row.key}”应填数字，现为“{v}”（not a number）") from None


def _codes(v: Any) -> list[str]:
    return [part.upper() for part in _LIST_SPLIT.split(str(v).strip()) if part]


def _severities(row: ConfigRow, v: Any, where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in re.split(r"[,，、;；\n]+", str(v)):
        if not item.strip():
            continue
        parts = _PAIR_SPLIT.split(item.strip())
        level = _SEVERITY_WORDS.get(parts[-1].strip().lower()) if len(parts) == 2 else None
        if level is None or not parts[0].strip():
            raise ConfigError(
                f"{where}“{row.key}”中的“{item.strip()}”应写成 代码=级别（级别为 错误/警告/提示），"
                f"如 WT003=错误（expected CODE=error|warning|info）"
            )
        out[parts[0].strip().upper()] = level
    return out


def _parse(rows: Iterable[Iterable[Any]], sheet: str) -> tuple[dict[str, Any], dict[str, float]]:
    data: dict[str, Any] = {}
    shares: dict[str, float] = {}
    for index, raw in enumerate(rows, start=1):
        cells = list(raw) + [None, None]
        key, value = cells[0], cells[1]
        if _blank(key):
            continue
        key = str(key).strip()
        if key == CONFIG_HEADER[0]:
            continue
        where = f"“{sheet}”工作表第{index}行："
        row = _BY_KEY.get(key)
        if row is None:
            raise ConfigError(f"{where}不认识的设置项“{key}”；可用的设置项：{'、'.join(_BY_KEY)}（unknown setting）")
        if _blank(value):
            continue
        if row.kind == "number":
            number = _number(row, value, where)
            if row.field.startswith("shares."):
                shares[row.field.split(".", 1)[1]] = number
            else:
                data[row.field] = number
        elif row.kind == "integer":
            number = _number(row, value, where)
            if not number.is_integer():
                raise ConfigError(f"{where}“{row.key}”应填整数，现为“{value}”（not a whole number）")
            data[row.field] = int(number)
        elif row.kind == "codes":
            data[row.field] = _codes(value)
        else:
            data[row.field] = _severities(row, value, where)
    return data, shares


def parse_config_rows(rows: Iterable[Iterable[Any]], *, sheet: str = CONFIG_SHEET) -> dict[str, Any]:
    """Rows of the 配置 sheet (a 2-D block read from A1, so that messages can name the
    sheet row; the header row and
    rows with a blank 设置项 are skipped) -> a mapping of :class:`Config` fields holding
    the settings that are filled in. Share rows left blank keep their defaults (a blank
    成本指标 means "counted inside 产出指标")."""
    data, shares = _parse(rows, sheet)
    if shares:
        data["shares"] = {**Config().shares, **shares}
    return data


def config_from_rows(rows: Iterable[Iterable[Any]], *, sheet: str = CONFIG_SHEET,
                     base: Optional[dict[str, Any]] = None) -> Config:
    """A validated Config from the 配置 sheet's rows, on top of ``base`` (e.g. the mapping
    read from ``xlperf.toml``): a filled-in row wins over ``base``, a blank one keeps it."""
    data = dict(base or {})
    sheet_data, shares = _parse(rows, sheet)
    data.update(sheet_data)
    if shares:
        data["shares"] = {**(data.get("shares") or Config().shares), **shares}
    return config_from_mapping(data, f"（“{sheet}”工作表）")
