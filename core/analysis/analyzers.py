"""Analyzers turn article text into statements, attributions and named entities.

An analyzer takes a batch of articles (so model-backed analyzers can process them together) and
returns one :class:`~sayso.model.Analysis` per article with ``paragraphs``, ``statements``,
``attributions`` and ``entities`` filled in. Attributions carry the source *mention*; turning
mentions into canonical, typed sources is shared work done afterwards by
:mod:`sayso.analysis.sources`.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..errors import ConfigError
from ..lexicon import Lexicon
from ..model import Analysis, Article


class Analyzer(Protocol):
    name: str

    def analyze(self, articles: list[Article], lexicon: Lexicon) -> list[Analysis]:
        """Analyze a batch of articles; return their analyses in the same order."""
        ...


ANALYZER_NAMES = ("offline", "stanza", "conllu")


def resolve_analyzer(name: str, stanza_dir: str | None = None) -> tuple[str, str | None]:
    """Turn ``"auto"`` into ``"stanza"`` when its models are installed, else ``"offline"``.

    Returns the analyzer name and, for ``"auto"``, a sentence saying which one was chosen and why.
    """
    if name != "auto":
        return name, None
    from .stanza_models import DOWNLOAD_COMMAND, missing_models, resources_dir

    missing = missing_models(stanza_dir)
    if not missing:
        return "stanza", f"using the stanza analyzer (models in {resources_dir(stanza_dir)})"
    return "offline", (
        f"using the offline analyzer: stanza models not found in {resources_dir(stanza_dir)} "
        f"(`{DOWNLOAD_COMMAND}` fetches them)"
    )


def get_analyzer(name: str, **options: Any) -> Analyzer:
    """Build the analyzer called ``name`` ("offline", "stanza" or "conllu").

    Model-backed analyzers are imported only here, so plain ``sayso check`` never imports torch.
    ``options`` go to the analyzer's constructor (e.g. ``stanza_dir``, ``device``).
    """
    if name == "offline":
        from .offline import OfflineAnalyzer

        return OfflineAnalyzer(**options)
    if name == "stanza":
        from .stanza import StanzaAnalyzer

        return StanzaAnalyzer(**options)
    if name == "conllu":
        from .conllu import ConlluAnalyzer

        return ConlluAnalyzer(**options)
    raise ConfigError(f"unknown analyzer {name!r}; choose one of {', '.join(ANALYZER_NAMES)}")
