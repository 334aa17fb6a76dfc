"""sayso's Datasette plugin: pages per article and per claim cluster, readable span cells, links.

Registered through the ``datasette`` entry point group, so it loads wherever ``sayso[serve]`` is
installed. It adds ``/<database>/-/article/<article_id>``: the article's text with every source
mention, cue and content highlighted in distinct styles (weight, slant, underline and brackets,
not colour alone), the findings in the margin beside their paragraph, and links to the rows.
``/<database>/-/cluster/<cluster_id>`` shows which articles report one claim and on whose
say-so. In tables, attribution spans get the same styles and JSON offsets become text and links.
Databases without sayso's tables are left alone.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode
from weakref import WeakSet

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils import escape_fts, tilde_decode, tilde_encode
from datasette.utils.asgi import NotFound, Response
from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader
from markupsafe import Markup, escape

from ..report import statement_number
from ..storage.schema import (
    PROVENANCE_TABLES,
    ROWS_SHOWN,
    SPAN_VIEWS,
    STATEMENT_SEARCH,
    SUMMARY_VIEWS,
)
from ..version import __version__
from .serve import SEARCH_QUERY, lead_entries

HERE = Path(__file__).parent
STYLESHEET_ROUTE = "/-/sayso/sayso.css"
ARTICLE_ROUTE = r"/(?P<database>[^/.]+)/-/article/(?P<article_id>[^/.]+)$"
CLUSTER_ROUTE = r"/(?P<database>[^/.]+)/-/cluster/(?P<cluster_id>[^/.]+)$"
SAYSO_TABLES = {"articles", "statements", "sources", "attributions", "findings"}
ROLES = ("source", "cue", "content")
SPAN_COLUMNS = {f"{role}_text": role for role in ROLES}
# Columns of views and canned queries that name a row; tables get Datasette's own FK links.
ROW_COLUMNS = {
    "statement_id": "statements",
    "source_id": "sources",
    "top_source_id": "sources",
}
PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*")

_sayso_databases: WeakSet[Any] = WeakSet()
_provenance_databases: WeakSet[Any] = WeakSet()


@dataclass(frozen=True)
class Highlight:
    """One role of one attribution: a stretch of the article to style and label."""

    start: int
    end: int
    role: str
    label: str


@dataclass(frozen=True)
class Note:
    """A finding shown in the margin, numbered in reading order."""

    number: int
    anchor: int | None
    marker: int | None
    severity: str
    checker: str
    code: str
    message: str
    points: float
    row_url: str
    statement_url: str | None
    # The statement's number, from 1, as the terminal report shows it.
    statement_number: int | None


# Datasette counts every row a table page could show, for each page, within its one-second limit
# for any query. Past this many rows the count alone takes most of that second (it would say
# "SQL interrupted" by a million articles), so the plugin asks Datasette for none (``_nocount``)
# and the page shows its rows without a total.
COUNT_LIMIT = 2_000_000
# A summary view's count joins every row to its figures: a few times dearer per row.
JOINED_COUNT_LIMIT = 250_000
# Past this many statements a search answers with the search query (see below): counting its
# matches and gathering them all first takes Datasette most of a second by 40,000 articles.
SEARCH_LIMIT = 250_000
# What a search handed to the search query keeps of the request: the shape of its JSON.
KEPT = ("_shape", "_json", "_nl")
TABLE_PATH = re.compile(r"^/(?P<database>[^/]+)/(?P<table>[^/.]+)(?P<format>\.(?:json|csv))?$")


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[Any], Any]:
    def wrap(app: Any) -> Any:
        async def large_tables_answer_in_time(
            scope: dict[str, Any], receive: Any, send: Any
        ) -> None:
            if scope.get("type") == "http":
                scope = await _for_large_tables(datasette, scope)
            await app(scope, receive, send)

        return large_tables_answer_in_time

    return wrap


async def _for_large_tables(datasette: Any, scope: dict[str, Any]) -> dict[str, Any]:
    """The request, changed where it is for a large table or view of sayso's: asking for no row
    count, and a search of statements answered by the ``search_statements`` query."""
    match = TABLE_PATH.match(scope.get("path", ""))
    query: bytes = scope.get("query_string", b"")
    if match is None or b"_nocount=" in query:
        return scope
    table = tilde_decode(match["table"])
    shown = ROWS_SHOWN.get(table)
    if shown is None:
        return scope
    try:
        db = datasette.get_database(route=tilde_decode(match["database"]))
    except KeyError:
        return scope
    if not await is_sayso_database(datasette, db.name):
        return scope
    rows = await row_estimate(db, shown)
    arguments = parse_qs(query.decode("latin-1"), keep_blank_values=True)
    searched = arguments.get("_search", [""])[0]
    if table == "statements" and searched.strip() and rows > SEARCH_LIMIT:
        # Datasette searches a table with "rowid in (every match)": by a million articles, a word
        # most of them use matches millions of statements, gathered before the first is shown.
        # The query reads the matches in order and stops at the page's rows.
        path = f"/{match['database']}/{SEARCH_QUERY}{match['format'] or ''}"
        return {
            **scope,
            "path": path,
            "raw_path": path.encode(),
            "query_string": urlencode(
                [("search", escape_fts(searched))]
                + [(name, value) for name in KEPT for value in arguments.get(name, [])]
            ).encode(),
        }
    if rows <= (JOINED_COUNT_LIMIT if table in SUMMARY_VIEWS else COUNT_LIMIT):
        return scope
    return {**scope, "query_string": query + (b"&" if query else b"") + b"_nocount=1"}


@hookimpl
def startup(datasette: Any) -> Callable[[], Awaitable[None]]:
    async def count_large_tables_no_more() -> None:
        for name, db in datasette.databases.items():
            if not db.is_memory and await is_sayso_database(datasette, name):
                db.table_counts = _table_counts_within_limits(db)

    return count_large_tables_no_more


def _table_counts_within_limits(db: Any) -> Callable[..., Awaitable[dict[str, int | None]]]:
    """Datasette's ``table_counts`` for the home and database pages, leaving out (None: "many
    rows") the tables past :data:`COUNT_LIMIT` rows. Its own counts every table within a time
    limit, but SQLite cannot interrupt a whole table's ``count(*)``: 2 s for 21 million
    statements, 10 s for the database page of a million articles."""

    async def table_counts(limit: int = 10) -> dict[str, int | None]:
        counts: dict[str, int | None] = {}
        for table in await db.table_names():
            counts[table] = None
            if await row_estimate(db, table) > COUNT_LIMIT:
                continue
            with suppress(QueryInterrupted, sqlite3.DatabaseError):
                counted = await db.execute(
                    f"select count(*) from [{table}]", custom_time_limit=limit
                )
                counts[table] = counted.first()[0]
        return counts

    return table_counts


async def row_estimate(db: Any, table: str) -> int:
    """How many rows ``table`` has, about: the largest rowid (deleted rows leave gaps) of the
    table whose rows it shows (statements' for the full-text index's own tables)."""

    def largest_rowid(conn: sqlite3.Connection) -> int:
        search = table.startswith(STATEMENT_SEARCH)
        shown = "statement_rows" if search else ROWS_SHOWN.get(table, table)
        try:
            return int(conn.execute(f"select max(rowid) from [{shown}]").fetchone()[0] or 0)
        except sqlite3.DatabaseError:  # a table without rowids
            return 0

    return int(await db.execute_fn(largest_rowid))


@hookimpl
def prepare_jinja2_environment(env: Environment) -> None:
    # Appended last, so a --template-dir can still override sayso's templates.
    loaders: list[BaseLoader] = [FileSystemLoader(str(HERE / "templates"))]
    if env.loader is not None:
        loaders.insert(0, env.loader)
    env.loader = ChoiceLoader(loaders)


@hookimpl
def extra_css_urls(
    database: str | None, datasette: Any
) -> Callable[[], Awaitable[list[str]]] | list[str]:
    if database is None:
        return []

    async def stylesheet_if_sayso() -> list[str]:
        if not await is_sayso_database(datasette, database):
            return []
        return [f"{datasette.urls.path(STYLESHEET_ROUTE)}?v={__version__}"]

    return stylesheet_if_sayso


@hookimpl
def extra_template_vars(
    template: str, database: str | None, datasette: Any
) -> Callable[[], Awaitable[dict[str, Any]]] | dict[str, Any]:
    # For the home and database pages of sayso serve (its templates lead with these).
    if template not in ("index.html", "database.html"):
        return {}

    async def lead() -> dict[str, Any]:
        leads = []
        for name in [database] if database else list(datasette.databases):
            if not await is_sayso_database(datasette, name):
                continue
            entries = [
                {
                    **entry,
                    "url": datasette.urls.query(name, entry["name"])
                    if entry["kind"] == "query"
                    else datasette.urls.table(name, entry["name"]),
                }
                for entry in lead_entries()
            ]
            leads.append(
                {
                    "database": name,
                    "url": datasette.urls.database(name),
                    "here": name == database,
                    "entries": entries,
                }
            )
        return {"sayso_lead": leads}

    return lead


@hookimpl
def register_routes() -> list[tuple[str, Callable[..., Awaitable[Response]]]]:
    return [
        (re.escape(STYLESHEET_ROUTE) + "$", stylesheet),
        (ARTICLE_ROUTE, article_page),
        (CLUSTER_ROUTE, cluster_page),
    ]


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Markup | Callable[[], Awaitable[Markup | None]] | None:
    if value in (None, ""):
        return None
    if table == "attributions":
        cell = _attribution_cell(dict(row), value, column, database, datasette)
        if cell is not None:
            return cell
    if table == "articles" and column == "title" and "id" in row.keys():  # noqa: SIM118 (sqlite3.Row iterates values)
        return _link(article_url(datasette, database, row["id"]), value)
    # The table page shows the id as a link to the row (no render_cell), so the label links too.
    if table == "claim_clusters" and column in ("id", "label") and "id" in row.keys():  # noqa: SIM118
        return _link(cluster_url(datasette, database, row["id"]), value)
    if table in SPAN_VIEWS:
        # Views get no foreign-key labels from Datasette: these are the ones its tables show.
        if column == "statement_id":
            return _link(row_url(datasette, database, "statements", value), statement_number(value))
        if column == "source_id":
            return _source_name_link(datasette, database, value)
    elif table is not None and table not in SUMMARY_VIEWS:
        return None
    if column == "article_id":
        url = article_url(datasette, database, value)
    elif column == "cluster_id":
        url = cluster_url(datasette, database, value)
    elif column in ROW_COLUMNS:
        url = row_url(datasette, database, ROW_COLUMNS[column], value)
    else:
        return None

    if datasette.get_database(database) in _sayso_databases:
        return _link(url, value)

    async def link_if_sayso() -> Markup | None:
        if not await is_sayso_database(datasette, database):
            return None
        return _link(url, value)

    return link_if_sayso


def _source_name_link(
    datasette: Any, database: str, source_id: str
) -> Callable[[], Awaitable[Markup | None]]:
    async def link() -> Markup | None:
        if not await is_sayso_database(datasette, database):
            return None
        rows = await datasette.get_database(database).execute(
            "select name from sources where id = ?", [source_id]
        )
        name = rows.first()
        url = row_url(datasette, database, "sources", source_id)
        return _link(url, name["name"] if name else source_id)

    return link


async def stylesheet() -> Response:
    return Response(
        _stylesheet_text(),
        content_type="text/css; charset=utf-8",
        headers={"cache-control": "max-age=3600"},
    )


async def article_page(datasette: Any, request: Any) -> Response:
    database = request.url_vars["database"]
    article_id = request.url_vars["article_id"]
    db = await _sayso_database(datasette, request, database, "articles")
    article = (await db.execute(ARTICLE_SQL, [article_id])).first()
    if article is None:
        raise NotFound(f"Article not found: {article_id}")
    attributions = (await db.execute(ATTRIBUTIONS_SQL, [article_id])).rows
    sources = (await db.execute(SOURCES_SQL, [article_id])).rows
    findings = (await db.execute(FINDINGS_SQL, [article_id])).rows
    shared = []
    if await has_provenance(datasette, database):
        shared = (await db.execute(SHARED_CLAIMS_SQL, [article_id])).rows
    text = article["text"]
    # Like the CLI, info-level findings (mostly scene-setting) show only when asked for.
    show_info = request.args.get("info") == "1"
    shown = [f for f in findings if show_info or f["severity"] != "info"]
    notes = [_note(number, f, datasette, database) for number, f in enumerate(shown, 1)]
    highlights = list(_highlights(attributions))
    markers: dict[int, list[int]] = {}
    for note in notes:
        if note.marker is not None:
            markers.setdefault(note.marker, []).append(note.number)
    paragraphs = []
    placed: set[int] = set()
    for match in PARAGRAPH.finditer(text):
        start, end = match.span()
        beside = [n for n in notes if n.anchor is not None and start <= n.anchor < end]
        placed.update(n.number for n in beside)
        html = render_spans(text, start, end, highlights, markers)
        elsewhere = [
            _shared_claim_context(row, datasette, database)
            for row in shared
            if start <= row["start"] < end
        ]
        paragraphs.append({"html": html, "notes": beside, "elsewhere": elsewhere})
    context = {
        "database": database,
        "article": dict(article),
        "title": _title(article["title"], article["path"], article_id),
        "about": _about(article["metadata"]),
        "paragraphs": paragraphs,
        "article_notes": [n for n in notes if n.number not in placed],
        "warnings": sum(1 for f in findings if f["severity"] in ("warning", "error")),
        "info_count": sum(1 for f in findings if f["severity"] == "info"),
        "show_info": show_info,
        "attributions": [_attribution_context(a, datasette, database) for a in attributions],
        "sources": [_source_context(s, len(attributions), datasette, database) for s in sources],
        "links": _article_links(datasette, database, article_id),
    }
    html = await datasette.render_template("sayso_article.html", context, request=request)
    return Response.html(html)


async def cluster_page(datasette: Any, request: Any) -> Response:
    database = request.url_vars["database"]
    cluster_id = request.url_vars["cluster_id"]
    db = await _sayso_database(datasette, request, database, "claim_clusters")
    if not await has_provenance(datasette, database):
        raise NotFound(f"{database} has no claim clusters")
    cluster = (await db.execute(CLUSTER_SQL, [cluster_id])).first()
    if cluster is None:
        raise NotFound(f"Claim cluster not found: {cluster_id}")
    members = (await db.execute(MEMBERS_SQL, [cluster_id])).rows
    findings = (await db.execute(CLUSTER_FINDINGS_SQL, [cluster_id])).rows
    first = cluster["first_article_id"]
    context = {
        "database": database,
        "cluster": dict(cluster),
        "terms": _json_list(cluster["terms"]),
        "original": _source_link(
            cluster["original_source_id"], cluster["original_name"], datasette, database
        ),
        "first_article": {
            "title": _title(cluster["first_title"], cluster["first_path"], first),
            "url": article_url(datasette, database, first),
        }
        if first
        else None,
        "reporters": _reporters(members, first, datasette, database),
        "findings": [_cluster_finding_context(f, datasette, database) for f in findings],
        "links": _cluster_links(datasette, database, cluster_id),
    }
    html = await datasette.render_template("sayso_cluster.html", context, request=request)
    return Response.html(html)


async def _sayso_database(datasette: Any, request: Any, database: str, table: str) -> Any:
    """The database a sayso page shows, once the actor may see ``table`` in it."""
    try:
        db = datasette.get_database(database)
    except KeyError:
        raise NotFound(f"Database not found: {database}") from None
    await datasette.ensure_permissions(
        request.actor,
        [("view-table", (database, table)), ("view-database", database), "view-instance"],
    )
    if not await is_sayso_database(datasette, database):
        raise NotFound(f"{database} is not a sayso database")
    return db


async def is_sayso_database(datasette: Any, database: str) -> bool:
    """Whether ``database`` has sayso's tables (remembered once true)."""
    return await _has_tables(datasette, database, SAYSO_TABLES, _sayso_databases)


