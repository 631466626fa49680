"""``xlperf doctor``: can this PC run PerfTemplate.xlsm? Each item says, in Chinese, what to do.

Checks, in order (``key``: what it looks at):

* ``python``: version (3.10+; the offline bundle is built for 3.11 and 3.12) and bitness;
* ``xlwings``: the installed xlwings is the version the workbook's VBA embeds (the DLL name
  in ``xlwings.bas`` carries it) and the version this xlperf pins;
* ``pywin32`` (Windows): importable — xlwings drives Excel through it;
* ``xlwings_dll`` (Windows): ``xlwings64-<v>.dll``/``xlwings32-<v>.dll`` next to the
  interpreter or in its parent folder, where the VBA loads it for the UDFs;
* ``excel_bitness`` (Windows): Excel's bitness (EXCEL.EXE's PE header, found through the
  registry's App Paths, or Click-to-Run's ``Platform``) equals Python's;
* ``interpreter`` (Windows): the workbook's ``xlwings.conf`` sheet names this Python;
* ``motw`` (Windows): the template carries no Mark of the Web (``Zone.Identifier``);
* ``asr`` (Windows): the Defender ASR rules that stop RunPython (Office child processes) and
  the UDFs (Win32 API calls from macros), from the policy registry keys or ``Get-MpPreference``;
* ``template``: the workbook opens, and its VBA modules match the manifest shipped in the
  package (:mod:`xlperf.excel.vbaread`).

Status per item: ``ok``, ``fix`` (something to do: ``action`` says what), ``error`` (the check
could not run: ``action`` says how to check by hand), ``skip`` (not on this OS).
Exit code: 1 when anything needs fixing, else 2 when a check could not run, else 0.

The Windows probes are thin; what they read is parsed by pure functions (PE header, zone
text, ASR values, config rows) that the Linux tests exercise.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from .vbaread import VbaReadError, load_manifest, module_digest, read_modules_from_xlsm, xlwings_version_of

__all__ = ["Item", "OK", "FIX", "ERROR", "SKIP", "ASR_CHILD_PROCESSES", "ASR_WIN32_API", "run_checks",
           "exit_code", "render", "find_template", "pe_machine_bits", "zone_id", "parse_mdm_rules",
           "asr_findings", "conf_interpreter", "check_template", "check_python", "check_xlwings"]

OK, FIX, ERROR, SKIP = "ok", "fix", "error", "skip"
STATUS_ZH = {OK: "通过", FIX: "需处理", ERROR: "无法检查", SKIP: "不适用"}
MIN_PYTHON = (3, 10)
BUNDLE_PYTHONS = ((3, 11), (3, 12))
ASR_CHILD_PROCESSES = "d4f940ab-401b-4efc-aadc-ad5f3c50688a"  # Block all Office applications from creating child processes
ASR_WIN32_API = "92e97fa1-2edf-4476-bdd6-9dd0b4dddc7b"  # Block Win32 API calls from Office macros
ASR_ACTIONS = {0: "未启用", 1: "阻止", 2: "审核", 5: "未启用", 6: "警告"}
_ASR_NAMES = {
    ASR_CHILD_PROCESSES: "阻止所有 Office 应用程序创建子进程",
    ASR_WIN32_API: "阻止从 Office 宏调用 Win32 API",
}
_ASR_EFFECT = {
    ASR_CHILD_PROCESSES: "功能区按钮无法启动 Python（运行时错误 70）",
    ASR_WIN32_API: "工作表函数（UDF）无法加载 xlwings 的 DLL",
}
_ASR_POLICY = r"SOFTWARE\Policies\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR"
_ASR_LOCAL = r"SOFTWARE\Microsoft\Windows Defender\Windows Defender Exploit Guard\ASR"
_MDM_DEFENDER = r"SOFTWARE\Microsoft\PolicyManager\current\device\Defender"
_EXCEL_APP_PATH = r"SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\excel.exe"
_C2R_CONFIG = r"SOFTWARE\Microsoft\Office\ClickToRun\Configuration"
TEMPLATE_NAME = "PerfTemplate.xlsm"
CONF_SHEET = "xlwings.conf"


@dataclass
class Item:
    key: str
    title: str  # what is checked, in Chinese
    status: str  # ok | fix | error | skip
    detail: str  # what was found
    action: str = ""  # what to do (fix) or how to check by hand (error)


def exit_code(items: Iterable[Item]) -> int:
    statuses = {i.status for i in items}
    return 1 if FIX in statuses else 2 if ERROR in statuses else 0


# --- pure parsers (tested on every OS) -----------------------------------------------

def pe_machine_bits(header: bytes) -> Optional[int]:
    """32 or 64 from the first KB of a Windows executable (IMAGE_FILE_HEADER.Machine), else None."""
    if len(header) < 0x40 or header[:2] != b"MZ":
        return None
    offset = struct.unpack_from("<I", header, 0x3C)[0]
    if offset + 6 > len(header) or header[offset:offset + 4] != b"PE\0\0":
        return None
    machine = struct.unpack_from("<H", header, offset + 4)[0]
    return {0x014C: 32, 0x8664: 64, 0xAA64: 64}.get(machine)


def zone_id(text: str) -> Optional[int]:
    """ZoneId of a ``Zone.Identifier`` stream (3 = Internet, 4 = untrusted), else None."""
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key.strip().lower() == "zoneid" and value.strip().isdigit():
            return int(value.strip())
    return None


def parse_mdm_rules(text: str) -> dict[str, int]:
    """Intune's ``AttackSurfaceReductionRules`` value, ``guid=1|guid=2`` -> {guid: action}."""
    out: dict[str, int] = {}
    for part in (text or "").replace(",", "|").split("|"):
        guid, _, action = part.partition("=")
        if guid.strip() and action.strip().isdigit():
            out[guid.strip().strip("{}").lower()] = int(action.strip())
    return out


