"""kcdocs serve, HTTP level (Flask test client; one test on a real socket): the pages call the
library, show every problem, serve only what they produced, and keep their safety rules."""

from __future__ import annotations

import re
import socket
import threading
import time
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from kcdocs.errors import UsageError
from kcdocs.web import WebSettings, create_app
from kcdocs.web.uploads import safe_name
from tests.conftest import HEADER, REPO, write_xlsx
from tests.web_util import client, wait  # noqa: F401  (fixture)

SAMPLES = REPO / "samples"
ROSTER = SAMPLES / "enrollment_roster.xlsx"
BAD_ROWS = [
    ["张小明", "370402201408310010", "张建国", "枣庄市市中区实验小学", date(2020, 8, 25), "市中区教体局"],
    ["李小红", "370403201408310018", "李卫东", "临城实验小学", date(2020, 8, 26), "薛城区教体局"],  # check digit
    ["王一诺", "370481201408310016", None, "滕州市育才", date(2020, 8, 27), "滕州市教体局"],  # no guardian
    ["<script>alert(1)</script>", "370402201408310029", "赵&钱", "实验小学", date(2020, 7, 1), "市中区教体局"],
]


@pytest.fixture
def app(tmp_path):
    app = create_app(WebSettings(work_dir=tmp_path / "web", max_table_mb=1))
    yield app
    app.extensions["kcdocs_tasks"].close()




def upload_roster(client, path: Path, name: str | None = None, **fields):
    data = {"kind": "enrollment", "issue_date": "2020-06-01", **fields}
    with path.open("rb") as f:
        data["roster"] = (f, name or path.name)
        return client.post("/notices", data=data, content_type="multipart/form-data")


def downloads(html: str) -> list[str]:
    return re.findall(r'href="(/t/[^"]+)"', html)


def test_sample_roster_sixty_valid_rows_preview_and_pdf(client):
    resp = upload_roster(client, ROSTER, "入学名册.xlsx", issue_date="2020-08-01", docx="1")
    assert resp.status_code == 303
    task_url = resp.headers["Location"]
    html = client.get(task_url).get_data(as_text=True)
    assert 'id="valid-count">60<' in html and 'id="rejected-count">0<' in html
    assert "名册检查通过：60 行全部有效" in html
    assert html.count('<tr class="ok"') == 60
    png = client.get(task_url + "/preview.png")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"

    assert client.post(task_url + "/make").status_code == 303
    status = wait(client, task_url)
    assert status["runs"][0]["state"] == "done", status
    html = client.get(task_url).get_data(as_text=True)
    assert "已生成 60 份入学通知书" in html
    links = downloads(html)
    pdf = client.get(next(link for link in links if link.endswith(".pdf")))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]
    assert len(pdfium.PdfDocument(pdf.data)) == 60
    archive = client.get(next(link for link in links if link.endswith(".zip")))
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert len(names) == 60 and all(n.endswith(".docx") for n in names)


def test_bad_rows_each_reason_shown_escaped_and_strict_run_fails_like_the_cli(client, tmp_path):
    roster = write_xlsx(tmp_path / "bad.xlsx", [HEADER, *BAD_ROWS], text_columns=(1,))
    task_url = upload_roster(client, roster, issue_date="2020-08-01").headers["Location"]
    html = client.get(task_url).get_data(as_text=True)
    assert 'id="valid-count">1<' in html and 'id="rejected-count">3<' in html
    rows = dict(re.findall(r'<tr class="(\w+)" data-row="(\d+)"', html)[i][::-1] for i in range(4))
    assert rows == {"2": "ok", "3": "error", "4": "error", "5": "error"}
    reasons = dict(re.findall(r'data-row="(\d+)">.*?<td class="reasons">(.*?)</td>', html, re.S))
    assert "校验位错误" in reasons["3"]  # 370403201408310018
    assert "监护人姓名" in reasons["4"]  # empty required cell
    assert "早于落款日期" in reasons["5"]  # deadline 2020-07-01, issued 2020-08-01
    assert reasons["2"] == ""
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "赵&amp;钱" in html

    # the page offers skip-invalid; a strict run (no skip) fails with the CLI's own message
    client.post(task_url + "/make")
    status = wait(client, task_url)
    assert status["runs"][0]["state"] == "failed"
    page = client.get(task_url).get_data(as_text=True)
    assert "名册 bad.xlsx 有" in page and "未生成任何文件" in page
    assert client.get("/").status_code == 200  # the server goes on

    client.post(task_url + "/make", data={"skip_invalid": "1"})
    assert wait(client, task_url)["runs"][1]["state"] == "done"
    links = downloads(client.get(task_url).get_data(as_text=True))
    pdf = client.get(next(link for link in links if link.endswith(".pdf"))).data
    assert len(pdfium.PdfDocument(pdf)) == 1
    assert any(link.endswith(".rejected.xlsx") for link in links)


