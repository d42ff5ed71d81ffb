"""Tabular import through real files: xlsx, CSV in several encodings, aliases, errors."""

from __future__ import annotations

from datetime import date

import pytest

from kcdocs.errors import InputFileError
from kcdocs.notices.roster import ROSTER_SCHEMA, RosterRow
from kcdocs.tabular import load_table, read_table
from tests.conftest import GOOD_ROWS, HEADER, write_csv, write_xlsx

DEFAULTS = {"issue_date": date(2020, 8, 1)}


def _csv_rows():
    return [HEADER, *[[c.isoformat() if isinstance(c, date) else c for c in r] for r in GOOD_ROWS]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_detected(tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", _csv_rows(), encoding=encoding)
    result = load_table(path, ROSTER_SCHEMA, RosterRow, defaults=DEFAULTS)
    assert not result.errors
    assert [m.student_name for _, m in result.valid] == ["张小明", "李小红", "王一诺"]
    assert result.valid[0][1].deadline == date(2020, 8, 25)


def test_gb18030_rare_characters_survive(tmp_path):
    rows = _csv_rows()
    rows[1][0] = "张䶮"  # U+4DAE, only in GB18030 (not GBK)
    path = write_csv(tmp_path / "r.csv", rows, encoding="gb18030")
    result = load_table(path, ROSTER_SCHEMA, RosterRow, defaults=DEFAULTS)
    assert result.valid[0][1].student_name == "张䶮"
    assert read_table(path, ROSTER_SCHEMA).encoding == "GB18030"


def test_aliases_fullwidth_and_spaces_and_title_row(tmp_path):
    header = ["姓 名", "公民身份号码", "家长姓名", "报到学校", "截止日期", "单位"]
    header[0] = "姓\u3000名"  # ideographic space
    header[4] = "截止日期 "
    path = write_xlsx(tmp_path / "r.xlsx", [header, *GOOD_ROWS], title_row="2020年秋季新生名册",
                      text_columns=(1,))
    table = read_table(path, ROSTER_SCHEMA)
    assert table.header_row == 2
    assert table.headers["student_name"] == "姓\u3000名"
    result = load_table(path, ROSTER_SCHEMA, RosterRow, defaults=DEFAULTS)
    assert len(result.valid) == 3 and not result.errors
    assert result.valid[0][0].row == 3  # Excel row number, title row counted


def test_fullwidth_header_parentheses_match():
    assert ROSTER_SCHEMA.match_header("父母或法定监护人").key == "guardian_name"
    assert ROSTER_SCHEMA.match_header("ＡＢＣ") is None


def test_all_problems_reported_with_location(tmp_path):
    rows = [HEADER,
            ["", "370402201408310010", "张建国", "实验小学", "2020-08-25", "市中区教体局"],  # row 2: no name
            ["李小红", "370402201408310011", "李卫东", "实验小学", "2020-08-25", "市中区教体局"],  # bad check
            ["王一诺", "370481201408310016", "", "实验小学", "明天", "市中区教体局"],  # 2 problems
            ["赵六", "370403201408310017", "赵四", "实验小学", "2020-08-25", "市中区教体局"]]
    path = write_xlsx(tmp_path / "bad.xlsx", rows, text_columns=(1,))
    result = load_table(path, ROSTER_SCHEMA, RosterRow, defaults=DEFAULTS)
    located = {(p.row, p.column) for p in result.errors}
    assert located == {(2, "学生姓名"), (3, "身份证号"), (4, "监护人姓名"), (4, "报到截止日期")}
    check = next(p for p in result.errors if p.row == 3)
    assert check.file == "bad.xlsx" and check.sheet == "名册" and check.value == "370402201408310011"
    assert "校验位" in check.message and check.hint
    assert [m.student_name for _, m in result.valid] == ["赵六"]
    assert "bad.xlsx 工作表「名册」 第3行 「身份证号」列" in check.format()


def test_duplicate_id_numbers_are_errors_on_both_rows(tmp_path):
    rows = [HEADER, GOOD_ROWS[0], GOOD_ROWS[1], [*GOOD_ROWS[0][:1], "370402201408310010", *GOOD_ROWS[0][2:]]]
    rows[3][0] = "张小明二"
    path = write_xlsx(tmp_path / "dup.xlsx", rows, text_columns=(1,))
    result = load_table(path, ROSTER_SCHEMA, RosterRow, defaults=DEFAULTS)
    dup = sorted((p.row, p.message) for p in result.errors)
    assert [r for r, _ in dup] == [2, 4]
    assert "第4行" in dup[0][1] and "第2行" in dup[1][1]


def test_duplicate_after_normalisation(tmp_path):
    rows = [HEADER, GOOD_ROWS[0], list(GOOD_ROWS[0])]
    rows[2][1] = "３７０４０２２０１４０８３１００１０"
    path = write_xlsx(tmp_path / "dup.xlsx", rows, text_columns=(1,))
    result = load_table(path, ROSTER_SCHEMA, RosterRow, defaults=DEFAULTS)
    assert len(result.errors) == 2


def test_id_stored_as_number_is_explained(tmp_path):
    rows = [HEADER, [GOOD_ROWS[0][0], 370402201408310010, *GOOD_ROWS[0][2:]]]
    path = write_xlsx(tmp_path / "num.xlsx", rows)
    result = load_table(path, ROSTER_SCHEMA, RosterRow, defaults=DEFAULTS)
    (problem,) = result.errors
    assert "存成了数字" in problem.message and "文本" in problem.hint


def test_excel_dates_and_serials(tmp_path):
    rows = [HEADER, [*GOOD_ROWS[0][:4], 44068, GOOD_ROWS[0][5]], [*GOOD_ROWS[1][:4], "2020年8月25日", GOOD_ROWS[1][5]]]
    path = write_xlsx(tmp_path / "d.xlsx", rows, text_columns=(1,))
    result = load_table(path, ROSTER_SCHEMA, RosterRow, defaults=DEFAULTS)
    assert [m.deadline for _, m in result.valid] == [date(2020, 8, 25)] * 2


def test_missing_required_column_lists_aliases_and_seen_headers(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [["学生姓名", "学校", "报到截止日期", "发文单位"], ["a", "b", "2020-08-25", "c"]])
    with pytest.raises(InputFileError) as exc:
        load_table(path, ROSTER_SCHEMA, RosterRow, defaults=DEFAULTS)
    text = str(exc.value)
    assert "监护人姓名" in text and "家长姓名" in text and "学生姓名、学校" in text


def test_column_with_default_is_not_required_in_header(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [HEADER[:4], *[r[:4] for r in GOOD_ROWS]], text_columns=(1,))
    result = load_table(path, ROSTER_SCHEMA, RosterRow,
                        defaults={**DEFAULTS, "deadline": date(2020, 9, 1), "unit": "某教体局"})
    assert len(result.valid) == 3 and result.valid[0][1].unit == "某教体局"


def test_unreadable_files(tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"this is not a workbook")
    with pytest.raises(InputFileError, match="损坏"):
        read_table(fake, ROSTER_SCHEMA)
    encrypted = tmp_path / "locked.xlsx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(InputFileError, match="密码"):
        read_table(encrypted, ROSTER_SCHEMA)
    with pytest.raises(InputFileError, match="找不到"):
        read_table(tmp_path / "nope.xlsx", ROSTER_SCHEMA)
    word = tmp_path / "roster.doc"
    word.write_bytes(b"x")
    with pytest.raises(InputFileError, match="不支持"):
        read_table(word, ROSTER_SCHEMA)


def test_sheet_is_found_by_header_not_position(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["本工作簿第二页是名册"])
    ws = wb.create_sheet("名单")
    for r in [HEADER, *GOOD_ROWS]:
        ws.append(r)
    wb.save(tmp_path / "two.xlsx")
    table = read_table(tmp_path / "two.xlsx", ROSTER_SCHEMA)
    assert table.sheet == "名单" and len(table.rows) == 3
    with pytest.raises(InputFileError, match="没有名为「无此表」"):
        read_table(tmp_path / "two.xlsx", ROSTER_SCHEMA, sheet="无此表")


def test_old_xls_workbook(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook()
    ws = wb.add_sheet("名册")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for j, h in enumerate(HEADER):
        ws.write(0, j, h)
    for i, row in enumerate(GOOD_ROWS, start=1):
        for j, value in enumerate(row):
            ws.write(i, j, value, date_style) if isinstance(value, date) else ws.write(i, j, value)
    wb.save(str(tmp_path / "old.xls"))
    result = load_table(tmp_path / "old.xls", ROSTER_SCHEMA, RosterRow, defaults=DEFAULTS)
    assert not result.errors
    assert [(m.student_name, m.deadline) for _, m in result.valid][0] == ("张小明", date(2020, 8, 25))


def test_repeated_cells_each_converted_and_reported(tmp_path):
    """Converters remember repeated values per column: every row must still get its own
    problem (with its own row number), and 1 / 1.0 / True stay distinct."""
    from kcdocs.tabular import Column, TableSchema
    from kcdocs.tabular.validate import validate_rows

    from pydantic import BaseModel

    class Row(BaseModel):
        name: str
        when: date | None = None
        n: int | None = None
        tags: list[str] = []

    schema = TableSchema("测试", (Column("name", "姓名", required=True), Column("when", "日期", kind="date"),
                                 Column("n", "数量", kind="int"), Column("tags", "标签", kind="list")))
    rows = [["姓名", "日期", "数量", "标签"],
            ["甲", "2020-13-45", 1, "甲、乙"], ["乙", "2020-13-45", True, "甲、乙"], ["丙", "2020-5-1", 1.0, "甲、乙"],
            ["丁", "2020-5-1", "1", "甲、乙"]]
    path = write_csv(tmp_path / "t.csv", [[str(c) if c is not None else "" for c in r] for r in rows])
    table = read_table(path, schema)
    table.rows[0].values["n"], table.rows[1].values["n"], table.rows[2].values["n"] = 1, True, 1.0
    result = validate_rows(table, schema, Row)
    assert [(p.row, p.column) for p in result.errors] == [(2, "日期"), (3, "日期"), (3, "数量")]
    (_, c), (_, d) = result.valid
    assert c.when == d.when == date(2020, 5, 1) and c.n == d.n == 1
    assert c.tags == d.tags == ["甲", "乙"]


def test_repeated_unique_values_name_each_other(tmp_path):
    from pydantic import BaseModel

    from kcdocs.tabular import Column, TableSchema
    from kcdocs.tabular.validate import validate_rows

    class Row(BaseModel):
        code: str

    schema = TableSchema("测试", (Column("code", "编号", required=True, unique=True),))
    path = write_csv(tmp_path / "u.csv", [["编号"], ["A"], ["B"], ["A"], ["C"], ["A"], ["B"]])
    result = validate_rows(read_table(path, schema), schema, Row)
    assert [(p.row, p.message) for p in result.errors] == [
        (2, "「编号」与第4行、第6行重复。"), (3, "「编号」与第7行重复。"), (4, "「编号」与第2行、第6行重复。"),
        (6, "「编号」与第2行、第4行重复。"), (7, "「编号」与第3行重复。")]
    assert [m.code for _, m in result.valid] == ["C"]
