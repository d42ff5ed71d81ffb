"""kcdocs serve [--port 8765] [--open] [--host 127.0.0.1] [--password …]"""

from __future__ import annotations

import errno
import signal
import socket
import threading
import webbrowser

import click

from kcdocs.cli.common import config_option, get_config
from kcdocs.errors import ExitCode, UsageError


@click.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, metavar="端口",
              help="网页使用的端口。")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="地址",
              help="监听的地址。默认只有本机能打开；填 0.0.0.0 等其他地址时必须设置 --password。")
@click.option("--open", "open_browser", is_flag=True, help="启动后自动用默认浏览器打开网页。")
@click.option("--password", envvar="KCDOCS_PASSWORD", metavar="密码",
              help="访问密码（也可用环境变量 KCDOCS_PASSWORD 设置）；设置后每个请求都要先输入密码。")
@click.option("--max-upload", type=click.FloatRange(1, 4096), default=20, show_default=True, metavar="MB",
              help="名册、台账上传文件的大小上限（MB）；扫描件上限为其 25 倍。")
@config_option
def serve_command(port, host, open_browser, password, max_upload, config_path):
    """启动本机网页版：在浏览器中生成通知书、打印表单和报告、稽核、扫描归档，不用输入命令。

    启动后在浏览器中打开 http://127.0.0.1:8765/ （加 --open 自动打开）。关闭这个窗口或按 Ctrl+C 即停止，
    上传的文件和生成的结果（临时文件夹）随之删除，请及时下载。默认只有本机能访问。
    """
    from werkzeug.serving import make_server

    from kcdocs.web import WebSettings, create_app

    settings = WebSettings(config=get_config(config_path), host=host, password=password or None,
                           max_table_mb=max_upload, max_scans_mb=max_upload * 25)
    app = create_app(settings)
    try:
        _check_port_free(host, port)
        server = make_server(host, port, app, threaded=True)
    except (OSError, SystemExit) as exc:  # werkzeug exits by itself when the port is taken
        app.extensions["kcdocs_tasks"].close()
        in_use = isinstance(exc, SystemExit) or getattr(exc, "errno", None) in (errno.EADDRINUSE, 10048)
        why = "端口已被占用" if in_use else (getattr(exc, "strerror", None) or str(exc))
        raise UsageError(f"无法在 {host}:{port} 上启动网页：{why}",
                         f"端口可能已被占用（kcdocs 网页也许已经在运行，可直接打开 http://127.0.0.1:{port}/），"
                         "或用 --port 换一个端口，例如 --port 8766。") from None
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{server.server_port}/"
    click.echo(f"kcdocs 网页已启动：{url}")
    if password:
        click.echo("已设置访问密码，打开网页时需要输入。")
    click.echo("请在浏览器中打开上面的地址。用完后关闭此窗口或按 Ctrl+C 停止（上传和生成的临时文件随之删除）。")
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    _stop_on_terminate()
    try:
        server.serve_forever()  # returns on Ctrl+C (werkzeug catches KeyboardInterrupt)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
        app.extensions["kcdocs_tasks"].close()
        click.echo("\n网页已停止，临时文件已删除。")
    return ExitCode.OK


def _check_port_free(host: str, port: int) -> None:
    """Fail clearly when another program listens there (on Windows the server's SO_REUSEADDR
    would otherwise share the port silently)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.create_server((host, port), family=family):
        pass


def _stop_on_terminate() -> None:
    """A terminate signal stops the server like Ctrl+C, so the temporary folder is removed."""
    def stop(_signum, _frame):
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGBREAK", "SIGHUP"):
        if hasattr(signal, name):
            try:
                signal.signal(getattr(signal, name), stop)
            except (ValueError, OSError):  # not the main thread
                pass
