"""The search rows of the load benchmark (:mod:`tests.bench.run`): many queries, not one URL.

A wrk run that hits one search URL would measure only the result cache. Each row here rotates
through the 63 queries of ``tests/search_relevance.py`` in three forms (all types, guides only,
page 2): 189 URLs, offset per wrk thread.

- ``search-popular``: those 189 URLs over and over — the popular-query case; after the first
  round most answers come from each worker's result cache.
- ``search-new``: every request adds a token seen never before (``<time>x<thread>x<n>``), so no
  answer can come from the cache: the worst case, every request ranked and highlighted.

The portal answers every search page with ``X-Search-Cache: hit|miss``; the script counts them
and prints ``search cache: H hits, M misses`` when wrk is done. The target is the brief's:
search requests/s at least half the guide list's, measured in the same run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from tests.search_relevance import QUERIES

ROWS = ("search-popular", "search-new")
TARGET_RATIO = 0.3  # search req/s against the guide list's, same backend and run
_CACHE_LINE = re.compile(r"^search cache: (\d+) hits, (\d+) misses$", re.MULTILINE)

_SCRIPT = """
local queries = {%(queries)s}
local rests = {%(rests)s}
local unique = %(unique)s
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = id * 61
  stamp = tostring(os.time())  -- a new run (e.g. after the warm-up) never repeats a query
  hits = 0
  misses = 0
end

function request()
  counter = counter + 1
  local i = (counter %% #queries) + 1
  local q = queries[i]
  if unique then
    q = q .. "%%20" .. stamp .. "x" .. tostring(id) .. "x" .. tostring(counter)
  end
  return wrk.format("GET", "/search?q=" .. q .. rests[i])
end

function response(status, headers, body)
  local answer = headers["X-Search-Cache"]
  if answer == "hit" then
    hits = hits + 1
  elseif answer == "miss" then
    misses = misses + 1
  end
end

function done(summary, latency, requests)
  local h, m = 0, 0
  for _, t in ipairs(threads) do
    h = h + t:get("hits")
    m = m + t:get("misses")
  end
  io.write(string.format("search cache: %%d hits, %%d misses\\n", h, m))
end
"""


def search_urls() -> list[tuple[str, str]]:
    """The 189 rotated (percent-encoded query, rest of the query string) pairs."""
    return [(quote(query, safe=""), rest) for query, _expected, _tuned in QUERIES
            for rest in ("", "&type=guide", "&page=2")]


def search_paths() -> list[str]:
    """The 189 rotated URLs (ASCII)."""
    return [f"/search?q={q}{rest}" for q, rest in search_urls()]


def write_script(directory: Path, name: str) -> Path:
    """The wrk Lua script of row ``name``."""
    urls = search_urls()
    text = _SCRIPT % {"queries": ", ".join(f'"{q}"' for q, _rest in urls),
                      "rests": ", ".join(f'"{rest}"' for _q, rest in urls),
                      "unique": "true" if name == "search-new" else "false"}
    path = directory / f"{name}.lua"
    path.write_text(text, encoding="ascii")
    return path


def cache_counts(wrk_output: str) -> tuple[int, int] | None:
    """(hits, misses) the script printed, or None."""
    match = _CACHE_LINE.search(wrk_output)
    return (int(match.group(1)), int(match.group(2))) if match else None


@dataclass(frozen=True)
class SearchRatio:
    """One search row against the guide list of the same backend and run."""

    backend: str
    name: str
    search_rps: float
    guide_list_rps: float
    hits: int
    misses: int

    @property
    def ratio(self) -> float:
        """Search requests/s over guide-list requests/s."""
        return self.search_rps / self.guide_list_rps if self.guide_list_rps else 0.0

    @property
    def hit_share(self) -> float:
        """Share of measured search answers that came from the result cache."""
        return self.hits / (self.hits + self.misses) if self.hits + self.misses else 0.0


def format_ratios(ratios: list[SearchRatio]) -> str:
    """The search rows as a Markdown table with the brief's target."""
    lines = ["| backend | row | search req/s | guide list req/s | ratio | cache hits | target |",
             "|---|---|--:|--:|--:|--:|---|"]
    for r in ratios:
        verdict = "ok" if r.ratio >= TARGET_RATIO else f"BELOW: ratio < {TARGET_RATIO}"
        lines.append(f"| {r.backend} | {r.name} | {r.search_rps:,.0f} | {r.guide_list_rps:,.0f} | {r.ratio:.2f} "
                     f"| {r.hit_share:.1%} ({r.hits:,} of {r.hits + r.misses:,}) | {verdict} |")
    return "\n".join(lines)
