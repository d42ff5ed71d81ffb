"""Review decisions through the real CLI: audit -> review export -> fill 决定 -> review apply -> re-audit."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parent.parent
KCDOCS = REPO / ".venv" / "bin" / "kcdocs"
LEDGER = REPO / "samples" / "ledger.xlsx"

REVIEWER = "张审核"


def kcdocs(*args, cwd: Path) -> subprocess.CompletedProcess:
    cmd = [str(KCDOCS)] if KCDOCS.exists() else [sys.executable, "-m", "kcdocs"]
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)


def audit(work: Path) -> dict:
    done = kcdocs("audit", LEDGER, "ev", "-o", "out", "--as-of", "2020-06-15", cwd=work)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    return {c["case_id"]: c for c in json.loads((work / "out" / "findings.json").read_text("utf-8"))["cases"]}


def rows_of(ws) -> dict[tuple[str, str, int], int]:
    head = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(head)}
    out = {}
    for n, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        out[(row[col["台账编号"]], row[col["规则编号"]], row[col["文件"]], row[col["页"]])] = n
    return out, col


def fill(path: Path, decisions: list[tuple[str, str, str, str | None]]) -> dict[str, int]:
    """Write (case, rule, 决定, 复核人) into the exported workbook; returns case -> row filled."""
    wb = load_workbook(path)
    ws = wb["待复核"]
    rows, col = rows_of(ws)
    filled = {}
    for case, rule, decision, who in decisions:
        hits = [n for (c, r, _f, _p), n in rows.items() if c == case and r == rule]
        assert hits, (case, rule)
        for n in hits:
            ws.cell(n, col["决定"] + 1, decision)
            if who:
                ws.cell(n, col["复核人"] + 1, who)
            ws.cell(n, col["备注"] + 1, "已调阅原件")
            filled.setdefault(case, n)
    wb.save(path)
    return filled


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    work = tmp_path_factory.mktemp("review")
    shutil.copytree(REPO / "samples" / "evidence", work / "ev")
    before = audit(work)
    done = kcdocs("review", "export", "out", "-o", "待复核.xlsx", cwd=work)
    assert done.returncode == 0, done.stderr
    filled = fill(work / "待复核.xlsx", [
        ("370402-2020-0001", "R0.persuasion_records", "确认已签字", REVIEWER),   # 待复核 -> 完整
        ("370403-2020-0002", "W1.household_correction", "确认已盖章", REVIEWER),  # 待复核 -> 完整
        ("370404-2020-0002", "W3.police_confirmation", "不符合", REVIEWER),       # 待复核 -> 不完整
        ("370403-2020-0003", "P1.consent", "确认已签字", REVIEWER),               # has a missing document
        ("370403-2020-0003", "P1.persuasion_records", "确认已签字", REVIEWER),
        ("370403-2020-0003", "P1.acceptance", "确认已盖章", REVIEWER),
        ("370402-2020-0004", "R0.persuasion_records", "确认材料无误", REVIEWER),
        ("370406-2020-0003", "R0.persuasion_records", "确认已签字", REVIEWER),   # same scan as 何平's
        ("370481-2020-0002", "W7.guardian_application", "同意", REVIEWER),        # not a decision
        ("370481-2020-0002", "W7.approval", "确认已盖章", None),                 # no reviewer
    ])
    applied = kcdocs("review", "apply", "待复核.xlsx", "--evidence", "ev", cwd=work)
    after = audit(work)
    return work, before, applied, after, filled


def test_export_lists_every_pending_item(flow):
    work, before, *_ = flow
    wb = load_workbook(work / "待复核.xlsx")
    assert wb["待复核"].max_row - 1 == sum(len(c["review"]) for c in before.values())
    assert before["370402-2020-0001"]["status"] == "review"


def test_apply_names_bad_rows_and_records_the_others(flow):
    work, _, applied, _, filled = flow
    assert applied.returncode == 1, applied.stdout + applied.stderr
    text = applied.stdout + applied.stderr
    assert "Traceback" not in text
    row_bad = filled["370481-2020-0002"]
    assert "同意" in text and "不是可选的决定" in text
    assert "没有填写复核人" in text
    assert f"工作表「待复核」 第{row_bad}行 「决定」列：“同意”不是可选的决定" in text, text
    assert f"工作表「待复核」 第{row_bad + 1}行 「复核人」列：没有填写复核人" in text, text
    assert "已记录 9 个复核决定" in text and "2 行无法使用" in text, text
    lines = (work / "ev" / "复核记录.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 9
    assert all(json.loads(x)["复核人"] == REVIEWER for x in lines)


def test_confirmed_items_pass_by_review_with_reviewer(flow):
    work, before, _, after, _ = flow
    for cid in ("370402-2020-0001", "370403-2020-0002", "370402-2020-0004"):
        case = after[cid]
        assert case["status"] == "complete", (cid, case)
        assert case["review"] == []
        assert case["reviewed"] and all(r["by"] == "review" and r["reviewer"] == REVIEWER for r in case["reviewed"])
    html = (work / "out" / "report.html").read_text("utf-8")
    assert "经人工复核" in html and REVIEWER in html
    moved = html[html.index("结论有变化的案例"):]
    moved = moved[:moved.index("</table>")]
    row = next(r for r in moved.split("<tr>") if "370402-2020-0001" in r)
    assert "待复核" in row and "完整" in row and REVIEWER in row
    assert after["370402-2020-0001"]["reviewed"][0]["decision"] == "确认已签字"


def test_rejected_item_becomes_a_finding(flow):
    _, _, _, after, _ = flow
    case = after["370404-2020-0002"]
    assert case["status"] == "incomplete"
    kinds = [f["kind"] for f in case["findings"]]
    assert kinds == ["unsealed"], case["findings"]
    assert "人工复核认定不符合" in case["findings"][0]["message"] and REVIEWER in case["findings"][0]["message"]


def test_decision_never_hides_a_missing_document(flow):
    _, before, _, after, _ = flow
    case = after["370403-2020-0003"]
    assert case["review"] == [] and len(case["reviewed"]) == 4
    assert case["status"] == "incomplete"
    assert [f["kind"] for f in case["findings"]] == [f["kind"] for f in before["370403-2020-0003"]["findings"]]
    assert "missing" in [f["kind"] for f in case["findings"]]


def test_bad_rows_stay_pending(flow):
    _, _, _, after, _ = flow
    case = after["370481-2020-0002"]
    assert case["status"] == "review" and len(case["review"]) == 2 and not case.get("reviewed")


def test_same_file_in_another_case_is_not_decided(flow):
    """许诺 and 何平 hold byte-identical scans; a decision on one case is not the other's."""
    _, before, _, after, _ = flow
    assert after["370406-2020-0003"]["review"] == [] and after["370406-2020-0003"]["reviewed"]
    assert after["370481-2020-0004"]["review"] == before["370481-2020-0004"]["review"]
    assert not after["370481-2020-0004"].get("reviewed")


