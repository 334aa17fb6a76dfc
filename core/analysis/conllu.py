"""The parse-based analyzer over parses stored as CoNLL-U (e.g. PolNeAR's CoreNLP parses).

Each article names its parse in ``metadata["conllu_path"]``; the file must carry
``start_char``/``end_char`` (and optionally ``ner``) in its MISC column, offsets into the
article's text. Needs stanza's code but none of its models.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import InputError
from ..hookspecs import hookimpl
from ..lexicon import Lexicon
from ..model import Analysis, AnalyzerFactory, Article
from .dependency import build_analysis, document_entities, parse_document

# The metadata key naming an article's parse.
CONLLU_PATH = "conllu_path"


@hookimpl
def register_analyzers(register: Callable[[AnalyzerFactory], None]) -> None:
    register(
        AnalyzerFactory(
            name="conllu",
            description="rules over parses read from CoNLL-U files (each article's "
            "metadata conllu_path; `sayso eval` finds conllu/NAME.conllu), for evaluation",
            build=ConlluAnalyzer,
            requires=(CONLLU_PATH,),
        )
    )


class ConlluAnalyzer:
    name = "conllu"

    def analyze(self, articles: list[Article], lexicon: Lexicon) -> list[Analysis]:
        return [self._analyze_one(article, lexicon) for article in articles]

    def _analyze_one(self, article: Article, lexicon: Lexicon) -> Analysis:
        from stanza.utils.conll import CoNLL

        path = article.metadata.get(CONLLU_PATH)
        where = article.path or article.title or article.id
        if not path:
            raise InputError(f"{where}: the conllu analyzer needs a parse (metadata conllu_path)")
        if not Path(path).is_file():
            raise InputError(f"{where}: parse file not found: {path}")
        try:
            doc = CoNLL.conll2doc(input_file=path)
        except Exception as error:  # stanza raises assorted errors on malformed CoNLL-U
            raise InputError(f"{path}: not readable as CoNLL-U ({error})") from error
        try:
            parsed = parse_document(doc, article.text)
        except ValueError as error:
            raise InputError(f"{path}: {error}") from error
        if any(w.end > len(article.text) for w in parsed.words):
            raise InputError(f"{path}: start_char/end_char beyond the article's text")
        doc.build_ents()
        return build_analysis(
            article, parsed, document_entities(doc, article.text), lexicon, self.name
        )
