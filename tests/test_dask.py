"""Checking on a local Dask cluster: partitions into shards, merged as one sequential run."""

import contextlib
import socket
import warnings

import pytest

pytest.importorskip("distributed")

from sayso.api import check
from sayso.pipeline.cluster import _client, _partition_count, _split, check_on_dask

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
    assert "4 article(s) checked in 4 partition(s) on Dask" in result.stdout
    no_db = sayso_cli("check", str(tmp_path / "articles"), "--no-db", "--dask")
    assert no_db.exit_code == 2 and "needs a database" in no_db.stderr


def test_files_are_split_in_order_into_nearly_equal_parts():
    files = [str(n) for n in range(10)]
    assert _split(files, 3) == [files[:4], files[4:7], files[7:]]
    assert _split(files, 20) == [[f] for f in files]
    assert _split([], 4) == []


def test_partitions_are_several_per_worker_and_a_multiple_of_the_workers():
    assert _partition_count(8400, 2) == 18  # 500 files each at most
    assert _partition_count(840, 2) == 8
    assert _partition_count(840, 3) == 12
    assert _partition_count(4, 1) == 4
