"""The one wrapper around the Typst compiler.

Data reach templates only as JSON in ``sys.inputs.data`` (never interpolated into markup),
so a name like ``#import`` or ``$x$`` prints literally. One compiler is reused: creating
one rescans every font (~80 ms).

Two ways to compile: :meth:`TypstRenderer.render` in this process, and :class:`TypstPool`,
which compiles in worker processes (``python -m kcdocs.render._worker``, which imports only
typst) while this process goes on with other work. Both let Typst's process-wide memo cache
age out after each compile, so memory stays bounded whatever the number of compiles.
:meth:`TypstRenderer.render_batch` uses the pool for large batches: chunks compiled in
parallel, joined on disk with pdfium.
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import Future, as_completed
from pathlib import Path
from typing import Callable, Sequence

from kcdocs.defs import RENDER_CHUNK_PAGES
from kcdocs.errors import RenderError
from kcdocs.fileio import atomic_path
from kcdocs.render.fonts import FontChoice, _typst_fonts
from kcdocs.resources import templates_dir

Progress = Callable[[int, int], None]

# Typst keeps what the last 10 compiles used; this many tiny compiles age a finished one out.
# Keep in step with kcdocs.render._worker (which imports only typst, not this module).
EVICT_COMPILES = 10
EVICT_SOURCE = b"#set page(width: 1cm, height: 1cm)"


def template_path(root: Path, name: str) -> Path:
    path = root / name
    if not path.is_file():
        raise RenderError(f"模板不存在：{path}", "安装可能不完整，请重新安装 kcdocs。")
    return path


def data_json(payload: dict, fonts: FontChoice) -> str:
    """The template's ``sys.inputs.data``: the payload with the chosen fonts."""
    return json.dumps(dict(payload, fonts=fonts.typst_fonts()), ensure_ascii=False, default=str)


class TypstRenderer:
    def __init__(self, fonts: FontChoice, root: Path | None = None):
        import typst

        self.fonts = fonts
        self.root = Path(root or templates_dir())
        self._compiler = typst.Compiler(root=str(self.root), font_paths=_typst_fonts(fonts.search_paths))

    def template_path(self, name: str) -> Path:
        return template_path(self.root, name)

    def _compile_data(self, payload: dict) -> str:
        """JSON for one in-process compile, with QR images attached."""
        from kcdocs.marks.qr import attach_svgs

        attach_svgs(payload)
        return data_json(payload, self.fonts)

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
        ``jobs`` worker processes (default: all cores); the parts are joined on disk.
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
            starts = range(0, total, chunk_size)
            workers = max(1, min(jobs or os.cpu_count() or 1, len(starts)))
            with tempfile.TemporaryDirectory(prefix="kcdocs-") as tmpdir, \
                    TypstPool(self.fonts, workers, self.root) as pool:
                parts = [Path(tmpdir) / f"part{start:08d}.pdf" for start in starts]
                futures = {pool.submit(template, {"common": common, "records": list(records[s:s + chunk_size])},
                                       part): len(records[s:s + chunk_size]) for s, part in zip(starts, parts)}
                done = 0
                for future in as_completed(futures):
                    future.result()  # the first error stops the batch (the pool drops the rest)
                    done += futures[future]
                    if progress:
                        progress(done, total)
                join_pdfs(parts, tmp_out)

    def evict_cache(self) -> None:
        """Let Typst drop what earlier compiles memoized (it keeps the last few compiles' work;
        the binding has no evict call, so a few tiny compiles age the entries out, ~5 ms each)."""
        for _ in range(EVICT_COMPILES):
            self._compiler.compile(input=EVICT_SOURCE, format="pdf")


