"""The load benchmark's verdicts: medians over rounds, alternating order, parsed wrk output."""

from __future__ import annotations

import pytest

from tests.bench.wrk import Row, WrkResult, median_result, parse_wrk, round_order

WRK_OUTPUT = """Running 6s test @ http://127.0.0.1:5000/login
  2 threads and 32 connections
  Latency Distribution
     50%   17.50ms
     75%   20.10ms
     90%   23.00ms
     99%  101.20ms
  10440 requests in 6.00s, 33.1MB read
  Socket errors: connect 0, read 3, write 0, timeout 0
  Non-2xx or 3xx responses: 7
Requests/sec:   1740.12
"""


def result(rps: float, p99: float = 20.0, cpu: float | None = 0.5, errors: str = "") -> WrkResult:
    return WrkResult(rps, 10.0, p99, int(rps * 6), errors, cpu)


def test_parse_wrk_reads_rate_latencies_and_every_error() -> None:
    parsed = parse_wrk(WRK_OUTPUT)
    assert parsed.requests_per_s == pytest.approx(1740.12)
    assert (parsed.p50_ms, parsed.p99_ms) == (pytest.approx(17.5), pytest.approx(101.2))
    assert parsed.requests == 10440
    assert parsed.errors == "3 read, 7 non-2xx/3xx"


def test_parse_wrk_refuses_output_without_figures() -> None:
    with pytest.raises(ValueError):
        parse_wrk("wrk: connection refused\n")


def test_one_slow_round_does_not_decide_the_row() -> None:
    """A window in which the machine was busy for the portal only must not fail a row that the
    other rounds put above the target, nor can one lucky window pass a row that is below."""
    row = Row("sqlite", "GET /guides/", 3091,
              (result(2200), result(1100), result(2250)), (result(2600), result(2700), result(2650)))
    assert [round(r, 2) for r in row.round_ratios] == [0.85, 0.41, 0.85]
    assert row.ratio == pytest.approx(2200 / 2600)
    assert row.verdict() == "ok"

    lucky = Row("sqlite", "GET /guides/", 3091,
                (result(1400), result(2600), result(1450)), (result(2700), result(2600), result(2650)))
    assert lucky.ratio < 0.8
    assert lucky.verdict() == "BELOW: ratio < 0.8"


def test_a_form_post_is_judged_by_its_p99_not_by_its_ratio() -> None:
    slow_but_prompt = Row("sqlite", "POST /login", 3480, (result(1100, p99=31),) * 3, (result(3200),) * 3)
    assert slow_but_prompt.ratio < 0.8 and slow_but_prompt.verdict() == "ok"
    late = Row("sqlite", "POST /login", 3480, (result(1100, p99=140),) * 3, (result(3200),) * 3)
    assert late.verdict() == "BELOW: p99 ≥ 100 ms"


def test_ratio_is_the_median_of_paired_rounds_not_of_separate_medians() -> None:
    row = Row("postgresql", "GET /", 5532, (result(1000), result(3000)), (result(2000), result(3000)))
    assert row.round_ratios == [0.5, 1.0]
    assert row.ratio == pytest.approx(0.75)


def test_median_result_keeps_every_error_and_adds_up_requests() -> None:
    combined = median_result([result(100, p99=30), result(300, p99=150, errors="2 timeout"), result(200, p99=40)])
    assert combined.requests_per_s == 200
    assert combined.p99_ms == 40
    assert combined.requests == 3600
    assert combined.errors == "2 timeout"
    assert median_result([result(100, cpu=None), result(200)]).cpu_ms is None


def test_a_row_fails_on_median_p99_and_on_any_error() -> None:
    slow = Row("sqlite", "GET /", 1, (result(900, p99=120), result(900, p99=130)), (result(1000), result(1000)))
    assert slow.verdict() == "BELOW: p99 ≥ 100 ms"
    broken = Row("sqlite", "GET /", 1, (result(900), result(900, errors="5 non-2xx/3xx")),
                 (result(1000), result(1000)))
    assert broken.verdict() == "BELOW: portal 5 non-2xx/3xx"


def test_rows_need_paired_rounds() -> None:
    with pytest.raises(ValueError):
        Row("sqlite", "GET /", 1, (result(1),), ())
    with pytest.raises(ValueError):
        Row("sqlite", "GET /", 1, (), ())


def test_rounds_alternate_which_server_goes_first() -> None:
    assert [round_order(i) for i in range(4)] == [("portal", "baseline"), ("baseline", "portal")] * 2
