"""Case-insensitive search of ASCII word patterns, done in lower-cased text where that is exact.

Python's ``re`` matches with ``re.IGNORECASE`` several times slower than without it. For a pattern
written in ASCII, searching ``text.lower()`` without the flag finds what searching ``text`` with it
finds, at the same offsets, unless the text holds one of the three letters the flag matches to an
ASCII letter that ``str.lower()`` does not make one (U+0130 İ also lowers to two characters).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator
from functools import cached_property

_LOWERED_ELSEWHERE = re.compile("[\u0130\u0131\u017f]")  # İ ı ſ
# Bytes of ASCII word characters stay, every other byte (UTF-8 ones too) becomes a space: splitting
# what is left gives the text's ASCII words, far sooner than re can scan the text.
_ASCII_WORD_BYTES = bytes(
    byte if chr(byte) in string.ascii_lowercase + string.digits + "_" else ord(" ")
    for byte in range(256)
)


def lowered(text: str) -> str | None:
    """``text.lower()`` if :class:`CaselessPattern` can search it instead of ``text``, else None."""
    if text.isascii() or not _LOWERED_ELSEWHERE.search(text):  # isascii() is a flag lookup
        return text.lower()
    return None


def ascii_words(lowered_text: str) -> list[bytes]:
    """The runs of ASCII letters, digits and "_" in :func:`lowered` text, as bytes.

    A word an ASCII pattern matches between ``\\b``s in the text (with ``re.IGNORECASE``) is one
    of them: a quick test of whether the pattern can match at all.
    """
    return lowered_text.encode(errors="replace").translate(_ASCII_WORD_BYTES).split()


def union_at_word_starts(patterns: Iterable[str]) -> str:
    r"""A pattern matching where any of ``patterns`` does, each ``\b`` and then a word character.

    Before a word character ``\b`` means "no word character before", which ``(?<!\w)`` says once
    for all of them, and unlike ``\b`` it fails at word ends, where ``re`` would try every pattern.
    """
    inner = []
    for pattern in patterns:
        if not pattern.startswith(r"\b"):
            raise ValueError(f"{pattern!r} does not start with \\b")
        inner.append(pattern.removeprefix(r"\b"))
    return r"(?<!\w)(?:" + "|".join(inner) + ")"


class CaselessPattern:
    """A pattern compiled with ``re.IGNORECASE``, searched in :func:`lowered` text when given.

    Matches are always of the original text, so their groups keep its case. A part of the
    pattern that turns the flag off (``(?-i:may)``) matches more in lower-cased text ("May"):
    such a match is checked against the text itself.
    """

    def __init__(self, pattern: str) -> None:
        self.source = pattern
        self._turns_flag_off = "(?-i" in pattern

    # Compiled at first use: a run that checks nothing (a re-check) starts without compiling.
    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.source, re.IGNORECASE)

    @cached_property
    def _in_lowered(self) -> re.Pattern[str]:
        return re.compile(self.source)

    def search(self, text: str, lowered: str | None) -> re.Match[str] | None:
        """``self.pattern.search(text)``; ``lowered`` is :func:`lowered` of ``text``."""
        if lowered is None:
            return self.pattern.search(text)
        # Whatever matches in the text matches in the lower-cased text, so nothing starts earlier.
        found = self._in_lowered.search(lowered)
        if found is None:
            return None
        start = found.start()
        return self.pattern.match(text, start) or self.pattern.search(text, start + 1)

    def starts(self, text: str, lowered: str | None) -> Iterator[int]:
        """Offsets, in order, where ``self.pattern`` may match ``text``: every one where it does."""
        pattern, searched = (self.pattern, text) if lowered is None else (self._in_lowered, lowered)
        match = pattern.search(searched)
        while match is not None:
            yield match.start()
            match = pattern.search(searched, match.start() + 1)

    def spans(self, text: str, lowered: str | None) -> Iterator[tuple[int, int]]:
        """Where ``self.pattern.finditer(text)`` matches, in order."""
        if lowered is None or self._turns_flag_off:
            return (match.span() for match in self.pattern.finditer(text))
        return (match.span() for match in self._in_lowered.finditer(lowered))
