"""The Chinese text report for the terminal (rich)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from rich import box
from rich.console import Console
from rich.markup import escape as _markup_escape
from rich.table import Table as RichTable

from ..core.filenames import copy_suffix, readable, visible_controls

from ..core.model import SEVERITY_ORDER, SEVERITY_ZH, Finding
from ..core.report import LEVEL1_COLUMNS, SELF_EVALUATION, STATUS_OK, STATUS_WEIGHT_OFF, Report, text_budgets



def escape(text: str) -> str:
    """Any text from the workbook or a file name, for printing: never read as rich markup (a sheet
    named ``表[/b]``), bidi/control characters shown as ``<U+202E>``, undecodable bytes readable."""
    return _markup_escape(visible_controls(readable(str(text))))


_SEV_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_SHORT = {"产出指标": "产出", "效益指标": "效益", "满意度指标": "满意度", "成本指标": "成本", "其他": "其他"}


def _num(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:,.2f}" if not float(v).is_integer() else f"{int(v):,}"


def _money(v: float | None) -> str:
    return "—" if v is None else f"{v:,.2f}"


def _budget(v: float | None, text: str | None) -> str:
    """A project's 预算数: the amount, else the cell's text as the clerk wrote it (“一百”)."""
    return escape(text) if v is None and text else _money(v)


# Beyond these a terminal listing stops being readable (a 100k-row table has 16,000 projects
# and 14,000 findings, and rich needs ~40 s to lay them out): long reports are condensed.
FULL_PROJECTS = 60
FULL_FINDINGS = 200
SHOWN_PROJECTS = 50
SHOWN_FINDINGS = 50
SHOWN_NAMES = 10


# A group of at least this many findings of one rule is one line of the default report.
COLLAPSE_AT = 2
# Cells listed on a collapsed line of warnings / infos (every error's cell is always listed).
SHOWN_CELLS = 8
# Findings a text importer raises for a repair it has already made (nothing left to do).
IMPORT_REPAIR = "ST007"


def render_report(report: Report, console: Console, max_findings: int = 0, *, everything: bool = False,
                  lang: str = "zh", shares: Optional[dict[str, float]] = None,
                  command_path: Optional[str] = None) -> None:
    """The report for a terminal: what is wrong, where, and what to do next.

    By default the findings of one rule are one line (count, cells, how to fix) once there
    are ``COLLAPSE_AT`` of them, the repairs a text import already made are one line, and the
    project table lists the projects that need attention (all of them when the table is
    short); ``everything`` (``--all``) lists every project and every finding one by one.
    ``lang="en"``: each message's English after it. ``shares``: the configured level-1
    shares (成本 counts into 产出 unless it has its own), so the weight table adds them up
    the way WT003 does. ``command_path``: the file as the next-step commands should name it."""
    s = report.summary
    console.print(f"[bold]xlperf 校验报告[/]  {escape(report.source)}", highlight=False)
    _table_lines(report, console, everything)
    if report.projects:
        _project_table(report, console, everything, shares)
    findings = report.findings
    if findings:
        console.print()
        if everything or max_findings:
            _finding_list(findings, console, max_findings, lang)
        elif len(findings) > FULL_FINDINGS:
            _finding_overview(findings, console, lang)
        else:
            _finding_groups(findings, console, lang, report.source)
    console.print()
    word = s.weight_word  # 分值 when the tables say 分值
    names = s.projects_weight_off
    if names:
        more = f"等 {len(names)} 个项目" if len(names) > SHOWN_NAMES and not everything else ""
        off = f"；{word}合计不符：{escape('、'.join(names if everything else names[:SHOWN_NAMES]))}{more}"
    else:
        off = ""
    unweighted = sum(1 for p in report.projects if _unweighted(p))
    if unweighted and unweighted == s.projects:
        weights = "权重未检查（本表没有权重/分值列）" if s.tables <= 1 else "权重未检查（各表都没有权重/分值列）"
    elif unweighted:
        weights = (f"{word}合计正确 {s.projects_weight_ok - unweighted}/{s.projects - unweighted}{off}"
                   f"（另 {unweighted} 个项目所在的表没有权重/分值列，未检查权重）")
    else:
        weights = f"{word}合计正确 {s.projects_weight_ok}/{s.projects}{off}"
    texts = text_budgets(report.projects)
    left_out = f"（{texts} 个项目的预算数不是数字，未计入）" if texts else ""
    console.print(
        f"[bold]合计[/]：{s.tables} 张表，{s.projects} 个项目，{s.indicators} 个指标，预算 {_money(s.budget_total)} 万元{left_out}；"
        f"[bold red]错误 {s.errors}[/]，[yellow]警告 {s.warnings}[/]，提示 {s.infos}，已豁免 {s.waived}；"
        f"{weights}",
        highlight=False,
    )
    _next_steps(report, console, command_path or report.source)


LAYOUT_ZH = {"list": "清单", "form": "表单", "department": "部门整体", "self_evaluation": "自评表"}
SHOWN_TABLES = 20


def _table_lines(report: Report, console: Console, everything: bool) -> None:
    """One line per table read: where it starts, the layout that read it and why."""
    tables = report.tables
    shown = tables if everything or len(tables) <= SHOWN_TABLES else tables[:SHOWN_TABLES]
    # a pasted text says once how it was decoded (Notepad's "Unicode" is UTF-16 LE with a BOM)
    encoding = f"（文本编码：{report.encoding}）" if report.encoding else ""
    if encoding and not shown:
        console.print(f"[dim]读取：{escape(encoding[1:-1])}[/]", highlight=False)
    for t in shown:
        where = f"{t.sheet}" + (f" 第{t.first_row}行起" if t.first_row else "") + encoding
        encoding = ""
        console.print(f"[dim]读取：{escape(where)} 按{LAYOUT_ZH.get(t.layout, t.layout)}（{t.layout}）读取，"
                      f"{t.projects} 个项目、{t.indicators} 个指标 —— {escape(t.layout_reason)}[/]", highlight=False)
    if len(shown) < len(tables):
        counts = "、".join(f"{LAYOUT_ZH.get(k, k)} {v} 张" for k, v in report.summary.layouts.items())
        console.print(f"[dim]……共 {len(tables)} 张表（{counts}），--all 列出全部[/]", highlight=False)


def _unweighted(p) -> bool:
    """A project whose table has no 权重/分值 column (or one empty everywhere): its weights were
    not checked (ST030 says so), so it has no total to show — never "合计 0, 通过"."""
    return p.layout != SELF_EVALUATION and not p.weights and not p.weight_total and p.weight_ok


def _shares_cost_in_output(shares: Optional[dict[str, float]]) -> bool:
    return shares is not None and "成本指标" not in shares and "产出指标" in shares


WEIGHT_SUM_CODES = frozenset({"WT002", "WT003", "WT004", "WT005"})  # the weight table explains these


def _needs_attention(report: Report) -> set[tuple[str, int]]:
    """(sheet, first row) of the projects a short report's weight table lists: the total off, or
    a finding about how the weights add up (WT003 / WT005 refer to the table). Other errors are
    listed with the findings below the table, every one of them."""
    import bisect

    firsts: dict[str, list[int]] = {}
    for p in report.projects:
        firsts.setdefault(p.sheet, []).append(p.row)
    for rows in firsts.values():
        rows.sort()
    out = {(p.sheet, p.row) for p in report.projects if not p.weight_ok}
    for f in report.findings:
        if f.code in WEIGHT_SUM_CODES and f.row and not f.waived and f.sheet in firsts:
            rows = firsts[f.sheet]
            i = bisect.bisect_right(rows, f.row) - 1
            if i >= 0:
                out.add((f.sheet, rows[i]))
    return out


def _project_table(report: Report, console: Console, everything: bool,
                   shares: Optional[dict[str, float]] = None) -> None:
    s = report.summary
    word = s.weight_word
    projects = report.projects
    note = ""
    if not everything and len(projects) > SHORT_TABLE:
        keep = _needs_attention(report)
        attention = [p for p in projects if (p.sheet, p.row) in keep]
        shown = attention[:SHOWN_PROJECTS]
        rest = len(projects) - len(attention)
        note = (f"共 {len(projects)} 个项目；其余 {rest} 个项目{word}合计正确、没有错误，未列出"
                + (f"；需处理的 {len(attention)} 个只列出前 {len(shown)} 个" if len(attention) > len(shown) else "")
                + "（全部列出：--all）")
        title = f"需处理的项目（{word}合计应为 {_num(s.expected_total)}）"
    else:
        shown = projects
        title = f"项目{word}合计（应为 {_num(s.expected_total)}）"
    if not shown:
        console.print(f"[green]{note}[/]", highlight=False)
        return
    evaluations = [p for p in shown if p.layout == SELF_EVALUATION]
    if evaluations:
        _self_evaluation_table(evaluations, console)
        shown = [p for p in shown if p.layout != SELF_EVALUATION]
        if not shown:
            if note:
                console.print(note, highlight=False)
            return
    totals = not all(_unweighted(p) for p in shown)  # some project has a weight total to show
    if not totals:
        title = "项目（本表没有权重/分值列，未检查权重合计）" if len(report.tables) <= 1 else \
            "项目（所在的表没有权重/分值列，未检查权重合计）"
    console.print(f"[bold]{title}[/]", highlight=False)
    cost_in = _shares_cost_in_output(shares) and any(p.weights.get("成本指标") for p in shown)
    # No vertical rules and one space between columns: twelve columns fit 80 characters.
    t = RichTable(show_lines=False, header_style="bold underline", box=None, pad_edge=False, show_edge=False,
                  padding=(0, 1), collapse_padding=True)
    t.add_column("行", justify="right")
    t.add_column("项目名称", overflow="ellipsis", no_wrap=True, min_width=10, max_width=26)  # one line per project: --all or the JSON give the whole name
    t.add_column("预算(万元)", justify="right", min_width=10, no_wrap=True)
    t.add_column("指标", justify="right")
    cols = [c for c in LEVEL1_COLUMNS + ("其他",) if any(c in p.weights for p in shown)]
    if cost_in:
        cols = [c for c in cols if c != "成本指标"]
        if "产出指标" not in cols:
            cols.insert(0, "产出指标")
    for c in cols:
        t.add_column(_SHORT[c] + ("*" if cost_in and c == "产出指标" else ""), justify="right")
    if totals:
        t.add_column("合计", justify="right")
    t.add_column("状态", no_wrap=True)
    footnotes = []
    for p in shown:
        style = "red" if not p.weight_ok or p.errors else None
        values = []
        for c in cols:
            v = p.weights.get(c, 0)
            if cost_in and c == "产出指标" and p.weights.get("成本指标"):
                cost = p.weights["成本指标"]
                footnotes.append(f"第{p.row}行 产出 {_num(v)} + 成本 {_num(cost)} = {_num(v + cost)}")
                v = v + cost
            values.append(_num(v))
        total = ([("—" if _unweighted(p) else _num(p.weight_total))] if totals else [])
        t.add_row(str(p.row), escape(p.name) if p.name else "（无名称）", _budget(p.budget, p.budget_text),
                  str(p.indicator_count), *values, *total, _short_status(p.status, word),
                  style=style)
    console.print(t)
    if footnotes:
        console.print("* 产出含成本指标（成本指标计入产出，与一级指标权重分配 WT003 的算法相同）："
                      + "；".join(footnotes), highlight=False)
    if note:
        console.print(note, highlight=False)


# Projects listed whole up to this many; beyond, the default report lists those needing attention.
SHORT_TABLE = 12
_STATUS_SHORT = {"权重合计不符": "权重不符"}


def _short_status(status: str, word: str) -> str:
    """A status short enough for the weight table's last column, in the table's word (分值不符)."""
    return f"{word}不符" if status == STATUS_WEIGHT_OFF else status


def _where(f: Finding) -> str:
    return f"{f.sheet}!{f.cell}" if f.cell and f.sheet else (f.cell or f.sheet)


def _gloss(en: str, lang: str) -> str:
    """The English of a line, at its end, with ``--lang en`` only."""
    return escape(f"（{en}）") if lang == "en" and en else ""


def _of(score: float | None, points: float | None) -> str:
    if points is None:
        return "—" if score is None else _num(score)
    return f"{'—' if score is None else _num(score)}/{_num(points)}"


def _evaluation_columns(*figures: str) -> RichTable:
    """A self-evaluation table's columns: 行, 项目名称, 预算, the ``figures``, 状态."""
    t = RichTable(show_lines=False, header_style="bold underline", box=None, pad_edge=False, show_edge=False,
                  padding=(0, 1), collapse_padding=True)
    t.add_column("行", justify="right")
    t.add_column("项目名称", overflow="ellipsis", no_wrap=True, min_width=10, max_width=22)
    t.add_column("预算(万元)", justify="right", min_width=10, no_wrap=True)
    for col in figures:
        t.add_column(col, justify="right", no_wrap=True)
    t.add_column("状态", no_wrap=True)
    return t


