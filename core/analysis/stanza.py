"""The parse-based analyzer running stanza's English models (tokenize … depparse, ner).

stanza (and torch with it) is imported only when the pipeline is first needed. The pipeline never
downloads anything: a missing model is reported as :class:`~sayso.errors.ModelMissingError`, or,
for a processor sayso can do without, as a :class:`~sayso.errors.ModelWarning` saying what is done
without it.

How stanza's analysis meets sayso's statement model (see docs/stanza.md):

* each paragraph (a line of the article) goes to stanza as a document of its own, all of a batch's
  paragraphs in one pipeline call, so a sentence never runs across two paragraphs;
* the text stanza sees has typographic apostrophes replaced one for one by ASCII ones (its English
  models were trained on ASCII text; "Korea’s" otherwise comes apart letter by letter), so every
  offset stanza gives is an offset into the article;
* statements are stanza's sentences, with datelines split off as sayso's segmenter does.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import ModelMissingError, ModelWarning
from ..hookspecs import hookimpl
from ..lexicon import Lexicon
from ..model import Analysis, AnalyzerFactory, Article
from .dependency import ParsedText, build_analysis, parse_paragraphs
from .segment import link_statements, split_paragraphs
from .stanza_models import (
    DOWNLOAD_COMMAND,
    LANGUAGE,
    ModelFile,
    missing_models,
    model_status,
    models_identity,
    resources_dir,
)

DEFAULT_PROCESSORS = "tokenize,mwt,pos,lemma,depparse,ner"
# What each processor needs before it (stanza's own requirements, for English).
REQUIRES = {
    "tokenize": (),
    "mwt": ("tokenize",),
    "pos": ("tokenize",),
    "lemma": ("tokenize", "pos"),
    "depparse": ("tokenize", "pos", "lemma"),
    "ner": ("tokenize",),
}
# Without these there is nothing to analyze: stanza's English package always adds mwt.
REQUIRED = ("tokenize", "mwt")
# Apostrophes stanza's English models never saw, each replaced by one character: offsets hold.
MODEL_TEXT = str.maketrans({"’": "'", "ʼ": "'", "＇": "'", "`": "'"})
# The same seed on every load: a model that leaves anything to chance does the same every run.
SEED = 1234
# Sentences per batch for the neural processors; stanza's default for some is smaller.
BATCH_SIZE = 5000

State = Literal["loaded", "dictionary only", "missing", "incomplete", "not loaded"]


@dataclass(frozen=True)
class ProcessorState:
    """What became of one processor when the pipeline was loaded, and what that means."""

    processor: str
    state: State
    # For anything but "loaded": why, and what sayso does instead.
    note: str = ""

    @property
    def usable(self) -> bool:
        return self.state in ("loaded", "dictionary only")


@dataclass
class LoadedPipeline:
    """A stanza pipeline and the state of each processor sayso asked for."""

    nlp: Any
    states: list[ProcessorState]

    def has(self, processor: str) -> bool:
        return any(s.processor == processor and s.usable for s in self.states)

    @property
    def notes(self) -> list[str]:
        return [f"{s.processor}: {s.note}" for s in self.states if s.note]


# What the analyzer does without a processor, said once when the pipeline loads.
WITHOUT = {
    "tokenize": "the stanza analyzer cannot run without it",
    "mwt": "the stanza analyzer cannot run without it (stanza's English pipeline needs it)",
    "pos": "no parse; attributions come from sayso's rules (the offline analyzer)",
    "lemma": "no lemmas for the parse rules to find cue verbs by; attributions come from sayso's "
    "rules (the offline analyzer)",
    "depparse": "no parse; attributions come from sayso's rules (the offline analyzer)",
    "ner": "named entities come from sayso's rules (capitalised names)",
}


def load_pipeline(
    stanza_dir: str | None = None,
    processors: str = DEFAULT_PROCESSORS,
    device: str = "cpu",
    threads: int | None = None,
) -> LoadedPipeline:
    """Load stanza's pipeline with the processors whose models are installed and whole.

    A missing tokenize or mwt model raises :class:`ModelMissingError`; any other processor that is
    missing (or that its requirements take down) is left out, and its state says what the analyzer
    does without it. A model file whose weights don't fill the model stanza builds for it (a file
    from another stanza version) is "incomplete": an mwt model runs from its dictionary alone, any
    other is left out. ``threads`` fixes torch's thread count (None leaves torch's choice).
    """
    root = resources_dir(stanza_dir)
    wanted = [p.strip() for p in processors.split(",") if p.strip()]
    unknown = [p for p in wanted if p not in REQUIRES]
    if unknown:
        raise ModelMissingError(
            f"unknown stanza processor(s): {', '.join(unknown)}; choose from {', '.join(REQUIRES)}"
        )
    files = model_status(stanza_dir, tuple(wanted))
    states = {p: _file_state(p, files) for p in wanted}
    for processor in REQUIRED:
        if processor in states and states[processor].state == "missing":
            raise ModelMissingError(
                f"stanza's {processor} model is missing in {root} "
                f"({_missing_files(processor, files)}); run `{DOWNLOAD_COMMAND}`"
                + ("" if stanza_dir else " or pass --stanza-dir")
            )
    import torch

    if threads is not None:
        torch.set_num_threads(threads)
    while True:
        _drop_unmet(states)
        chosen = [p for p in wanted if states[p].usable]
        nlp = _build(root, chosen, device)
        newly = []
        for processor in chosen:
            if states[processor].state == "dictionary only":
                nlp.processors[processor].config["dict_only"] = True
                continue
            missing = _missing_weights(nlp, processor)
            if not missing:
                continue
            newly.append(processor)
            detail = f"its model file does not fill stanza's model ({missing})"
            if processor == "tokenize":
                raise ModelMissingError(
                    f"stanza's tokenize model in {root}: {detail}; run `{DOWNLOAD_COMMAND}`"
                )
            if processor == "mwt":
                # stanza reads the file leniently and leaves the missing layers random: its
                # output would change from run to run. Its expansion dictionary is sound.
                nlp.processors["mwt"].config["dict_only"] = True
                states[processor] = ProcessorState(
                    processor,
                    "dictionary only",
                    f"{detail}: multi-word tokens are expanded from its dictionary only "
                    f"(`{DOWNLOAD_COMMAND}` fetches a matching model)",
                )
            else:
                states[processor] = ProcessorState(
                    processor,
                    "incomplete",
                    f"{detail}: {WITHOUT[processor]} (`{DOWNLOAD_COMMAND}` fetches a matching one)",
                )
        if all(p == "mwt" for p in newly):
            return LoadedPipeline(nlp, [states[p] for p in wanted])


_LOADED: dict[tuple[str, str, str, int | None], LoadedPipeline] = {}


def shared_pipeline(
    stanza_dir: str | None = None,
    processors: str = DEFAULT_PROCESSORS,
    device: str = "cpu",
    threads: int | None = None,
) -> LoadedPipeline:
    """:func:`load_pipeline`, loaded once per process for each directory and set of options:
    loading takes seconds, and every check or eval run in a process (a server, a test session)
    would otherwise pay for it again."""
    key = (str(resources_dir(stanza_dir).resolve()), processors, device, threads)
    if key not in _LOADED:
        _LOADED[key] = load_pipeline(stanza_dir, processors, device, threads)
    return _LOADED[key]


def processor_status(
    stanza_dir: str | None = None, processors: str = DEFAULT_PROCESSORS
) -> list[ProcessorState]:
    """The state of each processor after trying to load the pipeline: what ``sayso models
    status`` shows. A pipeline that can't load (no tokenizer) leaves every processor "missing"
    or "not loaded", with the reason."""
    try:
        return shared_pipeline(stanza_dir, processors).states
    except ModelMissingError as error:
        wanted = [p.strip() for p in processors.split(",") if p.strip()]
        files = model_status(stanza_dir, tuple(p for p in wanted if p in REQUIRES))
        states = []
        for processor in wanted:
            state = _file_state(processor, files)
            if state.state != "missing":
                state = ProcessorState(processor, "not loaded", str(error))
            states.append(state)
        return states


def _file_state(processor: str, files: list[ModelFile]) -> ProcessorState:
    if all(f.present for f in files if f.processor == processor):
        return ProcessorState(processor, "loaded")
    return ProcessorState(
        processor,
        "missing",
        f"model missing ({_missing_files(processor, files)}): "
        f"{WITHOUT[processor]} (`{DOWNLOAD_COMMAND}` fetches it)",
    )


def _missing_files(processor: str, files: list[ModelFile]) -> str:
    return ", ".join(str(f.path) for f in files if f.processor == processor and not f.present)


def _drop_unmet(states: dict[str, ProcessorState]) -> None:
    """Leave out processors whose requirements are not there."""
    for processor in REQUIRES:
        if processor not in states or not states[processor].usable:
            continue
        needed = [r for r in REQUIRES[processor] if r in states]
        absent = [r for r in needed if not states[r].usable]
        if absent:
            states[processor] = ProcessorState(
                processor,
                "not loaded",
                f"needs {', '.join(absent)}: {WITHOUT[processor]}",
            )


def _build(root: Any, chosen: list[str], device: str) -> Any:
    import stanza
    import torch

    # Loading initialises layers before the file's weights replace them; seeding makes anything
    # left unfilled the same on every run (and in every worker).
    random.seed(SEED)
    torch.manual_seed(SEED)
    try:
        return stanza.Pipeline(
            LANGUAGE,
            dir=str(root),
            processors=",".join(chosen),
            download_method=None,
            use_gpu=device == "cuda",
            logging_level="ERROR",
            pos_batch_size=BATCH_SIZE,
            depparse_batch_size=BATCH_SIZE,
        )
    except FileNotFoundError as error:
        # LanguageNotDownloadedError, ResourcesFileNotFoundError or a missing model file.
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise ModelMissingError(
            f"stanza model missing in {root}: {first_line}; run `{DOWNLOAD_COMMAND}`"
        ) from error
    except Exception as error:  # a damaged or foreign model file fails in many ways
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise ModelMissingError(
            f"stanza could not load its models from {root} ({first_line}); "
            f"run `{DOWNLOAD_COMMAND}` to fetch sound ones"
        ) from error


def _missing_weights(nlp: Any, processor: str) -> str:
    """Weights the processor's model has that its file did not provide ("" when whole)."""
    import torch

    loaded = nlp.processors.get(processor)
    model = getattr(getattr(loaded, "trainer", None), "model", None)
    path = loaded.config.get("model_path") if loaded is not None else None
    if isinstance(path, list):
        path = path[0] if len(path) == 1 else None
    if model is None or not isinstance(path, str):
        return ""
    saved = torch.load(path, map_location="cpu", weights_only=True).get("model")
    if not isinstance(saved, dict):
        return ""
    # Modules a model deliberately keeps out of its file (pretrained embeddings, charlms).
    unsaved = set(getattr(model, "unsaved_modules", []))
    missing = [
        name
        for name in model.state_dict()
        if name not in saved and name.split(".")[0] not in unsaved
    ]
    return ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")


