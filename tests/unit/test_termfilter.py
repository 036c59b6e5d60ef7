"""The word filters that let ranking skip segments lacking a word: never a word missed (results
stay exact), rarely a needless look-up, and the same scores as Whoosh's own term table gives."""

from __future__ import annotations

import random

import pytest
from whoosh import index
from whoosh.fields import ID, TEXT, Schema

from portal.search import ranking
from portal.search.termfilter import TermFilter


def _words(n: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    return [f"{rng.getrandbits(48):x}词{i}".encode() for i in range(n)]


def test_every_word_of_the_set_may_be_held():
    words = _words(20_000, 1)
    held = TermFilter.of_words(words)
    assert all(held.may_hold(word) for word in words)
    assert held.nbytes <= 20_000 * 2 + 8


def test_absent_words_are_almost_always_ruled_out():
    held = TermFilter.of_words(_words(20_000, 2))
    absent = _words(20_000, 3)
    needless = sum(held.may_hold(word) for word in absent)
    assert needless < 20_000 * 0.03  # about one in 70 expected


def test_an_empty_set_holds_nothing():
    assert not TermFilter.of_words([]).may_hold("身份证".encode())


@pytest.fixture
def segmented(tmp_path):
    """An index of three segments (three commits), each holding different words."""
    store = index.create_in(str(tmp_path), Schema(key=ID(stored=True), body=TEXT))
    batches = [["身份证 补领 户口", "护照 签注"], ["驾驶证 换证", "身份证 换领"], ["居住证 办理"]]
    for n, batch in enumerate(batches):
        writer = store.writer()
        for i, body in enumerate(batch):
            writer.add_document(key=f"{n}-{i}", body=body)
        writer.commit(merge=False)
    with store.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 3
        yield searcher
    ranking.CACHE.clear()


def test_filtered_contributions_equal_the_term_tables_answer(segmented):
    ranking.CACHE.clear()
    for word in ["身份证", "护照", "居住证", "换证", "不存在的词", "x9y8z7"]:
        ids, parts = ranking.contribution(segmented, "body", word)
        expected = sorted(segmented.document_numbers(body=word))
        assert sorted(ids.tolist()) == expected
        assert len(parts) == len(expected)


def test_segments_without_the_word_are_rarely_read(segmented, monkeypatch):
    ranking.CACHE.clear()
    read: list[str] = []
    real = ranking.postings

    def counted(reader, field, text):
        read.append(reader.segment().segment_id())
        return real(reader, field, text)

    monkeypatch.setattr(ranking, "postings", counted)
    third = segmented.reader().leaf_readers()[2][0].segment().segment_id()
    ranking.contribution(segmented, "body", "居住证")  # only in the third segment: always read there
    assert third in read
    read.clear()
    for n in range(50):  # three segments each: 150 look-ups without filters
        ranking.contribution(segmented, "body", f"从未出现{n}")
    assert len(read) <= 12  # a "maybe" now and then, as hashes fall
