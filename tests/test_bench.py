import importlib.util
from pathlib import Path

import sayso.plugins.quotes
from sayso.evaluation.bench import compile_sayso, format_timings, run_benchmark

from .conftest import SEEDS


def test_bench_times_a_first_check_and_a_re_check_that_skips_everything():
    first, again = run_benchmark(SEEDS, ["--workers", "1"])
    assert (first.label, again.label) == ("first check", "re-check (unchanged)")
    # The re-check goes through both articles too, skipping them as unchanged.
    assert first.articles == again.articles == 2
    assert (first.checked, again.checked) == (2, 0)
    assert first.words == again.words > 500
    assert first.cpu_seconds > 0
    assert first.seconds > 0
    assert first.peak_rss_mb > 10
    table = format_timings(SEEDS, [first, again])
    assert "CPU s" in table.splitlines()[2]
    assert f"{again.seconds / first.seconds:.1%} of the first check's time" in table


def test_rounds_repeat_the_pair_and_sum_up_the_spread():
    timings = run_benchmark(SEEDS, ["--workers", "1"], rounds=2)
    assert [t.label for t in timings] == ["first check", "re-check (unchanged)"] * 2
    # Each round starts from a fresh database: its first check checks every article again.
    assert [t.checked for t in timings] == [2, 0, 2, 0]
    summary = format_timings(SEEDS, timings).splitlines()[-2:]
    speeds = sorted(t.words_per_second for t in timings[0::2])
    assert summary[0].startswith("2 rounds: first check median")
    assert f"slowest {speeds[0]:,.0f} words/s, fastest {speeds[-1]:,.0f} words/s" in summary[0]
    shares = [timings[1].seconds / timings[0].seconds, timings[3].seconds / timings[2].seconds]
    assert summary[1].endswith(f"at most {max(shares):.1%}")


def test_sayso_is_compiled_to_bytecode_before_timing():
    # Under PYTHONDONTWRITEBYTECODE each timed process would compile the sources again.
    cached = Path(importlib.util.cache_from_source(sayso.plugins.quotes.__file__))
    cached.unlink(missing_ok=True)
    compile_sayso()
    assert cached.is_file()