def _self_evaluation_table(projects, console: Console) -> None:
    """Self-evaluations: the year's budget, 执行率, the budget line's score of its points, the
    indicators' points, the total score of its points (— when not filled in)."""
    # Like the weight table: no rules, one space between columns, short titles and one line per
    # project (long names cut with …; --all or the JSON give the whole name) — fits 80 columns.
    if all(p.indicator_count == 0 for p in projects) and any(p.grade or p.score_total is not None for p in projects):
        _summary_table(projects, console)
        return
    console.print("[bold]自评得分（预算执行＋绩效指标）[/]", highlight=False)
    t = _evaluation_columns("执行率", "预算得分", "指标", "分值", "总分")
    for p in projects:
        rate = "—" if p.execution_rate is None else f"{p.execution_rate:.1f}%"
        style = "red" if not p.weight_ok else ("yellow" if p.errors else None)
        t.add_row(str(p.row), escape(p.name) if p.name else "（无名称）", _budget(p.budget, p.budget_text), rate,
                  _of(p.budget_score, p.budget_points), str(p.indicator_count),
                  f"{_num(p.weight_total)}/{_num(p.expected)}" if p.points_total is not None else "—",
                  _of(p.score_total, p.points_total) if p.points_total is not None else "—",
                  _STATUS_SHORT.get(p.status, p.status), style=style)
    console.print(t)


