"""Checking on a local Dask cluster: partitions into shards, merged as one sequential run."""

import contextlib
import re
import socket
import sqlite3
import threading
import warnings

import pytest

pytest.importorskip("distributed")

from sayso.api import check
from sayso.pipeline.cluster import (
    _checking_for,
    _client,
    _make_template,
    _partition_count,
    _shares,
    _split,
    check_on_dask,
    check_partition,
)
from sayso.pipeline.engine import Checking

from tests.corpus import write_corpus
from tests.test_merge import _stored_order, dump


@pytest.fixture(scope="module")
def cluster():
    # The local cluster `sayso check --dask` starts, with its settings, shared by the tests.
    with _client(None, 2) as client:
        yield client


def test_a_dask_check_stores_what_a_sequential_check_stores(cluster, tmp_path):
    paths = write_corpus(tmp_path / "articles", 10)
    sequential, distributed = tmp_path / "sequential.db", tmp_path / "dask.db"
    check([tmp_path / "articles"], db=sequential, link=True)
    result = check_on_dask(
        [tmp_path / "articles"], distributed, scheduler=cluster, partitions=3, link=True
    )
    assert (result.checked, result.partitions, result.errors) == (10, 3, [])
    assert len(result.scores) == len(paths)
    expected = dump(sequential)
    assert expected["claim_clusters"]
    assert dump(distributed) == expected
    # The shards are merged in input order, whichever partition finished first.
    assert _stored_order(distributed) == _stored_order(sequential)
    assert not (tmp_path / "dask.db.shards").exists()
    # Checked again: every file is stored unchanged, and no partition is sent.
    again = check_on_dask([tmp_path / "articles"], distributed, scheduler=cluster)
    assert (again.checked, again.skipped, again.partitions) == (0, 10, 0)


def test_local_workers_are_forked_from_a_fork_server_that_imported_sayso(cluster):
    def origin():
        import sys

        import psutil

        return " ".join(psutil.Process().parent().cmdline()), "sayso.api" in sys.modules

    for parent, imported in cluster.run(origin).values():
        assert "multiprocessing.forkserver" in parent
        assert "sayso.api" in parent and imported


def test_unreadable_files_are_reported_and_the_others_checked(cluster, tmp_path):
    write_corpus(tmp_path / "articles", 3)
    (tmp_path / "articles" / "empty.txt").write_text("")
    result = check_on_dask([tmp_path / "articles"], tmp_path / "d.db", scheduler=cluster)
    assert result.checked == 3
    assert len(result.errors) == 1 and "empty.txt" in result.errors[0]


def test_the_command_line_on_a_local_cluster(sayso_cli, tmp_path):
    write_corpus(tmp_path / "articles", 4)
    db = tmp_path / "d.db"
    args = ("check", str(tmp_path / "articles"), "--db", str(db), "--dask", "--workers", "1")
    with contextlib.ExitStack() as held, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # Dask's default port taken (by this test, or already by another cluster): no warning.
        with contextlib.suppress(OSError):
            held.enter_context(socket.create_server(("", 8787)))
        result = sayso_cli(*args)
    assert result.exit_code == 0, result.stderr
    assert [str(w.message) for w in caught if "in use" in str(w.message)] == []
    # Partitions are split by bytes: as many as four, none empty.
    assert re.search(r"^4 article\(s\) checked in [1-4] partition\(s\) on Dask", result.stdout)
    no_db = sayso_cli("check", str(tmp_path / "articles"), "--no-db", "--dask")
    assert no_db.exit_code == 2 and "needs a database" in no_db.stderr