class TypstPool:
    """Compile templates to PDF files in ``workers`` worker processes, while the caller goes on.

    ``submit(template, payload, output) -> Future`` (its result: ``output``, the PDF written
    there; a template error or a worker that died raises :class:`RenderError` from
    ``result()``, and only that compile fails: a new worker takes the next one). Compiles run
    in submission order, ``urgent`` ones first. With ``workers=0`` each compile runs in this
    process when submitted. Use as a context manager: leaving it waits for the workers to
    finish what was submitted, or, on an exception, drops what has not started.

    Workers are plain subprocesses (callers need no ``if __name__ == "__main__"`` guard) with
    one Typst thread each: the workers are the parallelism, and idle pool threads would only
    spin and take CPU from the others.
    """

    def __init__(self, fonts: FontChoice, workers: int, root: Path | None = None):
        self.fonts = fonts
        self.root = Path(root or templates_dir())
        self._inline = TypstRenderer(fonts, self.root) if workers <= 0 else None
        self._tmp = tempfile.TemporaryDirectory(prefix="kcdocs-typst-")
        self._queue: queue.PriorityQueue = queue.PriorityQueue()
        self._seq = itertools.count()
        self._threads = [threading.Thread(target=self._serve, daemon=True) for _ in range(max(0, workers))]
        for thread in self._threads:
            thread.start()

    def __enter__(self) -> TypstPool:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(cancel=exc_type is not None)

    def submit(self, template: str, payload: dict, output: str | Path, *, urgent: bool = False) -> Future:
        future: Future = Future()
        output = Path(output)
        if self._inline is not None:
            try:
                output.write_bytes(self._inline.render(template, payload))
                self._inline.evict_cache()
                future.set_result(output)
            except Exception as exc:
                future.set_exception(exc)
            return future
        n = next(self._seq)
        data = Path(self._tmp.name) / f"data{n:08d}.json"
        data.write_text(data_json(payload, self.fonts), encoding="utf-8")
        task = {"template": str(template_path(self.root, template)), "data": str(data), "output": str(output)}
        self._queue.put((0 if urgent else 1, n, template, task, future))
        return future

    def close(self, cancel: bool = False) -> None:
        if cancel:
            while True:
                try:
                    *_, future = self._queue.get_nowait()
                except queue.Empty:
                    break
                future.cancel()
        for _ in self._threads:
            self._queue.put((2, next(self._seq), None, None, None))
        for thread in self._threads:
            thread.join()
        self._tmp.cleanup()

    def _serve(self) -> None:
        """One worker process, fed one task at a time; restarted if it dies."""
        worker: _Worker | None = None
        try:
            while True:
                _, _, template, task, future = self._queue.get()
                if task is None:
                    return
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    if worker is None or not worker.alive():
                        worker = _Worker(self.root, self.fonts.search_paths)
                    reply = worker.run(task)
                except Exception as exc:  # never leave a compile unanswered
                    if worker is not None:
                        worker.stop()
                    worker = None
                    future.set_exception(exc if isinstance(exc, RenderError) else
                                         RenderError(f"无法启动排版进程（{type(exc).__name__}: {exc}）。"))
                else:
                    if "error" in reply:
                        future.set_exception(RenderError(f"排版模板 {template} 出错：{reply['error']}"))
                    else:
                        future.set_result(Path(task["output"]))
                finally:
                    Path(task["data"]).unlink(missing_ok=True)
        finally:
            if worker is not None:
                worker.stop()


class _Worker:
    """A ``python -m kcdocs.render._worker`` process: one JSON line per task in, one per task out."""

    command = [sys.executable, "-m", "kcdocs.render._worker"]

    def __init__(self, root: Path, font_paths: Sequence[str]):
        env = dict(os.environ, RAYON_NUM_THREADS="1")
        self.proc = subprocess.Popen(self.command, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.err: collections.deque[bytes] = collections.deque(maxlen=20)
        self.reader = threading.Thread(target=lambda: self.err.extend(self.proc.stderr), daemon=True)
        self.reader.start()
        try:
            self._send({"root": str(root), "font_paths": list(font_paths)})
        except OSError:
            pass  # it died at once: the first task finds out why

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _send(self, obj: dict) -> None:
        self.proc.stdin.write(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")
        self.proc.stdin.flush()

    def run(self, task: dict) -> dict:
        try:
            self._send(task)
            line = self.proc.stdout.readline()
        except OSError:
            line = b""
        if not line:
            self.stop()
            why = b"".join(self.err).decode("utf-8", "replace").strip().splitlines()
            raise RenderError(f"排版进程意外退出（{why[-1] if why else self.proc.returncode}）。")
        return json.loads(line)

    def stop(self) -> None:
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        self.proc.wait()
        self.reader.join()
        self.proc.stdout.close()
        self.proc.stderr.close()


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
