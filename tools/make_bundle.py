#!/usr/bin/env python
"""Build the offline installer for the 内网: ``dist/xlperf-offline-win64-py3XX.zip``.

    python tools/make_bundle.py                  # 3.11 and 3.12, into dist/
    python tools/make_bundle.py --python 3.11 --out /tmp/b

Runs on any OS with access to the package index. Each zip holds one folder::

    xlperf-offline-win64-py311/
        安装.bat             pip install --no-index --find-links wheels, then xlperf doctor
        内网安装说明.txt     the clerk's and IT's instructions (UTF-8)
        PerfTemplate.xlsm    the workbook of this checkout (rebuilt first if stale)
        wheels/*.whl         xlperf's own wheel and every win_amd64 wheel it needs
        清单.txt             versions and sha256 of everything above

``pip download --platform win_amd64`` evaluates environment markers for *this* machine, so a
Linux build would leave out Windows-only dependencies (pywin32 for xlwings, colorama for
click/typer's Windows console). They are named explicitly, and :func:`windows_closure`
then checks the wheel set the way pip on Windows would see it: every ``Requires-Dist`` of
every wheel, markers evaluated for Windows and the target Python, is met by a wheel in the
set. The versions of packages installed here (what the tests ran with) are pinned with a
constraints file unless ``--latest`` is given.

The zip is deterministic for a given wheel set (sorted entries, fixed timestamps).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path
from typing import Iterable, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's xlperf, not an installed one

from packaging.markers import Marker  # noqa: E402
from packaging.requirements import Requirement  # noqa: E402
from packaging.utils import canonicalize_name, parse_wheel_filename  # noqa: E402

PYTHONS = ("3.11", "3.12")
PLATFORM = "win_amd64"
# Not pulled in on a non-Windows build machine (markers), needed on the clerk's PC.
WINDOWS_ONLY = ("pywin32", "colorama")
BAT_NAME = "安装.bat"
README_NAME = "内网安装说明.txt"
LIST_NAME = "清单.txt"
TEMPLATE = ROOT / "workbook" / "PerfTemplate.xlsm"
_FIXED_DATE = (2023, 1, 1, 0, 0, 0)
# Bytes cmd.exe treats specially: a GBK character in 安装.bat must not contain one (they
# would be read as operators under another code page).
_CMD_SPECIAL = set(b'|&<>^%()"!')


class BundleError(RuntimeError):
    pass


def bundle_name(python: str) -> str:
    return f"xlperf-offline-win64-py{python.replace('.', '')}"


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        raise BundleError(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


# --- wheels ---------------------------------------------------------------------------

def build_own_wheel(dest: Path) -> Path:
    """xlperf's wheel, built from a clean copy of the checkout (no build/ or egg-info left here)."""
    with tempfile.TemporaryDirectory(prefix="xlperf_src_") as tmp:
        src = Path(tmp) / "src"
        ignore = shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", "build", "dist", ".venv", "bench",
                                       "tests", ".pytest_cache", ".hypothesis", "out")
        shutil.copytree(ROOT, src, ignore=ignore)
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dest), str(src)])
    wheels = sorted(dest.glob("xlperf-*.whl"))
    if len(wheels) != 1:
        raise BundleError(f"expected one xlperf wheel in {dest}, found {wheels}")
    return wheels[0]


def _requirements_of(dist: metadata.Distribution) -> list[Requirement]:
    out = []
    for line in dist.requires or []:
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            out.append(req)
    return out


def installed_pins(root_requirements: Iterable[str]) -> list[str]:
    """name==version for the installed closure of `root_requirements` (this machine's markers)."""
    pins: dict[str, str] = {}
    todo = [Requirement(r) for r in root_requirements]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in pins:
            continue
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            continue
        pins[name] = dist.version
        todo.extend(_requirements_of(dist))
    return [f"{n}=={v}" for n, v in sorted(pins.items())]


def _project_requirements() -> list[str]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return list(data["project"]["dependencies"])


