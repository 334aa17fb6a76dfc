"""An article that takes too long is abandoned, named; the rest of its batch is stored."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest
import sqlite_utils
from sayso import hookimpl
from sayso.api import check
from sayso.config import load_config
from sayso.errors import ConfigError
from sayso.manager import extra_plugins
from sayso.model import Article
from sayso.pipeline.budget import OutOfTime, time_limit


class Hang:
    """A plugin that hangs on articles mentioning "hang": asleep, or busy in Python."""

    def __init__(self, busy: bool = False) -> None:
        self.busy = busy

    @hookimpl
    def check_article(self, analysis):
        if "hang" in analysis.article.text:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if not self.busy:
                    time.sleep(30)
        return []


def articles(count: int, hanging: int) -> list[Article]:
    return [
        Article(
            f"Officials said the {'hang' if n == hanging else 'bridge'} {n} would reopen.",
            path=f"a{n}.txt",
        )
        for n in range(count)
    ]


def test_a_slow_article_is_abandoned_and_the_others_are_stored(tmp_path):
    db = tmp_path / "s.db"
    started = time.monotonic()
    with extra_plugins(("hang", Hang())) as plugins:
        result = check(articles(3, hanging=1), db=db, plugins=plugins, time_limit=0.5)
    assert time.monotonic() - started < 10
    assert [report.analysis.article.path for report in result.reports] == ["a0.txt", "a2.txt"]
    assert [str(error) for error in result.errors] == [
        "a1.txt: abandoned after 0.5 s, the time limit for one article (--time-limit, or "
        "time_limit in sayso.toml, sets it)"
    ]
    stored = sqlite_utils.Database(db)
    assert sorted(row["path"] for row in stored["articles"].rows) == ["a0.txt", "a2.txt"]
    assert stored["runs"].get(1)["errors"] == 1


def test_the_limit_holds_outside_the_main_thread():
    outcome = []
    with extra_plugins(("hang", Hang(busy=True))) as plugins:
        worker = threading.Thread(
            target=lambda: outcome.append(check(articles(2, 0), plugins=plugins, time_limit=0.5))
        )
        started = time.monotonic()
        worker.start()
        worker.join(20)
    assert time.monotonic() - started < 10
    [result] = outcome
    assert [str(error).split(":")[0] for error in result.errors] == ["a0.txt"]
    assert len(result.reports) == 1


def in_a_thread(work):
    """What ``work()`` returns or raises, run in a thread of its own."""
    outcome = []

    def run():
        try:
            outcome.append(work())
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(20)
    return outcome[0]


def busy_until_out_of_time(seconds):
    started = time.monotonic()
    with contextlib.suppress(OutOfTime), time_limit(seconds):
        while time.monotonic() - started < 10:
            pass
    return time.monotonic() - started


def test_outside_the_main_thread_one_watchdog_serves_every_limit(monkeypatch):
    started = []
    start = threading.Thread.start

    def counted_start(thread):
        started.append(thread.name)
        start(thread)

    def many_limits():
        monkeypatch.setattr(threading.Thread, "start", counted_start)
        try:
            for _ in range(200):
                with time_limit(30):
                    pass
        finally:
            monkeypatch.undo()
        return [thread.name for thread in threading.enumerate()]

    running = in_a_thread(many_limits)
    # Not a timer thread per block: one watchdog for the process, started by the first block
    # unless an earlier test's limit started it. (Other tests' threads may still be running.)
    assert started in ([], ["sayso time limits"])
    assert running.count("sayso time limits") == 1
    # It still raises in time after all those blocks ended in time.
    assert in_a_thread(lambda: busy_until_out_of_time(0.2)) < 5


def test_a_sooner_limit_in_another_thread_is_kept_while_a_later_one_waits():
    slow = threading.Thread(target=busy_until_out_of_time, args=(3,))
    slow.start()
    time.sleep(0.1)
    # The watchdog is waiting for the 3 s limit: this 0.2 s one must wake it.
    assert in_a_thread(lambda: busy_until_out_of_time(0.2)) < 2
    slow.join(20)


def test_a_limit_that_went_off_as_its_block_ended_does_not_reach_the_caller():
    def ended_just_in_time():
        for _ in range(50):
            with contextlib.suppress(OutOfTime), time_limit(0.001):
                deadline = time.monotonic() + 0.001
                while time.monotonic() < deadline:
                    pass
            # Plain code after the block: an OutOfTime left pending would be raised here.
            for _ in range(1000):
                pass
        return "done"

    assert in_a_thread(ended_just_in_time) == "done"


def test_in_worker_processes_the_batch_goes_on(sayso_cli, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for article in articles(40, hanging=5):
        (folder / article.path).write_text(article.text)
    db = tmp_path / "s.db"
    result = sayso_cli(
        "check", str(folder), "--db", str(db), "--workers", "2", "--time-limit", "0.5",
        "--analyzer", "offline", "-q", plugin=Hang(),
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"error: {folder / 'a5.txt'}: abandoned after 0.5 s" in result.stderr
    assert "39 article(s) checked" in result.stdout
    assert sqlite_utils.Database(db)["articles"].count == 39


def test_no_limit_and_a_limit_that_is_not_reached():
    with time_limit(None):
        time.sleep(0.01)
    with time_limit(5):
        time.sleep(0.01)
    # No alarm is left behind to go off later.
    time.sleep(0.05)


def test_out_of_time_is_not_swallowed_by_except_exception():
    # What a careless plugin does.
    with pytest.raises(OutOfTime), time_limit(0.05), contextlib.suppress(Exception):
        time.sleep(1)


def test_time_limit_in_the_configuration(tmp_path):
    config = tmp_path / "sayso.toml"
    config.write_text("time_limit = 20\n")
    assert load_config(config)["time_limit"] == 20
    config.write_text('time_limit = "soon"\n')
    with pytest.raises(ConfigError, match="time_limit must be a number of seconds"):
        load_config(config)


def test_the_cli_takes_the_limit_from_the_configuration(sayso_cli, tmp_path, monkeypatch):
    (tmp_path / "sayso.toml").write_text("time_limit = 0.5\n")
    article = tmp_path / "a.txt"
    article.write_text("Officials said the hang would end.")
    monkeypatch.chdir(tmp_path)
    result = sayso_cli("check", str(article), "--no-db", "--analyzer", "offline", plugin=Hang())
    assert result.exit_code == 2
    assert "abandoned after 0.5 s" in result.stderr


def test_a_dask_partition_keeps_the_time_limit_it_is_given(tmp_path):
    from sayso.pipeline.cluster import check_partition
    from sayso.pipeline.engine import Checking
    from sayso.pipeline.inputs import MAX_BYTES

    files = []
    for article in articles(3, hanging=1):
        path = tmp_path / article.path
        path.write_text(article.text)
        files.append(str(path))
    with extra_plugins(("hang", Hang())):
        checking = Checking.prepare("offline")
        result = check_partition(
            files,
            str(tmp_path / "shard.db"),
            analyzer="offline",
            settings=checking.settings,
            analyzer_options={},
            max_bytes=MAX_BYTES,
            time_limit=0.5,
        )
    assert result.checked == 2
    [error] = result.errors
    assert error.endswith(
        "a1.txt: abandoned after 0.5 s, the time limit for one article "
        "(--time-limit, or time_limit in sayso.toml, sets it)"
    )
