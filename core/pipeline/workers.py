"""Processes that check articles: batches mapped over a pool of forked workers, and the garbage
collector tuned for checking.

:func:`map_report_batches` is how a run checks its articles, in this process or in worker
processes. Each pool is given what its workers run (the :class:`~sayso.pipeline.engine.Checking`
and the function that turns a report into what travels back) through its initializer: the
workers are forked, so nothing is pickled but the articles going out and the results coming
back, and two runs in one process each have their own. :func:`forked_pool` is that pool, for
any work done in forked processes (linking reads stored articles in one too).
"""

from __future__ import annotations

import gc
import itertools
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ..analysis.analyzers import may_run_in_workers
from ..manager import Plugins
from ..model import Article
from .checkers import ArticleReport
from .engine import BATCH_SIZE, Abandoned, Checking, batched, check_articles

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool

T = TypeVar("T")

# Batches handed to each worker process ahead of time: enough to keep it busy, few enough that
# memory does not grow with the number of articles.
BATCHES_IN_FLIGHT_PER_WORKER = 2
# The garbage collector's thresholds while checking (see collecting_less_often).
CHECKING_GC_THRESHOLDS = (100_000, 50, 50)


def default_workers(analyzer: str, plugins: Plugins | None = None) -> int:
    """Worker processes worth starting for ``analyzer`` on this machine."""
    return (os.cpu_count() or 1) if may_run_in_workers(analyzer, plugins) else 1


@contextmanager
def collecting_less_often() -> Iterator[None]:
    """The garbage collector tuned for a process that does little but check articles.

    Checking makes millions of small objects that live for one article; at the default
    threshold (700 new objects) the collector scans them so often that it takes about a tenth
    of the CPU. Objects made before the checking starts (plugins, lexicon) are frozen out of the
    scans altogether, and a collection waits for 100,000 new objects: at 20,000 it still came
    about once a batch, mid-analysis, when most of the batch's objects are alive, and took 3% of
    the CPU (0.27 against 0.08 s for PolNeAR train, tagger; memory the same). Nearly all garbage
    goes by reference counting; the collector is there for cycles. The collector is as it was
    again afterwards.
    """
    thresholds = gc.get_threshold()
    _collect_less_often()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _collect_less_often() -> None:
    gc.freeze()
    gc.set_threshold(*CHECKING_GC_THRESHOLDS)


def map_report_batches(
    articles: Iterable[Article],
    checking: Checking,
    process: Callable[[ArticleReport], T],
    workers: int = 1,
    started: Callable[[], object] | None = None,
) -> Iterator[list[T | Abandoned]]:
    """Check articles and yield ``process(report)`` for each, in input order, a batch at a time.

    An article that ran out of time comes as its :class:`~sayso.pipeline.engine.Abandoned`,
    not processed.

    With ``workers`` > 1 (and more than one batch of articles), batches are checked in forked
    worker processes and only what ``process`` returns travels back, so it should make a report
    into something small: rows, rendered text. A few batches per worker are in flight at a time,
    so memory stays flat however many articles stream in; those already done when the caller
    asks for the next come as one. ``started`` is called once, when the
    workers have their first batches (or before checking, without workers): what the caller does
    there overlaps with their work.
    """
    articles = iter(articles)
    first = list(itertools.islice(articles, BATCH_SIZE))
    if workers <= 1 or len(first) < BATCH_SIZE or not _can_fork():
        if started:
            started()
        reports = check_articles(itertools.chain(first, articles), checking)
        # check_articles analyzes BATCH_SIZE articles at a time: these batches are the same.
        yield from batched((_processed(process, report) for report in reports), BATCH_SIZE)
        return
    batches = itertools.chain([first], batched(articles, BATCH_SIZE))
    with forked_pool(workers, _start_worker, (_Work(checking, process),)) as pool:
        pending: deque[AsyncResult[list[T | Abandoned]]] = deque()
        for batch in batches:
            pending.append(pool.apply_async(_process_batch, (batch,)))
            if len(pending) >= workers * BATCHES_IN_FLIGHT_PER_WORKER:
                if started:
                    started()
                    started = None
                yield _done_in_order(pending)
        if started:
            started()
        while pending:
            yield _done_in_order(pending)


def _done_in_order(pending: deque[AsyncResult[list[T]]]) -> list[T]:
    """The oldest batch (waiting for it) and the ones after it already done, as one batch.

    A caller that writes each batch in one transaction writes fewer, larger ones when it falls
    behind, which costs less (SQLite writes a page changed by several batches once).
    """
    done = pending.popleft().get()
    while pending and pending[0].ready():
        done += pending.popleft().get()
    return done


@dataclass(frozen=True)
class _Work:
    """What a pool's workers run on each batch they are given."""

    checking: Checking
    process: Callable[[ArticleReport], Any]

    def __call__(self, batch: list[Article]) -> list[Any]:
        return [_processed(self.process, report) for report in check_articles(batch, self.checking)]


def _processed(process: Callable[[ArticleReport], T], report: ArticleReport | Abandoned) -> Any:
    return report if isinstance(report, Abandoned) else process(report)


@contextmanager
def forked_pool(
    processes: int, initializer: Callable[..., object], initargs: tuple[Any, ...] = ()
) -> Iterator[Pool]:
    """A pool of ``processes`` forked workers, each set up by ``initializer(*initargs)``.

    Nothing of the initializer's arguments is pickled (the workers are forked), so they can
    hold what a worker needs for all its tasks: a run's plugins and lexicon, a connection's
    path. Leaving the block terminates the workers, with SIGTERM; unlike a plain
    ``multiprocessing`` pool, none misses it (see :func:`_terminate_blocked`).
    """
    import multiprocessing  # only here: a run that checks nothing (a re-check) starts faster

    with _terminate_blocked():
        pool = multiprocessing.get_context("fork").Pool(
            processes, _start_forked, (initializer, initargs)
        )
    with pool:
        yield pool


def _start_forked(initializer: Callable[..., object], initargs: tuple[Any, ...]) -> None:
    # SIGTERM ends the worker, whatever handler the parent had (see _terminate_blocked).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    initializer(*initargs)


@contextmanager
def _terminate_blocked() -> Iterator[None]:
    """SIGTERM held back in this thread, so that processes and threads started here inherit that.

    ``Pool.terminate`` ends its workers with SIGTERM. A worker forked from a process that has a
    Python handler for it (a server embedding sayso; ``sayso serve``) inherits the handler, and
    a Python handler can lose the signal: the interpreter drops signals that arrive between the
    fork and its re-initialisation, and one that lands just before the worker blocks on the
    pool's queue lock only marks the handler due, which runs when the lock is free: never, as the
    terminating parent holds it. The parent then waits for that worker forever. Held back, the
    signal waits until :func:`_start_forked` has restored its default action, which cannot be
    lost. The pool's own threads, started here too, keep it held back: the workers they start to
    replace one that died are covered as well.
    """
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


# In a worker process only: the work its pool's initializer gave it. The pool's tasks name a
# module-level function (they are pickled by name), which finds the work here.
_work: _Work | None = None


def _start_worker(work: _Work) -> None:
    global _work
    # For the life of the worker, which does nothing but check.
    _collect_less_often()
    _work = work


def _process_batch(batch: list[Article]) -> list[Any]:
    assert _work is not None, "not in a worker process"
    return _work(batch)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()
