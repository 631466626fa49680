"""The rooms of the pipeline and the direction of their imports (issue 11; extends test_core_purity).

    readers ─┐
    core ────┼─> writers ─> excel ─> cli
             └─> api ─────────────────┘

- core imports nothing of ours outside core;
- readers and writers never import excel, cli or (at run time) api;
- excel never imports cli; api imports neither excel nor cli;
- nothing imports cli except cli itself (the console script and ``python -m xlperf.cli`` enter it);
- the neutral modules at the package root that readers and writers share (``zipstream``: the
  threaded (de)compression) import nothing of ours;
- only the entry points (api, cli, excel's buttons) switch the cyclic GC: core, readers and writers
  neither import ``xlperf.gc_pause`` nor call ``gc.disable()``.

Imports under ``if TYPE_CHECKING:`` are type-only (no run-time edge) and are not counted.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "xlperf"

ROOMS = ("core", "readers", "writers", "excel", "cli", "api")
# room -> rooms (or top-level modules) it must never import
FORBIDDEN = {
    "core": {"readers", "writers", "excel", "cli", "api", "other"},
    "readers": {"writers", "excel", "cli", "api"},
    "writers": {"excel", "cli", "api"},
    "excel": {"cli"},
    "api": {"excel", "cli"},
    "other": {"cli"},
}
NO_GC_SWITCH = ("core", "readers", "writers")


def room_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "xlperf":
        return "outside"
    if len(parts) == 1:
        return "other"  # the package root (__version__)
    return parts[1] if parts[1] in ROOMS else "other"


def _module_of(path: Path, pkg_root: Path) -> tuple[str, bool]:
    rel = path.relative_to(pkg_root.parent).with_suffix("")
    parts = list(rel.parts)
    is_pkg = parts[-1] == "__init__"
    if is_pkg:
        parts = parts[:-1]
    return ".".join(parts), is_pkg


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in node.body:
                out |= {id(n) for n in ast.walk(sub)}
    return out


def module_graph(pkg_root: Path) -> dict[str, set[str]]:
    """Every module of the package -> the modules of ours it imports (run-time imports only,
    wherever they are: top level or inside functions)."""
    modules = {}
    for py in pkg_root.rglob("*.py"):
        if "__pycache__" not in py.parts:
            modules[_module_of(py, pkg_root)] = py
    names = {m for m, _ in modules}
    graph: dict[str, set[str]] = {}
    for (mod, is_pkg), py in modules.items():
        tree = ast.parse(py.read_text(encoding="utf-8"))
        skip = _type_checking_nodes(tree)
        deps: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.split(".")[0] == "xlperf"}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.split(".")[0] != "xlperf":
                    continue
                for a in node.names:
                    sub = f"{target}.{a.name}"
                    deps.add(sub if sub in names else target)
        graph[mod] = deps
    return graph


def violations(graph: dict[str, set[str]]) -> list[str]:
    out = []
    for mod, deps in sorted(graph.items()):
        src = room_of(mod)
        for dep in sorted(deps):
            dst = room_of(dep)
            if dst == src or dst == "outside":
                continue
            if dst in FORBIDDEN.get(src, set()):
                out.append(f"{mod} ({src}) imports {dep} ({dst})")
            if dep == "xlperf.gc_pause" and src in NO_GC_SWITCH:
                out.append(f"{mod} ({src}) imports the GC switch {dep}: only entry points may")
    return out


def gc_switches(pkg_root: Path) -> list[str]:
    out = []
    for room in NO_GC_SWITCH:
        for py in (pkg_root / room).rglob("*.py"):
            tree = ast.parse(py.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                        and node.func.attr in ("disable", "enable", "freeze") \
                        and getattr(node.func.value, "id", None) == "gc":
                    out.append(f"{py.relative_to(pkg_root.parent)}:{node.lineno}: gc.{node.func.attr}()")
    return out


def test_every_room_exists_and_says_what_it_may_import():
    for room in ("core", "readers", "writers", "excel", "cli"):
        init = PKG / room / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, f"{init}: the docstring must say what lives there and what it may import"
    assert (PKG / "api.py").is_file()
    assert not (PKG / "io").exists(), "xlperf/io/ is split into readers/ and writers/"


def test_import_direction():
    graph = module_graph(PKG)
    assert len(graph) > 40 and any(room_of(m) == "readers" for m in graph)
    assert violations(graph) == []


def test_shared_mechanisms_import_nothing_of_ours():
    graph = module_graph(PKG)
    assert graph["xlperf.zipstream"] == set()
    assert {room_of(d) for d in graph["xlperf.readers.sheet_xml"]} <= {"core"}


def test_only_entry_points_switch_the_gc():
    assert gc_switches(PKG) == []


@pytest.mark.parametrize("src, dep", [
    ("xlperf.core.blocks", "xlperf.readers.source"),
    ("xlperf.core.rules.values", "xlperf.api"),
    ("xlperf.core.model", "xlperf"),
    ("xlperf.readers.source", "xlperf.excel.port"),
    ("xlperf.readers.text", "xlperf.cli.app"),
    ("xlperf.writers.export", "xlperf.api"),
    ("xlperf.writers.records", "xlperf.excel.commands"),
    ("xlperf.writers.records", "xlperf.gc_pause"),
    ("xlperf.excel.commands", "xlperf.cli.file_commands"),
    ("xlperf.api", "xlperf.excel.settings"),
    ("xlperf.gc_pause", "xlperf.cli.batch"),
    ("xlperf.some_new_module", "xlperf.cli"),
])
def test_a_planted_violation_fails(src, dep):
    clean = {"xlperf.cli.app": {"xlperf.api", "xlperf.excel.commands", "xlperf.gc_pause"},
             "xlperf.excel.commands": {"xlperf.api", "xlperf.writers.export", "xlperf.gc_pause"},
             "xlperf.writers.export": {"xlperf.core.report", "xlperf.readers.source"},
             "xlperf.readers.source": {"xlperf.core.grid"}, "xlperf.api": {"xlperf.readers.source"}}
    assert violations(clean) == []
    planted = {**clean, src: clean.get(src, set()) | {dep}}
    assert len(violations(planted)) == 1, violations(planted)


def test_the_parser_sees_relative_function_level_and_from_package_imports(tmp_path):
    pkg = tmp_path / "xlperf"
    for d in ("core", "cli", "writers"):
        (pkg / d).mkdir(parents=True)
        (pkg / d / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "cli" / "app.py").write_text("")
    (pkg / "core" / "a.py").write_text("def f():\n    from ..cli import app\n")
    (pkg / "writers" / "w.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..cli import app\nimport xlperf.cli.app\n")
    (pkg / "writers" / "g.py").write_text("import gc\ndef f():\n    gc.disable()\n")
    graph = module_graph(pkg)
    assert graph["xlperf.core.a"] == {"xlperf.cli.app"}
    assert graph["xlperf.writers.w"] == {"xlperf.cli.app"}  # the TYPE_CHECKING one is not counted, the plain one is
    assert len(violations(graph)) == 2
    assert gc_switches(pkg) == ["xlperf/writers/g.py:3: gc.disable()"]
