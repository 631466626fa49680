"""The Chinese text report for the terminal (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from .core.model import SEVERITY_ORDER, SEVERITY_ZH, Finding
from .core.report import LEVEL1_COLUMNS, SELF_EVALUATION, STATUS_OK, Report, text_budgets

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


def render_report(report: Report, console: Console, max_findings: int = 0, *, everything: bool = False,
                  lang: str = "zh") -> None:
    """The report for a terminal. Short reports are printed whole; long ones list the projects
    that need attention, count the findings per rule and show the first errors — unless
    ``everything`` is asked for (``--all``). ``lang="en"``: each message's English after it."""
    s = report.summary
    console.print(f"[bold]xlperf 校验报告[/]  {escape(report.source)}", highlight=False)
    _table_lines(report, console, everything)
    if report.projects:
        _project_table(report, console, everything)
    findings = report.findings
    if findings:
        console.print()
        if everything or max_findings or len(findings) <= FULL_FINDINGS:
            _finding_list(findings, console, max_findings, lang)
        else:
            _finding_overview(findings, console, lang)
    console.print()
    names = s.projects_weight_off
    if names:
        more = f"等 {len(names)} 个项目" if len(names) > SHOWN_NAMES and not everything else ""
        off = f"；权重合计不符：{escape('、'.join(names if everything else names[:SHOWN_NAMES]))}{more}"
    else:
        off = ""
    texts = text_budgets(report.projects)
    left_out = f"（{texts} 个项目的预算数不是数字，未计入）" if texts else ""
    console.print(
        f"[bold]合计[/]：{s.tables} 张表，{s.projects} 个项目，{s.indicators} 个指标，预算 {_money(s.budget_total)} 万元{left_out}；"
        f"[bold red]错误 {s.errors}[/]，[yellow]警告 {s.warnings}[/]，提示 {s.infos}，已豁免 {s.waived}；"
        f"权重合计正确 {s.projects_weight_ok}/{s.projects}{off}",
        highlight=False,
    )


LAYOUT_ZH = {"list": "清单", "form": "表单", "department": "部门整体", "self_evaluation": "自评表"}
SHOWN_TABLES = 20


def _table_lines(report: Report, console: Console, everything: bool) -> None:
    """One line per table read: where it starts, the layout that read it and why."""
    tables = report.tables
    shown = tables if everything or len(tables) <= SHOWN_TABLES else tables[:SHOWN_TABLES]
    for t in shown:
        where = f"{t.sheet}" + (f" 第{t.first_row}行起" if t.first_row else "")
        console.print(f"[dim]读取：{escape(where)} 按{LAYOUT_ZH.get(t.layout, t.layout)}（{t.layout}）读取，"
                      f"{t.projects} 个项目、{t.indicators} 个指标 —— {escape(t.layout_reason)}[/]", highlight=False)
    if len(shown) < len(tables):
        counts = "、".join(f"{LAYOUT_ZH.get(k, k)} {v} 张" for k, v in report.summary.layouts.items())
        console.print(f"[dim]……共 {len(tables)} 张表（{counts}），--all 列出全部[/]", highlight=False)


def _project_table(report: Report, console: Console, everything: bool) -> None:
    s = report.summary
    projects = report.projects
    note = ""
    if not everything and len(projects) > FULL_PROJECTS:
        attention = [p for p in projects if p.status != STATUS_OK]
        shown = attention[:SHOWN_PROJECTS]
        passed = len(projects) - len(attention)
        note = (f"共 {len(projects)} 个项目，{passed} 个通过、未列出；需处理的 {len(attention)} 个项目"
                + (f"只列出前 {len(shown)} 个" if len(attention) > len(shown) else "全部列出")
                + "。完整列表：--all，或 --format json / --mark 另存带标记的副本")
        title = f"需处理的项目（期望权重合计 {_num(s.expected_total)}）"
    else:
        shown = projects
        title = f"项目权重合计（期望 {_num(s.expected_total)}）"
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
    t = RichTable(title=title, show_lines=False, header_style="bold")
    t.add_column("行", justify="right")
    t.add_column("项目名称", overflow="fold", max_width=34)
    t.add_column("预算数(万元)", justify="right")
    t.add_column("指标数", justify="right")
    present = [c for c in LEVEL1_COLUMNS + ("其他",) if any(c in p.weights for p in shown)]
    for c in present:
        t.add_column(_SHORT[c], justify="right")
    t.add_column("合计", justify="right")
    t.add_column("状态")
    for p in shown:
        style = "red" if not p.weight_ok else ("yellow" if p.errors else None)
        t.add_row(
            str(p.row), escape(p.name) if p.name else "（无名称）", _budget(p.budget, p.budget_text), str(p.indicator_count),
            *[_num(p.weights.get(c, 0)) for c in present],
            _num(p.weight_total), p.status, style=style,
        )
    console.print(t)
    if note:
        console.print(note, highlight=False)