def _summary_table(projects, console: Console) -> None:
    """A summary of self-evaluation results (no indicators): the budget, 执行率, the stated score
    and grade of every project."""
    console.print("[bold]自评结果（汇总表：每行一个项目）[/]", highlight=False)
    t = _evaluation_columns("执行率", "自评得分", "等级")
    for p in projects:
        rate = "—" if p.execution_rate is None else f"{p.execution_rate:.1f}%"
        t.add_row(str(p.row), escape(p.name) if p.name else "（无名称）", _budget(p.budget, p.budget_text), rate,
                  _of(p.score_total, None), escape(p.grade or "—"), _STATUS_SHORT.get(p.status, p.status),
                  style="yellow" if p.errors else None)
    console.print(t)


def _finding_line(f: Finding, lang: str = "zh") -> str:
    waived = "（已豁免）" if f.waived else ""
    fixable = "，可用 xlperf fix 修正" if f.fix is not None and not f.waived else ""
    where = _where(f)
    if f.source == "target":  # --against: a finding about the approved target table
        where = f"目标表 {where}"
    return (f"[{_SEV_STYLE[f.severity]}]{SEVERITY_ZH[f.severity]}[/] {f.code} {escape(where)}{waived} "
            f"{escape(f.text())}{fixable}{_gloss(f.message_en, lang)}")


