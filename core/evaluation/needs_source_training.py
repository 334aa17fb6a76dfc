"""Train the needs-a-source model (:mod:`sayso.analysis.needs_source`) on a brat corpus.

One command does it all, seeded and reproducible::

    python benchmarks/flags_polnear.py --train-needs-source            # the tagger's, 3 folds

It learns from the statements the ``unattributed`` checker asks the model about, as the default
analyzer leaves them on news it never saw: each training article is checked with a tagger
trained without it (:mod:`.cross_fit`), because the shipped tagger finds almost every
attribution of its own training articles and would leave nothing to learn from. Of the asked
statements (claims that no attribution vouches for, see
:func:`~sayso.analysis.needs_source.vouches`):

- those outside every gold attribution are claims: they need a source;
- those whose gold content covers at least half of them are reports (the annotators attributed
  them; flagging them is a false flag);
- the rest are left out of the training, but count in the figures below;
- and each gold ``SOURCE said CONTENT`` attribution of the strip benchmark's shape
  (:func:`~sayso.evaluation.flags.strip_attribution`), cut out and checked again, gives the
  statements that then hold its content: cut contents, which need a source too.

Two logistic models are trained on the same features: claims and cut contents against reports
(the claim model), cut contents alone against reports (the cut model). One model learns mostly
the claims, seven to one, and cut contents read like the reports they were; on PolNeAR train
(rule analyzer, out of fold) a cut model beside it took strip recall at 10% false flags from 71%
to 77.5%. A claim model of claims alone does as well on both figures, but its threshold then
rises and it flags fewer claims no one attributed (docs/flags.md).

The thresholds are chosen on the same folds: the models are trained on all folds but one and
score the one left out, and on those out-of-fold scores the pair of thresholds is the one whose
false-flag rate and strip recall both meet the goals (at most 10%, at least 80%) by the widest
margin or, when none meets both, of those keeping to 10% false flags with a strip recall within
a point of their best, the one flagging the most claims no one attributed
(:func:`choose_thresholds`). The weights are then trained on every fold. The model's
``trained`` record (its card) says what it was trained on, with what, and the figures behind the
thresholds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..analysis.needs_source import (
    LEARNING_RATE,
    NeedsSourceModel,
    context,
    declined_by,
    train,
    vouched_for,
)
from ..model import Analysis, Article, Statement
from ..pipeline.engine import Checking
from ..version import __version__
from .brat import CorpusArticle, read_corpus
from .cross_fit import cross_fitted_models, fold_of, shipped_card_digest, shipped_parameters
from .flags import (
    MAX_FALSE_FLAG_RATE,
    MIN_GOLD_COVERAGE,
    MIN_STRIP_RECALL,
    _reports,
    covered_share,
    strip_attribution,
)
from .train import Progress

SEED = 0
PROVENANCE = (
    "Trained on PolNeAR v1.0 (Newell, Margolin & Ruths, 'An Attribution Relations Corpus for "
    "Political News', LREC 2018), train split: political news from seven US publishers, 2016. "
    "PolNeAR publishes no licence file; its articles are used here as research data for "
    "training only. The model holds weights of words and statement features, not the articles' "
    "text."
)
# Strip recalls this close are as alike as retraining the models by itself makes them (about a
# point either way on PolNeAR train, docs/flags.md): between such pairs of
# thresholds, the one flagging more of the claims no one attributed is chosen.
NEAR_BEST = 0.01
THRESHOLDS = tuple(round(step / 100, 2) for step in range(5, 96))


@dataclass(frozen=True)
class Asked:
    """A statement the checker asks the model about, with what the figures need to know."""

    text: str
    where: tuple[str, ...]
    fold: int
    # The share of it the gold contents cover; None for a stripped content.
    coverage: float | None
    # The index of its strip case, for a stripped content.
    case: int | None
    # Whether the checker would call it scene-setting (info) rather than flag it.
    scene_setting: bool

    @property
    def is_report(self) -> bool:
        """The annotators attributed it: flagging it is a false flag."""
        return self.coverage is not None and self.coverage >= MIN_GOLD_COVERAGE

    @property
    def label(self) -> bool | None:
        """For the claim model: outside every gold attribution or a cut content (True), a report
        (False), or left out (None: partly attributed)."""
        if self.case is not None:
            return True
        return True if self.coverage == 0.0 else (False if self.is_report else None)

    @property
    def cut_label(self) -> bool | None:
        """For the cut model: a cut content (True), a report (False), or left out (None)."""
        return True if self.case is not None else (False if self.is_report else None)


@dataclass
class Collected:
    asked: list[Asked]
    # The strip cases of each fold, whether or not the checker asked about them.
    cases_by_fold: dict[int, int]
    articles: int


def asked_statements(
    analysis: Analysis, coverage: Callable[[Statement], float | None]
) -> Iterator[tuple[Statement, str, tuple[str, ...], bool]]:
    """The statements the ``unattributed`` checker would ask the model about, as (statement,
    text, context, scene-setting)."""
    from sayso.plugins.unattributed import needs_source

    asks_always = NeedsSourceModel({}, threshold=0.0)
    for statement in analysis.statements:
        if not statement.is_claim:
            continue
        if vouched_for(statement, analysis):
            continue
        if declined_by(statement, analysis) is not None:
            continue
        kind, _ = needs_source(statement, analysis, asks_always)
        if kind == "not-a-claim":
            continue
        yield statement, statement.text.strip(), context(statement, analysis), kind != "claim"


def collect(
    corpus_dir: Path,
    analyzer: str,
    folds: int,
    work_dir: Path,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
) -> Collected:
    """Every asked statement of the corpus and of its strip cases, as the analyzer leaves them
    (the tagger cross-fitted: each fold checked by a tagger trained on the others)."""
    if analyzer == "tagger":
        plan = [
            (articles, Checking.prepare(analyzer="tagger", analyzer_options={"model": str(model)}))
            for articles, model in cross_fitted_models(corpus_dir, work_dir, folds, progress, log)
        ]
    else:
        corpus = read_corpus(corpus_dir)
        checking = Checking.prepare(analyzer=analyzer)
        plan = [
            ([a for a in corpus.articles if fold_of(a.name, folds) == fold], checking)
            for fold in range(folds)
        ]
    collected = Collected([], {}, 0)
    total = sum(len(articles) for articles, _ in plan)
    for articles, checking in plan:
        for article in articles:
            _collect_article(article, checking, fold_of(article.name, folds), collected)
            collected.articles += 1
            if progress is not None:
                progress("checking", collected.articles, total)
    return collected


def _collect_article(
    article: CorpusArticle, checking: Checking, fold: int, collected: Collected
) -> None:
    contents = [fragment for gold in article.gold for fragment in gold.content]
    [report] = _reports([Article(text=article.text, path=str(article.text_path))], checking)
    for statement, text, where, scene in asked_statements(report.analysis, lambda s: None):
        share = covered_share(article.text, statement.start, statement.end, contents)
        collected.asked.append(Asked(text, where, fold, share, None, scene))
    cases = [
        stripped
        for gold in article.gold
        if (stripped := strip_attribution(article.text, gold)) is not None
    ]
    changed = [Article(text=case.text, path=str(article.text_path)) for case in cases]
    for case, stripped_report in zip(cases, _reports(changed, checking), strict=True):
        number = sum(collected.cases_by_fold.values())
        collected.cases_by_fold[fold] = collected.cases_by_fold.get(fold, 0) + 1
        for statement, text, where, scene in asked_statements(
            stripped_report.analysis, lambda s: None
        ):
            if statement.start < case.content_end and case.content_start < statement.end:
                collected.asked.append(Asked(text, where, fold, None, number, scene))


Probabilities = list[tuple[float, float]]
"""Each asked statement's probabilities by the claim model and by the cut model."""


