"""Home addresses of private persons in free text, and their mask (kept to the district).

Administrative divisions (province, city, county/district) are recognised by ``cpca``'s
Aho-Corasick matcher over the national division codes; the portal's own grammar reads what
follows them (town, village, group, road, number, estate, building, unit, room). An address is
reported when

* it follows words that say a person lives there (家住, 住址, 现住, 户籍地, 住在 …), with or
  without a division name or a house number; or
* it starts with a division name and goes down to a dwelling (a house number, a village group,
  a building, unit or room), unless the words before it say it is where an office or a service
  is (办理地点, 位于, 派出所 …) or a unit's name follows it.

The mask keeps the leading division names (``北京市朝阳区``) and replaces the rest with ``***``.
``cpca`` (and with it pandas) is imported on first use, not when the portal starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from portal.core.pii_patterns import Span

ADDRESS_MASK = "***"
LONGEST_ADDRESS = 60  # characters: no address is read further, whatever follows

_CJK = "\u4e00-\u9fa5"
# Characters that end a segment only as part of a longer suffix are listed longest first.
_SUFFIXES = (
    "特别行政区|自治区|自治州|自治县|街道办事处|街道|社区|小区|新村|花园|家园|公寓|大厦|号院|号楼"
    "|胡同|大道|大街|单元|省|市|区|县|旗|镇|乡|村|组|屯|路|街|巷|弄|里|号|栋|幢|座|楼|层|室|房|院|苑|园|庄"
)
# A segment: a few name characters or digits, then a suffix. Words that cannot be inside a
# place name (particles, verbs of a sentence) end the address.
_SEGMENT = rf"[{_CJK}A-Za-z0-9\-#]{{1,9}}(?:{_SUFFIXES})"
_NOT_PLACE = "的了在被把说称因并也又已就才而且或时"
_BODY_RE = re.compile(rf"(?:{_SEGMENT})+(?:[0-9]{{1,5}}(?:-[0-9]{{1,5}}){{0,2}}(?![0-9]))?")
_STOPPER_RE = re.compile(f"[{_NOT_PLACE}]")

#: Words after which a place is where a person lives.
RESIDENCE_TRIGGER_RE = re.compile(
    r"(?:家庭住址|家庭地址|现住址|现居住地|现居住于|现居住在|现居住|现居于|现居|居住地址|居住地|居住于|居住在"
    r"|户籍地址|户籍所在地|户籍地|住址|住所地|住所|现住|家住|住在|住于|租住在|租住于|租住|暂住在|暂住于|暂住"
    r"|借住在|联系地址|通讯地址|通信地址|老家在|老家|住)"
    r"[：:为是在于]{0,2}\s?"
)
# The trigger is a longer word that is not about a residence (住宿, 住院, 居住证 …).
_FALSE_TRIGGER_RE = re.compile(
    r"住(?:宿|院|房|户|持|手|口|嘴|建)|居住证|暂住证|入住|停住|记住|抓住|挡住|拦住|保住|站住")

# Before an address of an office or a service point (a guide's 办理地点, a unit's seat).
_OFFICE_CONTEXT_RE = re.compile(
    r"(?:地点|地址|位于|坐落|窗口|大厅|派出所|公安局|分局|大队|支队|中心|政府|法院|检察院|医院|学校|公司|银行"
    r"|办公|受理|服务|前往|请到|到达|迁至|设在|设于|营业|网点|办理)"
)
_UNIT_AFTER_RE = re.compile(
    rf"(?:的)?[{_CJK}]{{0,6}}?(?:公安局|公安分局|分局|派出所|警务室|警务站|交警|车管所|出入境|服务中心|政务|大厅|办证|窗口|医院"
    r"|学校|法院|检察院|政府|办事处|居委会|村委会|银行|营业厅|商场|超市|酒店|宾馆|门口|附近|一带|路段|路口)"
)
# A dwelling: a house number, a village group, a building, a unit or a room.
_DWELLING_RE = re.compile(r"[0-9一二三四五六七八九十]+(?:号|组|栋|幢|单元|室|层|号楼|号院)|室|单元|栋|幢")
_CLAUSE_END = "，。；！？,;!?\n（）()、"
_PLACE_TAIL_RE = re.compile(rf"[{_CJK}0-9]{{1,8}}(?=[{re.escape(_CLAUSE_END)}]|$)")
_UNIT_INSIDE_RE = re.compile(
    r"(?:公安局|公安分局|派出所|警务室|车管所|出入境|服务中心|政务|大厅|办证|窗口|信访办|办公室"
    r"|路段|路口|交叉口|交口|附近|一带)")


@lru_cache(maxsize=1)
def _division_matcher() -> Any:
    """cpca's matcher of administrative division names (imported on first use)."""
    import cpca

    return cpca.matcher


