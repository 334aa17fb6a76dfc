"""Checking on a Dask cluster: each partition of the inputs checks into its own shard, merged as
the partitions finish.

:func:`check_on_dask` splits the input files, in order, into partitions; every partition is one
Dask task that checks its files into its own SQLite shard (a plain
:class:`~sayso.api.CheckRun` in one process, so workers never wait on one another's writes).
A shard is scratch, read once by the merge: written without a journal on disk or syncing, and
without the browsing figures, which the merge counts anyway as it inserts the rows (writing a
shard took 40% less CPU). The client merges each shard into the database
(:class:`sayso.storage.merge.ShardMerge`) as
soon as the partitions before it are merged, while the workers check the later ones; the
database comes out as one run of the same inputs would write it. Without a scheduler address a
local cluster of ``workers`` processes runs the tasks. On a real cluster the shards directory
must be storage every worker and the client share (see the README's "Checking on a Dask
cluster").

Dask is an optional extra: ``pip install 'sayso[dask]'``.
"""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, SaysoError
from ..manager import Plugins
from ..model import Settings
from ..storage.merge import ShardMerge
from .budget import DEFAULT_TIME_LIMIT
from .engine import Checking
from .inputs import MAX_BYTES, STDIN, expand_inputs

INSTALL_HINT = "pip install 'sayso[dask]'"
# Files per partition, unless that makes fewer than PARTITIONS_PER_WORKER.
PARTITION_FILES = 500
PARTITIONS_PER_WORKER = 4
# The last partitions' shares of the bytes, against the others' whole share: per worker, one
# half, then one quarter. Checking takes time in proportion to the bytes, and each worker takes
# the next partition as it is done with one, so the workers run out of partitions nearly together
# (within an eighth of a partition, not a whole one) and the last shards are quick to merge.
TAIL_SHARES = (0.5, 0.25, 0.125)
# A local cluster's workers without what Dask does many times a second by default beside the
# tasks, taking the GIL from them: sampling their stacks for its profiler (every 10 ms), and
# checking the event loop's health (20 ms), memory use (100 ms) and the system's load (500 ms).
# Measured on 840 files: a tenth of the workers' CPU and most of the client's.
#
# Its worker processes are forked from a fork server that has imported Dask and sayso once,
# instead of each spawned afresh to import them: they are up sooner, and stop at once when the
# cluster closes (spawned ones took about a second, and under load were killed after 4 s).
LOCAL_WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.multiprocessing-method": "forkserver",
    # A partition is sent to a worker only when it is free (by default a worker takes the next
    # one ahead of time), so the last, smaller partitions go to whichever worker is free first.
    "distributed.scheduler.worker-saturation": 1.0,
}
# What the fork server imports before it forks a worker: Dask's worker and sayso's checking.
FORK_SERVER_PRELOAD = ["distributed", "sayso.api", "sayso.pipeline.cluster"]
# An empty database with the schema, made once in the shards directory, which each partition's
# shard starts as a copy of: migrating a new database takes about 0.1 s CPU (a tenth of a
# second per partition, and sqlite-utils imported in every worker), copying it 2 ms.
TEMPLATE = "template.db"


@dataclass
class PartitionResult:
    """What one partition's task sends back: counts and scores, never reports."""

    checked: int = 0
    scores: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Plugin failures, as their one-line descriptions, with the articles they happened in.
    failures: dict[str, int] = field(default_factory=dict)


@dataclass
class DaskCheckResult:
    """A distributed check: what the partitions checked, and the merged run."""

    checked: int = 0
    skipped: int = 0
    partitions: int = 0
    scores: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    run_id: int | None = None

    def add(self, partition: PartitionResult) -> None:
        """Count in what one partition checked."""
        self.checked += partition.checked
        self.scores += partition.scores
        self.errors += partition.errors
        for failure, articles in partition.failures.items():
            self.failures[failure] = self.failures.get(failure, 0) + articles


