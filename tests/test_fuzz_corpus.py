"""The self-made corpus of hostile files (tools/make_fuzz_corpus.py) through the real command
line: audit (cold, cached, --no-cache), dossier and ingest. No command fails because of an
evidence file, none hangs, none crashes; audit and dossier agree on every file; the cache never
changes a verdict; every dossier passes qpdf --check; each oddity gets the verdict it should."""

from __future__ import annotations

import shutil

import pytest

from bench.fuzz import CRASH_WORDS, fuzz
from tools.make_fuzz_corpus import CASE_FOLDER, make_corpus

TIME_LIMIT = 120  # seconds per command (each takes about one)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return fuzz([], tmp_path_factory.mktemp("fuzz"), timeout=TIME_LIMIT, self_made=True)


def test_no_command_crashes_or_hangs(report):
    for run in report.runs:
        assert not run.hung, run.command
        assert run.code in (0, 1), (run.command, run.code, run.stderr[-2000:])
        assert not any(word in run.stderr for word in CRASH_WORDS), (run.command, run.stderr[-2000:])
        assert run.seconds < TIME_LIMIT
        assert run.peak_mb < 1024, (run.command, run.peak_mb)


def test_audit_and_dossier_agree_and_the_cache_changes_nothing(report):
    assert report.audit_unreadable
    assert report.disagree == []
    assert report.cache_disagree == []


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_every_dossier_passes_qpdf_check(report):
    assert report.qpdf_failed == []


def test_each_oddity_gets_its_verdict(report, tmp_path):
    expected = make_corpus(tmp_path / "x")
    unreadable = {f.split("/", 1)[1] for f in report.audit_unreadable if f.startswith(CASE_FOLDER + "/")}
    wrong = {name: want for name, want in expected.items()
             if want != "either" and (name in unreadable) != (want == "unreadable")}
    assert wrong == {}


def test_stderr_is_quiet_without_v(report):
    """Library warnings (libtiff, qpdf, Pillow) go into the files' notes, not onto the terminal."""
    for run in report.runs:
        english = [line for line in run.stderr.splitlines() if line.isascii() and line.strip()]
        assert english == [], (run.command, english[:5])
