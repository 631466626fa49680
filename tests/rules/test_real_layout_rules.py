"""The layout checks on the real published tables, read by the form and department readers.

Skipped until the readers (h/forms: core/layouts/form.py, tests/real_tables.py and the .tsv in
tests/data/real) are merged; then every fact below is one a rule can see (issue 16 §2,
tests/data/real/README.md)."""

import pathlib

import pytest

pytest.importorskip("xlperf.core.layouts.form")
real_tables = pytest.importorskip("tests.real_tables")

from xlperf.api import check_path  # noqa: E402


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    folder: pathlib.Path = tmp_path_factory.mktemp("real")
    cache = {}

    def get(name, **opts):
        key = (name, tuple(sorted(opts.items())))
        if key not in cache:
            path = folder / f"{name}{len(cache)}.xlsx"
            real_tables.build(path, [name], **opts)
            cache[key] = check_path(path)
        return cache[key]
    return get


def codes(result, code):
    return [f for f in result.findings if f.code == code]


@pytest.mark.parametrize("opts", [{}, {"percent": True, "dates": True}])
def test_BG010_ningde_duty_block_sums_to_232_21(checked, opts):
    r = checked("fujian_ningde_2019_dangshidifangzhi_dept", **opts)
    (f,) = codes(r, "BG010")
    assert "基本支出为171.41万元" in f.message and "110.61" in f.message and "232.21" in f.message
    assert not codes(r, "BG006")  # 171.41 = 60.8 + 110.61


def test_BG009_yueyang_repeated_amount_and_BG008_parts_add_up(checked):
    r = checked("hunan_yueyang-yueyangxian_2022_gaobiaozhunnongtian_target")
    (f,) = codes(r, "BG009")
    assert "854万元" in f.message
    assert not codes(r, "BG008") and not codes(r, "BG006")  # 854 = 400 + 295 + 159
    (n,) = codes(r, "ST030")
    assert "WT001" in n.message and not codes(r, "WT001")  # no weights: one note
    (v,) = codes(r, "VL016")
    assert "3条" in v.message  # 100%, 1600元/亩, 3500公斤 carry no sign


@pytest.mark.parametrize("opts", [{}, {"percent": True, "dates": True}])
def test_VL017_wuhai_date_serials(checked, opts):
    r = checked("neimenggu_wuhai_2021_zaishengziyuan_target", **opts)
    hits = codes(r, "VL017")
    assert len(hits) == 2 and all("2021-12-31" in f.message for f in hits)
    assert not codes(r, "WT005")  # 产出 10 × 4 + 10 = 50 = the header's 产出 50


def test_TX009_nanyue_placeholders_and_core_mark(checked):
    r = checked("hunan_hengyang-nanyue_2018_fupinjidi_target")
    assert len(codes(r, "TX009")) == 10
    inds = list(r.tables[0].indicators())
    core = [i for i in inds if "flag:core" in i.notes]
    assert [i.name for i in core] == ["贫困地区旅游基础设施建设质量达标率100%"]


def test_qingshan_text_values_read_as_qualitative(checked):
    r = checked("hubei_wuhan-qingshan_2020_jiaoyujijian_target")
    (v,) = codes(r, "VL016")
    assert "按“定性”读取" in v.message
    (b,) = codes(r, "BG011")
    assert "10000万元" in b.message and b.severity == "info"
