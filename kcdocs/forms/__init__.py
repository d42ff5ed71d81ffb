"""Forms to be signed, built from the ledger: 劝返复学工作记录表, 书面申请, 个性化教育方案.

Each printed page carries a QR code and signature boxes at the positions of the layout
registry (:mod:`kcdocs.marks.layout`)."""

from kcdocs.forms.build import FORM_TYPES, FormOptions, FormResult, make_forms

__all__ = ["FORM_TYPES", "FormOptions", "FormResult", "make_forms"]
