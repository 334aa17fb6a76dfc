"""Linking claims across articles from the rows a database holds, not from reports in memory.

:func:`link_database` reads each stored article back as the :class:`~.terms.ArticleClaims` the
:class:`~sayso.provenance.Linker` needs (its claims' terms and its sources; spans are offsets
into ``articles.text``), a batch of articles at a time, in this process or in worker processes,
and replaces the stored clusters in one transaction. So linking works after a merge, after a
check that did not link, and on a database checked by many processes; and a linking run killed
half-way leaves the clusters it found as they were, so running it again ends with the clusters
an unbroken run gives.

The reads are the queries named below (``_ARTICLES``, ``_CLAIMS``, ``_ATTRIBUTIONS``,
``_SOURCES``, ``_TERMS``): the columns linking needs and no others.

An article's claim terms are worked out once: the first link that reads an article stores them
(``article_terms``, with the clusters, in the same transaction), and later links read them back.
So an incremental link works out the terms of the articles checked since the last link only.
Checking an article again deletes its terms with its other rows; terms worked out with another
lexicon are worked out again (:attr:`~.terms.TermExtractor.fingerprint`).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Source, Span
from ..pipeline.engine import batched
from ..pipeline.workers import forked_pool
from ..storage.schema import SPAN_VIEWS
from ..storage.store import open_connection, save_provenance, write_transaction
from .terms import ArticleClaims, ClaimText, TermExtractor, new_tuple

if TYPE_CHECKING:
    from ..lexicon import Lexicon
    from .linking import Provenance

# Articles read back per query: few enough that a batch's rows stay small in memory, and that
# worker processes share the work evenly.
READ_BATCH = 100
# Fewer articles than this are read in this process whatever the workers asked: starting
# processes would cost more than it saves.
MIN_ARTICLES_FOR_WORKERS = 4 * READ_BATCH
# How much of the database file the reading connection maps into memory (see _mapped).
READ_MAP_BYTES = 2**30

_ARTICLES = "SELECT id, path, title, text FROM articles WHERE id IN ({})"
# The tables storing the spans (the views of the same names give their text back too, which
# linking reads from ``articles.text`` once per article instead).
_STATEMENT_ROWS = SPAN_VIEWS["statements"].table
_ATTRIBUTION_ROWS = SPAN_VIEWS["attributions"].table
# The claim rows' first column, their article.
_FIRST_COLUMN = itemgetter(0)
_CLAIMS = (
    f"SELECT article_id, idx, start, [end] FROM [{_STATEMENT_ROWS}] "
    "WHERE is_claim = 1 AND article_id IN ({}) ORDER BY article_id, idx"
)
# One row per attribution and statement it carries (none for an attribution carrying none).
_ATTRIBUTIONS = (
    "SELECT a.article_id, a.id, a.source_id, a.source_start, a.source_end, a.cue_start, "
    f"a.cue_end, carried.value FROM [{_ATTRIBUTION_ROWS}] AS a "
    "LEFT JOIN json_each(a.statements) AS carried WHERE a.article_id IN ({})"
)
# The last link that finished, and the articles checked (or checked again) since.
_LAST_LINK = "SELECT max(id) FROM runs WHERE analyzer IS NULL AND finished IS NOT NULL"
_CHECKED_SINCE = "SELECT id FROM articles WHERE run_id > ?"
_CLUSTER_MEMBERS = (
    "SELECT cluster_id, article_id, statement_id FROM cluster_members ORDER BY cluster_id, rowid"
)
_TERMS = "SELECT article_id, terms FROM article_terms WHERE extractor = ? AND article_id IN ({})"
_STORE_TERMS = (
    "INSERT OR REPLACE INTO article_terms (article_id, extractor, terms) VALUES (?, ?, ?)"
)
_SOURCES = (
    "SELECT article_sources.article_id, sources.id, sources.name, sources.type "
    "FROM article_sources JOIN sources ON sources.id = article_sources.source_id "
    "WHERE article_sources.article_id IN ({}) ORDER BY article_sources.rowid"
)


def link_database(
    db: str | Path | sqlite3.Connection,
    lexicon: Lexicon,
    run_id: int | None,
    article_ids: list[str] | None = None,
    workers: int = 1,
    incremental: bool = False,
) -> Provenance | None:
    """Link the claims of the stored articles (all of them, or ``article_ids``) and store the
    clusters, replacing those that touch the linked articles, in one transaction.

    ``incremental`` (all articles only) keeps the clusters the last ``sayso link`` stored and
    places the claims of the articles checked since (:func:`articles_to_place`) in them or in
    new clusters; without a finished link before, it links from scratch. ``workers`` processes
    read the articles and work out their claims' terms (the clustering runs in this process).
    Returns the provenance, or None when fewer than two articles are stored.
    """
    from .linking import Linker

    conn = db if isinstance(db, sqlite3.Connection) else open_connection(db)
    try:
        with _without_collecting():
            placed = articles_to_place(conn) if incremental and article_ids is None else None
            kept: list[list[str]] = []
            if placed is not None:
                kept, dissolved = _stored_clusters(conn, placed)
                placed |= dissolved
            linker = Linker(lexicon)
            fingerprint = linker.extractor.fingerprint
            worked_out = []
            with _mapped(conn):
                for article, terms in stored_claims(conn, linker.extractor, article_ids, workers):
                    linker.add_claims(article)
                    if terms is not None:
                        worked_out.append((article.id, fingerprint, terms))
            if len(linker.articles) < 2:
                return None
            provenance = linker.finish(kept, placed)
            # The sources as read: the canonical ones are nearly all stored as they are.
            stored_sources = {
                (source.key, source.name, source.type)
                for sources in linker.article_sources.values()
                for source in sources.values()
            }
            with write_transaction(conn):
                conn.executemany(_STORE_TERMS, worked_out)
                save_provenance(
                    conn,
                    provenance,
                    run_id,
                    replace_all=article_ids is None,
                    stored_sources=stored_sources,
                )
        return provenance
    finally:
        if not isinstance(db, sqlite3.Connection):
            conn.close()


def articles_to_place(conn: sqlite3.Connection) -> set[str] | None:
    """The articles checked since the last ``sayso link`` that finished (a run with no
    analyzer), which an incremental link places in the clusters; None if no link finished.

    A link killed half-way stored nothing and finished no run, so the next one places what it
    would have placed."""
    (last,) = conn.execute(_LAST_LINK).fetchone()
    if last is None:
        return None
    return {article_id for (article_id,) in conn.execute(_CHECKED_SINCE, [last])}


def _stored_clusters(
    conn: sqlite3.Connection, placed: set[str]
) -> tuple[list[list[str]], set[str]]:
    """The stored clusters (their members' statement ids) that no article to place is in, and
    the articles of those it is in (re-checked articles' clusters are linked again)."""
    clusters: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for cluster_id, article_id, statement_id in conn.execute(_CLUSTER_MEMBERS):
        clusters[cluster_id].append((article_id, statement_id))
    kept = []
    dissolved = set()
    for members in clusters.values():
        articles = {article_id for article_id, _ in members}
        if articles & placed:
            dissolved |= articles
        else:
            kept.append(list(dict.fromkeys(statement_id for _, statement_id in members)))
    return kept, dissolved


def stored_claims(
    conn: sqlite3.Connection,
    extractor: TermExtractor,
    article_ids: list[str] | None = None,
    workers: int = 1,
) -> Iterator[tuple[ArticleClaims, bytes | None]]:
    """The stored articles' claims, in the order the articles were stored (their checking
    order), each with its terms to store (:meth:`~.terms.TermExtractor.encoded`) if they were
    worked out (None if they were read back)."""
    if article_ids is None:
        ids = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY rowid")]
    else:
        ids = _in_stored_order(conn, article_ids)
    batches = list(batched(iter(ids), READ_BATCH))
    path = _file_of(conn)
    if workers <= 1 or len(ids) < MIN_ARTICLES_FOR_WORKERS or path is None:
        for batch in batches:
            yield from _read_batch(conn, extractor, batch)
        return
    # A fork pool whose workers SIGTERM ends whatever handler this process has (see there).
    with forked_pool(workers, _start_worker, (path, extractor.lexicon)) as pool:
        for articles in pool.imap(_read_in_worker, batches):
            yield from articles


# A worker's connection and extractor, made once per process by ``_start_worker``.
_worker: tuple[sqlite3.Connection, TermExtractor] | None = None


def _start_worker(path: str, lexicon: Lexicon) -> None:
    global _worker
    gc.disable()  # as in the linking process (see _without_collecting)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.execute(f"PRAGMA mmap_size = {READ_MAP_BYTES}")  # see _mapped
    _worker = (conn, TermExtractor(lexicon))


def _read_in_worker(ids: list[str]) -> list[tuple[ArticleClaims, bytes | None]]:
    assert _worker is not None, "linking worker started without a database"
    conn, extractor = _worker
    return list(_read_batch(conn, extractor, ids))


def _file_of(conn: sqlite3.Connection) -> str | None:
    """The file the connection's main database is in (None in memory)."""
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return file or None
    return None


def _in_stored_order(conn: sqlite3.Connection, article_ids: list[str]) -> list[str]:
    order: dict[str, int] = {}
    for batch in batched(iter(article_ids), READ_BATCH):
        rows = conn.execute(f"SELECT id, rowid FROM articles WHERE id IN ({_marks(batch)})", batch)
        order.update(rows)
    return sorted(order, key=order.__getitem__)


def _read_batch(
    conn: sqlite3.Connection, extractor: TermExtractor, ids: list[str]
) -> Iterator[tuple[ArticleClaims, bytes | None]]:
    """What linking reads of these articles: each claim's span, the source and cue spans of the
    attributions carrying it (not the content: a claim's terms are its text less those), the
    sources, with the mentions resolved to them, and the claims' terms where stored (each
    article with its terms to store if they were worked out, else None)."""
    marks = _marks(ids)
    stored_terms = dict(conn.execute(_TERMS.format(marks), [extractor.fingerprint, *ids]))
    articles = {
        id: (path or title or id, text)
        for id, path, title, text in conn.execute(_ARTICLES.format(marks), ids)
    }
    # The claim rows come by article: each article's kept whole, without a Python step per row
    # (72,000 rows in 2,000 articles).
    claims = {
        article_id: list(rows)
        for article_id, rows in itertools.groupby(
            conn.execute(_CLAIMS.format(marks), ids), _FIRST_COLUMN
        )
    }
    sources: dict[str, dict[str, Source]] = defaultdict(dict)
    for article_id, source_id, name, source_type in conn.execute(_SOURCES.format(marks), ids):
        sources[article_id][source_id] = Source(source_id, name, source_type)
    # Per article and carried statement: the spans to blank and the sources cited, in the
    # order of the attributions.
    carried: dict[str, dict[int, list[_Carried]]] = defaultdict(lambda: defaultdict(list))
    mentions: dict[tuple[str, str], list[Span]] = defaultdict(list)
    last = None
    for row in conn.execute(_ATTRIBUTIONS.format(marks), ids):
        # Unpacked by name: a starred name made a list per row (48,000 rows).
        (
            article_id,
            attribution_id,
            source_id,
            source_start,
            source_end,
            cue_start,
            cue_end,
            index,
        ) = row
        if attribution_id != last:
            last = attribution_id
            text = articles[article_id][1]
            # Made in place, not by Span.of: two calls per attribution (48,000) added up.
            source = (
                None
                if source_start is None or source_end is None
                else Span(source_start, source_end, text[source_start:source_end])
            )
            # A cue is only blanked: its offsets do, without a Span.
            cue_span = None if cue_start is None or cue_end is None else (cue_start, cue_end)
            # The source's own key, not the row's: one string per source is kept, not one per
            # attribution (48,000 in 2,000 articles, kept to the end of a link).
            stored_source = sources[article_id].get(source_id)
            known = None if stored_source is None else stored_source.key
            if source is not None and known is not None:
                mentions[article_id, known].append(source)
            number = int(attribution_id.rsplit(":", 1)[1])
        if index is not None:
            carried[article_id][index].append((number, source, cue_span, known))
    # Given at the end: copying a source's mentions at each one made a source named 15,000
    # times in an article quadratic.
    for (article_id, source_id), spans in mentions.items():
        sources[article_id][source_id].mentions = tuple(spans)
    for article_id in ids:
        if article_id not in articles:
            continue
        name, text = articles[article_id]
        by_statement = carried.get(article_id, {})
        claim_texts = [
            _claim_text(text, index, start, end, by_statement.get(index, ()))
            for _, index, start, end in claims.get(article_id, ())
        ]
        terms = stored_terms.get(article_id)
        restored = None
        if terms is not None:
            restored = extractor.restored(article_id, name, claim_texts, sources[article_id], terms)
        if restored is not None:
            yield restored, None
        else:
            article = extractor.article(article_id, name, claim_texts, sources[article_id])
            yield article, extractor.encoded(article)


# An attribution carrying a claim: its number in the article, its source mention, its cue's
# offsets and the source the mention resolved to, if stored.
_Carried = tuple[int, Span | None, tuple[int, int] | None, str | None]


def _claim_text(
    text: str, index: int, start: int, end: int, attributions: list[_Carried] | tuple[()]
) -> ClaimText:
    if not attributions:
        # Two claims in five (PolNeAR train) carry no attribution: nothing to blank or cite.
        return new_tuple(ClaimText, (index, start, text[start:end], (), ()))
    spans = []
    cited = []
    if len(attributions) > 1:
        attributions = sorted(attributions, key=lambda a: a[0])
    for _, source, cue, source_key in attributions:
        if source is not None:
            spans.append((source.start, source.end))
            if source_key is not None:
                cited.append((source_key, source.text))
        if cue is not None:
            spans.append(cue)
    return new_tuple(ClaimText, (index, start, text[start:end], tuple(spans), tuple(cited)))


@contextlib.contextmanager
def _mapped(conn: sqlite3.Connection) -> Iterator[None]:
    """Read the database through a memory map (up to :data:`READ_MAP_BYTES`), then as the
    connection did before. A link reads nearly every page of the file once: through SQLite's
    page cache, each page is copied in by a system call and the cache grows to its 16 MB (a
    first link of 2,000 articles: 3,500 of the reading's 5,900 page faults, and 0.05 s of its
    0.45-0.5 s of CPU)."""
    (before,) = conn.execute("PRAGMA mmap_size").fetchone()
    conn.execute(f"PRAGMA mmap_size = {READ_MAP_BYTES}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA mmap_size = {before}")


@contextlib.contextmanager
def _without_collecting() -> Iterator[None]:
    """Linking makes a few million objects, keeps most of them to the end and makes no
    reference cycles as it goes (the few it makes, once, it drops at the end): the garbage
    collector would scan every young object twice for nothing, a tenth of the CPU. Reference
    counting frees what linking drops; a collection afterwards, what it left in cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not gc.get_freeze_count():
            # What linking made and kept goes to the oldest generation unscanned: else the
            # first collection would scan all of it at once (a third of the time saved).
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def _marks(values: list[str]) -> str:
    return ", ".join("?" for _ in values)