def test_a_partition_starts_its_shard_as_a_copy_of_the_migrated_template(tmp_path):
    paths = write_corpus(tmp_path / "articles", 2)
    checking = Checking.prepare()
    template = tmp_path / "template.db"
    _make_template(template, checking.plugins)
    assert not (tmp_path / "template.db-wal").exists()
    # A mark only the template has: a shard migrated afresh would not have it.
    with contextlib.closing(sqlite3.connect(template)) as conn:
        conn.execute("CREATE TABLE mark (x)")
    shard = tmp_path / "part.db"
    result = check_partition(
        [str(p) for p in paths],
        str(shard),
        analyzer=checking.analyzer,
        settings=checking.settings,
        analyzer_options=checking.analyzer_options,
        max_bytes=10_000_000,
        time_limit=None,
        template=str(template),
    )
    assert result.checked == 2
    with sqlite3.connect(shard) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (2,)
        assert conn.execute("SELECT count(*) FROM mark").fetchone() == (0,)
        # Scratch for the merge: no WAL, and the rows not counted in the browsing figures
        # (the merge counts them; test_a_dask_check_stores_what_a_sequential_check_stores).
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert conn.execute("SELECT count(*) FROM attribution_rows").fetchone()[0] > 0
        assert conn.execute("SELECT count(*) FROM article_stats").fetchone() == (0,)


def test_a_worker_thread_checks_the_partitions_of_one_run_with_one_checking():
    prepared = Checking.prepare()
    options = (prepared.analyzer, prepared.settings, prepared.analyzer_options, None)
    first = _checking_for("run-1", *options)
    assert _checking_for("run-1", *options) is first
    # Another run (a real cluster's worker outlives runs), a partition without a run, or
    # another thread: a Checking of its own.
    assert _checking_for("run-2", *options) is not first
    assert _checking_for(None, *options) is not _checking_for(None, *options)
    elsewhere = []
    thread = threading.Thread(target=lambda: elsewhere.append(_checking_for("run-2", *options)))
    thread.start()
    thread.join()
    assert elsewhere[0] is not _checking_for("run-2", *options)


def test_the_template_is_removed_from_a_shards_directory_given(cluster, tmp_path):
    write_corpus(tmp_path / "articles", 3)
    shards = tmp_path / "shards"
    check_on_dask([tmp_path / "articles"], tmp_path / "d.db", scheduler=cluster, shards=shards)
    assert list(shards.iterdir()) == []


def test_files_are_split_in_order_into_parts_of_nearly_equal_bytes():
    files = [str(n) for n in range(10)]
    assert _split(files, [1] * 10, [1.0] * 3) == [files[:3], files[3:7], files[7:]]
    # By bytes, not files: the big file is a part of its own.
    assert _split(files, [1] * 5 + [9] + [1] * 4, [1.0] * 3) == [files[:5], [files[5]], files[6:]]
    # Smaller shares, smaller parts.
    shares = [1.0, 0.5, 0.5, 0.25, 0.25]
    assert _split(files, [1] * 10, shares) == [
        files[:4],
        files[4:6],
        files[6:8],
        *[[f] for f in files[8:]],
    ]
    assert _split(files, [1] * 10, [1.0] * 20) == [[f] for f in files]
    assert _split([], [], [1.0] * 4) == []


def test_the_last_partitions_are_smaller_when_each_worker_has_whole_ones_first():
    assert _shares(18, 2) == [1.0] * 12 + [0.5, 0.5, 0.25, 0.25, 0.125, 0.125]
    assert _shares(8, 2) == [1.0] * 4 + [0.5, 0.5, 0.25, 0.25]
    assert _shares(12, 3) == [1.0] * 6 + [0.5] * 3 + [0.25] * 3
    assert _shares(7, 2) == [1.0] * 5 + [0.5, 0.5]
    # Too few partitions for that: all alike.
    assert _shares(3, 2) == [1.0] * 3
    assert _shares(5, 2) == [1.0] * 5


def test_partitions_are_several_per_worker_and_a_multiple_of_the_workers():
    assert _partition_count(8400, 2) == 18  # 500 files each at most
    assert _partition_count(840, 2) == 8
    assert _partition_count(840, 3) == 12
    assert _partition_count(4, 1) == 4
