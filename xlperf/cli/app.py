"""Command line: ``xlperf check | split | export | combine | fix | rules | schema | import-text | build-workbook | doctor``.

Exit codes: 0 no errors, 1 errors found (or refused because of them), 2 the input could not
be read or an argument is wrong. Never a traceback for bad input (set XLPERF_DEBUG=1 to see one).
"""

from __future__ import annotations

import gc
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Callable, List, Optional

import typer
from rich.console import Console
from rich.markup import escape

from .. import __version__
from .help import ChineseCommand, ChineseGroup
from ..core.filenames import readable, visible_controls

app = typer.Typer(
    cls=ChineseGroup,
    add_completion=False,
    no_args_is_help=False,
    help="xlperf：部门预算项目绩效目标申报表 校验、拆分与导出（validate, split and export performance-target tables）",
    rich_markup_mode=None,
)
# Piped output (CI logs, redirects) gets a width that keeps the project table on one line per project.
# COLUMNS, when set, wins (an 80-column terminal: tests and docs render at that width).
_PIPED = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else 160
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else _PIPED)
err = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else _PIPED)

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2
# One file: a large table's rules may use a second core (a forked process; POSIX only).
CORES = min(os.cpu_count() or 1, 2)


# \b: click keeps the lines of the paragraph as written (no rewrapping).
CHECK_EPILOG = """\b
退出码（exit codes）：
  0  没有错误（no errors）
  1  发现错误（errors found）
  2  文件无法读取或参数有误（unreadable input or bad argument）
  3  内部错误，请反馈（internal error）
  130 已中断（interrupted）"""


class Format(str, Enum):
    text = "text"
    json = "json"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


# A copy of every JSON report the command line writes goes into this folder when it is set
# (the test suite validates each against docs/report.schema.json).
JSON_COPY_ENV = "XLPERF_JSON_COPY_DIR"


def write_json(report) -> None:
    """A report (single file or batch) as JSON on stdout: the contract of docs/report.md."""
    # pydantic_core's serializer: the same text as json.dumps(..., ensure_ascii=False, indent=2),
    # 5× faster; a single file's Report without building its schema (core.report.report_json_bytes)
    from ..core.report import report_json_bytes

    data = report_json_bytes(report) + b"\n"
    _write_stdout(data)
    copy_dir = os.environ.get(JSON_COPY_ENV)
    if copy_dir:
        import tempfile

        with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".json", dir=copy_dir, delete=False) as fh:
            fh.write(data.decode("utf-8"))


def _write_stdout(data: bytes) -> None:
    """UTF-8 ``data`` on stdout. Where stdout writes UTF-8 and ``\n`` as it is (POSIX), the bytes
    go to its buffer as they are: decoding 2 MB of JSON to text only for the stream to encode it
    back cost 5 ms CPU of a 10k-row check. Elsewhere (a Windows console, cp936) as text."""
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
    if buffer is not None and os.linesep == "\n" and encoding in ("utf-8", "utf8"):
        stream.flush()  # what was written as text comes first
        buffer.write(data)
    else:
        stream.write(data.decode("utf-8"))


class LayoutName(str, Enum):
    """--layout: read every sheet with this layout reader (core.layouts) instead of the best fit."""

    list = "list"
    form = "form"
    department = "department"
    self_evaluation = "self_evaluation"


LAYOUT_HELP = "按指定版式读取：list 清单 / form 项目表单 / department 部门整体 / self_evaluation 绩效自评表（默认自动识别并说明理由）"


def _layout(value: Optional["LayoutName"]) -> Optional[str]:
    return value.value if value is not None else None


def _refuse_nothing(result, output: Path) -> Optional[int]:
    """split/export that would write no record: exit 1 with the reason, never an empty file."""
    why = result.nothing_read()
    if why is None:
        return None
    err.print(f"[bold red]未写出 {_shown(output)}：[/]没有读到任何指标记录。{escape(why)}"
              "（nothing to write: no indicator was read）", highlight=False)
    return EXIT_ERRORS


