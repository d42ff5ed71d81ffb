"""The city's progress bulletin (``kcdocs bulletin``): several districts' audits combined.

Each district audits its own evidence on its own machine and sends only its small
findings.json (with the audits it kept under ``历史/``); the city combines them here into a
公文 PDF (:mod:`.document`) and a workbook with the same tables. Figures: :mod:`.collect`;
late weekly and monthly reports: :mod:`.reports`.
"""

from kcdocs.bulletin.build import BulletinOptions, BulletinResult, make_bulletin
from kcdocs.bulletin.collect import Collected, District, collect

__all__ = ["BulletinOptions", "BulletinResult", "make_bulletin", "collect", "Collected", "District"]
