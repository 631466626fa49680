"""The indicator taxonomy (一级 -> 二级) and the aliases real templates use.

Canonical table from 财预〔2015〕88号 / 〔2021〕101号 (see shared/research/domain-rules.md §1):
成本指标 is accepted both as a level-1 (101号) and, legacy, as a level-2 under 产出.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from .normalise import _memo, clean_text, compact

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
}
ALL_LEVEL2 = tuple(dict.fromkeys(l2 for v in LEVEL2.values() for l2 in v))

# Keys are compared without the trailing 指标 and without spaces.
_LEVEL1_ALIASES = {
    "产出": "产出指标",
    "效益": "效益指标",
    "满意度": "满意度指标",
    "服务对象满意度": "满意度指标",
    "社会公众或服务对象满意度": "满意度指标",
    "成本": "成本指标",
}
_LEVEL2_ALIASES = {
    "数量": "数量指标",
    "质量": "质量指标",
    "时效": "时效指标",
    "进度": "时效指标",
    "成本": "成本指标",
    "经济效益": "经济效益指标",
    "社会效益": "社会效益指标",
    "生态效益": "生态效益指标",
    "环境效益": "生态效益指标",
    "生态环境效益": "生态效益指标",
    "可持续影响": "可持续影响指标",
    "可持续": "可持续影响指标",
    "服务对象满意度": "服务对象满意度指标",
    "社会公众或服务对象满意度": "服务对象满意度指标",
    "社会公众满意度": "服务对象满意度指标",
    "满意度": "服务对象满意度指标",
    "经济成本": "经济成本指标",
    "社会成本": "社会成本指标",
    "生态环境成本": "生态环境成本指标",
}
_SCORE_RE = re.compile(r"[(（]\s*\d+(\.\d+)?\s*分?\s*[)）]$|\d+(\.\d+)?分$")


@dataclass(frozen=True, slots=True)
class Level:
    value: Optional[str]  # canonical when known, else the cleaned text
    known: bool
    alias_from: Optional[str]  # the text as written, when it differed from the canonical name


def _key(s: str) -> str:
    k = compact(s)
    k = _SCORE_RE.sub("", k)
    return k[:-2] if k.endswith("指标") else k


@_memo
def normalise_level1(v: object) -> Level:
    s = clean_text(v)
    if s is None:
        return Level(None, False, None)
    canon = _LEVEL1_ALIASES.get(_key(s))
    if canon is None:
        return Level(s, False, None)
    return Level(canon, True, None if s == canon else s)


@_memo
def normalise_level2(v: object) -> Level:
    s = clean_text(v)
    if s is None:
        return Level(None, False, None)
    canon = _LEVEL2_ALIASES.get(_key(s))
    if canon is None:
        return Level(s, False, None)
    return Level(canon, True, None if s == canon else s)


def allowed_under(level1: Optional[str], level2: Optional[str]) -> bool:
    if level1 not in LEVEL2 or level2 is None:
        return False
    return level2 in LEVEL2[level1]


def is_level1_text(v: object) -> bool:
    return normalise_level1(v).known


def is_level2_text(v: object) -> bool:
    return normalise_level2(v).known


def share_group(level1: Optional[str], shares: dict[str, float]) -> Optional[str]:
    """Which configured share a level-1 counts towards (成本 inside 产出 unless configured)."""
    if level1 == "成本指标" and "成本指标" not in shares:
        return "产出指标"
    return level1
