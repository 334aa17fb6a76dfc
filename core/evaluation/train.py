"""``sayso train``: a tagger model from a brat corpus laid out as PolNeAR is.

The corpus is read as ``sayso eval`` reads it (:mod:`sayso.brat`); each article goes through the
rule analyzer (whose output the tagger stacks on), is cut into tokens (or the words of its
CoNLL-U parse, with ``parse``) and labelled from the gold spans; a linear-chain CRF is trained
with python-crfsuite (L-BFGS with elastic-net regularisation: the L1 part prunes the features
that do not earn their weight, which keeps the model small). The model directory holds
``model.crfsuite`` and ``card.json``, the model card: corpus, counts, features, parameters,
training time, sayso version and, with a dev corpus, its scores there. Training is
deterministic: the same corpus, parameters and seed give the same model.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..analysis.conllu import CONLLU_PATH
from ..analysis.offline import OfflineAnalyzer
from ..analysis.tagger import (
    ATTRIBUTES_FILE,
    CARD_FILE,
    CLUSTERS_FILE,
    CUES_FILE,
    DEFAULT_C1,
    DEFAULT_C2,
    DEFAULT_ITERATIONS,
    DEFAULT_LABELS,
    FEATURES_VERSION,
    LABEL_SCHEMES,
    MODEL_FILE,
    Featurizer,
    TaggerAnalyzer,
    Tokens,
    article_tokens,
    as_bilou,
    attribution_roles,
    read_conllu_parses,
    role_labels,
    write_clusters,
)
from ..errors import InputError
from ..lexicon import Lexicon
from ..model import Article
from ..version import __version__
from .brat import CorpusArticle, read_corpus
from .clusters import COARSE, FINE, MIN_COUNT, learn_clusters
from .evaluate import Score, evaluate

Progress = Callable[[str, int, int], None]
"""Called with (stage, done, total) while preparing the data and training."""

PROVENANCE = (
    "Trained on PolNeAR v1.0 (Newell, Margolin & Ruths, 'An Attribution Relations Corpus for "
    "Political News', LREC 2018), train split: political news from seven US publishers, 2016. "
    "PolNeAR publishes no licence file; its articles are used here as research data for "
    "training only. The model holds feature weights (words, shapes, word endings and their "
    "label weights), not the articles' text."
)


@dataclass
class TrainingData:
    sequences: list[tuple[list[list[bytes]], list[str]]]
    articles: int
    # Annotation files read: more than the articles where an article has several annotators.
    annotations: int
    tokens: int
    attributions: int
    skipped: list[str]
    learned_cues: dict[str, float]
    clusters: dict[str, tuple[int, int]]


def training_data(
    corpus_dir: Path,
    lexicon: Lexicon,
    parse: bool,
    progress: Progress | None = None,
    workers: int = 1,
    every_annotator: bool = True,
) -> TrainingData:
    """Every paragraph of the corpus as (token features, gold labels), and the cue words the
    corpus teaches: an article annotated by several annotators once per annotator (or, without
    ``every_annotator``, once with the first's annotations, the gold ``sayso eval`` scores by).

    With ``workers`` above one, the articles are read (parse, rule analyzer, tokens, labels) in
    that many forked processes, in order: the data are the same either way."""
    corpus = read_corpus(corpus_dir, every_annotator)
    skipped = list(corpus.warnings)
    jobs: list[tuple[CorpusArticle, Path | None]] = []
    for corpus_article in corpus.articles:
        path = corpus.path / "conllu" / f"{corpus_article.name}.conllu" if parse else None
        if path is not None and not path.is_file():
            skipped.append(f"{corpus_article.name}: no conllu/{path.name}, skipped")
            continue
        jobs.append((corpus_article, path))
    articles: list[_ReadArticle] = []
    if workers > 1 and len(jobs) > 1:
        from ..pipeline.workers import forked_pool

        if parse:
            # Imported once here, not once in each worker (stanza brings torch: seconds).
            import stanza.utils.conll  # noqa: F401

        with forked_pool(workers, _start_reader, (lexicon,)) as pool:
            for read in pool.imap(_read_in_worker, jobs, chunksize=READ_CHUNK):
                articles.append(read)
                if progress is not None:
                    progress("reading", len(articles), len(jobs))
    else:
        reader = _ArticleReader(lexicon)
        for job in jobs:
            articles.append(reader.read(*job))
            if progress is not None:
                progress("reading", len(articles), len(jobs))
    if not articles:
        raise InputError(f"{corpus_dir}: no article to train on")
    learned = _cue_word_shares(articles)
    if progress is not None:
        progress("learning word clusters", 0, 1)
    clusters = learn_clusters(
        read.tokens.words[paragraph.start : paragraph.stop]
        for read in articles
        for paragraph in read.tokens.paragraphs
    )
    if progress is not None:
        progress("learning word clusters", 1, 1)
    featurizer = Featurizer(lexicon, learned_cues=learned, clusters=clusters)
    sequences = []
    for read in articles:
        features = featurizer.article_features(read.tokens, read.sentence_starts, read.rules)
        for paragraph, items in zip(read.tokens.paragraphs, features, strict=True):
            if items:
                sequences.append((items, read.labels[paragraph.start : paragraph.stop]))
    tokens_seen = sum(len(read.tokens.starts) for read in articles)
    attributions = sum(read.attributions for read in articles)
    return TrainingData(
        sequences,
        len({job[0].name for job in jobs}),
        len(articles),
        tokens_seen,
        attributions,
        skipped,
        learned,
        clusters,
    )


# Articles a reading worker takes at a time: few enough that the two workers finish together.
READ_CHUNK = 4


@dataclass
class _ReadArticle:
    """An article as training reads it: its tokens, their gold and rule labels, its sentences."""

    tokens: Tokens
    labels: list[str]
    rules: list[str]
    sentence_starts: list[int]
    attributions: int


class _ArticleReader:
    """Reads one article at a time: its parse (with a CoNLL-U path), the rule analyzer's
    output, its tokens and their labels."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.rules = OfflineAnalyzer()
        self.plain = Featurizer(lexicon)

    def read(self, corpus_article: CorpusArticle, conllu: Path | None) -> _ReadArticle:
        lexicon = self.lexicon
        article = Article(corpus_article.text, path=str(corpus_article.text_path))
        doc = None
        if conllu is not None:
            article.metadata[CONLLU_PATH] = str(conllu)
            doc = read_conllu_parses([article])[0]
        analysis = self.rules.analyze([article], lexicon)[0]
        tokens = article_tokens(article.text, analysis, doc, self.plain, lexicon)
        gold: list[tuple[str, list[tuple[int, int]]]] = []
        for attribution in corpus_article.gold:
            gold += [("S", list(attribution.source)), ("C", list(attribution.cue))]
            gold.append(("Q", list(attribution.content)))
        return _ReadArticle(
            tokens,
            role_labels(tokens, gold),
            role_labels(tokens, attribution_roles(analysis.attributions)),
            [statement.start for statement in analysis.statements],
            len(corpus_article.gold),
        )


# In a reading worker only: its reader, made once per process by ``_start_reader``.
_reader: _ArticleReader | None = None


def _start_reader(lexicon: Lexicon) -> None:
    global _reader
    _reader = _ArticleReader(lexicon)


def _read_in_worker(job: tuple[CorpusArticle, Path | None]) -> _ReadArticle:
    assert _reader is not None, "reading worker started without a reader"
    return _reader.read(*job)


# A word is a learned cue word when the corpus has it in a cue at least this often, and in at
# least this share of its occurrences.
MIN_CUE_COUNT = 3
MIN_CUE_SHARE = 0.1


def _cue_word_shares(articles: list[_ReadArticle]) -> dict[str, float]:
    """Words the annotators mark as (part of) a cue often: "blamed", "disputes", "opponent".

    The tagger's feature, from its token labels; not :func:`sayso.evaluation.flags.learn_cue_words`,
    which lists cue-like words from brat spans for the needs-a-source rules."""
    seen: Counter[str] = Counter()
    as_cue: Counter[str] = Counter()
    for read in articles:
        for word, label in zip(read.tokens.words, read.labels, strict=True):
            lower = word.lower()
            seen[lower] += 1
            if label.endswith("-C"):
                as_cue[lower] += 1
    return {
        word: round(count / seen[word], 3)
        for word, count in sorted(as_cue.items())
        if count >= MIN_CUE_COUNT and count / seen[word] >= MIN_CUE_SHARE and word.isalpha()
    }


def train(
    corpus_dir: Path,
    out: Path,
    *,
    dev: Path | None = None,
    parse: bool = False,
    iterations: int = DEFAULT_ITERATIONS,
    c1: float = DEFAULT_C1,
    c2: float = DEFAULT_C2,
    min_frequency: int = 1,
    labels: str = DEFAULT_LABELS,
    seed: int = 0,
    progress: Progress | None = None,
    workers: int = 1,
    every_annotator: bool = True,
) -> dict[str, Any]:
    """Train a tagger on ``corpus_dir`` and write it with its card into ``out``; return the card.

    With ``dev``, the model is then measured there (``sayso eval``'s span and relation scores).
    ``parse`` trains on the CoNLL-U parses in ``conllu/`` (the model then needs a parse:
    ``tagger-conllu``). ``labels`` is the label scheme (BIO or BILOU, :data:`LABEL_SCHEMES`).
    ``seed`` fixes the order sequences are fed in. ``workers`` processes read the corpus (the
    model is the same whatever their number). ``every_annotator`` learns from every annotation
    file of an article (PolNeAR has six for 16 train articles), not the first alone.
    """
    import pycrfsuite

    if labels not in LABEL_SCHEMES:
        raise InputError(f"no label scheme {labels!r} (one of {', '.join(LABEL_SCHEMES)})")

    began = time.perf_counter()
    lexicon = Lexicon.default()
    data = training_data(Path(corpus_dir), lexicon, parse, progress, workers, every_annotator)
    random.Random(seed).shuffle(data.sequences)
    trainer = _Trainer(iterations, progress)
    relabel = as_bilou if labels == "BILOU" else list
    for items, gold in data.sequences:
        trainer.append(items, relabel(gold))
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": iterations,
            "feature.minfreq": min_frequency,
            "feature.possible_transitions": True,
        }
    )
    out.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out / MODEL_FILE))
    tagger = pycrfsuite.Tagger()
    tagger.open(str(out / MODEL_FILE))
    info = tagger.info()
    card: dict[str, Any] = {
        "sayso_version": __version__,
        "features_version": FEATURES_VERSION,
        "corpus": str(corpus_dir),
        "parse": "conllu" if parse else None,
        "articles": data.articles,
        "annotations": data.annotations,
        "paragraphs": len(data.sequences),
        "tokens": data.tokens,
        "attributions": data.attributions,
        "labels": list(LABEL_SCHEMES[labels]),
        "algorithm": "crfsuite lbfgs",
        "parameters": {
            "c1": c1,
            "c2": c2,
            "max_iterations": iterations,
            "feature.minfreq": min_frequency,
            "labels": labels,
            "seed": seed,
            "annotators": "every" if every_annotator else "first",
        },
        "attributes": len({attribute for attribute, _ in info.state_features}),
        "state_features": len(info.state_features),
        "model_bytes": (out / MODEL_FILE).stat().st_size,
        "training_seconds": round(time.perf_counter() - began, 1),
        "features": FEATURE_DESCRIPTION,
        "provenance": PROVENANCE,
        "skipped": data.skipped,
    }
    tagger.close()
    attributes = sorted({attribute for attribute, _ in info.state_features})
    (out / ATTRIBUTES_FILE).write_text("\n".join(attributes) + "\n", encoding="utf-8")
    (out / CUES_FILE).write_text(json.dumps(data.learned_cues, indent=0) + "\n", encoding="utf-8")
    card["learned_cue_words"] = len(data.learned_cues)
    write_clusters(out / CLUSTERS_FILE, data.clusters)
    card["word_clusters"] = len(data.clusters)
    _write_card(out, card)
    if dev is not None:
        card["dev"] = dev_scores(Path(dev), out, parse, progress)
        _write_card(out, card)
    return card


