"""Read attribution corpora in brat standoff, laid out as PolNeAR is.

A corpus directory holds ``text/NAME.txt`` and ``attributions/NAME_ANNOTATOR.ann`` (or
``NAME.ann``). In an ``.ann`` file, ``T`` lines are spans (``T3<TAB>Content 10 20;25 40<TAB>text``,
fragments separated by ``;``) and ``E`` lines tie one attribution's roles together
(``E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1``).

What the PolNeAR files taught this reader:

- the text after the offsets copies the annotated text, raw newlines included, so a span across a
  line break continues on the following lines; only offsets are read, continuation lines skipped;
- fragments are not always in text order, so they are sorted;
- a second content span is given the role ``Content2`` (any ``Content<digits>`` is content);
- a ``T`` span may be shared by several events (one source, two cues), and a span's label need not
  match the role it plays (a ``Discuss`` span used as a source), so roles come from the event;
- ``T`` spans no event uses (``Discuss``, ``Discard``, leftovers) are not attributions: ignored;
- an event may lack a ``Cue`` role (rarely, or have no roles at all); its trigger (the
  ``Attribution`` span), which equals the cue in every other event, then stands in as the cue;
- ``#`` annotator notes and other brat record kinds are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import InputError

Role = Literal["source", "cue", "content"]
ROLES: tuple[Role, ...] = ("source", "cue", "content")

Fragment = tuple[int, int]
"""Character offsets ``(start, end)`` into the article text."""

ATTRIBUTION_EVENTS = ("Attribution", "Attribution-no-source")

_RECORD = re.compile(r"^([A-Z#*])\d*\t")
_CONTENT_ROLE = re.compile(r"^Content\d*$")


@dataclass(frozen=True)
class AttributionSpans:
    """One attribution as fragments of text per role; a role may have no fragments."""

    source: tuple[Fragment, ...] = ()
    cue: tuple[Fragment, ...] = ()
    content: tuple[Fragment, ...] = ()

    def role(self, role: Role) -> tuple[Fragment, ...]:
        return {"source": self.source, "cue": self.cue, "content": self.content}[role]


@dataclass
class Corpus:
    """The annotated articles of a corpus, and what was left out of it and why."""

    path: Path
    articles: list[CorpusArticle]
    warnings: list[str]


@dataclass
class CorpusArticle:
    """An article's text with the gold attributions of one annotator."""

    name: str
    text_path: Path
    annotation_path: Path
    text: str
    gold: list[AttributionSpans]


def _role_of(argument_role: str) -> Role | None:
    if argument_role == "Source":
        return "source"
    if argument_role == "Cue":
        return "cue"
    if _CONTENT_ROLE.match(argument_role):
        return "content"
    return None


def parse_ann(ann: str, text_length: int, where: str = "annotations") -> list[AttributionSpans]:
    """Parse the text of one ``.ann`` file into its attributions, in file order.

    ``text_length`` is the length of the article text, to reject offsets beyond it; ``where``
    names the file in error messages.
    """
    spans: dict[str, tuple[Fragment, ...]] = {}
    events: list[tuple[int, str, list[str]]] = []
    for number, line in enumerate(ann.split("\n"), start=1):
        record = _RECORD.match(line)
        if record is None:
            continue
        fields = line.split("\t")
        if record.group(1) == "T":
            spans[fields[0]] = _parse_offsets(fields, text_length, f"{where}:{number}")
        elif record.group(1) == "E" and len(fields) >= 2:
            trigger, *arguments = fields[1].split()
            events.append((number, trigger, arguments))

    attributions = []
    for number, trigger, arguments in events:
        kind, _, trigger_id = trigger.partition(":")
        if kind not in ATTRIBUTION_EVENTS:
            continue
        roles: dict[Role, list[Fragment]] = {"source": [], "cue": [], "content": []}
        for argument in [trigger, *arguments]:
            argument_role, _, span_id = argument.partition(":")
            if span_id not in spans:
                raise InputError(f"{where}:{number}: event refers to unknown span {span_id!r}")
            role = _role_of(argument_role)
            if role is not None:
                roles[role].extend(spans[span_id])
        if not roles["cue"]:
            roles["cue"].extend(spans[trigger_id])
        attributions.append(
            AttributionSpans(
                source=tuple(sorted(roles["source"])),
                cue=tuple(sorted(roles["cue"])),
                content=tuple(sorted(roles["content"])),
            )
        )
    return attributions


