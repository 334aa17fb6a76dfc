"""A dict that works out a missing value once and keeps it: the caches of sayso's hot loops."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

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


# Lower-case: a decorator, named like functools.cached_property.
class once(Generic[V]):
    """A property worked out at its first look-up and kept in the instance's ``__dict__``, as
    ``functools.cached_property`` does, without the lock Python 3.11 takes at that look-up
    (half its cost, for an object a link makes 14,000 of)."""

    def __init__(self, compute: Callable[[Any], V]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> once[V]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> V: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> V | once[V]:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value
