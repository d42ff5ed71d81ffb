"""Columns of the ledger workbook (interfaces.md §2): sheets 学生台账 and 劝返记录."""

from __future__ import annotations

from kcdocs.tabular import Column, TableSchema

CASE_SHEET = "学生台账"
ATTEMPT_SHEET = "劝返记录"

CASE_SCHEMA = TableSchema(
    title="控辍保学台账",
    sheet_names=(CASE_SHEET,),
    columns=(
        Column("case_id", "台账编号", ("编号", "案例编号", "台账号"), required=True, unique=True,
               hint="每个案例一个唯一编号，例如 370402-2020-0007；佐证材料文件夹名以它开头"),
        Column("name", "姓名", ("学生姓名", "儿童姓名"), required=True, hint="填写孩子的姓名"),
        Column("sex", "性别", hint="填写“男”或“女”"),
        # Kept as text: an invalid number is a finding of rule C.identity, not an import error.
        Column("id_number", "身份证号", ("公民身份号码", "身份证号码", "身份证")),
        Column("student_no", "学籍号", ("全国学籍号", "学籍编号")),
        Column("birth_date", "出生日期", ("出生年月日", "生日"), kind="date"),
        Column("district", "区市", ("区(市)", "区县", "县区", "区县市")),
        Column("township", "乡镇街道", ("乡镇(街道)", "乡镇", "街道")),
        Column("village", "村居社区", ("村居(社区)", "村居", "社区", "村")),
        Column("school", "学校", ("学校名称", "原就读学校", "就读学校")),
        Column("grade", "年级", ("年级班级",)),
        Column("guardian", "监护人", ("监护人姓名", "家长姓名")),
        Column("phone", "联系电话", ("电话", "监护人电话")),
        Column("priority_groups", "重点群体", ("群体类别",), kind="list",
               hint="可填多个，用“、”分隔：建档立卡 / 残疾 / 留守 / 随迁 / 新落户"),
        Column("case_type", "类型", ("失学辍学类型", "失辍学类型"), hint="填写“失学”或“辍学”"),
        Column("dropout_date", "辍学日期", ("失学辍学日期", "辍学时间"), kind="date"),
        Column("registered_date", "登记日期", ("建档日期", "发现日期", "录入日期"), kind="date",
               hint="个案进入台账的日期（周报、月报据此计算“新增”；不填则用辍学日期）"),
        Column("reason", "原因分析", ("辍学原因", "失学辍学原因", "原因")),
        Column("disposition", "处置类型", ("处置方式", "类别代码"), required=True,
               hint="填写代码 R0、W1…W7、P1、P2 或其中文名称，如“核销·实际死亡”"),
        Column("status", "状态", ("劝返状态", "当前状态")),
        Column("plan", "劝返方案", ("一人一案", "劝返工作方案")),
        Column("return_notice_date", "复学通知书日期", ("复学通知书下达日期", "通知书日期"), kind="date"),
        Column("return_date", "复学日期", ("返校日期",), kind="date"),
        Column("writeoff_reason", "核销原因", ("核销理由",)),
        Column("writeoff_date", "核销日期", ("销号日期",), kind="date",
               hint="核销（销号）的日期；周报、月报据此计算“本期核销”"),
        Column("care_contact", "关爱联系人", ("关爱教师",)),
        Column("history", "辍学情形", ("P1辍学情形",),
               hint="P1 填写：连续辍学一年以上 / 从未上学 / 反复辍学 / 极度厌学"),
        Column("placement_date", "安置日期", ("入中职日期", "安置时间"), kind="date"),
        Column("measure", "强制措施", ("劝返措施", "强制劝返措施"),
               hint="P2 填写已到达的最新一步：批评教育 / 责令限期改正 / 司法文书 / 追究法律责任"),
        Column("responsible", "责任人", ("包保责任人",)),
        Column("note", "备注", ("说明",)),
    ),
)

ATTEMPT_SCHEMA = TableSchema(
    title="劝返记录",
    sheet_names=(ATTEMPT_SHEET,),
    columns=(
        Column("case_id", "台账编号", ("编号", "案例编号"), required=True,
               hint="与“学生台账”工作表中的台账编号一致"),
        Column("seq", "序号", ("次数", "第几次", "劝返次数"), required=True, kind="int",
               hint="同一案例的第几次劝返：1、2、3……"),
        Column("date", "日期", ("劝返日期", "时间"), kind="date"),
        Column("method", "方式", ("劝返方式",), hint="入户 / 电话 / 网络 / 到校 / 其他"),
        Column("participants", "参与人员", ("参加人员", "劝返人员", "工作人员"), kind="list",
               hint="参与劝返的工作人员姓名，用“、”分隔"),
        Column("content", "内容", ("劝返内容", "工作内容")),
        Column("result", "结果", ("劝返结果", "效果"), hint="无效 / 有效 / 部分有效"),
    ),
)

# Ledger fields a checklist may name (English key or Chinese header) in a `field:` requirement.
CASE_FIELD_KEYS = tuple(c.key for c in CASE_SCHEMA.columns)


def field_key(name: str) -> str | None:
    """The case field a checklist names, by key (``reason``) or header/alias (``原因分析``)."""
    if name in CASE_FIELD_KEYS:
        return name
    col = CASE_SCHEMA.match_header(name)
    return col.key if col else None


def field_header(key: str) -> str:
    return CASE_SCHEMA.column(key).header