def _fail(message: str, code: int = EXIT_UNREADABLE) -> "typer.Exit":
    err.print(f"[bold red]错误：[/]{escape(visible_controls(message))}", highlight=False)
    return typer.Exit(code)


def _shown(path: Path) -> str:
    """A path for a message: GBK bytes shown as characters, ``[`` not read as rich markup."""
    return escape(visible_controls(readable(str(path))))


def guarded(fn: Callable[[], int]) -> int:
    """Turn every expected failure into a clear message and exit code 2."""
    from ..core.config import ConfigError
    from ..writers.atomic import OutputError
    from ..readers.source import InputError

    try:
        return fn()
    except (InputError, ConfigError, OutputError) as e:
        raise _fail(str(e))
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        raise _fail("已中断（interrupted）", 130)
    except MemoryError:
        raise _fail("文件过大，内存不足（out of memory）")
    except Exception as e:  # noqa: BLE001 - the clerk gets a sentence, developers get XLPERF_DEBUG
        if os.environ.get("XLPERF_DEBUG"):
            raise
        raise _fail(f"处理时发生内部错误：{type(e).__name__}: {e}。请将文件和此信息反馈给开发者（internal error; set XLPERF_DEBUG=1 for details）", 3)


def _input_or_sample(path: Optional[Path]) -> Path:
    from ..api import sample_path

    if path is not None:
        return path
    p = sample_path()
    err.print(f"[dim]未指定文件，使用内置示例：{p.name}（遂宁市委政法委 2023 年部门预算项目绩效目标表，22个项目）[/]", highlight=False)
    err.print("[dim]No file given: checking the bundled sample table.[/]", highlight=False)
    return p