def _finding_list(findings: list[Finding], console: Console, max_findings: int, lang: str = "zh") -> None:
    shown = findings if not max_findings else findings[:max_findings]
    console.print("[bold]问题清单[/]（全部，逐条列出）", highlight=False)
    for f in shown:
        console.print(_finding_line(f, lang), highlight=False)
    if len(findings) > len(shown):
        console.print(f"……另有 {len(findings) - len(shown)} 条，使用 --format json 查看全部", highlight=False)


def cell_ranges(findings: list[Finding]) -> list[str]:
    """The cells of findings, consecutive rows of one column as a range (``L86–L91``)."""
    import re

    out: list[str] = []
    run: list[tuple[str, int]] = []

    def flush() -> None:
        if run:
            col, a, b = run[0][0], run[0][1], run[-1][1]
            out.append(f"{col}{a}" if a == b else f"{col}{a}–{col}{b}")
            run.clear()

    for f in findings:
        m = re.fullmatch(r"([A-Z]+)(\d+)", f.cell or "")
        if not m:
            flush()
            out.append(f.cell or f.sheet)
            continue
        col, row = m.group(1), int(m.group(2))
        if run and run[-1][0] == col and run[-1][1] + 1 == row:
            run.append((col, row))
        else:
            flush()
            run.append((col, row))
    flush()
    return out