def _covers(exclusion: str, path: str) -> bool:
    e = os.path.normcase(os.path.expandvars(exclusion.strip().rstrip("\\/*")))
    p = os.path.normcase(path)
    return bool(e) and (p == e or p.startswith(e.rstrip("\\/") + "\\") or p.startswith(e.rstrip("\\/") + "/"))


def asr_findings(rules: dict[str, int], exclusions: Iterable[str], paths: dict[str, str]) -> list[Item]:
    """One item per ASR rule that matters to us, from {guid: action} and the ASR-only
    exclusions; `paths` names what an exclusion may cover (Python, the template's folder)."""
    exclusions = [e for e in exclusions if e and e.strip()]
    items = []
    for guid in (ASR_CHILD_PROCESSES, ASR_WIN32_API):
        action = rules.get(guid, 0)
        name = f"ASR 规则“{_ASR_NAMES[guid]}”（{guid.upper()}）"
        state = ASR_ACTIONS.get(action, f"未知状态 {action}")
        if action not in (1, 6):
            items.append(Item("asr", name, OK, f"{state}" + ("（只记录，不阻止）" if action == 2 else "")))
            continue
        covered = [f"{label}（{path}）" for label, path in paths.items() if any(_covers(e, path) for e in exclusions)]
        if covered:
            items.append(Item("asr", name, OK, f"{state}，但已按路径排除：{'、'.join(covered)}。"
                              "请在 Excel 中点一次“校验”确认按钮可用。"))
            continue
        wanted = "；".join(f"{label}：{path}" for label, path in paths.items())
        items.append(Item(
            "asr", name, FIX, f"{state}：{_ASR_EFFECT[guid]}。",
            f"请 IT 为本机添加“仅用于攻击面减少规则的排除”（按路径），例如 {wanted}；"
            f"或将此规则对本机改为“审核”。详见 内网安装说明.txt 第 5 节。这不是安装问题，重新安装没有用。",
        ))
    return items


def conf_interpreter(rows: Iterable[Iterable[Any]]) -> Optional[str]:
    """``Interpreter_Win`` (else ``Interpreter``) from the xlwings.conf sheet's rows, read as
    xlwings reads them: keys in column A from A1 down to the first empty cell."""
    values: dict[str, str] = {}
    for row in rows:
        row = list(row) + [None, None]
        if row[0] is None or str(row[0]).strip() == "":
            break
        values[str(row[0]).strip().upper()] = "" if row[1] is None else str(row[1]).strip()
    return values.get("INTERPRETER_WIN") or values.get("INTERPRETER") or None


# --- checks --------------------------------------------------------------------------

def _bits() -> int:
    return struct.calcsize("P") * 8


