"""信息处理费: the two marginal scales of 国办函〔2020〕109号."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.core.fees import describe, fee_by_count, fee_by_volume, total


@pytest.mark.parametrize(
    ("pages", "yuan"),
    [(0, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740), (250, 4700)],
)
def test_by_volume(pages, yuan):
    assert total(fee_by_volume(pages)) == yuan


@pytest.mark.parametrize(
    ("previous", "yuan"),
    [(0, 0), (9, 0), (10, 100), (29, 100), (30, 200), (39, 200), (40, 300), (50, 400)],
)
def test_by_count_for_one_more_application(previous, yuan):
    assert total(fee_by_count(previous)) == yuan


def test_by_count_over_several_bands():
    # the 8th to the 35th application of the month: 3 free, 20 × 100, 5 × 200
    assert total(fee_by_count(7, 28)) == 3000


def test_description_in_chinese():
    assert describe(fee_by_volume(120), "页") == (
        "第31—100页 70页 × 10元 = 700元；第101—120页 20页 × 20元 = 400元；合计 1100 元。")
    assert describe([], "件") == "未超出免费范围，不收费。"


@given(st.integers(0, 2000))
def test_volume_fee_grows_with_pages(pages):
    assert total(fee_by_volume(pages + 1)) >= total(fee_by_volume(pages))


@given(st.integers(0, 200), st.integers(0, 60), st.integers(0, 60))
def test_count_fee_is_additive_across_submissions(previous, first, second):
    together = total(fee_by_count(previous, first + second))
    split = total(fee_by_count(previous, first)) + total(fee_by_count(previous + first, second))
    assert together == split
