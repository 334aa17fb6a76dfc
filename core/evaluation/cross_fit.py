"""Cross-fitted tagger models: each article analysed by a tagger that never saw it.

A model trained on a corpus finds almost every attribution of that corpus (PolNeAR train: 1.3%
false flags with the shipped tagger, 10% on dev), so its output on its own training articles
says nothing about the mistakes it makes on new news. Whatever learns from those mistakes (the
needs-a-source model, :mod:`sayso.evaluation.needs_source_training`) learns from cross-fitted
output instead: the corpus is cut into ``folds`` parts by article name, a tagger is trained on
all parts but one with the shipped model's parameters (from every annotator's files of those
parts when the shipped model learnt so), and the part left out is analysed by it.

Fold models are kept in a work directory, named by what they depend on (fold, number of folds,
the shipped model's card and feature version, the sayso version, the articles), so a second run
with the same tagger trains nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..analysis.tagger import CARD_FILE, FEATURES_VERSION, MODEL_FILE, SHIPPED_MODEL
from ..errors import InputError
from ..version import __version__
from .brat import CorpusArticle, read_corpus
from .train import Progress, train

FoldModel = tuple[list[CorpusArticle], Path]
"""The articles of one fold, and the tagger model that was trained without them."""


def fold_of(name: str, folds: int) -> int:
    """The fold an article belongs to: from its name alone, so adding articles moves none."""
    return int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16) % folds


def shipped_parameters() -> dict[str, Any]:
    """The training parameters of the shipped tagger (its card), which fold models reuse."""
    card = json.loads((SHIPPED_MODEL / CARD_FILE).read_text(encoding="utf-8"))
    parameters = dict(card.get("parameters", {}))
    keys = ("c1", "c2", "max_iterations", "feature.minfreq", "labels", "seed", "annotators")
    return {key: parameters[key] for key in keys if key in parameters}


def shipped_card_digest() -> str:
    """The shipped tagger's identity: the SHA-256 of its card (which its training rewrites)."""
    return hashlib.sha256((SHIPPED_MODEL / CARD_FILE).read_bytes()).hexdigest()


def cross_fitted_models(
    corpus_dir: Path,
    work_dir: Path,
    folds: int = 3,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
) -> list[FoldModel]:
    """For each fold of the corpus, its articles and a tagger trained on the other folds."""
    corpus = read_corpus(corpus_dir)
    parameters = shipped_parameters()
    # Cards from before `sayso train --annotators` learnt from the first annotator's files.
    every_annotator = parameters.get("annotators") == "every"
    annotated = read_corpus(corpus_dir, every_annotator) if every_annotator else corpus
    # A new shipped tagger (its card), new feature code or other articles: new fold models.
    key = json.dumps(
        {
            "folds": folds,
            "features": FEATURES_VERSION,
            "sayso": __version__,
            "shipped_card": shipped_card_digest(),
            "articles": [article.name for article in corpus.articles],
            **parameters,
        },
        sort_keys=True,
    )
    tag = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
    by_fold: list[list[CorpusArticle]] = [[] for _ in range(folds)]
    for article in corpus.articles:
        by_fold[fold_of(article.name, folds)].append(article)
    made: list[FoldModel] = []
    for fold, held_out in enumerate(by_fold):
        if not held_out:
            continue
        if len(held_out) == len(corpus.articles):
            raise InputError(f"{corpus_dir}: too few articles for {folds} folds")
        model_dir = work_dir / f"tagger-{tag}-fold{fold}of{folds}"
        if not (model_dir / MODEL_FILE).is_file() or not (model_dir / CARD_FILE).is_file():
            if log is not None:
                log(f"training the tagger of fold {fold + 1} of {folds} into {model_dir}")
            left_out = {article.name for article in held_out}
            others = [article for article in annotated.articles if article.name not in left_out]
            fold_corpus = _linked_corpus(work_dir / f"corpus-{tag}-fold{fold}of{folds}", others)
            train(
                fold_corpus,
                model_dir,
                iterations=parameters.get("max_iterations", 100),
                c1=parameters.get("c1", 0.3),
                c2=parameters.get("c2", 0.01),
                min_frequency=parameters.get("feature.minfreq", 1),
                labels=parameters.get("labels", "BIO"),
                seed=parameters.get("seed", 0),
                progress=progress,
                every_annotator=every_annotator,
            )
        made.append((held_out, model_dir))
    return made


def _linked_corpus(where: Path, articles: list[CorpusArticle]) -> Path:
    """A corpus directory of links to ``articles``' text and annotation files."""
    for folder in ("text", "attributions"):
        (where / folder).mkdir(parents=True, exist_ok=True)
    for article in articles:
        for source, folder in (
            (article.text_path, "text"),
            (article.annotation_path, "attributions"),
        ):
            link = where / folder / source.name
            if not link.exists():
                link.symlink_to(source.resolve())
    return where