def check_python(version: tuple[int, int, int] = tuple(sys.version_info[:3]),  # type: ignore[assignment]
                 bits: Optional[int] = None) -> Item:
    bits = bits or _bits()
    shown = f"{'.'.join(map(str, version))}（{sys.implementation.name}，{bits} 位），{sys.executable}"
    if tuple(version[:2]) < MIN_PYTHON:
        return Item("python", "Python 版本与位数", FIX, shown,
                    "xlperf 需要 Python 3.10 或更高版本；请安装 64 位 Python 3.11 或 3.12（为当前用户），再运行 安装.bat。")
    note = "" if tuple(version[:2]) in BUNDLE_PYTHONS else "（离线安装包只为 3.11 和 3.12 准备了安装文件）"
    return Item("python", "Python 版本与位数", OK, shown + note)


def _installed_version(dist: str) -> Optional[str]:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def check_xlwings(embedded: Optional[str], pinned: str, installed: Optional[str]) -> Item:
    title = "xlwings 版本"
    if installed is None:
        return Item("xlwings", title, FIX, "未安装 xlwings",
                    f"请运行 安装.bat，或运行 pip install xlwings=={pinned}。")
    wanted = embedded or pinned
    detail = f"已安装 {installed}；工作簿的 VBA 需要 {wanted}；xlperf 需要 {pinned}"
    if installed != wanted or installed != pinned:
        return Item("xlwings", title, FIX, detail,
                    f"VBA 中的 DLL 名称带有版本号，版本必须一致：请运行 pip install xlwings=={wanted}"
                    + ("" if wanted == pinned else "，并使用与本版本 xlperf 配套的 PerfTemplate.xlsm") + "。")
    return Item("xlwings", title, OK, detail)


def find_template(explicit: Optional[Path] = None) -> Optional[Path]:
    """The template to check: the one named, else PerfTemplate.xlsm in the current folder,
    else the one of a source checkout (workbook/PerfTemplate.xlsm)."""
    if explicit is not None:
        return Path(explicit)
    for candidate in (Path.cwd() / TEMPLATE_NAME, Path(__file__).resolve().parents[2] / "workbook" / TEMPLATE_NAME):
        if candidate.is_file():
            return candidate
    return None


def check_template(path: Optional[Path], manifest: Optional[dict] = None) -> tuple[list[Item], dict[str, str]]:
    """The template opens and its modules match the manifest; returns the items and the
    modules read (empty when the workbook could not be read)."""
    title = "模板 PerfTemplate.xlsm"
    if path is None:
        return [Item("template", title, ERROR, "当前文件夹中没有 PerfTemplate.xlsm",
                     "请指定模板：xlperf doctor 路径\\PerfTemplate.xlsm（安装.bat 会自动指定安装包中的模板）。")], {}
    if not path.is_file():
        return [Item("template", title, ERROR, f"找不到文件：{path}", "请检查路径，或指定安装包中的 PerfTemplate.xlsm。")], {}
    try:
        manifest = manifest or load_manifest()
    except (OSError, ValueError) as e:
        return [Item("template", title, ERROR, f"无法读取 xlperf 自带的模块清单：{e}",
                     "xlperf 安装不完整：请重新运行 安装.bat。")], {}
    try:
        modules = read_modules_from_xlsm(path)
    except VbaReadError as e:
        return [Item("template", title, FIX, f"{path}：{e}",
                     "请重新复制安装包中的 PerfTemplate.xlsm（不要用 WPS 或 LibreOffice 另存）。")], {}
    expected: dict[str, str] = manifest.get("modules", {})
    missing = [n for n in expected if n not in modules]
    changed = [n for n in expected if n in modules and module_digest(modules[n]) != expected[n]]
    extra = [n for n in modules if n not in expected]
    if missing or changed or extra:
        parts = []
        if changed:
            parts.append("内容不同的模块：" + "、".join(changed))
        if missing:
            parts.append("缺少的模块：" + "、".join(missing))
        if extra:
            parts.append("多出的模块：" + "、".join(extra))
        return [Item("template", title, FIX, f"{path}：VBA 与本版本 xlperf 发布的模板不一致（{'；'.join(parts)}）",
                     "请使用与已安装的 xlperf 同一安装包中的 PerfTemplate.xlsm；被改动过的模板可能无法正常工作，"
                     "也可能带有他人加入的宏。")], modules
    return [Item("template", title, OK, f"{path}：可以打开，{len(expected)} 个 VBA 模块与清单一致")], modules


