"""Guide validation: typed fields, and errors that name the field at fault."""

from datetime import date
from decimal import Decimal

import pytest

from portal.catalog.schema import parse_guide
from portal.core.errors import FieldError


def valid() -> dict:
    return {
        "slug": "test-guide", "title": "测试事项", "category": "huzheng", "item_type": "公共服务",
        "department": "huzheng", "agency": "示例市公安局", "basis": ["《某法》第一条"],
        "conditions": "本市户籍居民", "materials": ["居民户口簿"], "steps": ["申请", "领取"],
        "statutory_limit": {"days": 60, "unit": "calendar_days"},
        "promised_limit": {"days": 20, "unit": "working_days", "example": True},
        "fees": [{"item": "工本费", "amount": 20, "basis": "发改价格〔2003〕2322号"},
                 {"item": "低保对象", "amount": 0, "basis": "居民身份证法第二十一条"}],
        "location": "政务服务中心", "hours": "工作日", "phone": "0000-00000000",
        "complaint_phone": "12389", "online": True, "visits": 1, "reviewed_on": date(2026, 11, 1),
    }


def test_valid_guide_is_typed():
    data = parse_guide(valid(), "简介")
    assert data.fees[0].amount_yuan == Decimal("20.00")
    assert data.fees[1].amount_yuan == 0
    assert (data.statutory_days, data.statutory_unit) == (60, "calendar_days")
    assert data.promised_is_example is True
    assert data.review_due_on == date(2027, 11, 1)  # a year after review by default
    assert data.snapshot()["fees"][0]["amount_yuan"] == "20.00"


def test_no_statutory_limit_is_allowed():
    raw = valid() | {"statutory_limit": None}
    assert parse_guide(raw).statutory_days is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slug": "Bad Slug"}, "slug"),
        ({"title": ""}, "title"),
        ({"item_type": "随便"}, "item_type"),
        ({"materials": []}, "materials"),
        ({"steps": [""]}, "steps"),
        ({"statutory_limit": {"days": 60, "unit": "weeks"}}, "statutory_limit.unit"),
        ({"promised_limit": {"days": "二十", "unit": "working_days"}}, "promised_limit.days"),
        ({"promised_limit": None}, "promised_limit"),
        ({"fees": []}, "fees"),
        ({"fees": [{"item": "工本费", "amount": "二十元", "basis": "x"}]}, "fees[1].amount"),
        ({"fees": [{"item": "工本费", "amount": -1, "basis": "x"}]}, "fees[1].amount"),
        ({"fees": [{"item": "工本费", "amount": 1.234, "basis": "x"}]}, "fees[1].amount"),
        ({"fees": [{"item": "工本费", "amount": 1}]}, "fees[1].basis"),
        ({"online": "yes"}, "online"),
        ({"visits": 99}, "visits"),
        ({"reviewed_on": "2026-13-01"}, "reviewed_on"),
        ({"faq": [{"q": "只有问题"}]}, "faq[1]"),
    ],
)
def test_bad_field_is_named(change, field):
    with pytest.raises(FieldError) as caught:
        parse_guide(valid() | change)
    assert caught.value.field == field
    assert caught.value.message  # a Chinese explanation


def test_missing_field_is_named():
    raw = valid()
    del raw["complaint_phone"]
    with pytest.raises(FieldError) as caught:
        parse_guide(raw)
    assert caught.value.field == "complaint_phone"


def test_unknown_field_is_rejected_as_a_likely_typo():
    with pytest.raises(FieldError) as caught:
        parse_guide(valid() | {"review_due_onn": "2027-01-01"})
    assert caught.value.field == "review_due_onn"