def _group_line(code: str, fs: list[Finding], lang: str) -> str:
    from ..core.rules.registry import get_rule

    sev = fs[0].severity
    texts = {f.text() for f in fs}
    r = get_rule(code)
    text = texts.pop() if len(texts) == 1 else (_common_clause(texts) or r.title)
    ens = {f.message_en for f in fs}
    en = ens.pop() if len(ens) == 1 else r.message_en
    ordered = sorted(fs, key=lambda f: (f.sheet, _col_key(f.cell), f.row or 0))
    cells = list(dict.fromkeys(cell_ranges(ordered)))  # a cell with several findings once
    more = ""
    if sev != "error" and len(cells) > SHOWN_CELLS:
        more = f"等 {len(fs)} 处"
        cells = cells[:SHOWN_CELLS]
    one_sheet = len({f.sheet for f in fs}) == 1
    where = (f"{fs[0].sheet}!" if one_sheet and fs[0].sheet else "") + "、".join(cells) + more
    n_fix = sum(1 for f in fs if f.fix is not None)
    news = {_fix_value(f.fix.new) for f in fs if f.fix is not None}
    if n_fix and len(news) > 1 or (n_fix and n_fix < len(fs) and sev == "error"):
        # what each cell becomes: 应为“正向指标”：L70、L86–L87；应为“反向指标”：L91 (xlperf fix)
        by_new: dict[str, list[Finding]] = {}
        for f in ordered:
            if f.fix is not None:
                by_new.setdefault(_fix_value(f.fix.new), []).append(f)
        parts = [f"{'、'.join(cell_ranges(g))} 应为{v}" for v, g in by_new.items()]
        how = "；" + "；".join(parts) + "，可用 xlperf fix 一键修正"
        if n_fix < len(fs):
            how += "；其余请按指标含义填写"
    else:
        how = ("，可用 xlperf fix 一键修正" if n_fix == len(fs)
               else f"，其中 {n_fix} 处可用 xlperf fix 一键修正" if n_fix else "")
    return (f"[{_SEV_STYLE[sev]}]{SEVERITY_ZH[sev]}[/] {code} ×{len(fs)}：{escape(text)}"
            f"（{escape(where)}）{how}{_gloss(en, lang)}")


def _common_clause(texts: set[str]) -> str:
    """What the messages share up to a clause break (``指标方向性未填写``), or ""."""
    import os.path

    prefix = os.path.commonprefix(sorted(texts))
    if all(len(t) > len(prefix) and t[len(prefix)] in "；，" for t in texts):
        cut = len(prefix)
    else:
        cut = max(prefix.rfind("；"), prefix.rfind("，"))
    return prefix[:cut] if cut >= 4 else ""


