# mypy: disable-error-code="empty-body"
"""The hooks sayso calls. Plugins implement them with ``@sayso.hookimpl``.

Every hook is called with keyword arguments; implement only the parameters you need. Hook
arguments are sayso's own dataclasses (see :mod:`sayso.model`), the standard library's
``sqlite3.Connection`` and, for ``register_commands`` only, the ``typer.Typer`` app.

A plugin that raises inside a hook (``sys.exit()`` included) does not stop the run: sayso records
the failure, naming the plugin, and calls the other plugins as usual. What a checking hook returns
is validated (:mod:`sayso.pipeline.validation`): an invalid finding or deduction is that plugin's
failure and is left out. Hook wrappers are refused when a plugin loads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

from .lexicon import Lexicon
from .model import (
    Analysis,
    AnalyzerFactory,
    Checker,
    Deduction,
    Enrichment,
    Finding,
    Settings,
    Statement,
)

if TYPE_CHECKING:
    import typer

hookspec = pluggy.HookspecMarker("sayso")
hookimpl = pluggy.HookimplMarker("sayso")


@hookspec
def register_checkers(register: Callable[[Checker], None]) -> None:
    """Declare the checkers this plugin provides.

    Called once, when plugins are loaded. Call ``register(Checker(id=..., description=...,
    options={...}, enabled_by_default=...))`` for each checker. Checker ids are unique across
    all plugins; a second plugin claiming an id is an error naming both plugins.

    :param register: callback taking a :class:`sayso.model.Checker`.

    All implementations are called. *Added in 0.1.*
    """


@hookspec
def register_analyzers(register: Callable[[AnalyzerFactory], None]) -> None:
    """Declare the analyzers this plugin provides: what turns text into attributions.

    Called once, when plugins are loaded. Call ``register(AnalyzerFactory(name=...,
    description=..., build=...))`` for each analyzer; ``sayso check --analyzer NAME`` then runs
    it, ``--help`` and error messages list it, and "auto" may pick it (``auto_priority``). Names
    are unique across all plugins; a second plugin claiming a name is an error naming both.
    sayso's own analyzers (tagger, offline, stanza, conllu) are registered this way.

    The analyzer's ``analyze`` is called with batches of articles. If it raises (other than a
    :class:`sayso.errors.SaysoError`, which reports a problem to the user and stops the run) or
    returns something that is not one valid :class:`sayso.model.Analysis` per article, the failure
    is recorded naming the plugin, and those articles are analyzed by the rule analyzer instead.

    :param register: callback taking a :class:`sayso.model.AnalyzerFactory`.

    All implementations are called. *Added in 0.2.*
    """


@hookspec
def register_lexicon(lexicon: Lexicon) -> None:
    """Extend the word lists extraction and source typing use.

    Called once per run, before any article is analyzed. Use ``lexicon.add_cue_verbs(...)``,
    ``lexicon.add_source(name, type, aliases)``, ``lexicon.add_anonymous_nouns(...)``,
    ``lexicon.add_anonymity_markers(...)`` and ``lexicon.add_outlet_anaphors(...)``.

    :param lexicon: the run's :class:`sayso.lexicon.Lexicon`, already holding the defaults.

    All implementations are called. *Added in 0.1.*
    """


@hookspec
def enrich_analysis(analysis: Analysis, lexicon: Lexicon) -> Enrichment | None:
    """Add or correct attributions the analyzer found, before sources are resolved and checks run.

    Called once per article, right after its analyzer. ``analysis`` is the analyzer's, read-only
    (finalised: paragraphs, statements, entities and attributions, sources not yet resolved).
    Return an :class:`~sayso.model.Enrichment` (``add`` attributions, ``drop`` indexes of wrong
    ones) or None. Every implementation sees the analyzer's analysis; their enrichments are
    applied together (drops first, then additions in plugin order). An implementation that
    raises, or returns an enrichment whose spans are not the article's text or whose indexes
    are out of range, is recorded as a failure of its plugin and changes nothing.

    :param analysis: the article as the analyzer left it.
    :param lexicon: the run's :class:`sayso.lexicon.Lexicon`.

    All implementations are called. *Added in 0.2.*
    """


@hookspec
def check_statement(statement: Statement, analysis: Analysis, settings: Settings) -> list[Finding]:
    """Check one statement; return the findings about it (an empty list when there are none).

    Called for every statement of every article, after extraction and source resolution; not
    for a plugin whose checkers are all disabled. Findings of disabled checkers are dropped.

    :param statement: the statement to check (``statement.is_claim`` tells claims from
        headlines, bylines and boilerplate).
    :param analysis: the whole article, for context (attributions, sources, neighbours).
    :param settings: enabled checkers and their options: ``settings.option(checker_id, name)``.

    All implementations are called; their lists are joined. *Added in 0.1.*
    """


@hookspec
def check_article(analysis: Analysis, settings: Settings) -> list[Finding]:
    """Check a whole article at once; return findings (an empty list when there are none).

    Called once per article, after every ``check_statement``; not for a plugin whose checkers
    are all disabled. Use it for findings about the article as a whole, such as reliance on a
    single source.

    :param analysis: statements, attributions and canonical sources of the article.
    :param settings: enabled checkers and their options.

    All implementations are called; their lists are joined. *Added in 0.1.*
    """


@hookspec
def score_deductions(analysis: Analysis, findings: list[Finding]) -> list[Deduction]:
    """Take points off the article's 0–100 sourcing score, each deduction naming its findings.

    Called once per article after all checks. The score is 100 minus the sum of all deductions,
    clamped to 0–100, so every lost point traces to findings (``sayso check --explain``). The
    built-in ``sayso.plugins.score`` plugin deducts for every finding by its penalty or
    severity; a plugin can add its own deductions, e.g. for patterns across findings.

    :param analysis: the article.
    :param findings: every finding of the article; ``Deduction.findings`` holds indexes into it.

    All implementations are called; their lists are joined. *Added in 0.1.*
    """


@hookspec
def prepare_database(conn: sqlite3.Connection) -> None:
    """Create the plugin's own tables, views or indexes in a sayso database.

    Called each time sayso opens a database to write to it, after sayso's own tables exist.
    Make it idempotent (``CREATE … IF NOT EXISTS``, or
    ``sqlite_utils.Database(conn)`` with ``create_view(..., replace=True)``).

    :param conn: the open connection.

    All implementations are called. *Added in 0.1.*
    """


@hookspec
def register_commands(app: typer.Typer) -> None:
    """Add commands to the ``sayso`` command line.

    Called once when the CLI is built, before it parses arguments. Use ``@app.command()`` or
    ``app.add_typer(...)``.

    :param app: the ``typer.Typer`` application.

    All implementations are called. *Added in 0.1.*
    """