def _read_conf_rows(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True, keep_vba=False)
    try:
        if CONF_SHEET not in wb.sheetnames:
            return []
        return [list(r) for r in wb[CONF_SHEET].iter_rows(min_row=1, max_row=50, max_col=2, values_only=True)]
    finally:
        wb.close()


def check_interpreter(path: Optional[Path], windows: bool, executable: str = sys.executable) -> Item:
    title = "xlwings.conf 中的 Python 路径"
    if path is None or not path.is_file():
        return Item("interpreter", title, SKIP, "没有可检查的模板")
    try:
        configured = conf_interpreter(_read_conf_rows(path))
    except Exception as e:  # noqa: BLE001 - a damaged sheet is reported, not raised
        return Item("interpreter", title, ERROR, f"无法读取“{CONF_SHEET}”工作表：{type(e).__name__}: {e}",
                    "请在 Excel 中取消隐藏该工作表，查看 Interpreter_Win 一行。")
    import ntpath  # Windows path rules, also when the tests run them elsewhere

    real = ntpath.join(ntpath.dirname(executable), "pythonw.exe")
    if not windows:
        return Item("interpreter", title, SKIP, f"工作簿填写的是 {configured or '（空）'}；只在 Windows 上比较")
    if not configured:
        return Item("interpreter", title, FIX, "Interpreter_Win 为空：xlwings 会用 PATH 中的 python",
                    f"请在隐藏工作表“{CONF_SHEET}”的 Interpreter_Win 一行填写：{real}")
    expanded = os.path.expandvars(configured)
    if ntpath.normcase(ntpath.normpath(expanded)) == ntpath.normcase(ntpath.normpath(real)):
        return Item("interpreter", title, OK, f"{configured} = {real}")
    exists = Path(expanded).is_file()
    detail = f"工作簿填写的是 {configured}（{expanded}，{'存在' if exists else '不存在'}），本次检查用的是 {real}"
    return Item("interpreter", title, FIX, detail,
                f"请在隐藏工作表“{CONF_SHEET}”的 Interpreter_Win 一行填写 {real}"
                "（右键工作表标签 → 取消隐藏）；如另一 Python 才是要用的，请用那个 Python 运行 doctor。")


# --- Windows probes --------------------------------------------------------------------

def _registry() -> Callable[[str, str, Optional[str]], Any]:
    """read(hive, key, value) -> value (or a {name: value} dict when value is None); raises OSError."""
    import winreg  # type: ignore[import-not-found]

    hives = {"HKLM": winreg.HKEY_LOCAL_MACHINE, "HKCU": winreg.HKEY_CURRENT_USER}

    def read(hive: str, key: str, value: Optional[str]) -> Any:
        flags = winreg.KEY_READ | getattr(winreg, "KEY_WOW64_64KEY", 0)
        with winreg.OpenKey(hives[hive], key, 0, flags) as k:
            if value is not None:
                return winreg.QueryValueEx(k, value)[0]
            out, i = {}, 0
            while True:
                try:
                    name, data, _ = winreg.EnumValue(k, i)
                except OSError:
                    return out
                out[name] = data
                i += 1

    return read


def check_pywin32() -> Item:
    try:
        import pythoncom  # type: ignore[import-not-found]  # noqa: F401
        import pywintypes  # type: ignore[import-not-found]  # noqa: F401
        import win32api  # type: ignore[import-not-found]  # noqa: F401
    except Exception as e:  # noqa: BLE001
        return Item("pywin32", "pywin32", FIX, f"无法导入：{type(e).__name__}: {e}",
                    "请重新运行 安装.bat（会安装 pywin32）；如仍失败，运行 python -m pip install --force-reinstall pywin32。")
    return Item("pywin32", "pywin32", OK, f"可以导入（{_installed_version('pywin32') or '版本未知'}）")


def check_dll(version: str, bits: int, executable: str = sys.executable) -> Item:
    name = f"xlwings{bits}-{version}.dll"
    here = Path(executable).parent
    places = [here, here.parent]
    found = [p / name for p in places if (p / name).is_file()]
    if found:
        return Item("xlwings_dll", f"{name}（工作表函数用）", OK, str(found[0]))
    return Item("xlwings_dll", f"{name}（工作表函数用）", FIX, f"{here} 和 {here.parent} 中都没有 {name}",
                "xlwings 装到了别处（多半用了 pip install --user）：请用“为当前用户安装”的 Python 重新运行 安装.bat，"
                f"或把 {name} 复制到 {here}。")