async def has_provenance(datasette: Any, database: str) -> bool:
    """Whether ``database`` has the claim cluster tables (remembered once true)."""
    return await _has_tables(datasette, database, set(PROVENANCE_TABLES), _provenance_databases)


async def _has_tables(
    datasette: Any, database: str, tables: set[str], found_in: WeakSet[Any]
) -> bool:
    db = datasette.get_database(database)
    if db not in found_in:
        if not tables.issubset({*await db.table_names(), *await db.view_names()}):
            return False
        found_in.add(db)
    return True


def article_url(datasette: Any, database: str, article_id: str) -> str:
    return f"{_database_url(datasette, database)}/-/article/{_tilde_encode(article_id)}"


def cluster_url(datasette: Any, database: str, cluster_id: str) -> str:
    return f"{_database_url(datasette, database)}/-/cluster/{_tilde_encode(cluster_id)}"


# A query page links thousands of rows: each database's and table's address is worked out once.
@lru_cache(maxsize=256)
def _database_url(datasette: Any, database: str) -> str:
    return str(datasette.urls.database(database))


@lru_cache(maxsize=256)
def _table_url(datasette: Any, database: str, table: str) -> str:
    return str(datasette.urls.table(database, table))


# What Datasette's tilde encoding leaves as it is: article ids, for one.
UNENCODED = re.compile(r"[A-Za-z0-9_-]*")


