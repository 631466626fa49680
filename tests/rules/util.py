"""Helpers for rule tests: variants of the clean project, cell addresses, applying fixes."""

from __future__ import annotations

from typing import Any, Iterable, Optional

from xlperf.core.config import Config
from xlperf.core.grid import Grid, col_letter, parse_address
from xlperf.core.model import FIELDS, Finding

from ..helpers import DATA_ROW0, HEADER, TITLE_ROWS, findings_of, good_project, ind

KEYS = list(FIELDS)  # field order of the standard header


def col(field: str) -> str:
    return col_letter(KEYS.index(field) + 1)


def addr(field: str, data_row: int) -> str:
    """The address of a field in data row ``data_row`` (0 = first data row)."""
    return f"{col(field)}{DATA_ROW0 + data_row}"


def row(data_row: int) -> int:
    return DATA_ROW0 + data_row


def variant(changes: Optional[dict[int, dict[str, Any]]] = None, **project: Any) -> list[list[Any]]:
    """good_project() with some cells changed: ``variant({1: {"weight": 10}})``."""
    rows = good_project(**project)
    for i, kw in (changes or {}).items():
        d = dict(zip(KEYS, rows[i]))
        unknown = set(kw) - set(KEYS)
        assert not unknown, unknown
        d.update(kw)
        rows[i] = [d[k] for k in KEYS] + rows[i][len(KEYS):]
    return rows


def blank_row(**values: Any) -> list[Any]:
    """A row with only the given fields filled."""
    return [values.get(k) for k in KEYS]


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def one(findings: list[Finding], code: str) -> Finding:
    got = only(findings, code)
    assert len(got) == 1, [(f.code, f.cell, f.message) for f in findings]
    return got[0]


def check(rows, config: Optional[Config] = None, **kw) -> list[Finding]:
    return findings_of(rows, config=config, **kw)


def grid_without(rows: Iterable[list[Any]], drop: Iterable[str]) -> Grid:
    """The standard table with some columns removed (header and data)."""
    keep = [i for i, k in enumerate(KEYS) if k not in set(drop)]
    header = [HEADER[i] for i in keep]
    body = [[r[i] for i in keep] for r in rows]
    width = len(header)
    titles = [r[:width] for r in TITLE_ROWS]
    return Grid("绩效目标表", titles + [header] + body)


def apply_fixes(rows: list[list[Any]], findings: list[Finding]) -> list[list[Any]]:
    """Write every proposed fix into a copy of the data rows (standard header layout)."""
    out = [list(r) for r in rows]
    for f in findings:
        if f.fix is None:
            continue
        r, c = parse_address(f.fix.cell)
        i = r - DATA_ROW0
        line = out[i]
        line.extend([None] * (c - len(line)))
        assert line[c - 1] == f.fix.old or (line[c - 1] in (None, "") and f.fix.old in (None, "")), (f.fix, line[c - 1])
        line[c - 1] = f.fix.new
    return out


__all__ = ["KEYS", "addr", "apply_fixes", "blank_row", "check", "col", "good_project", "grid_without", "ind",
           "one", "only", "row", "variant"]
