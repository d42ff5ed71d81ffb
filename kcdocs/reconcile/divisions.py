"""Administrative divisions used to label results: county (区市) and township (乡镇街道).

Default data: 枣庄市 (370400), GB/T 2260 county codes and 9-digit township statistical codes
(spec/reference.md §3). Township codes change from year to year, so this is data, not logic:
:class:`Divisions` can be extended from a table (``代码``, ``名称``) by callers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kcdocs.textnorm import squash

ZAOZHUANG_COUNTIES = {
    "370402": "市中区",
    "370403": "薛城区",
    "370404": "峄城区",
    "370405": "台儿庄区",
    "370406": "山亭区",
    "370481": "滕州市",
}

ZAOZHUANG_TOWNSHIPS = {
    "370402": "001 中心街街道, 002 各塔埠街道, 003 矿区街道, 004 文化路街道, 005 龙山路街道, 006 光明路街道, "
              "101 税郭镇, 102 孟庄镇, 103 齐村镇, 104 永安镇, 105 西王庄镇",
    "370403": "001 临城街道, 002 兴仁街道, 003 兴城街道, 004 张范街道, 005 常庄街道, 101 沙沟镇, 102 周营镇, "
              "103 邹坞镇, 104 陶庄镇",
    "370404": "001 坛山街道, 002 吴林街道, 100 古邵镇, 101 阴平镇, 102 底阁镇, 103 榴园镇, 104 峨山镇",
    "370405": "001 运河街道, 100 邳庄镇, 101 张山子镇, 102 泥沟镇, 103 涧头集镇, 104 马兰屯镇",
    "370406": "001 山城街道, 101 店子镇, 102 西集镇, 103 桑村镇, 104 北庄镇, 105 城头镇, 106 徐庄镇, 107 水泉镇, "
              "108 冯卯镇, 109 凫城镇, 405 山亭经济开发区",
    "370481": "001 荆河街道, 002 龙泉街道, 003 北辛街道, 004 善南街道, 005 东沙河街道, 101 洪绪镇, 102 南沙河镇, "
              "103 大坞镇, 104 滨湖镇, 105 级索镇, 106 西岗镇, 107 姜屯镇, 108 鲍沟镇, 109 张汪镇, 110 官桥镇, "
              "111 柴胡店镇, 112 羊庄镇, 113 木石镇, 114 界河镇, 115 龙阳镇, 116 东郭镇",
}

_CODE = re.compile(r"^(\d{6})(\d{3})(?:000)?$")
_SUFFIXES = ("市", "区", "县")


@dataclass
class Divisions:
    counties: dict[str, str] = field(default_factory=dict)  # 6-digit code -> name
    townships: dict[str, str] = field(default_factory=dict)  # 9-digit code -> name

    @classmethod
    def zaozhuang(cls) -> "Divisions":
        towns = {}
        for county, text in ZAOZHUANG_TOWNSHIPS.items():
            for item in text.split(","):
                code, name = item.split()
                towns[county + code] = name
        return cls(dict(ZAOZHUANG_COUNTIES), towns)

    def county_name(self, code: str) -> str | None:
        return self.counties.get(code)

    def county_code(self, name: str) -> str | None:
        """The code of a county written by name (滕州市, 滕州, 370481)."""
        text = squash(name or "")
        if not text:
            return None
        if text in self.counties:
            return text
        for code, full in self.counties.items():
            if text == full or text == full.rstrip("".join(_SUFFIXES)) or full.startswith(text) and len(text) >= 2:
                return code
        return None

    def township_name(self, value: str) -> str:
        """A township cell as a name: 9- or 12-digit codes are looked up, names kept."""
        text = squash(value or "")
        m = _CODE.match(text)
        if m:
            return self.townships.get(m.group(1) + m.group(2), text)
        return (value or "").strip()
