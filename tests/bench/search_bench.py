"""Search speed benchmark: the portal's Whoosh index beside two SQLite FTS5 baselines.

Run from the repository root (not a pytest test)::

    .venv/bin/python -m tests.bench.search_bench [--sizes 1000,10000,100000] [--repeat 3]

For each size the same seeded documents (:mod:`tests.bench.search_corpus`) are indexed three
ways, each build in its own subprocess (peak memory: the builder's own ``VmHWM`` — its peak
since exec — and the RSS sum of its process tree sampled ten times a second, which counts pages
that forked index workers share with the builder more than once):

- **whoosh**: the portal's own code path — :meth:`portal.search.index.SearchIndex.build` with the
  portal's schema and jieba analyzer, queried through :func:`portal.search.analysis.query_terms`
  (synonyms, stop words, initials, bigrams) and :meth:`SearchIndex.search` (ranking, exact total
  and type counts, highlighted snippets of the top 10) with the result cache cleared before every
  query ("whoosh"), then with it on ("whoosh-cached": the popular-query case);
- **fts5-jieba**: FTS5 (``unicode61``) over the same jieba search-mode tokens, title/body/pieces/
  initials columns weighted like the portal's boosts, OR of the same query terms, top 10 by bm25
  with a snippet;
- **fts5-trigram**: FTS5 ``trigram`` over the raw text, OR of the query terms of three or more
  characters (a trigram index cannot match shorter ones), top 10 by bm25 with a snippet.

Queries are those of ``tests/search_relevance.py``. Each query runs once unmeasured (for Whoosh
reported as "whoosh-first": its postings decoded from disk for the first time), then ``--repeat``
times measured; p50/p95 are over all measured runs. The share of documents each
query matches is counted outside the timings. Ratios compare figures of the same run only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.bench.search_corpus import ROOT, as_dict, generate
from tests.search_relevance import QUERIES

ENGINES = ("whoosh", "fts5-jieba", "fts5-trigram")
FTS_WEIGHTS = (6.0, 1.0, 1.5, 8.0)  # title, body, pieces, initials: the portal's boosts


# --- building, one subprocess each ---------------------------------------------------------------


def _documents(corpus: Path):
    from portal.searchable import SearchDocument

    for line in corpus.open(encoding="utf-8"):
        d = json.loads(line)
        when = datetime.fromisoformat(d["date"])
        yield SearchDocument(
            key=d["key"], doc_type=d["doc_type"], doc_id=d["key"].split(":")[1], title=d["title"],
            body=d["body"], category=d["category"], category_name=d["category"], url=f"/bench/{d['key']}",
            date=when, visible_from=when if d["doc_type"] == "notice" else datetime(2000, 1, 1),
            initials=d.get("initials", ""))


def build_whoosh(corpus: Path, target: Path) -> int:
    """The portal's index of the corpus in ``target``."""
    from portal.search.index import SearchIndex

    index = SearchIndex(target, engine=None)
    expected = sum(1 for _line in corpus.open(encoding="utf-8"))  # what `portal reindex` counts first
    return index.build(_documents(corpus), expected=expected)


def _tokens(text: str) -> str:
    from portal.search.analysis import segment

    return " ".join(word for word, _s, _e in segment(text))


def build_fts_jieba(corpus: Path, target: Path) -> int:
    """FTS5 (unicode61) over jieba search-mode tokens, in the SQLite file ``target``."""
    from portal.search.analysis import bigrams

    db = sqlite3.connect(target)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, pieces, initials, tokenize='unicode61')")
    count = 0
    for document in _documents(corpus):
        db.execute("INSERT INTO docs VALUES (?, ?, ?, ?)",
                   (_tokens(document.title), _tokens(document.body), " ".join(bigrams(document.title)),
                    document.initials))
        count += 1
    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    db.commit()
    db.close()
    return count


def build_fts_trigram(corpus: Path, target: Path) -> int:
    """FTS5 (trigram) over the raw title and body, in the SQLite file ``target``."""
    db = sqlite3.connect(target)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='trigram')")
    count = 0
    for document in _documents(corpus):
        db.execute("INSERT INTO docs VALUES (?, ?)", (document.title, document.body))
        count += 1
    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    db.commit()
    db.close()
    return count


BUILDERS = {"whoosh": build_whoosh, "fts5-jieba": build_fts_jieba, "fts5-trigram": build_fts_trigram}


