"""The 通报, 迎检卷宗, 核对, 底数比对 pages, the week/month read-back and the blank templates over
the HTTP level (Flask test client), with their real outputs read back: PDF text with
pdfplumber, workbooks with openpyxl."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path
from urllib.parse import quote, unquote

import pdfplumber
import pytest
from openpyxl import load_workbook

from kcdocs.web.app import NAV
from tests.conftest import REPO, write_xlsx
from tests.web_util import app, client, evidence, wait  # noqa: F401  (fixtures)

SAMPLES = REPO / "samples"


def task_of(resp) -> str:
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
    return resp.headers["Location"]


def download(client, page: str, name: str) -> bytes:
    href = next(h for h in re.findall(r'href="(/t/[^"]+)"', page) if unquote(html.unescape(h)).endswith("/" + name))
    resp = client.get(html.unescape(href))
    assert resp.status_code == 200
    return resp.data


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(BytesIO(data)) as pdf:
        return "\n".join(p.extract_text() or "" for p in pdf.pages)


def audit(client, evidence) -> str:
    url = task_of(client.post("/audit", data={"ledger_path": str(SAMPLES / "ledger.xlsx"),
                                              "evidence_path": str(evidence), "as_of": "2020-06-15"}))
    assert wait(client, url)["runs"][-1]["state"] == "done"
    return url


def test_every_page_is_in_the_nav_and_answers_in_chinese(client):
    home = client.get("/").get_data(as_text=True)
    for endpoint, label in NAV:
        with client.application.test_request_context():
            from flask import url_for

            url = url_for(endpoint)
        assert f'href="{url}"' in home, label
        page = client.get(url)
        assert page.status_code == 200, url
        text = re.sub(r"<[^>]+>", " ", page.get_data(as_text=True))
        assert "<h1>" in page.get_data(as_text=True) and re.search(r"[\u4e00-\u9fff]{2,}", text)
    assert {label for _, label in NAV} >= {"复核", "通报", "迎检卷宗", "核对", "底数比对"}


def test_bulletin_from_uploaded_findings_zip_and_reports(client, evidence, tmp_path):
    first = audit(client, evidence)
    folder = client.application.extensions["kcdocs_tasks"].root / first.split("/")[-1] / "audit"
    findings = (folder / "findings.json").read_bytes()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:  # an audit folder zipped as a district would send it
        for path in folder.rglob("*.json"):
            zf.write(path, "滕州市稽核结果/" + path.relative_to(folder).as_posix())
    reports = write_xlsx(tmp_path / "报送记录.xlsx", [["区市", "报告", "期次", "报送日期"],
                                                   ["市中区", "周报", "2020-W20", date(2020, 5, 25)],
                                                   ["薛城区", "周报", "2020-W20", date(2020, 5, 19)]], sheet="报送记录")
    data = {"sources": [(io.BytesIO(findings), "findings.json"), (io.BytesIO(archive.getvalue()), "滕州市.zip"),
                        (io.BytesIO(b"{not json"), "坏的.json")],
            "unit": "枣庄市教育局", "number": "枣教字〔2020〕20号", "when": "2020-06-20",
            "reports": (reports.open("rb"), "报送记录.xlsx")}
    url = task_of(client.post("/bulletin", data=data, content_type="multipart/form-data"))
    assert wait(client, url)["runs"][-1]["state"] == "done"
    page = client.get(url).get_data(as_text=True)
    assert "通报完成" in page and "逾期报送 1 次" in page
    assert 'data-district="市中区"' in page and 'data-district="薛城区"' in page
    assert "坏的.json" in page and "/sources/" not in page  # the bad upload named as the user named it
    text = pdf_text(download(client, page, "通报.pdf"))
    assert "通报" in text and "枣庄市教育局" in text and "枣教字〔2020〕20号" in text
    assert "市中区" in text and "滕州市" in text
    assert not re.search(r"\d{17}[\dX]", text)  # IDs masked
    wb = load_workbook(BytesIO(download(client, page, "通报.xlsx")))
    cells = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert "市中区" in cells and "薛城区" in cells


def test_bulletin_needs_a_source(client):
    resp = client.post("/bulletin", data={}, content_type="multipart/form-data")
    assert resp.status_code == 400 and "没有选择稽核结果" in resp.get_data(as_text=True)
    bad = client.post("/bulletin", data={"sources": (io.BytesIO(b"PK\x03\x04broken"), "坏.zip")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400 and "压缩包 坏.zip 无法打开" in bad.get_data(as_text=True)


def test_dossiers_for_chosen_cases_then_verify_finds_a_changed_file(client, evidence, tmp_path):
    audit_url = audit(client, evidence)
    url = task_of(client.get(audit_url + "/dossier"))
    page = client.get(url).get_data(as_text=True)
    assert page.count('name="case"') == 21 and "待复核" in page
    refused = client.post(url + "/make", data={})
    assert refused.status_code == 400 and "请勾选要生成卷宗的案例" in refused.get_data(as_text=True)
    chosen = ["370402-2020-0001", "370405-2020-0002"]
    assert client.post(url + "/make", data={"case": chosen}).status_code == 303
    assert wait(client, url, 300)["runs"][-1]["state"] == "done", client.get(url).get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "卷宗生成完成：2 份" in page
    with zipfile.ZipFile(BytesIO(download(client, page, "迎检卷宗1.zip"))) as zf:
        names = zf.namelist()
        assert "迎检卷宗/manifest.json" in names and "迎检卷宗/index.pdf" in names
        dossiers = [n for n in names if n.endswith(".pdf") and "index" not in n]
        assert len(dossiers) == 2 and all(any(c in n for c in chosen) for n in dossiers)
        text = pdf_text(zf.read(next(n for n in dossiers if chosen[1] in n)))
        assert chosen[1] in text
        manifest = json.loads(zf.read("迎检卷宗/manifest.json"))
    assert manifest
    index = pdf_text(download(client, page, "index.pdf"))
    assert "卷宗索引" in index and "共 2 份卷宗" in index and all(c in index for c in chosen)

    # 核对: the dossier made here, intact; then one evidence file changed
    task_id = url.split("/")[-1]
    verify = task_of(client.post("/verify", data={"made": task_id}))
    assert wait(client, verify)["runs"][-1]["state"] == "done"
    assert 'id="intact"' in client.get(verify).get_data(as_text=True)
    target = next((evidence / "370405-2020-0002 冯军").iterdir())
    target.write_bytes(target.read_bytes() + b"\n")
    verify = task_of(client.post("/verify", data={"made": task_id}))
    wait(client, verify)
    page = client.get(verify).get_data(as_text=True)
    assert 'id="changes"' in page and "已改变" in page and target.name in page


def test_verify_a_folder_typed_on_the_form(client, evidence, tmp_path):
    resp = client.post("/verify", data={"dossier_path": str(tmp_path / "没有"), "evidence_path": str(evidence)})
    assert resp.status_code == 400 and "卷宗文件夹不存在" in resp.get_data(as_text=True)
    empty = tmp_path / "空卷宗"
    empty.mkdir()
    url = task_of(client.post("/verify", data={"dossier_path": str(empty), "evidence_path": str(evidence)}))
    status = wait(client, url)
    assert status["runs"][-1]["state"] == "failed"
    assert "manifest.json" in client.get(url).get_data(as_text=True)


def test_dossier_form_with_a_typed_ledger(client, evidence):
    resp = client.post("/dossier", data={"ledger_path": str(SAMPLES / "ledger.xlsx"), "evidence_path": str(evidence)})
    url = task_of(resp)
    page = client.get(url).get_data(as_text=True)
    assert page.count('name="case"') == 21 and "370405-2020-0002" in page
    bad = client.post("/dossier", data={"ledger_path": str(SAMPLES / "ledger.xlsx"), "evidence_path": ""})
    assert bad.status_code == 400 and "没有填写佐证材料文件夹" in bad.get_data(as_text=True)


def test_reconcile_uploads_give_the_workbook_of_the_cli(client):
    folder = SAMPLES / "reconcile"
    population = [(p.open("rb"), p.name) for p in (folder / "户籍名单_公安.xlsx", folder / "扶贫办_建档立卡.csv",
                                                  folder / "残联_残疾儿童.xlsx")]
    data = {"population": population, "students": ((folder / "学籍_平台导出.xlsx").open("rb"), "学籍_平台导出.xlsx"),
            "as_of": "2020-05-15"}
    url = task_of(client.post("/reconcile", data=data, content_type="multipart/form-data"))
    assert wait(client, url)["runs"][-1]["state"] == "done"
    page = client.get(url).get_data(as_text=True)
    expected = json.loads((folder / "expected.json").read_text("utf-8"))
    assert f'id="suspected-count">{len(expected["suspected"])}<' in page
    wb = load_workbook(BytesIO(download(client, page, "底数比对.xlsx")))
    sheet = next(ws for ws in wb.worksheets if ws.title.startswith("疑似"))
    ids = {str(c.value) for row in sheet.iter_rows() for c in row if c.value}
    assert set(expected["suspected"]) <= ids
    missing = client.post("/reconcile", data={"students": (io.BytesIO(b"x"), "学籍.xlsx")},
                          content_type="multipart/form-data")
    assert missing.status_code == 400 and "没有选择户籍名单" in missing.get_data(as_text=True)


@pytest.mark.parametrize("kind,text,year,label", [
    ("weekly", "第20周", 2020, "2020年第20周（5月11日—5月17日）"),
    ("weekly", "2020-W20", None, "2020年第20周（5月11日—5月17日）"),
    ("weekly", "2020-05-13", None, "2020年第20周（5月11日—5月17日）"),
    ("weekly", "２０２０年第２０周", None, "2020年第20周（5月11日—5月17日）"),
    ("monthly", "2020年5月", None, "2020年5月"),
    ("monthly", "2020-05", None, "2020年5月"),
    ("monthly", "5月", 2021, "2021年5月"),
])
def test_period_read_back(client, kind, text, year, label):
    query = {"kind": kind, "text": text, **({"year": year} if year else {})}
    got = client.get("/period.json", query_string=query).get_json()
    assert got["ok"] and got["label"] == label


def test_period_that_is_not_one_says_how_to_write_it(client):
    got = client.get("/period.json", query_string={"kind": "weekly", "text": "下周"}).get_json()
    assert not got["ok"] and "不是周的写法" in got["error"] and "第20周" in got["hint"]
    got = client.get("/period.json", query_string={"kind": "weekly", "text": "2020-W54"}).get_json()
    assert not got["ok"] and "没有第54周" in got["error"]
    assert client.get("/period.json", query_string={"kind": "daily", "text": "x"}).status_code == 400


def test_report_from_a_chinese_week_and_month(client):
    url = task_of(client.post("/ledger", data={"ledger_path": str(SAMPLES / "ledger.xlsx")}))
    for kind, field, text in (("weekly", "week", "第20周"), ("monthly", "month", "2020年5月")):
        assert client.post(url + "/report", data={"kind": kind, field: text, "generated": "2020-05-19"}).status_code == 303
        wait(client, url)
    page = client.get(url).get_data(as_text=True)
    assert "周报（2020年第20周（5月11日—5月17日））" in page and "月报（2020年5月）" in page


def test_ledger_list_shows_disposition_names_and_templates_download(client):
    url = task_of(client.post("/ledger", data={"ledger_path": str(SAMPLES / "ledger.xlsx")}))
    page = client.get(url).get_data(as_text=True)
    labels = re.findall(r'<label><input type="checkbox" name="case".*?</label>', page, re.S)
    assert len(labels) == 21
    assert any("核销·实际死亡" in x for x in labels)
    for x in labels:  # the name first; the code only in small print after it
        text = re.sub(r'<span class="code">[^<]*</span>', "", x)
        assert not re.search(r"·\s*(R0|P[12]|W[1-7])\s*·", re.sub(r"<[^>]+>", "", text)), x
    form = client.get("/ledger").get_data(as_text=True)
    for kind, name, sheets in (("ledger", "控辍保学台账模板.xlsx", {"学生台账", "劝返记录"}), ("roster", "名册模板.xlsx", {"名册"})):
        assert f'href="/template/{kind}.xlsx"' in form
        resp = client.get(f"/template/{kind}.xlsx")
        assert resp.status_code == 200 and quote(name) in resp.headers["Content-Disposition"]
        assert sheets <= set(load_workbook(BytesIO(resp.data)).sheetnames)
    assert client.get("/template/other.xlsx").status_code == 404


def test_audit_page_links_review_and_dossier_and_names_dispositions(client, evidence):
    url = audit(client, evidence)
    page = client.get(url).get_data(as_text=True)
    assert 'id="to-review"' in page and 'id="to-dossier"' in page
    row = re.search(r'<tr data-case="370405-2020-0002">.*?</tr>', page, re.S).group(0)
    assert "核销·实际死亡" in row
    assert Path(evidence / "复核记录.jsonl").exists() is False


def test_bulletin_names_a_district_by_its_file_when_the_cases_do_not(client, evidence):
    first = audit(client, evidence)
    folder = client.application.extensions["kcdocs_tasks"].root / first.split("/")[-1] / "audit"
    data = json.loads((folder / "findings.json").read_text("utf-8"))
    for case in data["cases"]:
        case["district"] = None
    upload = io.BytesIO(json.dumps(data, ensure_ascii=False).encode("utf-8"))
    url = task_of(client.post("/bulletin", data={"sources": [(upload, "薛城区.json")], "when": "2020-06-20"},
                              content_type="multipart/form-data"))
    assert wait(client, url)["runs"][-1]["state"] == "done"
    page = client.get(url).get_data(as_text=True)
    assert re.findall(r'data-district="([^"]+)"', page) == ["薛城区"]


def test_report_page_says_which_ledger_rows_were_not_counted(client, tmp_path):
    wb = load_workbook(SAMPLES / "ledger.xlsx")
    wb["劝返记录"].append(["370402-2020-0001", "第二次", "上周", "？", None, None, None])
    path = tmp_path / "台账_劝返记录有误.xlsx"
    wb.save(path)
    url = task_of(client.post("/ledger", data={"ledger_path": str(path)}))
    client.post(url + "/report", data={"kind": "weekly", "week": "2020-W20", "generated": "2020-05-19"})
    wait(client, url)
    page = client.get(url).get_data(as_text=True)
    assert "劝返记录中 1 行不能完整读取，未计入本报告" in page


def test_sample_evidence_offered_by_the_page_is_a_copy(client, monkeypatch):
    """Trying the pages on the samples (填入示例) never writes into samples/: review decisions
    are recorded beside the evidence, so the page offers a copy in the server's work folder."""
    monkeypatch.chdir(REPO)
    form = client.get("/audit").get_data(as_text=True)
    offered = Path(html.unescape(re.search(r'data-fill="evidence_path" data-value="([^"]+)"', form).group(1)))
    assert SAMPLES.resolve() not in offered.resolve().parents
    assert sorted(p.relative_to(offered) for p in offered.rglob("*")) == \
        sorted(p.relative_to(SAMPLES / "evidence") for p in (SAMPLES / "evidence").rglob("*"))
    again = client.get("/dossier").get_data(as_text=True)
    assert str(offered) in html.unescape(again)  # one copy per server
    url = audit(client, offered)
    assert "370405-2020-0002" in client.get(url).get_data(as_text=True)