def test_store_file_is_not_a_stray_folder(flow):
    work, *_ = flow
    data = json.loads((work / "out" / "findings.json").read_text("utf-8"))
    assert all("复核记录" not in u["path"] for u in data["unmatched_folders"])


def test_changed_file_is_pending_again(flow):
    work, *_ = flow
    scan = work / "ev" / "370402-2020-0004 曹敏" / "劝返记录.jpg"
    scan.write_bytes(scan.read_bytes() + b"\0")  # trailing byte after JPEG end: same picture, new SHA-256
    again = audit(work)
    case = again["370402-2020-0004"]
    assert case["status"] == "review" and len(case["review"]) == 1 and not case.get("reviewed")
    assert again["370402-2020-0001"]["status"] == "complete"  # others keep their decision


def test_sha256_column_never_masked(tmp_path):
    """A digest may hold a run of digits that looks like an ID number; it must be read back whole,
    while a real ID number in the texts is masked."""
    from kcdocs.review import PendingItem, write_pending_workbook

    sha = "9de58bba9e6fa8d982d5f3544e912024354496746e05be16449ce886d041515e"
    sha2 = "370402201408310010" + "ab" * 23
    items = [PendingItem("370402-2020-0001", "李明", "市中区", "R0.persuasion_records", "劝返过程记录", f"a/{n}.jpg", s,
                         1, "签名待核验：身份证号 370402201408310010 的监护人签字", None) for n, s in enumerate((sha, sha2))]
    write_pending_workbook(items, tmp_path / "w.xlsx")
    ws = load_workbook(tmp_path / "w.xlsx")["待复核"]
    head = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[head.index("SHA256")] for r in rows] == [sha, sha2]
    assert all("370402201408310010" not in r[head.index("待复核事项")] for r in rows)