def figures(
    asked: list[Asked],
    probabilities: Probabilities,
    cases: int,
    threshold: float,
    cut_threshold: float,
) -> dict[str, float]:
    """The false-flag rate and strip recall the checker would have at the two thresholds."""
    [found] = (
        found
        for found in sweep(asked, probabilities, cases, (threshold,), (cut_threshold,))
        if found["cut_threshold"] == cut_threshold
    )
    return found


def sweep(
    asked: list[Asked],
    probabilities: Probabilities,
    cases: int,
    thresholds: tuple[float, ...] = THRESHOLDS,
    cut_thresholds: tuple[float, ...] = THRESHOLDS,
) -> Iterator[dict[str, float]]:
    """The figures at every pair of thresholds: for each claim threshold, the statements it
    leaves are added in falling order of the cut model's probability, so each pair costs no
    pass of its own."""
    flaggable = sorted(
        (
            (cut, claim, statement)
            for statement, (claim, cut) in zip(asked, probabilities, strict=True)
            if not statement.scene_setting
        ),
        key=lambda item: -item[0],
    )
    for threshold in thresholds:
        counts = _Counts()
        rest = []
        for cut, claim, statement in flaggable:
            if claim >= threshold:
                counts.add(statement)
            else:
                rest.append((cut, statement))
        added = 0
        for cut_threshold in sorted(cut_thresholds, reverse=True):
            while added < len(rest) and rest[added][0] >= cut_threshold:
                counts.add(rest[added][1])
                added += 1
            yield {
                "threshold": threshold,
                "cut_threshold": cut_threshold,
                "flags": counts.flags,
                "claims_flagged": counts.claims,
                "false_flag_rate": round(counts.false / counts.flags, 4) if counts.flags else 0.0,
                "strip_recall": round(len(counts.cases) / cases, 4) if cases else 0.0,
            }


@dataclass
class _Counts:
    flags: int = 0
    false: int = 0
    # Flags on statements outside every gold attribution.
    claims: int = 0
    cases: set[int] = field(default_factory=set)

    def add(self, statement: Asked) -> None:
        if statement.case is not None:
            self.cases.add(statement.case)
        else:
            self.flags += 1
            self.false += statement.is_report
            self.claims += statement.coverage == 0.0


