"""A dict that works out a missing value once and keeps it: the caches of sayso's hot loops."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict[K, V]):
    """Fills a missing key from ``compute``. Looked up with ``map(memo.__getitem__, keys)``, a
    run of keys costs no Python-level test for each (``dict.get`` and a branch would)."""

    def __init__(self, compute: Callable[[K], V]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: K) -> V:
        value = self[key] = self.compute(key)
        return value
