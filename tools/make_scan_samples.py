"""Write samples/scans/扫描仪输出_劝返记录.pdf: the persuasion records of two P1 cases of the sample
ledger, printed by kcdocs, "signed" by hand except for the boxes listed in UNSIGNED, and
scanned (turned ±3°, one page upside down, noise, JPEG q60), shuffled into one scanner PDF.
All people are fictional. python -m tools.make_scan_samples
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from kcdocs.forms import FormOptions, make_forms
from kcdocs.marks.layout import page_layout
from kcdocs.scan import synth
from kcdocs.scan.qr import find_qr
from kcdocs.scan.source import page_images

ROOT = Path(__file__).resolve().parent.parent
CASES = ["370402-2020-0003", "370403-2020-0003"]
UNSIGNED = {("370402-2020-0003", 2): [1]}  # attempt 2 of case 0003: the second staff member did not sign
DPI = 200


def main() -> None:
    import img2pdf

    rng = np.random.default_rng(2020)
    out = ROOT / "samples" / "scans"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "forms.pdf"
        make_forms(FormOptions(form="persuasion-record", ledger=ROOT / "samples" / "ledger.xlsx", output=pdf,
                               cases=CASES))
        jpegs = []
        for n, page in enumerate(page_images(pdf)):
            payload = find_qr(page.gray).payload
            rgb = np.array(page.rgb, copy=True)
            blank = UNSIGNED.get((payload.subject, payload.seq), [])
            for i, box in enumerate(page_layout(payload).signatures):
                if i not in blank:
                    synth.sign(rgb, box, DPI, rng)
            scanned = synth.damage(rgb, rng, angle=float(rng.uniform(-3, 3)), scale=float(rng.uniform(0.95, 1.0)),
                                   upside_down=n == 1)
            jpegs.append(synth.jpeg(scanned, 60))
    order = list(rng.permutation(len(jpegs)))
    layout = img2pdf.get_fixed_dpi_layout_fun((DPI, DPI))
    target = out / "扫描仪输出_劝返记录.pdf"
    target.write_bytes(img2pdf.convert([jpegs[i] for i in order], layout_fun=layout,
                                       engine=img2pdf.Engine.internal))
    print(f"{len(jpegs)} pages → {target}")


if __name__ == "__main__":
    main()
