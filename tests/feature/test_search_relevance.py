"""Search quality on the relevance set (tests/search_relevance.py): recall@3 must stay ≥ 0.9, and
miswritten, pinyin and mixed queries (both the tuning and the held-out part) must not fall back."""

from __future__ import annotations

import pytest

from tests.search_relevance import FORGIVING, QUERIES, measure


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_recall_at_3_and_mrr(client):
    assert len(QUERIES) >= 60
    report = measure(client)
    figures = report["all"]
    print(f"\nsearch relevance: recall@3={figures['recall@3']:.3f} MRR={figures['mrr']:.3f} "
          f"(untuned: recall@3={report['untuned']['recall@3']:.3f}); misses: {report['misses']}")
    assert figures["recall@3"] >= 0.9, report["misses"]
    assert report["untuned"]["queries"] >= 20


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_miswritings_and_pinyin_find_the_right_page(client):
    assert sum(1 for *_rest, part in FORGIVING if part == "held-out") >= 30
    report = measure(client)
    tuning, held_out = report["forgiving-tuning"], report["forgiving-held-out"]
    print(f"\nforgiving search: tuning recall@3={tuning['recall@3']:.3f} MRR={tuning['mrr']:.3f}; held-out "
          f"recall@3={held_out['recall@3']:.3f} MRR={held_out['mrr']:.3f}; misses: {report['forgiving-misses']}")
    assert tuning["recall@3"] >= 0.9, report["forgiving-misses"]
    assert held_out["recall@3"] >= 0.9 and held_out["mrr"] >= 0.85, report["forgiving-misses"]
