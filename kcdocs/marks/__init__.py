"""Self-identifying pages: QR payloads, QR images, and the layout registry that says where
each signature box, seal area and QR code sits on every printed form (in mm)."""

from kcdocs.marks.layout import Box, PageLayout, get_layout, paginate
from kcdocs.marks.payload import FORM_CODES, PagePayload, PayloadError

__all__ = ["Box", "PageLayout", "get_layout", "paginate", "FORM_CODES", "PagePayload", "PayloadError"]