@pytest.fixture
def exported(tmp_path):
    shutil.copytree(REPO / "samples" / "evidence", tmp_path / "ev")
    audit(tmp_path)
    assert kcdocs("review", "export", "out", "-o", "待复核.xlsx", cwd=tmp_path).returncode == 0
    return tmp_path


def test_file_changed_after_export_is_named(exported):
    work = exported
    fill(work / "待复核.xlsx", [("370402-2020-0001", "R0.persuasion_records", "确认已签字", REVIEWER),
                               ("370403-2020-0002", "W1.household_correction", "确认已盖章", REVIEWER)])
    scan = work / "ev" / "370403-2020-0002 周强" / "户口信息更正证明.jpg"
    scan.write_bytes(scan.read_bytes() + b"\0")
    done = kcdocs("review", "apply", "待复核.xlsx", "--evidence", "ev", cwd=work)
    out = done.stdout + done.stderr
    assert done.returncode == 1 and "「文件」列" in out and "在导出后已改动" in out and "户口信息更正证明.jpg" in out
    assert "已记录 1 个复核决定" in out
    after = audit(work)
    assert after["370402-2020-0001"]["status"] == "complete" and after["370403-2020-0002"]["status"] == "review"


def test_damaged_decisions_line_named_others_applied(exported):
    work = exported
    fill(work / "待复核.xlsx", [("370402-2020-0001", "R0.persuasion_records", "确认已签字", REVIEWER),
                               ("370403-2020-0002", "W1.household_correction", "确认已盖章", REVIEWER)])
    assert kcdocs("review", "apply", "待复核.xlsx", "--evidence", "ev", cwd=work).returncode == 0
    store = work / "ev" / "复核记录.jsonl"
    lines = store.read_text("utf-8").splitlines()
    store.write_text("\n".join([lines[0][:40], lines[1]]) + "\n", "utf-8")  # the first line cut short
    done = kcdocs("audit", LEDGER, "ev", "-o", "out", "--as-of", "2020-06-15", cwd=work)
    out = done.stdout + done.stderr
    assert "Traceback" not in out and "复核记录" in out and "第1行" in out, out
    cases = {c["case_id"]: c for c in json.loads((work / "out" / "findings.json").read_text("utf-8"))["cases"]}
    assert cases["370402-2020-0001"]["status"] == "review" and cases["370403-2020-0002"]["status"] == "complete"


@pytest.mark.parametrize("args, words", [
    (("review", "apply", "没有.xlsx", "--evidence", "ev"), "找不到文件：没有.xlsx"),
    (("review", "apply", "待复核.xlsx", "--evidence", "没有的文件夹"), "佐证材料文件夹不存在"),
    (("review", "export", "没有的文件夹", "-o", "a.xlsx"), "找不到稽核结果"),
    (("review", "list", "没有的文件夹"), "找不到稽核结果"),
])
def test_unusable_arguments_exit_2(exported, args, words):
    done = kcdocs(*args, cwd=exported)
    out = done.stdout + done.stderr
    assert done.returncode == 2 and words in out and "Traceback" not in out, out


def test_dossier_checklist_names_the_reviewer(flow):
    import pdfplumber

    work, *_ = flow
    done = kcdocs("dossier", LEDGER, "ev", "-o", "卷宗", "--as-of", "2020-06-15", "--case", "370402-2020-0001",
                  "--case", "370404-2020-0002", cwd=work)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    texts = {}
    for pdf in (work / "卷宗").glob("370*.pdf"):
        with pdfplumber.open(pdf) as doc:
            texts[pdf.name[:16]] = "\n".join(p.extract_text() or "" for p in doc.pages[:3])
    assert "卷宗结论：完整" in texts["370402-2020-0001"]
    mine = texts["370402-2020-0001"]  # table cells wrap: look for the words one by one
    assert "经人工复核：确认已签字（复核人" + REVIEWER[0] in mine, mine
    assert "卷宗结论：不完整" in texts["370404-2020-0002"] and "人工复核认定不符合" in texts["370404-2020-0002"]
