from xlperf.core.blocks import build_table, records, split_code_name

from .helpers import DATA_ROW0, grid_of, good_project, ind, table_of

GOAL = "完成年度培训任务，提升干部业务能力水平"


def test_merged_project_fields_fill_down_within_block():
    rows = good_project("项目A") + good_project("项目B", budget=5.0, goal="另一个项目的年度目标文字较长")
    t = table_of(rows, merges=[(0, 1, 4, 1), (0, 2, 4, 2), (0, 3, 4, 3), (5, 1, 9, 1), (5, 2, 9, 2), (5, 3, 9, 3)])
    assert [p.name for p in t.projects] == ["项目A", "项目B"]
    assert [len(p.indicators) for p in t.projects] == [5, 5]
    recs = records(t)
    assert {r.project for r in recs[:5]} == {"项目A"} and {r.budget for r in recs[5:]} == {5.0}
    assert recs[6].goal == "另一个项目的年度目标文字较长"
    assert recs[6].cells["project"] == f"B{DATA_ROW0 + 5}"


def test_blank_goal_never_inherits_previous_project():
    rows = good_project("项目A") + good_project("项目B", goal=None)
    t = table_of(rows)
    assert t.projects[1].goal is None
    assert all(r.goal is None for r in records(t) if r.project == "项目B")


def test_level_names_fill_down_within_project_only():
    rows = [
        ind(project="A", budget=1, goal=GOAL, level1="产出指标", level2="数量指标"),
        ind(level1=None, level2=None, name="第二"),
        ind(project="B", budget=1, goal=GOAL, level1=None, level2=None, name="新项目第一行"),
    ]
    t = table_of(rows)
    a, b = t.projects
    assert a.indicators[1].level1 == "产出指标" and a.indicators[1].level2 == "数量指标"
    assert "filled:level1" in a.indicators[1].notes
    assert b.indicators[0].level1 is None and b.indicators[0].level2 is None


def test_merged_level1_over_rows():
    rows = [ind(project="A", budget=1, goal=GOAL), ind(level1=None, level2="质量指标", name="合格率")]
    t = table_of(rows, merges=[(0, 4, 1, 4)])
    assert t.projects[0].indicators[1].level1 == "产出指标"


def test_department_and_unit_rows_and_code_split():
    rows = [["208-中国共产党遂宁市委员会政法委员会部门", None, 20.0] + [None] * 9,
            ["208001-中国共产党遂宁市委员会政法委员会", None, 20.0] + [None] * 9] + good_project("A", budget=20.0)
    t = table_of(rows)
    assert t.departments[0].code == "208" and t.departments[0].budget == 20.0
    assert t.units[0].code == "208001" and t.units[0].name == "中国共产党遂宁市委员会政法委员会"
    assert t.projects[0].unit_code == "208001" and t.projects[0].department_code == "208"
    assert split_code_name("208001-某单位") == ("208001", "某单位")
    assert split_code_name("某单位") == (None, "某单位")


def test_goal_continuation_rows_are_joined():
    rows = [ind(project="A", budget=1, goal="第一段目标文字，"), [None, None, None, "第二段目标文字。"] + [None] * 8,
            ind(name="第二个指标")]
    t = table_of(rows)
    assert t.projects[0].goal == "第一段目标文字，第二段目标文字。"
    assert len(t.projects[0].indicators) == 2


def test_combined_value_cells_are_split():
    cases = {"≥80%": ("≥", 80.0, "%"), "≤90万元": ("≤", 90.0, "万元"), "=100%": ("=", 100.0, "%"),
             "250万": ("=", 250.0, "万"), "≥100百分比": ("≥", 100.0, "%"), ">92%": (">", 92.0, "%")}
    for text, (cmp, num, measure) in cases.items():
        t = table_of([ind(project="A", budget=1, goal=GOAL, comparator=None, target=text, measure=None)])
        i = t.projects[0].indicators[0]
        assert (i.comparator, i.target, i.measure) == (cmp, num, measure), text
        assert "split:target" in i.notes
        # the 指标性质 cell is empty on every row: a value without a sign reads as = (VL016)
        assert ("implied:comparator" in i.notes) == (text == "250万")
        if cmp and text != "250万":
            assert i.origin["comparator"] == f"I{DATA_ROW0}"


def test_level_with_score_suffix_is_read_as_level():
    t = table_of([ind(project="A", budget=1, goal=GOAL, level1="产出指标(50分)")])
    i = t.projects[0].indicators[0]
    assert i.level1 == "产出指标" and "alias:level1" in i.notes


def test_rows_before_any_project_are_orphans():
    t = table_of([ind()] + good_project())
    assert len(t.orphans) == 1 and t.orphans[0].row == DATA_ROW0


def test_conflicting_budget_in_block_is_seen():
    rows = good_project("A", budget=10.0)
    rows[2][2] = 12.0
    t = table_of(rows)
    assert [v for _, v in t.projects[0].seen["budget"]] == [10.0, 12.0]


def test_repeated_project_name_on_every_row_is_one_project():
    rows = good_project("A")
    for r in rows[1:]:
        r[1], r[2] = "A", 10.0
    t = table_of(rows)
    assert len(t.projects) == 1 and len(t.projects[0].indicators) == 5


def test_ST007_level1_in_unit_column_is_read_as_level1():
    rows = [ind(project="A", budget=1, goal=GOAL), ["产出指标", None, None, None, None, "质量指标", "合格率", "≥", 95, "%", 10, "正向指标"]]
    t = table_of(rows)
    assert [f.code for f in t.findings] == ["ST007"]
    assert t.projects[0].indicators[1].level1 == "产出指标"
    assert t.findings[0].cell == f"A{DATA_ROW0 + 1}"


def test_ST010_content_outside_known_columns_is_reported():
    rows = [ind(project="A", budget=1, goal=GOAL) + ["待定"]]
    t = table_of(rows, extra_header=[""])
    assert [f.code for f in t.findings] == ["ST010"]
    assert "待定" in t.findings[0].message


def test_waiver_column_parsed():
    t = table_of([ind(project="A", budget=1, goal=GOAL) + ["wt003, VL011"]], extra_header=["豁免"])
    assert t.projects[0].indicators[0].waivers == frozenset({"WT003", "VL011"})


def test_repeated_header_on_a_row_shorter_than_the_weight_column_is_skipped():
    from .helpers import HEADER

    g = grid_of(good_project("项目A") + good_project("项目B"))
    g.rows.insert(DATA_ROW0 - 1 + 5, list(HEADER[:8]))  # a page's header row, cut short before 权重
    t = build_table(g)
    assert [p.name for p in t.projects] == ["项目A", "项目B"]
    assert [len(p.indicators) for p in t.projects] == [5, 5]
    assert not [f for f in t.findings if f.code == "ST010"]
