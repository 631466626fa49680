"""Rules of this family are registered here."""

from __future__ import annotations

from .registry import Hit, rule  # noqa: F401
