"""Render the rulebook as Markdown (``docs/rules.md``), straight from the registry.

Regenerate with::

    python -m xlperf.core.rules.docs > docs/rules.md

A rule's 问题/原因 are its docstring; its 反例/正例 are its cases marked ``doc: true``
(tests/rules/cases/<CODE>.yaml, which the test suite runs). The cases are not shipped: a
checkout turns them into ``xlperf/data/rule_examples.json`` (``python -m tests.rules.case_runner``,
which also rewrites docs/rules.md; a test keeps the file fresh), so an installed package renders
the same examples with nothing but the standard library.
"""

from __future__ import annotations

import json
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..model import SEVERITY_ZH
from .registry import DOC_SECTIONS, EXAMPLE_SECTIONS, FAMILIES, Rule, all_rules

REGENERATE = "python -m xlperf.core.rules.docs > docs/rules.md"
REGENERATE_EXAMPLES = "python -m tests.rules.case_runner"  # from a checkout: the JSON and this file
EXAMPLES_PATH = Path(__file__).resolve().parents[2] / "data" / "rule_examples.json"
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


# --- 反例/正例 from the rule's doc cases ------------------------------------------------

@lru_cache(maxsize=1)
def load_examples() -> dict[str, list[dict[str, Any]]]:
    """{code: [example, ...]} as written by tests/rules/case_runner.py; {} when the file is missing."""
    try:
        return json.loads(EXAMPLES_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


NO_ROWS = "（表头下没有任何行）"
_NUMBER_TEXT = re.compile(r"^[\s+\-−]*[0-9０-９][0-9０-９,，.．\s]*$")


def _value(v: Any, n: int = 20) -> str:
    """A cell for a clerk: numbers as written, text that looks like a number quoted, stray
    spaces and line breaks made visible (␣ ⏎), long text cut."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (int, float)):
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
    s = str(v).replace("\r\n", "⏎").replace("\n", "⏎").replace("\u3000", "␣")
    core = s.strip(" ")
    s = "␣" * (len(s) - len(s.lstrip(" "))) + core + "␣" * (len(s) - len(s.rstrip(" ")))
    if len(s) > n:
        s = s[: n - 1] + "…"
    return f"“{s}”" if _NUMBER_TEXT.match(str(v)) else s


def _quoted(v: Any) -> str:
    """A fix's old or new value: （空）, a number as it is, text in quotes."""
    shown = _value(v)
    if not shown:
        return "（空）"
    if isinstance(v, (int, float)) or shown.startswith("“"):
        return shown
    return f"“{shown}”"


def _merges(ex: dict[str, Any]) -> str:
    return "（合并单元格：" + "、".join(ex["merges"]) + "）"


def _settings(ex: dict[str, Any]) -> str:
    st = ex.get("settings")
    if not st:
        return ""
    return "（设置：" + "，".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in st.items()) + "）"


def _section_of(ex: dict[str, Any]) -> str:
    return "反例" if ex["kind"] == "fail" else "正例"


def _result_text(ex: dict[str, Any]) -> str:
    if ex["kind"] == "fix":
        return "自动修正：" + "；".join(f"{x['cell']} {_quoted(x['old'])}改为{_quoted(x['new'])}"
                                      for x in ex.get("fixes", []))
    if not ex["findings"]:
        return "不提示此规则。"
    return "；".join(f"{SEVERITY_ZH[f['severity']]}：{f['message']}" for f in ex["findings"])


def example_text(ex: dict[str, Any]) -> str:
    """One example as one line (a cell of the 规则说明 sheet)."""
    rows = []
    keep = set(ex.get("keep", ()))  # columns shown even when blank
    for row in ex["rows"]:
        pairs = enumerate(zip(ex["columns"], row[1:]))
        cells = "，".join(f"{label} {_value(v) or '（空）'}" for i, (label, v) in pairs if _value(v) or i in keep)
        rows.append(f"第{row[0]}行：{cells or '（空行）'}")
    if not rows:
        rows.append(NO_ROWS)
    if ex.get("merges"):
        rows[-1] += _merges(ex)
    lead = f"{ex.get('note', '')}{_settings(ex)}"
    if lead and lead[-1] not in "。！？；：":
        lead += "。"
    return f"{lead}{'；'.join(rows)} → {_result_text(ex)}"


def example_markdown(ex: dict[str, Any]) -> str:
    """One example as a small table of the cells shown and the result."""
    out = []
    if ex.get("note") or ex.get("settings"):
        out += [f"{ex.get('note', '')}{_settings(ex)}", ""]
    if ex["kind"] == "fix":
        out += ["自动修正前：", ""]
    if ex["rows"]:
        out.append("| 行 | " + " | ".join(_cell(c) for c in ex["columns"]) + " |")
        out.append("|---" * (len(ex["columns"]) + 1) + "|")
        for row in ex["rows"]:
            out.append(f"| {row[0]} | " + " | ".join(_cell(_value(v)) for v in row[1:]) + " |")
    else:
        out.append(NO_ROWS)
    if ex.get("merges"):
        out += ["", _merges(ex).strip()]
    out.append("")
    if ex["kind"] == "fix":
        out.append("→ " + _result_text(ex))
    elif not ex["findings"]:
        out.append("→ 不提示此规则。")
    else:
        out += [f"→ {SEVERITY_ZH[f['severity']]}：{f['message']}" + ("  " if i + 1 < len(ex["findings"]) else "")
                for i, f in enumerate(ex["findings"])]
    return "\n".join(out)


def _examples_by_section(code: str) -> dict[str, list[dict[str, Any]]]:
    by: dict[str, list[dict[str, Any]]] = {}
    for ex in load_examples().get(code, []):
        by.setdefault(_section_of(ex), []).append(ex)
    return by


def _has_section(doc: str, section: str) -> bool:
    return re.search(rf"^{section}[：:]", doc, re.M) is not None


def doc_with_examples(code: str, docstring: str) -> str:
    """The docstring plus a 反例/正例 paragraph per doc case (sections it already has stay)."""
    by = _examples_by_section(code)
    parts = [docstring]
    for section in EXAMPLE_SECTIONS:
        if by.get(section) and not _has_section(docstring, section):
            parts.append(f"{section}：" + "\n\n".join(example_text(ex) for ex in by[section]))
    return "\n\n".join(parts)


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
        _doc_markdown(r.docstring),
        *_examples_markdown(r),
        "",
    ])


def _examples_markdown(r: Rule) -> list[str]:
    by = _examples_by_section(r.code)
    out: list[str] = []
    for section in EXAMPLE_SECTIONS:
        if by.get(section) and not _has_section(r.docstring, section):
            out += ["", f"**{section}：**"]
            for ex in by[section]:
                out += ["", example_markdown(ex)]
    return out


def render_rules_markdown() -> str:
    order = list(FAMILIES)
    rules = sorted(all_rules(), key=lambda r: (order.index(r.family), r.code))
    lines = [
        "# 规则说明（xlperf rules）",
        "",
        "<!-- 本文件由程序生成，请勿手工修改。Generated from the rule registry; do not edit by hand. -->",
        f"<!-- 重新生成（regenerate）：`{REGENERATE}`; after changing a rule's cases: `{REGENERATE_EXAMPLES}` -->",
        "",
        "本文件由规则登记表自动生成：每条规则的问题、原因就是其代码中的文档字符串；"
        "反例、正例是该规则的测试用例，每次测试都会运行，其中的提示就是程序实际给出的结果。"
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
