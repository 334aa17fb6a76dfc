"""Measure an analyzer against a brat-standoff attribution corpus (``sayso eval``).

Span scores, per role (source, cue, content), micro-averaged over the corpus:

- every span is split into its fragments; fragments separated only by white space are joined
  first (brat breaks a span at each line break), then each is trimmed of white space and edge
  punctuation (a fragment of punctuation alone, such as a colon cue, keeps it) and dropped if
  nothing is left. Gold and predictions are normalised alike, and each
  side's spans of a role are a set (a source shared by two attributions counts once);
- **exact**: a span counts when the other side has the same span;
- **begin**: a predicted span counts when a gold span of its role starts where it starts, and a
  gold span is found when a predicted span starts where it starts.

Relation score: a predicted attribution counts when its cue overlaps a gold attribution's cue,
and a gold attribution is found when a predicted cue overlaps its cue.

Predictions come from the analyzer alone: it sees the article text, never the annotations.
"""

from __future__ import annotations

import json
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..analysis.analyzers import Analyzer, get_analyzer
from ..analysis.conllu import CONLLU_PATH
from ..errors import InputError
from ..lexicon import Lexicon
from ..manager import get_plugins
from ..model import Analysis, Article, Attribution
from .brat import ROLES, AttributionSpans, Corpus, CorpusArticle, Fragment, Role, read_corpus

Match = Literal["exact", "begin"]
MATCHES: tuple[Match, ...] = ("exact", "begin")

ProgressCallback = Callable[[int, int], None]
"""Called with (articles done, articles in all) as the analyzer works through the corpus."""

BATCH_SIZE = 16


@dataclass(frozen=True)
class Score:
    """Counts behind a precision / recall / F1 figure.

    Precision is ``matched_predicted / predicted`` and recall ``matched_gold / gold``; the two
    matched counts differ only when matching is not one to one (begin and relation matching).
    """

    predicted: int = 0
    gold: int = 0
    matched_predicted: int = 0
    matched_gold: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(
            self.predicted + other.predicted,
            self.gold + other.gold,
            self.matched_predicted + other.matched_predicted,
            self.matched_gold + other.matched_gold,
        )

    @property
    def precision(self) -> float:
        return self.matched_predicted / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "predicted": self.predicted,
            "gold": self.gold,
            "matched_predicted": self.matched_predicted,
            "matched_gold": self.matched_gold,
        }


@dataclass(frozen=True)
class SpanError:
    """A gold span the analyzer missed, or a predicted span no gold span matches exactly."""

    kind: Literal["missed", "spurious"]
    role: Role
    start: int
    end: int
    text: str


@dataclass
class ArticleResult:
    name: str
    spans: dict[Role, dict[Match, Score]]
    relations: Score
    errors: list[SpanError]
    predicted: list[AttributionSpans]


@dataclass
class EvalResult:
    corpus: Path
    analyzer: str
    articles: list[ArticleResult]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def spans(self) -> dict[Role, dict[Match, Score]]:
        return {
            role: {
                match: sum((a.spans[role][match] for a in self.articles), Score())
                for match in MATCHES
            }
            for role in ROLES
        }

    @property
    def relations(self) -> Score:
        return sum((a.relations for a in self.articles), Score())

    def worst_articles(self, count: int) -> list[ArticleResult]:
        """The ``count`` articles with most span errors, most first."""
        ranked = sorted(self.articles, key=lambda a: (-len(a.errors), a.name))
        return [article for article in ranked[:count] if article.errors]


def _is_edge(character: str) -> bool:
    return character.isspace() or unicodedata.category(character).startswith("P")


def normalise(text: str, fragments: tuple[Fragment, ...] | list[Fragment]) -> set[Fragment]:
    """Join fragments separated only by white space, trim each, drop the empty ones.

    A fragment of punctuation alone (PolNeAR marks a colon or a dash as a cue) keeps its
    punctuation and loses only white space.
    """
    joined: list[list[int]] = []
    for start, end in sorted(fragments):
        if joined and text[joined[-1][1] : start].strip() == "":
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    trimmed = set()
    for start, end in joined:
        span = _trim(text, start, end, _is_edge) or _trim(text, start, end, str.isspace)
        if span is not None:
            trimmed.add(span)
    return trimmed