def _tilde_encode(value: str) -> str:
    """``tilde_encode(value)``, without its byte-by-byte work for a value it would leave as it is
    (a query page links thousands of ids)."""
    return value if UNENCODED.fullmatch(value) else tilde_encode(value)


def row_url(datasette: Any, database: str, table: str, row_id: str) -> str:
    """The page of one row: a view's (which has no row pages) filtered to the row's id."""
    if table in SPAN_VIEWS:
        return f"{_table_url(datasette, database, table)}?id={quote(str(row_id), safe='')}"
    return f"{_table_url(datasette, database, table)}/{_tilde_encode(str(row_id))}"


def render_spans(
    text: str,
    start: int,
    end: int,
    highlights: Iterable[Highlight],
    markers: dict[int, list[int]] | None = None,
) -> Markup:
    """``text[start:end]`` as HTML, each highlight styled and labelled for screen readers.

    Overlapping highlights combine their styles. Content is bracketed; ``markers`` maps an
    offset to the numbers of the findings whose reference mark goes right after it.
    """
    markers = markers or {}
    inside = [h for h in highlights if h.start < end and start < h.end and h.start < h.end]
    cuts = sorted(
        {start, end}
        | {min(max(p, start), end) for h in inside for p in (h.start, h.end)}
        | {p for p in markers if start < p <= end}
    )
    parts: list[Markup] = []
    for left, right in pairwise(cuts):
        active = [h for h in inside if h.start <= left and right <= h.end]
        for h in active:
            if h.start == left:
                parts.append(Markup('<span class="sayso-sr">{}: </span>').format(h.role))
                if h.role == "content":
                    parts.append(Markup('<span class="sayso-bracket" aria-hidden="true">⟦</span>'))
        segment = escape(text[left:right])
        if active:
            classes = " ".join(sorted({f"sayso-{h.role}" for h in active}))
            title = "; ".join(h.label for h in active)
            segment = Markup('<span class="{}" title="{}">{}</span>').format(
                classes, title, segment
            )
        parts.append(segment)
        for h in active:
            if h.end == right and h.role == "content":
                parts.append(Markup('<span class="sayso-bracket" aria-hidden="true">⟧</span>'))
                parts.append(Markup('<span class="sayso-sr"> (end of content)</span>'))
        for number in markers.get(right, []):
            parts.append(
                Markup(
                    '<sup class="sayso-ref"><a href="#finding-{0}" aria-label="finding {0}">'
                    "{0}</a></sup>"
                ).format(number)
            )
    return Markup("").join(parts)


