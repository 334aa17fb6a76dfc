"""The check document: what ``sayso check --format json`` prints, and what every format renders.

An article's document is its database rows as JSON, nested: the ``articles`` row with its
``statements``, ``sources``, ``attributions``, ``non_attributions``, ``findings``, ``deductions``
and ``plugin_errors`` inside, lists and objects as real JSON arrays and objects. It is built the
same way from a fresh :class:`ArticleReport` (:func:`article_document`) and from the rows an
earlier check stored (:func:`stored_document`), so an article skipped as unchanged is shown
exactly as a checked one, marked ``"cached": true``. ``check.schema.json`` beside this module is
its published JSON Schema.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from .provenance.identity import source_id
from .storage.schema import SPAN_VIEWS
from .storage.store import COLUMNS, article_rows, provenance_rows

if TYPE_CHECKING:
    import sqlite3

    from .pipeline.checkers import ArticleReport
    from .provenance.linking import Provenance

SCHEMA_FILE = "check.schema.json"
# Row columns that hold JSON text in the database and real JSON in the document.
JSON_COLUMNS = {
    "articles": ("metadata", "deductions"),
    "attributions": ("content_fragments", "statements"),
}
# 0/1 flags in the database, booleans in the document.
FLAG_COLUMNS = {"statements": ("is_claim", "attributed")}
# Database columns the document leaves out: which run wrote a row is the database's business,
# and the number of statements is the length of the ``statements`` list that replaces it.
LEFT_OUT = {"articles": ("run_id", "statements")}


def schema() -> dict[str, Any]:
    """The JSON Schema of ``sayso check --format json`` (its ``$defs.article``: one line of
    ``--format jsonl``)."""
    text = resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return dict(json.loads(text))


def article_document(report: ArticleReport) -> dict[str, Any]:
    """A freshly checked article's document."""
    rows = article_rows(report, run_id=None)
    analysis = report.analysis
    article_id = analysis.article.id
    # Sources sharing a row id are one row, named as the last of them (as stored).
    named = {source_id(s, article_id): (s.name, s.type) for s in analysis.sources.values()}
    sources = [
        {**row, "name": named[row["source_id"]][0], "type": named[row["source_id"]][1]}
        for row in rows["article_sources"]
    ]
    failures = [{"plugin": f.plugin, "stage": f.stage, "error": f.error} for f in report.failures]
    return _document(rows, sources, failures, cached=False)


def stored_document(
    conn: sqlite3.Connection, article_id: str, path: str | None = None
) -> dict[str, Any] | None:
    """The document of an article as an earlier check stored it (None if it is not stored).

    ``path`` is where the text was read from this time, when it was (the stored row keeps the
    path of the last check).
    """
    rows: dict[str, list[dict[str, Any]]] = {}
    for table in ("articles", "statements", "attributions", "non_attributions", "findings"):
        order = "" if table == "articles" else " ORDER BY rowid"
        key = "id" if table == "articles" else "article_id"
        columns = SPAN_VIEWS[table].columns if table in SPAN_VIEWS else COLUMNS[table]
        rows[table] = _select(conn, table, columns, f"[{key}] = ?{order}", [article_id])
    if not rows["articles"]:
        return None
    if path is not None:
        rows["articles"][0]["path"] = path
    cursor = conn.execute(
        "SELECT article_sources.*, sources.name, sources.type FROM article_sources "
        "JOIN sources ON sources.id = article_sources.source_id "
        "WHERE article_sources.article_id = ? ORDER BY article_sources.rowid",
        [article_id],
    )
    names = [column[0] for column in cursor.description]
    wanted = (*COLUMNS["article_sources"], "name", "type")
    sources = [{n: v for n, v in zip(names, row, strict=True) if n in wanted} for row in cursor]
    failures = _select(
        conn,
        "plugin_errors",
        ("plugin", "stage", "error"),
        "article_id = ? ORDER BY id",
        [article_id],
    )
    return _document(rows, sources, failures, cached=True)


def _select(
    conn: sqlite3.Connection, table: str, columns: tuple[str, ...], where: str, args: list[Any]
) -> list[dict[str, Any]]:
    names = ", ".join(f"[{column}]" for column in columns)
    cursor = conn.execute(f"SELECT {names} FROM [{table}] WHERE {where}", args)
    return [dict(zip(columns, row, strict=True)) for row in cursor]


def _document(
    rows: dict[str, list[dict[str, Any]]],
    sources: list[dict[str, Any]],
    failures: list[dict[str, Any]],
    cached: bool,
) -> dict[str, Any]:
    article = _plain("articles", rows["articles"][0])
    article["metadata"] = article["metadata"] or {}
    deductions = article.pop("deductions") or []
    return {
        **article,
        "cached": cached,
        "statements": [_plain("statements", row) for row in rows["statements"]],
        "sources": sources,
        "attributions": [_plain("attributions", row) for row in rows["attributions"]],
        "non_attributions": rows["non_attributions"],
        "findings": rows["findings"],
        "deductions": deductions,
        "plugin_errors": failures,
    }


def _plain(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row as the document holds it: JSON text parsed, flags as booleans, some columns out."""
    row = {k: v for k, v in row.items() if k not in LEFT_OUT.get(table, ())}
    for column in JSON_COLUMNS.get(table, ()):
        if isinstance(row.get(column), str):
            row[column] = json.loads(row[column])
    for column in FLAG_COLUMNS.get(table, ()):
        row[column] = bool(row[column])
    return row


def provenance_document(provenance: Provenance) -> dict[str, Any]:
    """The ``provenance`` object: the ``claim_clusters`` (each with its ``cluster_members``),
    ``cluster_findings`` and ``source_aliases`` rows, and which source is the same as which."""
    rows = provenance_rows(provenance, run_id=None)
    members: dict[str, list[dict[str, Any]]] = {}
    for member in rows["cluster_members"]:
        members.setdefault(member.pop("cluster_id"), []).append(member)
    aliases: dict[str, list[str]] = {}
    for alias in rows["source_aliases"]:
        aliases.setdefault(alias["source_id"], []).append(alias["alias"])
    return {
        "clusters": [
            {**_without_run(row), "terms": json.loads(row["terms"]), "members": members[row["id"]]}
            for row in rows["claim_clusters"]
        ],
        "findings": [_without_run(row) for row in rows["cluster_findings"]],
        "sources": [
            {**row, "aliases": aliases.get(row["id"], [])}
            for row in rows["sources"]
            if row["id"] in aliases
        ],
        "same_as": provenance.same_as,
    }


def _without_run(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key != "run_id"}


def check_document(
    articles: list[dict[str, Any]], errors: list[str], provenance: Provenance | None = None
) -> dict[str, Any]:
    """The whole ``--format json`` document: the articles, the inputs that could not be read
    and, when several articles were linked, their provenance."""
    document: dict[str, Any] = {"articles": articles, "errors": errors}
    if provenance is not None:
        document["provenance"] = provenance_document(provenance)
    return document