@hookimpl
def register_analyzers(register: Callable[[AnalyzerFactory], None]) -> None:
    register(
        AnalyzerFactory(
            name="stanza",
            description="stanza's tokenizer, tagger, parser and NER, then rules over the parse "
            "(needs stanza's models: `sayso models download`); --device cuda for a GPU",
            build=StanzaAnalyzer,
            options=("stanza_dir", "device"),
            auto_priority=20,
            unavailable=models_missing,
            models=lambda options: models_identity(options.get("stanza_dir")),
        )
    )


def models_missing(options: dict[str, Any]) -> str | None:
    """Why stanza's pipeline can't run with these options (models not installed), or None."""
    stanza_dir = options.get("stanza_dir")
    if not missing_models(stanza_dir):
        return None
    return (
        f"stanza models not found in {resources_dir(stanza_dir)}; `{DOWNLOAD_COMMAND}` fetches them"
    )


class StanzaAnalyzer:
    name = "stanza"

    def __init__(
        self,
        stanza_dir: str | None = None,
        device: str = "cpu",
        processors: str = DEFAULT_PROCESSORS,
        threads: int | None = None,
    ) -> None:
        self.stanza_dir = stanza_dir
        self.device = device
        self.processors = processors
        self.threads = threads
        self._loaded: LoadedPipeline | None = None

    @property
    def loaded(self) -> LoadedPipeline:
        if self._loaded is None:
            self._loaded = shared_pipeline(
                self.stanza_dir, self.processors, self.device, self.threads
            )
            for note in self._loaded.notes:
                warnings.warn(f"stanza {note}", ModelWarning, stacklevel=2)
        return self._loaded

    @property
    def pipeline(self) -> Any:
        return self.loaded.nlp

    def paragraph_documents(self, articles: list[Article]) -> list[list[tuple[Any, int]]]:
        """Per article, stanza's Document of each paragraph and the paragraph's offset in the
        article, all from one pipeline call."""
        import stanza

        paragraphs = [split_paragraphs(article.text) for article in articles]
        docs = [
            stanza.Document([], text=paragraph.text.translate(MODEL_TEXT))
            for article_paragraphs in paragraphs
            for paragraph in article_paragraphs
        ]
        if docs:
            docs = self.loaded.nlp(docs)
        pieces = []
        position = 0
        for article_paragraphs in paragraphs:
            starts = [paragraph.start for paragraph in article_paragraphs]
            chunk = docs[position : position + len(starts)]
            pieces.append(list(zip(chunk, starts, strict=True)))
            position += len(starts)
        return pieces

    def parse_texts(self, articles: list[Article]) -> list[ParsedText]:
        """Each article's words, sentences and (when the models allow) dependency parse and
        entities, in document-wide indexes."""
        entities = self.loaded.has("ner")
        return [
            parse_paragraphs(pieces, article.text, entities)
            for article, pieces in zip(articles, self.paragraph_documents(articles), strict=True)
        ]

    def parse(self, articles: list[Article]) -> list[Any]:
        """One stanza ``Document`` per article, its offsets into the article's text, as the
        conllu analyzer's CoNLL-U files give: for analyzers that read a parse (the tagger's parse
        features). Built from the paragraph documents of one pipeline call."""
        import stanza

        documents = []
        for article, pieces in zip(articles, self.paragraph_documents(articles), strict=True):
            sentences = []
            for doc, shift in pieces:
                for sentence in doc.to_dict():
                    for entry in sentence:
                        for key in ("start_char", "end_char"):
                            if entry.get(key) is not None:
                                entry[key] += shift
                    sentences.append(sentence)
            documents.append(stanza.Document(sentences, text=article.text))
        return documents

    def analyze(self, articles: list[Article], lexicon: Lexicon) -> list[Analysis]:
        if not articles:
            return []
        analyses = []
        for article, parsed in zip(articles, self.parse_texts(articles), strict=True):
            if parsed.has_parse and parsed.entities is not None:
                analysis = build_analysis(article, parsed, parsed.entities, lexicon, self.name)
            else:
                analysis = self._without_models(article, parsed, lexicon)
            analyses.append(analysis)
        return analyses

    def _without_models(self, article: Article, parsed: ParsedText, lexicon: Lexicon) -> Analysis:
        """What sayso's rules supply where a model is missing: attributions without a parse,
        entities without NER. Statements stay stanza's sentences either way."""
        from .offline import OfflineAnalyzer

        rules = OfflineAnalyzer().analyze([article], lexicon)[0]
        entities = parsed.entities if parsed.entities is not None else rules.entities
        analysis = build_analysis(article, parsed, entities, lexicon, self.name)
        if not parsed.has_parse:
            link_statements(rules.attributions, analysis.statements)
            analysis.attributions = rules.attributions
        return analysis
