"""Settings for the buttons: ``xlperf.toml`` beside the workbook, then the 配置 sheet on top.

The 配置 sheet is key/value rows (column A the setting, column B its value; a header row and
a third 说明 column are fine). Known keys, Chinese or the Config field names:

    期望权重合计 | expected_total        90
    权重合计容差 | tolerance             0.01
    产出指标 / 效益指标 / 满意度指标 / 成本指标   shares of the expected total
    关闭规则 | ignore                   WT002, VL0      (codes or prefixes)
    只启用规则 | select                 WT, VL
    级别调整 | severity                 WT002=警告; VL003=错误
    满意度最低值 | satisfaction_min      80
    年度目标最少字数 | goal_min_length   10

A rule table works too: a row whose first cell is a rule code (``WT002``) and whose other
cells say 关闭/否/停用 turns the rule off, and 错误/警告/提示 sets its level.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, Optional, Sequence

from ..core.config import Config, ConfigError, config_from_mapping
from ..core.normalise import clean_text, compact, parse_number
from ..core.rules.registry import CODE_RE

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_KEYS = {
    "期望权重合计": "expected_total", "期望合计": "expected_total", "权重合计期望值": "expected_total",
    "expected_total": "expected_total",
    "权重合计容差": "tolerance", "容差": "tolerance", "tolerance": "tolerance",
    "满意度最低值": "satisfaction_min", "满意度指标最低值": "satisfaction_min", "satisfaction_min": "satisfaction_min",
    "年度目标最少字数": "goal_min_length", "goal_min_length": "goal_min_length",
    "关闭规则": "ignore", "忽略规则": "ignore", "停用规则": "ignore", "ignore": "ignore",
    "只启用规则": "select", "启用规则": "select", "select": "select",
    "级别调整": "severity", "规则级别": "severity", "severity": "severity",
}
_NUMERIC = {"expected_total", "tolerance", "satisfaction_min", "goal_min_length"}
SHARE_KEYS = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVELS = {"错误": "error", "警告": "warning", "提示": "info", "error": "error", "warning": "warning", "info": "info"}
_OFF = {"关闭", "停用", "否", "不启用", "禁用", "off", "false", "no", "0"}
_SPLIT = re.compile(r"[\s,，;；、/]+")


def _key(v: Any) -> Optional[str]:
    s = clean_text(v)
    if s is None:
        return None
    k = compact(s).rstrip(":：")
    k = re.sub(r"[(（][^)）]*[)）]", "", k)  # 期望权重合计（默认90） -> 期望权重合计
    return k


def _share_key(k: str) -> Optional[str]:
    for s in SHARE_KEYS:
        if k in (s, s + "占比", s + "权重", s + "分值", s[:-2], s[:-2] + "占比", s[:-2] + "权重"):
            return s
    return None


def settings_from_rows(rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """The 配置 sheet's rows -> a mapping for ``config_from_mapping`` (only what is set)."""
    out: dict[str, Any] = {}
    shares: dict[str, Any] = {}
    ignore: list[str] = []
    select: list[str] = []
    severity: dict[str, str] = {}
    for row in rows:
        cells = list(row) + [None, None]
        k = _key(cells[0])
        if not k:
            continue
        rest = [v for v in cells[1:] if clean_text(v) is not None]
        value = cells[1] if clean_text(cells[1]) is not None else None
        if CODE_RE.match(k.upper()):  # a rule table row: code | 启用 | 级别
            code = k.upper()
            words = [compact(str(v)).lower() for v in rest]
            if any(w in _OFF for w in words) or any(v is False for v in rest):
                ignore.append(code)
            for w in words:
                if w in LEVELS:
                    severity[code] = LEVELS[w]
            continue
        share = _share_key(k)
        if share is not None:
            if value is not None:
                shares[share] = _number(value, k)
            continue
        field = _KEYS.get(k) or _KEYS.get(k.lower())
        if field is None or value is None:
            continue
        if field in _NUMERIC:
            n = _number(value, k)
            out[field] = int(n) if field == "goal_min_length" else n
        elif field in ("ignore", "select"):
            (ignore if field == "ignore" else select).extend(p for p in _SPLIT.split(str(value)) if p)
        elif field == "severity":
            for part in re.split(r"[,，;；\n]+", str(value)):
                m = re.match(r"\s*([A-Za-z]{2}\d{3})\s*[=:：＝]\s*(\S+)\s*$", part)
                if m and m.group(2).lower() in LEVELS:
                    severity[m.group(1).upper()] = LEVELS[m.group(2).lower()]
                elif part.strip():
                    raise ConfigError(f"“配置”工作表中“{cells[0]}”的写法无法识别：{part.strip()}（应写成 WT002=警告）")
    if shares:
        out["shares"] = shares
    if ignore:
        out["ignore"] = ignore
    if select:
        out["select"] = select
    if severity:
        out["severity"] = severity
    return out


def _number(v: Any, key: str) -> float:
    n = parse_number(v).value
    if n is None:
        raise ConfigError(f"“配置”工作表中“{key}”的值“{v}”不是数字（not a number）")
    return n


def merge_settings(base: dict[str, Any], sheet: dict[str, Any]) -> dict[str, Any]:
    """The sheet wins key by key; shares and severities merge, rule lists add up."""
    out = dict(base.get("xlperf", base))
    for k, v in sheet.items():
        if k in ("shares", "severity"):
            merged = dict(Config().shares) if k == "shares" else {}
            merged.update(out.get(k) or {})
            merged.update(v)
            out[k] = merged
        elif k in ("ignore", "select"):
            out[k] = list(out.get(k) or []) + list(v)
        else:
            out[k] = v
    return out


def toml_settings(book_path: Optional[Path]) -> dict[str, Any]:
    if book_path is None:
        return {}
    candidate = Path(book_path).parent / "xlperf.toml"
    if not candidate.is_file():
        return {}
    try:
        return tomllib.loads(candidate.read_bytes().decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as e:
        raise ConfigError(f"配置文件 {candidate} 无法读取或不是有效的 TOML：{e}") from None


def build_config(book_path: Optional[Path], sheet_rows: Optional[Sequence[Sequence[Any]]]) -> Config:
    base = toml_settings(book_path)
    sheet = settings_from_rows(sheet_rows) if sheet_rows else {}
    return config_from_mapping(merge_settings(base, sheet), "（配置工作表 / xlperf.toml）")
