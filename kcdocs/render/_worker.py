"""A Typst worker process: ``python -m kcdocs.render._worker`` reads one job (JSON) on stdin,
compiles each task to its output file and prints the record count of each finished task.

It imports nothing but typst (and, for pages with QR codes, zxing-cpp), so it starts in a
fraction of a second. After each task a few tiny compiles age the finished chunk out of
Typst's memoization cache, so its memory stays bounded however many tasks it gets.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


# Keep in step with kcdocs.render.typst_engine (not imported: this process imports only typst).
EVICT_COMPILES = 10
EVICT_SOURCE = b"#set page(width: 1cm, height: 1cm)"


def main() -> int:
    import typst

    job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    fonts = typst.Fonts(include_system_fonts=True, include_embedded_fonts=True, font_paths=job["font_paths"])
    compiler = typst.Compiler(root=job["root"], font_paths=fonts)
    for task in job["tasks"]:
        data = Path(task["data"]).read_text(encoding="utf-8")
        if '"qr_text"' in data:  # QR images are made here, in parallel, not in the parent
            from kcdocs.marks.qr import attach_svgs

            obj = json.loads(data)
            attach_svgs(obj)
            data = json.dumps(obj, ensure_ascii=False)
        try:
            pdf = compiler.compile(input=task["template"], format="pdf", sys_inputs={"data": data})
        except typst.TypstError as exc:
            sys.stderr.write(f"{exc.message}\n{exc.diagnostic}\n")
            return 1
        Path(task["output"]).write_bytes(pdf)
        print(task["count"], flush=True)
        for _ in range(EVICT_COMPILES):  # age this chunk out of Typst's cache: bounded memory
            compiler.compile(input=EVICT_SOURCE, format="pdf")
    return 0


if __name__ == "__main__":
    sys.exit(main())