@app.command(cls=ChineseCommand, epilog=CHECK_EPILOG)
def check(
    paths: Optional[List[Path]] = typer.Argument(None, help="要校验的 .xlsx/.xlsm/.txt 文件或文件夹（可多个）；省略则校验内置示例"),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="只校验这个工作表"),
    config: Optional[Path] = typer.Option(None, "--config", help="规则配置 xlperf.toml"),
    fmt: Format = typer.Option(Format.text, "--format", help="text：中文摘要；json：机器可读"),
    mark: Optional[Path] = typer.Option(None, "--mark", help="另存一份带标记的副本（原文件不变）"),
    expected_total: Optional[float] = typer.Option(None, "--expected-total", help="期望权重合计（默认90，可设100）"),
    jobs: Optional[str] = typer.Option(None, "--jobs", "-j", help="批量校验时的并行进程数：1 到 CPU核数×4，或 auto（默认，按CPU核数）"),
    summary: Optional[Path] = typer.Option(None, "--summary", help="批量校验时另存汇总工作簿 .xlsx"),
    show_all: bool = typer.Option(False, "--all", help="文字报告列出全部项目和问题（大表默认只列需处理的项目和问题汇总）"),
    layout: Optional[LayoutName] = typer.Option(None, "--layout", help=LAYOUT_HELP, metavar="版式"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="zh：中文说明；en：每条问题的中文说明后附英文（English after each message）"),
    against: Optional[Path] = typer.Option(None, "--against", help="自评表对照批复的绩效目标表（文件或文件夹）：目标值、权重是否改过，指标是否增删；批量时两个文件夹按文件名配对"),
) -> None:
    """校验绩效目标表：每个项目的权重合计、每条问题所在单元格和中文说明。多个文件或文件夹则批量校验。"""

    def run() -> int:
        from ..api import check_path
        from ..core.config import PendingSettings, load_config

        given = list(paths or [])
        if jobs is not None:
            from .batch import parse_jobs

            parse_jobs(jobs)  # a wrong --jobs is refused even for one file (where it has no effect)
        overrides = None if expected_total is None else {"expected_total": expected_total}
        if len(given) > 1 or (len(given) == 1 and given[0].is_dir()):
            if mark is not None or sheet is not None or layout is not None:
                from ..readers.source import InputError

                raise InputError("批量校验时不能使用 --mark、--sheet 或 --layout（--mark/--sheet/--layout work on one file only）")
            PendingSettings(overrides=overrides)  # a bad --expected-total is refused once, here
            # --config: one for all (read once, here); otherwise each file's own, as below.
            return _batch(given, load_config(config) if config is not None else None)
        if against is not None and not against.exists():
            from ..readers.source import InputError

            raise InputError(f"找不到目标表：{against}（--against: file not found）")
        src = _input_or_sample(given[0] if given else None)
        # The settings before anything is read or written: --config or the xlperf.toml beside
        # the file now, the workbook's 配置 sheet in the reader's one open of it.
        pending = PendingSettings(src, config_path=config, overrides=overrides)
        if mark is not None:
            from .file_commands import check_output_kind
            from ..writers.atomic import check_output

            check_output(mark, src)
            check_output_kind(src, mark)
        result = check_path(src, sheet=sheet, settings=pending, workers=CORES, layout=_layout(layout))
        if against is not None:
            from .against import with_against

            result = with_against(result, against, result.config)
        if fmt is Format.json:
            write_json(result.report)
        else:
            from .text_report import render_report

            render_report(result.report, out, everything=show_all, lang=lang.value,
                          shares=result.config.shares, command_path=readable(str(src)))
        if mark is not None:
            from .file_commands import mark_file

            from .against import for_marking

            mark_file(src, mark, for_marking(result))
            err.print(f"已写出带标记的副本：{_shown(mark)}（marked copy written）", highlight=False)
        return EXIT_ERRORS if result.report.has_errors else EXIT_OK

    def _batch(given: List[Path], cfg) -> int:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        from .batch import expand_paths, run_batch, write_batch_workbook
        from ..readers.source import InputError

        files = expand_paths(given)
        if not files:
            raise InputError("没有找到可校验的文件（.xlsx/.xlsm/.txt）（no files found）")
        pairs = None
        if against is not None:
            if not against.exists():
                raise InputError(f"找不到目标表：{against}（--against: file not found）")
            if against.is_dir():
                from .against import pair_folders

                pairs = pair_folders(files, expand_paths([against]))
            else:
                pairs = {str(f): str(against) for f in files}
        if summary is not None:
            from ..writers.atomic import check_output

            check_output(summary, *files)
        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal) as prog:
            task = prog.add_task("校验中", total=len(files))
            report = run_batch(files, cfg, jobs, on_done=lambda r: prog.advance(task),
                               overrides=None if expected_total is None else {"expected_total": expected_total},
                               against=pairs)
        if fmt is Format.json:
            write_json(report)
        else:
            from .text_report import render_batch

            render_batch(report, out)
        if summary is not None:
            write_batch_workbook(report, summary)
            err.print(f"已写出汇总工作簿：{_shown(summary)}", highlight=False)
        s = report.summary
        if s["unreadable"] == s["files"]:
            return EXIT_UNREADABLE
        return EXIT_ERRORS if s["files_with_errors"] or s["unreadable"] else EXIT_OK

    raise typer.Exit(guarded(run))


@app.command(cls=ChineseCommand)
def split(
    path: Optional[Path] = typer.Argument(None, help="输入文件；省略则使用内置示例"),
    output: Path = typer.Option(..., "-o", "--output", help="输出 .xlsx / .csv / .json（output file）"),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="只处理这个工作表（one sheet only）"),
    config: Optional[Path] = typer.Option(None, "--config", help="规则配置 xlperf.toml（rule settings）"),
    layout: Optional[LayoutName] = typer.Option(None, "--layout", help=LAYOUT_HELP, metavar="版式"),
) -> None:
    """拆分合并单元格：每个指标一行、每个字段填满的清洗记录。"""

    def run() -> int:
        from ..api import check_path
        from ..writers.atomic import check_output
        from ..writers.records import write_records

        from ..writers.records import check_suffix

        src = _input_or_sample(path)
        check_output(output, src)
        check_suffix(output)
        result = check_path(src, sheet=sheet, config_path=config, workers=CORES, layout=_layout(layout))
        refused = _refuse_nothing(result, output)
        if refused is not None:
            return refused
        recs = result.records()
        write_records(recs, output)
        err.print(f"已写出 {len(recs)} 条记录：{_shown(output)}（{len(recs)} records written）", highlight=False)
        return EXIT_OK

    raise typer.Exit(guarded(run))


