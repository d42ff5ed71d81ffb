"""The 控辍保学 ledger workbook (interfaces.md §2) as pydantic models.

``load_ledger(path)`` reads sheets 学生台账 and 劝返记录 into :class:`Ledger`
(cases with their attempts); every bad cell is reported at once with its sheet,
row, column, value and what to write instead (:class:`LedgerProblems`).
"""

from kcdocs.ledger.load import LedgerProblems, load_ledger
from kcdocs.ledger.models import Attempt, Case, Disposition, DispositionTable, Ledger
from kcdocs.ledger.schema import ATTEMPT_SCHEMA, ATTEMPT_SHEET, CASE_SCHEMA, CASE_SHEET
from kcdocs.ledger.vocab import (CaseType, History, Measure, Method, Outcome, PriorityGroup, Status,
                                 label)

__all__ = [
    "load_ledger", "LedgerProblems", "Ledger", "Case", "Attempt", "Disposition", "DispositionTable",
    "CASE_SCHEMA", "ATTEMPT_SCHEMA", "CASE_SHEET", "ATTEMPT_SHEET", "CaseType", "Status",
    "PriorityGroup", "Method", "Outcome", "History", "Measure", "label",
]
