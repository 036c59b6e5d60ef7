"""Site search (Whoosh + jieba) over everything public, following the database after commits.

- :mod:`portal.search.analysis`: segmentation, synonyms, stop words, pinyin initials;
- :mod:`portal.search.documents`: public documents built from :func:`portal.disclose.disclose`;
- :mod:`portal.search.index`: this machine's index replica, its writer lock and queries;
- :mod:`portal.search.models`: the change log each replica applies in order;
- :mod:`portal.search.reading`: queries over the index, ranked by :mod:`portal.search.ranking`
  (the one module that reads Whoosh's postings; Whoosh's version is pinned for it);
- :mod:`portal.search.services`: the commit hooks, freshness, search and suggestions;
- :mod:`portal.search.views`: ``/search``, ``/search/suggest`` and ``/api/v1/search``.
"""
