"""Measure the unattributed-claim flags against a brat-standoff attribution corpus.

Two figures, both about warning-level ``unattributed`` findings (the ones that cost points):

- **false-flag rate**: of the statements flagged as unattributed, the share the annotators did
  attribute: the gold content spans (of every attribution, first annotator file per article)
  cover at least half of the statement's characters (white space not counted).
- **strip recall**: take each gold attribution written ``SOURCE CUE [that] CONTENT`` inside one
  sentence opened by the source, whose cue is a speech verb and whose content has six words or
  more and no quotation mark; cut the source, the cue and the "that" ("She said the process
  often leaves legislators with a fait accompli." becomes "The process often leaves legislators
  with a fait accompli."), check the article so changed, and count the contents that then get a
  warning-level unattributed flag. Each attribution is cut alone, from the original text, so its
  neighbours keep their sources. The text's first line is its title (PolNeAR's texts open with
  it) and no sentence of the article: a headline cut so ("Bernie Sanders Promises Action On
  Immigration …" → "Action On Immigration …") is still a headline, which is no claim.

The checks run through the same pipeline as ``sayso check`` (analyzer, the analysis steps, source
resolution, every enabled checker) without a database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..lexicon import SPEECH_VERBS, verb_forms
from ..model import Article, Finding
from ..pipeline.checkers import ArticleReport
from ..pipeline.engine import Abandoned, Checking, check_articles
from .brat import AttributionSpans, CorpusArticle, read_corpus

ProgressCallback = Callable[[int, int], None]

FLAGGED_CHECKER = "unattributed"
# The goals of issue 14, which the benchmark and the needs-a-source training aim at.
MAX_FALSE_FLAG_RATE = 0.10
MIN_STRIP_RECALL = 0.80
MIN_CONTENT_WORDS = 6
MIN_GOLD_COVERAGE = 0.5
SPEECH_CUE_FORMS = frozenset(form for verb in SPEECH_VERBS for form in verb_forms(verb))
# Words that may stand beside the speech verb inside a cue ("has said", "also told").
_CUE_AUXILIARIES = frozenset(
    ["has", "have", "had", "is", "was", "were", "will", "would", "did", "does", "do", "also"]
)
_QUOTATION_MARKS = re.compile("[\"“”«»„‘]|(?<!\\w)'|'(?!\\w)")
_SENTENCE_CLOSE = re.compile(r"[.!?]+[\"”’')\]]*(?:\s|$)")
_LEADING_THAT = re.compile(r"that\s+", re.IGNORECASE)
_THAT = re.compile(r"\s+that\s+$|\s+$", re.IGNORECASE)


@dataclass
class FlagExample:
    """One statement in the figures, for listing what went wrong."""

    article: str
    text: str


@dataclass
class FlagResult:
    """The counts behind both figures, and the statements behind their errors."""

    articles: int = 0
    flags: int = 0
    false_flags: list[FlagExample] = field(default_factory=list)
    stripped: int = 0
    missed: list[FlagExample] = field(default_factory=list)

    @property
    def false_flag_rate(self) -> float:
        return len(self.false_flags) / self.flags if self.flags else 0.0

    @property
    def strip_recall(self) -> float:
        return (self.stripped - len(self.missed)) / self.stripped if self.stripped else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "articles": self.articles,
            "flags": self.flags,
            "false_flags": len(self.false_flags),
            "false_flag_rate": round(self.false_flag_rate, 4),
            "stripped": self.stripped,
            "stripped_flagged": self.stripped - len(self.missed),
            "strip_recall": round(self.strip_recall, 4),
        }


@dataclass(frozen=True)
class Stripped:
    """An article text with one attribution's source and cue cut out; where its content now is."""

    text: str
    content_start: int
    content_end: int


def is_warning_flag(finding: Finding) -> bool:
    return finding.checker == FLAGGED_CHECKER and finding.severity == "warning"


