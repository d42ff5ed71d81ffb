"""The built-in checklists: ids match domain.md, README is current, bad files are clear errors,
and a new disposition needs no code."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kcdocs.checklists import ChecklistError, load_checklists
from kcdocs.checklists.readme import generate_readme
from kcdocs.resources import checklists_dir

DOMAIN = Path(__file__).resolve().parents[2] / "shared" / "spec" / "domain.md"
EXTENSIONS: set[str] = {"C.subject", "C.evidence_dates", "L.ledger_row"}  # project additions, documented in checklists/README.md and docs/audit.md
PLACEHOLDERS = {"X.name"}  # domain.md's example of the id form, not a rule


def domain_ids() -> set[str]:
    if not DOMAIN.exists():
        pytest.skip("spec/domain.md not available")
    ids = set(re.findall(r"`([A-Z][A-Z0-9]?\.[a-z_]+)`", DOMAIN.read_text(encoding="utf-8")))
    return ids - PLACEHOLDERS


def test_checklist_ids_are_exactly_the_domain_ids():
    ids = {item.id for item in load_checklists().all_items()}
    assert ids - EXTENSIONS == domain_ids()


def test_every_disposition_has_a_file_and_every_item_is_reachable():
    cs = load_checklists()
    assert sorted(cs.dispositions) == ["P1", "P2", "R0", "W1", "W2", "W3", "W4", "W5", "W6", "W7"]
    reachable = {i.id for code in cs.dispositions for i in cs.items_for(code)}
    assert reachable == {i.id for i in cs.all_items()}
    assert "C.age" not in {i.id for i in cs.items_for("W1")}
    assert "W.reason" in {i.id for i in cs.items_for("W4")} and "W.reason" not in {i.id for i in cs.items_for("R0")}


def test_readme_is_generated_from_the_yaml():
    current = (checklists_dir() / "README.md").read_text(encoding="utf-8")
    assert current == generate_readme(), "run: python -m kcdocs.checklists"
    for item in load_checklists().all_items():
        assert f"`{item.id}`" in current


def copy_builtin(tmp_path: Path) -> Path:
    target = tmp_path / "lists"
    shutil.copytree(checklists_dir(), target)
    (target / "README.md").unlink()
    return target


BAD = [
    ("w4.yaml", "  - id: W4.death_proof", "  - id: W9.death_proof", "应以“W4.”开头"),
    ("w4.yaml", "any_of: [死亡医学证明", "anyof: [死亡医学证明", "未知的要求类型“anyof”"),
    ("w4.yaml", "    evidence: scan", "    evidence: scan\n    colour: red", "不认识的键"),
    ("w4.yaml", "any_of: [死亡医学证明,", "any_of: [死亡证书,", "《死亡证书》没有在任何条目的 documents 中声明"),
    ("w4.yaml", "aliases: [火化证, 遗体火化证明]", "aliases: [火化证, 死亡证明书]", "同时指向"),
    ("common.yaml", "name: 原因分析\n", "name: 原因分折\n", "没有“原因分折”这一列"),
    ("common.yaml", "except: [W1]", "except: [W8]", "“W8”不是已知的处置类型或分组"),
    ("p1.yaml", "  - id: P1.media", "  - id: P1.age", "重复"),
    ("r0.yaml", "schema: kcdocs.checklist/1", "schema: [oops", "无法解析"),
]


@pytest.mark.parametrize("name, old, new, words", BAD, ids=[b[3][:12] for b in BAD])
def test_bad_checklist_is_a_clear_error(tmp_path, name, old, new, words):
    folder = copy_builtin(tmp_path)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ChecklistError) as info:
        load_checklists(folder)
    assert words in str(info.value)
    assert name in str(info.value) or "清单有错误" in str(info.value)


NEW_DISPOSITION = """schema: kcdocs.checklist/1
title: X1 核销·出国定居
disposition:
  code: X1
  name: 核销·出国定居
  aliases: [出国定居]
  group: write_off
items:
  - id: X1.exit_proof
    name: 出入境证明
    evidence: scan
    guidance: 上传出入境管理部门的证明。
    documents:
      - name: 出入境证明
        aliases: [出境证明]
    require:
      - document: 出入境证明
"""


def test_new_disposition_needs_no_code(tmp_path):
    folder = copy_builtin(tmp_path)
    (folder / "x1.yaml").write_text(NEW_DISPOSITION, encoding="utf-8")
    cs = load_checklists(folder)
    table = cs.disposition_table()
    assert table.resolve("出国定居").code == "X1" and table.resolve("核销·出国定居").code == "X1"
    ids = [i.id for i in cs.items_for("X1")]
    assert "X1.exit_proof" in ids and "W.reason" in ids  # group write_off brings the common 核销 rule


def test_override_changes_a_common_item_for_one_disposition(tmp_path):
    folder = copy_builtin(tmp_path)
    w4 = folder / "w4.yaml"
    w4.write_text(w4.read_text(encoding="utf-8") + "overrides:\n  W.reason: {severity: review}\n", encoding="utf-8")
    cs = load_checklists(folder)
    assert next(i for i in cs.items_for("W4") if i.id == "W.reason").severity == "review"
    assert next(i for i in cs.items_for("W3") if i.id == "W.reason").severity == "error"
