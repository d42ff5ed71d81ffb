"""Closed vocabularies of the ledger (interfaces.md §2): stored as English codes,
accepted as the Chinese words users write, with common variants."""

from __future__ import annotations

import functools
from enum import StrEnum

from kcdocs.textnorm import squash


class CaseType(StrEnum):
    NEVER_ENROLLED = "never_enrolled"
    DROPPED_OUT = "dropped_out"


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    RETURNED = "returned"
    PLACED = "placed"
    WRITTEN_OFF = "written_off"
    COMPULSORY = "compulsory"


class PriorityGroup(StrEnum):
    POOR = "poor"
    DISABLED = "disabled"
    LEFT_BEHIND = "left_behind"
    MIGRANT = "migrant"
    NEW_SETTLER = "new_settler"


class Method(StrEnum):
    HOME_VISIT = "home_visit"
    PHONE = "phone"
    ONLINE = "online"
    AT_SCHOOL = "at_school"
    OTHER = "other"


class Outcome(StrEnum):
    NO_EFFECT = "no_effect"
    EFFECTIVE = "effective"
    PARTIAL = "partial"


class History(StrEnum):
    """P1 辍学情形."""

    LONG_DROPOUT = "long_dropout"
    NEVER_ATTENDED = "never_attended"
    REPEATED = "repeated"
    SCHOOL_WEARY = "school_weary"


class Measure(StrEnum):
    """P2 强制措施, in the order of the escalation ladder."""

    CRITICISM = "criticism"
    ORDER_CORRECTION = "order_correction"
    JUDICIAL_DOCUMENT = "judicial_document"
    LEGAL_LIABILITY = "legal_liability"


# Chinese label first (used for display), then accepted variants.
WORDS: dict[type[StrEnum], dict[StrEnum, tuple[str, ...]]] = {
    CaseType: {CaseType.NEVER_ENROLLED: ("失学", "未入学"), CaseType.DROPPED_OUT: ("辍学",)},
    Status: {
        Status.NOT_STARTED: ("未劝返", "待劝返"),
        Status.IN_PROGRESS: ("劝返中", "正在劝返"),
        Status.RETURNED: ("已复学", "已劝返复学", "已劝返"),
        Status.PLACED: ("已安置", "已入中职"),
        Status.WRITTEN_OFF: ("已核销", "核销"),
        Status.COMPULSORY: ("强制程序中", "强制劝返中", "司法程序中"),
    },
    PriorityGroup: {
        PriorityGroup.POOR: ("建档立卡", "建档立卡贫困家庭", "贫困", "建档立卡贫困户"),
        PriorityGroup.DISABLED: ("残疾", "残疾儿童", "残疾少年"),
        PriorityGroup.LEFT_BEHIND: ("留守", "农村留守", "留守儿童"),
        PriorityGroup.MIGRANT: ("随迁", "随迁子女", "流入", "流入长期居住家庭"),
        PriorityGroup.NEW_SETTLER: ("新落户", "新落户家庭"),
    },
    Method: {
        Method.HOME_VISIT: ("入户", "上门", "家访", "入户走访"),
        Method.PHONE: ("电话", "打电话"),
        Method.ONLINE: ("网络", "微信", "视频通话", "线上"),
        Method.AT_SCHOOL: ("到校", "来校", "约谈"),
        Method.OTHER: ("其他", "其它"),
    },
    Outcome: {
        Outcome.NO_EFFECT: ("无效", "无效果", "未果"),
        Outcome.EFFECTIVE: ("有效", "成功", "已复学"),
        Outcome.PARTIAL: ("部分有效", "有一定效果"),
    },
    History: {
        History.LONG_DROPOUT: ("连续辍学一年以上", "连续辍学一年及以上", "连续辍学1年以上", "连续辍学"),
        History.NEVER_ATTENDED: ("从未上学", "从未入学"),
        History.REPEATED: ("反复辍学",),
        History.SCHOOL_WEARY: ("极度厌学", "厌学"),
    },
    Measure: {
        Measure.CRITICISM: ("批评教育",),
        Measure.ORDER_CORRECTION: ("责令限期改正", "责令改正"),
        Measure.JUDICIAL_DOCUMENT: ("司法文书", "提请司法部门发放司法文书", "发放司法文书"),
        Measure.LEGAL_LIABILITY: ("追究法律责任", "依法追究法律责任"),
    },
}

_LOOKUP: dict[type[StrEnum], dict[str, StrEnum]] = {}
for _enum, _table in WORDS.items():
    _map: dict[str, StrEnum] = {}
    for _member, _words in _table.items():
        _map[squash(_member.value).lower()] = _member
        for _word in _words:
            _map[squash(_word).lower()] = _member
    _LOOKUP[_enum] = _map


# Words already looked up, by enum: a ledger repeats a few words thousands of times (and
# isinstance() against an enum class costs microseconds).
_SEEN: dict[type[StrEnum], dict[str, StrEnum | None]] = {enum: {} for enum in WORDS}


def lookup(enum: type[StrEnum], value: object) -> StrEnum | None:
    """The member a user's word names (code or Chinese), or None."""
    if value.__class__ is str:
        seen = _SEEN[enum]
        if value not in seen:
            if len(seen) > 4096:
                seen.clear()
            seen[value] = _LOOKUP[enum].get(squash(value).lower())
        return seen[value]
    if isinstance(value, enum):
        return value
    return _LOOKUP[enum].get(squash(str(value)).lower())


# 性别 is stored as the one-character word the ID number check compares with.
SEX_WORDS: dict[str, tuple[str, ...]] = {"男": ("男", "男性"), "女": ("女", "女性")}
_SEX = {squash(w): sex for sex, words in SEX_WORDS.items() for w in words}


def sex_word(value: object) -> str | None:
    """“男” or “女” for 男/女/男性/女性 (full-width spaces and width variants ignored), else None."""
    return _sex_word(str(value)) if value not in (None, "") else None


@functools.lru_cache(maxsize=256)
def _sex_word(text: str) -> str | None:
    return _SEX.get(squash(text))


def label(member: StrEnum | None) -> str:
    """The Chinese word for a member ('' for None)."""
    if member is None:
        return ""
    return WORDS[type(member)][member][0]


def choices(enum: type[StrEnum]) -> str:
    """The accepted Chinese words, for hints: 未劝返 / 劝返中 / …"""
    return " / ".join(words[0] for words in WORDS[enum].values())
