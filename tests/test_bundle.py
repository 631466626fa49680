"""The offline bundle (tools/make_bundle.py).

The first half runs everywhere and fast: the Windows closure check, 安装.bat and the
instructions, on synthetic wheels. The second half builds the real bundles from the package
index and proves with a pinned pip that each wheel set installs on win_amd64 with no index;
it needs the network, so it runs when XLPERF_BUNDLE_TESTS=1 (.ci/run sets it).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("make_bundle", ROOT / "tools" / "make_bundle.py")
make_bundle = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_bundle)  # type: ignore[union-attr]

PINNED_PIP = "24.2"  # older pips refuse --platform without --target and lack --dry-run/--report
NETWORK = pytest.mark.skipif(not os.environ.get("XLPERF_BUNDLE_TESTS"),
                             reason="builds the bundle from the package index: set XLPERF_BUNDLE_TESTS=1 (.ci/run does)")


def fake_wheel(folder: Path, name: str, version: str, requires=(), tag="py3-none-any") -> Path:
    path = folder / f"{name.replace('-', '_')}-{version}-{tag}.whl"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{name.replace('-', '_')}-{version}.dist-info/METADATA", meta)
    return path


def closure_set(tmp_path: Path, *, pywin32=True, colorama=True) -> Path:
    folder = tmp_path / "wheels"
    folder.mkdir()
    fake_wheel(folder, "xlperf", "0.1.0", ["xlwings==0.37.8", "rich>=13"])
    fake_wheel(folder, "xlwings", "0.37.8", ['pywin32>=224; platform_system == "Windows"',
                                              'psutil>=2.0.0; platform_system == "Darwin"', 'pandas; extra == "all"'],
               tag="cp311-cp311-win_amd64")
    fake_wheel(folder, "rich", "15.0.0", ['colorama; sys_platform == "win32"'])
    if pywin32:
        fake_wheel(folder, "pywin32", "311", tag="cp311-cp311-win_amd64")
    if colorama:
        fake_wheel(folder, "colorama", "0.4.6", tag="py2.py3-none-any")
    return folder


def test_windows_closure_accepts_a_complete_set(tmp_path):
    assert make_bundle.windows_closure(closure_set(tmp_path), "3.11") == []


def test_windows_closure_finds_what_a_linux_download_leaves_out(tmp_path):
    problems = make_bundle.windows_closure(closure_set(tmp_path, pywin32=False), "3.11")
    assert any("xlwings needs pywin32" in p for p in problems)
    assert not any("psutil" in p or "pandas" in p for p in problems)  # Darwin-only and extras stay out


def test_windows_closure_refuses_wrong_versions_and_tags(tmp_path):
    folder = closure_set(tmp_path)
    (folder / "rich-15.0.0-py3-none-any.whl").unlink()
    fake_wheel(folder, "rich", "12.0.0")
    fake_wheel(folder, "lxml", "6.0.0", tag="cp312-cp312-win_amd64")
    problems = make_bundle.windows_closure(folder, "3.11")
    assert any("rich>=13" in p and "12.0.0" in p for p in problems)
    assert any("lxml-6.0.0-cp312" in p and "not installable" in p for p in problems)


def test_install_bat_installs_offline_then_runs_doctor():
    text = make_bundle.install_bat("3.11")
    data = make_bundle.encode_bat(text)
    assert data.decode("gbk") == text and "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert '-m pip install --no-index --find-links "%~dp0wheels"' in text
    assert "xlperf pywin32 colorama" in text
    assert '-m xlperf.cli doctor "%~dp0PerfTemplate.xlsm"' in text
    assert r"%LOCALAPPDATA%\Programs\Python\Python311\python.exe" in text and "py -3.11" in text
    assert "--user" not in text  # a --user install puts the xlwings DLL where the VBA never looks
    for line in text.split("\r\n"):  # Chinese only where cmd.exe just prints it
        if any(ord(ch) > 127 for ch in line):
            assert re.match(r'(if (not )?"%RC%"=="0" )?echo ', line), line


def test_encode_bat_refuses_chinese_in_commands():
    with pytest.raises(make_bundle.BundleError, match="outside an echo"):
        make_bundle.encode_bat('set "X=安装"\r\n')


def test_instructions_sections_match_what_the_messages_cite():
    text = make_bundle.readme("3.12", "0.1.0", "0.37.8")
    headings = re.findall(r"^(\d)\. (.+?)\r$", text, re.M)
    assert [n for n, _ in headings] == ["1", "2", "3", "4", "5", "6"]
    assert headings[1][1].startswith("安装前") and headings[4][1].startswith("给 IT")
    section5 = text.split("\r\n5. ")[1].split("\r\n6. ")[0]
    for needle in ("D4F940AB-401B-4EFC-AADC-AD5F3C50688A", "92E97FA1-2EDF-4476-BDD6-9DD0B4DDDC7B",
                   "受信任位置", "宏设置", "WScript.Shell", "按路径", "xlperf doctor"):
        assert needle in section5, needle
    assert "Python312" in text and "xlperf doctor" in text.split("\r\n6. ")[1]
    # RibbonPerf.bas and doctor send IT to section 5, 安装.bat sends clerks to section 2.
    ribbon = (ROOT / "vba" / "RibbonPerf.bas").read_text(encoding="utf-8")
    assert "内网安装说明.txt”第 5 节" in ribbon
    assert "第 2 节" in make_bundle.install_bat("3.12")


# --- with the package index ----------------------------------------------------------------

def _clean_pip_env() -> dict[str, str]:
    """No pip configuration of this machine (extra find-links, mirrors, constraints)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundles")
    start = time.perf_counter()
    paths = make_bundle.make_bundles(out_dir=out, log=lambda message: print(message))
    seconds = time.perf_counter() - start
    for path in paths:
        print(f"bundle {path.name}: {path.stat().st_size / 1e6:.1f} MB")
    print(f"bundles built in {seconds:.1f} s")
    return {re.search(r"py3(\d+)", p.name).group(0): p for p in paths}


