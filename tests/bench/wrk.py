"""wrk for the load benchmark: the command, its output parsed, and rows measured in rounds.

This shared two-core machine swings from one ten-second window to the next (other tenants, wrk
and both servers competing for the cores), so one portal run beside one baseline run can land a
row on either side of its target by chance. A :class:`Row` therefore holds several *rounds*: in
each round the portal and the baseline are loaded one right after the other, in alternating
order (portal first in odd rounds, baseline first in even ones, so a drift of the machine's speed
favours neither), and the row's ratio is the median of the rounds' ratios. Every round's ratio is
printed with it.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

from tests.bench import search_load
from tests.bench.servers import HOST, Server, workers_cpu

TARGET_RATIO = 0.8  # public GET pages and the JSON API, against the bare Flask baseline
TARGET_P99_MS = 100.0  # every row, form posts included, at the run's connections


@dataclass(frozen=True)
class Endpoint:
    """One thing to load: a GET of a page, or the login form POST (Lua script for wrk)."""

    name: str
    path: str
    script: Path | None = None  # wrk -s script (method, body, headers); None for a plain GET
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    http_method: str = ""  # when a script sends GETs (the search rows); else POST with a script
    note: str = ""  # shown after the path in the table

    @property
    def method(self) -> str:
        """HTTP method wrk sends."""
        return self.http_method or ("POST" if self.script else "GET")

    @property
    def label(self) -> str:
        """How the endpoint reads in the table."""
        path = self.path.split("?")[0] if self.http_method else self.path
        return f"{self.method} {path}{self.note}"


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run measured, plus the server workers' CPU time per request."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: str  # "" when every response was 2xx/3xx and no socket error happened
    cpu_ms: float | None = None  # workers' user+system CPU per request; None if unknown
    cache: tuple[int, int] | None = None  # search rows: (result-cache hits, misses) the script counted


def median_result(results: list[WrkResult]) -> WrkResult:
    """One result standing for several rounds: the median of each figure, the requests and cache
    counts added up, every round's errors kept."""
    if not results:
        raise ValueError("no rounds to combine")
    cpus = [r.cpu_ms for r in results if r.cpu_ms is not None]
    caches = [r.cache for r in results if r.cache is not None]
    return WrkResult(
        requests_per_s=statistics.median(r.requests_per_s for r in results),
        p50_ms=statistics.median(r.p50_ms for r in results),
        p99_ms=statistics.median(r.p99_ms for r in results),
        requests=sum(r.requests for r in results),
        errors="; ".join(r.errors for r in results if r.errors),
        cpu_ms=statistics.median(cpus) if len(cpus) == len(results) else None,
        cache=(sum(c[0] for c in caches), sum(c[1] for c in caches)) if caches else None,
    )


@dataclass(frozen=True)
class Row:
    """One line of the result table: the portal and the baseline over one or more rounds."""

    backend: str
    endpoint: str
    size: int
    portal_rounds: tuple[WrkResult, ...]
    baseline_rounds: tuple[WrkResult, ...]
    name: str = ""

    def __post_init__(self) -> None:
        if not self.portal_rounds or len(self.portal_rounds) != len(self.baseline_rounds):
            raise ValueError("a row needs the same number (at least one) of portal and baseline rounds")

    @property
    def portal(self) -> WrkResult:
        """The portal's figures, median over the rounds."""
        return median_result(list(self.portal_rounds))

    @property
    def baseline(self) -> WrkResult:
        """The baseline's figures, median over the rounds."""
        return median_result(list(self.baseline_rounds))

    @property
    def round_ratios(self) -> list[float]:
        """Portal requests/s over baseline requests/s, round by round."""
        return [p.requests_per_s / b.requests_per_s if b.requests_per_s else 0.0
                for p, b in zip(self.portal_rounds, self.baseline_rounds, strict=True)]

    @property
    def ratio(self) -> float:
        """The median of the rounds' ratios."""
        return statistics.median(self.round_ratios)

    def verdict(self) -> str:
        """``ok``, or why the row misses the target (median ratio, median p99, any error)."""
        problems, portal, baseline = [], self.portal, self.baseline
        judged_by_ratio = self.name not in search_load.ROWS and not self.endpoint.startswith("POST")
        if judged_by_ratio and self.ratio < TARGET_RATIO:  # posts: p99; search: its own table
            problems.append(f"ratio < {TARGET_RATIO}")
        if portal.p99_ms >= TARGET_P99_MS:
            problems.append(f"p99 ≥ {TARGET_P99_MS:.0f} ms")
        if portal.errors:
            problems.append(f"portal {portal.errors}")
        if baseline.errors:
            problems.append(f"baseline {baseline.errors}")
        return "BELOW: " + "; ".join(problems) if problems else "ok"


def round_order(round_index: int) -> tuple[str, str]:
    """Which server is loaded first in a round: the portal in rounds 0, 2, ..., the baseline in
    rounds 1, 3, ..."""
    return ("portal", "baseline") if round_index % 2 == 0 else ("baseline", "portal")


# --- wrk itself -------------------------------------------------------------------------------

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _latency_ms(output: str, percentile: int) -> float:
    match = re.search(rf"^\s*{percentile}(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE)
    if not match:
        raise ValueError(f"no {percentile}% line in wrk output:\n{output}")
    return float(match.group(1)) * _UNIT_MS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    """Requests/s, p50 and p99 in milliseconds, request count and errors from ``wrk --latency``."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    count = re.search(r"^\s*(\d+) requests in ", output, re.MULTILINE)
    if not rate or not count:
        raise ValueError(f"unexpected wrk output:\n{output}")
    errors = []
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        named = zip(("connect", "read", "write", "timeout"), socket_errors.groups(), strict=True)
        errors += [f"{n} {kind}" for kind, n in named if n != "0"]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors.append(f"{non_2xx.group(1)} non-2xx/3xx")
    return WrkResult(float(rate.group(1)), _latency_ms(output, 50), _latency_ms(output, 99),
                     int(count.group(1)), ", ".join(errors))


def _lua_string(value: str) -> str:
    if not value.isascii() or not value.isprintable():
        raise ValueError(f"refusing to put {value!r} into a Lua script")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_post_script(directory: Path, body: str, headers: dict[str, str]) -> Path:
    """A wrk Lua script that sends every request as a POST with ``body`` and ``headers``."""
    lines = ['wrk.method = "POST"', f"wrk.body = {_lua_string(body)}"]
    lines += [f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()]
    path = directory / "post.lua"
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def wrk_command(port: int, endpoint: Endpoint, seconds: int, connections: int, threads: int) -> list[str]:
    """The wrk command line for one endpoint on 127.0.0.1:``port``."""
    wrk = shutil.which("wrk") or "/usr/bin/wrk"
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "--latency"]
    if endpoint.script:
        command += ["-s", str(endpoint.script)]
    return [*command, f"http://{HOST}:{port}{endpoint.path}"]


def run_wrk(server: Server, endpoint: Endpoint, seconds: int, connections: int, threads: int) -> WrkResult:
    """Load one endpoint for ``seconds``; parse what wrk measured and add the workers' CPU time
    per request (less sensitive than requests/s to other load on a shared machine)."""
    command = wrk_command(server.port, endpoint, seconds, connections, threads)
    before = workers_cpu(server.pid)
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    after = workers_cpu(server.pid)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    measured = replace(parse_wrk(result.stdout), cache=search_load.cache_counts(result.stdout))
    if before and before.keys() == after.keys() and measured.requests:
        cpu = sum(after.values()) - sum(before.values())
        measured = replace(measured, cpu_ms=cpu * 1000 / measured.requests)
    return measured
