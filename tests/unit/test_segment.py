"""Segmentation: runs of ASCII letters and digits that jieba keeps whole are kept whole without
asking jieba, and every text is segmented exactly as jieba's search mode does it (the index and
queries share the segmenter, so any difference would lose matches)."""

from __future__ import annotations

import random
import string

from portal.search.analysis import jieba_module, segment


def _jieba_words(text: str) -> list[tuple[str, int, int]]:
    jieba = jieba_module()
    return [(word.lower(), start, end) for word, start, end in jieba.tokenize(text, mode="search")
            if any(ch.isalnum() for ch in word)]


def test_segmentation_is_jiebas_for_codes_words_and_mixed_text():
    rng = random.Random(7)
    alphabet = string.ascii_letters + string.digits
    texts = ["qq", "tv", "iPhone6", "x86", "ETC", "GPS", "usb3", "pm25", "a", "7", "DNA检测",
             "京A12345", "居民身份证补领", "身份证 丢了", "ABC-123", "3.5%",
             "AA制", "AAbb12", "BB超", "T恤衫", "QQ123", "x4S9", "ICcard", "PC9"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(3000)]
    for text in texts:
        assert segment(text) == _jieba_words(text), text


def test_a_new_serial_number_is_one_lowercased_word():
    assert segment("1765012345X0x1234") == [("1765012345x0x1234", 0, 17)]