def excel_bits(read: Callable[[str, str, Optional[str]], Any]) -> tuple[Optional[int], str]:
    """Excel's bitness and where it was read from."""
    try:
        exe = read("HKLM", _EXCEL_APP_PATH, "")
        with open(os.path.expandvars(str(exe).strip('"')), "rb") as f:
            bits = pe_machine_bits(f.read(4096))
        if bits:
            return bits, str(exe)
    except OSError:
        pass
    try:
        platform = str(read("HKLM", _C2R_CONFIG, "Platform")).lower()
        return (64 if platform == "x64" else 32 if platform == "x86" else None), f"ClickToRun Platform={platform}"
    except OSError:
        return None, ""


def check_excel_bitness(read: Callable[[str, str, Optional[str]], Any], python_bits: int) -> Item:
    title = "Excel 与 Python 位数一致"
    bits, source = excel_bits(read)
    if bits is None:
        return Item("excel_bitness", title, ERROR, "注册表中找不到 Excel（App Paths / ClickToRun）",
                    "请在 Excel 中查看：文件 → 帐户 → 关于 Excel，标题行写着“32 位”或“64 位”；须与 Python 相同。")
    if bits != python_bits:
        return Item("excel_bitness", title, FIX, f"Excel 为 {bits} 位（{source}），Python 为 {python_bits} 位",
                    f"请安装 {bits} 位的 Python 3.11 或 3.12 并在其中运行 安装.bat（工作表函数要求位数相同）。")
    return Item("excel_bitness", title, OK, f"都是 {bits} 位（{source}）")


def check_motw(path: Optional[Path]) -> Item:
    title = "网络标记（Mark of the Web）"
    if path is None or not path.is_file():
        return Item("motw", title, SKIP, "没有可检查的模板")
    try:
        with open(f"{path}:Zone.Identifier", encoding="utf-8", errors="replace") as f:
            zone = zone_id(f.read())
    except FileNotFoundError:
        return Item("motw", title, OK, "没有网络标记")
    except OSError as e:
        return Item("motw", title, ERROR, f"无法读取：{e}", "右键文件 → 属性 → 常规：看底部是否有“解除锁定”。")
    if zone is not None and zone >= 3:
        return Item("motw", title, FIX, f"文件带有来自 Internet 的标记（ZoneId={zone}）：Excel 会阻止其中的宏",
                    f"右键 {path.name} → 属性 → 常规 → 勾选“解除锁定” → 确定；或在 PowerShell 中运行 "
                    f"Unblock-File \"{path}\"；或请 IT 将模板所在文件夹设为受信任位置。")
    return Item("motw", title, OK, f"ZoneId={zone}（本机或内网，不阻止宏）")