def _child(engine: str, corpus: str, target: str) -> None:
    from portal.search.analysis import jieba_module

    jieba_module()  # dictionary load is not part of the build time
    started = time.perf_counter()
    count = BUILDERS[engine](Path(corpus), Path(target))
    seconds = time.perf_counter() - started
    # VmHWM is this process's own peak since exec; ru_maxrss would include the parent's
    # pages at fork time.
    status = Path("/proc/self/status").read_text()
    peak_kb = int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE).group(1))
    print(json.dumps({"seconds": seconds, "documents": count, "peak_mb": peak_kb / 1024}))


def _tree_rss_kb(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            pid = int(stat.parent.name)
            children.setdefault(int(fields[1]), []).append(pid)
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def run_build(engine: str, corpus: Path, target: Path) -> dict:
    """Build one index in a subprocess; seconds, documents, size and peak memory."""
    command = [sys.executable, "-m", "tests.bench.search_bench", "--child", engine, str(corpus), str(target)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], _tree_rss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.stdout.read()
    process.wait()
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{engine} build failed with {process.returncode}")
    result = json.loads(output)
    files = [target] if target.is_file() else list(target.rglob("*"))
    result["bytes"] = sum(path.stat().st_size for path in files if path.is_file())
    result["tree_peak_mb"] = peak[0] / 1024
    return result


# --- querying ---------------------------------------------------------------------------------------


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', "") + '"'


def fts_jieba_match(terms) -> str:
    """The FTS5 MATCH expression of the portal's query terms (unicode61 over jieba tokens)."""
    parts = [f"{{title body}}: {_fts_phrase(w)}" for w in (*terms.words, *terms.synonyms)]
    parts += [f"initials: {_fts_phrase(w)}" for w in terms.letters]
    parts += [f"pieces: {_fts_phrase(w)}" for w in terms.pieces]
    return " OR ".join(parts)


def fts_trigram_match(terms) -> str:
    """The trigram MATCH expression: the query terms of three characters or more."""
    return " OR ".join(_fts_phrase(w) for w in (*terms.words, *terms.synonyms) if len(w) >= 3)


class Engines:
    """The three built indexes of one size, opened for querying."""

    def __init__(self, folder: Path) -> None:
        from portal.search.index import SearchIndex
        from portal.search.ranking import CACHE

        CACHE.clear()  # decoded postings of an earlier size must not count
        self.index = SearchIndex(folder / "whoosh", engine=None)
        self.jieba = sqlite3.connect(folder / "fts5-jieba.db")
        self.trigram = sqlite3.connect(folder / "fts5-trigram.db")

    def run(self, engine: str, terms, cache: bool = False) -> int:
        """Top-10 results of ``terms`` on ``engine``; returns how many came back."""
        if engine == "whoosh":
            if not cache:
                self.index.clear_cache()
            return len(self.index.search(terms, page=1, per_page=10).hits)
        if engine == "fts5-jieba":
            match, db, weights = fts_jieba_match(terms), self.jieba, ", ".join(map(str, FTS_WEIGHTS))
        else:
            match, db, weights = fts_trigram_match(terms), self.trigram, "6.0, 1.0"
        if not match:
            return 0
        rows = db.execute(f"SELECT rowid, title, snippet(docs, 1, '<mark>', '</mark>', '…', 24) FROM docs "  # noqa: S608
                          f"WHERE docs MATCH ? ORDER BY bm25(docs, {weights}) LIMIT 10", (match,)).fetchall()
        return len(rows)

    def matches(self, engine: str, terms) -> int:
        """How many documents ``terms`` match on ``engine`` (not timed)."""
        if engine == "whoosh":  # the portal's own exact total
            return self.index.search(terms, page=1, per_page=10).total
        match = fts_jieba_match(terms) if engine == "fts5-jieba" else fts_trigram_match(terms)
        db = self.jieba if engine == "fts5-jieba" else self.trigram
        return db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)).fetchone()[0] if match else 0


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def _timed(engines: Engines, engine: str, queries: list, cache: bool) -> list[float]:
    timings = []
    for _query, terms in queries:
        started = time.perf_counter()
        engines.run(engine, terms, cache)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def time_queries(engines: Engines, engine: str, queries: list, repeat: int, cache: bool = False,
                 first: list | None = None) -> list[float]:
    """Milliseconds of every measured run of every query (the unmeasured first pass goes to
    ``first`` when given)."""
    warm = _timed(engines, engine, queries, cache)
    if first is not None:
        first.extend(warm)
    timings = []
    for _ in range(repeat):
        for _query, terms in queries:
            started = time.perf_counter()
            engines.run(engine, terms, cache)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


# --- the run ----------------------------------------------------------------------------------------


