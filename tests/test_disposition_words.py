"""Every spelling of 处置类型 the notice, the product definition and the checklists use is accepted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kcdocs.checklists import load_checklists
from kcdocs.checklists.loader import ChecklistError, _load

ROOT = Path(__file__).resolve().parents[1]
SEED = Path("/work/shared/seed")

# The headings of 附件1 of 枣教字〔2020〕16号, as printed, with the disposition each names.
HEADINGS = {
    "（一）年龄不符的。": "W1",
    "（二）户籍重复的（含迁出未注销的）。": "W2",
    "（三）失踪失联的。": "W3",
    "（四）实际死亡的。": "W4",
    "（五）因身体原因不具备学习条件的。": "W5",
    "（六）实际就读无学籍的。": "W6",
    "（七）因特殊原因申请延缓入学（正常休学）的。": "W7",
    "(一) 引导至中职学校接受教育。": "P1",
    "（二）强制劝返。": "P2",
}
# The full names of the product definition (half-width parentheses), and a few more ways of writing.
NAMES = {
    "劝返复学": "R0", "核销·年龄不符": "W1", "核销·户籍重复(含迁出未注销)": "W2", "核销·失踪失联": "W3",
    "核销·实际死亡": "W4", "核销·因身体原因不具备学习条件": "W5", "核销·实际就读无学籍": "W6",
    "核销·延缓入学/休学": "W7", "特殊劝返·引导至中职学校": "P1", "特殊劝返·强制劝返": "P2",
    "户籍重复的（含迁出未注销的）": "W2", "因特殊原因申请延缓入学（正常休学）的": "W7",
    "引导至中职学校接受教育": "P1", "强制劝返": "P2", "w4 实际死亡": "W4", "W2核销·户籍重复": "W2",
}
SEPARATORS = ("·", "-", ".", "、", " ", "・", "－")


def _table():
    return load_checklists().disposition_table()


def _seed_headings() -> dict[str, None]:
    """The ordinal headings of 附件1 in the seed text: （一）…的。 lines between 附件 1 and 附件 2."""
    found = {}
    for path in sorted(SEED.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        start, end = text.find("附件 1\n"), text.find("附件 2\n")
        part = text[start:end] if start >= 0 else ""
        for line in part.splitlines():
            if re.match(r"^\s*[（(][一二三四五六七][)）]", line.strip()) and len(line.strip()) < 40:
                found[line.strip()] = None
    return found


@pytest.mark.parametrize("word,code", sorted({**HEADINGS, **NAMES}.items()))
def test_committed_words(word, code):
    found = _table().resolve(word)
    assert found is not None and found.code == code, word


@pytest.mark.skipif(not SEED.is_dir(), reason="the seed notice is not on this machine")
def test_every_heading_of_the_seed():
    headings = _seed_headings()
    assert len(headings) >= 9, headings
    table = _table()
    unresolved = [h for h in headings if table.resolve(h) is None]
    assert not unresolved
    # the committed list is the seed's list
    assert {table.resolve(h).code for h in headings} == set(HEADINGS.values())


def test_every_checklist_title_and_name():
    checklists = load_checklists()
    table = checklists.disposition_table()
    for f in checklists.files:
        if f.disposition is None:
            continue
        code = f.disposition.code
        title_rest = f.title[len(code):].strip()
        for word in (f.title, title_rest, f.disposition.name, *f.disposition.aliases):
            assert table.resolve(word).code == code, (f.path.name, word)


def test_spelling_variants_of_every_name():
    """Width of parentheses, separators, the 的, with or without the group prefix."""
    checklists = load_checklists()
    table = checklists.disposition_table()
    for code, spec in checklists.dispositions.items():
        group, _, short = spec.name.rpartition("·")
        words = {short, short + "的", short.replace("(", "（").replace(")", "）"),
                 short.replace("（", "(").replace("）", ")")}
        if group:
            words |= {f"{group}{sep}{w}" for sep in SEPARATORS for w in list(words)}
        for word in words:
            found = table.resolve(word)
            assert found is not None and found.code == code, word


@pytest.mark.parametrize("word", ["核销", "特殊劝返", "出国定居", "核销·出国", "W9", "R05"])
def test_unknown_words_are_not_guessed(word):
    assert _table().resolve(word) is None


def test_two_dispositions_written_alike_are_a_checklist_error(tmp_path):
    for f in (ROOT / "checklists").glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    w3 = tmp_path / "w3.yaml"
    w3.write_text(w3.read_text(encoding="utf-8").replace("aliases: [失踪失联, 失踪, 失联]",
                                                         "aliases: [失踪失联, 失踪, 失联, 实际死亡的]"), encoding="utf-8")
    with pytest.raises(ChecklistError) as err:
        _load(tmp_path)
    assert "实际死亡的" in err.value.message and "W4" in err.value.message
