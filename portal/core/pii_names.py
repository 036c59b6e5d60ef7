"""Masking of personal names of private persons (张三 → 张某), used by :mod:`portal.core.pii`.

Names cannot be found reliably in free text by pattern, so the portal masks them where it knows a
field holds a name (applicant, party, complainant). The surname stays, every other character of
the name becomes ``某`` (or ``*`` for Latin letters), so the length is unchanged.
"""

from __future__ import annotations

#: Two-character surnames that are kept whole when the name has at least three characters.
COMPOUND_SURNAMES = frozenset(
    {
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "百里",
        "呼延", "澹台", "公冶", "太叔", "申屠", "钟离", "闻人", "赫连", "濮阳", "单于",
        "万俟", "闾丘", "东郭", "南门", "羊舌", "微生", "公羊", "梁丘", "左丘", "第五",
        "拓跋", "司空", "司寇", "亓官", "仉督", "子车", "颛孙", "壤驷", "公良", "漆雕",
        "乐正", "宰父", "谷梁", "段干", "东门", "公西", "鲜于", "即墨", "呼衍", "完颜",
        "纳兰", "达奚", "褚师", "巫马", "公户", "公玉", "公仪",
    }
)

# Separators inside transliterated minority or foreign names (阿依古丽·买买提, John Smith).
_NAME_SEPARATORS = frozenset("·•・.．- 　")


def _surname_length(name: str) -> int:
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return 2
    return 1


def _mask_char(char: str) -> str:
    if char in _NAME_SEPARATORS:
        return char
    if char.isascii():
        return "*"
    return "某"


def mask_name(name: str) -> str:
    """Keep the surname of ``name`` and replace each other character with ``某``.

    ``张三`` → ``张某``, ``李小明`` → ``李某某``, ``欧阳娜娜`` → ``欧阳某某``; a two-character name is
    always read as surname + given name (``欧阳`` → ``欧某``). Separators such as ``·`` stay, Latin
    letters become ``*``, surrounding whitespace is dropped, and an empty name stays empty.
    """
    name = name.strip()
    if len(name) <= 1:
        return name
    keep = _surname_length(name)
    return name[:keep] + "".join(_mask_char(char) for char in name[keep:])
