"""The Flask application: settings, safety checks applied to every request, shared helpers.

Pages live in :mod:`kcdocs.web.pages_*`; each route parses the form, calls one library
function (directly, or in a background run of :class:`~kcdocs.web.tasks.TaskStore`) and
renders a template. No business logic here.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, abort, g, jsonify, redirect, render_template, request, send_file, url_for

from kcdocs import __version__, dates
from kcdocs.config import Config
from kcdocs.errors import DataProblems, KcdocsError, UsageError
from kcdocs.web.tasks import Task, TaskStore

MB = 1024 * 1024
AUTH_COOKIE = "kcdocs_auth"
PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")


@dataclass
class WebSettings:
    config: Config = field(default_factory=Config)
    host: str = "127.0.0.1"
    password: str | None = None
    max_table_mb: float = 20  # roster or ledger upload
    max_scans_mb: float = 500  # scanner PDFs, all files of one upload together
    work_dir: Path | None = None  # default: a new temporary folder, removed when the server stops
    workers: int = 1  # background runs at a time


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def create_app(settings: WebSettings | None = None) -> Flask:
    settings = settings or WebSettings()
    if not is_loopback(settings.host) and not settings.password:
        raise UsageError(f"在 {settings.host} 上开放网页须设置访问密码。",
                         "请加 --password 密码（或设置环境变量 KCDOCS_PASSWORD）；只在本机使用时不要加 --host。")
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config.update(MAX_CONTENT_LENGTH=int(max(settings.max_table_mb, settings.max_scans_mb) * MB),
                      MAX_FORM_MEMORY_SIZE=2 * MB, TEMPLATES_AUTO_RELOAD=False)
    app.jinja_env.autoescape = True  # every template, whatever its name
    app.extensions["kcdocs"] = settings
    app.extensions["kcdocs_tasks"] = TaskStore(settings.work_dir, settings.workers)
    secret = secrets.token_bytes(32)
    token = hmac.new(secret, (settings.password or "").encode("utf-8"), hashlib.sha256).hexdigest()

    @app.before_request
    def _guard():
        _check_host(settings)
        if request.method == "POST" and not _same_origin():
            abort(403)
        if settings.password and request.endpoint != "login":
            if not hmac.compare_digest(request.cookies.get(AUTH_COOKIE, ""), token):
                if request.method == "GET" and request.endpoint not in ("static", "task_status", None):
                    return redirect(url_for("login", next=request.full_path))
                abort(401)
        request.max_content_length = int(
            (settings.max_scans_mb if request.endpoint == "ingest_start" else settings.max_table_mb) * MB)

    @app.after_request
    def _headers(resp):
        resp.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "same-origin"  # (no-referrer makes Chromium send Origin: null)
        resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    @app.route("/login", methods=["GET", "POST"])
    def login():
        error = ""
        if request.method == "POST":
            given = request.form.get("password", "")
            if settings.password and hmac.compare_digest(given.encode("utf-8"), settings.password.encode("utf-8")):
                target = request.args.get("next") or "/"
                if not target.startswith("/") or target.startswith("//"):
                    target = "/"
                resp = redirect(target)
                resp.set_cookie(AUTH_COOKIE, token, httponly=True, samesite="Strict")
                return resp
            error = "密码不对，请重新输入。"
        # the stylesheet is behind the password too, so the login page carries it inline
        nonce = secrets.token_urlsafe(16)
        css = (Path(app.static_folder) / "style.css").read_text(encoding="utf-8")
        resp = app.make_response((render_template("login.html", error=error, inline_css=css, nonce=nonce),
                                  401 if error else 200))
        resp.headers["Content-Security-Policy"] = PAGE_CSP.replace("style-src 'self'", f"style-src 'nonce-{nonce}'")
        return resp

    @app.route("/")
    def home():
        return render_template("home.html")

    @app.route("/t/<task_id>/status.json")
    def task_status(task_id):
        task = get_task(task_id)
        return jsonify({"busy": task.busy, "runs": [r.as_dict() for r in task.runs]})

    @app.route("/t/<task_id>/<run_id>/<name>")
    def task_file(task_id, run_id, name):
        run = get_task(task_id).run(run_id)
        out = run.output(name) if run else None
        if out is None or not out.path.is_file():
            abort(404)
        return send_file(out.path, as_attachment=True, download_name=out.name)

    @app.errorhandler(413)
    def _too_large(_exc):
        limit = settings.max_scans_mb if request.endpoint == "ingest_start" else settings.max_table_mb
        return error_page(f"文件太大（上限 {limit:g} MB），没有接收。",
                          "请检查是否选错了文件；扫描件可以分几次上传。", 413)

    @app.errorhandler(KcdocsError)
    def _kcdocs_error(exc: KcdocsError):
        return error_page(exc.message, exc.hint, 400, getattr(exc, "problems", []))

    @app.errorhandler(404)
    def _not_found(_exc):
        return error_page("找不到这个页面或文件。", "任务可能已过期（服务重启后会清空），请从首页重新开始。", 404)

    @app.errorhandler(500)
    def _internal(exc):
        original = getattr(exc, "original_exception", None) or exc
        return error_page(f"内部错误：{type(original).__name__}: {original}",
                          "网页仍在运行，可以返回重试；如果反复出现，请把这段文字和操作步骤发给维护人员。", 500)

    @app.errorhandler(401)
    def _unauthorized(_exc):
        return error_page("需要先输入访问密码。", None, 401)

    @app.errorhandler(403)
    def _forbidden(_exc):
        return error_page("拒绝访问。", "请直接在地址栏打开 kcdocs 网页，不要从其他网站跳转。", 403)

    @app.context_processor
    def _globals():
        return {"version": __version__, "nav": NAV, "protected": bool(settings.password)}

    from kcdocs.web import (pages_audit, pages_bulletin, pages_dossier, pages_ingest, pages_ledger, pages_notices,
                            pages_reconcile, pages_review, pages_tools)

    for module in (pages_notices, pages_ledger, pages_audit, pages_ingest, pages_review, pages_bulletin,
                   pages_dossier, pages_reconcile, pages_tools):
        module.register(app)
    return app


NAV = [("home", "首页"), ("notices_form", "通知书"), ("reconcile_form", "底数比对"), ("ledger_form", "表单与报告"),
       ("audit_form", "稽核"), ("review_home", "复核"), ("ingest_form", "扫描归档"), ("dossier_form", "迎检卷宗"),
       ("verify_form", "核对"), ("bulletin_form", "通报")]


def _check_host(settings: WebSettings) -> None:
    """Loopback servers answer only to loopback names (a web page cannot rebind a name to us)."""
    if not is_loopback(settings.host):
        return
    host = (request.host or "").rsplit(":", 1)[0] if not request.host.startswith("[") else "[::1]"
    if not is_loopback(host):
        abort(403)


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    if not origin:
        return True
    return urlsplit(origin).netloc == request.host


def settings() -> WebSettings:
    from flask import current_app

    return current_app.extensions["kcdocs"]


def tasks() -> TaskStore:
    from flask import current_app

    return current_app.extensions["kcdocs_tasks"]


def get_task(task_id: str, kind: str | None = None) -> Task:
    task = tasks().get(task_id)
    if task is None or (kind and task.kind != kind):
        abort(404)
    return task


def error_page(message: str, hint: str | None, status: int, problems=()):
    return render_template("error.html", message=message, hint=hint, problems=list(problems)[:200],
                           more=max(0, len(problems) - 200)), status


def form_date(name: str, label: str) -> date | None:
    text = (request.form.get(name) or "").strip()
    if not text:
        return None
    try:
        return dates.parse_date(text)
    except dates.DateError as exc:
        raise UsageError(f"{label}填写有误：{exc.message}", exc.hint) from None


def form_text(name: str) -> str | None:
    return (request.form.get(name) or "").strip() or None


def describe_error(exc: KcdocsError) -> dict:
    hint = exc.hint or ""
    if isinstance(exc, DataProblems) and exc.next_step:
        hint = " ".join(filter(None, [exc.next_step, hint]))
    return {"message": exc.message, "hint": hint, "problems": getattr(exc, "problems", [])}
