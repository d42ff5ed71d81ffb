"""Weekly and monthly reports (周报/月报) computed from dated events in the ledger."""

from kcdocs.reports.build import ReportOptions, ReportResult, make_report
from kcdocs.reports.periods import Period, parse_month, parse_week

__all__ = ["ReportOptions", "ReportResult", "make_report", "Period", "parse_month", "parse_week"]
