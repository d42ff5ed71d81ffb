"""The report's case lists as one workbook beside the PDF (IDs masked): 本期新增, each kind of
closing, 期末未销号, 数据问题.

A city's report lists tens of thousands of open cases, and writing them takes about a second.
:class:`ListsWriter` writes them in a child process (``python -m kcdocs.reports.lists OUT``),
started before the ledger is read so that its imports are done by then, while this process
typesets the PDF: on two cores the workbook costs no time.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

from kcdocs.errors import KcdocsError

LIST_HEAD = ["台账编号", "姓名", "身份证号（已遮蔽）", "区市", "学校", "处置类型", "状态", "责任人", "日期"]
LIST_KEYS = ["id", "name", "idno", "district", "school", "disposition", "status", "responsible", "date"]
LIST_WIDTHS = (18, 8, 20, 10, 24, 8, 10, 8, 12, 6)
PROBLEM_WIDTHS = (18, 8, 60)
PROBLEMS_SHEET = "数据问题"


class ListsError(KcdocsError):
    """The lists workbook could not be written."""


def list_sheets(data: dict) -> list[tuple[str, list[list]]]:
    """The workbook's sheets (title, rows with the header first) from the report data."""
    sheets = []
    lists = [("本期新增", data["new"]), *[(f"本期{k}", rows) for k, rows in data["closed"].items()],
             ("期末未销号", data["open"])]
    for title, rows in lists:
        if title == "期末未销号":
            sheets.append((title, [LIST_HEAD + ["天数"], *([r[k] for k in LIST_KEYS] + [r.get("days")] for r in rows)]))
        else:
            sheets.append((title, [LIST_HEAD, *([r[k] for k in LIST_KEYS] for r in rows)]))
    sheets.append((PROBLEMS_SHEET, [["台账编号", "姓名", "问题"], *([p["id"], p["name"], p["text"]] for p in data["problems"])]))
    return sheets


def write_sheets(path: Path, sheets: list[tuple[str, list[list]]]) -> None:
    """Write :func:`list_sheets` as an .xlsx workbook at ``path`` (atomically)."""
    from kcdocs.fastxlsx import HEADER, Sheet, save
    from kcdocs.fileio import atomic_path

    out = []
    for title, (head, *rows) in sheets:
        problems = title == PROBLEMS_SHEET
        sheet = Sheet(title, PROBLEM_WIDTHS if problems else LIST_WIDTHS[:len(head)])
        sheet.append(head, HEADER)
        for row in rows:
            sheet.append(row)
        sheet.freeze_row = 0 if problems else 1
        out.append(sheet)
    with atomic_path(path) as tmp:
        save(tmp, out)


def write_lists(path: Path, data: dict) -> None:
    """Every case list of the report in one workbook (IDs masked), to go with the PDF."""
    write_sheets(path, list_sheets(data))


class ListsWriter:
    """Writes the lists workbook at ``path`` in a child process: start it early, ``send`` the
    report data when it is ready, ``finish`` to wait (raises :class:`ListsError` if it failed).
    Leaving the ``with`` block without ``send`` (an error) ends the child and writes nothing."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.proc = subprocess.Popen([sys.executable, "-m", "kcdocs.reports.lists", str(self.path)],
                                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._stderr: str | None = None

    def __enter__(self) -> ListsWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._wait()  # without ``send``, end of input tells the child to stop

    def send(self, data: dict) -> None:
        try:
            pickle.dump(list_sheets(data), self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            pass  # it died: finish() says why
        self._close_input()

    def finish(self) -> Path:
        why = self._wait()
        if self.proc.returncode != 0:
            last = why.splitlines()[-1] if why else f"退出码 {self.proc.returncode}"
            raise ListsError(f"完整名单 {self.path.name} 未能写出：{last}", "请检查输出文件夹是否可写、磁盘空间是否足够。")
        return self.path

    def _wait(self) -> str:
        if self._stderr is None:
            self._close_input()
            self._stderr = self.proc.stderr.read().decode("utf-8", "replace").strip()
            self.proc.stderr.close()
            self.proc.wait()
        return self._stderr

    def _close_input(self) -> None:
        try:
            self.proc.stdin.close()
        except OSError:
            pass


def main(argv: list[str]) -> int:
    import kcdocs.fastxlsx  # noqa: F401  (imported while the parent still reads the ledger)

    raw = sys.stdin.buffer.read()
    if not raw:  # the parent stopped before it had lists to write
        return 0
    try:
        write_sheets(Path(argv[0]), pickle.loads(raw))
    except (KcdocsError, OSError) as exc:  # said to the user by the parent, in one line
        sys.stderr.write(" ".join(str(getattr(exc, "message", exc)).split()))
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
