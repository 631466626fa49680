"""Per-rule cases as data: ``tests/rules/cases/<CODE>.yaml``, one file per rule code.

The format is the team's (PLAN.md, "Per-rule cases as data")::

    rule: VL008
    cases:
      - id: reverse-with-ge        # pytest id VL008-reverse-with-ge
        kind: fail                 # pass | fail | fix
        doc: true                  # rendered into docs/rules.md and 规则说明 (fail -> 反例, pass/fix -> 正例)
        settings: {expected_total: 100}     # Config fields
        variant: {1: {direction: 反向指标}}  # | rows: [...] | grid: {sheet, cells, merges}
        expect: [{cell: L6, severity: error, message_contains: "反向"}]
        fixed: {1: {comparator: "≤"}}

Keys added here (all optional, none changes a listed key's meaning):

* ``note``: one sentence for the clerk, shown above the example in the docs; ``show: [project,
  weight]`` (fields or column letters) limits the columns the docs show (a finding's column is
  always shown).
* ``variant``: an index past the clean project's last row (5, 6, …) appends a row holding
  only the given fields.
* ``rows``: an item ``{good_project: {name: B, budget: 5, changes: {3: {weight: 40}}}}`` (or
  ``{good_project: B}``) stands for the clean project's five rows (the docs show its first
  row and the changed ones).
* In ``variant``/``rows`` row dicts a key is a field (``weight``), a label of ``extra_header``
  or a column letter (``M: 待定``, a cell outside the header).
* ``extra_header: [豁免]`` appends header cells; ``drop: [comparator]`` removes columns from
  the standard header (and from every row); ``merges: ["E4:E6"]`` (sheet addresses) merges
  cells of a ``variant``/``rows`` table.
* ``expect`` items: ``message_contains`` may be a list (each must be in the message);
  ``row`` (sheet row of the finding) and ``fix: {cell, old, new}`` (the proposed fix) are
  checked when given.
* ``absent: [TX005]`` / ``present: [VL006]``: other codes that must not / must be found
  (how rules yield to each other).
* ``fixed``: a dict changes the case's own rows by index (as ``variant`` does); a list gives
  every data row (``rows``) or every cell row (``grid``). A ``fix`` case may also carry
  ``expect``.

Run ``python -m tests.rules.case_runner`` after changing a case marked ``doc: true``: it
rewrites ``xlperf/data/rule_examples.json`` (what the installed package renders as 反例/正例)
and ``docs/rules.md``.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import yaml

from xlperf.core.layouts import read_grid
from xlperf.core.config import Config
from xlperf.core.engine import check_table
from xlperf.core.grid import Grid, Merge, col_letter, col_number, parse_address
from xlperf.core.model import FIELDS, PROJECT_FIELDS, Finding

from ..helpers import TITLE_ROWS, good_project

ROOT = Path(__file__).resolve().parents[2]
CASES_DIR = Path(__file__).resolve().parent / "cases"
EXAMPLES_JSON = ROOT / "xlperf" / "data" / "rule_examples.json"
DOCS_MD = ROOT / "docs" / "rules.md"
KEYS = list(FIELDS)
KINDS = ("pass", "fail", "fix")
FORMS = ("variant", "rows", "grid")
CASE_KEYS = {"id", "kind", "doc", "settings", *FORMS, "expect", "fixed", "note", "extra_header", "drop", "merges",
             "absent", "present", "show"}
EXPECT_KEYS = {"cell", "severity", "message_contains", "row", "fix"}
SHEET = "绩效目标表"
_LETTERS = re.compile(r"^[A-Z]{1,3}$")
_RANGE = re.compile(r"^([A-Z]+\d+)(?::([A-Z]+\d+))?$")


class CaseError(ValueError):
    """A case file that does not follow the format."""


@dataclass
class Case:
    code: str
    id: str
    kind: str
    data: dict[str, Any]
    path: Path

    @property
    def pytest_id(self) -> str:
        return f"{self.code}-{self.id}"

    @property
    def doc(self) -> bool:
        return bool(self.data.get("doc"))

    @property
    def form(self) -> str:
        return next(f for f in FORMS if f in self.data)

    def config(self) -> Config:
        return Config(**(self.data.get("settings") or {}))


# --- loading ---------------------------------------------------------------------------

def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.yaml"))


@lru_cache(maxsize=None)
def _load_file(path: Path) -> tuple[Case, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    where = path.name
    if not isinstance(data, dict) or set(data) - {"rule", "cases"} or not isinstance(data.get("cases"), list):
        raise CaseError(f"{where}: expected the keys rule and cases (a list)")
    code = data.get("rule")
    if code != path.stem:
        raise CaseError(f"{where}: rule {code!r} does not match the file name")
    out: list[Case] = []
    for i, c in enumerate(data["cases"]):
        if not isinstance(c, dict):
            raise CaseError(f"{where}: case {i} is not a mapping")
        cid, kind = c.get("id"), c.get("kind")
        label = f"{where}: case {cid or i}"
        if not isinstance(cid, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", cid):
            raise CaseError(f"{label}: id must be a lowercase slug")
        if kind not in KINDS:
            raise CaseError(f"{label}: kind must be one of {KINDS}")
        unknown = set(c) - CASE_KEYS
        if unknown:
            raise CaseError(f"{label}: unknown keys {sorted(unknown)}")
        forms = [f for f in FORMS if f in c]
        if len(forms) != 1:
            raise CaseError(f"{label}: exactly one of {FORMS} is needed, got {forms}")
        if kind == "fail" and not c.get("expect"):
            raise CaseError(f"{label}: a fail case lists the findings it expects")
        if kind == "pass" and (c.get("expect") or "fixed" in c):
            raise CaseError(f"{label}: a pass case has no expect or fixed")
        if kind == "fix" and "fixed" not in c:
            raise CaseError(f"{label}: a fix case gives the fixed rows")
        if kind != "fix" and "fixed" in c:
            raise CaseError(f"{label}: only a fix case has fixed")
        for e in c.get("expect") or []:
            if not isinstance(e, dict) or set(e) - EXPECT_KEYS:
                raise CaseError(f"{label}: expect items take the keys {sorted(EXPECT_KEYS)}")
        if forms[0] == "grid" and set(c) & {"extra_header", "drop", "merges"}:
            raise CaseError(f"{label}: extra_header, drop and merges belong to variant/rows (grid has its own merges)")
        out.append(Case(code, cid, kind, c, path))
    ids = [c.id for c in out]
    if len(ids) != len(set(ids)):
        raise CaseError(f"{where}: duplicate case ids")
    return tuple(out)


def load_file(path: Path) -> tuple[Case, ...]:
    """One file's cases; CaseError (with the file's name) when it does not follow the format."""
    try:
        return _load_file(path)
    except yaml.YAMLError as e:
        raise CaseError(f"{path.name}: not valid YAML: {e}") from None


def load_cases(code: Optional[str] = None, strict: bool = True) -> list[Case]:
    """Every case (or one rule's). ``strict=False`` leaves out files that do not load (the test
    suite reports those once, by file, instead of failing to collect every case)."""
    paths = [CASES_DIR / f"{code}.yaml"] if code else case_files()
    out: list[Case] = []
    for p in paths:
        if not p.exists():
            continue
        try:
            out.extend(load_file(p))
        except CaseError:
            if strict:
                raise
    return out


# --- building the sheet ----------------------------------------------------------------

@dataclass
class Sheet:
    """A case's sheet: the cells (sheet row 1 first), merges, and where the data rows start."""

    name: str
    cells: list[list[Any]]
    merges: list[Merge]
    header: Optional[list[str]]  # the header labels (variant/rows), None for a raw grid
    data_row0: int  # 0-based index into cells of the first data row (0 for a raw grid)
    columns: list[Optional[str]]  # per header column: the field key, extra label or None
    shown: list[int]  # 0-based cell rows the docs show

    def grid(self, cells: Optional[list[list[Any]]] = None) -> Grid:
        return Grid(self.name, copy.deepcopy(cells if cells is not None else self.cells), list(self.merges))


