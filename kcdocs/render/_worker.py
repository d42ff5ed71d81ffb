"""A Typst worker process (see :class:`kcdocs.render.typst_engine.TypstPool`).

``python -m kcdocs.render._worker`` reads JSON lines on stdin: first ``{"root", "font_paths"}``,
then one task ``{"template", "data", "output"}`` per line; it compiles the template with the
JSON file ``data`` as ``sys.inputs.data`` to the PDF file ``output`` and answers each task
with one line on stdout, ``{"ok": true}`` or ``{"error": "..."}``. It ends at end of input.

It imports nothing but typst (and, for pages with QR codes, zxing-cpp), so it starts in a
fraction of a second. After each task a few tiny compiles age it out of Typst's memoization
cache, so memory stays bounded however many tasks it gets. Anything else printed (by a C
library) goes to stderr, so stdout carries only answers.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

# Keep in step with kcdocs.render.typst_engine (not imported: this process imports only typst).
EVICT_COMPILES = 10
EVICT_SOURCE = b"#set page(width: 1cm, height: 1cm)"


def _compile(compiler, task: dict) -> None:
    data = Path(task["data"]).read_text(encoding="utf-8")
    if '"qr_text"' in data:  # QR images are made here, in parallel, not in the parent
        from kcdocs.marks.qr import attach_svgs

        obj = json.loads(data)
        attach_svgs(obj)
        data = json.dumps(obj, ensure_ascii=False)
    pdf = compiler.compile(input=task["template"], format="pdf", sys_inputs={"data": data})
    Path(task["output"]).write_bytes(pdf)


def main() -> int:
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # stray output of libraries must not corrupt the answers
    sys.stdout = sys.stderr
    import typst

    setup = json.loads(sys.stdin.buffer.readline())
    fonts = typst.Fonts(include_system_fonts=True, include_embedded_fonts=True, font_paths=setup["font_paths"])
    compiler = typst.Compiler(root=setup["root"], font_paths=fonts)
    while line := sys.stdin.buffer.readline():
        try:
            _compile(compiler, json.loads(line))
            answer = {"ok": True}
        except typst.TypstError as exc:
            answer = {"error": f"{exc.message}\n{exc.diagnostic}"}
        except Exception as exc:  # e.g. the output folder is gone: this task fails, not the worker
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        answers.write(json.dumps(answer, ensure_ascii=False) + "\n")
        answers.flush()
        for _ in range(EVICT_COMPILES):  # age this task out of Typst's cache: bounded memory
            compiler.compile(input=EVICT_SOURCE, format="pdf")
    return 0


if __name__ == "__main__":
    sys.exit(main())