ARTICLE_SQL = """
select id, path, title, text, score, statements, claims, attributed_claims, metadata
from articles where id = ?
"""
# What an HTML page said about itself that the article page shows under the title, in order.
SHOWN_METADATA = ("author", "date", "sitename", "url")
ATTRIBUTIONS_SQL = """
select attributions.*, sources.name as source_name, sources.type as source_type
from attributions left join sources on sources.id = attributions.source_id
where attributions.article_id = ?
order by coalesce(source_start, cue_start, content_start), attributions.id
"""
SOURCES_SQL = """
select article_sources.*, sources.name, sources.type
from article_sources join sources on sources.id = article_sources.source_id
where article_sources.article_id = ?
order by article_sources.attributions desc, article_sources.mentions desc, sources.id
"""
FINDINGS_SQL = """
select findings.*, statements.start as statement_start, statements."end" as statement_end
from findings left join statements on statements.id = findings.statement_id
where findings.article_id = ?
order by coalesce(findings.start, statements.start), findings.id
"""


# A statement's start places its link in the margin; only clusters spanning articles qualify.
SHARED_CLAIMS_SQL = """
select distinct cluster_members.cluster_id, claim_clusters.articles, statements.start,
  statements.text
from cluster_members
join claim_clusters on claim_clusters.id = cluster_members.cluster_id
join statements on statements.id = cluster_members.statement_id
where cluster_members.article_id = ? and claim_clusters.articles > 1
order by statements.start, cluster_members.cluster_id
"""
CLUSTER_SQL = """
select claim_clusters.*, sources.name as original_name, sources.type as original_type,
  articles.title as first_title, articles.path as first_path
from claim_clusters
left join sources on sources.id = claim_clusters.original_source_id
left join articles on articles.id = claim_clusters.first_article_id
where claim_clusters.id = ?
"""
# Members were stored in checking order, so their ids keep the first article first.
MEMBERS_SQL = """
select cluster_members.*, statements.text, articles.title, articles.path,
  cited.name as source_name, cited.type as source_type, origin.name as origin_name,
  origin.type as origin_type
from cluster_members
left join statements on statements.id = cluster_members.statement_id
left join articles on articles.id = cluster_members.article_id
left join sources as cited on cited.id = cluster_members.source_id
left join sources as origin on origin.id = cluster_members.origin_source_id
where cluster_members.cluster_id = ?
order by cluster_members.id
"""
CLUSTER_FINDINGS_SQL = """
select cluster_findings.*, articles.title, articles.path
from cluster_findings
left join articles on articles.id = cluster_findings.article_id
where cluster_findings.cluster_id = ?
order by cluster_findings.id
"""