def test_unreadable_roster_shows_the_chinese_error(client, tmp_path):
    junk = tmp_path / "名册.xlsx"
    junk.write_bytes(b"not a workbook")
    resp = upload_roster(client, junk)
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "错误：" in html and "处理办法：" in html
    resp = client.post("/notices", data={"kind": "enrollment"}, content_type="multipart/form-data")
    assert resp.status_code == 400 and "没有选择文件" in resp.get_data(as_text=True)


def test_file_names_are_sanitised():
    assert safe_name("../../etc/passwd.xlsx", "名册.xlsx") == "passwd.xlsx"
    assert safe_name("..\\..\\Windows\\win.ini", "x.xlsx") == "win.ini"
    assert safe_name("CON.xlsx", "名册.xlsx") == "名册.xlsx"
    assert safe_name('a<b>:"|?*.csv', "x.csv") == "a_b_.csv"
    assert safe_name("..", "名册.xlsx") == "名册.xlsx"
    assert safe_name("入学 名册.XLSX", "x") == "入学 名册.xlsx"


def test_traversal_and_foreign_paths_are_never_served(client, app, tmp_path):
    resp = upload_roster(client, ROSTER, "../../../../tmp/evil.xlsx")
    task_url = resp.headers["Location"]
    task_id = task_url.split("/")[-1]
    store = app.extensions["kcdocs_tasks"]
    uploaded = list((store.get(task_id).folder / "upload").iterdir())
    assert [p.name for p in uploaded] == ["evil.xlsx"]
    assert not Path("/tmp/evil.xlsx").exists() or Path("/tmp/evil.xlsx").stat().st_mtime < time.time() - 60
    client.post(task_url + "/make")
    run_id = wait(client, task_url)["runs"][0]["id"]
    for name in ["..%2F..%2F..%2Fetc%2Fpasswd", "../upload/evil.xlsx", "%2E%2E/upload/evil.xlsx", "evil.xlsx",
                 "..\\upload\\evil.xlsx"]:
        assert client.get(f"/t/{task_id}/{run_id}/{name}").status_code == 404, name
    assert client.get(f"/t/{task_id}/{run_id}/../../etc/passwd").status_code == 404
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/t/nosuchtask/x/y.pdf").status_code == 404


def test_oversized_upload_is_refused(client, tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"a" * (1024 * 1024 + 10))
    resp = upload_roster(client, big)
    assert resp.status_code == 413
    assert "文件太大" in resp.get_data(as_text=True)
    assert client.get("/notices").status_code == 200