def covered_share(text: str, start: int, end: int, covered: list[tuple[int, int]]) -> float:
    """The share of ``text[start:end]``'s non-space characters inside the ``covered`` ranges."""
    counted = [offset for offset in range(start, end) if not text[offset].isspace()]
    if not counted:
        return 0.0
    inside = sum(1 for offset in counted if any(a <= offset < b for a, b in covered))
    return inside / len(counted)


def strip_attribution(text: str, gold: AttributionSpans) -> Stripped | None:
    """``text`` with ``gold``'s source and cue cut out, when it has the benchmark's shape.

    The shape: one fragment per role, the source opening a sentence after the text's first line
    (the title), the cue right after it and a speech verb, the content right after the cue (or
    after "that") running to the end of the sentence, six words or more, no quotation mark.
    Otherwise None.
    """
    if not (len(gold.source) == len(gold.cue) == len(gold.content) == 1):
        return None
    (source_start, source_end), (cue_start, cue_end), (content_start, content_end) = (
        gold.source[0],
        gold.cue[0],
        gold.content[0],
    )
    if not source_end <= cue_start and cue_end <= content_start:
        return None
    if "\n" not in text[:source_start].lstrip():
        return None
    if not _opens_sentence(text, source_start) or text[source_end:cue_start].strip():
        return None
    cue_words = text[cue_start:cue_end].lower().split()
    if not cue_words or cue_words[-1] not in SPEECH_CUE_FORMS:
        return None
    if not set(cue_words[:-1]) <= _CUE_AUXILIARIES:
        return None
    if not _THAT.fullmatch(" " + text[cue_end:content_start] + " "):
        return None
    # Annotators sometimes put "that" in the content: it goes with the cue.
    that = _LEADING_THAT.match(text, content_start, content_end)
    if that is not None:
        content_start = that.end()
    content = text[content_start:content_end]
    if len(content.split()) < MIN_CONTENT_WORDS or _QUOTATION_MARKS.search(content):
        return None
    rest = text[content_end:]
    # The content closes the sentence, its full stop inside the content or right after it.
    closing = content.rstrip()[-1:]
    if not _SENTENCE_CLOSE.match((closing if closing in ".!?" else "") + rest):
        return None
    new_content = content[:1].upper() + content[1:]
    stripped = text[:source_start] + new_content + rest
    return Stripped(stripped, source_start, source_start + len(content))


def _opens_sentence(text: str, offset: int) -> bool:
    before = text[:offset].rstrip(" \t")
    return not before or before.endswith(("\n", ".", "!", "?", "”", '"'))


def stripped_reports(
    article: CorpusArticle, checking: Checking
) -> Iterator[tuple[Stripped, ArticleReport]]:
    """Each strip case of ``article`` (:func:`strip_attribution`) with the report on its cut
    text, checked as ``checking`` says."""
    cases = [
        stripped
        for gold in article.gold
        if (stripped := strip_attribution(article.text, gold)) is not None
    ]
    changed = (Article(text=case.text, path=str(article.text_path)) for case in cases)
    return zip(cases, _reports(changed, checking), strict=True)


def flag_figures(
    articles: Iterable[CorpusArticle],
    checking: Checking,
    progress: ProgressCallback | None = None,
) -> FlagResult:
    """Both figures (see the module docs) for ``articles``, checked as ``checking`` says."""
    articles = list(articles)
    result = FlagResult(articles=len(articles))
    originals = [Article(text=article.text, path=str(article.text_path)) for article in articles]
    for done, (article, report) in enumerate(
        zip(articles, _reports(originals, checking), strict=True), start=1
    ):
        _count_false_flags(article, report, result)
        for case, stripped_report in stripped_reports(article, checking):
            result.stripped += 1
            if not _flags_content(case, stripped_report):
                sentence = case.text[case.content_start : case.content_end]
                result.missed.append(FlagExample(article.name, sentence))
        if progress:
            progress(done, len(articles))
    return result


def _reports(articles: Iterable[Article], checking: Checking) -> Iterator[ArticleReport]:
    """The reports of ``articles``; an article out of time stops the measurement, named."""
    for report in check_articles(articles, checking):
        if isinstance(report, Abandoned):
            raise report.error()
        yield report


