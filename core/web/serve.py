"""Browsing a sayso database in Datasette: summary views, full-text search, generated metadata.

:func:`prepare_database` adds what browsing needs (two summary views, full-text search over
statements kept current by triggers, an index for sorting by score). It is idempotent, so
``sayso serve`` runs it every time and a check may run it too. :func:`build_metadata` describes
every table, view, column and canned query. Only :func:`make_datasette` and :func:`serve` import
Datasette, an optional extra (``pip install 'sayso[serve]'``).
"""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Collection, Sequence
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from ..storage import schema, store

if TYPE_CHECKING:
    from datasette.app import Datasette


# The summary views browsing adds (sayso.storage.schema defines them with the rest).
VIEWS = schema.SUMMARY_VIEWS


# Whether an attribution carries a statement. Almost every attribution carries one statement,
# its statement_id; only the rare longer ones need their JSON list read.
_CARRIES = """attributions.article_id = statements.article_id
    and (attributions.statement_id = statements.id
      or (json_array_length(attributions.statements) > 1
        and statements.idx in (select value from json_each(attributions.statements))))"""

# Queries listing statements walk articles in score order ("cross join" keeps that order), so
# SQLite streams rows and a page is ready without reading the whole database. Every ORDER BY
# follows an index to its last term (score, then the article's row or id): thousands of articles
# share a score, and sorting all of theirs would cost what streaming saves. state_media_only
# walks only the articles that have a statement to show (state media are rare in most archives:
# walking every article's score, it read a million index entries for a few statements), by the
# index of the figures kept per article (their score is the article's). An article's row holds
# its text before its figures, so reading its score or word count reads the whole text: the
# queries read those from an index or from the figures instead.
SEARCH_QUERY = "search_statements"
CANNED_QUERIES: dict[str, dict[str, str]] = {
    "unattributed_claims": {
        "title": "Unattributed claims",
        "description": "Claims (body sentences) that no attribution carries, weakest articles "
        "first. Warnings mark the check-worthy ones: numbers, allegations, assessments, "
        "predictions, causes.",
        "sql": """
select
  statements.id as statement_id,
  statements.article_id,
  articles.title as article,
  articles.score,
  statements.text,
  (select group_concat(distinct findings.severity) from findings
    where findings.statement_id = statements.id) as severity
from articles
cross join statements on statements.article_id = articles.id
where statements.is_claim = 1 and statements.attributed = 0
order by articles.score, articles.rowid, statements.idx
""",
    },
    "articles_by_score": {
        "title": "Articles ranked by sourcing score",
        "description": "Every article from weakest to best sourced, with how much of it is "
        "attributed.",
        "sql": """
select
  -- As rank() over (order by score) gives it, counted on the score index for the rows shown
  -- rather than for every article before the first row.
  1 + (select count(*) from articles as weaker where weaker.score < articles.score) as rank,
  id as article_id,
  title,
  score,
  claims,
  attributed_claims,
  round(1.0 * attributed_claims / nullif(claims, 0), 3) as attributed_share,
  words
from articles
order by score, title
""",
    },
    "sources_by_type": {
        "title": "Sources by type across all articles",
        "description": "How often each kind of source (person, government, state media, "
        "anonymous, …) is cited, and in how many articles.",
        "sql": """
select
  type,
  sources,
  articles,
  attributions,
  round(1.0 * attributions / nullif((select sum(attributions) from type_stats), 0), 3)
    as share_of_attributions
from type_stats
where sources > 0 or articles > 0
order by attributions desc
""",
    },
    "state_media_only": {
        "title": "Statements resting on state media only",
        "description": "Statements whose every attribution points at a state media source, "
        "with no other source to corroborate them.",
        "sql": f"""
select
  statements.id as statement_id,
  statements.article_id,
  articles.title as article,
  {schema.span_text("statements", "start", "end")} as text,
  (select group_concat(distinct sources.name) from attributions
    join sources on sources.id = attributions.source_id
    where {_CARRIES}) as sources
from article_stats
cross join statement_rows as statements on statements.article_id = article_stats.article_id
  and statements.state_media > 0
cross join articles on articles.id = article_stats.article_id
where article_stats.state_media_only > 0 and statements.state_media = statements.attributions
order by article_stats.score, article_stats.article_id, statements.idx
""",
    },
    # Where a large database's statements page sends a search (see the Datasette plugin).
    SEARCH_QUERY: {
        "title": "Statements found by full-text search",
        "description": "The statements containing the words searched for, in the order they "
        "were stored, with their articles (up to 1,000). On a large database the statements "
        "page's search answers with this query.",
        "sql": """
select
  statements.id as statement_id,
  statements.article_id,
  articles.title as article,
  statements.text
from statements_fts
join statements on statements.rowid = statements_fts.rowid
join articles on articles.id = statements.article_id
-- Nothing searched (the query's own page, before its form is filled): an empty phrase.
where statements_fts match coalesce(nullif(trim(:search), ''), '""')
order by statements_fts.rowid
""",
    },
    "top_source_share": {
        "title": "The top source's share per article",
        "description": "For each article, the source it cites most and the share of its "
        "attributions that source carries: a high share means the story leans on one voice.",
        "sql": """
select
  article_stats.article_id,
  articles.title,
  article_stats.top_source_id,
  sources.name as top_source,
  sources.type as top_source_type,
  article_stats.top_source_share,
  article_stats.attributions,
  article_stats.score
from article_stats
join articles on articles.id = article_stats.article_id
join sources on sources.id = article_stats.top_source_id
where article_stats.top_source_share is not null
order by article_stats.top_source_share desc, article_stats.attributions desc,
  article_stats.rowid desc
""",
    },
}

