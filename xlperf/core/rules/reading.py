"""ST014–ST029: what the layout readers (``core.layouts``: list, form, department) say while
reading — columns read by their content, headers not recognised, an empty long-term group, a
form without an indicator grid. Raised by the readers (scope ``read``), never by a rule run."""

from __future__ import annotations

from .registry import read_rule

read_rule(
    "ST014",
    "columns-read-by-content",
    "warning",
    "{cell} 列“{header}”中是{content}，列“{other}”中是{other_content}，与表头不符，已按内容读取",
    message_en="column “{header}” holds {content} and column “{other}” {other_content}: read by their content, not their headers",
    title="列的内容与表头不符（已按内容读取）",
    doc="""
    问题：一列的内容与它的表头不符，而另一列恰好相反，例如“指标性质”列里写的是“正向/反向”，
    “指标方向”列里写的却是“=”“≥”。

    原因：模板的两列被对调，或填写时放错了列。按表头读取，每一行的比较符号和方向都会错，
    方向与符号的校验全部失真。xlperf 按内容读取这两列，并在整张表上说明一次，请改正表头或内容。

    依据：实践：乌海2021目标表的“指标性质”列写正向/反向、“指标方向”列写“=”（9张表中1张）；未找到正式文件。
    """,
)

read_rule(
    "ST015",
    "unknown-header",
    "warning",
    "{cell} 表头“{header}”未识别{likely}，该列{count}个非空单元格（{cells}）未被读取；如需读取，"
    "请在 xlperf.toml 的 [headers] 中映射，例如 \"{header}\" = \"{field}\"",
    message_en="header “{header}” not recognised: {count} cells ({cells}) not read; map it in xlperf.toml [headers], e.g. \"{header}\" = \"{field}\"",
    title="表头未识别，该列未读取",
    doc="""
    问题：表头行中有一列的表头不是 xlperf 认识的写法，这一列的内容没有被读取。

    原因：各地模板的表头写法不同（项目资金、资金情况、目标值、计量单位……）。xlperf 认识常见的
    同义写法；不认识的列不会被悄悄丢掉，而是在此说明它的表头、可能的含义和未读取的单元格。
    在 xlperf.toml 中加一节 [headers]，把表头映射到字段（unit project budget goal level1 level2
    name comparator target measure weight direction note explanation standard），即可读取。

    依据：实践：9张表的表头各不相同（项目资金、资金情况、目标值、计量单位、指标解释……）；未找到统一表头的正式文件。
    """,
)

read_rule(
    "ST016",
    "empty-long-term-group",
    "info",
    "{cell} 长期（中期/实施期）指标组的{fields}都未填写，只读取了年度指标",
    message_en="the long-term indicator group is empty ({fields}): only the annual indicators were read",
    title="长期指标组未填写",
    doc="""
    问题：表中长期（中期、实施期）指标与年度指标并列，但长期一组的三级指标、指标值全部没有填写。

    原因：长期目标写了文字，长期指标却是空的，长期目标就无从衡量。xlperf 读取年度一组作为本表的
    指标，长期一组保存在每个指标的明细里；长期一组为空时在整张表上说明一次。

    依据：财预〔2015〕88号：绩效目标分为中长期目标和年度目标（研究笔记所记，原文未逐字核对）。实践：青山2020目标表长期一组7行全空。
    """,
)

read_rule(
    "ST017",
    "form-without-indicators",
    "error",
    "{cell} “{project}”有项目信息，但其下未找到指标表头（一级指标、二级指标、三级指标、指标值），没有读到任何指标；请补上指标表，或在 xlperf.toml 的 [headers] 中映射表头",
    message_en="“{project}” has project labels but no indicator header (一级指标, 二级指标, 三级指标, 指标值) below them: no indicator read",
    title="表单中没有指标表",
    doc="""
    问题：一张项目（或部门整体）绩效目标表写了项目名称、资金等信息，下面却没有指标表头。

    原因：没有指标表头，就无法知道哪一列是指标名称、哪一列是指标值，整张表的指标都无法校验。
    常见于指标表被删除、表头被合并进上一行，或表头写法 xlperf 不认识（可用 [headers] 映射）。

    依据：实践：项目支出绩效目标表（财政部模板及湖南、湖北、内蒙古的变体，9张表中5张）都在项目信息之下列出指标表；未找到正式文件。
    """,
)
