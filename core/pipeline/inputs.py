"""Turning command-line arguments into articles: files, directories, globs, stdin, HTML pages.

Plain text (``.txt``, ``.md``) is decoded as it is; HTML pages (``.html``, ``.htm``) have their
main text extracted by trafilatura, keeping the page's title and date as article metadata. Every
problem with one input is an :class:`InputError` naming it, so a batch can go on without it.
"""

from __future__ import annotations

import codecs
import dataclasses
import glob
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from ..model import Article

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
ARTICLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
MAX_BYTES = 5_000_000
STDIN = "-"
STDIN_NAME = "<stdin>"
# Metadata trafilatura finds on a page that is worth keeping with the article.
HTML_METADATA = ("date", "author", "sitename", "url", "hostname", "description")

# C0 control characters other than tab, newline, form feed and carriage return: text has few.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_GLOB_CHARACTERS = frozenset("*?[")


def expand_paths(arguments: Iterable[str | Path]) -> Iterator[Path | InputError]:
    """Files as given; directories and globs become the article files they hold, sorted.

    ``-`` stands for standard input and is passed through as ``Path("-")``. Yields an
    :class:`InputError` in place of an argument that names nothing, so the caller can report it
    and go on with the rest.
    """
    for argument in arguments:
        path = argument if isinstance(argument, Path) else Path(argument)
        if str(argument) == STDIN:
            yield Path(STDIN)
        elif path.is_file():
            yield path
        elif path.is_dir():
            found, problems = _files_under(path)
            yield from problems
            if not found and not problems:
                yield InputError(f"{path}: no {_suffix_list()} files in directory")
            yield from found
        elif path.exists():
            yield _not_a_file(path) or path
        elif _GLOB_CHARACTERS & set(str(argument)):
            yield from _expand_glob(str(argument))
        else:
            yield InputError(f"{path}: no such file or directory")


def _expand_glob(pattern: str) -> Iterator[Path | InputError]:
    matches = [Path(match) for match in glob.glob(pattern, recursive=True)]
    found = _article_files(
        [p for p in matches if p.is_file()]
        + [f for p in matches if p.is_dir() for f in p.rglob("*")]
    )
    if not found:
        yield InputError(f"{pattern}: no {_suffix_list()} files match")
    yield from found


def _article_files(paths: Iterable[Path]) -> list[Path]:
    return sorted({p for p in paths if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file()})


def _files_under(directory: Path) -> tuple[list[Path], list[InputError]]:
    """The article files in ``directory`` and below (not following links to directories), in
    path order: what ``_article_files(directory.rglob("*"))`` finds, at a third of its cost.

    Also an error for each directory that can't be listed and each FIFO, device or socket
    named like an article, which is not opened.
    """
    found: list[str] = []
    problems: list[InputError] = []
    pending = [str(directory)]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as error:
            problems.append(InputError(f"{folder}: cannot list the directory: {_reason(error)}"))
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            elif os.path.splitext(entry.name)[1].lower() in ARTICLE_SUFFIXES:
                if entry.is_file():
                    found.append(entry.path)
                else:
                    problems.append(_not_a_file(Path(entry.path)) or _broken_link(entry.path))
    # Sorted as Paths sort (part by part), without making a Path of each first.
    files = [Path(name) for name in sorted(found, key=lambda name: name.split(os.sep))]
    return files, sorted(problems, key=str)


def _not_a_file(path: Path) -> InputError | None:
    """An error for a FIFO, device or socket (never opened: reading one could wait forever)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    for test, kind in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return InputError(f"{path}: {kind}, not a file; not read (- reads standard input)")
    return None


def _broken_link(name: str) -> InputError:
    return InputError(f"{name}: a link to nothing")


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _suffix_list() -> str:
    return ", ".join(ARTICLE_SUFFIXES[:-1]) + " or " + ARTICLE_SUFFIXES[-1]


def read_article(path: Path, max_bytes: int = MAX_BYTES) -> Article:
    """Read one article file (or ``-``, standard input); raise InputError when it can't be used."""
    if str(path) == STDIN:
        return read_stream(sys.stdin.buffer, max_bytes)
    name = str(path)
    special = _not_a_file(path)
    if special is not None:
        raise special
    try:
        with open(name, "rb") as file:
            info = os.fstat(file.fileno())
            size = info.st_size
            if size > max_bytes:
                raise InputError(f"{name}: {size:,} bytes is over the {max_bytes:,}-byte limit")
            # A file with no size to check beforehand (under /proc) is read up to the limit; a
            # file with a size is read whole, as asking for max_bytes would allocate that much
            # for every file.
            data = file.read() if size else file.read(max_bytes + 1)
    except OSError as error:
        raise InputError(f"{name}: cannot read: {_reason(error)}") from error
    if len(data) > max_bytes:
        raise InputError(f"{name}: more than the {max_bytes:,}-byte limit")
    suffix = os.path.splitext(name)[1].lower()
    article = parse_article(data, name, html=suffix in HTML_SUFFIXES)
    return dataclasses.replace(article, file_size=info.st_size, file_mtime_ns=info.st_mtime_ns)


