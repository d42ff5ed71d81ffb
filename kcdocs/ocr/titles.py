"""Which checklist document a line of recognised text names.

``TitleMatcher(words).match(text) -> Match | None``: exact containment of a document name or
alias first (the longest wins), then a fuzzy comparison (difflib ratio ≥ ``FUZZY``) for names
of at least ``FUZZY_MIN_CHARS`` characters, with no guess when two documents come close or
when another document's name explains more characters of the line; text and names are
compared after NFKC, removal of spaces and punctuation and traditional → simplified folding
of the characters that occur in document titles. Generic titles (证明, 情况说明 …) never match
by themselves: see :func:`generic`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from kcdocs.textnorm import squash

FUZZY = 0.75
FUZZY_MIN_CHARS = 4
AMBIGUOUS_MARGIN = 0.08  # two documents fuzzily this close: neither is trusted
GENERIC = {"证明", "情况说明", "说明", "证明书", "证明材料", "情况证明", "情况汇报", "证明信", "介绍信", "申请"}

# traditional → simplified for the characters of document titles and certificate bodies
_TRAD = ("證证 醫医 學学 戶户 號号 籍籍 註注 銷销 記记 錄录 遺遗 體体 紀纪 殘残 鑒鉴 鑑鉴 審审 "
         "批批 准准 復复 書书 請请 職职 專专 員员 會会 檢检 查查 療疗 機机 構构 診诊 斷断 覆复 "
         "況况 說说 明明 蹤踪 聯联 確确 認认 變变 更更 齡龄 遷迁 離离 歸归 勸劝 返返 輟辍 錄录 "
         "執执 法法 議议 庭庭 裁裁 責责 令令 限限 期期 改改 正正 通通 知知 熱热 個个 別别 幫帮 "
         "務务 義义 國国 區区 縣县 鄉乡 鎮镇 鄰邻 處处 實实 際际 亡亡 死死 殯殡 儀仪 館馆 屍尸 "
         "親亲 屬属 監监 護护 歲岁 齊齐 兒儿 童童 姓姓 名名 身身 份份 民民 無无 異异 這这 為为 "
         "於于 與与 經经 長长 發发 給给 據据 準准 廳厅 門门 單单 位位 蓋盖 章章 簽签 字字 寫写")
TRAD = {pair[0]: pair[1] for pair in _TRAD.split()}
_DROP = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


def normalise(text: str) -> str:
    """Comparable form: half-width, lower case, simplified, letters/digits/CJK only."""
    text = squash(text).lower()
    return _DROP.sub("", "".join(TRAD.get(c, c) for c in text))


def generic(text: str) -> bool:
    """A title that says nothing about which document it is (证明, 情况说明 …)."""
    return normalise(text) in GENERIC


def one_apart(a: str, b: str) -> bool:
    """Equal but for one character replaced, added or dropped."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def near_generic(text: str) -> bool:
    """A generic title of four or more characters, or one read with one character replaced (精况说明)."""
    key = normalise(text)
    return len(key) >= 4 and any(len(g) == len(key) and (g == key or one_apart(g, key)) for g in GENERIC)


@dataclass(frozen=True)
class Match:
    document: str
    score: float  # 1.0 exact; the fuzzy ratio otherwise
    how: str  # exact | fuzzy
    word: str  # the name or alias that matched


class TitleMatcher:
    def __init__(self, words: list[tuple[str, str]]):
        """``words``: (name or alias, canonical document name)."""
        table: dict[str, str] = {}
        for word, name in words:
            key = normalise(word)
            if key and key not in GENERIC:
                table.setdefault(key, name)
        self.words = sorted(table.items(), key=lambda kv: -len(kv[0]))

    def match(self, text: str) -> Match | None:
        line = normalise(text)
        if len(line) < 2:
            return None
        for word, name in self.words:
            if word in line:
                return Match(name, 1.0, "exact", word)
        return self._fuzzy(line)

    def _fuzzy(self, line: str) -> Match | None:
        best: dict[str, tuple[float, str, int]] = {}
        explains: dict[str, int] = {}  # characters of the line each document's names match
        for word, name in self.words:
            if len(word) < FUZZY_MIN_CHARS or len(line) < len(word) - 2:
                continue
            ratio, same = _best_ratio(word, line)
            if ratio < FUZZY:
                continue
            explains[name] = max(explains.get(name, 0), same)
            if len(line) >= len(word) - 1 and ratio > best.get(name, (0.0, "", 0))[0]:
                best[name] = (ratio, word, same)
        if not best:
            return None
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
        if len(ranked) > 1 and ranked[0][1][0] - ranked[1][1][0] < AMBIGUOUS_MARGIN:
            return None  # 户口注销证明 vs 重复户籍注销证明: do not guess
        name, (ratio, word, same) = ranked[0]
        if any(n > same for other, n in explains.items() if other != name):
            return None  # 正赏死亡证明: 死亡证明书 fits a part, 非正常死亡证明 explains more of the line
        return Match(name, ratio, "fuzzy", word)


def _best_ratio(word: str, line: str) -> tuple[float, int]:
    """The best difflib ratio of ``word`` against windows of ``line`` of about its length, and
    how many characters of that window match ``word``."""
    n = len(word)
    best, same = 0.0, 0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(word)
    for size in [s for s in (n - 1, n, n + 1) if 2 <= s <= len(line)] or [len(line)]:
        for start in range(0, len(line) - size + 1):
            matcher.set_seq1(line[start:start + size])
            if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
                ratio = matcher.ratio()
                if ratio > best:
                    best, same = ratio, sum(block.size for block in matcher.get_matching_blocks())
    return best, same