FEATURE_DESCRIPTION = (
    "word, shape, last 3 letters, crude stem, cue word (the lexicon's, or learned from the"
    " corpus, with how often it is a cue there) and its lemma, anonymous noun, title, pronoun;"
    " word clusters (coarse and fine, learned from the corpus text); words at -2..+2, shapes and"
    " coarse clusters at -1 and +1, cue-word flags at -3..+3; inside a quotation, after a"
    " quotation closed in its sentence, before one opening in it; first or last of its sentence,"
    " first of its paragraph, sentence of the paragraph (0, 1, 2+); distance to the nearest cue"
    " word left and right in the sentence; a speaker's label and its colon opening a paragraph;"
    " the rule analyzer's label of the token and its neighbours, and for a cue word that label"
    " with its cue share and whether it is quoted; with a parse: part of speech, relation,"
    " lemma, the relations of its subject, object and clause dependents, head lemma and part of"
    " speech, relation under the nearest cue-verb ancestor and its distance, and the"
    " parse-based rules' label of the token and its neighbours"
)


def dev_scores(
    dev: Path, model: Path, parse: bool, progress: Progress | None = None
) -> dict[str, Any]:
    """``sayso eval``'s figures for the model on ``dev``."""
    analyzer = TaggerAnalyzer(
        model,
        parses=read_conllu_parses if parse else None,
        name="tagger-conllu" if parse else "tagger",
    )

    def advance(done: int, total: int) -> None:
        if progress is not None:
            progress("measuring on dev", done, total)

    result = evaluate(dev, analyzer, progress=advance)
    return {
        "corpus": str(dev),
        "articles": len(result.articles),
        "spans": {
            role: {match: score.as_dict() for match, score in by_match.items()}
            for role, by_match in result.spans.items()
        },
        "relations": result.relations.as_dict(),
    }