@app.command(cls=ChineseCommand)
def export(
    path: Optional[Path] = typer.Argument(None, help="输入文件；省略则使用内置示例"),
    output: Path = typer.Option(..., "-o", "--output", help="报送用 .xlsx（workbook to submit）"),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="只导出这个工作表（one sheet only）"),
    config: Optional[Path] = typer.Option(None, "--config", help="规则配置 xlperf.toml（rule settings）"),
    force: bool = typer.Option(False, "--force", help="存在错误时仍然导出，工作簿上注明仍有错误（export despite errors）"),
    layout: Optional[LayoutName] = typer.Option(None, "--layout", help=LAYOUT_HELP, metavar="版式"),
) -> None:
    """导出报送用工作簿：规范格式、重新合并项目单元格、附清洗记录和权重合计。"""

    def run() -> int:
        from ..api import check_path
        from ..writers.atomic import check_output
        from ..writers.export import write_export

        from ..writers.export import check_export_path

        src = _input_or_sample(path)
        check_output(output, src)
        check_export_path(output)
        result = check_path(src, sheet=sheet, config_path=config, workers=CORES, layout=_layout(layout))
        refused = _refuse_nothing(result, output)
        if refused is not None:
            return refused
        if result.report.has_errors and not force:
            from .text_report import render_errors_brief

            render_errors_brief(result.report, err)
            err.print(
                f"[bold red]存在 {result.report.summary.errors} 个错误，未导出。[/]修正后再导出，或加 --force 强制导出。"
                "（errors remain; fix them or use --force）",
                highlight=False,
            )
            return EXIT_ERRORS
        write_export(result, output)
        left = result.report.summary.errors
        still = f"；仍有 {left} 个错误，已在表头下和文档属性中注明" if left else ""
        err.print(f"已导出：{_shown(output)}{still}（exported）", highlight=False)
        return EXIT_OK

    raise typer.Exit(guarded(run))


@app.command(cls=ChineseCommand)
def combine(
    paths: List[Path] = typer.Argument(..., help="各项目的绩效目标表文件或文件夹（表单、清单、部门整体均可）"),
    output: Path = typer.Option(..., "-o", "--output", help="汇总后的清单工作簿 .xlsx（如 部门汇总.xlsx）"),
    config: Optional[Path] = typer.Option(None, "--config", help="规则配置 xlperf.toml（省略则每个文件按自己的配置）"),
    layout: Optional[LayoutName] = typer.Option(None, "--layout", help=LAYOUT_HELP, metavar="版式"),
) -> None:
    """汇总：读取每个项目的绩效目标表（表单等），逐个校验，写成部门的清单版式（合并单元格、部门行及合计），另附来源清单。"""

    def run() -> int:
        from ..api import check_path
        from .batch import expand_paths
        from ..core.combine import FileTables, combine_tables
        from ..writers.atomic import check_output
        from ..writers.combine import write_combined
        from ..writers.export import check_export_path
        from ..readers.source import InputError

        files = expand_paths(paths)
        if not files:
            raise InputError("没有找到可汇总的文件（.xlsx/.xlsm/.txt）（no files found）")
        check_export_path(output)
        check_output(output, *files)
        if config is not None:
            from ..core.config import load_config

            load_config(config)  # a bad --config is refused once, here (exit 2)
        read: list[FileTables] = []
        unreadable: list[tuple[str, str]] = []
        for f in files:
            try:
                result = check_path(f, config_path=config, workers=1, layout=_layout(layout))
            except Exception as e:  # noqa: BLE001 - an unreadable file is listed, never stops the run
                unreadable.append((readable(str(f)), str(e)))
                continue
            if not result.tables:
                why = "；".join(x.message for x in result.findings if x.code == "ST001") or "未读到任何表格"
                unreadable.append((readable(str(f)), why))
                continue
            read.append(FileTables(readable(str(f)), result.tables, result.report.projects))
        combined = combine_tables(read)
        combined.unreadable = unreadable
        for f, why in unreadable:
            err.print(f"[yellow]未读取[/] {escape(f)}：{escape(why)}", highlight=False)
        if combined.duplicates:
            for a, b in combined.duplicates:
                err.print(f"[bold red]重复项目[/]“{escape(b.project or '')}”：{escape(a.where)} 与 {escape(b.where)}", highlight=False)
            err.print("[bold red]同一项目出现了两次，未汇总。[/]请删除重复的表格后再汇总。（the same project twice: not combined）",
                      highlight=False)
            return EXIT_ERRORS
        if not combined.records:
            err.print(f"[bold red]未写出 {_shown(output)}：[/]没有读到任何指标记录（nothing to combine）", highlight=False)
            return EXIT_ERRORS
        write_combined(combined, output)
        errors = sum(s.errors for s in combined.sources)
        err.print(f"已汇总 {len(combined.sources)} 个项目、{len(combined.records)} 条指标（{len(read)} 个文件，"
                  f"未读取 {len(unreadable)} 个，错误 {errors} 个）：{_shown(output)}（combined）", highlight=False)
        return EXIT_ERRORS if unreadable else EXIT_OK

    raise typer.Exit(guarded(run))