def _trim(text: str, start: int, end: int, is_edge: Callable[[str], bool]) -> Fragment | None:
    while start < end and is_edge(text[start]):
        start += 1
    while end > start and is_edge(text[end - 1]):
        end -= 1
    return (start, end) if start < end else None


def _role_spans(text: str, attributions: list[AttributionSpans], role: Role) -> set[Fragment]:
    return set().union(*(normalise(text, a.role(role)) for a in attributions))


def _overlaps(ours: set[Fragment], theirs: set[Fragment]) -> bool:
    return any(a < d and c < b for a, b in ours for c, d in theirs)


def score_article(
    name: str, text: str, gold: list[AttributionSpans], predicted: list[AttributionSpans]
) -> ArticleResult:
    """Score one article's predicted attributions against its gold ones."""
    spans: dict[Role, dict[Match, Score]] = {}
    errors: list[SpanError] = []
    for role in ROLES:
        gold_spans = _role_spans(text, gold, role)
        predicted_spans = _role_spans(text, predicted, role)
        found = len(gold_spans & predicted_spans)
        gold_starts = {start for start, _ in gold_spans}
        predicted_starts = {start for start, _ in predicted_spans}
        spans[role] = {
            "exact": Score(len(predicted_spans), len(gold_spans), found, found),
            "begin": Score(
                len(predicted_spans),
                len(gold_spans),
                sum(start in gold_starts for start, _ in predicted_spans),
                sum(start in predicted_starts for start, _ in gold_spans),
            ),
        }
        errors += [
            SpanError("missed", role, s, e, text[s:e])
            for s, e in sorted(gold_spans - predicted_spans)
        ]
        errors += [
            SpanError("spurious", role, s, e, text[s:e])
            for s, e in sorted(predicted_spans - gold_spans)
        ]
    gold_cues = [normalise(text, a.cue) for a in gold]
    predicted_cues = [normalise(text, a.cue) for a in predicted]
    relations = Score(
        len(predicted),
        len(gold),
        sum(any(_overlaps(p, g) for g in gold_cues) for p in predicted_cues),
        sum(any(_overlaps(g, p) for p in predicted_cues) for g in gold_cues),
    )
    errors.sort(key=lambda error: (error.start, error.end, error.role, error.kind))
    return ArticleResult(name, spans, relations, errors, predicted)


def spans_of(attribution: Attribution) -> AttributionSpans:
    """An analyzer's attribution as fragments per role (raw offsets, before normalising)."""
    return AttributionSpans(
        source=()
        if attribution.source is None
        else ((attribution.source.start, attribution.source.end),),
        cue=() if attribution.cue is None else ((attribution.cue.start, attribution.cue.end),),
        content=tuple((span.start, span.end) for span in attribution.content),
    )


def _with_parses(corpus: Corpus) -> list[tuple[CorpusArticle, Article]]:
    """The articles the conllu analyzer can read, each told where its parse is.

    An article without a parse is skipped with a warning, as one without annotations is.
    """
    articles = []
    for corpus_article in corpus.articles:
        path = corpus.path / "conllu" / f"{corpus_article.name}.conllu"
        if not path.is_file():
            corpus.warnings.append(f"{corpus_article.name}: no conllu/{path.name}, skipped")
            continue
        article = _article_of(corpus_article)
        article.metadata[CONLLU_PATH] = str(path)
        articles.append((corpus_article, article))
    if not articles:
        raise InputError(f"{corpus.path}: no conllu/NAME.conllu parses for the conllu analyzer")
    return articles


def _article_of(corpus_article: CorpusArticle) -> Article:
    return Article(text=corpus_article.text, path=str(corpus_article.text_path))


