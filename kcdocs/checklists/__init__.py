"""Checklists as data: ``checklists/*.yaml`` validated with pydantic on load.

Each item has a domain rule id (``W4.death_proof``), a Chinese name, the documents
(and aliases) that evidence it, guidance, a severity and a ``require:`` list written
in a closed vocabulary — ``document``, ``any_of``, ``min_count``, ``field``,
``condition``, ``signatures``, ``seal`` — backed by :data:`OPERATORS`.
"""

from kcdocs.checklists.checks import CHECKS
from kcdocs.checklists.context import KINDS, CaseContext, Check, DocRef, ReviewNote
from kcdocs.checklists.loader import ChecklistError, load_checklists, load_file
from kcdocs.checklists.models import ChecklistFile, ChecklistSet, DispositionSpec, DocumentSpec, Item
from kcdocs.checklists.operators import OPERATORS, Requirement
from kcdocs.ocr import checks as _text_checks  # noqa: E402,F401  conditions on a document's read text

__all__ = [
    "load_checklists", "load_file", "ChecklistError", "ChecklistSet", "ChecklistFile", "Item",
    "DocumentSpec", "DispositionSpec", "Requirement", "OPERATORS", "CHECKS", "CaseContext",
    "Check", "DocRef", "ReviewNote", "KINDS",
]