def _merge(ref: str) -> Merge:
    m = _RANGE.match(ref)
    if not m:
        raise CaseError(f"bad merge range {ref!r}")
    (r1, c1), (r2, c2) = parse_address(m.group(1)), parse_address(m.group(2) or m.group(1))
    return Merge(r1 - 1, c1 - 1, r2 - 1, c2 - 1)


def _header(case: Case) -> tuple[list[str], list[Optional[str]]]:
    drop = set(case.data.get("drop") or [])
    if drop - set(KEYS):
        raise CaseError(f"{case.pytest_id}: drop names unknown fields {sorted(drop - set(KEYS))}")
    keys: list[Optional[str]] = [k for k in KEYS if k not in drop]
    labels = [FIELDS[k] for k in keys]
    for extra in case.data.get("extra_header") or []:
        keys.append(extra)
        labels.append(extra)
    return labels, keys


def _row_list(case: Case, d: dict[str, Any], keys: list[Optional[str]]) -> list[Any]:
    """A row dict -> the row's cells under ``keys`` (fields, extra labels, column letters)."""
    width = len(keys)
    out: list[Any] = [None] * width
    drop = set(case.data.get("drop") or [])
    for k, v in d.items():
        if k in keys:
            out[keys.index(k)] = v
        elif isinstance(k, str) and _LETTERS.match(k):
            c = col_number(k) - 1
            out.extend([None] * (c + 1 - len(out)))
            out[c] = v
        elif k in drop:
            continue
        else:
            raise CaseError(f"{case.pytest_id}: unknown column {k!r}")
    return out