def read_stream(stream: BinaryIO, max_bytes: int = MAX_BYTES) -> Article:
    """Read an article from a byte stream (standard input), HTML if it looks like a page."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"{STDIN_NAME}: more than the {max_bytes:,}-byte limit")
    return parse_article(data, STDIN_NAME, html=looks_like_html(data))


def parse_article(data: bytes, name: str, *, html: bool = False) -> Article:
    """Turn an input's bytes into an :class:`Article` named ``name`` (a path or ``<stdin>``)."""
    if html:
        return extract_html(data, name)
    text, metadata = front_matter(decode(data, name))
    if not text.strip():
        raise InputError(f"{name}: the file is empty")
    title = metadata.pop("title", None) or headline(text) or _stem(name)
    return Article(text=text, path=name, title=title, metadata=metadata)


# A YAML front matter block, as Jekyll, Hugo and most Markdown publishing tools write it.
_FRONT_MATTER = re.compile(r"---[ \t]*\n((?:[^\n]*\n){0,200}?)(?:---|\.\.\.)[ \t]*(?:\n|$)")
_FRONT_MATTER_FIELD = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(\S[^\n]*)", re.MULTILINE)


def front_matter(text: str) -> tuple[str, dict[str, str]]:
    """Take a leading front matter block (``---`` … ``---``) out of an article's text.

    Its one-line ``key: value`` fields become metadata (``title`` the article's title, then
    ``date``, ``author`` …). The block is blanked, not cut: every character but line breaks
    becomes a space, so offsets, lines and columns in the rest of the text stay those of the file.
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        return text, {}
    fields = {
        key.lower(): value.strip().strip("\"'")
        for key, value in _FRONT_MATTER_FIELD.findall(match[1])
        if value.strip().strip("\"'")
    }
    if not fields:
        return text, {}
    blank = re.sub(r"[^\n]", " ", match[0])
    return blank + text[match.end() :], fields


def looks_like_html(data: bytes) -> bool:
    start = data[:1024].lstrip(codecs.BOM_UTF8).lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<body" in start


def extract_html(data: bytes, name: str) -> Article:
    """The main text of an article page, with its title and date, by trafilatura."""
    # trafilatura and lxml take about half a second to import: only pages pay for it.
    import trafilatura

    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    page: str | bytes = data
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8)):
        page = decode(data, name)
    elif _looks_binary(data):
        raise InputError(f"{name}: looks like a binary file, not an HTML page")
    try:
        document = trafilatura.bare_extraction(page, with_metadata=True, include_comments=False)
    except Exception as error:  # lxml and trafilatura raise assorted errors on broken markup
        raise InputError(f"{name}: cannot parse the HTML: {error}") from error
    # bare_extraction returns a Document (a dict only when asked for one), or None.
    found = document.as_dict() if isinstance(document, trafilatura.settings.Document) else {}
    lines = [line.strip() for line in (found.get("text") or "").splitlines()]
    text = "\n\n".join(line for line in lines if line)
    # Markup too broken to parse comes back as its own debris ("<<<>>>"): no words.
    if not any(character.isalnum() for character in text):
        raise InputError(f"{name}: no article text found in the HTML")
    metadata = {key: str(found[key]) for key in HTML_METADATA if found.get(key)}
    title = found.get("title") or headline(text) or _stem(name)
    return Article(text=text, path=name, title=title, metadata=metadata)


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
        # The five bytes cp1252 leaves undefined are control characters in latin-1.
        return _normalise_newlines(data.decode("latin-1"))


def _stem(name: str) -> str:
    # Path(name).stem, without building a Path for every article.
    return os.path.splitext(os.path.basename(name))[0]


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > len(sample) * 0.05


def _normalise_newlines(text: str) -> str:
    # Offsets are into the decoded text, so line endings are fixed before anything measures it.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def headline(text: str) -> str | None:
    """The article's first line when it reads as a headline: short, no closing full stop."""
    first_line = text.strip().split("\n", 1)[0].strip().lstrip("#").strip()
    if first_line and len(first_line) <= 150 and not first_line.endswith((".", "”", '"')):
        return first_line
    return None


def expand_inputs(
    inputs: Iterable[str | Path | Article | InputError], errors: list[InputError]
) -> Iterator[Path | Article]:
    """Paths (directories and globs expanded, ``-`` as is) and Article objects, one at a time.

    Bad inputs (and InputErrors passed in, from an earlier :func:`expand_paths`) are appended to
    ``errors`` as they are met, and expanding goes on.
    """
    for item in inputs:
        if isinstance(item, Article):
            yield item
        elif isinstance(item, InputError):
            errors.append(item)
        else:
            for path in expand_paths([item]):
                if isinstance(path, InputError):
                    errors.append(path)
                else:
                    yield path


def read_inputs(
    inputs: Iterable[str | Path | Article | InputError],
    errors: list[InputError],
    max_bytes: int = MAX_BYTES,
) -> Iterator[Article]:
    """Articles from paths, directories, globs, ``-`` and Article objects, one at a time.

    Inputs that can't be read are appended to ``errors`` as they are met, and reading goes on.
    """
    for item in expand_inputs(inputs, errors):
        if isinstance(item, Article):
            yield item
            continue
        try:
            yield read_article(item, max_bytes)
        except InputError as error:
            errors.append(error)
