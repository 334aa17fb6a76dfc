"""Turning command-line arguments into articles: files, directories, encodings, bad input."""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import InputError
from .model import Article

ARTICLE_SUFFIXES = (".txt", ".md")
MAX_BYTES = 5_000_000

# C0 control characters other than tab, newline, form feed and carriage return: text has few.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def expand_paths(arguments: Iterable[str | Path]) -> Iterator[Path | InputError]:
    """Files as given; directories become every article file below them, in sorted order.

    Yields an :class:`InputError` in place of an argument that names nothing, so the caller can
    report it and go on with the rest.
    """
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
            )
            if not found:
                yield InputError(f"{path}: no {' or '.join(ARTICLE_SUFFIXES)} files in directory")
            yield from found
        elif path.exists():
            yield path
        else:
            yield InputError(f"{path}: no such file or directory")


def read_article(path: Path, max_bytes: int = MAX_BYTES) -> Article:
    """Read one article file, detecting its encoding; raise InputError when it can't be used."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path}: {size:,} bytes is over the {max_bytes:,}-byte limit")
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from error
    text = decode(data, str(path))
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    return Article(text=text, path=str(path), title=headline(text) or path.stem)


def decode(data: bytes, name: str) -> str:
    """Decode article bytes: BOMs first, then UTF-8, then cp1252/latin-1; refuse binary data."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _normalise_newlines(data.decode(encoding))
            except UnicodeDecodeError as error:
                raise InputError(f"{name}: not valid {encoding.upper()} text: {error}") from error
    if _looks_binary(data):
        raise InputError(f"{name}: looks like a binary file, not text")
    try:
        return _normalise_newlines(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    try:
        return _normalise_newlines(data.decode("cp1252"))
    except UnicodeDecodeError:
        return _normalise_newlines(data.decode("latin-1"))


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([byte])) for byte in _CONTROL_BYTES)
    return controls > len(sample) * 0.05


def _normalise_newlines(text: str) -> str:
    # Offsets are into the decoded text, so line endings are fixed before anything measures it.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def headline(text: str) -> str | None:
    """The article's first line when it reads as a headline: short, no closing full stop."""
    first_line = text.strip().split("\n", 1)[0].strip()
    if len(first_line) <= 150 and not first_line.endswith((".", "”", '"')):
        return first_line
    return None
