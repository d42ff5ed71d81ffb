"""One read path for every evidence file: audit, ingest and dossier open files only through here.

Contract:

- :func:`open_evidence(path, limits)` (a context manager) refuses special files without
  opening them, files over the size limit, contents that are not what the name says, pages over
  the pixel budget; decodes the first page (a file is evidence only once it really opened) and
  yields :class:`Opened` (``verdict``, the bytes, the open pdfium document or Pillow image). Any
  error inside the ``with`` block, a time-out included, becomes ``verdict.problem``; library
  warnings are captured into ``verdict.warnings``.
- :func:`check(path, limits) -> Verdict` is the same without keeping anything open.
- :mod:`.topdf` turns a file the verdict accepts into pikepdf pages (dossier, ingest): images
  kept lossless where img2pdf can, converted by Pillow where it cannot; PDFs that qpdf cannot
  copy cleanly are rasterised with pdfium, and the verdict's warnings say so.
- :mod:`.names` decodes file names that are not UTF-8 (GBK bytes from a zip made on Chinese
  Windows) for display and maps them back to the file.

Limits come from ``kcdocs.toml`` ``[limits]`` (:class:`kcdocs.config.LimitsConfig`).
"""

from kcdocs.config import LimitsConfig as Limits
from kcdocs.evidence_io.probe import Opened, Verdict, check, open_evidence

__all__ = ["Limits", "Opened", "Verdict", "check", "open_evidence"]
