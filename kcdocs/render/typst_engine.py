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
        progress: Progress | None = None,
    ) -> None:
        """One document per record, all in one PDF at ``output`` (written atomically).

        Up to ``chunk_size`` records compile here at once. Larger batches compile in chunks in
        ``jobs`` worker processes (default: all cores), which evict Typst's memoization cache
        after each chunk, so memory stays bounded whatever the count. The parts are joined on disk.
        """
        total = len(records)
        if total == 0:
            raise RenderError("没有可生成的记录。")
        with atomic_path(output) as tmp_out:
            if total <= chunk_size:
                tmp_out.write_bytes(self.render(template, {"common": common, "records": list(records)}))
                self.evict_cache()
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
                jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
                self._run_workers([tasks[i::jobs] for i in range(jobs)], total, progress)
                join_pdfs([Path(t["output"]) for t in tasks], tmp_out)

    def evict_cache(self) -> None:
        """Let Typst drop what earlier compiles memoized (it keeps the last few compiles' work;
        the binding has no evict call, so a few tiny compiles age the entries out, ~5 ms each)."""
        for n in range(EVICT_COMPILES):
            self._compiler.compile(input=EVICT_SOURCE, format="pdf")

    def _run_workers(self, groups: list[list[dict]], total: int, progress: Progress | None) -> None:
        lock = threading.Lock()
        done = 0
        # The workers are the parallelism; Typst's own pool would only spin and compete.
        env = dict(os.environ, RAYON_NUM_THREADS="1")

        def run(group: list[dict]) -> None:
            nonlocal done
            job = {"root": str(self.root), "font_paths": list(self.fonts.search_paths), "tasks": group}
            proc = subprocess.Popen([sys.executable, "-m", "kcdocs.render._worker"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            err: list[bytes] = []
            reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)
            reader.start()
            proc.stdin.write(json.dumps(job, ensure_ascii=False).encode("utf-8"))
            proc.stdin.close()
            for line in proc.stdout:
                with lock:
                    done += int(line)
                    if progress:
                        progress(done, total)
            reader.join()
            if proc.wait() != 0:
                message = b"".join(err).decode("utf-8", "replace").strip()
                raise RenderError(f"排版进程出错：{message or proc.returncode}")

        with ThreadPoolExecutor(len(groups)) as pool:
            for future in [pool.submit(run, g) for g in groups]:
                future.result()


# Typst keeps what the last 10 compiles used; this many tiny compiles age a finished chunk out.
EVICT_COMPILES = 10
EVICT_SOURCE = b"#set page(width: 1cm, height: 1cm)"


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
