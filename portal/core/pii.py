"""Find and mask personal data in free text before it reaches a public page.

No Flask and no database. :func:`find_personal_data` reports citizen ID numbers (18- and
15-digit), mobile and landline numbers, bank card numbers, licence plates and e-mail addresses
by pattern, and names and home addresses of private persons in free text with jieba and cpca
plus the portal's context rules (:mod:`portal.core.pii_people`, :mod:`portal.core.pii_address`).
:func:`mask_text` replaces the identifying part of each and leaves every other character alone;
numbers and names keep their length (``138****5678``, ``王某``), an address is cut to its
district (``北京市朝阳区***``).

How it decides:

* All patterns (:mod:`portal.core.pii_patterns`) run on a width-folded copy of the text
  (``１３８`` → ``138``, ``＠`` → ``@``, ``—`` → ``-``), one or two precompiled regular-expression
  passes per kind; the copy has the same length, so spans map back unchanged.
* Digit-based numbers must stand alone: no ASCII digit or letter right before or after, and no
  ``digit.`` before or ``.digit`` after (a decimal), so nothing is found inside a longer number.
* A candidate that overlaps another is dropped in favour of the longer one; on equal length the
  more specific kind wins (ID before bank card before mobile).

Mask formats (``*`` replaces one character; separators such as spaces, ``-`` and ``·`` stay):

========== =========================================== =====================================
kind       kept                                        example
========== =========================================== =====================================
ID (18)    first 3 and last 4 characters               ``110***********1234``
ID (15)    first 3 and last 3 digits                   ``110*********123``
mobile     country prefix, first 3 and last 4 digits   ``+86 138****5678``
landline   area code, last 2 local digits, extension   ``0571-******78``, ``(010)******34-801``
bank card  first 6 and last 4 digits                   ``622202*********1234``
plate      province, issuing letter, last character    ``京A·****5``, ``粤Z·****港``
e-mail     first character of the local part, domain   ``z*******@example.com``
name       the surname (``某`` for each other character) ``王某``, ``欧阳某某``
address    the division names up to the district       ``北京市朝阳区***``
========== =========================================== =====================================

An e-mail address whose local part is a single character has that character masked too.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from portal.core import pii_patterns as pat
from portal.core.pii_address import mask_address, scan_addresses
from portal.core.pii_checks import fold_width, id_check_digit, is_valid_citizen_id
from portal.core.pii_names import mask_name
from portal.core.pii_patterns import Span
from portal.core.pii_people import scan_names

__all__ = [
    "PATTERN_KINDS",
    "Finding",
    "Kind",
    "apply_masks",
    "find_personal_data",
    "id_check_digit",
    "is_valid_citizen_id",
    "mask_finding",
    "mask_name",
    "mask_text",
    "warm_up",
]

MASK_CHAR = "*"


class Kind(StrEnum):
    """The kinds of personal data the detector reports."""

    ID_CARD = "id_card"
    ID_CARD_15 = "id_card_15"
    MOBILE = "mobile"
    LANDLINE = "landline"
    BANK_CARD = "bank_card"
    PLATE = "plate"
    EMAIL = "email"
    NAME = "name"
    ADDRESS = "address"

    @property
    def label(self) -> str:
        """The Chinese name of the kind, for messages and reports."""
        return _LABELS[self]


_LABELS = {
    Kind.ID_CARD: "身份证号",
    Kind.ID_CARD_15: "旧版身份证号",
    Kind.MOBILE: "手机号",
    Kind.LANDLINE: "固定电话",
    Kind.BANK_CARD: "银行卡号",
    Kind.PLATE: "车牌号",
    Kind.EMAIL: "电子邮箱",
    Kind.NAME: "姓名",
    Kind.ADDRESS: "住址",
}

#: The kinds found by pattern and checksum alone (no dictionary, no context).
PATTERN_KINDS = frozenset(set(Kind) - {Kind.NAME, Kind.ADDRESS})

# Tie-break between candidates of equal length: lower wins.
_PRIORITY = {
    Kind.ID_CARD: 0,
    Kind.ID_CARD_15: 1,
    Kind.EMAIL: 2,
    Kind.BANK_CARD: 3,
    Kind.MOBILE: 4,
    Kind.LANDLINE: 5,
    Kind.PLATE: 6,
    Kind.ADDRESS: 7,
    Kind.NAME: 8,
}


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: its kind, its span ``text[start:end]`` and that text."""

    kind: Kind
    start: int
    end: int
    text: str


