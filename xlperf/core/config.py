"""Settings: the one parser of ``xlperf.toml`` and of the workbook's 配置 sheet, and the one
function that resolves them, before anything is read.

Precedence (:func:`resolve_settings`): flags (``--expected-total``) over ``--config`` over the
workbook's 配置 sheet over the ``xlperf.toml`` beside the file over the defaults. A ``--config``
file is the whole configuration (a bureau's one rulebook for every file): the file's own 配置
sheet and ``xlperf.toml`` are then not consulted. Without it, the 配置 sheet wins over the
``xlperf.toml`` key by key (shares and severities merge, rule lists add up).

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

Bad settings (``nan``, ``inf``, ``1e309``, a negative total, an unknown key in ``xlperf.toml``, a
配置 value that is not a number) raise :class:`ConfigError`, whose message names the key in
Chinese and English; the command line turns it into exit 2.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path
from typing import Any, Optional, Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .filenames import ReadableMessage
from .model import Severity
from .normalise import clean_text, compact, parse_number

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(ReadableMessage, ValueError):
    """A configuration that cannot be used; the message is for the clerk."""


SHARE_KEYS = ("产出指标", "效益指标", "满意度指标", "成本指标")
_SEVERITY_KEY = re.compile(r"^[A-Z]{2}\d{3}$")


class Config(BaseModel):
    # Unknown keys are refused (a misspelt key would silently leave its default in force);
    # nan, inf and 1e309 (inf once parsed) are refused for every number.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    # 100 minus the 10 points that 预算执行率 earns at self-evaluation.
    expected_total: float = Field(90.0, gt=0)
    tolerance: float = Field(0.01, ge=0)
    # Level-1 shares; 成本指标 counts inside 产出 unless it has its own share here.
    shares: dict[str, float] = Field(
        default_factory=lambda: {"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}
    )
    satisfaction_min: float = Field(80.0, ge=0)
    # Staff-cost and running-cost projects (工资性支出, 公用经费, 运转类 …) are recognised by name;
    # list more here (whole names or parts of names): TX005/TX006/WT003/ST011 do not apply to them.
    routine_projects: list[str] = Field(default_factory=list)
    # The same indicator row (name, target, weight) on at least this many projects is listed as copied.
    copied_min_projects: int = Field(default=3, ge=2)
    goal_min_length: int = Field(10, ge=0)
    select: list[str] = Field(default_factory=list)  # codes or prefixes; empty = all
    ignore: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)
    # [headers] "项目资金(万元)" = "budget": a header as written -> field, for headers the
    # vocabulary (core.headers) does not know; read by every layout reader.
    headers: dict[str, str] = Field(default_factory=dict)

    @field_validator("headers")
    @classmethod
    def _known_fields(cls, v: dict[str, str]) -> dict[str, str]:
        from .headers import HEADER_FIELDS

        bad = {h: f for h, f in v.items() if f not in HEADER_FIELDS}
        if bad:
            raise ValueError("unknown field(s) " + ", ".join(f"{h!r} = {f!r}" for h, f in bad.items())
                             + f"; use one of: {', '.join(HEADER_FIELDS)}")
        return {h.strip(): f for h, f in v.items() if h.strip()}

    @field_validator("select", "ignore")
    @classmethod
    def _upper(cls, v: list[str]) -> list[str]:
        return [s.strip().upper() for s in v if s.strip()]

    @field_validator("shares")
    @classmethod
    def _shares(cls, v: dict[str, float]) -> dict[str, float]:
        for k, n in v.items():
            if k not in SHARE_KEYS:
                raise ValueError(f"unknown level-1 indicator {k!r} (one of {', '.join(SHARE_KEYS)})")
            if not math.isfinite(n) or n < 0:
                raise ValueError(f"share of {k} must be a finite number ≥ 0")
        return v

    @field_validator("severity")
    @classmethod
    def _codes(cls, v: dict[str, Severity]) -> dict[str, Severity]:
        bad = [k for k in v if not _SEVERITY_KEY.match(k)]
        if bad:
            raise ValueError(f"not a rule code: {', '.join(map(repr, bad))} (e.g. WT002)")
        return v

    def enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(s) for s in self.select):
            return False
        return not any(code.startswith(s) for s in self.ignore)

    def severity_of(self, code: str, default: Severity) -> Severity:
        return self.severity.get(code, default)


# The name a clerk knows each setting by (the 配置 sheet's key), for messages.
SETTING_NAMES = {
    "expected_total": "期望权重合计", "tolerance": "权重合计容差", "shares": "一级指标分值",
    "satisfaction_min": "满意度最低值", "goal_min_length": "年度目标最少字数", "select": "只启用规则",
    "ignore": "关闭规则", "severity": "级别调整",
}
_WHY = {  # pydantic error type -> (Chinese, English)
    "finite_number": ("必须是有限的数字，不能是 nan、inf 或超出范围的数", "must be a finite number"),
    "greater_than": ("必须大于 {gt}", "must be > {gt}"),
    "greater_than_equal": ("不能小于 {ge}", "must be ≥ {ge}"),
    "extra_forbidden": ("不是可识别的设置项", "unknown setting"),
    "float_parsing": ("不是数字", "not a number"),
    "float_type": ("不是数字", "not a number"),
    "int_parsing": ("不是整数", "not a whole number"),
    "int_from_float": ("不是整数", "not a whole number"),
    "int_type": ("不是整数", "not a whole number"),
    "literal_error": ("只能是 error / warning / info（错误/警告/提示）", "must be error, warning or info"),
    "list_type": ("应为规则代码的列表", "must be a list of rule codes"),
    "dict_type": ("应为“键 = 值”的表", "must be a table of key = value"),
}


def _describe(err: dict[str, Any]) -> str:
    loc = [str(p) for p in err["loc"]]
    key = ".".join(loc)
    zh_key = SETTING_NAMES.get(loc[0]) if loc else None
    name = f"“{zh_key}”（{key}）" if zh_key else f"“{key}”"
    zh, en = _WHY.get(err["type"], ("无效", err["msg"]))
    ctx = err.get("ctx") or {}
    if err["type"] == "value_error":
        zh, en = "无效", str(ctx.get("error", err["msg"]))
    try:
        shown_ctx = {k: _plain(v) for k, v in ctx.items()}
        zh, en = zh.format(**shown_ctx), en.format(**shown_ctx)
    except (KeyError, IndexError):
        pass
    value = err.get("input")
    shown = ("" if err["type"] == "extra_forbidden" or isinstance(value, (dict, list))
             else f"的值 {_plain(value) if isinstance(value, float) else repr(value)} ")
    return f"  - {name}{shown}{zh}（{key}: {en}）"


def config_from_mapping(data: dict[str, Any], origin: str = "") -> Config:
    inner = data.get("xlperf", data)
    data = dict(inner) if isinstance(inner, dict) else data
    try:
        return Config.model_validate(data)
    except ValidationError as e:
        lines = [_describe(err) for err in e.errors()]
        raise ConfigError(f"配置无效（invalid configuration）{origin}：\n" + "\n".join(lines)) from None


# --- xlperf.toml: the one parser ------------------------------------------------------------

def read_toml(path: Path) -> dict[str, Any]:
    """The settings in an ``xlperf.toml`` (its ``[xlperf]`` table, or the whole file)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise ConfigError(f"无法读取配置文件 {path}（cannot read config）：{e.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"配置文件 {path} 不是有效的 TOML（invalid TOML）：{e}") from None
    inner = data.get("xlperf", data)
    if not isinstance(inner, dict):
        raise ConfigError(f"配置文件 {path} 中的 xlperf 应为一个表 [xlperf]（[xlperf] must be a table）")
    return dict(inner)


def load_config(path: Optional[Path]) -> Config:
    if path is None:
        return Config()
    return config_from_mapping(read_toml(path), f"（{path}）")


def find_config(start: Path) -> Optional[Path]:
    """``xlperf.toml`` beside the input file, if any."""
    folder = start if start.is_dir() else start.parent
    candidate = folder / "xlperf.toml"
    return candidate if candidate.is_file() else None


# --- the 配置 sheet ---------------------------------------------------------------------------

CONFIG_SHEET = "配置"
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
    """The 配置 sheet's rows -> a mapping for ``config_from_mapping`` (only what is set).

    Rows whose first cell is no setting (a header row, a note) are passed over."""
    from .rules.registry import CODE_RE  # the registry imports this module

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
            n = _number(value, k, field)
            if field == "goal_min_length":
                if n != int(n):
                    raise ConfigError(f"“配置”工作表中“{k}”（{field}）的值“{_plain(value)}”不是整数（not a whole number）")
                n = int(n)
            out[field] = n
        elif field in ("ignore", "select"):
            (ignore if field == "ignore" else select).extend(p for p in _SPLIT.split(str(value)) if p)
        elif field == "severity":
            for part in re.split(r"[,，;；\n]+", str(value)):
                m = re.match(r"\s*([A-Za-z]{2}\d{3})\s*[=:：＝]\s*(\S+)\s*$", part)
                if m and m.group(2).lower() in LEVELS:
                    severity[m.group(1).upper()] = LEVELS[m.group(2).lower()]
                elif part.strip():
                    raise ConfigError(f"“配置”工作表中“{cells[0]}”（severity）的写法无法识别：{part.strip()}"
                                      "（应写成 WT002=警告；write it as WT002=warning）")
    if shares:
        out["shares"] = shares
    if ignore:
        out["ignore"] = ignore
    if select:
        out["select"] = select
    if severity:
        out["severity"] = severity
    return out


def _plain(v: Any) -> str:
    return str(int(v)) if isinstance(v, float) and math.isfinite(v) and v.is_integer() else str(v)


def _number(v: Any, key: str, field: str = "") -> float:
    parsed = parse_number(v)
    n = v if isinstance(v, float) and not math.isfinite(v) else parsed.value
    if n is None and parsed.kind == "range":  # "1e309", 1e308: a number, but none to count with
        n = math.inf
    named = f"“{key}”（{field}）" if field and field != key else f"“{key}”"
    if n is None:
        raise ConfigError(f"“配置”工作表中{named}的值“{_plain(v)}”不是数字（{field or key}: not a number）")
    if not math.isfinite(n):
        raise ConfigError(f"“配置”工作表中{named}的值“{_plain(v)}”超出范围，不是有限的数字"
                          f"（{field or key}: not a finite number）")
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
    """The ``xlperf.toml`` beside ``book_path`` as a mapping ({} when there is none)."""
    if book_path is None:
        return {}
    found = find_config(Path(book_path))
    return read_toml(found) if found is not None else {}


def build_config(book_path: Optional[Path], sheet_rows: Optional[Sequence[Sequence[Any]]]) -> Config:
    """The file's own configuration: its 配置 sheet's rows over the ``xlperf.toml`` beside it."""
    return resolve_settings(book_path, sheet_rows=sheet_rows)


class PendingSettings:
    """The settings of one file, resolved in two steps around the one open of the file.

    Made before anything is read: ``--config`` (or a Config given whole) or the ``xlperf.toml``
    beside the file is read and checked now, so a broken one is what the clerk hears first.
    :meth:`resolve` then takes the 配置 sheet's rows, which the reader has from its own open of
    the workbook (``needs_sheet`` says whether it should bother), and puts the flags on top.

    Precedence: ``overrides`` (flags) > ``config_path`` / ``base`` (--config) > the 配置 sheet >
    ``xlperf.toml`` beside ``path`` > defaults. A --config is the whole configuration: the file's
    own 配置 sheet and ``xlperf.toml`` are then not consulted (one rulebook for every file)."""

    def __init__(self, path: Optional[Path] = None, *, config_path: Optional[Path] = None,
                 base: Optional[Config] = None, overrides: Optional[dict[str, Any]] = None) -> None:
        self.overrides = dict(overrides or {})
        self.toml_path: Optional[Path] = None
        self._toml: dict[str, Any] = {}
        if base is None and config_path is not None:
            base = load_config(config_path)
        self.base = base
        if base is None and path is not None:
            self.toml_path = find_config(Path(path))
            if self.toml_path is not None:
                self._toml = read_toml(self.toml_path)
                config_from_mapping(self._toml, f"（{self.toml_path}）")  # a bad one is refused now
        if self.overrides:  # a bad flag is refused before anything is read, too
            config_from_mapping({**Config().model_dump(), **self.overrides}, _FLAGS)

    @property
    def needs_sheet(self) -> bool:
        return self.base is None

    def resolve(self, sheet_rows: Optional[Sequence[Sequence[Any]]] = None) -> Config:
        if self.base is not None:
            cfg = self.base
        else:
            sheet = settings_from_rows(sheet_rows) if sheet_rows else {}
            if sheet:
                origin = f"（“{CONFIG_SHEET}”工作表" + (f" / {self.toml_path}）" if self.toml_path else "）")
                cfg = config_from_mapping(merge_settings(self._toml, sheet), origin)
            else:
                cfg = config_from_mapping(self._toml, f"（{self.toml_path}）" if self.toml_path else "")
        if self.overrides:
            # only what was set stays set: a total nobody chose is still a default (core.totals)
            cfg = config_from_mapping({**cfg.model_dump(exclude_unset=True), **self.overrides}, _FLAGS)
        return cfg


_FLAGS = "（命令行选项 command-line option）"


def resolve_settings(path: Optional[Path], *, config_path: Optional[Path] = None,
                     sheet_rows: Optional[Sequence[Sequence[Any]]] = None,
                     overrides: Optional[dict[str, Any]] = None, base: Optional[Config] = None) -> Config:
    """:class:`PendingSettings` in one call, for a caller that has the 配置 rows already."""
    return PendingSettings(path, config_path=config_path, base=base, overrides=overrides).resolve(sheet_rows)
