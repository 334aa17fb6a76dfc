"""Enrich: plugins add or correct an article's attributions after its analyzer, before its
sources are resolved (the ``enrich_analysis`` hook).

Each implementation reads the analyzer's analysis finalised, so none can change it under
another, and returns an :class:`~sayso.model.Enrichment`; what is valid is applied to a copy
the rest of the pipeline goes on with.
"""

from __future__ import annotations

import dataclasses

from ..analysis.segment import link_statements
from ..lexicon import Lexicon
from ..manager import PluginFailure, Plugins
from ..model import Analysis, Attribution
from .validation import enrichment_problem

HOOK = "enrich_analysis"


def enrich(
    analysis: Analysis, plugins: Plugins, lexicon: Lexicon
) -> tuple[Analysis, list[PluginFailure]]:
    """The analysis with every valid enrichment applied, and the plugins' failures.

    Without an ``enrich_analysis`` implementation, ``analysis`` itself and no failures.
    """
    if not plugins.pm.hook.enrich_analysis.get_hookimpls():
        return analysis, []
    failures: list[PluginFailure] = []
    results = plugins.caller(HOOK, (), failures)(analysis.finalise(), lexicon)
    drop: set[int] = set()
    added: list[Attribution] = []
    for plugin, enrichment in results:
        problem = enrichment_problem(enrichment, analysis)
        if problem:
            failures.append(PluginFailure(plugin, HOOK, problem))
            continue
        drop.update(enrichment.drop)
        added += enrichment.add
    failures = list(dict.fromkeys(failures))
    # Copies: the finalised originals refuse the source keys resolution is about to set.
    kept = [
        _building_copy(attribution)
        for index, attribution in enumerate(analysis.attributions)
        if index not in drop
    ]
    new = [_building_copy(attribution) for attribution in added]
    link_statements(
        [attribution for attribution in new if not attribution.statements], analysis.statements
    )
    enriched = dataclasses.replace(
        analysis,
        attributions=kept + new,
        non_attributions=[_building_copy(a) for a in analysis.non_attributions],
        sources={},
        index=None,
    )
    return enriched, failures


def _building_copy(attribution: Attribution) -> Attribution:
    return dataclasses.replace(
        attribution, content=list(attribution.content), statements=list(attribution.statements)
    )
