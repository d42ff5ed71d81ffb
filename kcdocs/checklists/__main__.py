"""python -m kcdocs.checklists [DIR] — validate the checklists and regenerate DIR/README.md."""

import sys
from pathlib import Path

from kcdocs.checklists.loader import ChecklistError
from kcdocs.checklists.readme import write_readme

try:
    path = write_readme(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
except ChecklistError as exc:
    print(f"错误：{exc}", file=sys.stderr)
    sys.exit(2)
print(f"已生成 {path}")