ARTICLE_COLUMNS = {
    "article_id": "The article (a hash of its text); links to its highlighted page.",
    "title": "The article's title: its first line or the title given in its metadata.",
    "score": "Sourcing score, 0–100: 100 less the points every finding costs.",
    "statements": "Number of sentences sayso found.",
    "claims": "Statements that are body text (not headlines, datelines, bylines, boilerplate).",
    "attributed_claims": "Claims that at least one attribution carries.",
}

TABLES: dict[str, dict[str, Any]] = {
    "runs": {
        "description": "One row per `sayso check` run: when, which version, analyzer and plugins.",
        "sort_desc": "started",
        "label_column": "started",
        "columns": {
            "id": "Run number.",
            "started": "When the run started (UTC).",
            "finished": "When it finished; empty if it was interrupted.",
            "sayso_version": "sayso version that ran the check.",
            "analyzer": "Analyzer used: offline, stanza or conllu.",
            "plugins": "Plugins loaded, with their versions (JSON).",
            "articles": "Articles checked.",
            "errors": "Inputs that could not be read.",
            "skipped": "Articles skipped because they were unchanged since their last check.",
        },
    },
    "articles": {
        "description": "One row per checked article, weakest sourcing first. Open an "
        "article's title for its text with sources, cues and content highlighted.",
        "sort": "score",
        "label_column": "title",
        "facets": ["analyzer"],
        "columns": {
            "id": ARTICLE_COLUMNS["article_id"],
            "path": "The file it was read from.",
            "title": ARTICLE_COLUMNS["title"],
            "text": "The full text; every span elsewhere is a character offset into it.",
            "words": "Word count.",
            "statements": ARTICLE_COLUMNS["statements"],
            "claims": ARTICLE_COLUMNS["claims"],
            "attributed_claims": ARTICLE_COLUMNS["attributed_claims"],
            "score": ARTICLE_COLUMNS["score"],
            "analyzer": "Analyzer that produced the statements and attributions.",
            "run_id": "The run that last checked it.",
            "checked_at": "When it was last checked (UTC).",
            "fingerprint": "What checked it (sayso, analyzer, plugins, settings): an unchanged "
            "article checked the same way again is skipped.",
            "metadata": "The article's own metadata (JSON), e.g. from a page's front matter.",
            "file_size": "Size in bytes of the file it was read from, when checked.",
            "file_mtime_ns": "Modification time of that file (ns since the epoch), when checked.",
            "deductions": "The points the score lost, each with its reason and findings (JSON).",
        },
    },
    "statements": {
        "description": "Every sentence of every article, with whether it is a claim and "
        "whether an attribution carries it. Searchable.",
        "facets": ["kind", "attributed"],
        "fts_table": "statements_fts",
        "columns": {
            "id": "Article id and sentence number.",
            "article_id": "The article it belongs to.",
            "idx": "Position within the article, from 0 (the id's last part).",
            "number": "The statement's number in sayso's reports and pages: idx + 1.",
            "start": "Character offset where it starts in the article's text.",
            "end": "Character offset where it ends.",
            "text": "The sentence.",
            "paragraph": "Paragraph number, from 0.",
            "kind": "body, headline, dateline, byline or boilerplate.",
            "is_claim": "1 for body text: the statements that should be attributed.",
            "attributed": "1 if an attribution carries it.",
        },
    },
    "sources": {
        "description": "Canonical sources. Named sources (people, organisations, outlets) are "
        "shared across articles; anonymous, document and unknown ones belong to one article.",
        "sort": "name",
        "label_column": "name",
        "facets": ["type"],
        "columns": {
            "id": "Type and a slug of the name (plus the article for unnamed sources).",
            "name": "The source's canonical name, e.g. the full name behind 'he' or 'KCNA'.",
            "type": "person, organization, government, state_media, news_agency, anonymous, "
            "document or unknown.",
            "same_as": "The canonical source this one turned out to name, when checking several "
            "articles together linked them.",
        },
    },
    "source_aliases": {
        "description": "Every name a source went by across the articles checked together.",
        "facets": ["source_id"],
        "columns": {"source_id": "The canonical source.", "alias": "A name it went by."},
    },
    "claim_clusters": {
        "description": "Claims that several articles report: the same fact, and on whose "
        "say-so each article reports it. Most widely reported first.",
        "sort_desc": "articles",
        "label_column": "label",
        "facets": ["original_source_id"],
        "columns": {
            "id": "Cluster id.",
            "label": "The shortest statement reporting the claim.",
            "terms": "The shared terms that linked the statements (JSON).",
            "articles": "Articles reporting the claim.",
            "statements": "Statements reporting it.",
            "original_source_id": "The source it originates from: the one cited as 'X, citing "
            "Y', else the one most articles cite.",
            "first_article_id": "The article that reported it first (in checking order).",
            "run_id": "The run that linked it.",
        },
    },
    "cluster_members": {
        "description": "Each statement in a claim cluster, with the source its article cites "
        "for it (one row per source cited; no source when the article gives none).",
        "facets": ["source_id"],
        "columns": {
            "id": "Row number.",
            "cluster_id": "The claim cluster.",
            "article_id": "The article.",
            "statement_id": "The statement reporting the claim.",
            "source_id": "The canonical source the article cites for it; empty if none.",
            "source_text": "The source as the article writes it.",
            "origin_source_id": "The source that source was citing, if the article says so.",
            "similarity": "How close the statement is to the cluster's other statements, 0–1.",
        },
    },
    "cluster_findings": {
        "description": "What only a set of articles shows: a claim one article attributes and "
        "another states without a source, or shared claims that all rest on one source.",
        "facets": ["code", "severity"],
        "columns": {
            "id": "Row number.",
            "run_id": "The run.",
            "cluster_id": "The claim cluster concerned, if any.",
            "article_id": "The article concerned.",
            "statement_id": "The statement concerned, if any.",
            "code": "What kind of finding it is.",
            "severity": "info, warning or error.",
            "message": "What sayso says.",
        },
    },
    "article_sources": {
        "description": "Which sources each article cites, and how often.",
        "sort_desc": "attributions",
        "facets": ["source_id"],
        "columns": {
            "article_id": "The article.",
            "source_id": "The source.",
            "mentions": "Times the article mentions the source, by name or pronoun.",
            "attributions": "Attributions in the article that rest on the source.",
        },
    },
    "attributions": {
        "description": "Who said what: each attribution's source mention, cue and content, "
        "highlighted as on the article page.",
        "facets": ["form", "source_id"],
        "columns": {
            "id": "Article id and attribution number.",
            "article_id": "The article.",
            "statement_id": "The first statement it carries.",
            "source_id": "The canonical source the mention resolved to; empty if unresolved.",
            "form": "direct (quoted), indirect (reported), mixed, according_to or evidence.",
            "source_start": "Offset where the source mention starts.",
            "source_end": "Offset where the source mention ends.",
            "source_text": "The source mention as written, e.g. 'he' or 'state media'.",
            "cue_start": "Offset where the cue starts.",
            "cue_end": "Offset where the cue ends.",
            "cue_text": "The cue: 'said', 'according to', 'announced', …",
            "content_start": "Offset where the content starts.",
            "content_end": "Offset where the content ends.",
            "content_text": "What was said, from the first content fragment to the last.",
            "content_fragments": "The content's fragments (a quote interrupted by 'he said' "
            "has two).",
            "statements": "The statements it carries.",
        },
    },
    "non_attributions": {
        "description": "Sources the article names as not vouching for anything: they declined "
        "to comment, could not be reached, had not confirmed. Nothing rests on them.",
        "facets": ["source_id"],
        "columns": {
            "id": "Article id and non-attribution number.",
            "article_id": "The article.",
            "statement_id": "The statement that says so.",
            "source_id": "The canonical source that did not vouch; empty if unresolved.",
            "source_start": "Offset where the source mention starts.",
            "source_end": "Offset where the source mention ends.",
            "source_text": "The source mention as written, e.g. 'state media'.",
            "cue_start": "Offset where the cue starts.",
            "cue_end": "Offset where the cue ends.",
            "cue_text": "What says it did not vouch: 'declined to comment', 'had not confirmed'.",
        },
    },
    "findings": {
        "description": "What the checkers want an editor to look at, costliest first.",
        "sort_desc": "points",
        "facets": ["checker", "severity", "code"],
        "columns": {
            "id": "Article id and finding number.",
            "article_id": "The article.",
            "statement_id": "The statement concerned, if any.",
            "checker": "Checker that reported it.",
            "code": "What kind of finding it is, e.g. unattributed-claim.",
            "severity": "info, warning or error.",
            "message": "What the checker says.",
            "start": "Offset where the text concerned starts.",
            "end": "Offset where it ends.",
            "text": "The text concerned.",
            "points": "Points of the sourcing score it cost.",
        },
    },
    "plugin_errors": {
        "description": "Plugins that failed during a run; their results are missing.",
        "facets": ["plugin", "stage"],
        "columns": {
            "id": "Error number.",
            "run_id": "The run.",
            "article_id": "The article being checked, if any.",
            "plugin": "The plugin that failed.",
            "stage": "Where: import, validation or the hook that raised.",
            "error": "The error.",
        },
    },
    "plugin_times": {
        "description": "How long each plugin's checking hooks took in each run.",
        "sort_desc": "seconds",
        "columns": {
            "run_id": "The run.",
            "plugin": "The plugin.",
            "seconds": "Seconds its check_statement, check_article and score_deductions took.",
            "articles": "Articles the run checked.",
        },
    },
    "article_summary": {
        "description": "One line per article: how much is attributed, the source it leans on "
        "most, and its score. Weakest first.",
        "sort": "score",
        "facets": ["top_source_type"],
        "columns": {
            **ARTICLE_COLUMNS,
            "attributed_share": "attributed_claims / claims: the share of claims with a source.",
            "attributions": "Attributions found in the article.",
            "top_source_id": "The source with the most attributions in the article.",
            "top_source": "Its name.",
            "top_source_type": "Its type.",
            "top_source_share": "The share of the article's attributions it carries.",
            "warnings": "Findings of severity warning or error.",
        },
    },
    "source_summary": {
        "description": "One line per source across all articles: how many articles cite it, "
        "how often, and how well those articles score.",
        "sort_desc": "attributions",
        "facets": ["type"],
        "columns": {
            "source_id": "The source.",
            "name": "Its canonical name.",
            "type": "Its type.",
            "articles": "Articles that mention it.",
            "attributions": "Attributions resting on it, across all articles.",
            "mentions": "Mentions of it, across all articles.",
            "average_article_score": "Mean sourcing score of the articles that mention it.",
        },
    },
    "_sqlite_migrations": {"hidden": True},
    "article_terms": {
        "hidden": True,
        "description": "Each article's claim terms as sayso link worked them out, read back by "
        "the next link.",
        "columns": {
            "article_id": "The article.",
            "extractor": "Fingerprint of the term extractor and lexicon that made them.",
            "terms": "Per claim: its statement index and its clauses' words and names "
            "(separated by control characters, Zstandard-compressed).",
        },
    },
    # Figures the summary views and queries read, kept current by triggers as rows are
    # written: hidden from the table list, described for whoever queries them.
    "source_stats": {
        "hidden": True,
        "description": "Per source, across all articles (source_summary reads it).",
        "columns": {
            "source_id": "The source.",
            "articles": "Articles citing or mentioning it.",
            "attributions": "Attributions resting on it.",
            "mentions": "Mentions of it.",
            "score_total": "Sum of those articles' scores (divided by articles: their mean).",
        },
    },
    "type_stats": {
        "hidden": True,
        "description": "Per source type (the sources_by_type query reads it).",
        "columns": {
            "type": "Source type.",
            "sources": "Sources of this type.",
            "articles": "Articles citing a source of this type.",
            "attributions": "Attributions resting on sources of this type.",
        },
    },
    "article_types": {
        "hidden": True,
        "description": "How many sources of each type an article cites (to count articles "
        "per type).",
        "columns": {
            "article_id": "The article.",
            "type": "Source type.",
            "sources": "Sources of that type it cites.",
        },
    },
    "article_stats": {
        "hidden": True,
        "description": "Per article: attributions, warnings, the top source and the "
        "statements resting on state media alone (article_summary, top_source_share and "
        "state_media_only read it).",
        "columns": {
            "article_id": "The article.",
            "attributions": "Attributions found in it.",
            "warnings": "Findings of severity warning or error.",
            "top_source_id": "The source with the most attributions.",
            "top_attributions": "Its attributions.",
            "top_mentions": "Its mentions (the tie-break between sources cited as often).",
            "top_source_share": "Its share of the article's attributions.",
            "score": "The article's score (the order state_media_only lists articles in).",
            "state_media_only": "Its statements resting on state media alone.",
        },
    },
}


