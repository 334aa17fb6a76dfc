"""The article time budget: an article that takes too long is abandoned, and the batch goes on.

Checking is linear in an article's length (``benchmarks/adversarial.py`` holds hostile text to
that), but a plugin may hang, a model may crawl: :func:`time_limit` bounds the time one article
may take. In a process's main thread (``sayso check``, and each of its worker processes) the
limit is a ``SIGALRM`` timer, which also cuts short a plugin asleep or waiting on the network;
in any other thread a timer thread raises :class:`OutOfTime` into the checking thread, which
takes effect at its next Python instruction.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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
    target = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def expire() -> None:
        with lock:
            if not state["done"]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(OutOfTime))
                state["fired"] = True

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
        timer.cancel()
        if state["fired"]:
            # Not raised yet (the block ended first): it must not go off in the caller's code.
            ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)
