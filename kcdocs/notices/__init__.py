"""入学通知书 / 复学通知书: roster in, one print-ready PDF (and optional Word files) out."""

from kcdocs.notices.build import NoticeOptions, NoticeResult, make_notices
from kcdocs.notices.roster import ROSTER_SCHEMA, RosterRow

__all__ = ["NoticeOptions", "NoticeResult", "make_notices", "ROSTER_SCHEMA", "RosterRow"]
