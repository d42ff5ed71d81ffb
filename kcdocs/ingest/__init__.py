"""kcdocs ingest: file scanner output into the evidence folders by the pages' QR codes.

Stages: :func:`kcdocs.ingest.sort.read_pages` (every page of every scan, identified by its
QR) → :func:`kcdocs.ingest.file.file_pages` (one PDF per form copy in its case folder,
unreadable pages to ``_待识别/``). ``ingest(options)`` runs both.
"""

from kcdocs.ingest.file import IngestOptions, IngestResult, ingest

__all__ = ["IngestOptions", "IngestResult", "ingest"]
