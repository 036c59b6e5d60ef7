"""Search quality on the relevance set (tests/search_relevance.py): recall@3 must stay ≥ 0.9."""

from __future__ import annotations

import pytest

from tests.search_relevance import QUERIES, measure


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_recall_at_3_and_mrr(client):
    assert len(QUERIES) >= 60
    report = measure(client)
    figures = report["all"]
    print(f"\nsearch relevance: recall@3={figures['recall@3']:.3f} MRR={figures['mrr']:.3f} "
          f"(untuned: recall@3={report['untuned']['recall@3']:.3f}); misses: {report['misses']}")
    assert figures["recall@3"] >= 0.9, report["misses"]
    assert report["untuned"]["queries"] >= 20
