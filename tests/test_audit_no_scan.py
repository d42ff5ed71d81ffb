"""`kcdocs audit --no-scan`: scanned pages are not read, so kcdocs forms are not identified by QR."""

from __future__ import annotations

import json
import shutil

from tests.conftest import REPO, run_cli

SAMPLES = REPO / "samples"


def _evidence_by(tmp_path, *extra) -> set[str]:
    out = tmp_path / ("o" + "".join(extra))
    r = run_cli("audit", tmp_path / "ledger.xlsx", tmp_path / "ev", "-o", out, "--as-of", "2020-06-15",
                "--case", "370402-2020-0003", "--no-cache", *extra)
    assert r.returncode in (0, 1), r.stderr
    case = json.loads((out / "findings.json").read_text(encoding="utf-8"))["cases"][0]
    return {e["by"] for e in case["evidence"] if e["file"].endswith("plan.pdf")}


def test_no_scan_skips_qr_identification(tmp_path):
    shutil.copy(SAMPLES / "ledger.xlsx", tmp_path / "ledger.xlsx")
    shutil.copytree(SAMPLES / "evidence", tmp_path / "ev")
    folder = next((tmp_path / "ev").glob("370402-2020-0003*"))
    r = run_cli("forms", "education-plan", tmp_path / "ledger.xlsx", "-o", folder / "plan.pdf",
                "--case", "370402-2020-0003")
    assert r.returncode == 0, r.stderr
    assert _evidence_by(tmp_path) == {"qr"}
    assert "qr" not in _evidence_by(tmp_path, "--no-scan")


def test_a_no_scan_audit_does_not_pass_for_a_scan_in_the_cache(tmp_path):
    """A look without the scanned pages is cached apart: the full audit after it still reads the QR."""
    shutil.copy(SAMPLES / "ledger.xlsx", tmp_path / "ledger.xlsx")
    shutil.copytree(SAMPLES / "evidence", tmp_path / "ev")
    folder = next((tmp_path / "ev").glob("370402-2020-0003*"))
    assert run_cli("forms", "education-plan", tmp_path / "ledger.xlsx", "-o", folder / "plan.pdf",
                   "--case", "370402-2020-0003").returncode == 0

    def by(*extra) -> set[str]:
        out = tmp_path / ("o" + "".join(extra))
        r = run_cli("audit", tmp_path / "ledger.xlsx", tmp_path / "ev", "-o", out, "--as-of", "2020-06-15",
                    "--case", "370402-2020-0003", *extra)
        assert r.returncode in (0, 1), r.stderr
        case = json.loads((out / "findings.json").read_text(encoding="utf-8"))["cases"][0]
        return {e["by"] for e in case["evidence"] if e["file"].endswith("plan.pdf")}

    assert "qr" not in by("--no-scan")
    assert by() == {"qr"}  # not served from the --no-scan entry
    assert by("--no-scan") == {"qr"}  # a fuller look serves a lighter one
