"""The article time budget: an article that takes too long is abandoned, and the batch goes on.

Checking is linear in an article's length (``benchmarks/adversarial.py`` holds hostile text to
that), but a plugin may hang, a model may crawl: :func:`time_limit` bounds the time one article
may take. In a process's main thread (``sayso check``, and each of its worker processes) the
limit is a ``SIGALRM`` timer, which also cuts short a plugin asleep or waiting on the network;
in any other thread (a Dask task, a server's request) one watchdog thread per process raises
:class:`OutOfTime` into the checking thread, which takes effect at its next Python instruction.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

# Seconds an article may take to analyze and check before it is abandoned: ample for the
# offline analyzer on the largest article sayso reads (5 MB, about 30 s), less so for a
# model-backed analyzer on one, which is what ``--time-limit`` is for.
DEFAULT_TIME_LIMIT = 300.0


class OutOfTime(BaseException):
    """An article's time is up.

    A BaseException, as KeyboardInterrupt is, so that a plugin's ``except Exception`` does not
    swallow it and sayso's isolation of plugin errors lets it through.
    """


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`OutOfTime` in this thread if the block runs longer than ``seconds``.

    ``None`` (or 0) means no limit. Limits do not nest: the block must not set another.
    """
    if not seconds or seconds <= 0:
        yield
    elif threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(seconds):
            yield
    else:
        with _watchdog(seconds):
            yield


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            # Restored even if the alarm went off just as the block ended.
            signal.signal(signal.SIGALRM, previous)


@contextmanager
def _watchdog(seconds: float) -> Iterator[None]:
    limit = _Limit(time.monotonic() + seconds, threading.get_ident())
    watchdog = _Watchdog.of_this_process()
    watchdog.watch(limit)
    try:
        yield
    finally:
        watchdog.forget(limit)


# Held while a process starts its watchdog.
_starting = threading.Lock()


@dataclass(eq=False)
class _Limit:
    """One block's deadline (``time.monotonic()``), in the thread it raises into."""

    deadline: float
    thread: int
    fired: bool = False


class _Watchdog:
    """The thread that raises :class:`OutOfTime` into threads whose block runs past its limit.

    One per process, started at its first limit, serving every thread's: a timer thread per
    block cost a thread's start and two hand-overs of the GIL per article, which in a Dask
    worker's task thread was several per cent of the checking's time. A new limit wakes the
    watchdog only when it is sooner than every limit it waits for (the first, mostly: a run's
    limits come in the order they fall due); a block that ends in time just leaves its limit.
    """

    _current: _Watchdog | None = None

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.changed = threading.Condition()
        self.limits: set[_Limit] = set()
        self.waking = float("inf")
        threading.Thread(target=self._run, name="sayso time limits", daemon=True).start()

    @classmethod
    def of_this_process(cls) -> _Watchdog:
        # A forked child has none of its parent's threads: it starts its own.
        watchdog = cls._current
        if watchdog is None or watchdog.pid != os.getpid():
            with _starting:
                watchdog = cls._current
                if watchdog is None or watchdog.pid != os.getpid():
                    watchdog = cls._current = cls()
        return watchdog

    def watch(self, limit: _Limit) -> None:
        with self.changed:
            self.limits.add(limit)
            if limit.deadline < self.waking:
                self.changed.notify()

    def forget(self, limit: _Limit) -> None:
        with self.changed:
            self.limits.discard(limit)
            if limit.fired:
                # Not raised yet (the block ended first): it must not go off in the caller's code.
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(limit.thread), None)

    def _run(self) -> None:
        with self.changed:
            while True:
                now = time.monotonic()
                for limit in [limit for limit in self.limits if limit.deadline <= now]:
                    self.limits.discard(limit)
                    limit.fired = True
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(
                        ctypes.c_ulong(limit.thread), ctypes.py_object(OutOfTime)
                    )
                self.waking = min((limit.deadline for limit in self.limits), default=float("inf"))
                self.changed.wait(None if self.waking == float("inf") else self.waking - now)