def download_wheels(own_wheel: Path, python: str, dest: Path, *, pin: bool = True, log=print) -> str:
    """Download the wheel set into `dest`; returns how versions were chosen.

    With `pin`, first the exact versions installed here; when those have no wheel for this
    Python (e.g. an old orjson has no cp312 wheel), each becomes a lower bound instead."""
    abi = "cp" + python.replace(".", "")
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:", "--platform", PLATFORM,
           "--python-version", python, "--implementation", "cp", "--abi", abi, "--abi", "abi3", "--abi", "none",
           "-d", str(dest), str(own_wheel), *WINDOWS_ONLY]
    if not pin:
        _run(cmd, timeout=900)
        return "newest"
    own = canonicalize_name("xlperf")
    pins = [p for p in installed_pins(_project_requirements()) if not p.startswith(own + "==")]
    with tempfile.TemporaryDirectory(prefix="xlperf_pins_") as tmp:
        constraints = Path(tmp) / "constraints.txt"
        for how, lines in (("pinned to the versions tested here", pins),
                           ("at least the versions tested here", [p.replace("==", ">=") for p in pins])):
            constraints.write_text("\n".join(lines) + "\n", encoding="utf-8")
            try:
                _run(cmd + ["-c", str(constraints)], timeout=900)
                return how
            except BundleError as e:
                if "ResolutionImpossible" not in str(e) and "No matching distribution" not in str(e):
                    raise
                log(f"Python {python}: the exact tested versions do not all have {abi}-{PLATFORM} wheels; "
                    "using them as lower bounds")
                for stale in dest.glob("*.whl"):
                    stale.unlink()
        raise BundleError(f"no wheel set for Python {python} resolves")


def _wheel_metadata(path: Path) -> tuple[str, str, list[str]]:
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
        msg = Parser().parsestr(z.read(name).decode("utf-8"))
    return msg["Name"], msg["Version"], msg.get_all("Requires-Dist") or []


def windows_environment(python: str) -> dict[str, str]:
    """PEP 508 marker values of CPython `python` on 64-bit Windows."""
    return {
        "os_name": "nt", "sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64",
        "platform_release": "10", "platform_version": "10.0.19045", "implementation_name": "cpython",
        "platform_python_implementation": "CPython", "python_version": python,
        "python_full_version": python + ".0", "implementation_version": python + ".0", "extra": "",
    }


def windows_closure(wheel_dir: Path, python: str) -> list[str]:
    """Problems with the wheel set as pip on 64-bit Windows would resolve it (empty = none):
    a requirement no wheel meets, or a wheel that cannot install on cp3XX-win_amd64."""
    env = windows_environment(python)
    abi = "cp" + python.replace(".", "")
    have: dict[str, str] = {}
    requires: list[tuple[str, str]] = []
    problems = []
    for path in sorted(wheel_dir.glob("*.whl")):
        _, _, _, tags = parse_wheel_filename(path.name)
        if not any(t.platform in ("any", PLATFORM) and t.interpreter in ("py3", "py2.py3", abi, "cp3") or
                   (t.platform == PLATFORM and t.abi == "abi3") for t in tags):
            problems.append(f"{path.name}: not installable on {abi}-{PLATFORM}")
        name, version, reqs = _wheel_metadata(path)
        have[canonicalize_name(name)] = version
        requires += [(name, r) for r in reqs]
    for owner, line in requires:
        req = Requirement(line)
        if req.marker is not None and not Marker(str(req.marker)).evaluate(env):
            continue
        version = have.get(canonicalize_name(req.name))
        if version is None:
            problems.append(f"{owner} needs {line}: no wheel in the bundle")
        elif not req.specifier.contains(version, prereleases=True):
            problems.append(f"{owner} needs {line}: the bundle has {req.name} {version}")
    for name in ("xlperf", *WINDOWS_ONLY):
        if canonicalize_name(name) not in have:
            problems.append(f"{name}: missing")
    return problems


# --- texts ----------------------------------------------------------------------------

