"""Issue 13: ordinary values that crashed or vanished, on real files through the command line."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xlperf.core.normalise import MAX_NUMBER, parse_number
from xlperf.core.rules._common import num, signed

from .helpers import HEADER, TITLE_ROWS, good_project
from .robustness.make_corpus import SHEET, patch_sheet, rewrite_zip, write_table


def run(*args):
    return subprocess.run([sys.executable, "-m", "xlperf.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=180)


def two_projects() -> list[list]:
    return [list(r) for r in good_project("项目A") + good_project("项目B")]


def renamed(path: Path, name: str) -> Path:
    """The table's sheet renamed in workbook.xml (openpyxl refuses ``[`` in a title; files have them)."""
    tmp = path.with_name("src_" + path.name)
    path.rename(tmp)
    quoted = name.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")

    def change(part: str, data: bytes) -> bytes:
        if part == "xl/workbook.xml":
            return data.replace(f'name="{SHEET}"'.encode(), f'name="{quoted}"'.encode())
        return data

    rewrite_zip(tmp, path, change)
    tmp.unlink()
    return path


# --- §4 numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize("v", [1e308, -1e308, float("inf"), float("nan"), 1e15, 10**400, "1e400", "1e308", "１e308"])
def test_numbers_beyond_range_are_not_numbers(v):
    n = parse_number(v)
    assert n.value is None and n.kind == "range"


def test_numbers_in_range_stay_numbers():
    assert parse_number(MAX_NUMBER / 10).value == 1e14
    assert parse_number("-12.5").value == -12.5


@pytest.mark.parametrize("v", [float("inf"), float("-inf"), float("nan"), 1e308, 1e300])
def test_message_numbers_never_raise(v):
    num(v)
    signed(v)


@pytest.mark.parametrize("field,col,code,cells", [("weight", 10, "WT001", ["K4", "K5"]),
                                                  ("budget", 2, "BG001", ["C4", "C9"])])
@pytest.mark.parametrize("value", [1e308, 1.7e308])
def test_huge_weights_and_budgets_are_findings_on_every_command(tmp_path, field, col, code, cells, value):
    rows = two_projects()
    if field == "weight":
        rows[0][col] = rows[1][col] = value  # their sum is inf
    else:
        rows[0][col] = rows[5][col] = value  # the department total would be inf
    src = write_table(tmp_path / "big.xlsx", rows)
    r = run("check", src, "--format", "json")
    assert r.returncode == 1, r.stderr
    found = [f for f in json.loads(r.stdout)["findings"] if f["code"] == code]
    assert sorted(f["cell"] for f in found) == cells
    assert all("超出可计算的数值范围" in f["message"] for f in found)
    r = run("check", src)
    assert r.returncode == 1 and "Traceback" not in r.stderr and "内部错误" not in r.stderr, r.stderr
    for args in (["check", src, "--mark", tmp_path / "m.xlsx"], ["split", src, "-o", tmp_path / "s.xlsx"],
                 ["export", src, "-o", tmp_path / "e.xlsx", "--force"], ["fix", src, "-o", tmp_path / "f.xlsx"],
                 ["split", src, "-o", tmp_path / "s.json"]):
        r = run(*args)
        assert r.returncode in (0, 1), (args, r.stderr)
        assert "内部错误" not in r.stderr and "Traceback" not in r.stderr


def test_text_number_that_is_inf_is_a_finding(tmp_path):
    rows = two_projects()
    rows[0][10] = "1e400"
    src = write_table(tmp_path / "t.xlsx", rows)
    r = run("check", src, "--format", "json")
    assert r.returncode == 1
    assert [f["cell"] for f in json.loads(r.stdout)["findings"] if f["code"] == "WT001"] == ["K4"]


# --- §4 sheet names and names that are markup or bidi controls ------------------------------


@pytest.mark.parametrize("name", ["表[/b]", "表[/]", "表[d]", "[bold red]表", "表\\[x]"])
def test_sheet_names_with_markup_are_printed_as_they_are(tmp_path, name):
    rows = two_projects()
    rows[1][10] = 5  # a WT002: the sheet name is printed with the finding
    src = renamed(write_table(tmp_path / "s.xlsx", rows), name)
    r = run("check", src)
    assert r.returncode == 1, r.stderr
    assert f"{name}!K4" in r.stdout, r.stdout
    r = run("check", src, "--format", "json")
    assert {f["sheet"] for f in json.loads(r.stdout)["findings"]} == {name}
    r = run("export", src, "-o", tmp_path / "e.xlsx")  # the refusal lists errors with their cells
    assert r.returncode == 1 and "Traceback" not in r.stderr and "内部错误" not in r.stderr


