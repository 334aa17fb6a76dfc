"""Linking claims across articles from the rows a database holds, not from reports in memory.

:func:`link_database` reads each stored article back as the :class:`~sayso.model.Analysis` the
linker needs (statements, attributions, sources; spans are offsets into ``articles.text``), feeds
the :class:`~sayso.provenance.Linker` a batch of articles at a time, and replaces the stored
clusters in one transaction. So linking works after a merge, after a check that did not link, and
on a database checked by many processes; and a linking run killed half-way leaves the clusters
it found as they were, so running it again ends with the clusters an unbroken run gives.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Analysis, Article, Attribution, Source, Span, Statement
from ..pipeline.engine import batched
from ..storage.store import open_connection, save_provenance

if TYPE_CHECKING:
    from ..lexicon import Lexicon
    from .linking import Provenance

# Articles read back per query: few enough that a batch's rows stay small in memory.
READ_BATCH = 200


def link_database(
    db: str | Path | sqlite3.Connection,
    lexicon: Lexicon,
    run_id: int | None,
    article_ids: list[str] | None = None,
) -> Provenance | None:
    """Link the claims of the stored articles (all of them, or ``article_ids``) and store the
    clusters, replacing those that touch the linked articles, in one transaction.

    Returns the provenance, or None when fewer than two articles are stored.
    """
    from .linking import Linker

    conn = db if isinstance(db, sqlite3.Connection) else open_connection(db)
    try:
        linker = Linker(lexicon)
        for analysis in stored_analyses(conn, article_ids):
            linker.add_analysis(analysis)
        if len(linker.articles) < 2:
            return None
        provenance = linker.finish()
        save_provenance(conn, provenance, run_id, replace_all=article_ids is None)
        return provenance
    finally:
        if not isinstance(db, sqlite3.Connection):
            conn.close()


def stored_analyses(
    conn: sqlite3.Connection, article_ids: list[str] | None = None
) -> Iterator[Analysis]:
    """The stored articles as analyses, in the order they were stored (their checking order).

    What linking reads: the article, its statements, its attributions (source and cue spans and
    the statements they carry, not the content) and its sources with the mentions resolved to
    them.
    """
    if article_ids is None:
        ids = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY rowid")]
    else:
        ids = _in_stored_order(conn, article_ids)
    for batch in batched(iter(ids), READ_BATCH):
        yield from _read_batch(conn, batch)


def _in_stored_order(conn: sqlite3.Connection, article_ids: list[str]) -> list[str]:
    order: dict[str, int] = {}
    for batch in batched(iter(article_ids), READ_BATCH):
        rows = conn.execute(f"SELECT id, rowid FROM articles WHERE id IN ({_marks(batch)})", batch)
        order.update(rows)
    return sorted(order, key=order.__getitem__)


def _read_batch(conn: sqlite3.Connection, ids: list[str]) -> Iterator[Analysis]:
    marks = _marks(ids)
    articles = {
        id: Article(text, path=path, title=title)
        for id, path, title, text in conn.execute(
            f"SELECT id, path, title, text FROM articles WHERE id IN ({marks})", ids
        )
    }
    statements: dict[str, list[Statement]] = defaultdict(list)
    for article_id, idx, start, end, paragraph, kind in conn.execute(
        "SELECT article_id, idx, start, [end], paragraph, kind FROM statements "
        f"WHERE article_id IN ({marks}) ORDER BY article_id, idx",
        ids,
    ):
        text = articles[article_id].text[start:end]
        statements[article_id].append(Statement(idx, start, end, text, paragraph, kind))
    sources: dict[str, dict[str, Source]] = defaultdict(dict)
    for article_id, source_id, name, source_type in conn.execute(
        "SELECT article_sources.article_id, sources.id, sources.name, sources.type "
        "FROM article_sources JOIN sources ON sources.id = article_sources.source_id "
        f"WHERE article_sources.article_id IN ({marks}) ORDER BY article_sources.rowid",
        ids,
    ):
        sources[article_id][source_id] = Source(source_id, name, source_type)
    attributions: dict[str, list[tuple[int, Attribution]]] = defaultdict(list)
    mentions: dict[tuple[str, str], list[Span]] = defaultdict(list)
    for row in conn.execute(
        "SELECT article_id, id, source_id, form, source_start, source_end, cue_start, cue_end, "
        f"statements FROM attributions WHERE article_id IN ({marks})",
        ids,
    ):
        article_id, attribution_id, source_id, form, *offsets, carried = row
        text = articles[article_id].text
        source = _span(text, offsets[0], offsets[1])
        # Linking reads no content (a claim's terms are its statement less source and cue).
        attribution = Attribution(
            form,
            _span(text, offsets[2], offsets[3]),
            source,
            source_key=source_id,
            statements=json.loads(carried) if carried else [],
        )
        if source is not None and source_id in sources[article_id]:
            mentions[article_id, source_id].append(source)
        number = int(attribution_id.rsplit(":", 1)[1])
        attributions[article_id].append((number, attribution))
    # Given at the end: copying a source's mentions at each one made a source named 15,000
    # times in an article quadratic.
    for (article_id, source_id), spans in mentions.items():
        sources[article_id][source_id].mentions = spans
    for article_id in ids:
        if article_id not in articles:
            continue
        # Finalised as a checked analysis is: read-only, with its lookups indexed once.
        yield Analysis(
            articles[article_id],
            "",
            statements=statements[article_id],
            attributions=[a for _, a in sorted(attributions[article_id], key=lambda n: n[0])],
            sources=sources[article_id],
        ).finalise()


def _span(text: str, start: int | None, end: int | None) -> Span | None:
    return None if start is None or end is None else Span.of(text, start, end)


def _marks(values: list[str]) -> str:
    return ", ".join("?" for _ in values)