def _parse_offsets(fields: list[str], text_length: int, where: str) -> tuple[Fragment, ...]:
    label_and_offsets = fields[1] if len(fields) > 1 else ""
    _, _, offsets = label_and_offsets.partition(" ")
    fragments = []
    for piece in offsets.split(";"):
        numbers = piece.split()
        if len(numbers) != 2 or not all(n.isdigit() for n in numbers):
            raise InputError(f"{where}: can't read span offsets {label_and_offsets!r}")
        start, end = int(numbers[0]), int(numbers[1])
        if not start <= end <= text_length:
            raise InputError(
                f"{where}: span {start}-{end} lies outside the text ({text_length} characters)"
            )
        fragments.append((start, end))
    return tuple(sorted(fragments))


def read_text(path: Path) -> str:
    """Read an article exactly as brat counts its characters (no newline translation)."""
    try:
        with path.open(encoding="utf-8", newline="") as file:
            return file.read()
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text ({error.reason})") from error
    except OSError as error:
        raise InputError(f"{path}: can't read it ({error.strerror})") from error


def annotation_files(
    corpus_dir: Path, names: set[str], warnings: list[str]
) -> dict[str, list[Path]]:
    """Map each article name to its ``.ann`` files in sorted order; note orphans in ``warnings``."""
    found: dict[str, list[Path]] = {}
    for path in sorted((corpus_dir / "attributions").glob("*.ann")):
        stem = path.stem
        name = stem if stem in names else stem.rpartition("_")[0]
        if name in names:
            found.setdefault(name, []).append(path)
        else:
            warnings.append(f"{path.name}: no text/{name or stem}.txt for it, ignored")
    return found


def read_corpus(corpus_dir: Path, every_annotator: bool = False) -> Corpus:
    """Read every annotated article of a corpus, sorted by name.

    When an article has several annotation files (one per annotator), the first in sorted order
    is the gold; with ``every_annotator``, the article comes once per file, each time with that
    annotator's attributions (training learns from all of them; scoring needs one gold). An
    article with no annotation file is skipped with a warning (in
    ``Corpus.warnings``): its attributions
    are unknown, not absent, and counting it would charge every prediction in it as spurious.
    """
    if not corpus_dir.is_dir():
        raise InputError(f"{corpus_dir}: no such corpus directory")
    text_dir = corpus_dir / "text"
    if not text_dir.is_dir():
        raise InputError(f"{corpus_dir}: no text/ folder (expected text/NAME.txt files)")
    if not (corpus_dir / "attributions").is_dir():
        raise InputError(f"{corpus_dir}: no attributions/ folder (expected NAME_ANNOTATOR.ann)")
    text_paths = {path.stem: path for path in sorted(text_dir.glob("*.txt"))}
    if not text_paths:
        raise InputError(f"{text_dir}: no .txt files")

    warnings: list[str] = []
    annotations = annotation_files(corpus_dir, set(text_paths), warnings)
    articles = []
    for name, text_path in text_paths.items():
        if name not in annotations:
            warnings.append(f"{name}: no annotation file, skipped")
            continue
        text = read_text(text_path)
        for annotation_path in annotations[name] if every_annotator else annotations[name][:1]:
            gold = parse_ann(read_text(annotation_path), len(text), str(annotation_path))
            articles.append(CorpusArticle(name, text_path, annotation_path, text, gold))
    if not articles:
        raise InputError(f"{corpus_dir}: no article has an annotation file")
    return Corpus(corpus_dir, articles, warnings)
