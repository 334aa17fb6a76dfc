"""The parse-based analyzer running stanza's English models (tokenize … depparse, ner).

stanza (and torch with it) is imported only when the pipeline is first needed. The pipeline never
downloads anything: a missing model is reported as :class:`~sayso.errors.ModelMissingError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import ModelMissingError
from ..hookspecs import hookimpl
from ..lexicon import Lexicon
from ..model import Analysis, AnalyzerFactory, Article
from .dependency import build_analysis, document_entities, parse_document
from .stanza_models import DOWNLOAD_COMMAND, LANGUAGE, missing_models, resources_dir

DEFAULT_PROCESSORS = "tokenize,mwt,pos,lemma,depparse,ner"


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
            unavailable=_models_missing,
        )
    )


def _models_missing(options: dict[str, Any]) -> str | None:
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
    ) -> None:
        self.stanza_dir = stanza_dir
        self.device = device
        self.processors = processors
        self._pipeline: Any = None

    @property
    def pipeline(self) -> Any:
        if self._pipeline is None:
            self._pipeline = self._load_pipeline()
        return self._pipeline

    def _load_pipeline(self) -> Any:
        root = resources_dir(self.stanza_dir)
        wanted = tuple(p.strip() for p in self.processors.split(",") if p.strip())
        missing = missing_models(self.stanza_dir, wanted)
        if missing:
            names = ", ".join(f"{m.model} ({m.package})" for m in missing)
            raise ModelMissingError(
                f"stanza models missing in {root}: {names}; run `{DOWNLOAD_COMMAND}`"
            )
        import stanza

        try:
            return stanza.Pipeline(
                LANGUAGE,
                dir=str(root),
                processors=self.processors,
                download_method=None,
                use_gpu=self.device == "cuda",
                logging_level="WARN",
            )
        except FileNotFoundError as error:
            # LanguageNotDownloadedError, ResourcesFileNotFoundError or a missing model file.
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise ModelMissingError(
                f"stanza model missing in {root}: {first_line}; run `{DOWNLOAD_COMMAND}`"
            ) from error

    def analyze(self, articles: list[Article], lexicon: Lexicon) -> list[Analysis]:
        if not articles:
            return []
        import stanza

        docs = self.pipeline([stanza.Document([], text=article.text) for article in articles])
        analyses = []
        for article, doc in zip(articles, docs, strict=True):
            parsed = parse_document(doc, article.text)
            entities = document_entities(doc, article.text) if "ner" in self.processors else []
            analyses.append(build_analysis(article, parsed, entities, lexicon, self.name))
        return analyses