def install_bat(python: str) -> str:
    """安装.bat: ASCII commands, Chinese only in echo lines (encoded GBK for cmd.exe)."""
    short = python.replace(".", "")
    lines = [
        "@echo off",
        "rem xlperf offline installer, generated by tools/make_bundle.py. Installs the wheels of this",
        "rem folder into the current user's Python " + python + " (64-bit) without any network, then runs",
        "rem xlperf doctor on the PerfTemplate.xlsm of this folder.",
        "setlocal",
        'cd /d "%~dp0"',
        'set "PYEXE="',
        f'if exist "%LOCALAPPDATA%\\Programs\\Python\\Python{short}\\python.exe" '
        f'set "PYEXE=%LOCALAPPDATA%\\Programs\\Python\\Python{short}\\python.exe"',
        "if defined PYEXE goto havepython",
        f'for /f "delims=" %%i in (\'py -{python} -c "import sys;print(sys.executable)" 2^>nul\') do set "PYEXE=%%i"',
        "if not defined PYEXE goto nopython",
        ":havepython",
        f'"%PYEXE%" -c "import sys,struct;sys.exit(0 if sys.version_info[:2]==({python.replace(".", ",")}) '
        "and struct.calcsize('P')==8 else 1)\"",
        "if errorlevel 1 goto wrongpython",
        f"echo 正在把 xlperf 安装到 Python {python}：%PYEXE%",
        "echo （不需要联网；约需 1 分钟）",
        '"%PYEXE%" -m pip install --no-index --find-links "%~dp0wheels" --upgrade --no-warn-script-location '
        "xlperf " + " ".join(WINDOWS_ONLY),
        "if errorlevel 1 goto pipfailed",
        "echo.",
        "echo 安装完成。下面是 xlperf doctor 的检查结果：",
        "echo.",
        '"%PYEXE%" -m xlperf.cli doctor "%~dp0PerfTemplate.xlsm"',
        'set "RC=%errorlevel%"',
        "echo.",
        'if "%RC%"=="0" echo 全部通过：可以打开 PerfTemplate.xlsm 使用。',
        'if not "%RC%"=="0" echo 请按上面“怎么办”一项一项处理，或把以上内容发给 IT。',
        "goto end",
        ":nopython",
        f"echo 找不到 64 位 Python {python}。",
        f"echo 请先安装 Python {python}（64 位，选择“为当前用户安装”），再双击运行本文件。",
        f"echo 详见 {README_NAME} 第 2 节。",
        'set "RC=3"',
        "goto end",
        ":wrongpython",
        f"echo %PYEXE% 不是 64 位 Python {python}。本安装包只适用于 64 位 Python {python}。",
        f"echo 详见 {README_NAME} 第 2 节。",
        'set "RC=3"',
        "goto end",
        ":pipfailed",
        "echo 安装失败（见上面 pip 的提示）。请把以上内容发给 IT。",
        'set "RC=4"',
        ":end",
        "echo.",
        "pause",
        "exit /b %RC%",
    ]
    return "\r\n".join(lines) + "\r\n"


def encode_bat(text: str) -> bytes:
    """GBK bytes (cmd.exe's code page on Chinese Windows); commands must be ASCII and no
    Chinese character may hide a byte cmd treats as an operator."""
    for number, line in enumerate(text.split("\r\n"), start=1):
        if all(ord(ch) < 128 for ch in line):
            continue
        if not line.startswith("echo ") and not re.match(r'if (not )?"%RC%"=="0" echo ', line):
            raise BundleError(f"{BAT_NAME} line {number}: Chinese outside an echo line")
        for ch in line:
            if ord(ch) >= 128 and set(ch.encode("gbk")) & _CMD_SPECIAL:
                raise BundleError(f"{BAT_NAME} line {number}: {ch!r} encodes to a byte cmd.exe treats specially")
    return text.encode("gbk")


