"""docs/rules.md is generated from the registry and must match a fresh render."""

import subprocess
import sys
from pathlib import Path

from xlperf.core.rules import all_rules
from xlperf.core.rules.docs import REGENERATE, render_rules_markdown

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "rules.md"


def test_rules_doc_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == render_rules_markdown(), f"docs/rules.md is stale: run `{REGENERATE}`"


def test_rules_doc_lists_every_rule_with_its_sections_and_template():
    text = render_rules_markdown()
    assert "生成" in text.splitlines()[2] and "| 代码 | 级别 | 名称 | 可自动修正 |" in text
    for r in all_rules():
        assert f"| {r.code} |" in text and f"### {r.code} {r.title}" in text and r.message in text
    for section in ("**问题：**", "**原因：**", "**反例：**", "**正例：**"):
        assert text.count(section) == len(all_rules())


def test_rules_doc_module_is_runnable():
    out = subprocess.run([sys.executable, "-m", "xlperf.core.rules.docs"], capture_output=True, cwd=ROOT, check=True)
    assert out.stdout.decode("utf-8") == render_rules_markdown()