def _write_card(out: Path, card: dict[str, Any]) -> None:
    (out / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    (out / "README.md").write_text(card_markdown(card), encoding="utf-8")


def _annotations(card: dict[str, Any]) -> str:
    """How many annotation files the articles had, where that is more than one each (the
    paragraphs, tokens and attributions are counted once per file)."""
    annotations = card.get("annotations", card["articles"])
    return f" ({annotations} annotation files)" if annotations != card["articles"] else ""


def card_markdown(card: dict[str, Any]) -> str:
    """The model card for people: what the model is, what it learned from, how well it does."""
    parameters = ", ".join(f"{key} {value}" for key, value in card["parameters"].items())
    lines = [
        "# sayso tagger model",
        "",
        f"A linear-chain CRF (python-crfsuite, {card['algorithm']}) tagging tokens as source,"
        " cue or content of attributions, for sayso's `tagger` analyzers. Made by `sayso train`"
        f" (sayso {card['sayso_version']}, features version {card['features_version']}).",
        "",
        "## Training data",
        "",
        f"- corpus: `{card['corpus']}`; {card['articles']} articles{_annotations(card)},"
        f" {card['paragraphs']:,} paragraphs, {card['tokens']:,} tokens,"
        f" {card['attributions']:,} attributions",
        f"- parse features: {card['parse'] or 'none'}",
        f"- provenance: {card['provenance']}",
        "",
        "## Model",
        "",
        f"- features: {card['features']}",
        f"- learned cue words: {card.get('learned_cue_words', 0)}",
        f"- word clusters: {card.get('word_clusters', 0):,} words in `{CLUSTERS_FILE}`, learned"
        f" from the training corpus's own text (no other data): each word seen {MIN_COUNT} times"
        f" or more, by its neighbours one and two words away, k-means into {COARSE} and {FINE}"
        " groups",
        f"- parameters: {parameters}",
        f"- {card['attributes']:,} attributes and {card['state_features']:,} state features"
        f" kept; {card['model_bytes'] / 1e6:.1f} MB; trained in {card['training_seconds']:.0f} s",
    ]
    if "dev" in card:
        dev = card["dev"]
        lines += [
            "",
            f"## Scores on `{dev['corpus']}` ({dev['articles']} articles, `sayso eval`)",
            "",
            "| role | exact P / R / F1 | begin-match F1 |",
            "|---|---|---|",
        ]
        for role, by_match in dev["spans"].items():
            exact = _score(by_match["exact"])
            lines.append(
                f"| {role} | {100 * exact.precision:.1f} / {100 * exact.recall:.1f} / "
                f"{100 * exact.f1:.1f} | {100 * _score(by_match['begin']).f1:.1f} |"
            )
        relations = _score(dev["relations"])
        lines.append(f"| relation (cue overlap) | | {100 * relations.f1:.1f} |")
    return "\n".join(lines) + "\n"


def _score(figures: dict[str, Any]) -> Score:
    # From the counts, not the stored ratios: those are rounded to four digits, and rounding
    # them again to one decimal can differ from what `sayso eval` prints (80.45 -> 80.5 for 80.448).
    return Score(
        predicted=figures["predicted"],
        gold=figures["gold"],
        matched_predicted=figures["matched_predicted"],
        matched_gold=figures["matched_gold"],
    )


class _Trainer:
    """python-crfsuite's trainer, reporting its iterations to ``progress``."""

    def __init__(self, iterations: int, progress: Progress | None) -> None:
        import pycrfsuite

        iteration = re.compile(r"\*+ Iteration #(\d+) \*+")

        class Trainer(pycrfsuite.Trainer):
            def message(self, log: str) -> None:
                found = iteration.search(log)
                if found and progress is not None:
                    progress("training", int(found.group(1)), iterations)

        self._trainer = Trainer(verbose=False, algorithm="lbfgs")

    def append(self, items: list[list[bytes]], labels: list[str]) -> None:
        self._trainer.append(items, labels)

    def set_params(self, params: dict[str, Any]) -> None:
        self._trainer.set_params(params)

    def train(self, path: str) -> None:
        self._trainer.train(path)