def test_bidi_controls_are_printed_escaped(tmp_path):
    rows = two_projects()
    rows[0][1] = "项目\u202egpj.exe"
    rows[1][10] = 5
    src = write_table(tmp_path / "b.xlsx", rows)
    r = run("check", src)
    assert "\u202e" not in r.stdout and "<U+202E>" in r.stdout, r.stdout
    src2 = tmp_path / "名\u202etxt.xlsx"
    src.rename(src2)
    r = run("check", src2, "--mark", tmp_path / "m\u2067.xlsx")
    assert "\u2067" not in r.stderr and "<U+2067>" in r.stderr


# --- §4 --jobs ------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["0", "-3", "abc", "1.5", "10000"])
def test_wrong_jobs_exit_2_with_a_sentence(tmp_path, jobs):
    a = write_table(tmp_path / "a.xlsx", two_projects())
    b = write_table(tmp_path / "b.xlsx", two_projects())
    for files in ([a, b], [a]):
        r = run("check", f"--jobs={jobs}", *files)
        assert r.returncode == 2, r.stderr
        assert "--jobs 应为 1 到" in r.stderr and "内部错误" not in r.stderr


@pytest.mark.parametrize("jobs", ["1", "2", "auto", "AUTO"])
def test_good_jobs_run(tmp_path, jobs):
    a = write_table(tmp_path / "a.xlsx", two_projects())
    b = write_table(tmp_path / "b.xlsx", two_projects())
    r = run("check", "--jobs", jobs, a, b)
    assert r.returncode == 0, r.stderr


def test_jobs_api_refuses_the_same():
    from xlperf.cli.batch import parse_jobs
    from xlperf.readers.source import InputError

    assert parse_jobs(None) >= 1 and parse_jobs("auto") == parse_jobs(None) and parse_jobs(1) == 1
    for bad in (0, -3, "x", True):
        with pytest.raises(InputError):
            parse_jobs(bad)


# --- §3 no cell lost: own sheets by marker or header row, not by name ------------------------

OWN_NAMES = ["校验结果", "权重合计", "清洗记录", "规则说明", "导入记录", "示例说明", "配置"]


def _clerk_sheets(names):
    def edit(wb, ws):
        for i, nm in enumerate(names):
            o = wb.create_sheet(nm)
            for r in TITLE_ROWS + [HEADER] + [list(x) for x in good_project(f"项目{i + 2}")]:
                o.append(r)
    return edit


def test_a_clerks_table_on_a_sheet_with_our_name_is_checked(tmp_path):
    src = write_table(tmp_path / "own.xlsx", [list(r) for r in good_project("项目1")], edit=_clerk_sheets(OWN_NAMES))
    r = run("check", src, "--format", "json")
    report = json.loads(r.stdout)
    assert len(report["projects"]) == 1 + len(OWN_NAMES), r.stdout[:2000]


def test_mark_never_replaces_the_clerks_sheet_and_knows_its_own(tmp_path):
    src = write_table(tmp_path / "own.xlsx", [list(r) for r in good_project("项目1")], edit=_clerk_sheets(["校验结果"]))
    out1, out2 = tmp_path / "m1.xlsx", tmp_path / "m2.xlsx"
    assert run("check", src, "--mark", out1).returncode == 0
    wb = openpyxl.load_workbook(out1)
    assert wb["校验结果"]["B4"].value == "项目2"  # the clerk's table is still there
    assert wb["校验结果(2)"]["A1"].value == "级别"  # ours beside it, carrying the marker
    assert "_xlperf_sheet" in wb["校验结果(2)"].defined_names
    # marking the marked copy: the same two sheets (ours replaced, theirs kept), the same projects
    assert run("check", out1, "--mark", out2).returncode == 0
    wb2 = openpyxl.load_workbook(out2)
    assert [n for n in wb2.sheetnames if not n.startswith("_")] == ["绩效目标表", "校验结果", "校验结果(2)"]
    assert len(json.loads(run("check", out2, "--format", "json").stdout)["projects"]) == 2


