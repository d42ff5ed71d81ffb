"""The roster (名册) for notices: columns, aliases and the row model (interfaces.md §1)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, field_validator

from kcdocs.tabular import Column, TableSchema

ROSTER_SCHEMA = TableSchema(
    title="名册",
    columns=(
        Column("student_name", "学生姓名", ("姓名", "儿童姓名", "被监护人", "学生"), required=True,
               hint="填写孩子的姓名"),
        Column("guardian_name", "监护人姓名", ("监护人", "家长姓名", "父母或法定监护人", "家长"),
               required=True, hint="填写父母或法定监护人的姓名"),
        Column("school", "学校", ("学校名称", "报到学校", "就读学校"), required=True,
               hint="填写报到学校的全称"),
        Column("deadline", "报到截止日期", ("截止日期", "报到日期"), required=True, kind="date", year_from="issue_date",
               hint="也可以用 --deadline 统一指定"),
        Column("id_number", "身份证号", ("公民身份号码", "身份证号码", "身份证"), kind="id_number",
               unique=True),
        Column("unit", "发文单位", ("单位",), required=True,
               hint="也可以用 --unit 或 kcdocs.toml 中 [notices] unit 统一指定"),
        Column("issue_date", "落款日期", ("发文日期",), kind="date",
               hint="也可以用 --date 统一指定；不填则为今天"),
        Column("case_id", "台账编号", ("个案编号",), unique=True,
               hint="填写后，送达回证的二维码能把回证归入该个案的佐证材料"),
    ),
)


class RosterRow(BaseModel):
    student_name: str
    guardian_name: str
    school: str
    deadline: date
    unit: str
    issue_date: date
    id_number: str | None = None
    case_id: str | None = None

    @field_validator("student_name", "guardian_name", "school", "unit")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("不能为空")
        return value
