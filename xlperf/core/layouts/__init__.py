"""Layout readers: each recognises one family of tables in a Grid and turns it into Tables.

The families (``../shared/DESIGN.md``): ``list`` (one row per indicator, many projects — the
Sichuan department list), ``form`` (the Ministry of Finance 项目支出绩效目标表: label–value block,
funds block, indicator grid; one project per form, possibly several stacked on a sheet),
``department`` (部门整体支出绩效目标表) and ``self_evaluation`` (绩效自评表).

A reader is a small pure unit registered here, the way rules are registered in
``core.rules.registry``:

* ``fit(grid) -> Fit``: how well the grid looks like this family (0 … 1) and why, in Chinese,
  so that the choice is never a silent guess (the reason goes into the JSON and the text report);
* ``read(grid, config) -> list[Table]``: the grid as Tables (one per form or per list; a reader
  that cannot read it returns one Table carrying the ST001 finding that says why).

:func:`choose` asks the readers in order of preference and takes the best fit (a fit of 1.0 ends the
search: no later reader can beat it, so their modules are not even imported); ``--layout NAME``
forces one.
This package imports nothing of ours outside ``core``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Protocol

from ..config import Config
from ..grid import Grid
from ..model import Table


@dataclass(frozen=True)
class Fit:
    """A reader's opinion of a grid: ``score`` 0 (not this family) … 1 (certainly), and the
    evidence in Chinese (``项目名称、年度资金总额为标签–数值对，B12起为指标表``)."""

    layout: str
    score: float
    reason: str


class LayoutReader(Protocol):
    name: str  # "list" | "form" | "department" | "self_evaluation"
    title: str  # Chinese, for messages: "项目清单（每行一个指标）"

    def fit(self, grid: Grid) -> Fit: ...

    def read(self, grid: Grid, config: Config) -> list[Table]: ...


FORCED = "按 --layout {layout} 指定读取；"
READERS: dict[str, LayoutReader] = {}
# Order of preference when two readers fit equally well (and the order they are asked in), fixed
# here rather than by which module happened to be imported first: the list reader is the oldest
# and the one the bundled sample and the benchmarks exercise.
PREFERENCE = ("list", "form", "department", "self_evaluation")
# The module each family's reader lives in (it registers itself when imported).
MODULES = {"list": "list_layout", "form": "form", "department": "department", "self_evaluation": "self_evaluation"}
_ORDER: list[str] = []


def register(reader: LayoutReader) -> LayoutReader:
    if reader.name in READERS and READERS[reader.name] is not reader:
        raise ValueError(f"layout {reader.name!r} registered twice")
    READERS[reader.name] = reader
    if reader.name not in _ORDER:
        _ORDER.append(reader.name)
        _ORDER.sort(key=lambda n: PREFERENCE.index(n) if n in PREFERENCE else len(PREFERENCE))
    return reader


def _load(name: str) -> Optional[LayoutReader]:
    """The reader of one family, importing its module the first time it is asked for."""
    reader = READERS.get(name)
    if reader is None and name in MODULES:
        mod = f"{__name__}.{MODULES[name]}"
        try:
            __import__(mod)
        except ModuleNotFoundError as e:  # a family not built yet
            if e.name != mod:
                raise
        reader = READERS.get(name)
    return reader


def load_all() -> dict[str, LayoutReader]:
    """Import every reader module once (each registers itself)."""
    for name in MODULES:
        _load(name)
    return READERS


def layout_names() -> list[str]:
    load_all()
    return list(_ORDER)


def choose(grid: Grid, forced: Optional[str] = None) -> tuple[LayoutReader, Fit]:
    """The reader for this grid: the forced one, else the best fit (ties keep registration order).

    The readers are asked in order of preference, each module imported only when its reader is
    asked: a fit of 1.0 cannot be beaten (a later reader must score higher to win), so a list
    with the standard header never imports, compiles or runs the form, department and
    self-evaluation readers (10k rows, fresh process: their import was 13 ms, their fits 3 ms)."""
    if forced is not None:
        reader = load_all()[forced]
        fit = reader.fit(grid)
        return reader, Fit(reader.name, fit.score, f"{FORCED.format(layout=forced)}{fit.reason}")
    # the families in order of preference, then any reader registered from elsewhere (a test's)
    names = [*PREFERENCE, *(n for n in _ORDER if n not in PREFERENCE)]
    best: Optional[tuple[LayoutReader, Fit]] = None
    for name in names:
        reader = _load(name)
        if reader is None:
            continue
        fit = reader.fit(grid)
        if best is None or fit.score > best[1].score:
            best = (reader, fit)
        if best[1].score >= 1.0:
            break
    assert best is not None
    return best


def read_grid(grid: Grid, config: Optional[Config] = None, forced: Optional[str] = None) -> list[Table]:
    """The grid as Tables, each stamped with the layout that read it and why."""
    from ..blocks import imply_comparators
    from ..headers import weight_word

    reader, fit = choose(grid, forced)
    tables = reader.read(grid, config or Config())
    for t in tables:
        t.weight_word = weight_word(grid, t.header_row, t.columns.get("weight"))
        # values without 指标性质 (a form's 指标值 only): = for a bare number, 定性 for text (VL016);
        # one row's look when the column is filled
        imply_comparators(t)
        t.layout = reader.name
        if not t.layout_reason:
            t.layout_reason = fit.reason
        elif forced is not None:
            t.layout_reason = f"{FORCED.format(layout=forced)}{t.layout_reason}"
    return tables