def _highlights(attributions: Iterable[Any]) -> Iterable[Highlight]:
    for number, row in enumerate(attributions, 1):
        who = row["source_name"] or row["source_text"] or "unresolved source"
        kind = f", {row['source_type']}" if row["source_type"] else ""
        for role in ("source", "cue"):
            if row[f"{role}_start"] is not None:
                label = f"{role} of attribution {number}: {who}{kind}"
                yield Highlight(row[f"{role}_start"], row[f"{role}_end"], role, label)
        for fragment_start, fragment_end in _fragments(row["content_fragments"]):
            label = f"content of attribution {number} ({row['form']}), from {who}"
            yield Highlight(fragment_start, fragment_end, "content", label)


def _fragments(value: str | None) -> list[tuple[int, int]]:
    try:
        return [(int(start), int(end)) for start, end in json.loads(value or "[]")]
    except (ValueError, TypeError):
        return []


def _note(number: int, finding: Any, datasette: Any, database: str) -> Note:
    anchor = finding["start"] if finding["start"] is not None else finding["statement_start"]
    marker = finding["end"] if finding["end"] is not None else finding["statement_end"]
    statement = finding["statement_id"]
    return Note(
        number=number,
        anchor=anchor,
        marker=marker,
        severity=finding["severity"],
        checker=finding["checker"],
        code=finding["code"],
        message=finding["message"],
        points=finding["points"] or 0.0,
        row_url=row_url(datasette, database, "findings", finding["id"]),
        statement_url=row_url(datasette, database, "statements", statement) if statement else None,
        statement_number=statement_number(statement),
    )