def _fix_value(v: object) -> str:
    if v is None:
        return "空"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"“{v}”"


def _col_key(cell: Optional[str]) -> tuple[int, str]:
    letters = "".join(ch for ch in (cell or "") if ch.isalpha())
    return (len(letters), letters)


def _finding_groups(findings: list[Finding], console: Console, lang: str, source: str) -> None:
    """The default list: by severity, one line per finding, or per rule once a rule has
    ``COLLAPSE_AT`` findings (every error's cell is still listed); the 提示 (nothing to do:
    repairs already made, names read by alias …) all on one line, the importer's repairs first."""
    from ..core.rules.registry import get_rule

    repairs = [f for f in findings if f.code == IMPORT_REPAIR and f.severity == "info" and not f.waived]
    rest = [f for f in findings if not (f.code == IMPORT_REPAIR and f.severity == "info" and not f.waived)]
    by_key: dict[tuple[str, str, bool], list[Finding]] = {}
    for f in rest:
        by_key.setdefault((f.severity, f.code, f.waived), []).append(f)
    console.print("[bold]问题清单[/]（按级别；同一规则的多处问题合为一行，逐条列出：--all）", highlight=False)
    lines: list[tuple[tuple, str]] = []
    infos: list[str] = []
    if repairs:
        log = ("（xlperf import-text 另存的工作簿中有“导入记录”）" if _pasted_text(source)
               else f"，见“{IMPORT_LOG}”工作表")
        infos.append(f"{IMPORT_REPAIR} 导入时修复了 {len(repairs)} 处错位{log}")
    for (sev, code, waived), fs in by_key.items():
        if sev == "info" and not waived:
            cells = "、".join(escape(f.cell) for f in fs[:3] if f.cell) + ("等" if len(fs) > 3 else "")
            infos.append(f"{code} {escape(get_rule(code).title)}" + (f" ×{len(fs)}" if len(fs) > 1 else "")
                         + (f"（{cells}）" if cells else ""))
        elif len(fs) >= COLLAPSE_AT and not waived:
            lines.append(((SEVERITY_ORDER[sev], 0, fs[0].sort_key()), _group_line(code, fs, lang)))
        else:
            lines.extend(((SEVERITY_ORDER[sev], 1, f.sort_key()), _finding_line(f, lang)) for f in fs)
    for _, line in sorted(lines, key=lambda x: x[0]):
        console.print(line, highlight=False)
    if infos:
        console.print(f"[cyan]提示[/] 只需知道、不必修改：{'；'.join(infos)}；逐条列出：--all", highlight=False)


IMPORT_LOG = "导入记录"


def _next_steps(report: Report, console: Console, path: str) -> None:
    """What to do next, from what was found."""
    s = report.summary
    live = [f for f in report.findings if not f.waived]
    fixable = sum(1 for f in live if f.fix is not None)
    shown = _quote(path)
    stem = Path(path).stem
    kind = copy_suffix(path)  # what fix and --mark accept (a macro workbook's copy is .xlsm)
    is_text = _pasted_text(path)
    steps: list[str] = []
    if is_text:
        steps.append(f"xlperf import-text {shown} -o {_quote(stem + '.xlsx')}   导入为工作簿，再校验、修正")
    elif fixable:
        steps.append(f"xlperf fix {shown} -o {_quote(stem + '_修正' + kind)}   自动修正 {fixable} 处（标有“可用 xlperf fix”的问题）")
    if live:
        steps.append(f"xlperf check {shown} --mark {_quote(stem + '_标记' + kind)}   另存带标记的副本，在表上看到每个问题")
    if s.errors:
        steps.append(f"修正 {s.errors} 个错误后再导出报送：xlperf export {shown} -o {_quote(stem + '_报送.xlsx')}")
    else:
        steps.append(f"xlperf export {shown} -o {_quote(stem + '_报送.xlsx')}   没有错误，可以导出报送用工作簿")
    for i, step in enumerate(steps, 1):  # the heading shares the first step's line
        console.print(f"{'[bold]下一步[/]：' if i == 1 else '        '}{i}. {escape(step)}", highlight=False)


