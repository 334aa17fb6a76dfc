"""Why cut sentences stay unflagged: the strip benchmark's misses, each put down to one cause.

The strip recall (:mod:`.flags`) counts the cut contents that get a warning. A content that gets
none stays unflagged for one of these reasons, tried in this order on the statement holding it:

- ``segmentation``: the content is not one statement (split, or merged with a neighbour);
- ``headline``: the statement is read as a headline, byline or boilerplate, not body text;
- ``not-a-claim``: the statement is not a claim the checker asks about (a question, a fragment,
  quoted words);
- ``vouched``: an attribution whose cue is in the statement vouches for it (a verb of saying
  reaching over at least :data:`~sayso.analysis.needs_source.VOUCHED_SHARE` of it): a nested
  attribution the cut left, right or wrong;
- ``vouched-from-elsewhere``: an attribution whose cue is in another statement vouches for it
  (carried over, or content running across sentences);
- ``declined``: a non-attribution names a source that did not speak;
- ``part-vouched``: an attribution that vouches reaches only part of it (the rest is asked
  about), and the needs-a-source model rates it a report;
- ``thought-or-act``: only attributions of what someone thinks, wants or did carry it, and the
  needs-a-source model rates it a report;
- ``report``: no attribution carries it, and the model rates it a report;
- ``scene-setting``: the checker calls it scene-setting;
- ``other``: none of these (a claim with no warning: should not happen).

``python benchmarks/strip_misses.py`` prints the breakdown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..analysis.needs_source import declined_by, vouched_for, vouches
from ..model import Analysis, Attribution, Statement
from ..pipeline.engine import Checking
from .brat import CorpusArticle, read_corpus
from .cross_fit import cross_fitted_models
from .flags import FlagExample, Stripped, _flags_content, stripped_reports

CAUSES = {
    "segmentation": "the content is not one statement (split, or merged with a neighbour)",
    "headline": "read as a headline, byline or boilerplate, not body text",
    "not-a-claim": "not a claim the checker asks about (question, fragment, quote)",
    "vouched": "an attribution in the sentence vouches for it (the cut left a nested one)",
    "vouched-from-elsewhere": "an attribution from another sentence vouches for it",
    "declined": "a non-attribution: a source named as not speaking",
    "part-vouched": "an attribution vouches for part of it; the model says the rest is a report",
    "thought-or-act": "carried by what someone thinks, wants or did; the model says a report",
    "report": "no attribution; the model says a report of what someone said or did",
    "scene-setting": "scene-setting",
    "other": "none of these",
}
# Characters of a statement outside the content it holds, beyond which it holds more than it.
_MERGED_CHARACTERS = 3


@dataclass
class StripMisses:
    """The strip cases, and the missed ones by cause with their statements."""

    stripped: int = 0
    missed: dict[str, list[FlagExample]] = field(default_factory=dict)

    def counts(self) -> Counter[str]:
        return Counter({cause: len(examples) for cause, examples in self.missed.items()})


def cause_of_miss(case: Stripped, analysis: Analysis) -> str:
    """Why the cut content ``case`` got no warning in the checked ``analysis`` of its text (one
    of :data:`CAUSES`)."""
    from sayso.plugins.unattributed import needs_source

    text = analysis.article.text
    holding = [
        statement
        for statement in analysis.statements
        if statement.start < case.content_end and case.content_start < statement.end
    ]
    if len(holding) != 1:
        return "segmentation"
    [statement] = holding
    outside = text[statement.start : case.content_start] + text[case.content_end : statement.end]
    if len("".join(outside.split())) > _MERGED_CHARACTERS:
        return "segmentation"
    if not statement.is_claim:
        return "headline"
    carried = analysis.attributions_for(statement)
    if vouched_for(statement, analysis):
        inside = any(
            attribution.cue is not None
            and statement.start <= attribution.cue.start < statement.end
            and _vouches_for(attribution, statement, analysis)
            for attribution in carried
        )
        return "vouched" if inside else "vouched-from-elsewhere"
    if declined_by(statement, analysis) is not None:
        return "declined"
    kind, _ = needs_source(statement, analysis)
    if kind == "reported":
        if any(vouches(attribution) for attribution in carried):
            return "part-vouched"
        return "thought-or-act" if carried else "report"
    if kind in ("not-a-claim", "scene-setting"):
        return kind
    return "other"


def _vouches_for(attribution: Attribution, statement: Statement, analysis: Analysis) -> bool:
    """Whether ``attribution`` alone makes :func:`vouched_for` true of ``statement``."""
    alone = Analysis(
        article=analysis.article,
        analyzer=analysis.analyzer,
        statements=analysis.statements,
        attributions=[attribution],
        sources=analysis.sources,
    )
    return vouched_for(statement, alone)


def strip_misses(
    articles: Iterable[CorpusArticle],
    checking: Checking,
    found: StripMisses | None = None,
    each_article: Callable[[], None] | None = None,
) -> StripMisses:
    """The strip cases of ``articles`` checked as ``checking`` says, the missed ones by cause
    (added to ``found`` when given)."""
    found = found if found is not None else StripMisses()
    for article in articles:
        for case, report in stripped_reports(article, checking):
            found.stripped += 1
            if _flags_content(case, report):
                continue
            sentence = case.text[case.content_start : case.content_end]
            found.missed.setdefault(cause_of_miss(case, report.analysis), []).append(
                FlagExample(article.name, sentence)
            )
        if each_article is not None:
            each_article()
    return found


def evaluate_strip_misses(
    corpus_dir: Path,
    analyzer: str = "tagger",
    cross_fitted: bool = False,
    work_dir: Path | None = None,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> StripMisses:
    """The strip misses of the brat corpus at ``corpus_dir`` by cause; with ``cross_fitted``,
    each article checked by a tagger trained without it (:mod:`.cross_fit`), as a training
    split must be."""
    articles = read_corpus(corpus_dir).articles[:limit]
    if cross_fitted:
        wanted = {article.name for article in articles}
        checks = [
            (
                [article for article in held if article.name in wanted],
                Checking.prepare(analyzer="tagger", analyzer_options={"model": str(model)}),
            )
            for held, model in cross_fitted_models(corpus_dir, work_dir or Path(".sayso-training"))
        ]
    else:
        checks = [(articles, Checking.prepare(analyzer=analyzer))]
    found = StripMisses()
    done = 0

    def each_article() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, len(articles))

    for held, checking in checks:
        strip_misses(held, checking, found, each_article)
    return found