def write_corpus(size: int, path: Path) -> None:
    """The seeded corpus of ``size`` documents as JSON lines (guides carry pinyin initials)."""
    from portal.search.analysis import initials

    with path.open("w", encoding="utf-8") as out:
        for document in generate(size):
            row = as_dict(document)
            if document.doc_type == "guide":
                row["initials"] = " ".join(initials(document.title))
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def bench_size(size: int, folder: Path, repeat: int) -> dict:
    """Build, size and query all three engines on ``size`` documents."""
    from portal.search.analysis import query_terms, vocabulary

    corpus = folder / "corpus.jsonl"
    started = time.perf_counter()
    write_corpus(size, corpus)
    print(f"[{size}] corpus written in {time.perf_counter() - started:.1f} s", flush=True)
    builds = {}
    for engine in ENGINES:
        target = folder / ("whoosh" if engine == "whoosh" else f"{engine}.db")
        builds[engine] = run_build(engine, corpus, target)
        b = builds[engine]
        print(f"[{size}] {engine}: build {b['seconds']:.1f} s, {b['bytes'] / 2**20:.1f} MB, "
              f"peak RSS {b['peak_mb']:.0f} MB, tree peak {b['tree_peak_mb']:.0f} MB; "
              f"load {os.getloadavg()[0]:.2f}", flush=True)
    vocab = vocabulary(ROOT / "content")
    queries = [(q, query_terms(q, vocab)) for q, _expected, _tuned in QUERIES]
    engines = Engines(folder)
    first: list[float] = []
    latencies = {"whoosh": time_queries(engines, "whoosh", queries, repeat, first=first)}
    latencies.update({engine: time_queries(engines, engine, queries, repeat) for engine in ENGINES[1:]})
    latencies["whoosh-first"] = first  # the first pass: postings read from disk, not yet decoded
    latencies["whoosh-cached"] = time_queries(engines, "whoosh", queries, repeat, cache=True)
    from portal.search.ranking import CACHE

    print(f"[{size}] whoosh decoded-postings cache: {CACHE.size / 2**20:.0f} MB", flush=True)
    shares = {engine: [engines.matches(engine, terms) / size for _q, terms in queries] for engine in ENGINES}
    for engine, values in latencies.items():
        print(f"[{size}] {engine}: p50 {percentile(values, 0.5):.2f} ms, p95 {percentile(values, 0.95):.2f} ms",
              flush=True)
    return {"size": size, "builds": builds, "latencies": latencies, "shares": shares,
            "queries": [q for q, _t in queries]}


def format_tables(results: list[dict]) -> str:
    """The Markdown tables: one row per size and engine, then the query match shares."""
    lines = ["| docs | engine | build s | index MB | peak RSS MB (builder / tree) | top-10 p50 ms | p95 ms "
             "| p95 vs fts5-jieba | median match share |",
             "|--:|---|--:|--:|--:|--:|--:|--:|--:|"]
    for r in results:
        base = percentile(r["latencies"]["fts5-jieba"], 0.95)
        for engine in (*ENGINES, "whoosh-first", "whoosh-cached"):
            times = r["latencies"][engine]
            p95 = percentile(times, 0.95)
            b = r["builds"].get(engine)
            build = (f"{b['seconds']:.1f} | {b['bytes'] / 2**20:.1f} | {b['peak_mb']:.0f} / {b['tree_peak_mb']:.0f}"
                     if b else "— | — | —")
            share = r["shares"].get(engine)
            share_text = f"{statistics.median(share):.1%}" if share else "(same)"
            lines.append(f"| {r['size']:,} | {engine} | {build} | {percentile(times, 0.5):.2f} | {p95:.2f} "
                         f"| {p95 / base:.2f}× | {share_text} |")
    last = results[-1]
    lines += ["", f"Share of the {last['size']:,} documents each query matches (whoosh / fts5-jieba / fts5-trigram):",
              "", "| query | whoosh | fts5-jieba | fts5-trigram |", "|---|--:|--:|--:|"]
    for number, query in enumerate(last["queries"]):
        cells = " | ".join(f"{last['shares'][e][number]:.1%}" for e in ENGINES)
        lines.append(f"| {query} | {cells} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for every size and print the tables."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        _child(*argv[1:4])
        return 0
    parser = argparse.ArgumentParser(prog="python -m tests.bench.search_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--repeat", type=int, default=3, help="measured runs of each query (3)")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    command = shlex.join([".venv/bin/python", "-m", "tests.bench.search_bench", *argv])
    print(f"command: {command}\ndate: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; cores: {os.cpu_count()}; "
          f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; sqlite {sqlite3.sqlite_version}",
          flush=True)
    from portal.search.analysis import jieba_module

    jieba_module()
    results = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"search-bench-{size}-") as tmp:
            results.append(bench_size(size, Path(tmp), args.repeat))
    print()
    print(format_tables(results))
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\ncommand: {command}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
