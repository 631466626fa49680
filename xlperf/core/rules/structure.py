"""ST: structure — header, blocks, rows that belong nowhere, repairs made while reading."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..normalise import nfkc
from ._common import LABEL, icell, pcell, real, routine_reason, short
from .registry import Hit, read_rule, rule

# The full-width punctuation of nearly every Chinese goal (，：；（）…) and the ideographic space.
# Each one's NFKC decomposition is one ASCII character (U+3000: a space, which the key drops), and
# NFKD works character by character, so when the text with these replaced is already NFKC, it *is*
# the NFKC of the original: NFKC(s) = NFC(NFKD(s)) = NFC(NFKD(r)) = r. (The test is made on the
# text without the spaces; a space is a starter that composes with nothing, so it only blocks, and
# a text that is normal without them is normal with them.) Replacing them costs
# ~0.3 µs on a 40-character goal; normalize costs ~4.5 µs, and goals rarely repeat (10k rows,
# rule_times A/B: ST006 8.6 → 2.9 ms CPU, cold memos). Other full-width characters: normalize.
_FULLWIDTH = (("，", ","), ("：", ":"), ("；", ";"), ("（", "("), ("）", ")"), ("！", "!"), ("？", "?"),
              ("％", "%"), ("\u3000", ""))


@lru_cache(maxsize=1 << 16)  # names and goals repeat across projects
def _key(text: str) -> str:
    """Text for comparing names: no spaces, full-width folded (NFKC only when it changes anything)."""
    key = text.replace(" ", "")  # clean_text already turned every whitespace run into one space
    if unicodedata.is_normalized("NFKC", key):
        return key
    folded = key
    for wide, narrow in _FULLWIDTH:
        if wide in folded:
            folded = folded.replace(wide, narrow)
    if unicodedata.is_normalized("NFKC", folded):
        return folded
    return nfkc(key).replace(" ", "")


read_rule(
    "ST001",
    "header-not-found",
    "error",
    "{cell} 未找到表头或必需的列：{missing}",
    message_en="header or required columns not found",
    title="表头或必需列缺失",
    doc="""
    问题：工作表中找不到绩效目标表的表头，或表头缺少必需的列（如“三级指标”“权重”）。

    原因：没有表头就无法知道每一列的含义，整张表都无法校验。表头须在前30行内，
    可使用常见同义写法（预算数(万元)、分值、指标值类型、计量单位等）。

    依据：实践：9张表都有一行表头写明一级/二级/三级指标和指标值，列名各不相同，只有遂宁样表是完整的12列。未找到
    规定列名的正式文件。
    """,
)

read_rule(
    "ST007",
    "shifted-cells",
    "warning",
    "{cell} 第{row}行的单元格错位：{detail}",
    message_en="shifted cells",
    title="单元格错位（已修复/已识别）",
    doc="""
    问题：一行中的值落在了错误的列里，例如权重落在“度量单位”列、方向落在“权重”列，
    或一级指标出现在“单位名称”列。

    原因：从PDF复制粘贴或手工插入单元格时，整行或半行会错位。错位的值会被当成别的
    字段，导致权重合计、方向等校验全部出错。导入时 xlperf 按每个值的类型把它放回原位，
    并逐条报告；在Excel文件中则报告疑似放错列的值。

    依据：实践：遂宁样表从PDF复制，有33处单元格错位。未找到正式文件。
    """,
)

read_rule(
    "ST008",
    "page-break-rows",
    "info",
    "{cell} 第{rows}行位于分页处、没有项目名称，已归入“{project}”，使两个项目的权重合计分别为{totals}",
    message_en="page-break rows attached",
    title="分页处的行已归入相邻项目",
    doc="""
    问题：PDF中一页底部有几行没有项目名称，下一页又从一个新项目开始，无法直接判断
    这几行属于上一个项目还是下一个项目。

    原因：PDF把合并单元格里的项目名称居中显示，跨页的项目名称可能只出现在另一页。
    xlperf 把这几行归入能使两个项目的权重合计都达到期望值的一方，并说明归属，请核对。

    依据：实践：遂宁样表有3处分页使项目归属不明。未找到正式文件。

    反例：第一页末尾“政府采购率 = 100% 权重20”没有项目名称，下一页开始“遂宁市公共安全
    视频监控建设联网应用项目”。

    正例：核对后在Excel中把该行放入正确项目的合并区域内。
    """,
)

read_rule(
    "ST010",
    "unplaced-content",
    "warning",
    "{cell} 的内容“{value}”不属于任何字段，未被读取",
    message_en="content outside the table's fields",
    title="表格区域内无法归属的内容",
    doc="""
    问题：表格区域内有一个单元格不在任何已识别的列中，或所在行既不是项目、单位、部门，
    也不是指标行，其内容不会进入任何记录。

    原因：xlperf 保证表格中的每个非空单元格都进入记录、部门/单位行或一条校验结果，
    不会悄悄丢掉内容。这里报告的就是无法归属的内容，请确认是否需要。

    依据：实践：工具自身的原则（不悄悄丢掉任何内容）。未找到正式文件。
    """,
)


read_rule(
    "ST018",
    "hidden-under-merge",
    "warning",
    "{cell} 被合并单元格 {merge} 遮住，其中的内容“{value}”在Excel中看不到，未被读取；如需保留，请取消合并后移到合并区域的左上角单元格",
    message_en="content hidden under a merged range",
    title="合并单元格下被遮住的内容",
    doc="""
    问题：一个被合并区域覆盖的单元格（不是合并区域左上角的那一格）里仍然存有内容。
    Excel只显示左上角单元格的内容，这个值看不到，也不会进入任何记录。

    原因：有的软件或脚本先写入数据、后合并单元格，或合并时没有清除其他单元格，文件里就留下了
    看不见的内容。它可能是漏掉的指标值或项目信息，需要确认。与左上角相同的内容不会丢失，不报告。

    依据：实践：工具自身的原则（不悄悄丢掉任何内容）；ECMA-376 第18.3.1.55节（mergeCell）只显示左上角单元格。未找到正式文件。

    反例：C4:C8 合并为预算数 10.00，C6 里还存着 5.00（在Excel中看不到）。

    正例：取消合并，核对每个单元格的内容后重新合并；或把需要的内容移到合并区域以外。
    """,
)

read_rule(
    "ST019",
    "overlapping-merges",
    "warning",
    "{cell} 合并区域 {merge} 与前面的合并区域 {other} 重叠（无效的合并），已按没有 {merge} 读取；请在Excel中取消这两处合并后重新合并",
    message_en="overlapping merged ranges",
    title="合并区域相互重叠",
    doc="""
    问题：两个合并区域有重叠的单元格。Excel不允许这样合并，打开时会提示文件损坏并删除其中之一。

    原因：有些软件或脚本生成的文件会写出重叠的合并区域。xlperf 保留文件中先出现的合并区域，
    按后一个不存在来读取表格，并在这里报告，避免整个项目因为合并混乱而消失。

    依据：实践：Excel打开这类文件时报告“发现不可读取的内容”并删除重叠的合并区域。未找到正式文件。

    反例：B4:B8 合并为项目A，B6:B12 又合并为项目B。

    正例：在Excel中取消这两处合并，按项目重新合并。
    """,
)

read_rule(
    "ST020",
    "cell-too-long",
    "warning",
    "{cell} 的内容（“{start}”）有{length}个字符，超过Excel单元格的上限32,767，只保留了前32,767个字符；请把多出的内容移到别处",
    message_en="cell longer than Excel allows, cut",
    title="单元格内容超过Excel的32,767字上限",
    doc="""
    问题：一个单元格的文字超过32,767个字符，这是Excel单元格能容纳的上限。

    原因：Excel无法显示或保存更长的单元格；有的软件写出的文件或粘贴的文本里会有这样的内容。
    xlperf 在所有命令中一律只保留前32,767个字符，并在这里报告，不会悄悄截断，
    也不会写出Excel打不开的单元格。

    依据：实践：Excel规范与限制（单元格最多32,767个字符）。未找到正式文件。

    反例：年度目标单元格里粘贴了整份实施方案（几十万字）。

    正例：年度目标写概要（一般几十到几百字），详细内容放在附件中。
    """,
)


# --- rules run on the built Table -------------------------------------------------

@rule(
    "ST002",
    "orphan-indicator",
    "error",
    "table",
    "{cell} 第{row}行的指标“{name}”上方没有项目名称，不属于任何项目",
    message_en="indicator row outside any project",
    title="指标行不属于任何项目",
)
def orphan_indicator(table, ctx):
    """
    问题：一行指标出现在第一个项目之前，上方没有任何项目名称，无法归入项目。

    原因：项目的预算数、年度目标和权重合计都按项目计算，不属于任何项目的指标既不能
    计入权重合计，也不会出现在清洗后的记录中。常见于删掉了项目名称所在行，或项目名称
    的合并单元格没有覆盖到表格最上面的几行。

    依据：实践：工具自身的完整性要求（每个指标都要归入一个项目）；遂宁样表从PDF粘贴后，分页处有3处行没有项目名称
    。未找到正式文件。
    """
    hits = []
    for ind in table.orphans:
        # a placeholder before the first project is reported too: no other rule sees it
        name = ind.name or ind.level2 or ind.level1 or next(
            (str(v) for v in ind.raw.values() if v not in (None, "")), "（空）")
        hits.append(Hit(cell=table.cell("project", ind.row), row=ind.row, params={"name": name}))
    return hits or None


@rule(
    "ST003",
    "conflicting-project-fields",
    "error",
    "project",
    "{cell} 项目“{project}”的{field}前后不一致：{values}",
    message_en="conflicting project fields",
    title="同一项目内项目字段不一致",
)
def conflicting_project_fields(project, ctx):
    """
    问题：同一个项目的区域内，预算数或年度目标出现了两个或更多不同的值。

    原因：单位名称、项目名称、预算数和年度目标应当合并单元格、在项目的各行中只出现一次。
    出现不同的值，说明合并区域被拆开后各行填得不一样，或两个项目被写成了一个；
    无法判断哪个值是对的，预算和权重的校验都会出错。

    依据：实践：遂宁样表的项目字段都是纵向合并单元格，每个项目只有一个值。未找到正式文件。
    """
    hits = []
    for field, vals in project.seen.items():
        if len(vals) < 2:
            continue
        row = vals[1][0]
        hits.append(Hit(
            cell=ctx.table.cell(field, row), row=row,
            params={"field": LABEL.get(field, field),
                    "values": "；".join(f"第{r}行“{short(v)}”" for r, v in vals)},
        ))
    return hits or None


@rule(
    "ST004",
    "placeholder-row",
    "warning",
    "indicator",
    "{cell} 第{row}行只有“{level}”，没有三级指标、指标性质、指标值和权重，是空的模板行",
    message_en="placeholder row",
    title="空的模板行",
)
def placeholder_row(ind, project, ctx):
    """
    问题：一行只填了一级或二级指标名称，没有三级指标、指标性质、指标值和权重。

    原因：模板里预留的二级指标行（如“成本指标”“可持续影响指标”）没有用到时常被原样留下。
    这种行不能评分，提交前应删除，或补全为完整的指标。其他规则都跳过这种行。

    依据：实践：空模板行见于9张表中的2张（廊坊“指标2”“……”行和空的生态效益指标行，宁德的成本指标行），研究笔
    记另记湘潭、中江、池州。未找到正式文件。
    """
    if not ind.is_placeholder:
        return None
    field = "level2" if ind.level2 else "level1"
    return Hit(cell=icell(ctx, ind, field), row=ind.row,
               params={"level": ind.level2 or ind.level1 or "（空行）"})


@rule(
    "ST005",
    "duplicate-indicator",
    "warning",
    "project",
    "{cell} 三级指标“{name}”在项目“{project}”中重复出现（第{first}行已有）",
    message_en="duplicate indicator",
    title="项目内三级指标重复",
)
def duplicate_indicator(project, ctx):
    """
    问题：同一个项目中，两行的三级指标名称相同。

    原因：重复的指标会重复占用权重，评分时同一件事被计算两次；通常是复制行后忘了改名。
    比较时忽略空格和全角/半角差别。

    依据：实践（推断）：同一指标重复会被计分两次；9张表中未见，属于推断的常见错误。未找到正式文件。
    """
    inds = real(project, ctx)
    keys = [_key(i.name) for i in inds if i.name]
    # No two names alike, the usual case, is told by a set, not by the loop below that places each
    # duplicate (10k rows: ~4.5 → ~3.6 ms).
    if len(set(keys)) == len(keys):
        return None
    first: dict[str, int] = {}
    hits = None
    for ind in inds:
        if not ind.name:
            continue
        key = _key(ind.name)
        if key in first:
            hits = hits or []
            hits.append(Hit(cell=icell(ctx, ind, "name"), row=ind.row,
                            params={"name": ind.name, "first": first[key]}))
        else:
            first[key] = ind.row
    return hits


@rule(
    "ST006",
    "annual-goal-weak",
    "warning",
    "project",
    "{cell} 项目“{project}”的年度目标{problem}",
    message_en="annual goal missing, too short or equal to the project name",
    title="年度目标缺失、过短或与项目名称相同",
)
def annual_goal_weak(project, ctx):
    """
    问题：项目的年度目标为空、字数少于配置的最少字数（goal_min_length，默认10个字），
    或与项目名称完全相同。

    原因：年度目标要说明这笔钱一年内要做成什么、做到什么程度（指向明确、细化量化），
    是审核完整性的第一项。照抄项目名称或只写几个字，无法判断资金与目标是否匹配。

    依据：财预〔2015〕88号审核要点“完整性”：绩效目标是否明确（研究笔记所记，原文未逐字核对）。实践：9张表中
    廊坊的年度总体目标只写了“43.2”。
    """
    if "goal" not in ctx.table.columns or not real(project, ctx):
        return None
    goal = project.goal
    min_len = ctx.config.goal_min_length
    if not goal:
        problem = "未填写"
    else:
        key = _key(goal)
        if project.name and key == _key(project.name):
            problem = f"与项目名称相同：“{short(goal)}”"
        elif len(key) < min_len:
            problem = f"只有{len(key)}个字（至少{min_len}个字）：“{goal}”"
        else:
            return None
    return Hit(cell=pcell(ctx, project, "goal"), row=project.row_first, params={"problem": problem})


@rule(
    "ST009",
    "indicator-without-name",
    "error",
    "indicator",
    "{cell} 第{row}行填了{what}，但没有三级指标名称",
    message_en="indicator values without a name",
    title="有指标值或权重但没有三级指标名称",
)
def indicator_without_name(ind, project, ctx):
    """
    问题：一行填了指标性质、指标值或权重，但“三级指标”为空。

    原因：没有名称的指标无法理解、无法评分，却仍然占用权重。常见于从其他表复制数值时
    漏了名称列，或名称被误放进了别的列。

    依据：实践：研究笔记记有宁乡表只有数字、没有指标名称；9张表中未见。未找到正式文件。
    """
    if ind.name or ind.is_placeholder:
        return None
    raw = ind.raw
    parts = [f"{LABEL[f]}“{short(raw.get(f))}”" for f in ("comparator", "target", "weight")
             if raw.get(f) not in (None, "")]
    return Hit(cell=icell(ctx, ind, "name"), row=ind.row, params={"what": "、".join(parts)})


@rule(
    "ST011",
    "too-few-indicators",
    "info",
    "project",
    "{cell} 项目“{project}”只有{count}个三级指标，可能不足以说明数量、质量、时效和效益",
    message_en="only {count} indicators: probably not enough for quantity, quality, timeliness and outcome",
    title="项目的三级指标少于3个",
)
def too_few_indicators(project, ctx):
    """
    问题：一个项目的三级指标少于3个（提示）。工资性支出、公用经费等运转类项目（按名称或配置
    routine_projects 识别）不检查。

    原因：绩效目标应从产出、效益、满意度等方面细化量化；一两个指标往往覆盖不了数量、质量、
    时效和效益。但没有找到“至少3个”的正式规定，四川自己的“工资性支出”项目就只有2个指标
    （发放覆盖率60、足额保障率30），所以只作提示，不作警告。

    依据：实践：某地方文件片段要求自设三级指标“总数不得少于3个”（http://m.dybbs8.com/excel/974350.html，
    文件名和发文单位不明）；未找到全国或四川的正式规定。9张表中青神“工资性支出”只有2个指标（60+30），所以工
    资性、公用经费等运转类项目不检查。
    """
    n = len(real(project, ctx))
    if n == 0 or n >= 3 or routine_reason(project, ctx):
        return None
    return Hit(cell=pcell(ctx, project, "project"), row=project.row_first, params={"count": n})


@rule(
    "ST012",
    "project-without-indicators",
    "error",
    "project",
    "{cell} 项目“{project}”没有任何三级指标",
    message_en="project without indicators",
    title="项目没有任何指标",
)
def project_without_indicators(project, ctx):
    """
    问题：一个项目有项目名称（和预算数），但下面没有任何实际的指标行（只有空的模板行或什么都没有）。

    原因：没有指标就没有绩效目标，项目无法审核。常见于复制项目时只复制了第一列，或指标
    被误放到了下一个项目里。出现本问题时，该项目的指标体系和权重规则不再重复报告。

    依据：财预〔2015〕88号：绩效目标由绩效指标细化量化（研究笔记所记，原文未逐字核对）。9张表的每个项目都有指
    标。
    """
    if real(project, ctx):
        return None
    return Hit(cell=pcell(ctx, project, "project"), row=project.row_first)


@rule(
    "ST013",
    "no-data-rows",
    "error",
    "table",
    "{cell} 工作表“{sheet}”有表头，但表头下没有任何项目或指标行",
    message_en="header without data rows",
    title="只有表头、没有数据",
)
def no_data_rows(table, ctx):
    """
    问题：找到了绩效目标表的表头，但表头下面没有任何项目、指标、部门或单位行。

    原因：提交一张空表等于没有申报绩效目标；也常见于把数据粘贴到了另一个工作表，
    或数据在表头上方。

    依据：实践：工具自身的要求。未找到正式文件。
    """
    if table.projects or table.orphans or table.departments or table.units or table.header_row is None:
        return None
    return Hit(cell=table.cell("project", table.header_row), row=table.header_row, params={"sheet": table.sheet},
               scope="table")
