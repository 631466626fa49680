"""Chinese (with English) for what the command-line framework itself prints: the help
screens' headings, the ``--help`` option, and usage errors ("Missing option '-o'").

Typer ≥ 0.20 carries its own copy of click (``typer._click``) whose strings are plain English,
not gettext calls, so a message catalogue cannot translate them. Both supported hooks are used
instead: the command classes (``Typer(cls=…)``, ``@app.command(cls=…)``) rewrite the help
text they format, and :func:`run` calls the app with ``standalone_mode=False`` so that a
usage error comes back as an exception and is printed here, in Chinese with the English after.
"""

from __future__ import annotations

import re
import sys
from typing import Any, Callable, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from typer import Abort

try:  # typer ≥ 0.20: its own click
    from typer._click.exceptions import ClickException, MissingParameter, UsageError
except ImportError:  # pragma: no cover - older typer on click
    from click.exceptions import ClickException, MissingParameter, UsageError

HELP_TEXT = "显示此帮助并退出（Show this message and exit）"
USAGE = "用法（Usage）: "

# Whole help-buffer pieces (headings) and fragments, English -> Chinese (English).
_HEADINGS = {
    "Arguments": "参数（Arguments）",
    "Options": "选项（Options）",
    "Commands": "命令（Commands）",
}
_FRAGMENTS = (
    ("Show this message and exit.", HELP_TEXT),
    ("[default: ", "[默认 default: "),
    ("[required]", "[必填 required]"),
)


def _zh_help(piece: str) -> str:
    stripped = piece.strip()
    if stripped.endswith(":") and stripped[:-1] in _HEADINGS:
        return piece.replace(stripped, _HEADINGS[stripped[:-1]] + "：")
    if piece.lstrip().startswith("Usage: "):
        piece = piece.replace("Usage: ", USAGE, 1)
    for en, zh in _FRAGMENTS:
        if en in piece:
            piece = piece.replace(en, zh)
    return piece


class _Chinese:
    """Mixed into typer's command classes: the help they format, in Chinese."""

    def get_help_option(self, ctx: Any) -> Any:
        opt = super().get_help_option(ctx)  # type: ignore[misc]
        if opt is not None:
            opt.help = HELP_TEXT
        return opt

    def format_help(self, ctx: Any, formatter: Any) -> None:
        super().format_help(ctx, formatter)  # type: ignore[misc]
        formatter.buffer[:] = [_zh_help(p) for p in formatter.buffer]

    def get_usage(self, ctx: Any) -> str:
        return _zh_help(super().get_usage(ctx))  # type: ignore[misc]


class ChineseCommand(_Chinese, TyperCommand):
    pass


class ChineseGroup(_Chinese, TyperGroup):
    pass


# Usage errors: (pattern of click's English message, Chinese). The English follows in brackets.
_ERRORS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(p), f) for p, f in (
        (r"^Missing option (.+)\.$", lambda m: f"缺少选项 {m.group(1)}"),
        (r"^Missing argument (.+)\.$", lambda m: f"缺少参数 {m.group(1)}"),
        (r"^Missing parameter: (.+)$", lambda m: f"缺少参数 {m.group(1)}"),
        (r"^No such option: (\S+)(?: \(Possible options: (.+)\))?$",
         lambda m: f"没有选项 {m.group(1)}" + (f"（是不是 {m.group(2)}？）" if m.group(2) else "")),
        (r"^No such command '(.+)'\.$", lambda m: f"没有命令“{m.group(1)}”"),
        (r"^Option '(.+)' requires an argument\.$", lambda m: f"选项 {m.group(1)} 后面要写一个值"),
        (r"^Option '(.+)' requires (\d+) arguments\.$", lambda m: f"选项 {m.group(1)} 后面要写 {m.group(2)} 个值"),
        (r"^Option '(.+)' does not take a value\.$", lambda m: f"选项 {m.group(1)} 不带值"),
        (r"^Got unexpected extra arguments? \((.+)\)$", lambda m: f"多余的参数：{m.group(1)}"),
        (r"^Invalid value for (.+?): (.+)$", lambda m: f"{m.group(1)} 的值无效：{_value_error(m.group(2))}"),
        (r"^Missing command\.$", lambda m: "缺少命令"),
    )
)


def _value_error(text: str) -> str:
    text = text.removeprefix("Value error, ")
    for p, zh in ((r"^(.+) is not one of (.+)\.$", "{0} 不是 {1} 之一"),
                  (r"^(.+) is not (.+)\.$", "{0} 不是 {1}"),
                  (r"^(.+) is not a valid (float|integer)\.$", "{0} 不是有效的数字"),
                  (r"^(.+) is not in the range (.+)\.$", "{0} 不在范围 {1} 内"),
                  (r"^(?:File|Path|Directory) (.+) does not exist\.$", "{0} 不存在")):
        m = re.match(p, text)
        if m:
            return zh.format(*m.groups())
    return text


def usage_error_zh(message: str) -> str:
    """A usage error in Chinese, the English after it."""
    for pattern, zh in _ERRORS:
        m = pattern.match(message)
        if m:
            return f"{zh(m)}（{message}）"
    return f"用法错误（{message}）"


def _message(e: Any) -> str:
    """click's message; a missing option named the way the clerk types it ('-o' / '--output')."""
    if isinstance(e, MissingParameter) and e.param is not None and getattr(e.param, "opts", None) \
            and e.param.param_type_name == "option":
        return "Missing option " + " / ".join(f"'{o}'" for o in e.param.opts) + "."
    return e.format_message()


def only_command(app: typer.Typer, args: list[str]) -> typer.Typer:
    """``app`` with only the command ``args`` start with, when they name one of its commands;
    else ``app`` itself. typer turns every registered command into a click command on each call
    (inspecting each function's signature and type hints): building the group went 4.1 → 1.5 ms
    CPU for ``xlperf check``. What the run prints depends only on the command run — the group's
    own help and "No such command" (whose suggestions list the others) come when the first
    word is not a command, and then the whole app runs."""
    import copy

    from typer.main import get_command_name

    if not args or app.registered_groups:
        return app
    infos = [i for i in app.registered_commands
             if (i.name or (get_command_name(i.callback.__name__) if i.callback else None)) == args[0]]
    if len(infos) != 1:
        return app
    slim = copy.copy(app)
    slim.registered_commands = infos
    return slim


def run(app: typer.Typer, argv: Optional[list[str]], prog_name: str) -> int:
    """Run the app; usage errors in Chinese on stderr (exit 2). Returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        rv = only_command(app, args)(args=args, prog_name=prog_name, standalone_mode=False)
    except UsageError as e:
        lines = []
        if e.ctx is not None:
            lines.append(e.ctx.get_usage())
            if e.ctx.command.get_help_option(e.ctx) is not None:
                lines.append(f"运行 {e.ctx.command_path} {e.ctx.help_option_names[0]} 查看帮助"
                             f"（Try '{e.ctx.command_path} {e.ctx.help_option_names[0]}' for help）")
            lines.append("")
        lines.append(f"错误：{usage_error_zh(_message(e))}")
        sys.stderr.write("\n".join(lines) + "\n")
        return e.exit_code
    except Abort:
        sys.stderr.write("已中断（Aborted）\n")
        return 1
    except ClickException as e:  # pragma: no cover - other framework errors
        sys.stderr.write(f"错误：{e.format_message()}\n")
        return e.exit_code
    return rv if isinstance(rv, int) else 0
