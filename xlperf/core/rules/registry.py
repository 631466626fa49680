"""One registry from rule code to rule. Rules are small pure functions.

A rule is registered with :func:`rule`; its docstring, written in the fixed
sections 问题 / 原因 / 依据, is its documentation (``docs/rules.md`` and the workbook's
规则说明 sheet are generated from it). Its 反例 / 正例 are the rule's cases marked
``doc: true`` (tests/rules/cases/<CODE>.yaml, run by the test suite), shipped as
``xlperf/data/rule_examples.json``; a rule without such cases writes them in its docstring.

Scopes and signatures:

* ``indicator``: ``f(ind, project, ctx) -> Hit | list[Hit] | None`` (hot path:
  return ``None`` when clean, no generator overhead);
* ``project``: ``f(project, ctx) -> Hit | list[Hit] | None``;
* ``table``: ``f(table, ctx) -> Hit | list[Hit] | None``;
* ``read``: raised while reading (layout, blocks, the text importer); no function.

``needs=("weight",)`` names the fields a rule reads; a table without them (see
``Table.present_fields``) skips the rule, and ST030 says once which checks did not run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Optional

from ..config import Config
from ..model import FindingScope, Fix, Severity, Table

Scope = Literal["indicator", "project", "table", "read"]
CODE_RE = re.compile(r"^(ST|TX|WT|VL|BG|NM|SE)\d{3}$")
FAMILIES = {
    "ST": "结构（structure）",
    "TX": "指标体系（taxonomy）",
    "WT": "权重（weights）",
    "VL": "指标值、性质、单位与方向（values）",
    "BG": "预算（budget）",
    "NM": "规范写法（normalisation）",
    "SE": "自评（self-evaluation）",
}

# Which rules run on which layout — the one place (``applies``; the engine asks it per table).
# A family listed in ``only`` runs on that layout alone (SE: self-evaluations). For a layout,
# ``skip`` lists rules that make no sense there and ``needs`` rules that need a column the
# layout may lack (field of ``Table.columns``). Self-evaluations repeat the indicators of a
# target table approved a year earlier: its design rules (≥3 indicators, 满意度/数量/质量/时效
# present, the 50/30/10 shares, template rows left in the form) were judged then, and its
# points add up to 100 with the 10 of budget execution (SE012 checks them, not WT002/WT004);
# the MoF self-evaluation has no 指标性质 / 度量单位 / 指标方向 columns, and 衡山's no 分值.
LAYOUT_RULES: dict[str, dict[str, Any]] = {
    "self_evaluation": {
        "skip": frozenset({"ST004", "ST011", "TX004", "TX005", "TX006", "WT002", "WT003", "WT004"})
        # The reviewer's judgements of a target's design (issue 17's review checks: goal fit, names,
        # copied rows, inputs as outputs, direction/unit implied by the name, too-easy targets,
        # cost coverage, qualitative-heavy levels) belong to the target table, where the same
        # indicators are checked; a self-evaluation is judged on its figures and reasons.
        | frozenset({"TX020", "ST040", "ST041", "ST042", "WT010", "BG020", "BG021", "BG022"})
        # how a target without a 指标性质 column was read is said on the target table (VL016); a
        # self-evaluation without 分值/得分 columns is checked by the SE rules' no-score mode
        # (SE009/SE010) instead of being told which weight checks did not run (ST030)
        | frozenset({"VL016", "ST030"})
        # the funds lines are added up column by column (年初预算数, 全年预算数, 全年执行数) by SE014;
        # BG006 would say the 全年预算数 column's difference a second time
        | frozenset({"BG006"})
        | frozenset(f"VL{n:03d}" for n in range(30, 37)),
        "needs": {"WT001": "weight", "VL001": "comparator", "VL005": "measure", "VL006": "measure",
                  "VL007": "direction", "VL012": "measure", "BG004": "measure",
                  # a summary of results (one row per project, no indicator columns: SE017 says so)
                  "ST012": "name", "SE013": "name"},
    },
}
ONLY_LAYOUT: dict[str, str] = {"SE": "self_evaluation"}  # family -> the layout it runs on


def applies(code: str, table: Table) -> bool:
    """Whether rule ``code`` runs on ``table`` (by its layout and columns; see LAYOUT_RULES)."""
    only = ONLY_LAYOUT.get(code[:2])
    if only is not None and table.layout != only:
        return False
    spec = LAYOUT_RULES.get(table.layout)
    if spec is None:
        return True
    if code in spec["skip"]:
        return False
    need = spec["needs"].get(code)
    return need is None or need in table.columns


DOC_SECTIONS = ("问题", "原因", "依据", "反例", "正例")
# Sections that may come from the rule's doc cases instead of its docstring (every other
# section of DOC_SECTIONS must be in the docstring).
EXAMPLE_SECTIONS = ("反例", "正例")


@dataclass(frozen=True)
class Rule:
    code: str
    slug: str
    severity: Severity
    scope: Scope
    message: str  # str.format template (Chinese); always gets {cell} and {project}
    func: Optional[Callable[..., Any]]
    docstring: str  # as written: 问题/原因 (and 反例/正例 while the rule has no doc cases)
    fixable: bool = False
    title: str = ""  # one line in Chinese, for tables of rules
    message_en: str = ""  # the English of the message (a template too): Finding.message_en
    # Fields (model.FIELDS keys) the rule reads: when the table does not really have one of them
    # (no such column, or the column is empty everywhere: Table.present_fields), the engine does
    # not run the rule and says so once per table (ST030) instead of once per row. "funds" and
    # "duties" (blocks of forms and department tables) skip the rule without a note.
    needs: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        return self.code[:2]

    @property
    def doc(self) -> str:
        """The whole documentation: the docstring plus 反例/正例 rendered from the doc cases."""
        from .docs import doc_with_examples

        return doc_with_examples(self.code, self.docstring)


@dataclass(slots=True)
class Hit:
    """What a rule returns: where, the message values, and optionally a fix."""

    cell: Optional[str] = None
    row: Optional[int] = None
    params: dict[str, Any] = field(default_factory=dict)
    severity: Optional[Severity] = None  # overrides the rule's default for this hit
    fix: Optional[Fix] = None
    message: Optional[str] = None  # alternative template for this hit
    message_en: Optional[str] = None  # its English, when the alternative says something else
    # "table": the finding is about the whole table; ``cell`` is then its header (or title) cell
    scope: Optional[FindingScope] = None


@dataclass(slots=True)
class Context:
    table: Table
    config: Config
    cache: dict[str, Any] = field(default_factory=dict)  # per-project memos keyed by project.index, recomputable on a miss (core/forked.py)


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    slug: str,
    severity: Severity,
    scope: Scope,
    message: str,
    *,
    title: str,
    message_en: str,
    fixable: bool = False,
    needs: tuple[str, ...] = (),
):
    """Register a rule. Used as a decorator, or called with ``func=None`` via :func:`read_rule`.
    ``message`` is the Chinese template, ``message_en`` its English (both ``str.format``)."""
    if not CODE_RE.match(code):
        raise ValueError(f"bad rule code {code!r}")

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        _register(Rule(code, slug, severity, scope, message, fn, _doc(fn), fixable, title, message_en, tuple(needs)))
        return fn

    return deco


def read_rule(code: str, slug: str, severity: Severity, message: str, *, title: str, doc: str, message_en: str,
              fixable: bool = False) -> None:
    """Register a rule raised while reading (no function: the reader emits it)."""
    _register(Rule(code, slug, severity, "read", message, None, _clean(doc), fixable, title, message_en))


def _register(r: Rule) -> None:
    if r.code in REGISTRY and REGISTRY[r.code] != r:
        raise ValueError(f"rule code {r.code} registered twice")
    missing = [s for s in DOC_SECTIONS if s not in EXAMPLE_SECTIONS
               and f"{s}：" not in r.docstring and f"{s}:" not in r.docstring]
    if missing:
        raise ValueError(f"rule {r.code} docstring lacks sections {missing}")
    if not r.message_en.strip():
        raise ValueError(f"rule {r.code} has no message_en")
    REGISTRY[r.code] = r


def _doc(fn: Callable[..., Any]) -> str:
    return _clean(fn.__doc__ or "")


def _clean(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)


def get_rule(code: str) -> Rule:
    from . import load_all

    load_all()
    return REGISTRY[code]


def all_rules() -> list[Rule]:
    from . import load_all

    load_all()
    return [REGISTRY[c] for c in sorted(REGISTRY)]


def render(code: str, params: dict[str, Any], template: Optional[str] = None) -> str:
    return render_rule(get_rule(code), params, template)


def render_rule(r: Rule, params: dict[str, Any], template: Optional[str] = None) -> str:
    template = _unfilled(template or r.message, params)
    values = {"cell": "", "project": ""}
    for k, v in params.items():  # most values are text, which _show leaves as it is
        values[k] = v if v.__class__ is str else _show(v)
    try:
        return _said(template.format(**values))
    except (KeyError, IndexError) as e:  # a template bug must not hide the finding
        return f"{r.title}（{r.code}，消息模板缺少 {e}）"


# A quoted value that is None (an empty cell) is not quoted as “（空）”: the clerk reads
# 未填写. ``“{x}”为空`` becomes ``未填写``, any other ``“{x}”`` ``（未填写）``.
_UNFILLED = "\x00"


def _unfilled(template: str, params: dict[str, Any]) -> str:
    if "“{" not in template:
        return template
    for k, v in params.items():
        if v is None and f"“{{{k}}}”" in template:
            template = template.replace(f"“{{{k}}}”", _UNFILLED)
    return template


def _said(text: str) -> str:
    if _UNFILLED not in text:
        return text
    return text.replace(_UNFILLED + "为空", "未填写").replace(_UNFILLED, "（未填写）")


def render_rule_en(r: Rule, params: dict[str, Any], template: Optional[str] = None) -> str:
    """The English of a finding's message (``message_en``), from the same values."""
    t = template or r.message_en
    if "{" not in t:  # every template so far: no formatting needed
        return t
    values = {"cell": "", "project": ""}
    values.update({k: _show(v) for k, v in params.items()})
    try:
        return t.format(**values)
    except (KeyError, IndexError) as e:
        return f"{r.slug} ({r.code}: message template lacks {e})"


def _show(v: Any) -> Any:
    """A value as the clerk wrote it: 95.0 as 95, 0.1 + 0.2 as 0.3 (never 0.30000000000000004)."""
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return int(v)
        return format(v, ".12g") if v == v and abs(v) != float("inf") else v
    if v is None:
        return "（未填写）"
    return v