def test_sheets_of_earlier_versions_are_known_by_their_header_row(tmp_path):
    from xlperf.excel.commands import rules_rows
    from xlperf.excel.marks import RESULT_HEADER
    from xlperf.writers.styled_table import IMPORT_LOG_HEADERS
    from xlperf.core.own_sheets import is_own_header
    from xlperf.writers.records import HEADERS
    from xlperf.excel.fixes import UNDO_HEADER
    from tools.xlsm.config_sheet import CONFIG_HEADER

    from xlperf.writers.combine import SOURCE_HEADER
    from xlperf.writers.export import SCORE_HEADER

    for header in (RESULT_HEADER, HEADERS, IMPORT_LOG_HEADERS, rules_rows()[0], UNDO_HEADER, CONFIG_HEADER,
                   SCORE_HEADER, SCORE_HEADER + ["位置"], SOURCE_HEADER,
                   ["单位", "项目", "预算数(万元)", "指标数", "产出指标", "合计", "期望", "状态"],
                   ["单位", "项目", "预算数(万元)", "指标数", "产出指标", "合计", "期望", "状态", "位置"]):
        assert is_own_header(list(header) + [None]), header
    assert not is_own_header(HEADER)

    def edit(wb, ws):  # an old 清洗记录 without any marker: never read as a table
        o = wb.create_sheet("清洗记录")
        o.append(HEADERS)
        o.append(["绩效目标表", 4, None, None, None, "项目X", 10, "目标", "产出指标", "数量指标", "x", "≥", 1, "次", 5,
                  "正向指标"])
    src = write_table(tmp_path / "old.xlsx", [list(r) for r in good_project("项目1")], edit=edit)
    r = run("check", src, "--format", "json")
    assert [p["name"] for p in json.loads(r.stdout)["projects"]] == ["项目1"]


def test_our_notes_go_beside_the_clerks_own_notes_column(tmp_path):
    rows = [list(r) for r in good_project("项目A")]
    rows[1][10] = 5

    def edit(wb, ws):
        ws.cell(3, 13, "校验说明")
        ws.cell(4, 13, "已与财务科核对")
    src = write_table(tmp_path / "n.xlsx", rows, edit=edit)
    out1, out2 = tmp_path / "m1.xlsx", tmp_path / "m2.xlsx"
    run("check", src, "--mark", out1)
    ws = openpyxl.load_workbook(out1)[SHEET]
    assert ws["M4"].value == "已与财务科核对"
    assert ws["N3"].value == "校验说明" and ws["N4"].value.startswith("错误 WT002")
    run("check", out1, "--mark", out2)  # again: our column is ours, reused, not a third one
    ws = openpyxl.load_workbook(out2)[SHEET]
    assert ws["M4"].value == "已与财务科核对" and ws["N4"].value.startswith("错误 WT002") and ws["O3"].value is None


def _with_merges(path: Path, rows, refs) -> Path:
    write_table(path, rows, merges=False)
    xml = ('<mergeCells count="%d">' % len(refs) + "".join(f'<mergeCell ref="{r}"/>' for r in refs)
           + "</mergeCells>").encode()
    patch_sheet(path, lambda d: d.replace(b"</sheetData>", b"</sheetData>" + xml))
    return path


def test_ST018_content_hidden_under_a_merge_is_reported(tmp_path):
    rows = two_projects()
    rows[2][2] = 5.0  # C6, under C4:C8
    rows[3][3] = "隐藏的目标"  # D7, under D4:D8
    rows[1][1] = "项目A"  # B5 equal to the top-left B4: nothing lost, not reported
    src = _with_merges(tmp_path / "h.xlsx", rows, ["B4:B8", "C4:C8", "D4:D8"])
    r = run("check", src, "--format", "json")
    got = {(f["cell"], f["code"]) for f in json.loads(r.stdout)["findings"] if f["code"] == "ST018"}
    assert got == {("C6", "ST018"), ("D7", "ST018")}
    msgs = [f["message"] for f in json.loads(r.stdout)["findings"] if f["code"] == "ST018"]
    assert any("“5”" in m and "C4:C8" in m for m in msgs) and any("隐藏的目标" in m for m in msgs)


def test_ST019_overlapping_merges_are_reported_and_the_later_ignored(tmp_path):
    src = _with_merges(tmp_path / "o.xlsx", two_projects(), ["B4:B8", "B9:B13", "B6:B12", "A1:XFD1048576"])
    r = run("check", src, "--format", "json")
    rep = json.loads(r.stdout)
    assert [p["name"] for p in rep["projects"]] == ["项目A", "项目B"]
    assert sorted(f["cell"] for f in rep["findings"] if f["code"] == "ST019") == ["A1:XFD1048576", "B6:B12"]


def test_overlap_detection_is_bounded():
    import time

    from xlperf.core.grid import Merge
    from xlperf.core.merges import without_overlaps

    merges = [Merge(r * 5, c, r * 5 + 4, c) for r in range(20_000) for c in (1, 2, 3)]
    merges.append(Merge(0, 0, 100_000, 11))
    t = time.perf_counter()
    kept, dropped = without_overlaps(merges)
    assert len(kept) == 60_000 and len(dropped) == 1 and time.perf_counter() - t < 5


