"""``kcdocs serve``: a small local web application over the same library functions.

Server-rendered pages (jinja2, autoescaped), a vendored script and stylesheet, no network.
Bound to 127.0.0.1 by default; any other address needs a password, checked on every request.
Uploads are size-limited and land in a per-task temporary folder that is removed on exit.
"""

from kcdocs.web.app import WebSettings, create_app

__all__ = ["WebSettings", "create_app"]
