"""The notices page's quick look at a roster: every row checked exactly as ``make_notices``
checks it, and the first notice rendered as a picture (well under a second)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kcdocs.config import Config
from kcdocs.notices import ROSTER_SCHEMA, RosterRow
from kcdocs.notices.build import TEMPLATES, roster_check, notice_record
from kcdocs.tabular import Problem, load_table
from kcdocs.tabular.validate import display_value

MAX_VALID_SHOWN = 500  # rows with problems are always all shown


@dataclass
class RowView:
    row: int
    cells: list[str]
    problems: list[Problem]
    bad_columns: set[str]

    @property
    def state(self) -> str:
        if any(p.is_error for p in self.problems):
            return "error"
        return "warning" if self.problems else "ok"


@dataclass
class RosterCheck:
    headers: list[str]
    rows: list[RowView]
    valid: int
    rejected: int
    total: int
    file_problems: list[Problem] = field(default_factory=list)
    first_record: dict | None = None
    hidden_valid: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for r in self.rows for p in r.problems if p.is_error)


def notice_defaults(config: Config, unit: str | None, deadline: date | None, issue_date: date | None,
                    today: date | None = None) -> dict:
    """The defaults ``make_notices`` applies to empty cells (same order of precedence)."""
    return {"unit": unit or config.notices.unit, "deadline": deadline,
            "issue_date": issue_date or today or date.today()}


def check_roster(path: Path, kind: str, config: Config, *, unit=None, deadline=None, issue_date=None,
                 sheet=None) -> RosterCheck:
    """Every row of the roster with its problems; raises like ``make_notices`` when unreadable."""
    result = load_table(path, ROSTER_SCHEMA, RosterRow, sheet=sheet,
                        defaults=notice_defaults(config, unit, deadline, issue_date),
                        row_check=roster_check(kind, config.age.cutoff))
    table = result.table
    keys = [c.key for c in ROSTER_SCHEMA.columns if c.key in table.headers]
    headers = [table.headers[k] for k in keys]
    by_row: dict[int, list[Problem]] = {}
    file_problems = []
    for p in result.problems:
        (by_row.setdefault(p.row, []) if p.row else file_problems).append(p)
    rows, shown_valid, hidden = [], 0, 0
    for raw in table.rows:
        problems = by_row.get(raw.row, [])
        if not problems:
            shown_valid += 1
            if shown_valid > MAX_VALID_SHOWN:
                hidden += 1
                continue
        rows.append(RowView(raw.row, [display_value(raw.values.get(k)) for k in keys], problems,
                            {p.column for p in problems if p.column}))
    first = notice_record(result.valid[0][1]) if result.valid else None
    return RosterCheck(headers, rows, len(result.valid), len(result.rejected), len(table.rows),
                       file_problems, first, hidden)


_render_lock = threading.Lock()
_renderers: dict = {}


def preview_png(kind: str, record: dict, config: Config, *, scale: float = 1.2) -> bytes:
    """The first notice as a PNG (one page compiled by Typst, rasterised by pdfium)."""
    import io

    import pypdfium2 as pdfium

    from kcdocs.render.fonts import resolve_fonts
    from kcdocs.render.typst_engine import TypstRenderer

    with _render_lock:  # one compiler per font choice, reused: creating one rescans the fonts
        fonts = resolve_fonts(config.fonts)
        key = repr(fonts.search_paths) + fonts.describe()
        renderer = _renderers.get(key) or _renderers.setdefault(key, TypstRenderer(fonts))
        pdf_bytes = renderer.render(TEMPLATES[kind], {"common": {"province": config.notices.province},
                                                      "records": [record]})
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        image = pdf[0].render(scale=scale).to_pil()
    finally:
        pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue()
