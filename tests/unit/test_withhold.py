"""Partial disclosure markup: placeholders citing the article, reasons listed, no leaks."""

import pytest

from portal.core.errors import FieldError
from portal.core.withhold import find_spans, reasons_note, redact, staff_view

TEXT = ("经查，[[不予公开:third-party]]王某家住某路1号[[/不予公开]]。"
        "内部讨论意见：[[不予公开:process-info]]拟不予处理[[/不予公开]]。"
        "另，[[不予公开:third-party]]李某电话[[/不予公开]]。")


def test_public_text_shows_placeholders_with_articles_and_distinct_reasons():
    result = redact(TEXT)
    assert "王某家住" not in result.text and "拟不予处理" not in result.text
    assert result.text.count("【此处依据《政府信息公开条例》第十五条不予公开】") == 2
    assert "【此处依据《政府信息公开条例》第十六条第二款不予公开】" in result.text
    assert [r.code for r in result.reasons] == ["third-party", "process-info"]
    note = reasons_note(result.reasons)
    assert note.startswith("1. 依据《政府信息公开条例》第十五条") and "2. " in note


def test_staff_view_keeps_the_words_and_labels_them():
    view = staff_view(TEXT)
    assert "王某家住某路1号" in view and "【不予公开开始·第十五条】" in view


def test_names_marked_by_staff_are_published_as_surname_mou():
    assert redact("来访人[[姓名]]张三[[/姓名]]，陪同[[姓名]]欧阳娜娜[[/姓名]]。").text == "来访人张某，陪同欧阳某某。"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[不予公开:]]x[[/不予公开]]", "必须注明理由"),
        ("[[不予公开:because]]x[[/不予公开]]", "不存在"),
        ("[[不予公开:third-party]]没有结束", "不完整"),
        ("多余的结束[[/不予公开]]", "不完整"),
    ],
)
def test_bad_markup_is_refused_with_a_chinese_message(text, message):
    with pytest.raises(FieldError) as caught:
        find_spans(text)
    assert message in caught.value.message


def test_unclosed_markup_never_leaks_even_if_it_slipped_past_validation():
    result = redact("公开部分。[[不予公开:third-party]]秘密的住址，后面都是秘密")
    assert "秘密" not in result.text and result.text.startswith("公开部分。【此处依据")