def _describe_span_tables(tables: dict[str, dict[str, Any]]) -> None:
    """Describe the tables storing the span views' rows (hidden: the views add each span's text
    to them), and the rowid each view shows."""
    for view in schema.SPAN_VIEWS.values():
        described = tables[view.name]["columns"]
        described["rowid"] = f"The stored row's rowid in {view.table}: the order of writing."
        tables[view.table] = {
            "hidden": True,
            "description": f"The rows of {view.name}, stored as spans into articles.text "
            f"(the {view.name} view gives their text).",
            "columns": {column: described[column] for column in (*view.stored, *view.computed)},
        }
    # Other tables name a statement by its number, as reports do: its text is theirs already.
    tables["statement_rows"]["label_column"] = "number"
    tables["statement_rows"]["columns"].update(
        {
            "attributions": "Attributions carrying it (kept by triggers for state_media_only).",
            "state_media": "Of those, the ones whose source is state media.",
        }
    )


_describe_span_tables(TABLES)


# What the home and database pages lead with, in this order: the usual ways in (views, tables and
# canned queries, described by their metadata above).
LEAD = (
    "article_summary",
    "articles",
    "unattributed_claims",
    "source_summary",
    "state_media_only",
    "claim_clusters",
    "findings",
)


def lead_entries() -> list[dict[str, str]]:
    """The ways in :data:`LEAD` names: name, title, kind (view, table or query), description."""
    entries = []
    for name in LEAD:
        if name in CANNED_QUERIES:
            query = CANNED_QUERIES[name]
            entries.append(
                {
                    "name": name,
                    "title": query["title"],
                    "kind": "query",
                    "description": query["description"],
                }
            )
        else:
            kind = "view" if name in VIEWS or name in schema.SPAN_VIEWS else "table"
            entries.append(
                {
                    "name": name,
                    "title": name,
                    "kind": kind,
                    "description": TABLES[name]["description"],
                }
            )
    return entries


