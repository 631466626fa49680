"""core/merges.py's fast paths against the straightforward definitions, on random grids.

The module finds values under merges, overlapping merges and over-long cells with shortcuts
(no clipping pass when nothing sticks out, single-column spans without an inner range, the
anchor's column scanned from the row below it, one C-speed pass for the longest text); the
references here are cell-by-cell loops written from the definitions. Same findings, same order.
"""

from __future__ import annotations

import random

import pytest

from xlperf.core.blocks import same_value
from xlperf.core.grid import Merge, is_blank
from xlperf.core.merges import MAX_CELL_CHARS, clip_long_cells, merge_findings


def _ref_overlaps(merges: list[Merge]) -> tuple[list[Merge], list[tuple[Merge, Merge]]]:
    kept: list[Merge] = []
    dropped = []
    for m in merges:
        hit = next((k for k in kept if not (m.r2 < k.r1 or k.r2 < m.r1 or m.c2 < k.c1 or k.c2 < m.c1)), None)
        if hit is None:
            kept.append(m)
        else:
            dropped.append((m, hit))
    return kept, dropped


def _ref_hidden(rows, merges):
    out = []
    for m in merges:
        anchor = rows[m.r1][m.c1] if m.r1 < len(rows) and m.c1 < len(rows[m.r1]) else None
        for r in range(m.r1, m.r2 + 1):
            for c in range(m.c1, m.c2 + 1):
                if (r, c) == (m.r1, m.c1) or r >= len(rows) or c >= len(rows[r]):
                    continue
                v = rows[r][c]
                if v is None or is_blank(v) or same_value(v, anchor):
                    continue
                out.append((r, c, v))
    return sorted(out, key=lambda x: (x[0], x[1]))


def _grid(rng: random.Random, height: int, width: int) -> list[list]:
    rows = []
    for _ in range(height):
        n = rng.randint(0, width)  # ragged rows, as a reader hands them over
        rows.append([rng.choice([None, None, None, "", " ", "甲", "乙", 1.0, "1", 2.5]) for _ in range(n)])
    return rows


def _merges(rng: random.Random, height: int, width: int, n: int) -> list[Merge]:
    out = []
    for _ in range(n):
        r1, c1 = rng.randrange(height + 2), rng.randrange(width + 2)  # some start outside the grid
        tall = rng.random() < 0.7
        r2 = r1 + (rng.randint(0, 4) if tall else 0)
        c2 = c1 + (0 if tall else rng.randint(1, 3))
        out.append(Merge(r1, c1, r2, c2))
    return out


@pytest.mark.parametrize("seed", range(60))
def test_merge_findings_match_the_definition(seed: int) -> None:
    rng = random.Random(seed)
    height, width = rng.randint(1, 25), rng.randint(1, 8)
    rows = _grid(rng, height, width)
    merges = _merges(rng, height, width, rng.randint(0, 30))
    kept, findings = merge_findings("表", rows, merges)

    h, w = len(rows), max(map(len, rows), default=0)
    clipped = [Merge(m.r1, m.c1, min(m.r2, h - 1), min(m.c2, w - 1)) for m in merges if m.r1 < h and m.c1 < w]
    ref_kept, ref_dropped = _ref_overlaps(clipped)
    assert kept == ref_kept
    st019 = [f for f in findings if f.code == "ST019"]
    st018 = [f for f in findings if f.code == "ST018"]
    assert len(st019) == min(len(ref_dropped), 21)
    hidden = _ref_hidden(rows, ref_kept)
    assert [f.row for f in st018] == [r + 1 for r, _, _ in hidden][:21]
    assert [f.cell for f in st018][:20] == [f"{chr(65 + c)}{r + 1}" for r, c, _ in hidden][:20]


def test_merge_findings_unclipped_and_clipped_name_the_file_range() -> None:
    rows = [["甲", "x"], [None, "y"], ["乙", None]]
    # A1:A3 stays, B1:B9 is clipped to B1:B3 but named as the file has it
    _, findings = merge_findings("表", rows, [Merge(0, 0, 2, 0), Merge(0, 1, 8, 1)])
    where = sorted(f.message for f in findings)
    assert any("A1:A3" in m for m in where) and any("B1:B9" in m for m in where)


@pytest.mark.parametrize("seed", range(20))
def test_clip_long_cells_matches_the_definition(seed: int) -> None:
    rng = random.Random(seed)
    rows = _grid(rng, rng.randint(1, 15), rng.randint(1, 6))
    for _ in range(rng.randint(0, 3)):
        r = rng.randrange(len(rows))
        if rows[r]:
            rows[r][rng.randrange(len(rows[r]))] = "长" * (MAX_CELL_CHARS + rng.choice([-1, 0, 1, 500]))
    expect = sorted((r, c) for r, row in enumerate(rows) for c, v in enumerate(row)
                    if isinstance(v, str) and len(v) > MAX_CELL_CHARS)
    before = [list(row) for row in rows]
    found = clip_long_cells("表", rows)
    assert [f.row for f in found] == [r + 1 for r, _ in expect]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            old = before[r][c]
            assert v == (old[:MAX_CELL_CHARS] if isinstance(old, str) else old)
