"""Fictional but valid data for samples, tests and benchmarks (deterministic with a seed)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from kcdocs.idnumber import check_char

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔"
GIVEN = "子涵欣怡梓涵晨曦浩宇一诺雨桐思远俊杰佳怡宇轩梓萱嘉怡博文雅琪明轩诗涵子墨若曦天佑可馨皓轩语桐铭泽梦琪振华秀英建国志强丽娟海燕文博春梅"
# 枣庄市 county codes (reference.md §3) with their bureaus and a few schools.
DISTRICTS = {
    "370402": ("市中区", ["枣庄市市中区实验小学", "枣庄市市中区第二实验小学", "枣庄市第十五中学", "市中区光明路街道中心小学"]),
    "370403": ("薛城区", ["薛城区临城实验小学", "薛城区兴仁中心小学", "枣庄市第二十八中学"]),
    "370404": ("峄城区", ["峄城区坛山街道中心小学", "峄城区吴林街道中心小学", "峄城区古邵镇中学"]),
    "370405": ("台儿庄区", ["台儿庄区运河街道实验小学", "台儿庄区邳庄镇中心小学", "台儿庄区张山子镇中学"]),
    "370406": ("山亭区", ["山亭区山城街道中心小学", "山亭区店子镇中心小学", "山亭区西集镇中学"]),
    "370481": ("滕州市", ["滕州市实验小学", "滕州市龙泉街道中心小学", "滕州市北辛中学", "滕州市洪绪镇中心小学"]),
}


def bureau(code: str) -> str:
    name = DISTRICTS[code][0]
    return f"{'' if name.endswith('市') else '枣庄市'}{name}教育和体育局"


def id_number(region: str, born: date, seq: int, male: bool) -> str:
    """``seq`` (0–499) must be unique among people of the same region and birth date."""
    seq = seq * 2 + (1 if male else 0)
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + check_char(body)


def person_name(rng: random.Random) -> str:
    n = rng.choice((1, 2, 2))
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(n))


def birth_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def roster_rows(count: int, *, seed: int = 7, first: date = date(2013, 9, 1), last: date = date(2014, 8, 31)):
    """Rows of a notice roster: (name, sex, id, guardian, phone, school, region code)."""
    rng = random.Random(seed)
    rows = []
    used: dict[tuple[str, date], int] = {}
    for _ in range(count):
        region = rng.choice(list(DISTRICTS))
        born = birth_between(rng, first, last)
        i = used[(region, born)] = used.get((region, born), -1) + 1
        male = rng.random() < 0.52
        child = person_name(rng)
        guardian = child[0] + rng.choice("建国志强海涛卫东红梅秀兰立新春生玉兰德明桂英")
        rows.append({
            "name": child, "sex": "男" if male else "女",
            "id": id_number(region, born, i, male),
            "guardian": guardian, "phone": f"1{rng.choice('35789')}{rng.randrange(10**9):09d}",
            "school": rng.choice(DISTRICTS[region][1]), "region": region,
        })
    return rows