def check_on_dask(
    inputs: Iterable[str | Path],
    db: str | Path,
    *,
    scheduler: str | Any | None = None,
    workers: int = 2,
    partitions: int | None = None,
    shards: str | Path | None = None,
    analyzer: str = "auto",
    settings: Settings | None = None,
    plugins: Plugins | None = None,
    analyzer_options: dict[str, Any] | None = None,
    skip_unchanged: bool = True,
    link: bool = False,
    max_bytes: int = MAX_BYTES,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
) -> DaskCheckResult:
    """Check files on Dask into ``db``: one shard per partition, merged in order as they come.

    ``scheduler`` is a scheduler address (``tcp://host:8786``), a ``distributed.Client``, or None
    for a local cluster of ``workers`` processes. ``partitions`` defaults to one per
    :data:`PARTITION_FILES` files, at least :data:`PARTITIONS_PER_WORKER` per worker, a multiple
    of ``workers``; they are split by bytes, the last ones smaller (:data:`TAIL_SHARES`).
    ``shards`` is the directory the shards are written to (default: ``DB.shards`` beside the
    database; on a real cluster, storage every worker shares); it is emptied of shards first and
    they are removed once merged, as is the empty, migrated database each shard starts as a copy
    of (:data:`TEMPLATE`). With ``skip_unchanged``, files
    ``db`` holds with the same size, modification time and fingerprint are not sent to the
    workers. ``link`` links every article once merged.
    ``time_limit`` is each article's time limit in seconds on the workers (None: no limit).
    """
    # Found, not imported: the import takes a second, which a local cluster's fork server
    # overlaps with (see _start_fork_server).
    if importlib.util.find_spec("distributed") is None:
        raise SaysoError(f"checking on Dask needs Dask: {INSTALL_HINT}")

    db = Path(db)
    # Checking into a new database sends every file to the workers: a local cluster's fork
    # server imports Dask and sayso while this process prepares and lists the files. A re-check
    # may send none, so it starts the server only once it knows there are some.
    rechecking = skip_unchanged and db.is_file()
    if scheduler is None and not rechecking:
        _start_fork_server()
    checking = Checking.prepare(analyzer, settings, plugins, analyzer_options, time_limit)
    result = DaskCheckResult()
    input_errors: list[InputError] = []
    files = []
    for item in expand_inputs(inputs, input_errors):
        if not isinstance(item, Path) or str(item) == STDIN:
            raise SaysoError("checking on Dask reads files, not standard input or Article objects")
        files.append(str(item))
    result.errors += map(str, input_errors)
    if rechecking:
        files = _changed_files(files, db, checking, result, max_bytes)
    directory = Path(shards) if shards is not None else db.with_name(db.name + ".shards")
    directory.mkdir(parents=True, exist_ok=True)
    count = partitions or _partition_count(len(files), workers)
    chunks = _split(files, [_size(file) for file in files], _shares(count, workers))
    paths = [directory / f"part-{number:05d}.db" for number in range(len(chunks))]
    template = directory / TEMPLATE
    for path in (*paths, template):
        _remove_database(path)
    result.partitions = len(chunks)
    options: dict[str, Any] = {
        "analyzer": checking.analyzer,
        "settings": checking.settings,
        "analyzer_options": checking.analyzer_options,
        "max_bytes": max_bytes,
        "time_limit": time_limit,
        "template": str(template),
        # This run's partitions, which a worker checks with one Checking (see _checking_for).
        "run": uuid.uuid4().hex,
    }
    if chunks and scheduler is None and rechecking:
        _start_fork_server()
    try:
        with ShardMerge(db, checking.plugins, empty=template) as merge:
            if chunks:
                _make_template(template, checking.plugins)
                with _client(scheduler, workers) as client:
                    _check_and_merge(client, chunks, paths, options, merge, result)
            if chunks or link:
                result.run_id = merge.finish(link=link).run_id
    finally:
        # Shards left by a failed run too: written without the browsing figures, they are this
        # run's merge's to read, not a database to keep.
        for path in (*paths, template):
            _remove_database(path)
    if shards is None and not any(directory.iterdir()):
        shutil.rmtree(directory)
    return result


