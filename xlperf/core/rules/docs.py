"""Render the rulebook as Markdown (``docs/rules.md``), straight from the registry.

Regenerate with::

    python -m xlperf.core.rules.docs > docs/rules.md
"""

from __future__ import annotations

import re
import sys

from ..model import SEVERITY_ZH
from .registry import DOC_SECTIONS, FAMILIES, Rule, all_rules

REGENERATE = "python -m xlperf.core.rules.docs > docs/rules.md"
SCOPE_ZH = {"indicator": "每条指标", "project": "每个项目", "table": "整张表", "read": "读取表格时"}
_SECTION_RE = re.compile(r"^(%s)[：:]\s*" % "|".join(DOC_SECTIONS))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _join(lines) -> str:
    """Join wrapped docstring lines: no space between Chinese characters, one beside ASCII."""
    text = ""
    for line in lines:
        if text and line and (ord(text[-1]) < 128 or ord(line[0]) < 128):
            text += " "
        text += line
    return text


def doc_sections(doc: str) -> dict[str, str]:
    """A rule docstring -> {问题/原因/反例/正例: text}, wrapped lines joined (also for the
    workbook's 规则说明 sheet, so both views read the docstring the same way)."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for para in re.split(r"\n\s*\n", doc.strip()):
        text = _join(line.strip() for line in para.splitlines())
        m = _SECTION_RE.match(text)
        if m:
            current = m.group(1)
            text = text[m.end():]
        if current is not None:
            sections.setdefault(current, []).append(text)
    return {k: "\n".join(v) for k, v in sections.items()}


def _doc_markdown(doc: str) -> str:
    """Docstring paragraphs -> Markdown: each section label in bold, its lines joined."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", doc.strip()):
        text = _join(line.strip() for line in para.splitlines())
        m = _SECTION_RE.match(text)
        if m:
            text = f"**{m.group(1)}：** {text[m.end():]}"
        out.append(text)
    return "\n\n".join(out)


def _rule_markdown(r: Rule) -> str:
    fixable = "是" if r.fixable else "否"
    return "\n".join([
        f"### {r.code} {r.title}",
        "",
        f"- 代码：`{r.code}`（`{r.slug}`）",
        f"- 级别：{SEVERITY_ZH[r.severity]}（{r.severity}）",
        f"- 检查范围：{SCOPE_ZH[r.scope]}（{r.scope}）",
        f"- 可自动修正：{fixable}",
        f"- 消息模板：`{r.message}`（English: `{r.message_en}`）",
        "",
        _doc_markdown(r.doc),
        "",
    ])


def render_rules_markdown() -> str:
    order = list(FAMILIES)
    rules = sorted(all_rules(), key=lambda r: (order.index(r.family), r.code))
    lines = [
        "# 规则说明（xlperf rules）",
        "",
        "<!-- 本文件由程序生成，请勿手工修改。Generated from the rule registry; do not edit by hand. -->",
        f"<!-- 重新生成（regenerate）：`{REGENERATE}` -->",
        "",
        "本文件由规则登记表自动生成：每条规则的说明就是其代码中的文档字符串。"
        "级别：错误（error）须修改后提交；警告（warning）须复核；提示（info）供参考。"
        "可在配置中按代码选择、忽略规则或调整级别，也可在表格的“豁免”列中按行填写规则代码。",
        "",
        "| 代码 | 级别 | 名称 | 可自动修正 |",
        "|---|---|---|---|",
    ]
    for r in rules:
        lines.append(f"| {r.code} | {SEVERITY_ZH[r.severity]} | {_cell(r.title)} | "
                     f"{'是' if r.fixable else ''} |")
    lines.append("")
    for family, label in FAMILIES.items():
        members = [r for r in rules if r.family == family]
        if not members:
            continue
        lines += [f"## {family} {label}", ""]
        for r in members:
            lines.append(_rule_markdown(r))
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> None:
    text = render_rules_markdown()
    try:
        sys.stdout.reconfigure(encoding="utf-8", newline="\n")  # type: ignore[attr-defined]
    except (AttributeError, ValueError):  # pragma: no cover - a replaced stdout
        pass
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