def choose_thresholds(
    asked: list[Asked], probabilities: Probabilities, cases: int
) -> dict[str, float]:
    """The two thresholds, with their figures: of the pairs meeting both goals, the one meeting
    them by the widest margin; failing that, of the pairs whose false-flag rate meets its goal (a
    wrong warning costs an editor's trust more than a missed one) and whose strip recall is
    within ``NEAR_BEST`` of the best of them, the one flagging the most claims no annotator
    attributed; failing that, the one with the fewest false flags."""
    tried = list(sweep(asked, probabilities, cases))

    def margin(found: dict[str, float]) -> float:
        return min(
            (MAX_FALSE_FLAG_RATE - found["false_flag_rate"]) / MAX_FALSE_FLAG_RATE,
            (found["strip_recall"] - MIN_STRIP_RECALL) / (1 - MIN_STRIP_RECALL),
        )

    both = [found for found in tried if margin(found) >= 0]
    if both:
        return max(both, key=margin)
    precise = [found for found in tried if found["false_flag_rate"] <= MAX_FALSE_FLAG_RATE]
    if precise:
        best = max(found["strip_recall"] for found in precise)
        near = [found for found in precise if found["strip_recall"] >= best - NEAR_BEST - 1e-9]
        return max(
            near,
            key=lambda found: (
                found["claims_flagged"],
                found["strip_recall"],
                -found["threshold"],
                -found["cut_threshold"],
            ),
        )
    return min(
        tried,
        key=lambda found: (found["false_flag_rate"], found["threshold"], found["cut_threshold"]),
    )


def out_of_fold(
    asked: list[Asked], folds: int, learning_rate: float = LEARNING_RATE, short_quotes: bool = False
) -> Probabilities:
    """Each asked statement's probabilities by models trained on the other folds."""
    probabilities = [(0.0, 0.0)] * len(asked)
    for fold in range(folds):
        others = [statement for statement in asked if statement.fold != fold]
        model = _model(others, learning_rate, short_quotes)
        for index, statement in enumerate(asked):
            if statement.fold == fold:
                probabilities[index] = model.probabilities(statement.text, statement.where)
    return probabilities


def _model(asked: list[Asked], learning_rate: float, short_quotes: bool) -> NeedsSourceModel:
    """Both models trained on ``asked`` (thresholds left to :func:`choose_thresholds`)."""
    return NeedsSourceModel(
        train(_examples(asked, "label"), rate=learning_rate, seed=SEED, short_quotes=short_quotes),
        cut_weights=train(
            _examples(asked, "cut_label"), rate=learning_rate, seed=SEED, short_quotes=short_quotes
        ),
        short_quotes=short_quotes,
    )


def _examples(asked: list[Asked], label: str) -> list[tuple[str, tuple[str, ...], bool]]:
    return [
        (statement.text, statement.where, labelled)
        for statement in asked
        if (labelled := getattr(statement, label)) is not None
    ]


def train_needs_source(
    corpus_dir: Path,
    analyzer: str = "tagger",
    folds: int = 3,
    work_dir: Path | None = None,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
    learning_rate: float = LEARNING_RATE,
    short_quotes: bool = False,
) -> NeedsSourceModel:
    """The needs-a-source model for ``analyzer``, trained on ``corpus_dir`` (module docs); with
    ``short_quotes``, short quotations are a feature of their own (:func:`features`)."""
    work_dir = work_dir or Path(".sayso-training")
    collected = collect(corpus_dir, analyzer, folds, work_dir, progress, log)
    asked = collected.asked
    probabilities = out_of_fold(asked, folds, learning_rate, short_quotes)
    cases = sum(collected.cases_by_fold.values())
    chosen = choose_thresholds(asked, probabilities, cases)
    model = _model(asked, learning_rate, short_quotes)
    labelled = _examples(asked, "label")
    trained: dict[str, Any] = {
        "corpus": f"{corpus_dir.parent.name}/{corpus_dir.name}",
        "analyzer": analyzer,
        "cross_fitted_tagger": (
            {"folds": folds, "tagger_card_sha256": shipped_card_digest(), **shipped_parameters()}
            if analyzer == "tagger"
            else None
        ),
        "articles": collected.articles,
        "reports": sum(1 for _, _, label in labelled if not label),
        "claims": sum(1 for statement in asked if statement.case is None and statement.label),
        "cut_contents": sum(1 for statement in asked if statement.case is not None),
        "strip_cases": cases,
        "features": len(model.weights),
        "cut_features": len(model.cut_weights or {}),
        "learning_rate": learning_rate,
        "seed": SEED,
        "threshold_chosen_out_of_fold": chosen,
        "sayso_version": __version__,
        "command": "python benchmarks/flags_polnear.py --train-needs-source"
        + ("" if analyzer == "tagger" else f" --analyzer {analyzer}")
        + ("" if folds == 3 else f" --folds {folds}")
        + ("" if learning_rate == LEARNING_RATE else f" --learning-rate {learning_rate}")
        + (" --short-quotes" if short_quotes else ""),
        "provenance": PROVENANCE,
    }
    model.threshold = chosen["threshold"]
    model.cut_threshold = chosen["cut_threshold"]
    model.trained = trained
    return model
