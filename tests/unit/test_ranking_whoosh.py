"""Search ranking reads Whoosh's postings directly, so it runs only on the Whoosh release it was
written for: any other installed version fails here, loudly, before a citizen sees wrong results."""

from importlib.metadata import version
from pathlib import Path

import pytest
import whoosh

from portal.search.ranking import WHOOSH_VERSION, check_whoosh_version


def test_the_installed_whoosh_is_the_release_ranking_was_written_for():
    installed = version("whoosh-reloaded")
    expected = ".".join(map(str, WHOOSH_VERSION))
    assert installed == expected, (
        f"whoosh-reloaded {installed} is installed but portal/search/ranking.py reads the postings of "
        f"{expected}: pin it back, or review ranking.py against the new release and update WHOOSH_VERSION"
    )
    assert tuple(whoosh.__version__) == WHOOSH_VERSION


def test_the_pin_in_pyproject_matches_the_ranking_module():
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"whoosh-reloaded=={".".join(map(str, WHOOSH_VERSION))}"' in pyproject


@pytest.mark.parametrize("other", [(2, 7, 4), (2, 7, 6), (3, 0, 0)])
def test_ranking_refuses_any_other_whoosh_release(other):
    with pytest.raises(RuntimeError, match="Whoosh"):
        check_whoosh_version(other)


def test_an_empty_index_ranks_nothing_instead_of_failing(tmp_path):
    from whoosh import index
    from whoosh.fields import TEXT, Schema

    from portal.search.ranking import Clause, scores

    empty = index.create_in(str(tmp_path), Schema(title=TEXT))
    with empty.searcher() as searcher:
        total, matched = scores(searcher, [Clause("title", "身份证", 2.0)])
    assert total.size == 0 and not matched.any()