def test_non_loopback_needs_a_password_checked_on_every_request(tmp_path):
    with pytest.raises(UsageError, match="密码"):
        create_app(WebSettings(host="0.0.0.0", work_dir=tmp_path / "a"))
    app = create_app(WebSettings(host="0.0.0.0", password="口令123", work_dir=tmp_path / "b"))
    c = app.test_client()
    resp = c.get("/notices")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert c.get("/static/app.js").status_code == 401
    assert c.get("/t/x/status.json").status_code == 401
    with ROSTER.open("rb") as f:
        resp = c.post("/notices", data={"kind": "enrollment", "roster": (f, "r.xlsx")},
                      content_type="multipart/form-data")
    assert resp.status_code == 401
    login = c.post("/login", data={"password": "wrong"})
    assert login.status_code == 401 and "密码不对" in login.get_data(as_text=True)
    assert "style-src 'nonce-" in login.headers["Content-Security-Policy"]  # styled without the stylesheet
    resp = c.post("/login?next=/notices", data={"password": "口令123"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/notices")
    assert c.get("/notices").status_code == 200
    assert c.post("/login?next=//evil.example/", data={"password": "口令123"}).headers["Location"] == "/"
    other = app.test_client()
    other.set_cookie("kcdocs_auth", "forged")
    assert other.get("/notices").status_code == 302
    app.extensions["kcdocs_tasks"].close()


def test_serve_refuses_open_address_without_password():
    from tests.conftest import run_cli

    proc = run_cli("serve", "--host", "0.0.0.0", "--port", "8799")
    assert proc.returncode == 2 and "密码" in proc.stderr


def test_serve_says_when_the_port_is_taken():
    from tests.conftest import run_cli

    with socket.create_server(("127.0.0.1", 0)) as taken:
        proc = run_cli("serve", "--port", str(taken.getsockname()[1]))
    assert proc.returncode == 2 and "端口已被占用" in proc.stderr and "--port" in proc.stderr


def test_foreign_host_and_cross_site_posts_are_refused(client):
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 403
    assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200
    with ROSTER.open("rb") as f:
        resp = client.post("/notices", data={"kind": "enrollment", "roster": (f, "r.xlsx")},
                           content_type="multipart/form-data", headers={"Origin": "http://evil.example"})
    assert resp.status_code == 403


def test_sample_audit_report_with_evidence_links(client):
    resp = client.post("/audit", data={"ledger_path": str(SAMPLES / "ledger.xlsx"),
                                       "evidence_path": str(SAMPLES / "evidence"), "as_of": "2020-06-15"},
                       content_type="multipart/form-data")
    assert resp.status_code == 303
    task_url = resp.headers["Location"]
    assert wait(client, task_url)["runs"][0]["state"] == "done"
    html = client.get(task_url).get_data(as_text=True)
    assert 'id="incomplete-count">12<' in html
    row = re.search(r'<tr data-case="370405-2020-0002">.*?</tr>', html, re.S).group(0)
    assert "缺少材料" in row and "不完整" in row
    assert "370402-2020-0099 王某" in html  # the folder with no ledger row
    report = client.get(task_url + "/report.html")
    assert report.status_code == 200 and "W4.death_proof" in report.get_data(as_text=True)
    assert "unsafe-inline" in report.headers["Content-Security-Policy"]
    links = re.findall(r'href="(/audit/[^"]+/evidence/[^"]+)"', report.get_data(as_text=True))
    assert links
    evidence = client.get(links[0])
    assert evidence.status_code == 200 and len(evidence.data) > 0
    task_id = task_url.split("/")[-1]
    for rel in ["../ledger.xlsx", "..%2Fledger.xlsx", "%2E%2E%2Fledger.xlsx", "expected.yaml",
                "/etc/passwd", "370402-2020-0099 王某/../../ledger.xlsx"]:
        assert client.get(f"/audit/{task_id}/evidence/{rel}", follow_redirects=True).status_code == 404, rel


def test_failed_audit_shows_the_cli_error_and_server_keeps_running(client, tmp_path):
    resp = client.post("/audit", data={"ledger_path": str(SAMPLES / "return_roster.csv"),
                                       "evidence_path": str(SAMPLES / "evidence")},
                       content_type="multipart/form-data")
    task_url = resp.headers["Location"]
    assert wait(client, task_url)["runs"][0]["state"] == "failed"
    html = client.get(task_url).get_data(as_text=True)
    assert "错误：" in html
    resp = client.post("/audit", data={"ledger_path": str(SAMPLES / "ledger.xlsx"),
                                       "evidence_path": str(tmp_path / "nowhere")},
                       content_type="multipart/form-data")
    assert resp.status_code == 400 and "佐证材料文件夹不存在" in resp.get_data(as_text=True)
    assert client.get("/audit").status_code == 200


def test_forms_report_and_scan_filing(client, tmp_path):
    with (SAMPLES / "ledger.xlsx").open("rb") as f:
        resp = client.post("/ledger", data={"ledger_file": (f, "台账.xlsx")}, content_type="multipart/form-data")
    task_url = resp.headers["Location"]
    html = client.get(task_url).get_data(as_text=True)
    assert "370403-2020-0003" in html
    client.post(task_url + "/forms", data={"form": "persuasion-record", "case": ["370403-2020-0003"]})
    client.post(task_url + "/report", data={"kind": "weekly", "week": "2020-W20", "generated": "2020-05-19"})
    runs = wait(client, task_url, 120)["runs"]
    assert [r["state"] for r in runs] == ["done", "done"], runs
    links = downloads(client.get(task_url).get_data(as_text=True))
    forms_pdf = client.get(next(link for link in links if "%E5%8A%9D" in link and link.endswith(".pdf"))).data
    assert len(pdfium.PdfDocument(forms_pdf)) >= 2
    assert any(link.endswith("%E5%91%A8%E6%8A%A5.pdf") for link in links)  # 周报.pdf

    scan = tmp_path / "scan.pdf"
    scan.write_bytes(forms_pdf)
    into = tmp_path / "evidence"
    into.mkdir()
    with scan.open("rb") as f:
        resp = client.post("/ingest", data={"scans": [(f, "扫描.pdf")], "into": str(into)},
                           content_type="multipart/form-data")
    task_url = resp.headers["Location"]
    assert wait(client, task_url, 120)["runs"][0]["state"] == "done"
    html = client.get(task_url).get_data(as_text=True)
    assert "370403-2020-0003" in html and "劝返记录" in html
    assert any(p.name.startswith("劝返记录") for p in into.rglob("*.pdf"))


def test_real_server_on_a_free_port(tmp_path):
    from urllib.request import urlopen

    from werkzeug.serving import make_server

    app = create_app(WebSettings(work_dir=tmp_path / "web"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urlopen(f"http://127.0.0.1:{server.server_port}/", timeout=10) as resp:
            body = resp.read().decode("utf-8")
            assert resp.status == 200 and "控辍保学" in body
            assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
    finally:
        server.shutdown()
        app.extensions["kcdocs_tasks"].close()