def _of(score: float | None, points: float | None) -> str:
    if points is None:
        return "—" if score is None else _num(score)
    return f"{'—' if score is None else _num(score)}/{_num(points)}"


def _self_evaluation_table(projects, console: Console) -> None:
    """Self-evaluations: the year's budget, 执行率, the budget line's score of its points, the
    indicators' points, the total score of its points (— when not filled in)."""
    t = RichTable(title="自评得分（预算执行＋绩效指标）", show_lines=False, header_style="bold")
    for col, just in (("行", "right"), ("项目名称", "left"), ("预算数(万元)", "right"), ("执行率", "right"),
                      ("预算执行得分", "right"), ("指标数", "right"), ("指标分值", "right"), ("总分", "right"), ("状态", "left")):
        t.add_column(col, justify=just, overflow="fold", max_width=34 if col == "项目名称" else None)
    for p in projects:
        rate = "—" if p.execution_rate is None else f"{p.execution_rate:.1f}%"
        style = "red" if not p.weight_ok else ("yellow" if p.errors else None)
        t.add_row(str(p.row), escape(p.name) if p.name else "（无名称）", _budget(p.budget, p.budget_text), rate,
                  _of(p.budget_score, p.budget_points), str(p.indicator_count),
                  f"{_num(p.weight_total)}/{_num(p.expected)}" if p.points_total is not None else "—",
                  _of(p.score_total, p.points_total) if p.points_total is not None else "—", p.status, style=style)
    console.print(t)


def _finding_line(f: Finding, lang: str = "zh") -> str:
    waived = "（已豁免）" if f.waived else ""
    where = f"{f.sheet}!{f.cell}" if f.cell else f.sheet
    if f.source == "target":
        where = f"目标表 {where}"
    text = f"{f.message}（{f.message_en}）" if lang == "en" and f.message_en else f.message
    return f"[{_SEV_STYLE[f.severity]}]{SEVERITY_ZH[f.severity]}[/] {f.code} {where}{waived}  {escape(text)}"


def _finding_list(findings: list[Finding], console: Console, max_findings: int, lang: str = "zh") -> None:
    shown = findings if not max_findings else findings[:max_findings]
    console.print("[bold]问题清单[/]（按级别；单元格地址可在Excel中定位）", highlight=False)
    for f in shown:
        console.print(_finding_line(f, lang), highlight=False)
    if len(findings) > len(shown):
        console.print(f"……另有 {len(findings) - len(shown)} 条，使用 --format json 查看全部", highlight=False)


def _finding_overview(findings: list[Finding], console: Console, lang: str = "zh") -> None:
    """Counts per rule (with the first cells) and the first errors in full."""
    from .core.rules.registry import get_rule

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
        cells = "、".join(f.cell or f.sheet for f in fs[:3]) + ("……" if len(fs) > 3 else "")
        t.add_row(f"[{_SEV_STYLE[sev]}]{SEVERITY_ZH[sev]}[/]", code, get_rule(code).title, f"{len(fs):,}", cells)
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
        console.print(f"[red]错误[/] {f.code} {f.cell or ''}  {escape(f.message)}", highlight=False)
    if len(errors) > limit:
        console.print(f"……共 {len(errors)} 个错误", highlight=False)


def render_batch(report, console: Console) -> None:
    t = RichTable(title="批量校验汇总", header_style="bold")
    for col, just in (("文件", "left"), ("项目", "right"), ("指标", "right"), ("错误", "right"), ("警告", "right"), ("说明", "left")):
        t.add_column(col, justify=just, overflow="fold")
    for r in report.files:
        if not r.readable:
            t.add_row(escape(r.file), "—", "—", "—", "—", escape(r.error or ""), style="red")
            continue
        note = ("权重不符：" + "、".join(r.projects_weight_off[:3]) + ("……" if len(r.projects_weight_off) > 3 else "")) if r.projects_weight_off else ""
        t.add_row(escape(r.file), str(r.projects), str(r.indicators), str(r.errors), str(r.warnings), escape(note),
                  style="yellow" if r.errors else None)
    console.print(t)
    s = report.summary
    console.print(f"[bold]合计[/]：{s['files']} 个文件（无法读取 {s['unreadable']}，有错误 {s['files_with_errors']}），"
                  f"{s['projects']} 个项目，错误 {s['errors']}，警告 {s['warnings']}", highlight=False)