def _asr_from_powershell(timeout: float = 30) -> tuple[dict[str, int], list[str]]:
    script = ("$p = Get-MpPreference; $p.AttackSurfaceReductionRules_Ids -join '|'; "
              "$p.AttackSurfaceReductionRules_Actions -join '|'; $p.AttackSurfaceReductionOnlyExclusions -join '|'")
    done = subprocess.run(["powershell", "-NoProfile", "-NonInteractive", "-Command", script],
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise OSError(done.stderr.strip() or f"powershell exit {done.returncode}")
    lines = (done.stdout.splitlines() + ["", "", ""])[:3]
    ids = [i.strip().lower() for i in lines[0].split("|") if i.strip()]
    actions = [int(a) for a in lines[1].split("|") if a.strip().isdigit()]
    return dict(zip(ids, actions)), [e for e in lines[2].split("|") if e.strip() and not e.startswith("N/A")]


def check_asr(read: Callable[[str, str, Optional[str]], Any], paths: dict[str, str],
              powershell: Callable[[], tuple[dict[str, int], list[str]]] = _asr_from_powershell) -> list[Item]:
    rules: dict[str, int] = {}
    exclusions: list[str] = []
    sources = []
    for key in (_ASR_POLICY, _ASR_LOCAL):
        try:
            values = read("HKLM", key + r"\Rules", None)
            rules.update({k.strip("{}").lower(): int(v) for k, v in values.items() if str(v).strip().isdigit()})
            sources.append(key)
        except OSError:
            pass
        try:
            exclusions += list(read("HKLM", key + r"\ASROnlyExclusions", None))
        except OSError:
            pass
    try:
        rules.update(parse_mdm_rules(str(read("HKLM", _MDM_DEFENDER, "AttackSurfaceReductionRules"))))
        sources.append("MDM")
    except OSError:
        pass
    try:
        exclusions += str(read("HKLM", _MDM_DEFENDER, "AttackSurfaceReductionOnlyExclusions")).split("|")
    except OSError:
        pass
    try:
        ps_rules, ps_exclusions = powershell()
        rules.update(ps_rules)
        exclusions += ps_exclusions
        sources.append("Get-MpPreference")
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    if not sources:
        return [Item("asr", "Defender 攻击面减少（ASR）规则", ERROR, "注册表和 Get-MpPreference 都无法读取",
                     "请 IT 查看本机对 D4F940AB-401B-4EFC-AADC-AD5F3C50688A 和 92E97FA1-2EDF-4476-BDD6-9DD0B4DDDC7B "
                     "两条规则的设置（内网安装说明.txt 第 5 节）。")]
    return asr_findings(rules, exclusions, paths)


# --- all -------------------------------------------------------------------------------

def run_checks(template: Optional[Path] = None, *, windows: Optional[bool] = None) -> list[Item]:
    windows = (sys.platform == "win32") if windows is None else windows
    try:
        manifest = load_manifest()
    except (OSError, ValueError):
        manifest = {}
    pinned = manifest.get("xlwings_version", "0.37.8")
    path = find_template(template)
    items = [check_python()]
    template_items, modules = check_template(path, manifest or None)
    items.append(check_xlwings(xlwings_version_of(modules), pinned, _installed_version("xlwings")))
    bits = _bits()
    if windows:
        items.append(check_pywin32())
        items.append(check_dll(pinned, bits))
        try:
            read = _registry()
        except ImportError as e:
            items.append(Item("excel_bitness", "Excel 与 Python 位数一致", ERROR, f"无法读取注册表：{e}", ""))
            read = None
        if read is not None:
            items.append(check_excel_bitness(read, bits))
        items.append(check_interpreter(path, windows))
        items.append(check_motw(path))
        if read is not None:
            paths = {"Python": str(Path(sys.executable).parent)}
            if path is not None:
                paths["模板所在文件夹"] = str(path.resolve().parent)
            items.extend(check_asr(read, paths))
    else:
        for key, title in (("pywin32", "pywin32"), ("xlwings_dll", "xlwings 的 DLL"),
                           ("excel_bitness", "Excel 与 Python 位数一致")):
            items.append(Item(key, title, SKIP, "只在 Windows 上检查"))
        items.append(check_interpreter(path, windows))
        items.append(Item("motw", "网络标记（Mark of the Web）", SKIP, "只在 Windows 上检查"))
        items.append(Item("asr", "Defender 攻击面减少（ASR）规则", SKIP, "只在 Windows 上检查"))
    items.extend(template_items)
    return items


def render(items: list[Item]) -> str:
    from .. import __version__

    lines = [f"xlperf doctor {__version__}：检查本机能否使用 PerfTemplate.xlsm（checks this PC for PerfTemplate.xlsm）", ""]
    for item in items:
        lines.append(f"[{STATUS_ZH[item.status]}] {item.title}：{item.detail}")
        if item.action and item.status in (FIX, ERROR):
            lines.append(f"    → {'怎么办' if item.status == FIX else '手工检查'}：{item.action}")
    fixes = sum(i.status == FIX for i in items)
    errors = sum(i.status == ERROR for i in items)
    lines.append("")
    if fixes:
        lines.append(f"结论：有 {fixes} 项需要处理（见“怎么办”）；处理后请再运行一次 xlperf doctor。")
    elif errors:
        lines.append(f"结论：没有发现问题，但有 {errors} 项无法自动检查（见“手工检查”）。")
    else:
        lines.append("结论：一切正常，可以打开 PerfTemplate.xlsm 使用。")
    return "\n".join(lines)


def as_json(items: list[Item]) -> dict[str, Any]:
    return {"exit_code": exit_code(items), "items": [asdict(i) for i in items]}
