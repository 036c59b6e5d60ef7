"""A fresh search worker on a built index: first-search time, never-seen p95, memory.

Run from the repository root (not a pytest test)::

    nice -n 10 .venv/bin/python -m tests.bench.search_worker --size 30000 [--queries 300]

The index of ``--size`` seeded documents (:mod:`tests.bench.search_corpus`) is built once into
``--folder`` (default: ``$TMPDIR/portal-search-worker-<size>``) with the portal's own
:meth:`SearchIndex.build` and reused by later runs. Then, as ``gunicorn --preload`` does, this
process (the "master") loads what :func:`portal.search.services.warm_up` loads — jieba's
dictionary and the opened, warmed index — and forks a worker (``--no-preload``: the master only
imports the modules and the worker loads everything itself). The worker measures:

- its first search (a query it has never seen: nothing in any cache of its own);
- ``--queries`` never-seen searches (the relevance queries of ``tests/search_relevance.py``,
  each with a token no earlier search had, so the result cache cannot answer): p50 and p95;
- its memory after them, from ``/proc/self/smaps_rollup``: RSS, PSS, USS (private pages) and
  the private dirty pages alone (what the worker does not share with the master or the files).

Two workers are forked one after the other; the second shows what a worker costs beside one
already running.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.search_bench import percentile, run_build, write_corpus
from tests.search_relevance import QUERIES

MEMORY_FIELDS = ("Rss", "Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty")


def memory_mb(pid: int | str = "self") -> dict[str, float]:
    """RSS, PSS, shared and private pages of process ``pid`` in MB (``uss`` = all private pages)."""
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    found = {name: int(re.search(rf"^{name}:\s+(\d+) kB", text, re.MULTILINE).group(1)) / 1024
             for name in MEMORY_FIELDS}
    found["Uss"] = found["Private_Clean"] + found["Private_Dirty"]
    return found


def ensure_index(size: int, folder: Path) -> Path:
    """The built index of ``size`` documents in ``folder`` (built now when missing)."""
    target = folder / "whoosh"
    if (target / "replica-state.json").exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "corpus.jsonl"
    write_corpus(size, corpus)
    build = run_build("whoosh", corpus, target)
    print(f"built {build['documents']} documents in {build['seconds']:.1f} s, "
          f"{build['bytes'] / 2**20:.1f} MB", flush=True)
    return target


def preload(target: Path, warm_mb: float | None):
    """What the master of ``gunicorn --preload`` holds before it forks: jieba and the index."""
    from portal.search.analysis import jieba_module, vocabulary
    from portal.search.index import SearchIndex
    from tests.bench.search_corpus import ROOT

    jieba_module()
    vocabulary(ROOT / "content")
    index = SearchIndex(target, engine=None)
    index.reader.spelling(vocabulary(ROOT / "content"))  # the titles' pinyin, as warm_up computes it
    kept = index.warm(None if warm_mb is None else int(warm_mb * 2**20))
    print(f"master: {kept / 2**20:.1f} MB of postings and lengths warmed", flush=True)
    return index


def never_seen(count: int, salt: str):
    """``count`` query strings no search of this run had: relevance queries plus a fresh token."""
    for number in range(count):
        query, _expected, _tuned = QUERIES[number % len(QUERIES)]
        yield f"{query} {salt}x{number}"


def worker(target: Path, index, queries: int, salt: str) -> dict:
    """One worker's figures: first search, never-seen latencies, memory afterwards."""
    from portal.search.analysis import query_terms, vocabulary
    from portal.search.index import SearchIndex
    from tests.bench.search_corpus import ROOT

    started = time.perf_counter()
    index = index or SearchIndex(target, engine=None)
    vocab = vocabulary(ROOT / "content")
    texts = list(never_seen(queries + 1, salt))
    index.search(query_terms(texts[0], vocab, index.reader.spelling(vocab)), page=1, per_page=10)
    first = (time.perf_counter() - started) * 1000
    timings = []
    for text in texts[1:]:
        begun = time.perf_counter()
        index.search(query_terms(text, vocab, index.reader.spelling(vocab)), page=1, per_page=10)
        timings.append((time.perf_counter() - begun) * 1000)
    return {"first_ms": first, "p50_ms": percentile(timings, 0.5), "p95_ms": percentile(timings, 0.95),
            "queries": len(timings), "memory_mb": memory_mb()}


def fork_worker(target: Path, index, queries: int, salt: str) -> dict:
    """Run :func:`worker` in a forked child (the master's pages shared as after a fork)."""
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        os.close(reading)
        try:
            result = worker(target, index, queries, salt)
        except BaseException as error:  # report, never fall back into the master's code
            result = {"error": repr(error)}
        os.write(writing, json.dumps(result).encode())
        os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(data)


def report(label: str, figures: dict) -> str:
    """One line of figures."""
    if "error" in figures:
        return f"{label}: failed: {figures['error']}"
    m = figures["memory_mb"]
    return (f"{label}: first search {figures['first_ms']:.0f} ms; never-seen p50 {figures['p50_ms']:.1f} ms, "
            f"p95 {figures['p95_ms']:.1f} ms ({figures['queries']} queries); RSS {m['Rss']:.0f} MB, "
            f"PSS {m['Pss']:.0f} MB, USS {m['Uss']:.0f} MB, private dirty {m['Private_Dirty']:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    """Build (once) and measure two forked workers."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.search_worker",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=30000, help="documents in the index (30000)")
    parser.add_argument("--folder", type=Path, help="where the index is built and kept")
    parser.add_argument("--queries", type=int, default=300, help="never-seen searches after the first (300)")
    parser.add_argument("--no-preload", action="store_true", help="the worker loads jieba and the index itself")
    parser.add_argument("--warm-mb", type=float, help="postings decoded before the fork (SEARCH_WARM_MB)")
    parser.add_argument("--gc-freeze", action="store_true", help="gc.freeze() in the master before forking")
    args = parser.parse_args(argv)
    folder = args.folder or Path(tempfile.gettempdir()) / f"portal-search-worker-{args.size}"
    target = ensure_index(args.size, folder)
    print(f"index: {target} ({sum(p.stat().st_size for p in target.iterdir()) / 2**20:.0f} MB, "
          f"{len([p for p in target.iterdir() if p.suffix == '.seg'])} segment files); "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    started = time.perf_counter()
    index = None if args.no_preload else preload(target, args.warm_mb)
    if args.gc_freeze:
        gc.freeze()
    master = memory_mb()
    print(f"master: preload {(time.perf_counter() - started) * 1000:.0f} ms; RSS {master['Rss']:.0f} MB, "
          f"USS {master['Uss']:.0f} MB", flush=True)
    salt = f"{time.time_ns():x}"
    for number in (1, 2):
        print(report(f"worker {number}", fork_worker(target, index, args.queries, f"{salt}w{number}")), flush=True)
    print(f"command: .venv/bin/python -m tests.bench.search_worker {' '.join(sys.argv[1:] if argv is None else argv)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