@app.command(cls=ChineseCommand)
def fix(
    path: Path = typer.Argument(..., help="输入 .xlsx/.xlsm（input workbook）"),
    output: Path = typer.Option(..., "-o", "--output", help="修正后的副本（fixed copy）"),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="只修正这个工作表（one sheet only）"),
    config: Optional[Path] = typer.Option(None, "--config", help="规则配置 xlperf.toml（rule settings）"),
) -> None:
    """自动修正安全的问题（全角符号、文本数字、方向缺失等），写到新文件；再运行一次不会再改。"""

    def run() -> int:
        from .file_commands import fix_book, fix_summary
        from ..writers.atomic import check_output

        check_output(output, path)
        outcome = fix_book(path, output, sheet=sheet, config_path=config)
        for line in fix_summary(outcome, _shown(output)):
            err.print(line, highlight=False)
        return EXIT_OK

    raise typer.Exit(guarded(run))


@app.command(cls=ChineseCommand)
def rules(fmt: Format = typer.Option(Format.text, "--format", help="text：列表；json：机器可读（list or JSON）")) -> None:
    """列出全部校验规则（代码、级别、说明）。"""

    def run() -> int:
        from ..core.model import SEVERITY_ZH
        from ..core.rules import all_rules

        rs = all_rules()
        if fmt is Format.json:
            data = [{"code": r.code, "slug": r.slug, "severity": r.severity, "title": r.title,
                     "fixable": r.fixable, "message": r.message, "message_en": r.message_en} for r in rs]
            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        else:
            for r in rs:
                fixable = "  [可自动修正]" if r.fixable else ""
                out.print(f"{r.code}  {SEVERITY_ZH[r.severity]}  {r.title}{fixable}", highlight=False)
        return EXIT_OK

    raise typer.Exit(guarded(run))


@app.command(cls=ChineseCommand)
def schema() -> None:
    """输出校验报告 JSON 的结构说明（JSON Schema）。

    与 docs/report.schema.json 相同（the schema of the JSON report）。"""

    def run() -> int:
        from .schema import schema_text

        sys.stdout.write(schema_text())
        return EXIT_OK

    raise typer.Exit(guarded(run))