def evaluate(
    corpus_dir: Path,
    analyzer: str | Analyzer = "offline",
    lexicon: Lexicon | None = None,
    progress: ProgressCallback | None = None,
) -> EvalResult:
    """Run ``analyzer`` (a name or an analyzer object) over a corpus and score its attributions.

    :param corpus_dir: a directory with ``text/`` and ``attributions/`` (and ``conllu/`` for the
        conllu analyzer).
    :param lexicon: the lexicon the analyzer uses; :meth:`Lexicon.default` when ``None``.
    :param progress: called after each batch of articles with (done, total).
    :raises InputError: the corpus is missing or malformed (articles without annotations, or
        without a parse for the conllu analyzer, are skipped and named in ``warnings``).
    :raises ConfigError: ``analyzer`` names no analyzer.
    """
    began = time.perf_counter()
    runner = get_analyzer(analyzer) if isinstance(analyzer, str) else analyzer
    analyzer_name = runner.name
    corpus = read_corpus(Path(corpus_dir))
    factory = get_plugins().analyzers.get(analyzer_name)
    if factory is not None and CONLLU_PATH in factory.requires:
        pairs = _with_parses(corpus)
    else:
        pairs = [
            (corpus_article, _article_of(corpus_article)) for corpus_article in corpus.articles
        ]
    articles = [article for _, article in pairs]
    lexicon = lexicon or Lexicon.default()

    analyses: list[Analysis] = []
    for first in range(0, len(articles), BATCH_SIZE):
        batch = articles[first : first + BATCH_SIZE]
        analyses += runner.analyze(batch, lexicon)
        if progress is not None:
            progress(len(analyses), len(articles))
    if len(analyses) != len(articles):
        raise RuntimeError(
            f"analyzer {analyzer_name!r} returned {len(analyses)} analyses for {len(articles)}"
        )

    results = [
        score_article(
            article.name, article.text, article.gold, [spans_of(a) for a in analysis.attributions]
        )
        for (article, _), analysis in zip(pairs, analyses, strict=True)
    ]
    return EvalResult(
        corpus.path, analyzer_name, results, corpus.warnings, time.perf_counter() - began
    )


@contextmanager
def terminal_progress(description: str = "analyzing") -> Iterator[ProgressCallback | None]:
    """A rich progress bar on stderr while a terminal watches; ``None`` (no output) otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def save_predictions(result: EvalResult, path: Path) -> None:
    """Write one JSON line per article: its name and predicted attributions as raw offsets."""
    with Path(path).open("w", encoding="utf-8") as file:
        for article in result.articles:
            record = {
                "name": article.name,
                "attributions": [
                    {role: [list(f) for f in attribution.role(role)] for role in ROLES}
                    for attribution in article.predicted
                ],
            }
            file.write(json.dumps(record, ensure_ascii=False) + "\n")


def _error_dicts(article: ArticleResult) -> list[dict[str, object]]:
    return [
        {"kind": e.kind, "role": e.role, "start": e.start, "end": e.end, "text": e.text}
        for e in article.errors
    ]


def to_json(result: EvalResult, errors: int = 0) -> str:
    """The scores as JSON; with ``errors``, the error listings of the worst articles too."""
    document: dict[str, object] = {
        "corpus": str(result.corpus),
        "analyzer": result.analyzer,
        "articles": len(result.articles),
        "seconds": round(result.seconds, 2),
        "spans": {
            role: {match: score.as_dict() for match, score in by_match.items()}
            for role, by_match in result.spans.items()
        },
        "relations": result.relations.as_dict(),
        "warnings": result.warnings,
    }
    if errors:
        document["errors"] = [
            {"name": article.name, "errors": _error_dicts(article)}
            for article in result.worst_articles(errors)
        ]
    return json.dumps(document, indent=2, ensure_ascii=False)


def _row(label: str, match: str, score: Score) -> str:
    return (
        f"{label:<9} {match:<12} {score.gold:>6} {score.predicted:>9} "
        f"{100 * score.precision:>9.1f} {100 * score.recall:>7.1f} {100 * score.f1:>6.1f}"
    )


def _one_line(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def format_text(result: EvalResult, errors: int = 0) -> str:
    """The scores as a table; with ``errors``, the worst articles' missed and spurious spans."""
    lines = [
        f"{len(result.articles)} articles from {result.corpus}, analyzer {result.analyzer}"
        f" ({result.seconds:.1f} s)",
        "",
        f"{'role':<9} {'match':<12} {'gold':>6} {'predicted':>9} "
        f"{'precision':>9} {'recall':>7} {'F1':>6}",
    ]
    for role, by_match in result.spans.items():
        lines += [_row(role, match, score) for match, score in by_match.items()]
    lines.append(_row("relation", "cue overlap", result.relations))
    lines += [f"warning: {warning}" for warning in result.warnings]
    for article in result.worst_articles(errors):
        lines += ["", f"{article.name}: {len(article.errors)} errors"]
        lines += [
            f"  {e.kind:<8} {e.role:<7} {e.start:>6}-{e.end:<6} {_one_line(e.text)}"
            for e in article.errors
        ]
    return "\n".join(lines)