def _attribution_context(row: Any, datasette: Any, database: str) -> dict[str, Any]:
    spans = {
        role: Markup('<span class="sayso-{}">{}</span>').format(role, row[f"{role}_text"])
        if row[f"{role}_text"]
        else ""
        for role in ROLES
    }
    return {
        "form": row["form"],
        "spans": spans,
        "source_name": row["source_name"],
        "source_type": row["source_type"],
        "source_url": row_url(datasette, database, "sources", row["source_id"])
        if row["source_id"]
        else None,
        "row_url": row_url(datasette, database, "attributions", row["id"]),
    }


def _source_context(row: Any, total: int, datasette: Any, database: str) -> dict[str, Any]:
    return {
        "name": row["name"],
        "type": row["type"],
        "mentions": row["mentions"],
        "attributions": row["attributions"],
        "share": _percent(row["attributions"], total),
        "url": row_url(datasette, database, "sources", row["source_id"]),
    }


def _rows_where(datasette: Any, database: str, table: str, column: str, value: str) -> str:
    """The table page filtered to rows whose ``column`` equals ``value``."""
    return f"{datasette.urls.table(database, table)}?{column}={tilde_encode(value)}"


def _article_links(datasette: Any, database: str, article_id: str) -> dict[str, str]:
    def rows_of(table: str) -> str:
        return _rows_where(datasette, database, table, "article_id", article_id)

    return {
        "article": row_url(datasette, database, "articles", article_id),
        "summary": rows_of("article_summary"),
        "statements": rows_of("statements"),
        "attributions": rows_of("attributions"),
        "findings": rows_of("findings"),
        "sources": rows_of("article_sources"),
    }


