"""One registry from rule code to rule. Rules are small pure functions.

A rule is registered with :func:`rule`; its docstring, written in the fixed
sections 问题 / 原因 / 反例 / 正例, is its documentation (``docs/rules.md`` and
the workbook's 规则说明 sheet are generated from it).

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
from ..model import Fix, Severity, Table

Scope = Literal["indicator", "project", "table", "read"]
CODE_RE = re.compile(r"^(ST|TX|WT|VL|BG|NM)\d{3}$")
FAMILIES = {
    "ST": "结构（structure）",
    "TX": "指标体系（taxonomy）",
    "WT": "权重（weights）",
    "VL": "指标值、性质、单位与方向（values）",
    "BG": "预算（budget）",
    "NM": "规范写法（normalisation）",
}
DOC_SECTIONS = ("问题", "原因", "反例", "正例")


@dataclass(frozen=True)
class Rule:
    code: str
    slug: str
    severity: Severity
    scope: Scope
    message: str  # str.format template; always gets {cell} and {project}
    func: Optional[Callable[..., Any]]
    doc: str
    fixable: bool = False
    title: str = ""  # one line in Chinese, for tables of rules
    # Fields (model.FIELDS keys) the rule reads: when the table does not really have one of them
    # (no such column, or the column is empty everywhere: Table.present_fields), the engine does
    # not run the rule and says so once per table (ST030) instead of once per row. "funds" and
    # "duties" (blocks of forms and department tables) skip the rule without a note.
    needs: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        return self.code[:2]


@dataclass(slots=True)
class Hit:
    """What a rule returns: where, the message values, and optionally a fix."""

    cell: Optional[str] = None
    row: Optional[int] = None
    params: dict[str, Any] = field(default_factory=dict)
    severity: Optional[Severity] = None  # overrides the rule's default for this hit
    fix: Optional[Fix] = None
    message: Optional[str] = None  # alternative template for this hit


@dataclass(slots=True)
class Context:
    table: Table
    config: Config
    cache: dict[str, Any] = field(default_factory=dict)  # table-wide facts rules may share


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    slug: str,
    severity: Severity,
    scope: Scope,
    message: str,
    *,
    title: str,
    fixable: bool = False,
    needs: tuple[str, ...] = (),
):
    """Register a rule. Used as a decorator, or called with ``func=None`` via :func:`read_rule`."""
    if not CODE_RE.match(code):
        raise ValueError(f"bad rule code {code!r}")

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        _register(Rule(code, slug, severity, scope, message, fn, _doc(fn), fixable, title, tuple(needs)))
        return fn

    return deco


def read_rule(code: str, slug: str, severity: Severity, message: str, *, title: str, doc: str, fixable: bool = False) -> None:
    """Register a rule raised while reading (no function: the reader emits it)."""
    _register(Rule(code, slug, severity, "read", message, None, _clean(doc), fixable, title))


def _register(r: Rule) -> None:
    if r.code in REGISTRY and REGISTRY[r.code] != r:
        raise ValueError(f"rule code {r.code} registered twice")
    missing = [s for s in DOC_SECTIONS if f"{s}：" not in r.doc and f"{s}:" not in r.doc]
    if missing:
        raise ValueError(f"rule {r.code} docstring lacks sections {missing}")
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
    values = {"cell": "", "project": ""}
    values.update({k: _show(v) for k, v in params.items()})
    try:
        return (template or r.message).format(**values)
    except (KeyError, IndexError) as e:  # a template bug must not hide the finding
        return f"{r.title}（{r.code}，消息模板缺少 {e}）"


def _show(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if v is None:
        return "（空）"
    return v
