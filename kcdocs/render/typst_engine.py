"""The one wrapper around the Typst compiler.

Data reach templates only as JSON in ``sys.inputs.data`` (never interpolated into markup),
so a name like ``#import`` or ``$x$`` prints literally. One compiler is reused: creating
one rescans every font (~80 ms). Large batches compile in chunks joined on disk, so memory
stays bounded whatever the page count.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Sequence

from kcdocs.defs import RENDER_CHUNK_PAGES
from kcdocs.errors import RenderError
from kcdocs.fileio import atomic_path
from kcdocs.render.fonts import FontChoice, _typst_fonts
from kcdocs.resources import templates_dir

Progress = Callable[[int, int], None]


class TypstRenderer:
    def __init__(self, fonts: FontChoice, root: Path | None = None):
        import typst

        self.fonts = fonts
        self.root = Path(root or templates_dir())
        self._compiler = typst.Compiler(root=str(self.root), font_paths=_typst_fonts(fonts.search_paths))

    def template_path(self, name: str) -> Path:
        path = self.root / name
        if not path.is_file():
            raise RenderError(f"模板不存在：{path}", "安装可能不完整，请重新安装 kcdocs。")
        return path

    def _data_json(self, payload: dict) -> str:
        return json.dumps(dict(payload, fonts=self.fonts.typst_fonts()), ensure_ascii=False, default=str)

    def _compile_data(self, payload: dict) -> str:
        """JSON for one in-process compile, with QR images attached."""
        from kcdocs.marks.qr import attach_svgs

        attach_svgs(payload)
        return self._data_json(payload)

    def render(self, template: str, payload: dict) -> bytes:
        """Compile ``template`` (relative to the templates root) with ``payload`` to PDF bytes."""
        import typst

        try:
            pdf = self._compiler.compile(
                input=str(self.template_path(template)),
                format="pdf",
                sys_inputs={"data": self._compile_data(payload)},
            )
        except typst.TypstError as exc:
            raise RenderError(f"排版模板 {template} 出错：{exc.message}\n{exc.diagnostic}") from exc
        assert isinstance(pdf, bytes)
        return pdf

    def render_batch(
        self,
        template: str,
        common: dict,
        records: Sequence[dict],
        output: str | Path,
        *,
        chunk_size: int = RENDER_CHUNK_PAGES,
        jobs: int | None = None,
        worker_pages: int | None = None,
        progress: Progress | None = None,
    ) -> None:
        """One document per record, all in one PDF at ``output`` (written atomically).

        Up to ``chunk_size`` records compile here at once. Larger batches compile in chunks
        in worker processes (``jobs`` at a time, default all cores), each of which compiles at
        most ``WORKER_PAGES`` pages and exits: Typst's memoization cache is process-wide and
        cannot be evicted from Python, so short-lived workers are what keep memory bounded
        whatever the count. The parts are joined on disk.
        """
        total = len(records)
        if total == 0:
            raise RenderError("没有可生成的记录。")
        with atomic_path(output) as tmp_out:
            if total <= chunk_size:
                tmp_out.write_bytes(self.render(template, {"common": common, "records": list(records)}))
                if progress:
                    progress(total, total)
                return
            with tempfile.TemporaryDirectory(prefix="kcdocs-") as tmpdir:
                tasks = []
                for start in range(0, total, chunk_size):
                    chunk = list(records[start:start + chunk_size])
                    data = Path(tmpdir) / f"data{start:08d}.json"
                    data.write_text(self._data_json({"common": common, "records": chunk}), encoding="utf-8")
                    tasks.append({"template": str(self.template_path(template)), "data": str(data),
                                  "output": str(Path(tmpdir) / f"part{start:08d}.pdf"), "count": len(chunk)})
                per_worker = max(1, (worker_pages or WORKER_PAGES) // chunk_size)
                groups = [tasks[i:i + per_worker] for i in range(0, len(tasks), per_worker)]
                self._run_workers(groups, jobs, total, progress)
                join_pdfs([Path(t["output"]) for t in tasks], tmp_out)

    def _run_workers(self, groups: list[list[dict]], jobs: int | None, total: int,
                     progress: Progress | None) -> None:
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(groups)))
        lock = threading.Lock()
        done = 0

        def run(group: list[dict]) -> None:
            nonlocal done
            job = {"root": str(self.root), "font_paths": list(self.fonts.search_paths), "tasks": group}
            proc = subprocess.Popen([sys.executable, "-m", "kcdocs.render._worker"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            proc.stdin.write(json.dumps(job, ensure_ascii=False).encode("utf-8"))
            proc.stdin.close()
            for line in proc.stdout:
                with lock:
                    done += int(line)
                    if progress:
                        progress(done, total)
            err = proc.stderr.read().decode("utf-8", "replace")
            if proc.wait() != 0:
                raise RenderError(f"排版进程出错：{err.strip() or proc.returncode}")

        with ThreadPoolExecutor(jobs) as pool:
            for future in [pool.submit(run, g) for g in groups]:
                future.result()


# Pages one worker process compiles before it exits (bounds Typst's cache: ~60 MB per 1,000).
WORKER_PAGES = 2000


def join_pdfs(parts: Sequence[Path], output: Path) -> None:
    """Concatenate PDFs with pdfium (pages copied, not re-rendered)."""
    import pypdfium2 as pdfium

    dest = pdfium.PdfDocument.new()
    try:
        for part in parts:
            src = pdfium.PdfDocument(str(part))
            try:
                dest.import_pages(src)
            finally:
                src.close()
        dest.save(str(output))
    finally:
        dest.close()