_SCANNERS: dict[Kind, Callable[[str], Iterator[Span]]] = {
    Kind.ID_CARD: pat.scan_id18,
    Kind.ID_CARD_15: pat.scan_id15,
    Kind.MOBILE: pat.scan_mobile,
    Kind.LANDLINE: pat.scan_landline,
    Kind.BANK_CARD: pat.scan_card,
    Kind.PLATE: pat.scan_plate,
    Kind.EMAIL: pat.scan_email,
    Kind.NAME: scan_names,
    Kind.ADDRESS: scan_addresses,
}


def find_personal_data(text: str, kinds: frozenset[Kind] | None = None) -> list[Finding]:
    """Every piece of personal data in ``text``, sorted by start and never overlapping.

    Where candidates overlap, the longest wins; on equal length the more specific kind wins, so
    an 18-digit ID is never also reported as a bank card or a mobile number. ``kinds`` limits
    the search to those kinds (all by default).
    """
    if not text:
        return []
    folded = fold_width(text)
    candidates = [
        (start, end, kind) for kind, scan in _SCANNERS.items() if kinds is None or kind in kinds
        for start, end in scan(folded)
    ]
    candidates.sort(key=lambda item: (item[0] - item[1], _PRIORITY[item[2]], item[0]))
    starts: list[int] = []
    chosen: list[tuple[int, int, Kind]] = []
    for start, end, kind in candidates:
        index = bisect_left(starts, start)
        if index > 0 and chosen[index - 1][1] > start:
            continue
        if index < len(chosen) and chosen[index][0] < end:
            continue
        starts.insert(index, start)
        chosen.insert(index, (start, end, kind))
    return [Finding(kind, start, end, text[start:end]) for start, end, kind in chosen]


# --- masking ---------------------------------------------------------------------------------


def _positions(folded: str, keep: Callable[[str], bool]) -> list[int]:
    return [index for index, char in enumerate(folded) if keep(char)]


def _is_ascii_digit(char: str) -> bool:
    return char.isascii() and char.isdigit()


def _masked_landline(folded: str) -> list[int]:
    match = next(pat.landline_match(folded, whole=True), None)
    if match is None:
        return _positions(folded, _is_ascii_digit)[4:-2]
    offset = match.start("local")
    return [offset + index for index in _positions(match["local"], _is_ascii_digit)[:-2]]


def _masked_email(folded: str) -> list[int]:
    at = folded.rfind("@")
    if at <= 1:
        return list(range(max(at, 1)))
    return list(range(1, at))


def _masked_plate(folded: str) -> list[int]:
    return _positions(folded, lambda char: char not in pat.PLATE_SEPARATORS)[2:-1]


_MASKED_POSITIONS: dict[Kind, Callable[[str], list[int]]] = {
    Kind.ID_CARD: lambda folded: _positions(folded, lambda char: char not in " -")[3:-4],
    Kind.ID_CARD_15: lambda folded: _positions(folded, _is_ascii_digit)[3:-3],
    Kind.MOBILE: lambda folded: _positions(folded, _is_ascii_digit)[-8:-4],
    Kind.LANDLINE: _masked_landline,
    Kind.BANK_CARD: lambda folded: _positions(folded, _is_ascii_digit)[6:-4],
    Kind.PLATE: _masked_plate,
    Kind.EMAIL: _masked_email,
}


def mask_finding(finding: Finding) -> str:
    """The masked replacement for ``finding.text``: same length, identifying characters as ``*``.

    See the module docstring for what each kind keeps.
    """
    if finding.kind is Kind.NAME:
        return mask_name(finding.text)
    if finding.kind is Kind.ADDRESS:
        return mask_address(finding.text)
    chars = list(finding.text)
    for index in _MASKED_POSITIONS[finding.kind](fold_width(finding.text)):
        chars[index] = MASK_CHAR
    return "".join(chars)


def mask_text(text: str, *, for_markdown: bool = False, kinds: frozenset[Kind] | None = None) -> str:
    """``text`` with every finding of :func:`find_personal_data` masked and all else unchanged.

    With ``for_markdown`` the mask characters are backslash-escaped, so that Markdown shows
    ``139****5678`` as typed instead of reading the asterisks as emphasis.
    """
    return apply_masks(text, find_personal_data(text, kinds), for_markdown=for_markdown)


def apply_masks(text: str, findings: list[Finding], *, for_markdown: bool = False) -> str:
    """``text`` with each of ``findings`` (sorted, not overlapping) replaced by its mask."""
    pieces: list[str] = []
    cursor = 0
    for finding in findings:
        pieces.append(text[cursor : finding.start])
        masked = mask_finding(finding)
        pieces.append(masked.replace(MASK_CHAR, "\\" + MASK_CHAR) if for_markdown else masked)
        cursor = finding.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def warm_up() -> None:
    """Load jieba's dictionary and cpca's division table now rather than on the first public
    text (the production server calls this before it forks its workers, which then share them)."""
    find_personal_data("投诉人王五，住北京市朝阳区幸福路88号。")