def prepare_database(db: sqlite_utils.Database) -> None:
    """Add the summary views, statement search and score index; safe to run again."""
    with db.atomic():
        for name, sql in VIEWS.items():
            db.create_view(name, sql, replace=True)
        for name, index in schema.BROWSING_INDEXES.items():
            db.execute(index.sql(name).replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
        if schema.STATEMENT_SEARCH not in db.table_names():
            for statement in schema.STATEMENT_SEARCH_SQL:
                db.execute(statement)


# A table page computes the facets its metadata names every time, within 200 ms each
# (Datasette's facet_time_limit_ms). Past this many rows they time out, so a larger table's page
# offers them on request (the column menus, ``_facet=``), not by default.
FACET_LIMIT = 250_000


def large_tables(conn: sqlite3.Connection, limit: int = FACET_LIMIT) -> set[str]:
    """sayso's tables and views that show more than ``limit`` rows (about: their largest rowid)."""
    present = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    found = set()
    for name, shown in schema.ROWS_SHOWN.items():
        if name in present and shown in present:
            (top,) = conn.execute(f"SELECT max(rowid) FROM [{shown}]").fetchone()
            if (top or 0) > limit:
                found.add(name)
    return found


def build_metadata(database: str, large: Collection[str] = ()) -> dict[str, Any]:
    """Datasette metadata for a sayso database served under the name ``database``; the tables
    and views in ``large`` (:func:`large_tables`) without default facets."""
    tables = {
        name: {key: value for key, value in table.items() if key != "facets"}
        if name in large
        else table
        for name, table in TABLES.items()
    }
    return {
        "title": "sayso",
        "description": "On whose say-so? The statements, attributions, sources and findings "
        "of the articles sayso checked, with a 0–100 sourcing score per article.",
        "databases": {
            database: {
                "description": "Start with article_summary (weakest articles first) or a "
                "query below; an article's title opens its text with sources, cues and "
                "content highlighted and the findings in the margin.",
                "tables": tables,
                # Readers come for the answer; the SQL stays one click away.
                "queries": {
                    name: {**query, "hide_sql": True} for name, query in CANNED_QUERIES.items()
                },
            }
        },
    }


def open_for_browsing(path: Path) -> sqlite_utils.Database:
    """Open (migrating) the sayso database at ``path`` and prepare it for browsing.

    Raises :class:`DatabaseError` for anything but a sayso database sayso can write to: serving
    adds views, an index and full-text search, and must not add them to someone else's file.
    """
    store.refuse_foreign_database(
        path,
        "; sayso serve adds views and a search index to the database it serves, so it serves "
        "only those sayso check wrote",
    )
    db = store.open_database(path)
    with store.database_errors(path):
        prepare_database(db)
    return db


def quiet_client_errors() -> None:
    """Keep a traceback per 404 off the terminal ``sayso serve`` runs in.

    Datasette prints every exception its pages raise, a missing page included, as a rich
    traceback with local variables when rich is installed (sayso depends on it): a hundred
    lines per 404. Without rich it prints nothing for a client's error (4xx) and a plain
    traceback for a server's.
    """
    import datasette.handle_exception

    datasette.handle_exception.rich = None


# The home and database pages ``sayso serve`` shows: Datasette's own, led by the ways in.
SERVE_TEMPLATES = Path(__file__).parent / "serve_templates"
# Suggested facets cost seconds on a large database; the metadata names the useful ones.
DATASETTE_SETTINGS = {"suggest_facets": False}


def make_datasette(path: Path) -> Datasette:
    """A Datasette instance over the prepared database at ``path``, as ``sayso serve`` runs it:
    sayso's metadata, settings and page templates."""
    from datasette.app import Datasette

    quiet_client_errors()
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        large = large_tables(conn)
    return Datasette(
        [str(path)],
        metadata=build_metadata(path.stem, large),
        settings=DATASETTE_SETTINGS,
        template_dir=str(SERVE_TEMPLATES),
    )


def datasette_arguments(
    path: Path, metadata: Path, host: str, port: int, open_browser: bool, extra: Sequence[str]
) -> list[str]:
    """The ``datasette serve`` command line :func:`serve` runs: sayso's metadata, settings and
    templates first, so that ``extra`` options (given after ``--``) can override them."""
    arguments = [str(path), "--metadata", str(metadata), "--host", host, "--port", str(port)]
    arguments += ["--template-dir", str(SERVE_TEMPLATES)]
    for name, value in DATASETTE_SETTINGS.items():
        arguments += [
            "--setting",
            name,
            ("on" if value else "off") if isinstance(value, bool) else str(value),
        ]
    if open_browser:
        arguments.append("--open")
    return arguments + list(extra)


def _exit_on_terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def serve(
    path: Path,
    host: str,
    port: int,
    open_browser: bool = False,
    datasette_options: Sequence[str] = (),
) -> None:
    """Prepare ``path`` and serve it with Datasette until interrupted.

    Runs Datasette's own ``serve`` command, so every option it takes can follow (``--cors``,
    ``--setting sql_time_limit_ms 5000``, ``--crossdb``, another database file…); with
    ``open_browser``, Datasette opens the home page in a browser once it listens.
    """
    import json
    import tempfile

    from datasette.cli import serve as datasette_serve

    db = open_for_browsing(path)
    large = large_tables(db.conn)
    db.close()
    quiet_client_errors()
    # uvicorn re-raises the SIGTERM it shut down on; Python's default action would end the
    # process there, before the temporary metadata folder is removed.
    # Put back afterwards: the handler is the process's, and serve may run in-process (tests).
    previous = signal.signal(signal.SIGTERM, _exit_on_terminate)
    try:
        with tempfile.TemporaryDirectory(prefix="sayso-serve-") as folder:
            metadata = Path(folder) / "metadata.json"
            metadata.write_text(json.dumps(build_metadata(path.stem, large)), encoding="utf-8")
            arguments = datasette_arguments(
                path, metadata, host, port, open_browser, datasette_options
            )
            datasette_serve.main(arguments, prog_name="sayso serve DB --", standalone_mode=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
