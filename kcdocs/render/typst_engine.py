"""The one wrapper around the Typst compiler.

Data reach templates only as JSON in ``sys.inputs.data`` (never interpolated into markup),
so a name like ``#import`` or ``$x$`` prints literally. One compiler is reused: creating
one rescans every font (~80 ms). Large batches compile in chunks joined on disk, so memory
stays bounded whatever the page count.
"""

from __future__ import annotations

import json
import os
import tempfile
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

    def render(self, template: str, payload: dict) -> bytes:
        """Compile ``template`` (relative to the templates root) with ``payload`` to PDF bytes."""
        import typst

        data = dict(payload, fonts=self.fonts.typst_fonts())
        try:
            pdf = self._compiler.compile(
                input=str(self.template_path(template)),
                format="pdf",
                sys_inputs={"data": json.dumps(data, ensure_ascii=False, default=str)},
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
        progress: Progress | None = None,
    ) -> None:
        """One document per record, all in one PDF at ``output`` (written atomically).

        Up to ``chunk_size`` records compile here at once. Larger batches compile in chunks
        in worker processes (``jobs``, default all cores) that are replaced every few chunks:
        Typst's memoization cache is process-wide and never evicted, so recycling workers is
        what keeps memory bounded whatever the count.
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
                    payload = {"common": common, "records": list(records[start:start + chunk_size])}
                    tasks.append((template, payload, str(Path(tmpdir) / f"part{start:08d}.pdf")))
                parts = self._render_parts(tasks, jobs, total, progress)
                join_pdfs(parts, tmp_out)

    def _render_parts(self, tasks, jobs, total, progress) -> list[Path]:
        import multiprocessing

        jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
        done = 0
        ctx = multiprocessing.get_context("spawn")  # fork is unsafe with Typst's threads; Windows has none
        with ctx.Pool(jobs, initializer=_worker_init, initargs=(self.fonts, str(self.root)),
                      maxtasksperchild=WORKER_CHUNKS) as pool:
            for count in pool.imap_unordered(_worker_render, tasks):
                done += count
                if progress:
                    progress(done, total)
        return [Path(task[2]) for task in tasks]


# Chunks a worker process compiles before it is replaced (bounds Typst's cache).
WORKER_CHUNKS = 2
_worker: TypstRenderer | None = None


def _worker_init(fonts: FontChoice, root: str) -> None:
    global _worker
    _worker = TypstRenderer(fonts, Path(root))


def _worker_render(task: tuple[str, dict, str]) -> int:
    template, payload, out = task
    assert _worker is not None
    Path(out).write_bytes(_worker.render(template, payload))
    return len(payload["records"])


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
