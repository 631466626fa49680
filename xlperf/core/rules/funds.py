"""BG: the funds of forms and department tables — blocks that add up, amounts written as text."""

from __future__ import annotations
