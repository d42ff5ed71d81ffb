"""Named constants with their units, defined once."""

from __future__ import annotations

# GB/T 9704-2012 page (millimetres / points)
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 37.0
MARGIN_BOTTOM_MM = 35.0
MARGIN_LEFT_MM = 28.0
MARGIN_RIGHT_MM = 26.0
TITLE_SIZE_PT = 22.0  # 二号
BODY_SIZE_PT = 16.0  # 三号
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28

# Age scope of compulsory education (周岁, inclusive)
SCHOOL_AGE_MIN = 6
SCHOOL_AGE_MAX = 15

# Rendering: pages per Typst compile; bounds memory (~125 KB per page in Typst).
RENDER_CHUNK_PAGES = 1000

MM_PER_PT = 25.4 / 72.0