def _count_false_flags(article: CorpusArticle, report: ArticleReport, result: FlagResult) -> None:
    contents = [fragment for gold in article.gold for fragment in gold.content]
    statements = report.analysis.statements
    for finding in report.findings:
        if not is_warning_flag(finding) or finding.statement is None:
            continue
        statement = statements[finding.statement]
        result.flags += 1
        share = covered_share(article.text, statement.start, statement.end, contents)
        if share >= MIN_GOLD_COVERAGE:
            result.false_flags.append(FlagExample(article.name, statement.text))


def _flags_content(case: Stripped, report: ArticleReport) -> bool:
    statements = report.analysis.statements
    for finding in report.findings:
        if is_warning_flag(finding) and finding.statement is not None:
            statement = statements[finding.statement]
            if statement.start < case.content_end and case.content_start < statement.end:
                return True
    return False


def evaluate_flags(
    corpus_dir: Path,
    analyzer: str = "offline",
    progress: ProgressCallback | None = None,
    limit: int | None = None,
) -> FlagResult:
    """Both figures for the brat corpus at ``corpus_dir`` (laid out as ``sayso eval`` reads)."""
    corpus = read_corpus(corpus_dir)
    checking = Checking.prepare(analyzer=analyzer)
    return flag_figures(corpus.articles[:limit], checking, progress)


def format_examples(examples: list[FlagExample], count: int) -> Iterator[str]:
    for example in examples[:count]:
        yield f"  {example.article}: {' '.join(example.text.split())}"


_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


def learn_cue_words(
    corpus_dir: Path, min_count: int = 3, min_share: float = 0.25
) -> list[tuple[str, int, int]]:
    """Words that the annotators of a brat corpus mostly mark as (part of) a cue.

    Returns ``(word, times in a cue, times in all)`` for each lower-cased word seen at least
    ``min_count`` times of which at least ``min_share`` fall inside a gold cue, most cue-like
    first. These are the words whose presence tells that a sentence reports what someone said,
    thinks or did about a claim ("slammed", "vowed", "according"), whatever the analyzer found.
    """
    in_cue: dict[str, int] = {}
    seen: dict[str, int] = {}
    for article in read_corpus(corpus_dir).articles:
        cue_starts = {
            word.start()
            for gold in article.gold
            for start, end in gold.cue
            for word in _WORD.finditer(article.text, start, end)
        }
        for word in _WORD.finditer(article.text):
            lowered = word.group().lower()
            seen[lowered] = seen.get(lowered, 0) + 1
            if word.start() in cue_starts:
                in_cue[lowered] = in_cue.get(lowered, 0) + 1
    learned = [
        (word, count, seen[word])
        for word, count in in_cue.items()
        if seen[word] >= min_count and count / seen[word] >= min_share
    ]
    return sorted(learned, key=lambda row: (-row[1] / row[2], -row[1], row[0]))


def cue_words_module(learned: list[tuple[str, int, int]], corpus_dir: Path) -> str:
    """The source of :mod:`sayso.analysis.cue_words` for ``learned`` (from learn_cue_words)."""
    rows = "\n".join(f"    ({word!r}, {count}, {seen})," for word, count, seen in learned)
    return (
        '"""Words PolNeAR\'s annotators mostly mark as part of a cue, learned from its train '
        "split.\n\n"
        "Each row is (word, times inside a gold cue, times in all) over the train articles, for\n"
        "words seen at least three times and inside a cue at least a quarter of the time.\n"
        "Written by ``python benchmarks/flags_polnear.py --learn-cue-words`` from\n"
        f"``{corpus_dir.parent.name}/{corpus_dir.name}``; holds counts of single words, no text.\n"
        "PolNeAR (Newell, Margolin & Ruths, LREC 2018) is research data published without a "
        'licence file.\n"""\n\n'
        f"LEARNED_CUE_WORDS: tuple[tuple[str, int, int], ...] = (\n{rows}\n)\n"
    )
