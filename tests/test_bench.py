from sayso.bench import format_timings, run_benchmark

from .conftest import SEEDS


def test_bench_times_a_first_check_and_a_re_check_that_skips_everything():
    first, again = run_benchmark(SEEDS, ["--workers", "1"])
    assert (first.label, again.label) == ("first check", "re-check (unchanged)")
    # The re-check goes through both articles too, skipping them as unchanged.
    assert first.articles == again.articles == 2
    assert first.words == again.words > 500
    assert first.cpu_seconds > 0
    assert first.seconds > 0
    assert first.peak_rss_mb > 10
    table = format_timings(SEEDS, [first, again])
    assert "CPU s" in table.splitlines()[2]
    assert f"{again.seconds / first.seconds:.1%} of the first check's time" in table