def _shared_claim_context(row: Any, datasette: Any, database: str) -> dict[str, Any]:
    words = row["text"].split()
    others = row["articles"] - 1
    return {
        "url": cluster_url(datasette, database, row["cluster_id"]),
        "others": f"{others} other article{'s' if others != 1 else ''}",
        "excerpt": " ".join(words[:6]) + (" …" if len(words) > 6 else ""),
    }


def _reporters(
    members: Iterable[Any], first: str | None, datasette: Any, database: str
) -> list[dict[str, Any]]:
    """The cluster's articles in order, each with its statements and the sources they cite."""
    reporters: dict[str, dict[str, Any]] = {}
    for row in members:
        article_id = row["article_id"]
        reporter = reporters.setdefault(
            article_id,
            {
                "title": _title(row["title"], row["path"], article_id),
                "url": article_url(datasette, database, article_id),
                "first": article_id == first,
                "statements": {},
            },
        )
        statement = reporter["statements"].setdefault(
            row["statement_id"],
            {
                "text": row["text"],
                "url": row_url(datasette, database, "statements", row["statement_id"]),
                "number": statement_number(row["statement_id"]),
                "similarity": row["similarity"],
                "cited": [],
            },
        )
        if row["source_id"]:
            statement["cited"].append(
                {
                    "source": _source_link(
                        row["source_id"], row["source_name"], datasette, database
                    ),
                    "type": row["source_type"],
                    "as_written": row["source_text"],
                    "origin": _source_link(
                        row["origin_source_id"], row["origin_name"], datasette, database
                    ),
                    "origin_type": row["origin_type"],
                }
            )
    for reporter in reporters.values():
        reporter["statements"] = list(reporter["statements"].values())
    return list(reporters.values())


