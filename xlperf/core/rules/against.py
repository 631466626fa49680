"""SE050–SE099: a self-evaluation held against the approved target table (``xlperf check
SELF_EVAL --against TARGET``). The comparison itself is ``core.compare``; these are its codes,
raised there (scope ``read``: no function of their own)."""

from __future__ import annotations

from .registry import read_rule

read_rule(
    "SE050", "project-only-in-self-evaluation", "warning",
    "{cell} 自评表中的项目“{project}”在目标表{target_file}中没有对应的项目",
    message_en="project only in the self-evaluation",
    title="自评项目在目标表中找不到",
    doc="""
    问题：自评表中的项目在对照的目标表里找不到（按项目编码、名称，再按名称相似度都对不上）。

    原因：自评表要对照当年批复的绩效目标表填写；找不到对应项目，说明对照错了目标表、项目改了名，
    或这个项目当年没有申报绩效目标。

    反例：自评表“工资性支出”，目标表中只有“公用经费”。

    正例：自评表“51000021R000000019951-工资性支出”，目标表中有同一编码的“工资性支出”。
    """,
)
read_rule(
    "SE051", "project-only-in-target", "warning",
    "{cell} 目标表中的项目“{name}”在自评表{self_file}中没有对应的自评",
    message_en="project only in the target table",
    title="目标表项目没有自评",
    doc="""
    问题：对照的目标表中有这个项目，自评表（或自评表文件夹）中却没有它的自评。

    原因：批复了绩效目标的项目年终都要自评；漏报的项目在财政的自评汇总中会缺一行。
    只对照一份自评表、目标表是多个项目的清单时，其余项目都会列出，可按需忽略这一代码。

    反例：目标表有“工资性支出”“公用经费”，自评只交了“工资性支出”。

    正例：两个项目各有一份自评表。
    """,
)
read_rule(
    "SE052", "project-matched-by-similarity", "info",
    "{cell} 自评表的项目“{project}”与目标表的项目“{other}”名称不完全相同，按相似度{score}对应",
    message_en="project matched by similarity",
    title="项目按名称相似度对应",
    doc="""
    问题：自评表与目标表的项目名称不完全相同（没有相同的编码），按名称相似度（0–1）对应上了；
    对应结果写在消息里，请核对是不是同一个项目。

    原因：项目名称常在一年中被改写（加了年份、换了简称）；按相似度对应而不说明，会把不同的项目
    当成一个来比较。

    反例：自评“暖通改造经费”，目标“办公宿舍楼暖通改造经费”（相似度0.78）。

    正例：两边都是“办公宿舍楼、食堂及餐厅暖通改造经费”。
    """,
)
read_rule(
    "SE053", "target-changed", "error",
    "{cell} 指标“{name}”的年度指标值{value}与批复目标表的指标值{approved}不同（目标表 {other_cell}）",
    message_en="target changed since approval",
    title="年度指标值与批复的目标不同",
    doc="""
    问题：自评表中一条指标的年度指标值与批复的目标表中同一指标的指标值不同（数值、符号或单位）。

    原因：自评要对照批复的目标打分，不能在年终改目标；悄悄调低的目标会让未完成的指标显得已完成。
    年中按程序调整过目标的，应附调整批复。

    反例：目标表 培训人次 ≥100人次，自评表 年度指标值 ≥80人次。

    正例：目标表 培训人次 ≥100人次，自评表 年度指标值 ≥100人次。
    """,
)
read_rule(
    "SE054", "points-changed", "error",
    "{cell} 指标“{name}”的分值{value}与批复目标表的权重{approved}不同（目标表 {other_cell}）",
    message_en="points changed since approval",
    title="分值与批复的权重不同",
    doc="""
    问题：自评表中一条指标的分值（权重）与批复的目标表中同一指标的权重不同。

    原因：自评按申报时定的权重计分；把未完成指标的分值调小、已完成的调大，会抬高总分。

    反例：目标表 培训人次 权重20，自评表 分值10。

    正例：目标表 培训人次 权重20，自评表 分值20。
    """,
)
read_rule(
    "SE055", "indicator-added", "warning",
    "{cell} 指标“{name}”（{levels}）不在批复的目标表中，是自评时新增的",
    message_en="indicator added",
    title="自评表新增了目标表中没有的指标",
    doc="""
    问题：自评表中有一条指标，在批复的目标表的同一项目中找不到（按级别和名称，再按名称相似度）。

    原因：自评只对批复的指标打分；新增的指标没有批复的目标和权重，分数无从核对。

    反例：目标表没有“宣传报道次数”，自评表有。

    正例：自评表的指标与目标表一一对应。
    """,
)
read_rule(
    "SE056", "indicator-dropped", "warning",
    "{cell} 目标表中的指标“{name}”（{levels}）在自评表中没有（自评时删去）",
    message_en="indicator dropped",
    title="目标表的指标在自评表中被删去",
    doc="""
    问题：批复的目标表中的一条指标，在这个项目的自评表中找不到。

    原因：每条批复的指标都要自评；删去的多是没有完成的指标，删去后总分就偏高了。

    反例：目标表有“培训合格率 ≥95%”，自评表没有这一行。

    正例：自评表列出目标表的全部指标，未完成的如实打分并说明原因。
    """,
)
read_rule(
    "SE057", "indicator-matched-by-similarity", "info",
    "{cell} 自评指标“{name}”与目标表指标“{other}”名称不完全相同，按相似度{score}对应（目标表 {other_cell}）",
    message_en="indicator matched by similarity",
    title="指标按名称相似度对应",
    doc="""
    问题：自评表与目标表同一项目中的指标名称不完全相同，按名称相似度（0–1）对应上了；请核对。

    原因：名称改写（加了“指标1”前缀、改了措辞）很常见，但也可能是换了一条指标。

    反例：自评“工程完工率”，目标“项目工程完工率”（相似度0.91）。

    正例：两边都是“工程完工率”。
    """,
)
read_rule(
    "SE058", "no-target-file", "warning",
    "{cell} 自评表{self_file}在目标表文件夹中没有对应的文件",
    message_en="no target table for this self-evaluation",
    title="批量对照时找不到对应的目标表文件",
    doc="""
    问题：批量对照（两个文件夹）时，这份自评表在目标表文件夹中找不到对应的文件（按文件名，再按
    项目名称）。

    原因：没有目标表就无法核对目标和权重是否被改过。

    反例：自评/暖通改造自评表.xlsx，目标/ 中只有 公用经费目标表.xlsx。

    正例：自评/暖通改造自评表.xlsx 与 目标/暖通改造目标表.xlsx。
    """,
)