def _longest_cell(path: Path) -> int:
    wb = openpyxl.load_workbook(path, read_only=True)
    return max((len(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
                if isinstance(v, str)), default=0)


def test_ST020_cells_over_32767_are_cut_with_a_finding_on_every_path(tmp_path):
    rows = two_projects()
    rows[0][3] = "LONGCELL"
    rows[1][6] = "指" * 32_767  # exactly the limit: kept, no finding
    src = write_table(tmp_path / "long.xlsx", rows)
    # openpyxl cuts what it writes at 32,767: a million characters put in by hand (varied, or
    # the reader refuses the part as a zip bomb)
    rnd = random.Random(13)
    long = "".join(chr(rnd.randrange(0x4E00, 0x9FA5)) for _ in range(1_000_000))
    patch_sheet(src, lambda d: d.replace(b"LONGCELL", long.encode()))
    rows[0][3] = long
    r = run("check", src, "--format", "json")
    st = [f for f in json.loads(r.stdout)["findings"] if f["code"] == "ST020"]
    assert [f["cell"] for f in st] == ["D4"] and "1,000,000" in st[0]["message"]
    for cmd, out in (("export", "e.xlsx"), ("split", "s.xlsx")):
        args = [cmd, src, "-o", tmp_path / out] + (["--force"] if cmd == "export" else [])
        assert run(*args).returncode == 0
        assert _longest_cell(tmp_path / out) == 32_767
    text = tmp_path / "long.txt"
    text.write_text("\t".join(HEADER) + "\n" + "\t".join("" if v is None else str(v) for v in rows[0]) + "\n"
                    + "\n".join("\t".join("" if v is None else str(v) for v in r) for r in rows[1:5]) + "\n",
                    encoding="utf-8")
    r = run("import-text", text, "-o", tmp_path / "i.xlsx")
    assert r.returncode == 0 and "修复与说明" in r.stderr
    assert _longest_cell(tmp_path / "i.xlsx") <= 32_767
    r = run("check", tmp_path / "i.xlsx", "--format", "json")
    assert "ST020" in {f["code"] for f in json.loads(r.stdout)["findings"]}
    r = run("check", text, "--format", "json")
    assert "ST020" in {f["code"] for f in json.loads(r.stdout)["findings"]}


# --- §5 encodings: decided first, then scanned -------------------------------------------------

BOMB = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'


def _encoded(src: Path, dst: Path, codec: str, bom: bytes = b"", decl: str | None = None, bomb: bool = False,
             part: str = "xl/worksheets/sheet1.xml") -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        text = data.decode("utf-8")
        if text.startswith("<?xml"):
            text = text.split("?>", 1)[1].lstrip()
        if bomb:
            text = BOMB + text
        if decl:
            text = f'<?xml version="1.0" encoding="{decl}" standalone="yes"?>\n' + text
        return bom + text.encode(codec)
    rewrite_zip(src, dst, change)
    return dst


@pytest.mark.parametrize("codec,bom,decl", [("utf-16-le", b"\xff\xfe", None), ("utf-16-be", b"\xfe\xff", "UTF-16"),
                                            ("utf-16-le", b"", "UTF-16"), ("utf-8", b"\xef\xbb\xbf", "UTF-8")])
def test_utf8_and_utf16_parts_are_read(tmp_path, codec, bom, decl):
    rows = two_projects()
    rows[1][10] = 5
    src = write_table(tmp_path / "a.xlsx", rows)
    for part in ("xl/worksheets/sheet1.xml", "xl/workbook.xml"):
        book = _encoded(src, tmp_path / "b.xlsx", codec, bom, decl, part=part)
        r = run("check", book, "--format", "json")
        assert r.returncode == 1, r.stderr
        assert [f["cell"] for f in json.loads(r.stdout)["findings"] if f["code"] == "WT002"] == ["K4"]
        assert run("export", book, "-o", tmp_path / "e.xlsx", "--force").returncode == 0
        assert run("check", book, "--mark", tmp_path / "m.xlsx").returncode == 1
        (tmp_path / "b.xlsx").unlink()


@pytest.mark.parametrize("codec,bom,decl", [("utf-16-le", b"", "UTF-16"), ("utf-16-le", b"\xff\xfe", None),
                                            ("utf-16-be", b"\xfe\xff", "UTF-16")])
@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml"])
def test_a_dtd_in_utf16_is_refused_by_every_command(tmp_path, codec, bom, decl, part):
    src = write_table(tmp_path / "a.xlsx", two_projects())
    book = _encoded(src, tmp_path / "bomb.xlsx", codec, bom, decl, bomb=True, part=part)
    out = tmp_path / "out"
    out.mkdir()
    for args in (["check", book], ["check", book, "--mark", out / "m.xlsx"], ["export", book, "-o", out / "e.xlsx", "--force"],
                 ["split", book, "-o", out / "s.csv"], ["fix", book, "-o", out / "f.xlsx"]):
        r = run(*args)
        assert r.returncode == 2 and "DTD" in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("codec,bom,decl,says", [("utf-16-le", b"", None, "UTF-16 without a byte-order mark"),
                                                 ("latin-1", b"", "ISO-8859-1", "ISO-8859-1"),
                                                 ("gb18030", b"", "GBK", "GBK"),
                                                 ("utf-8", b"", "UTF-16", "UTF-16 declared, 8-bit content"),
                                                 ("utf-32", b"", None, "UTF-32")])
def test_other_part_encodings_are_refused(tmp_path, codec, bom, decl, says):
    src = write_table(tmp_path / "a.xlsx", two_projects())
    book = _encoded(src, tmp_path / "b.xlsx", codec, bom, decl)
    r = run("check", book)
    assert r.returncode == 2 and says in r.stderr and "Traceback" not in r.stderr, r.stderr


SAMPLE_TEXT = Path(__file__).resolve().parents[1] / "xlperf" / "data" / "sample_2023.txt"


@pytest.mark.parametrize("prefix,codec,label", [(b"\xff\xfe", "utf-16-le", "UTF-16 LE（带BOM）"),
                                                (b"\xfe\xff", "utf-16-be", "UTF-16 BE（带BOM）"),
                                                (b"\xef\xbb\xbf", "utf-8", "UTF-8（带BOM）"),
                                                (b"", "gb18030", "GB18030（GBK）"), (b"", "utf-8", "UTF-8")])
def test_text_files_in_every_common_encoding_are_read_and_named(tmp_path, prefix, codec, label):
    text = SAMPLE_TEXT.read_text(encoding="utf-8")
    src = tmp_path / "t.txt"
    src.write_bytes(prefix + text.encode(codec))
    r = run("import-text", src, "-o", tmp_path / "t.xlsx")
    assert r.returncode == 0 and f"文本编码：{label}" in r.stderr, r.stderr
    r = run("check", src, "--format", "json")
    assert len(json.loads(r.stdout)["projects"]) == 22


def test_utf16_text_without_bom_is_refused_with_a_hint(tmp_path):
    src = tmp_path / "t.txt"
    src.write_bytes(SAMPLE_TEXT.read_text(encoding="utf-8").encode("utf-16-le"))
    r = run("check", src)
    assert r.returncode == 2 and "没有BOM的UTF-16" in r.stderr


def test_every_sheet_xlperf_writes_carries_the_marker(tmp_path):
    from xlperf.core.own_sheets import MARKER

    src = write_table(tmp_path / "a.xlsx", two_projects())
    text = tmp_path / "t.txt"
    text.write_text(SAMPLE_TEXT.read_text(encoding="utf-8"), encoding="utf-8")
    outs = {"export": (["export", src, "-o", tmp_path / "e.xlsx"], {"清洗记录", "权重合计"}),
            "split": (["split", src, "-o", tmp_path / "s.xlsx"], {"清洗记录"}),
            "mark": (["check", src, "--mark", tmp_path / "m.xlsx"], {"校验结果"}),
            "import": (["import-text", text, "-o", tmp_path / "i.xlsx"], {"导入记录"})}
    for args, own in outs.values():
        assert run(*args).returncode == 0
        wb = openpyxl.load_workbook(args[-1])
        marked = {ws.title for ws in wb.worksheets if MARKER in ws.defined_names}
        assert own <= marked and SHEET not in marked, (args[0], marked)


def test_no_writer_writes_a_cell_over_32767_characters(tmp_path):
    """Whatever a caller hands them (the API, the Excel side): export, records, --mark."""
    from xlperf.writers import mark_package as mp
    from xlperf.writers.safe_cells import xlsx_value
    from xlperf.writers.xlsx_stream import Sheet, XlsxBook

    long = "长" * 40_000
    assert len(xlsx_value(long)) == 32_767
    assert mp.cells_xml([("A1", long, None)]).count("长".encode()) == 32_767
    out = tmp_path / "s.xlsx"
    with XlsxBook(out, title="t") as book:
        book.add(Sheet(name="S", rows=[book.row(1, [(1, long, 0)])], dimension="A1"))
    assert _longest_cell(out) == 32_767