def _cluster_finding_context(row: Any, datasette: Any, database: str) -> dict[str, Any]:
    article_id = row["article_id"]
    return {
        "severity": row["severity"],
        "code": row["code"],
        "message": row["message"],
        "article": {
            "title": _title(row["title"], row["path"], article_id),
            "url": article_url(datasette, database, article_id),
        }
        if article_id
        else None,
        "statement_number": statement_number(row["statement_id"]),
        "statement_url": row_url(datasette, database, "statements", row["statement_id"])
        if row["statement_id"]
        else None,
        "row_url": row_url(datasette, database, "cluster_findings", row["id"]),
    }


def _cluster_links(datasette: Any, database: str, cluster_id: str) -> dict[str, str]:
    def rows_of(table: str) -> str:
        return _rows_where(datasette, database, table, "cluster_id", cluster_id)

    return {
        "cluster": row_url(datasette, database, "claim_clusters", cluster_id),
        "members": rows_of("cluster_members"),
        "findings": rows_of("cluster_findings"),
    }


def _source_link(
    source_id: str | None, name: str | None, datasette: Any, database: str
) -> Markup | None:
    if not source_id:
        return None
    return _link(row_url(datasette, database, "sources", source_id), name or source_id)


def _title(title: str | None, path: str | None, article_id: str) -> str:
    return title or path or article_id


def _about(metadata: str | None) -> list[tuple[str, str]]:
    """The page's own author, date, site and address (:data:`SHOWN_METADATA`), where given."""
    try:
        found = json.loads(metadata or "{}")
    except ValueError:
        return []
    if not isinstance(found, dict):
        return []
    return [(key, str(found[key])) for key in SHOWN_METADATA if found.get(key)]


def _json_list(value: str | None) -> list[str]:
    try:
        items = json.loads(value or "[]")
    except ValueError:
        return []
    return [str(item) for item in items] if isinstance(items, list) else []


def _attribution_cell(
    row: dict[str, Any], value: Any, column: str, database: str, datasette: Any
) -> Markup | None:
    """Span columns in the article page's styles; JSON offsets as text and links.

    Other columns may be hidden (``_col=``), so each case checks for the ones it needs.
    """
    if column in SPAN_COLUMNS:
        return Markup('<span class="sayso-{}">{}</span>').format(SPAN_COLUMNS[column], value)
    if column == "content_fragments" and row.get("content_text") is not None:
        offset = row["content_start"]
        pieces = [
            Markup('<span class="sayso-content" title="characters {}–{}">{}</span>').format(
                start, end, row["content_text"][start - offset : end - offset]
            )
            for start, end in _fragments(value)
        ]
        return Markup(" … ").join(pieces) if pieces else None
    article_id = _raw(row.get("article_id"))
    if column == "statements" and article_id:
        try:
            indexes = [int(index) for index in json.loads(value)]
        except (ValueError, TypeError):
            return None
        links = [
            _link(row_url(datasette, database, "statements", f"{article_id}:{i}"), f"[{i + 1}]")
            for i in indexes
        ]
        return Markup(", ").join(links)
    return None


def _raw(value: Any) -> Any:
    """A cell's own value: table pages hand plugins foreign keys as ``{value, label}``."""
    return value["value"] if isinstance(value, dict) else value


def _link(url: str, text: object) -> Markup:
    # Not Markup.format: a query page renders thousands of these, and it costs several times more.
    return Markup(f'<a href="{escape(url)}">{escape(text)}</a>')


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


@cache
def _stylesheet_text() -> str:
    return (HERE / "static" / "sayso.css").read_text(encoding="utf-8")
