"""The CSV from `split`: a lone "=" (the 指标性质 comparator) is written as it is, not as '=;
every real formula prefix keeps the apostrophe. Checked with LibreOffice's CSV import with
formula evaluation switched on (a bare =1+1 in the same file is evaluated, so it is on)."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlperf.writers.safe_cells import LONE_SIGNS, csv_value

from .helpers import good_project
from .test_cli import run, write_xlsx


@pytest.mark.parametrize("text,written", [("=", "="), ("+", "+"), ("-", "-"), ("@", "@"), ("==", "'=="),
                                          ("= 1", "'= 1"), ("=1+1", "'=1+1"), ("-2+3", "'-2+3"), ("\t", "'\t")])
def test_lone_signs_bare_formula_prefixes_neutralised(text, written):
    assert csv_value(text) == written


def test_split_writes_the_equals_comparator_bare(tmp_path):
    rows = good_project("项目A")
    rows[0][7] = "="
    rows[0][8] = 100
    rows[1][6] = "=1+1"  # a 三级指标 that is a formula
    out = tmp_path / "r.csv"
    r = run("split", write_xlsx(tmp_path / "t.xlsx", rows), "-o", out)
    assert r.returncode == 0, r.stderr
    body = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    col = {h: i for i, h in enumerate(body[0])}
    assert body[1][col["指标性质"]] == "="
    assert body[2][col["三级指标"]] == "'=1+1"


LO = shutil.which("soffice")
# CSV filter options: comma, double quote, UTF-8, line 1, (formats), en-US, quoted fields not
# as text, no special numbers, -, -, no trimming, sheet 0, evaluate formulas = true
EVALUATE = "CSV:44,34,76,1,,1033,false,false,false,false,false,0,true"


@pytest.mark.skipif(LO is None, reason="LibreOffice (soffice) is needed")
def test_libreoffice_with_formula_evaluation_reads_a_lone_sign_as_text(tmp_path):
    fields = sorted(LONE_SIGNS) + ["=1+1", csv_value("=1+1"), csv_value("=HYPERLINK(\"http://x\",\"y\")")]
    src = tmp_path / "signs.csv"
    src.write_text("v\r\n" + "".join(f"{csv_value(f) if f in LONE_SIGNS else f}\r\n" for f in fields), encoding="utf-8")
    subprocess.run([LO, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", f"--infilter={EVALUATE}",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path), str(src)], check=True, capture_output=True,
                   timeout=180)
    ws = load_workbook(tmp_path / "signs.xlsx").active
    cells = [ws.cell(r, 1) for r in range(2, len(fields) + 2)]
    for c, sign in zip(cells, sorted(LONE_SIGNS)):
        assert (c.value, c.data_type) == (sign, "s")
    assert cells[len(LONE_SIGNS)].data_type == "f"  # evaluation is on: the bare formula is one
    assert all(c.data_type == "s" and c.value.startswith("'") for c in cells[len(LONE_SIGNS) + 1:])
