"""Regular expressions and scanners behind :func:`portal.core.pii.find_personal_data`.

Every scanner takes the width-folded text (see :func:`portal.core.pii_checks.fold_width`) and
yields ``(start, end)`` spans of candidates that passed the kind's validity rules; overlap
resolution happens in :mod:`portal.core.pii`.

Boundaries: a digit-based number must not touch an ASCII digit or letter on either side, nor a
decimal part (``digit.`` before, ``.digit`` after), so nothing is found inside a longer number,
a code such as ``J3301…`` or an amount such as ``13800138000.00``. Each pattern starts with a
plain character class and checks the character *before* it with a lookbehind placed after that
first character (``_LEFT``); this lets the regex engine skip quickly over the Chinese text in
between, which keeps a 20 KB page to a few milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from portal.core.pii_checks import id15_ok, id18_shape_ok, luhn_ok

Span = tuple[int, int]

# Right after a match's first character: the character before the match is no ASCII letter or
# digit, and the two before it are not "digit." (a decimal).
_LEFT = r"(?<![0-9A-Za-z].)(?<![0-9]\..)"
# After a match: no ASCII letter or digit, and no decimal part.
_RIGHT = r"(?![0-9A-Za-z])(?!\.[0-9])"
# A mobile number after its leading 1: 1[3-9]x xxxx xxxx, plain or grouped 3-4-4.
_MOBILE_REST = r"[3-9][0-9](?P<s>[ -]?)[0-9]{4}(?P=s)[0-9]{4}" + _RIGHT

# 18-digit ID, optionally written 6-8-4; the check character may be typed x or ×.
ID18_RE = re.compile(r"[0-9]" + _LEFT + r"[0-9]{5}(?P<s>[ -]?)[0-9]{8}(?P=s)[0-9]{3}[0-9Xx×]" + _RIGHT)
ID15_RE = re.compile(r"[0-9]" + _LEFT + r"[0-9]{14}" + _RIGHT)
MOBILE_RE = re.compile(r"1" + _LEFT + _MOBILE_REST)
# With a country prefix: +86, (86), (+86), 0086 or 86, optionally followed by a space or hyphen.
MOBILE_INTL_RE = re.compile(
    r"[+(08]" + _LEFT + r"(?:(?<=\+)86|(?<=\()\+?86\)|(?<=0)086|(?<=8)6)[ -]?1" + _MOBILE_REST
)
# Area codes: 010 and 02x (not 026) have 8-digit local numbers; 0[3-9]xx (not 0x00; 0701 鹰潭 and
# 0901 塔城 do exist) have 7 or 8 digits. Local numbers never start with 0 or 1. An extension may
# follow after "-", "转" or "分机".
_AREA_REST = r"(?:10|2[0-57-9]|[3-9](?!00)[0-9]{2})"
_LANDLINE_TAIL = (
    r"[ -]?(?P<local>[2-9][0-9]{2,3}[ -]?[0-9]{4})(?P<ext>(?:-|转|分机)[0-9]{1,6})?" + _RIGHT
)
LANDLINE_RE = re.compile(r"(?P<area>0" + _LEFT + _AREA_REST + ")" + _LANDLINE_TAIL)
LANDLINE_PAREN_RE = re.compile(r"\(" + _LEFT + r"(?P<area>0" + _AREA_REST + r")\)" + _LANDLINE_TAIL)
CARD_RE = re.compile(r"[3-6]" + _LEFT + r"[0-9]{15,18}" + _RIGHT)
# Groups of four (the last group may be 1–3 digits), one separator throughout, and not part of a
# longer run of groups such as a row of figures in a table.
CARD_GROUPED_RE = re.compile(
    r"[3-6]" + _LEFT + r"(?<![0-9][ -].)[0-9]{3}(?P<s>[ -])[0-9]{4}(?P=s)[0-9]{4}(?P=s)[0-9]{4}"
    r"(?:(?P=s)[0-9]{1,3})?(?!(?P=s)[0-9])" + _RIGHT
)
PLATE_SEPARATORS = "·•・. -"
# Province, issuing-authority letter, then the serial: new-energy small (D/F first) and large
# (D/F last), special plates ending in 挂/学/警/港/澳, or ordinary (5 characters, at most 2
# letters). Letters I and O never occur; lower case is accepted because citizens type it.
PLATE_RE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼] ?[A-HJ-NP-Za-hj-np-z][·•・. -]?"
    r"(?:[DFdf][A-HJ-NP-Za-hj-np-z0-9][0-9]{4}|[0-9]{5}[DFdf]|[A-HJ-NP-Za-hj-np-z0-9]{4}[挂学警港澳]"
    r"|(?P<serial>[A-HJ-NP-Za-hj-np-z0-9]{5}))(?![0-9A-Za-z])"
)
# "*" is accepted in the local part so that an address masked once ("z***@…") is still one
# finding: otherwise a number inside its domain would surface on a second pass.
EMAIL_RE = re.compile(
    r"[A-Za-z0-9_%+*-](?<![A-Za-z0-9._%+*-].)[A-Za-z0-9._%+*-]{0,63}@"
    r"(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)


def _digits(value: str) -> str:
    return "".join(char for char in value if "0" <= char <= "9")


def scan_id18(folded: str) -> Iterator[Span]:
    """18-character IDs with a valid province code and birth date (check digit not required)."""
    for match in ID18_RE.finditer(folded):
        compact = match.group().replace(" ", "").replace("-", "").replace("×", "X").upper()
        if id18_shape_ok(compact):
            yield match.span()


def scan_id15(folded: str) -> Iterator[Span]:
    """15-digit IDs with a valid province code and 19YYMMDD birth date."""
    for match in ID15_RE.finditer(folded):
        if id15_ok(match.group()):
            yield match.span()


def scan_mobile(folded: str) -> Iterator[Span]:
    """Mobile numbers 1[3-9]xxxxxxxxx, plain, grouped 3-4-4 or with a +86 prefix."""
    for pattern in (MOBILE_RE, MOBILE_INTL_RE):
        for match in pattern.finditer(folded):
            yield match.span()


def landline_match(folded: str, *, whole: bool = False) -> Iterator[re.Match[str]]:
    """Landline matches in ``folded`` (or the match of all of it when ``whole``) that are valid."""
    for pattern in (LANDLINE_RE, LANDLINE_PAREN_RE):
        matches = [pattern.fullmatch(folded)] if whole else pattern.finditer(folded)
        for match in matches:
            if match is not None and (len(match["area"]) == 4 or len(_digits(match["local"])) == 8):
                yield match


def scan_landline(folded: str) -> Iterator[Span]:
    """Landline numbers with an area code, optionally in parentheses and with an extension."""
    for match in landline_match(folded):
        yield match.span()


def scan_card(folded: str) -> Iterator[Span]:
    """16–19 digit card numbers starting 3–6 that pass Luhn; an unbroken 18-digit run that has
    an ID's province and birth date is left to the ID scanner."""
    for match in CARD_RE.finditer(folded):
        digits = match.group()
        if luhn_ok(digits) and not (len(digits) == 18 and id18_shape_ok(digits)):
            yield match.span()
    for match in CARD_GROUPED_RE.finditer(folded):
        if luhn_ok(_digits(match.group())):
            yield match.span()


def scan_plate(folded: str) -> Iterator[Span]:
    """Mainland licence plates (ordinary, new-energy and special-suffix)."""
    for match in PLATE_RE.finditer(folded):
        serial = match["serial"]
        if serial is None or sum(char.isalpha() for char in serial) <= 2:
            yield match.span()


def scan_email(folded: str) -> Iterator[Span]:
    """E-mail addresses local@domain.tld with an ASCII local part and domain."""
    for match in EMAIL_RE.finditer(folded):
        yield match.span()
