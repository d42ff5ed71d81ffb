"""The 复核 page over the HTTP level (Flask test client): an audit of a copy of the sample
evidence, a decision recorded from a button into the same 复核记录.jsonl the CLI writes, the
re-audit showing the case 完整 with its reviewer; the decisions workbook out and back in."""

from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import asdict
from io import BytesIO

from openpyxl import load_workbook
from PIL import Image

from kcdocs.checklists.signers import BoxReview
from kcdocs.review import STORE_NAME
from tests.conftest import REPO
from tests.web_util import app, client, evidence, wait  # noqa: F401  (fixtures)

SAMPLES = REPO / "samples"
SIGNED_CASE = "370402-2020-0001"  # 待复核: one persuasion record whose signatures cannot be read
SEALED_CASE = "370403-2020-0002"  # 待复核: one 户口信息更正证明 whose seal was not checked




def start_audit(client, evidence) -> str:
    resp = client.post("/audit", data={"ledger_path": str(SAMPLES / "ledger.xlsx"), "evidence_path": str(evidence),
                                       "as_of": "2020-06-15"})
    assert resp.status_code == 303
    task_id = resp.headers["Location"].rstrip("/").split("/")[-1]
    assert wait(client, task_id)["runs"][-1]["state"] == "done"
    return task_id


def case_block(page: str, case_id: str) -> str:
    m = re.search(rf'<section class="card review-case" id="case-{case_id}".*?</section>', page, re.S)
    assert m, f"no review block for {case_id}"
    return m.group(0)


def number(page: str, ident: str) -> int:
    return int(re.search(rf'id="{ident}">(\d+)<', page).group(1))


