"""The Chinese text report for the terminal (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table as RichTable

from .core.model import SEVERITY_ZH
from .core.report import LEVEL1_COLUMNS, Report

_SEV_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_SHORT = {"产出指标": "产出", "效益指标": "效益", "满意度指标": "满意度", "成本指标": "成本", "其他": "其他"}


def _num(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:,.2f}" if not float(v).is_integer() else f"{int(v):,}"


def _money(v: float | None) -> str:
    return "—" if v is None else f"{v:,.2f}"


def render_report(report: Report, console: Console, max_findings: int = 0) -> None:
    s = report.summary
    console.print(f"[bold]xlperf 校验报告[/]  {report.source}", highlight=False)
    if report.projects:
        t = RichTable(title=f"项目权重合计（期望 {_num(s.expected_total)}）", show_lines=False, header_style="bold")
        t.add_column("行", justify="right")
        t.add_column("项目名称", overflow="fold", max_width=34)
        t.add_column("预算数(万元)", justify="right")
        t.add_column("指标数", justify="right")
        present = [c for c in LEVEL1_COLUMNS + ("其他",) if any(c in p.weights for p in report.projects)]
        for c in present:
            t.add_column(_SHORT[c], justify="right")
        t.add_column("合计", justify="right")
        t.add_column("状态")
        for p in report.projects:
            style = "red" if not p.weight_ok else ("yellow" if p.errors else None)
            t.add_row(
                str(p.row), p.name or "（无名称）", _money(p.budget), str(p.indicator_count),
                *[_num(p.weights.get(c, 0)) for c in present],
                _num(p.weight_total), p.status, style=style,
            )
        console.print(t)
    findings = [f for f in report.findings]
    shown = findings if not max_findings else findings[:max_findings]
    if shown:
        console.print()
        console.print("[bold]问题清单[/]（按级别；单元格地址可在Excel中定位）", highlight=False)
        for f in shown:
            waived = "（已豁免）" if f.waived else ""
            where = f"{f.sheet}!{f.cell}" if f.cell else f.sheet
            console.print(
                f"[{_SEV_STYLE[f.severity]}]{SEVERITY_ZH[f.severity]}[/] {f.code} {where}{waived}  {f.message}",
                highlight=False,
            )
        if len(findings) > len(shown):
            console.print(f"……另有 {len(findings) - len(shown)} 条，使用 --format json 查看全部", highlight=False)
    console.print()
    off = f"；权重合计不符：{'、'.join(s.projects_weight_off)}" if s.projects_weight_off else ""
    console.print(
        f"[bold]合计[/]：{s.tables} 张表，{s.projects} 个项目，{s.indicators} 个指标，预算 {_money(s.budget_total)} 万元；"
        f"[bold red]错误 {s.errors}[/]，[yellow]警告 {s.warnings}[/]，提示 {s.infos}，已豁免 {s.waived}；"
        f"权重合计正确 {s.projects_weight_ok}/{s.projects}{off}",
        highlight=False,
    )


def render_errors_brief(report: Report, console: Console, limit: int = 10) -> None:
    errors = [f for f in report.findings if f.severity == "error" and not f.waived]
    for f in errors[:limit]:
        console.print(f"[red]错误[/] {f.code} {f.cell or ''}  {f.message}", highlight=False)
    if len(errors) > limit:
        console.print(f"……共 {len(errors)} 个错误", highlight=False)


def render_batch(report, console: Console) -> None:
    t = RichTable(title="批量校验汇总", header_style="bold")
    for col, just in (("文件", "left"), ("项目", "right"), ("指标", "right"), ("错误", "right"), ("警告", "right"), ("说明", "left")):
        t.add_column(col, justify=just, overflow="fold")
    for r in report.files:
        if not r.readable:
            t.add_row(r.file, "—", "—", "—", "—", r.error or "", style="red")
            continue
        note = ("权重不符：" + "、".join(r.projects_weight_off[:3]) + ("……" if len(r.projects_weight_off) > 3 else "")) if r.projects_weight_off else ""
        t.add_row(r.file, str(r.projects), str(r.indicators), str(r.errors), str(r.warnings), note,
                  style="yellow" if r.errors else None)
    console.print(t)
    s = report.summary
    console.print(f"[bold]合计[/]：{s['files']} 个文件（无法读取 {s['unreadable']}，有错误 {s['files_with_errors']}），"
                  f"{s['projects']} 个项目，错误 {s['errors']}，警告 {s['warnings']}", highlight=False)
