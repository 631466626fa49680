"""writers.sheet_layout.display_width's fast path (a memo per character, ASCII as its length)
against the per-character definition, over every kind of character a cell can hold."""

from __future__ import annotations

import random
import unicodedata

from xlperf.writers.sheet_layout import display_width, text_lines
from xlperf.writers.styled_table import _display_width


def _by_definition(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_every_plane_and_kind_of_character() -> None:
    rng = random.Random(7)
    pools = [range(0x20, 0x7F), range(0x80, 0x3000), range(0x3000, 0xA000), range(0xAC00, 0xD7A4),
             range(0xFF00, 0xFFF0), range(0x1F300, 0x1FAFF), range(0x20000, 0x2A6DF)]
    for _ in range(400):
        pool = rng.choice(pools)
        text = "".join(chr(rng.choice(pool)) for _ in range(rng.randint(0, 40)))
        text += rng.choice(["", "abc", "第3行", "（≥90%）", "\u3000", "⏎", "Ｘ"])
        assert display_width(text) == _by_definition(text) == _display_width(text), repr(text)


def test_known_widths() -> None:
    assert display_width("") == 0
    assert display_width("H12 weight") == 10
    assert display_width("项目“培训”") == 10  # “” are ambiguous width (A): one unit each
    assert display_width("ＡＢ１") == 6
    assert text_lines("甲" * 20, 11.5) == 4  # 40 units in a 10-unit usable width
