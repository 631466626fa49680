"""The rulebook. Importing a family module registers its rules."""

from __future__ import annotations

import importlib

FAMILY_MODULES = ("structure", "taxonomy", "weights", "values", "budget", "normalisation", "reading", "review",
                  "self_evaluation", "against", "applicability", "layoutfit", "funds", "points", "costs")
_loaded = False


def load_all() -> None:
    global _loaded
    if _loaded:
        return
    for name in FAMILY_MODULES:
        importlib.import_module(f"{__name__}.{name}")
    _loaded = True


from .registry import REGISTRY, Context, Hit, Rule, all_rules, get_rule, render, rule  # noqa: E402

__all__ = ["REGISTRY", "Context", "Hit", "Rule", "all_rules", "get_rule", "render", "rule", "load_all"]