@contextmanager
def _client(scheduler: str | Any | None, workers: int) -> Iterator[Any]:
    """A client of the scheduler at this address, or the given client, or a local cluster's."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler is None:
        with dask.config.set(LOCAL_WORKER_CONFIG):
            _preload_sayso_in_fork_server()
            with (
                LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    # No dashboard; the scheduler's HTTP server on a free port, not on 8787 with
                    # a warning when another cluster holds it.
                    scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
                ) as cluster,
                Client(cluster) as client,
            ):
                yield client
    elif isinstance(scheduler, str):
        with Client(scheduler) as client:
            yield client
    else:
        yield scheduler


def _start_fork_server() -> None:
    """Start the fork server a local cluster's workers are forked from, before importing Dask
    here: its own imports of Dask and sayso (about 1.5 s on a slow machine) then overlap with this
    process's preparing, listing the files, making the template and importing Dask, which they
    used to follow."""
    import multiprocessing
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(FORK_SERVER_PRELOAD)
    forkserver.ensure_running()


def _preload_sayso_in_fork_server() -> None:
    """Have the fork server the local workers are forked from import sayso as well as Dask.

    Dask names what its fork server imports the first time it is asked for the context; this
    names sayso too. The server starts with the first worker and serves every later local
    cluster of this process (until then, the list can still change).
    """
    import multiprocessing

    from distributed.utils import get_mp_context

    get_mp_context()
    multiprocessing.get_context("forkserver").set_forkserver_preload(FORK_SERVER_PRELOAD)


def _check_and_merge(
    client: Any,
    chunks: list[list[str]],
    paths: list[Path],
    options: dict[str, Any],
    merge: ShardMerge,
    result: DaskCheckResult,
) -> None:
    """Check each chunk into its shard on the cluster, merging the shards in input order, each
    as soon as those before it are: the merge overlaps with the checking of later partitions."""
    from distributed import as_completed

    futures = client.map(check_partition, chunks, [str(p) for p in paths], pure=False, **options)
    numbers = {future.key: number for number, future in enumerate(futures)}
    done: dict[int, PartitionResult] = {}
    merged = 0
    for future in as_completed(futures):
        done[numbers[future.key]] = future.result()
        while merged in done:
            result.add(done.pop(merged))
            merge.add(paths[merged], counted=False)
            _remove_database(paths[merged])
            merged += 1


def _partition_count(files: int, workers: int) -> int:
    """One partition per :data:`PARTITION_FILES` files, at least :data:`PARTITIONS_PER_WORKER`
    per worker, a multiple of the workers: each worker checks several, so all but the last few
    are merged while others are checked, and the workers finish together."""
    count = max(PARTITIONS_PER_WORKER * workers, math.ceil(files / PARTITION_FILES))
    return math.ceil(count / workers) * workers


def _make_template(path: Path, plugins: Plugins) -> None:
    """An empty sayso database at ``path``, migrated, its WAL folded in: a shard to copy."""
    from ..storage.store import migrate, open_connection

    conn = open_connection(path)
    # Not synced: a scratch file, made again by the next run (syncing it took seconds while
    # another process wrote to the disk, before any worker had a partition).
    conn.execute("PRAGMA synchronous = OFF")
    try:
        migrate(conn, plugins)
    finally:
        # The last connection's close checkpoints the WAL into the file and removes it.
        conn.close()


def check_partition(
    files: list[str],
    shard: str,
    *,
    analyzer: str,
    settings: Settings,
    analyzer_options: dict[str, Any],
    max_bytes: int,
    time_limit: float | None,
    template: str | None = None,
    run: str | None = None,
) -> PartitionResult:
    """One Dask task: check ``files`` into the shard at ``shard``, in this process, the shard
    started as a copy of the database at ``template`` (an empty, migrated one) if given.
    Partitions of one ``run`` checked in one thread share its Checking (see _checking_for)."""
    from ..api import CheckRun

    # A task Dask runs again (its worker died) starts its shard afresh.
    _remove_database(Path(shard))
    if template is not None:
        shutil.copyfile(template, shard)
    result = PartitionResult()
    checking = _checking_for(run, analyzer, settings, analyzer_options, time_limit)
    check = CheckRun(
        files,
        _score,
        db=shard,
        checking=checking,
        workers=1,
        # Shards are linked once merged, all together.
        link=False,
        max_bytes=max_bytes,
        # Only the merge reads it, counting its rows in the figures as it inserts them.
        shard=True,
    )
    for score in check:
        result.checked += 1
        result.scores.append(score)  # type: ignore[arg-type]
    result.failures = {str(failure): count for failure, count in check.failure_counts.items()}
    result.errors = [str(error) for error in check.errors]
    return result


# Per worker thread: the last run's Checking, with the run's token.
_kept = threading.local()


def _checking_for(
    run: str | None,
    analyzer: str,
    settings: Settings,
    analyzer_options: dict[str, Any],
    time_limit: float | None,
) -> Checking:
    """The Checking for a partition of ``run``: the one this thread checked the run's last
    partition with, if any, else a new one (kept for the next).

    Kept, its analyzer's caches (the tagger's features of each word type) stay filled across the
    run's partitions, as a plain check's worker keeps them for the whole run: built afresh, each
    partition started them empty, which cost about 0.15 s CPU a partition, and loading the
    model and lexicon again 0.05 s. Only within a run, which a worker outlives on a real cluster
    (a later one may load a retrained model), and per thread, as an analyzer is not shared
    between threads.
    """
    kept = getattr(_kept, "run", None)
    if run is None or kept != run:
        _kept.checking = Checking.prepare(analyzer, settings, None, analyzer_options, time_limit)
        _kept.run = run
    checking: Checking = _kept.checking
    return checking


def _remove_database(path: Path) -> None:
    for end in ("", "-wal", "-shm"):
        path.with_name(path.name + end).unlink(missing_ok=True)


def _score(report: Any) -> float:
    return float(report.score)


def _changed_files(
    files: list[str], db: Path, checking: Checking, result: DaskCheckResult, max_bytes: int
) -> list[str]:
    """The files ``db`` does not hold unchanged, as a re-check decides (see
    :func:`sayso.api.sort_out_unchanged`)."""
    from ..api import Unchanged, sort_out_unchanged
    from ..storage.store import open_existing

    changed: list[str] = []
    errors: list[InputError] = []
    conn = open_existing(db)
    try:
        paths = map(Path, files)
        for item in sort_out_unchanged(conn, paths, checking.fingerprint, errors, max_bytes):
            if isinstance(item, Unchanged):
                result.skipped += 1
                result.scores.append(item.score)
            else:
                changed.append(str(item.path))
    finally:
        conn.close()
    result.errors += map(str, errors)
    return changed


def _shares(count: int, workers: int) -> list[float]:
    """The ``count`` partitions' shares of the bytes: the last ones smaller, as many of
    :data:`TAIL_SHARES` per worker as leave every worker two whole ones to check first."""
    levels = len(TAIL_SHARES)
    while levels and count < (levels + 2) * workers:
        levels -= 1
    tail = [share for share in TAIL_SHARES[:levels] for _ in range(workers)]
    return [1.0] * (count - len(tail)) + tail


def _size(file: str) -> int:
    """A file's size, at least 1 (a file that can't be read is the task's error to report)."""
    try:
        return max(1, os.path.getsize(file))
    except OSError:
        return 1


def _split(files: list[str], sizes: list[int], shares: list[float]) -> list[list[str]]:
    """``files`` in contiguous parts, in order, one per share at most: each part's bytes
    (``sizes``) as near its share of the whole as whole files make it (a file goes where its
    middle falls), and none empty."""
    total, whole = sum(sizes), sum(shares)
    parts: list[list[str]] = []
    start = end = 0
    done = reached = 0.0
    for number, share in enumerate(shares, 1):
        reached += share
        # The last part takes what is left (whatever the sums' rounding).
        target = total * reached / whole if number < len(shares) else math.inf
        while end < len(files) and done + sizes[end] / 2 < target:
            done += sizes[end]
            end += 1
        if end > start:
            parts.append(files[start:end])
        start = end
    return parts