def readme(python: str, xlperf_version: str, xlwings_version: str) -> str:
    short = python.replace(".", "")
    return f"""xlperf 离线安装包（Python {python}，64 位 Windows）
xlperf {xlperf_version} · xlwings {xlwings_version} · 适用于不能上网的内网电脑

本说明分 6 节：1 安装包内容；2 安装前：Python；3 安装；4 打开模板；5 给 IT：需要放行的设置；6 出问题时。

1. 安装包内容
  {BAT_NAME}            双击运行：不联网安装 xlperf，然后自动运行 xlperf doctor 检查
  PerfTemplate.xlsm     绩效目标表的宏模板（功能区“绩效目标”选项卡）
  wheels\\              安装文件（xlperf 及其依赖，全部为 64 位 Windows、Python {python} 版本）
  {LIST_NAME}            每个文件的版本与校验值（sha256），供 IT 核对
  {README_NAME}     本说明

2. 安装前：Python
  需要 64 位 Python {python}（其他版本请使用对应的安装包，如 py311 / py312）。
  - 从 python.org 下载 Windows installer (64-bit)，由 IT 拷入内网；
  - 安装时选择“Install Now”（为当前用户安装，默认位置
    %LOCALAPPDATA%\\Programs\\Python\\Python{short}），勾选“Add python.exe to PATH”；
  - 不要选择“为所有用户安装”到 Program Files：那样普通用户安装的 xlwings 会装到别处，
    工作表函数找不到 xlwings 的 DLL（xlperf doctor 会提示）。
  - Python 的位数要与 Excel 相同。Excel 的位数：文件 → 帐户 → 关于 Excel，标题行写“64 位”或“32 位”。
    32 位 Excel 需要 32 位 Python，本安装包不适用，请向发布方索取 win32 安装包或联网安装。

3. 安装
  把整个压缩包解压到本机文件夹（例如 D:\\xlperf），不要在压缩包里直接运行。
  双击 {BAT_NAME}。它会：
  - 找到 %LOCALAPPDATA%\\Programs\\Python\\Python{short}\\python.exe（或 py -{python}）；
  - 运行 python -m pip install --no-index --find-links wheels xlperf {' '.join(WINDOWS_ONLY)}（不联网）；
  - 运行 xlperf doctor 检查本机，逐项显示“通过 / 需处理 / 无法检查 / 不适用”。
  最后一行写“全部通过”即可使用。有“需处理”时，按每项下面“怎么办”处理后再运行：
    py -{python} -m xlperf.cli doctor D:\\xlperf\\PerfTemplate.xlsm
  （装好后也可以直接运行 xlperf doctor。）

4. 打开模板
  - 把 PerfTemplate.xlsm 复制到自己的工作文件夹后打开。
  - 如 Excel 顶部显示红色“安全风险：Microsoft 已阻止宏运行……”：关闭文件，右键文件 → 属性 →
    常规 → 勾选“解除锁定” → 确定，再打开（xlperf doctor 的“网络标记”一项会提示这种情况）。
  - 显示黄色“安全警告 宏已被禁用”时点“启用内容”。
  - 功能区出现“绩效目标”选项卡。先打开“示例”工作表点“校验”试一试。
  - Python 不在默认位置时：右键任一工作表标签 → 取消隐藏 → xlwings.conf，把 Interpreter_Win
    改为 pythonw.exe 的完整路径（xlperf doctor 会给出正确的路径）。

5. 给 IT：需要放行的设置
  xlperf 的按钮通过 xlwings 的 RunPython 工作：Excel 用 WScript.Shell 启动 cmd.exe，再由它启动
  pythonw.exe；工作表函数（UDF）则由 VBA 加载 xlwings64-{xlwings_version}.dll。因此：
  a) Microsoft Defender 攻击面减少（ASR）规则
     - “阻止所有 Office 应用程序创建子进程”（D4F940AB-401B-4EFC-AADC-AD5F3C50688A）为“阻止”时，
       点击按钮会出现“运行时错误 70：权限被拒绝”，Excel 无法启动 Python。
     - “阻止从 Office 宏调用 Win32 API”（92E97FA1-2EDF-4476-BDD6-9DD0B4DDDC7B）为“阻止”时，
       工作表函数无法加载 DLL。
     处理：为这台电脑添加“仅用于攻击面减少规则的排除”（按路径：ASR only exclusions /
     AttackSurfaceReductionOnlyExclusions），至少包括 Python 文件夹
     %LOCALAPPDATA%\\Programs\\Python\\Python{short}\\ 和模板所在文件夹；以 Defender 事件日志
     （Microsoft-Windows-Windows Defender/Operational，事件 1121）中被阻止的“路径”为准。
     或者对这台电脑把上述规则设为“审核”。设置后运行 xlperf doctor，“ASR 规则”一项应为“通过”。
  b) 宏设置：模板未做数字签名。需要“禁用所有宏，并发出通知”（用户点“启用内容”），或把模板所在
     文件夹加入受信任位置（文件 → 选项 → 信任中心 → 信任中心设置 → 受信任位置；组策略：
     User Configuration\\Administrative Templates\\Microsoft Excel 2016\\Excel Options\\Security\\
     Trust Center\\Trusted Locations）。“禁用无数字签署的所有宏”时无法使用。
  c) Windows 脚本组件：xlwings 用 WScript.Shell（wshom.ocx）和 Scripting.Dictionary（scrrun.dll）
     读取设置、启动 Python。禁用它们时按钮会提示“Excel 无法使用 Windows 脚本组件”。
  d) 允许运行 %LOCALAPPDATA%\\Programs\\Python\\Python{short}\\ 下的 python.exe 和 pythonw.exe
     （AppLocker / 应用程序控制策略）。
  e) 不需要联网，不需要管理员权限，不修改注册表。

6. 出问题时
  第一步总是在“命令提示符”中运行 xlperf doctor（或 py -{python} -m xlperf.cli doctor 模板路径）：
  - 退出代码 0：一切正常；1：有需要处理的项，每项后面写着“怎么办”；2：有无法自动检查的项，
    每项后面写着如何手工检查。
  - 按钮提示“找不到 Python”：运行 {BAT_NAME}；或按 doctor 的提示改 xlwings.conf 的 Interpreter_Win。
  - 按钮提示“本机的安全策略不允许 Excel 启动其他程序（运行时错误 70）”：见第 5 节 a)，不是安装问题。
  - 按钮提示“没有安装 xlperf / xlwings / pywin32”：重新运行 {BAT_NAME}。
  - 单元格显示 Could not load xlwings64-…dll：doctor 的“DLL”与“位数”两项会说明原因。
  - 把 doctor 的全部输出（可加 --format json）发给 IT 或开发者。
""".replace("\n", "\r\n")


