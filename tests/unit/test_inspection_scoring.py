"""The self-inspection's score: 100 less capped deductions, any single veto fails; and the crawl's
address normalisation."""

from __future__ import annotations

from portal.inspection.crawl import normalise
from portal.inspection.scoring import CHECKS, PASS_SCORE, Finding, ordered, score

HOSTS = frozenset({"localhost"})


def test_no_finding_is_a_full_pass():
    result = score([])
    assert (result.score, result.vetoed, result.passed, result.verdict) == (100, False, True, "合格")


def test_each_finding_costs_its_points():
    result = score(["column-stale", "broken-link", "broken-link", "guide-review-overdue"])
    assert result.score == 100 - 5 - 2 - 1
    assert result.deductions == {"column-stale": 5, "broken-link": 2, "guide-review-overdue": 1}


def test_a_check_costs_at_most_its_cap():
    result = score(["broken-link"] * 500)
    assert result.score == 100 - CHECKS["broken-link"].cap and result.passed


def test_a_single_veto_fails_whatever_the_score():
    result = score(["column-empty"])
    assert result.score == 100 and result.vetoed and not result.passed and result.verdict == "不合格"


def test_too_many_deductions_fail_without_a_veto():
    capped = [check_id for check_id, check in CHECKS.items() if not check.veto for _ in range(50)]
    result = score(capped)
    assert result.score == max(0, 100 - sum(c.cap for c in CHECKS.values()))
    assert result.score < PASS_SCORE and not result.vetoed and not result.passed


def test_single_veto_findings_come_first():
    stale = Finding("column-stale", "notices-警务动态", "警务动态", "/notices/", "")
    empty = Finding("column-empty", "questions", "网上咨询", "/questions/", "")
    link = Finding("broken-link", "/a", "/a", "/", "")
    assert ordered([link, stale, empty]) == [empty, stale, link]
    assert empty.key == "column-empty:questions" and empty.check.severity == "单项否决"


def test_the_crawl_keeps_only_this_sites_public_addresses():
    assert normalise("/guides/x#top", "/", HOSTS) == "/guides/x"
    assert normalise("detail", "/guides/", HOSTS) == "/guides/detail"
    assert normalise("http://localhost/notices/3", "/", HOSTS) == "/notices/3"
    for skipped in ("https://www.gov.cn/", "mailto:a@b.cn", "tel:110", "#main", "/staff/", "/login",
                    "/logout", "/care-mode?to=on&next=/", "javascript:void(0)"):
        assert normalise(skipped, "/", HOSTS) is None, skipped


def test_the_crawl_drops_query_strings_but_a_few_list_pages():
    assert normalise("/report-error/?page=/guides/x", "/", HOSTS) == "/report-error/"
    assert normalise("/search?q=身份证", "/", HOSTS) == "/search"
    assert normalise("/notices/?page=2", "/", HOSTS) == "/notices/?page=2"
    assert normalise("/notices/?page=3", "/", HOSTS) == "/notices/?page=3"
    assert normalise("/notices/?page=40", "/", HOSTS) == "/notices/"