def standard_rows(case: Case) -> list[list[Any]]:
    """A variant/rows case's data rows as lists on the standard header (tests/helpers.HEADER)."""
    if case.form == "grid" or case.data.get("drop") or case.data.get("extra_header"):
        raise CaseError(f"{case.pytest_id}: not a table on the standard header")
    return [[d.get(k) for k in KEYS] for d in data_dicts(case)]


def _project_dicts(spec: Any = None) -> list[dict[str, Any]]:
    """good_project() as row dicts, with ``changes`` applied (index past the end appends)."""
    spec = {"name": spec} if isinstance(spec, str) else dict(spec or {})
    changes = spec.pop("changes", None) or {}
    rows = [dict(zip(KEYS, r)) for r in good_project(**spec)]
    return _apply_changes(rows, changes)


def _apply_changes(rows: list[dict[str, Any]], changes: dict[Any, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [dict(r) for r in rows]
    for i, kw in sorted(changes.items()):
        if not isinstance(i, int) or i < 0:
            raise CaseError(f"row index {i!r} is not a number ≥ 0")
        while len(rows) <= i:
            rows.append({})
        rows[i].update(kw)
    return rows


def data_dicts(case: Case) -> list[dict[str, Any]]:
    """The data rows of a variant/rows case as dicts."""
    return _data(case)[0]


def _data(case: Case) -> tuple[list[dict[str, Any]], list[int]]:
    """The data rows as dicts, and the (0-based) ones the docs show: the rows a variant changes;
    every row of ``rows`` except a clean project's unchanged rows (its first row is shown)."""
    if case.form == "variant":
        changes = case.data["variant"] or {}
        return _apply_changes(_project_dicts(), changes), sorted(int(i) for i in changes)
    out: list[dict[str, Any]] = []
    shown: list[int] = []
    for item in case.data["rows"] or []:
        if isinstance(item, dict) and set(item) == {"good_project"}:
            spec = item["good_project"]
            changed = set((spec.get("changes") or {}) if isinstance(spec, dict) else ()) | {0}
            shown += [len(out) + i for i in sorted(changed)]
            out.extend(_project_dicts(spec))
        elif isinstance(item, dict):
            shown.append(len(out))
            out.append(dict(item))
        else:
            raise CaseError(f"{case.pytest_id}: a row is a mapping of fields")
    return out, shown


def _standard_cells(case: Case, dicts: list[dict[str, Any]]) -> tuple[list[list[Any]], list[str], list[Optional[str]]]:
    labels, keys = _header(case)
    body = [_row_list(case, d, keys) for d in dicts]
    width = max([len(labels)] + [len(r) for r in body])
    pad = lambda r: list(r) + [None] * (width - len(r))  # noqa: E731
    titles = [pad(r[:1]) for r in TITLE_ROWS]
    return [*titles, pad(labels), *(pad(r) for r in body)], labels, keys


def build_sheet(case: Case) -> Sheet:
    if case.form == "grid":
        g = case.data["grid"]
        if not isinstance(g, dict) or set(g) - {"sheet", "cells", "merges"} or not isinstance(g.get("cells"), list):
            raise CaseError(f"{case.pytest_id}: grid takes sheet, cells (a list of rows) and merges")
        cells = [list(r or []) for r in g["cells"]]
        width = max((len(r) for r in cells), default=0)
        cells = [r + [None] * (width - len(r)) for r in cells]
        return Sheet(g.get("sheet", SHEET), cells, [_merge(m) for m in g.get("merges") or []], None, 0,
                     [], list(range(len(cells))))
    dicts, shown = _data(case)
    cells, labels, keys = _standard_cells(case, dicts)
    row0 = len(TITLE_ROWS) + 1
    return Sheet(SHEET, cells, [_merge(m) for m in case.data.get("merges") or []], labels, row0, keys,
                 [row0 + i for i in shown])


# --- running ---------------------------------------------------------------------------

def findings(case: Case, cells: Optional[list[list[Any]]] = None, sheet: Optional[Sheet] = None) -> list[Finding]:
    """The case's findings as ``xlperf check`` gives them: the grid read by the layout reader
    that fits it best (a list, or a form: ``grid`` cases may hold any layout), every table
    checked."""
    sheet = sheet or build_sheet(case)
    config = case.config()
    return [f for t in read_grid(sheet.grid(cells), config) for f in check_table(t, config)]


def of_rule(case: Case, fs: list[Finding]) -> list[Finding]:
    return [f for f in fs if f.code == case.code]


def apply_fixes(cells: list[list[Any]], fs: list[Finding]) -> list[list[Any]]:
    """Write every proposed fix into a copy of the cells (sheet coordinates)."""
    out = copy.deepcopy(cells)
    for f in fs:
        if f.fix is None:
            continue
        r, c = parse_address(f.fix.cell)
        while len(out) < r:
            out.append([])
        line = out[r - 1]
        line.extend([None] * (c - len(line)))
        assert line[c - 1] == f.fix.old or (line[c - 1] in (None, "") and f.fix.old in (None, "")), \
            (f.fix, line[c - 1])
        line[c - 1] = f.fix.new
    return out


def expected_fixed(case: Case, sheet: Sheet) -> list[list[Any]]:
    fixed = case.data["fixed"]
    if case.form == "grid":
        if not isinstance(fixed, list):
            raise CaseError(f"{case.pytest_id}: a grid case's fixed is the list of cell rows")
        width = max(len(r) for r in sheet.cells)
        return [list(r or []) + [None] * (width - len(r or [])) for r in fixed]
    if isinstance(fixed, dict):
        dicts = _apply_changes(data_dicts(case), fixed)
    else:
        dicts = [dict(d) for d in fixed]
    return _standard_cells(case, dicts)[0]


def _same_cells(a: list[list[Any]], b: list[list[Any]]) -> bool:
    def norm(rows):
        out = [list(r) for r in rows]
        for r in out:
            while r and r[-1] in (None, ""):
                r.pop()
        while out and not out[-1]:
            out.pop()
        return [[None if v == "" else v for v in r] for r in out]

    return norm(a) == norm(b)


def _describe(fs: list[Finding]) -> list[tuple]:
    return [(f.code, f.cell, f.severity, f.message) for f in fs]


def _matches(f: Finding, e: dict[str, Any]) -> bool:
    if "cell" in e and f.cell != e["cell"]:
        return False
    if "severity" in e and f.severity != e["severity"]:
        return False
    if "row" in e and f.row != e["row"]:
        return False
    want = e.get("message_contains")
    for w in [want] if isinstance(want, str) else (want or []):
        if str(w) not in f.message:
            return False
    if "fix" in e:
        fx = e["fix"]
        if fx is None:
            return f.fix is None
        if f.fix is None or any(not _same_value(getattr(f.fix, k), v) for k, v in fx.items()):
            return False
    return True


def _same_value(got: Any, want: Any) -> bool:
    """Equal, and a number of the same type (a fix writes 15, not 15.0)."""
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        return type(got) is type(want) and got == want
    return got == want


def _check_expect(case: Case, got: list[Finding]) -> None:
    expect = case.data.get("expect") or []
    assert len(got) == len(expect), f"{case.pytest_id}: expected {len(expect)} finding(s), got {_describe(got)}"
    left = list(got)
    for e in expect:
        hit = next((f for f in left if _matches(f, e)), None)
        assert hit is not None, f"{case.pytest_id}: no finding matches {e}; got {_describe(left)}"
        left.remove(hit)


def run_case(case: Case) -> None:
    """Check one case; an AssertionError says what differs."""
    sheet = build_sheet(case)
    fs = findings(case, sheet=sheet)
    mine = of_rule(case, fs)
    codes = {f.code for f in fs}
    for other in case.data.get("absent") or []:
        assert other not in codes, f"{case.pytest_id}: {other} should stay silent; got {_describe(fs)}"
    for other in case.data.get("present") or []:
        assert other in codes, f"{case.pytest_id}: {other} should be found; got {_describe(fs)}"
    if case.kind == "pass":
        assert mine == [], f"{case.pytest_id}: expected no {case.code}; got {_describe(mine)}"
        return
    if case.kind == "fail" or case.data.get("expect"):
        _check_expect(case, mine)
    if case.kind == "fix":
        fixes = [f for f in mine if f.fix is not None]
        assert fixes, f"{case.pytest_id}: {case.code} proposes no fix; got {_describe(mine)}"
        fixed = apply_fixes(sheet.cells, fixes)
        want = expected_fixed(case, sheet)
        assert _same_cells(fixed, want), f"{case.pytest_id}: fixed cells differ:\n{fixed}\n!=\n{want}"
        again = of_rule(case, findings(case, cells=fixed, sheet=sheet))
        assert _same_cells(apply_fixes(fixed, again), fixed), \
            f"{case.pytest_id}: a second fix run changes the cells again: {_describe(again)}"


# --- the examples the docs render ------------------------------------------------------

def _plain(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def example(case: Case) -> dict[str, Any]:
    """What docs/rules.md and 规则说明 show of a case: the shown cells, the findings, the fixes."""
    sheet = build_sheet(case)
    mine = of_rule(case, findings(case, sheet=sheet))
    rows = set(sheet.shown)
    if sheet.header is not None:  # also the rows the findings point at
        at_rows = {parse_address(f.cell)[0] - 1 for f in mine if f.cell}
        rows |= {r for r in at_rows if r >= sheet.data_row0}
    rows_sorted = sorted(r for r in rows if r < len(sheet.cells))
    width = max((len(sheet.cells[r]) for r in rows_sorted), default=0)
    # the columns with something to show, and those the case changes or a finding points at (even blank)
    at = {parse_address(a)[1] - 1 for f in mine for a in (f.cell, f.fix.cell if f.fix else None) if a}
    changed = {k for kw in (case.data["variant"] or {}).values() for k in kw} if case.form == "variant" else set()
    changed_cols = {c for c, k in enumerate(sheet.columns) if k in changed}
    cols = [c for c in range(width) if c in at or c in changed_cols
            or any(sheet.cells[r][c] not in (None, "") for r in rows_sorted if c < len(sheet.cells[r]))]
    if case.data.get("show"):  # the case names the columns worth showing
        show = set(case.data["show"])
        cols = [c for c in range(width) if c in at or col_letter(c + 1) in show
                or (c < len(sheet.columns) and sheet.columns[c] in show)]
    elif case.form == "variant":  # the project's own cells only where the case or a finding is about them
        cols = [c for c in cols if c >= len(sheet.columns) or sheet.columns[c] not in PROJECT_FIELDS
                or c in changed_cols or c in at]
    if sheet.header is not None:
        labels = [sheet.cells[sheet.data_row0 - 1][c] if c < len(sheet.header) else col_letter(c + 1) for c in cols]
    else:
        labels = [col_letter(c + 1) for c in cols]
    out: dict[str, Any] = {"id": case.id, "kind": case.kind}
    if case.data.get("note"):
        out["note"] = case.data["note"]
    if case.data.get("settings"):
        out["settings"] = case.data["settings"]
    out["columns"] = labels
    keep = [i for i, c in enumerate(cols) if c in at or c in changed_cols]
    if keep:  # shown even when blank: what the case changes or a finding points at
        out["keep"] = keep
    out["rows"] = [[r + 1] + [_plain(sheet.cells[r][c]) if c < len(sheet.cells[r]) else None for c in cols]
                   for r in rows_sorted]
    merges = case.data.get("merges") or (case.data["grid"].get("merges") if case.form == "grid" else None)
    if merges:
        out["merges"] = list(merges)
    out["findings"] = [{"cell": f.cell, "severity": f.severity, "message": f.message} for f in mine]
    fixes = [{"cell": f.fix.cell, "old": _plain(f.fix.old), "new": _plain(f.fix.new)} for f in mine if f.fix]
    if case.kind == "fix" and fixes:
        out["fixes"] = fixes
    return out


def examples() -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for case in load_cases():
        if case.doc:
            out.setdefault(case.code, []).append(example(case))
    return dict(sorted(out.items()))


def examples_json() -> str:
    """The examples, one per line (readable diffs)."""
    lines = []
    for code, exs in examples().items():
        body = ",\n".join("  " + json.dumps(ex, ensure_ascii=False) for ex in exs)
        lines.append(f" {json.dumps(code)}: [\n{body}\n ]")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main() -> None:
    """Rewrite xlperf/data/rule_examples.json from the cases, then docs/rules.md from the registry."""
    EXAMPLES_JSON.write_text(examples_json(), encoding="utf-8", newline="\n")
    from xlperf.core.rules import docs

    docs.load_examples.cache_clear()
    DOCS_MD.write_text(docs.render_rules_markdown(), encoding="utf-8", newline="\n")
    sys.stdout.write(f"wrote {EXAMPLES_JSON.relative_to(ROOT)} and {DOCS_MD.relative_to(ROOT)}\n")


if __name__ == "__main__":
    main()
