"""The review and 整改 steps of ``make demo``, done as an inspector and a district would.

``python -m tools.make_review_demo fill 待复核.xlsx`` fills the 决定 and 复核人 columns of an
exported decisions workbook for a few sample cases (what an inspector does after looking
at the pages): the signatures and seals of 李明, 周强 and 朱丽 confirmed, 郑磊's grayscale
police seal judged 不符合.

``python -m tools.make_review_demo fix EVIDENCE`` hands in the 劝返记录 赵小红's case lacks:
the form kcdocs prints, signed in every box and scanned (200 dpi, slightly turned), written
as ``EVIDENCE/370402-2020-0002 赵小红/劝返记录.pdf``. All people are fictional.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REVIEWER = "王督学"
DECISIONS = {  # case -> decision for every pending item of it
    "370402-2020-0001": "确认已签字",
    "370403-2020-0002": "确认已盖章",
    "370404-2020-0003": "确认已签字",
    "370404-2020-0002": "不符合",
}
NOTES = {"不符合": "灰度复印件，看不清派出所公章，请补交盖章原件扫描件", "": "已查看原件"}
FIXED_CASE, FIXED_FOLDER = "370402-2020-0002", "370402-2020-0002 赵小红"
DPI = 200


def fill(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["待复核"]
    head = [c.value for c in ws[1]]
    col = {h: head.index(h) + 1 for h in ("台账编号", "决定", "复核人", "备注")}
    filled = 0
    for n in range(2, ws.max_row + 1):
        decision = DECISIONS.get(ws.cell(n, col["台账编号"]).value)
        if decision:
            ws.cell(n, col["决定"], decision)
            ws.cell(n, col["复核人"], REVIEWER)
            ws.cell(n, col["备注"], NOTES.get(decision, NOTES[""]))
            filled += 1
    wb.save(path)
    print(f"已在 {path} 中填写 {filled} 个复核决定（复核人{REVIEWER}）。")
    return filled


def fix(evidence: Path) -> Path:
    import img2pdf
    import numpy as np

    from kcdocs.forms import FormOptions, make_forms
    from kcdocs.marks.layout import page_layout
    from kcdocs.scan import synth
    from kcdocs.scan.qr import find_qr
    from kcdocs.scan.source import page_images

    rng = np.random.default_rng(615)
    target = Path(evidence) / FIXED_FOLDER / "劝返记录.pdf"
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "form.pdf"
        make_forms(FormOptions(form="persuasion-record", ledger=ROOT / "samples" / "ledger.xlsx", output=pdf,
                               cases=[FIXED_CASE]))
        jpegs = []
        for page in page_images(pdf):
            payload = find_qr(page.gray).payload
            rgb = np.array(page.rgb, copy=True)
            for box in page_layout(payload).signatures:
                synth.sign(rgb, box, DPI, rng)
            jpegs.append(synth.jpeg(synth.damage(rgb, rng, angle=1.2, scale=0.98), 75))
    target.write_bytes(img2pdf.convert(jpegs, layout_fun=img2pdf.get_fixed_dpi_layout_fun((DPI, DPI)),
                                       engine=img2pdf.Engine.internal))
    print(f"已补交签字后扫描的劝返记录：{target}")
    return target


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("fill", "fix"):
        print("用法：python -m tools.make_review_demo fill 待复核.xlsx | fix 佐证材料文件夹", file=sys.stderr)
        return 2
    if argv[0] == "fill":
        fill(Path(argv[1]))
    else:
        fix(Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