def test_a_button_records_the_decision_and_the_case_becomes_complete(app, client, evidence):
    task_id = start_audit(client, evidence)
    audit_page = client.get(f"/audit/{task_id}").get_data(as_text=True)
    assert f'href="/audit/{task_id}/review"' in audit_page
    page = client.get(f"/audit/{task_id}/review").get_data(as_text=True)
    assert number(page, "pending-count") == 21 and number(page, "decided-count") == 0
    block = case_block(page, SIGNED_CASE)
    assert "待复核" in block and "需核验签字" in block
    # buttons fit the check: a signature item offers no 确认已盖章
    assert 'value="确认已签字"' in block and 'value="确认已盖章"' not in block and 'value="不符合"' in block
    # the page's picture is a real PNG of the evidence page, and the evidence opens at its page
    thumb = html.unescape(re.search(r'<img src="([^"]*/review/page\.png[^"]*)"', block).group(1))
    png = client.get(thumb)
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert max(Image.open(BytesIO(png.data)).size) <= 360
    link = html.unescape(re.search(r'href="([^"]*/evidence/[^"#]*)#page=1"', block).group(1))
    assert client.get(link).mimetype == "application/pdf"

    key = html.unescape(re.search(r'name="key" value="([^"]+)"', block).group(1))
    resp = client.post(f"/audit/{task_id}/review/decide",
                       data={"key": key, "decision": "确认已签字", "reviewer": "刘芳", "note": "原件已核"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"#case-{SIGNED_CASE}")
    status = wait(client, task_id)
    assert len(status["runs"]) == 2 and status["runs"][-1]["state"] == "done"

    lines = [json.loads(x) for x in (evidence / STORE_NAME).read_text("utf-8").splitlines()]
    assert [(x["台账编号"], x["决定"], x["复核人"], x["备注"]) for x in lines] == [(SIGNED_CASE, "确认已签字", "刘芳", "原件已核")]
    page = client.get(f"/audit/{task_id}/review").get_data(as_text=True)
    assert number(page, "pending-count") == 20 and number(page, "decided-count") == 1
    assert f'id="case-{SIGNED_CASE}"' not in page
    row = re.search(rf'<tr data-case="{SIGNED_CASE}">.*?</tr>', page, re.S).group(0)
    assert "完整" in row and "确认已签字" in row and "刘芳" in row and "原件已核" in row
    # the audit itself (report and findings.json) now counts it complete, by review
    findings = json.loads((app.extensions["kcdocs_tasks"].root / task_id / "audit" / "findings.json").read_text("utf-8"))
    case = next(c for c in findings["cases"] if c["case_id"] == SIGNED_CASE)
    assert case["status"] == "complete" and case["reviewed"][0]["reviewer"] == "刘芳"


def test_wrong_or_missing_answers_are_refused_in_chinese(client, evidence):
    task_id = start_audit(client, evidence)
    page = client.get(f"/audit/{task_id}/review").get_data(as_text=True)
    key = html.unescape(re.search(r'name="key" value="([^"]+)"', case_block(page, SEALED_CASE)).group(1))
    no_name = client.post(f"/audit/{task_id}/review/decide", data={"key": key, "decision": "确认已盖章", "reviewer": " "})
    assert no_name.status_code == 400 and "请填写复核人姓名" in no_name.get_data(as_text=True)
    misfit = client.post(f"/audit/{task_id}/review/decide", data={"key": key, "decision": "确认已签字", "reviewer": "刘芳"})
    assert misfit.status_code == 400 and "需核验公章" in misfit.get_data(as_text=True)
    stale = client.post(f"/audit/{task_id}/review/decide", data={"key": "x|1|y", "decision": "不符合", "reviewer": "刘芳"})
    assert stale.status_code == 400 and "已不在待复核清单中" in stale.get_data(as_text=True)
    assert not (evidence / STORE_NAME).exists()
    # a rejection becomes a finding of the matching kind: the case turns 不完整
    assert client.post(f"/audit/{task_id}/review/decide",
                       data={"key": key, "decision": "不符合", "reviewer": "刘芳", "note": "无公章"}).status_code == 303
    wait(client, task_id)
    audit_page = client.get(f"/audit/{task_id}").get_data(as_text=True)
    row = re.search(rf'<tr data-case="{SEALED_CASE}">.*?</tr>', audit_page, re.S).group(0)
    assert "不完整" in row and "人工复核认定不符合" in row


def test_decisions_workbook_out_and_back_in(client, evidence, tmp_path):
    task_id = start_audit(client, evidence)
    resp = client.get(f"/audit/{task_id}/review/待复核.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(BytesIO(resp.data))
    ws = wb["待复核"]
    head = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 21
    col = {h: i + 1 for i, h in enumerate(head)}
    for r, values in enumerate(rows, start=2):
        if values[col["台账编号"] - 1] == SEALED_CASE:
            ws.cell(r, col["决定"], "确认已盖章")
            ws.cell(r, col["备注"], "派出所公章清晰")
        if values[col["台账编号"] - 1] == SIGNED_CASE:
            ws.cell(r, col["决定"], "确认已签字")
    ws.cell(3, col["决定"], "随便写")  # an unusable row is named, the others still count
    filled = tmp_path / "填好的待复核.xlsx"
    wb.save(filled)
    with filled.open("rb") as f:
        resp = client.post(f"/audit/{task_id}/review/workbook", data={"workbook": (f, filled.name), "reviewer": "王伟"},
                           content_type="multipart/form-data")
    assert resp.status_code == 303
    wait(client, task_id)
    page = client.get(f"/audit/{task_id}/review").get_data(as_text=True)
    message = re.search(r'id="review-message">.*?</div>', page, re.S).group(0)
    assert "记录 2 个复核决定" in message and "1 行无法使用" in message
    assert "填好的待复核.xlsx 工作表「待复核」 第3行 「决定」列" in message and "随便写" in message
    assert "/upload/" not in message  # the user's file name, not the server's private folder
    assert number(page, "decided-count") == 2
    for case in (SIGNED_CASE, SEALED_CASE):
        row = re.search(rf'<tr data-case="{case}">.*?</tr>', page, re.S).group(0)
        assert "完整" in row and "王伟" in row
    assert len((evidence / STORE_NAME).read_text("utf-8").splitlines()) == 2


def test_review_home_lists_audits_and_reads_a_workbook_for_any_folder(client, evidence, tmp_path):
    empty = client.get("/review").get_data(as_text=True)
    assert "还没有稽核" in empty
    task_id = start_audit(client, evidence)
    home = client.get("/review").get_data(as_text=True)
    assert f'href="/audit/{task_id}/review"' in home and ">21<" in home
    wb = load_workbook(BytesIO(client.get(f"/audit/{task_id}/review/待复核.xlsx").data))
    ws = wb["待复核"]
    ws.cell(2, [c.value for c in ws[1]].index("决定") + 1, "确认材料无误")
    filled = tmp_path / "待复核.xlsx"
    wb.save(filled)
    with filled.open("rb") as f:
        resp = client.post("/review", data={"workbook": (f, "待复核.xlsx"), "evidence_path": str(evidence),
                                            "reviewer": "赵敏"}, content_type="multipart/form-data")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "已记录 1 个复核决定" in text and "20 行未填写决定" in text
    assert json.loads((evidence / STORE_NAME).read_text("utf-8"))["复核人"] == "赵敏"
    with filled.open("rb") as f:
        bad = client.post("/review", data={"workbook": (f, "待复核.xlsx"), "evidence_path": str(tmp_path / "没有")},
                          content_type="multipart/form-data")
    assert bad.status_code == 400 and "佐证材料文件夹不存在" in bad.get_data(as_text=True)


def test_a_measured_signature_box_is_shown_as_its_own_crop(app, client, evidence):
    """When the scan-back measured the box (an uncertain signature), the list shows the box's
    picture the audit made instead of the whole page."""
    task_id = start_audit(client, evidence)
    task = app.extensions["kcdocs_tasks"].get(task_id)
    case = next(c for c in task.runs[-1].result.cases if c.case.case_id == SIGNED_CASE)
    buf = BytesIO()
    Image.new("L", (120, 40), 200).save(buf, "PNG")
    uri = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
    case.review = [BoxReview(**asdict(case.review[0]), thumb=uri)]
    block = case_block(client.get(f"/audit/{task_id}/review").get_data(as_text=True), SIGNED_CASE)
    assert f'<img src="{uri}" alt="签名框" class="box">' in block and "review/page.png" not in block


def test_only_the_cases_review_can_complete(client, evidence):
    task_id = start_audit(client, evidence)
    page = client.get(f"/audit/{task_id}/review", query_string={"only": "review"}).get_data(as_text=True)
    shown = re.findall(r'<section class="card review-case" id="case-([^"]+)"', page)
    assert len(shown) == 7 and SIGNED_CASE in shown and "370403-2020-0001" not in shown  # 不完整 left out
    assert number(page, "pending-count") == 21  # the figures stay those of the whole audit
