"""Rule configuration: a pydantic model read from ``xlperf.toml`` or the workbook's 配置 sheet."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, Field, ValidationError, field_validator

from .filenames import ReadableMessage
from .model import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(ReadableMessage, ValueError):
    """A configuration that cannot be used; the message is for the clerk."""


class Config(BaseModel):
    # 100 minus the 10 points that 预算执行率 earns at self-evaluation.
    expected_total: float = 90.0
    tolerance: float = 0.01
    # Level-1 shares; 成本指标 counts inside 产出 unless it has its own share here.
    shares: dict[str, float] = Field(
        default_factory=lambda: {"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}
    )
    satisfaction_min: float = 80.0
    goal_min_length: int = 10
    select: list[str] = Field(default_factory=list)  # codes or prefixes; empty = all
    ignore: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)
    # [headers] "项目资金(万元)" = "budget": a header as written -> field, for headers the
    # vocabulary (core.layout) does not know; read by every layout reader.
    headers: dict[str, str] = Field(default_factory=dict)

    @field_validator("headers")
    @classmethod
    def _known_fields(cls, v: dict[str, str]) -> dict[str, str]:
        from .layout import HEADER_FIELDS

        bad = {h: f for h, f in v.items() if f not in HEADER_FIELDS}
        if bad:
            raise ValueError("unknown field(s) " + ", ".join(f"{h!r} = {f!r}" for h, f in bad.items())
                             + f"; use one of: {', '.join(HEADER_FIELDS)}")
        return {h.strip(): f for h, f in v.items() if h.strip()}

    @field_validator("select", "ignore")
    @classmethod
    def _upper(cls, v: list[str]) -> list[str]:
        return [s.strip().upper() for s in v if s.strip()]

    @field_validator("expected_total")
    @classmethod
    def _positive(cls, v: float) -> float:
        if v <= 0:
            raise ValueError("expected_total must be > 0")
        return v

    def enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(s) for s in self.select):
            return False
        return not any(code.startswith(s) for s in self.ignore)

    def severity_of(self, code: str, default: Severity) -> Severity:
        return self.severity.get(code, default)


def config_from_mapping(data: dict[str, Any], origin: str = "") -> Config:
    data = dict(data.get("xlperf", data))
    try:
        return Config.model_validate(data)
    except ValidationError as e:
        lines = [f"  - {'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()]
        raise ConfigError(f"配置无效（invalid configuration）{origin}：\n" + "\n".join(lines)) from None


def load_config(path: Optional[Path]) -> Config:
    if path is None:
        return Config()
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise ConfigError(f"无法读取配置文件 {path}（cannot read config）：{e.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"配置文件 {path} 不是有效的 TOML（invalid TOML）：{e}") from None
    return config_from_mapping(data, f"（{path}）")


def find_config(start: Path) -> Optional[Path]:
    """``xlperf.toml`` beside the input file, if any."""
    folder = start if start.is_dir() else start.parent
    candidate = folder / "xlperf.toml"
    return candidate if candidate.is_file() else None
