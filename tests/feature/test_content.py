"""Loading content/: real guides, idempotent, and all-or-nothing on a bad file."""

import re
import shutil

import pytest
from sqlalchemy import func, select

from portal.catalog.models import Guide, GuideVersion
from portal.extensions import db
from portal.notices.models import Notice
from portal.seed.content import ContentError, load_content
from tests.conftest import CONTENT_DIR


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_at_least_15_guides_across_the_five_categories(app):
    with app.app_context():
        guides = db.session.scalars(select(Guide)).all()
        assert len(guides) >= 15
        per_category = {}
        for guide in guides:
            per_category[guide.category.code] = per_category.get(guide.category.code, 0) + 1
        for code in ("huzheng", "churujing", "jiaoguan", "zhian", "zhengming"):
            assert per_category.get(code, 0) >= 1, f"no guide in {code}"
        assert count(Notice) >= 1


def _fee_amounts(title_part: str) -> set[str]:
    guides = db.session.scalars(select(Guide).where(Guide.title.contains(title_part))).all()
    return {f"{fee.amount_yuan:.2f}" for guide in guides for fee in guide.fees}


def test_national_figures(app):
    with app.app_context():
        assert "20.00" in _fee_amounts("居民身份证")
        assert "40.00" in _fee_amounts("居民身份证")
        assert "10.00" in _fee_amounts("临时居民身份证")
        assert "120.00" in _fee_amounts("护照")
        no_record = db.session.scalars(select(Guide).where(Guide.title.contains("无犯罪"))).all()
        assert no_record and all(g.is_free for g in no_record)
        passport = db.session.scalars(select(Guide).where(Guide.title.contains("护照"))).first()
        assert (passport.statutory_days, passport.statutory_unit) == (15, "calendar_days")


def test_loading_twice_changes_nothing(app):
    with app.app_context():
        before = (count(Guide), count(GuideVersion), count(Notice))
        report = load_content(CONTENT_DIR)
        db.session.commit()
        assert report.guides_changed == [] and report.notices_changed == []
        assert report.site_changes == 0
        assert (count(Guide), count(GuideVersion), count(Notice)) == before


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def test_bad_field_rejects_the_load_naming_file_and_field(make_app, content_copy):
    victim = sorted((content_copy / "guides").glob("*.md"))[0]
    text = victim.read_text(encoding="utf-8")
    broken = text.replace("online: true", "online: 也许").replace("online: false", "online: 也许")
    assert broken != text
    victim.write_text(broken, encoding="utf-8")
    app = make_app()
    with app.app_context():
        with pytest.raises(ContentError) as caught:
            load_content(content_copy)
        db.session.rollback()
        assert any(victim.name in p and "online" in p for p in caught.value.problems)
        assert count(Guide) == 0 and count(GuideVersion) == 0  # nothing half-loaded


def test_edited_file_makes_a_new_version_with_changed_fields(make_app, content_copy):
    app = make_app()
    with app.app_context():
        load_content(content_copy)
        db.session.commit()
        victim = sorted((content_copy / "guides").glob("*.md"))[0]
        text = victim.read_text(encoding="utf-8")
        victim.write_text(re.sub(r"(?m)^reviewed_on: .*$", "reviewed_on: 2026-01-02", text),
                          encoding="utf-8")
        report = load_content(content_copy)
        db.session.commit()
        assert report.guides_changed == [victim.stem]
        guide = db.session.scalar(select(Guide).where(Guide.slug == victim.stem))
        assert guide.version == 2
        assert str(guide.reviewed_on) == "2026-01-02"
        latest = db.session.scalars(select(GuideVersion).where(GuideVersion.guide_id == guide.id)
                                    .order_by(GuideVersion.version.desc())).first()
        assert "reviewed_on" in latest.changed_fields
