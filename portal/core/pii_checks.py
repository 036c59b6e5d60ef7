"""Checksums and validity rules behind the personal-data detector in :mod:`portal.core.pii`.

Everything here is pure and cheap: the GB 11643 check digit of citizen ID numbers, the
province part of the administrative-division code, birth-date plausibility, the Luhn check of
bank card numbers, and a translation table that folds full-width ASCII (``１３８``, ``＠``) to
ordinary ASCII so the detector's patterns see one alphabet. The table maps one character to
one character, so positions in the folded text are positions in the original text.
"""

from __future__ import annotations

import re
from datetime import date

from portal.core.timefmt import local_today

# GB 11643-1999: weights for the first 17 digits, and the check character for each sum mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"

#: First two digits of the administrative-division code (GB/T 2260) that citizen IDs can carry:
#: the 31 mainland provinces, Taiwan (71), Hong Kong (81) and Macau (82).
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82",
    }
)

_EARLIEST_BIRTH = date(1900, 1, 1)

#: Characters folded before matching: full-width digits, letters and ``+ - . ( ) @ _ %``;
#: ideographic and no-break spaces; Unicode hyphens and dashes (‐ ‑ ‒ – — ― −) become ``-``.
#: Other full-width punctuation (，：；) is left alone: no pattern depends on it.
FOLD_WIDTH = (
    {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}
    | {code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)}
    | {code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)}
    | {ord(char): ord(char) - 0xFEE0 for char in "＋－．（）＠＿％"}
    | dict.fromkeys(range(0x2010, 0x2016), 0x2D)
    | {0x2212: 0x2D, 0x3000: 0x20, 0x00A0: 0x20}
)
_FOLDABLE = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(FOLD_WIDTH)) + "]")


def _fold_char(match: re.Match[str]) -> str:
    return chr(FOLD_WIDTH[ord(match.group())])


def fold_width(text: str) -> str:
    """``text`` with full-width ASCII, odd spaces and dashes folded; always as long as ``text``.

    Substitutes only the characters that need it, which is several times faster than
    :meth:`str.translate` on Chinese text, where such characters are rare.
    """
    return _FOLDABLE.sub(_fold_char, text)


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character (``0``–``9`` or ``X``) for the first 17 digits of an ID.

    Raises :class:`ValueError` unless ``first17`` is exactly 17 ASCII digits.
    """
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("first17 must be exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def birth_date_ok(yyyymmdd: str, today: date | None = None) -> bool:
    """Whether eight digits ``YYYYMMDD`` are a real date from 1900-01-01 up to ``today`` (by
    default today in Asia/Shanghai, where the IDs are issued: a child born this morning in Beijing
    is still "tomorrow" in UTC until 08:00)."""
    if len(yyyymmdd) != 8 or not yyyymmdd.isascii() or not yyyymmdd.isdigit():
        return False
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return _EARLIEST_BIRTH <= born <= (today or local_today())


def id18_shape_ok(digits: str) -> bool:
    """Province code and birth date of an 18-character ID are valid (the check digit is ignored).

    A mistyped check digit still leaks the number, so the detector reports such IDs too.
    """
    return len(digits) == 18 and digits[:2] in PROVINCE_CODES and birth_date_ok(digits[6:14])


def id15_ok(digits: str) -> bool:
    """A pre-1999 15-digit ID: 15 digits, valid province code, digits 7–12 a 19YYMMDD date."""
    if len(digits) != 15 or not digits.isascii() or not digits.isdigit():
        return False
    return digits[:2] in PROVINCE_CODES and birth_date_ok("19" + digits[6:12])


def is_valid_citizen_id(value: str) -> bool:
    """Whether ``value`` is an 18-character citizen ID with valid region, birth date and check digit.

    A lower-case ``x`` check character is accepted. Surrounding whitespace is not.
    """
    if len(value) != 18 or not value.isascii():
        return False
    first17, check = value[:17], value[17].upper()
    if not first17.isdigit() or not (check.isdigit() or check == "X"):
        return False
    return id18_shape_ok(first17 + check) and id_check_digit(first17) == check


def luhn_ok(digits: str) -> bool:
    """Whether a string of ASCII digits passes the Luhn (mod 10) check used by card numbers."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0