def _pasted_text(path: str) -> bool:
    """Text pasted from a PDF (read by the text importer), not a workbook."""
    return Path(path).suffix.lower() in (".txt", ".tsv")


def _quote(path: str) -> str:
    return f'"{path}"' if any(ch in path for ch in " \t&()[]") else path


def _finding_overview(findings: list[Finding], console: Console, lang: str = "zh") -> None:
    """Counts per rule (with the first cells) and the first errors in full."""
    from ..core.rules.registry import get_rule

    by_code: dict[str, list[Finding]] = {}
    for f in findings:
        if not f.waived:
            by_code.setdefault(f.code, []).append(f)
    order = sorted(by_code, key=lambda c: (SEVERITY_ORDER[by_code[c][0].severity], -len(by_code[c]), c))
    t = RichTable(title=f"问题汇总（共 {len(findings)} 条，按规则）", header_style="bold")
    for col, just in (("级别", "left"), ("规则", "left"), ("说明", "left"), ("条数", "right"), ("前几处", "left")):
        t.add_column(col, justify=just, overflow="fold")
    for code in order:
        fs = by_code[code]
        sev = fs[0].severity
        cells = escape("、".join(f.cell or f.sheet or "" for f in fs[:3]) + ("……" if len(fs) > 3 else ""))
        t.add_row(f"[{_SEV_STYLE[sev]}]{SEVERITY_ZH[sev]}[/]", code, escape(get_rule(code).title), f"{len(fs):,}", cells)
    console.print(t)
    errors = [f for f in findings if f.severity == "error" and not f.waived]
    if errors:
        console.print()
        console.print(f"[bold]前 {min(len(errors), SHOWN_FINDINGS)} 个错误[/]（共 {len(errors)} 个）", highlight=False)
        for f in errors[:SHOWN_FINDINGS]:
            console.print(_finding_line(f, lang), highlight=False)
    console.print("完整问题清单：--all，或 --format json；在 Excel 中定位：--mark 另存带标记的副本", highlight=False)


def render_errors_brief(report: Report, console: Console, limit: int = 10) -> None:
    errors = [f for f in report.findings if f.severity == "error" and not f.waived]
    for f in errors[:limit]:
        console.print(_finding_line(f), highlight=False)
    if len(errors) > limit:
        console.print(f"……共 {len(errors)} 个错误", highlight=False)


def render_batch(report, console: Console) -> None:
    from rich.cells import cell_len

    t = RichTable(title="批量校验汇总", header_style="bold")
    # file names are not cut: the column is as wide as the longest (up to 30, then folded), the rest for 主要问题
    longest = max((cell_len(r.file) for r in report.files), default=4)
    t.add_column("文件", overflow="fold", min_width=min(30, longest))
    for col in ("项目", "指标", "错误", "警告"):
        t.add_column(col, justify="right")
    t.add_column("主要问题", overflow="fold", min_width=14)  # the worst of each rule family
    for r in report.files:
        if not r.readable:
            t.add_row(escape(r.file), "—", "—", "—", "—", escape(r.error or ""), style="red")
            continue
        note = ("权重不符：" + "、".join(r.projects_weight_off[:3]) + ("……" if len(r.projects_weight_off) > 3 else "")
                + "；") if r.projects_weight_off else ""
        note += "、".join(f"{SEVERITY_ZH[f['severity']]} {f['code']} {f['cell'] or f['sheet']}" for f in r.worst)
        t.add_row(escape(r.file), str(r.projects), str(r.indicators), str(r.errors), str(r.warnings), escape(note),
                  style="yellow" if r.errors else None)
    console.print(t)
    s = report.summary
    console.print(f"[bold]合计[/]：{s['files']} 个文件（无法读取 {s['unreadable']}，有错误 {s['files_with_errors']}），"
                  f"{s['projects']} 个项目，错误 {s['errors']}，警告 {s['warnings']}", highlight=False)