@pytest.fixture(scope="module")
def pinned_pip(tmp_path_factory) -> Path:
    env_dir = tmp_path_factory.mktemp("pip_venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"pip=={PINNED_PIP}"], check=True, timeout=300)
    return python


@NETWORK
@pytest.mark.bundle
@pytest.mark.parametrize("python", ["3.11", "3.12"])
def test_bundle_resolves_for_win_amd64_with_no_index(bundles, pinned_pip, python, tmp_path):
    zip_path = bundles["py3" + python.split(".")[1]]
    folder = make_bundle.bundle_name(python)
    with zipfile.ZipFile(zip_path) as z:
        names = z.namelist()
        z.extractall(tmp_path)
    root = tmp_path / folder
    for name in ("安装.bat", "内网安装说明.txt", "清单.txt", "PerfTemplate.xlsm"):
        assert f"{folder}/{name}" in names, name
    assert (root / "PerfTemplate.xlsm").read_bytes() == (ROOT / "workbook" / "PerfTemplate.xlsm").read_bytes()
    wheels = sorted(p.name for p in (root / "wheels").glob("*.whl"))
    assert any(w.startswith("pywin32-") and w.endswith(f"cp3{python.split('.')[1]}-win_amd64.whl") for w in wheels)
    assert any(w.startswith("colorama-") for w in wheels) and any(w.startswith("xlperf-0.1.0-") for w in wheels)
    listing = (root / "清单.txt").read_text(encoding="utf-8-sig")
    assert all(w in listing for w in wheels)

    report = tmp_path / "report.json"
    cmd = [str(pinned_pip), "-m", "pip", "install", "--dry-run", "--no-index", "--find-links", str(root / "wheels"),
           "--platform", "win_amd64", "--only-binary=:all:", "--python-version", python, "--implementation", "cp",
           "--target", str(tmp_path / "target"), "--report", str(report), "--quiet", "xlperf", "pywin32", "colorama"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=_clean_pip_env(), timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    installed = {re.sub(r"[-_.]+", "-", i["metadata"]["name"]).lower(): i["metadata"]["version"]
                 for i in json.loads(report.read_text())["install"]}
    assert installed["xlwings"] == "0.37.8" and installed["xlperf"] == "0.1.0"
    assert {"pywin32", "colorama", "pydantic-core", "lxml", "python-calamine", "orjson", "olefile"} <= set(installed)
    assert make_bundle.windows_closure(root / "wheels", python) == []

    # The proof can fail: without pywin32 the same command cannot resolve.
    (root / "wheels" / next(w for w in wheels if w.startswith("pywin32-"))).unlink()
    done = subprocess.run(cmd, capture_output=True, text=True, env=_clean_pip_env(), timeout=300)
    assert done.returncode != 0 and "pywin32" in done.stdout + done.stderr


@NETWORK
@pytest.mark.bundle
def test_bundle_size(bundles):
    for path in bundles.values():
        assert 5e6 < path.stat().st_size < 60e6, path