# --- the zip --------------------------------------------------------------------------

def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0
    info.external_attr = 0
    return info


def _ensure_template() -> bytes:
    if str(ROOT) not in sys.path:  # run as a script: the builder is the checkout's tools.xlsm
        sys.path.insert(0, str(ROOT))
    from tools.xlsm.build import build_workbook_bytes

    data = build_workbook_bytes()
    if not TEMPLATE.is_file() or TEMPLATE.read_bytes() != data:
        raise BundleError(f"{TEMPLATE} is stale: run `xlperf build-workbook -o workbook/PerfTemplate.xlsm` first")
    return data


def write_bundle(python: str, wheel_dir: Path, out_dir: Path, *, template: bytes,
                 python_installer: Optional[Path] = None) -> Path:
    import xlwings

    import xlperf

    folder = bundle_name(python)
    files: dict[str, bytes] = {
        BAT_NAME: encode_bat(install_bat(python)),
        README_NAME: "\ufeff".encode("utf-8") + readme(python, xlperf.__version__, xlwings.__version__).encode("utf-8"),
        "PerfTemplate.xlsm": template,
    }
    for wheel in sorted(wheel_dir.glob("*.whl")):
        files[f"wheels/{wheel.name}"] = wheel.read_bytes()
    if python_installer is not None:
        files[python_installer.name] = python_installer.read_bytes()
    listing = [f"xlperf 离线安装包 {folder}（xlperf {xlperf.__version__}，Python {python}，{PLATFORM}）", ""]
    listing += [f"{hashlib.sha256(data).hexdigest()}  {len(data):>10,}  {name}" for name, data in sorted(files.items())]
    files[LIST_NAME] = ("\r\n".join(listing) + "\r\n").encode("utf-8-sig")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{folder}.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name in sorted(files):
            # wheels are zips already: store them, compressing again only costs time
            info = _zip_info(f"{folder}/{name}")
            if name.endswith(".whl"):
                info.compress_type = zipfile.ZIP_STORED
            z.writestr(info, files[name])
    tmp = target.with_suffix(".zip.tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(target)
    return target


def make_bundles(pythons: Iterable[str] = PYTHONS, out_dir: Path = ROOT / "dist", *, pin: bool = True,
                 python_installer: Optional[Path] = None, log=print) -> list[Path]:
    template = _ensure_template()
    out = []
    with tempfile.TemporaryDirectory(prefix="xlperf_bundle_") as tmp:
        start = time.perf_counter()
        own = build_own_wheel(Path(tmp) / "own")
        log(f"built {own.name} in {time.perf_counter() - start:.1f} s")
        for python in pythons:
            start = time.perf_counter()
            wheels = Path(tmp) / python
            wheels.mkdir()
            how = download_wheels(own, python, wheels, pin=pin, log=log)
            problems = windows_closure(wheels, python)
            if problems:
                raise BundleError(f"the wheel set for Python {python} would not install on Windows:\n  "
                                  + "\n  ".join(problems))
            path = write_bundle(python, wheels, out_dir, template=template, python_installer=python_installer)
            log(f"{path}  {path.stat().st_size / 1e6:.1f} MB  {len(list(wheels.glob('*.whl')))} wheels ({how})  "
                f"{time.perf_counter() - start:.1f} s")
            out.append(path)
    return out


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", nargs="+", default=list(PYTHONS), help="Python versions (default 3.11 3.12)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--latest", action="store_true", help="newest wheels instead of the versions installed here")
    parser.add_argument("--python-installer", type=Path, help="a python.org installer .exe to put in the bundle")
    args = parser.parse_args(argv)
    for python in args.python:
        if not re.fullmatch(r"3\.\d{1,2}", python):
            parser.error(f"not a Python version: {python}")
    try:
        make_bundles(args.python, args.out, pin=not args.latest, python_installer=args.python_installer)
    except BundleError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