def division_prefix(address: str) -> int:
    """How many leading characters of ``address`` are division names (省/市/区/县 …)."""
    cursor, rank = 0, -1
    for match in _division_matcher().iter(address):
        if match.start_index != cursor or match.get_rank() <= rank:
            break
        cursor, rank = match.end_index + 1, match.get_rank()
    return cursor


def mask_address(address: str) -> str:
    """``address`` kept to its district (``北京市朝阳区***``); all of it masked without one."""
    return address[: division_prefix(address)] + ADDRESS_MASK


def _body_at(text: str, start: int) -> Span | None:
    """The address that begins at ``start``, cut before words that belong to the sentence and
    before the name of a unit (…91号公安局办公室)."""
    match = _BODY_RE.match(text, start, start + LONGEST_ADDRESS)
    if match is None:
        return None
    end = match.end()
    # A unit's name may begin inside the last segment (…105号路段): look a little beyond it.
    for cut in (_STOPPER_RE.search(text, start, end), _UNIT_INSIDE_RE.search(text, start, end + 3)):
        if cut is not None and cut.start() < end:
            end = cut.start()
    # Re-read the kept part so that it still ends at a whole segment.
    kept = _BODY_RE.match(text, start, end)
    return (start, kept.end()) if kept else None


def _to_clause_end(text: str, span: Span) -> Span:
    """A home address read on to the end of its clause when only a few more place words follow
    (住在北京市昌平区回龙观): after 住 the rest of a short clause is part of the address."""
    tail = _PLACE_TAIL_RE.match(text, span[1])
    if tail is None or _STOPPER_RE.search(tail.group()) or _UNIT_INSIDE_RE.search(tail.group()):
        return span
    return span[0], tail.end()


def _worth_masking(address: str) -> bool:
    """Something beyond the district is named, and it is not already masked (某路某号)."""
    rest = address[division_prefix(address):]
    return bool(rest) and "某" not in rest and "*" not in rest


def _clause_before(text: str, start: int, width: int = 16) -> str:
    window = text[max(0, start - width) : start]
    cut = max(window.rfind(char) for char in _CLAUSE_END)
    return window[cut + 1 :]


def _residences(text: str) -> Iterator[Span]:
    for trigger in RESIDENCE_TRIGGER_RE.finditer(text):
        if _FALSE_TRIGGER_RE.match(text, trigger.start()) or _FALSE_TRIGGER_RE.match(
                text, max(0, trigger.start() - 1)):
            continue
        span = _body_at(text, trigger.end())
        if span is not None:
            yield _to_clause_end(text, span)


def _located(text: str, taken: list[Span]) -> Iterator[Span]:
    """Addresses that start with a division name and go down to a dwelling."""
    for match in _division_matcher().iter(text):
        start = match.start_index
        if any(left <= start < right for left, right in taken):
            continue
        span = _body_at(text, start)
        if span is None or not _DWELLING_RE.search(text, span[0], span[1]):
            continue
        if not _worth_masking(text[span[0] : span[1]]):
            continue
        if _OFFICE_CONTEXT_RE.search(_clause_before(text, start)) or _UNIT_AFTER_RE.match(text, span[1]):
            continue
        taken.append(span)
        yield span


def scan_addresses(text: str) -> Iterator[Span]:
    """Spans of home addresses in ``text`` (see the module docstring for the rules)."""
    taken: list[Span] = []
    for span in _residences(text):
        if not _worth_masking(text[span[0] : span[1]]):
            continue
        taken.append(span)
        yield span
    yield from _located(text, taken)