@app.command("import-text", cls=ChineseCommand)
def import_text_cmd(
    path: Path = typer.Argument(..., help="从PDF复制出的制表符分隔文本"),
    output: Path = typer.Option(..., "-o", "--output", help="输出 .xlsx"),
    config: Optional[Path] = typer.Option(None, "--config", help="规则配置 xlperf.toml（默认：文本旁的 xlperf.toml）"),
    expected_total: Optional[float] = typer.Option(None, "--expected-total", help="期望权重合计（分页处的行按它归入项目）"),
) -> None:
    """把从PDF复制的文本导入为规范格式的工作簿（修复错位、合并项目单元格），并报告每处修复。"""

    def run() -> int:
        from ..core.config import PendingSettings
        from ..writers.atomic import check_output
        from ..writers.styled_table import write_import_workbook
        from ..readers.source import read_text_import

        overrides = None if expected_total is None else {"expected_total": expected_total}
        settings = PendingSettings(path, config_path=config, overrides=overrides).resolve()
        check_output(output, path)
        result = read_text_import(path, settings)
        write_import_workbook(output, result)
        enc = f"；文本编码：{result.encoding}" if result.encoding else ""
        err.print(f"已导入：{_shown(output)}，修复与说明 {len(result.findings)} 条（见“导入记录”工作表）{enc}", highlight=False)
        return EXIT_OK

    raise typer.Exit(guarded(run))


def _workbook_builder(root: Optional[Path] = None):
    """``build_workbook`` of the source checkout this xlperf runs from: the builder (tools/xlsm/)
    is not installed with the package, so an installed xlperf says what to do instead."""
    root = Path(__file__).resolve().parents[2] if root is None else Path(root)
    if not (root / "tools" / "xlsm" / "build.py").is_file():
        raise _fail("生成工作簿需要 xlperf 的源码目录：工作簿生成器 tools/xlsm/ 不随安装包分发。"
                    "请在源码检出目录中运行（git clone 后 pip install -e .，再运行 xlperf build-workbook），"
                    "或直接使用安装包中的 PerfTemplate.xlsm。"
                    "（build-workbook needs a source checkout: tools/xlsm/ is not installed）")
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from tools.xlsm.build import build_workbook

    return build_workbook


@app.command("build-workbook", cls=ChineseCommand)
def build_workbook_cmd(
    output: Path = typer.Option(Path("workbook/PerfTemplate.xlsm"), "-o", "--output", help="输出 .xlsm（output workbook）"),
) -> None:
    """生成 PerfTemplate.xlsm（功能区、VBA、示例、规则说明、配置）。"""

    def run() -> int:
        build_workbook = _workbook_builder()

        build_workbook(output)
        err.print(f"已生成：{_shown(output)}", highlight=False)
        return EXIT_OK

    raise typer.Exit(guarded(run))


@app.command(cls=ChineseCommand)
def doctor(
    template: Optional[Path] = typer.Argument(None, help="要检查的 PerfTemplate.xlsm（默认：当前文件夹中的）"),
    fmt: Format = typer.Option(Format.text, "--format"),
) -> None:
    """检查本机能否使用 PerfTemplate.xlsm：Python、xlwings、pywin32、Excel 位数、策略与模板（退出代码 0 正常，1 需处理，2 无法检查）。"""
    from ..excel.doctor import as_json, exit_code, render, run_checks

    try:
        items = run_checks(template)
    except Exception as e:  # noqa: BLE001 - doctor must say something useful, never a traceback
        if os.environ.get("XLPERF_DEBUG"):
            raise
        raise _fail(f"检查时发生内部错误：{type(e).__name__}: {e}（set XLPERF_DEBUG=1 for details）")
    if fmt == Format.json:
        out.print_json(json.dumps(as_json(items), ensure_ascii=False))
    else:
        out.print(escape(render(items)), highlight=False)
    raise typer.Exit(exit_code(items))


def version_callback(value: bool) -> None:
    if value:
        out.print(f"xlperf {__version__}")
        raise typer.Exit(0)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True, help="显示版本（show the version）"),
) -> None:
    if ctx.invoked_subcommand is None:
        out.print(ctx.get_help())


def main(argv: Optional[List[str]] = None) -> None:
    # A command is one short process over acyclic data: the cyclic collector would only walk
    # the growing heap again and again (a third of a 100,000-row check). Batch workers collect
    # between files themselves; an in-process caller gets its collector back.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        from .help import run

        code = run(app, argv, "xlperf")
    finally:
        if was_enabled:
            gc.enable()
    sys.exit(code)


if __name__ == "__main__":
    main()
