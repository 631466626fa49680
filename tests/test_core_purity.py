"""The core must never import xlwings or openpyxl (DESIGN: a pure core between thin adapters)."""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "xlperf" / "core"
FORBIDDEN = ("xlwings", "openpyxl", "python_calamine")


def test_core_sources_do_not_import_adapters():
    offenders = []
    for py in CORE.rglob("*.py"):
        tree = ast.parse(py.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for n in names:
                if n.split(".")[0] in FORBIDDEN:
                    offenders.append(f"{py.name}: {n}")
    assert offenders == []


def test_core_runs_with_adapters_blocked():
    # Import every core module and run a check with xlwings/openpyxl made unimportable.
    code = (
        "import sys\n"
        "for m in %r: sys.modules[m] = None\n"
        "import importlib, pkgutil, xlperf.core as c\n"
        "for mod in pkgutil.walk_packages(c.__path__, 'xlperf.core.'):\n"
        "    importlib.import_module(mod.name)\n"
        "from xlperf.core.rules import all_rules\n"
        "assert all_rules()\n"
        "print('ok')\n"
    ) % (FORBIDDEN,)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"
