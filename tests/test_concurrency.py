"""Safety of the database: concurrent writers, a batch killed mid-way, worker processes."""

import functools
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import deque
from typing import Any

import sqlite_utils
from sayso.pipeline.engine import BATCH_SIZE, Checking
from sayso.pipeline.inputs import read_inputs
from sayso.pipeline.workers import _done_in_order, map_report_batches
from sayso.storage.store import open_connection

from tests.corpus import write_corpus


def sayso(*args, **kwargs):
    command = [sys.executable, "-m", "sayso", "check", "--quiet", *map(str, args)]
    # Quiet: the only output is a summary line.
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
    )


def assert_consistent(path):
    """Every stored article has exactly its own rows, and every span matches its text."""
    db = sqlite_utils.Database(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for article in db.query("SELECT id, text, statements FROM articles"):
        statements = list(
            db.query("SELECT * FROM statements WHERE article_id = ?", [article["id"]])
        )
        assert len(statements) == article["statements"]
        for row in statements:
            assert article["text"][row["start"] : row["end"]] == row["text"]


def test_two_runs_on_one_database_both_succeed(tmp_path):
    first = write_corpus(tmp_path / "a", 40)
    second = write_corpus(tmp_path / "b", 45)[40:]
    db = tmp_path / "shared.db"
    runs = [sayso(tmp_path / "a", "--db", db, "--workers", 1), sayso(*second, "--db", db)]
    for run in runs:
        assert run.wait(timeout=300) == 0, run.stderr.read()
    stored = sqlite_utils.Database(db)
    assert stored["articles"].count == len(first) + len(second)
    assert [row["articles"] for row in stored["runs"].rows] in ([40, 5], [5, 40])
    assert_consistent(db)


def test_killed_batch_leaves_a_consistent_database_and_a_rerun_completes_it(tmp_path):
    write_corpus(tmp_path / "news", 120)
    db = tmp_path / "s.db"
    run = sayso(tmp_path / "news", "--db", db, "--workers", 1, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.05)
        if db.exists() and _stored(db) >= 10:
            break
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    stored = _stored(db)
    assert 10 <= stored < 120
    assert_consistent(db)
    rerun = sayso(tmp_path / "news", "--db", db)
    assert rerun.wait(timeout=300) == 0, rerun.stderr.read()
    assert _stored(db) == 120
    summary = f"{120 - stored} article(s) checked, {stored} skipped as unchanged, 0 unreadable"
    assert rerun.stdout.read().startswith(summary)
    assert_consistent(db)


def _stored(path) -> int:
    try:
        return sqlite_utils.Database(path).execute("SELECT count(*) FROM articles").fetchone()[0]
    except Exception:  # the schema may not exist yet
        return 0


def test_workers_store_what_one_process_stores(tmp_path):
    write_corpus(tmp_path / "news", 70)
    for workers, name in ((1, "one.db"), (2, "two.db")):
        run = sayso(tmp_path / "news", "--db", tmp_path / name, "--workers", workers)
        assert run.wait(timeout=300) == 0, run.stderr.read()
    one, two = (sqlite_utils.Database(tmp_path / name) for name in ("one.db", "two.db"))
    for table in ("articles", "statements", "attributions", "findings", "article_sources"):
        columns = [c for c in one[table].columns_dict if c not in ("checked_at", "run_id")]
        query = f"SELECT {', '.join(f'[{c}]' for c in columns)} FROM [{table}] ORDER BY 1"
        assert list(one.query(query)) == list(two.query(query)), table


def test_a_new_database_switches_to_wal_while_another_process_writes_it(tmp_path):
    # Another process creating the same new database holds a write lock: SQLite refuses the
    # switch to WAL at once instead of waiting for it, so opening must wait and try again.
    path = tmp_path / "new.db"
    other = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE first_writer (x)")
    threading.Timer(0.3, other.execute, ["COMMIT"]).start()
    conn = open_connection(path)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("first_writer",)]


def test_started_is_called_once_before_the_first_batch_with_or_without_workers(tmp_path):
    # CheckRun migrates a new database there, while the workers check their first batches.
    articles = list(read_inputs(write_corpus(tmp_path, 2 * BATCH_SIZE + 5), []))
    checking = Checking.prepare("offline")
    yielded: dict[int, list[Any]] = {}
    for workers in (1, 2):
        events = yielded[workers] = []
        for batch in map_report_batches(
            articles,
            checking,
            lambda report: report.analysis.article.id,
            workers,
            started=functools.partial(events.append, "started"),
        ):
            events.append(batch)
    assert yielded[1] == [
        "started",
        *(
            [a.id for a in articles[at : at + BATCH_SIZE]]
            for at in range(0, len(articles), BATCH_SIZE)
        ),
    ]
    # With workers, batches already done when the next is asked for come as one, in order.
    assert yielded[2][0] == "started" and "started" not in yielded[2][1:]
    assert [id for batch in yielded[2][1:] for id in batch] == [a.id for a in articles]


class _Finished:
    def __init__(self, batch, ready=True):
        self.batch, self._ready = batch, ready

    def ready(self):
        return self._ready

    def get(self):
        return list(self.batch)


def test_batches_already_done_are_handed_over_with_the_oldest():
    pending = deque([_Finished([1, 2], ready=False), _Finished([3]), _Finished([4], ready=False)])
    # The oldest is waited for whether done or not; [3] is done too; [4] is not yet.
    assert _done_in_order(pending) == [1, 2, 3]
    assert [finished.batch for finished in pending] == [[4]]


def _exit_on_terminate(signum, frame):
    raise SystemExit(128 + signum)


def test_workers_end_on_sigterm_whatever_handler_the_parent_has(tmp_path):
    # Pool.terminate ends workers with SIGTERM; a worker that inherited a Python handler for it
    # (from a server embedding sayso, or `sayso serve` run in-process) could miss it and hang
    # the run. Workers start with SIGTERM's default action, not blocked.
    previous = signal.signal(signal.SIGTERM, _exit_on_terminate)
    try:
        articles = list(read_inputs(write_corpus(tmp_path, BATCH_SIZE + 1), []))
        in_workers = [
            result
            for batch in map_report_batches(
                articles,
                Checking.prepare("offline"),
                lambda report: (
                    os.getpid(),
                    signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
                    signal.SIGTERM in signal.pthread_sigmask(signal.SIG_BLOCK, []),
                ),
                workers=2,
            )
            for result in batch
        ]
        assert signal.getsignal(signal.SIGTERM) is _exit_on_terminate
        assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert {pid for pid, _, _ in in_workers} - {os.getpid()}, "no worker processes"
    assert {(default, blocked) for _, default, blocked in in_workers} == {(True, False)}


REPEATED_RUNS = """
import signal, sys
from sayso.model import Article
from sayso.pipeline.engine import BATCH_SIZE, Checking
from sayso.pipeline.workers import map_report_batches

signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
checking = Checking.prepare("offline")
articles = [Article(f"Officials said {n}.") for n in range(BATCH_SIZE + 1)]
for _ in range(int(sys.argv[1])):
    checked = [r for b in map_report_batches(articles, checking, id, workers=2) for r in b]
    assert len(checked) == len(articles)
"""


def test_repeated_runs_with_a_sigterm_handler_do_not_hang():
    # Without the fix above, about one pool in fifty hung here in Pool.terminate, joining a
    # worker blocked on the pool's queue lock.
    command = [sys.executable, "-c", REPEATED_RUNS, "60"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
