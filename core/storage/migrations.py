"""sayso's migrations: how a database written by an older sayso is brought up to date.

They are history: each builds on what the ones before left, and none changes once released (a
database records the names of those applied). What they leave is described, as it is now, in
:mod:`sayso.storage.schema`, from which the latest ones take their names (``tests/test_schema.py``
checks the two agree); a change to the schema is a new migration here and its result there.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from ..model import SCORE_DECIMALS
from . import schema
from .schema import has_table

if TYPE_CHECKING:
    import sqlite_utils


def m001_initial(db: sqlite_utils.Database) -> None:
    db.table("runs").create(
        {
            "id": int,
            "started": str,
            "finished": str,
            "sayso_version": str,
            "analyzer": str,
            "plugins": str,
            "articles": int,
            "errors": int,
        },
        pk="id",
    )
    db.table("articles").create(
        {
            "id": str,
            "path": str,
            "title": str,
            "text": str,
            "words": int,
            "statements": int,
            "claims": int,
            "attributed_claims": int,
            "score": float,
            "analyzer": str,
            "run_id": int,
            "checked_at": str,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.table("statements").create(
        {
            "id": str,
            "article_id": str,
            "idx": int,
            "start": int,
            "end": int,
            "text": str,
            "paragraph": int,
            "kind": str,
            "is_claim": int,
            "attributed": int,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("sources").create({"id": str, "name": str, "type": str}, pk="id")
    db.table("article_sources").create(
        {"article_id": str, "source_id": str, "mentions": int, "attributions": int},
        pk=("article_id", "source_id"),
        foreign_keys=[("article_id", "articles", "id"), ("source_id", "sources", "id")],
    )
    db.table("attributions").create(
        {
            "id": str,
            "article_id": str,
            "statement_id": str,
            "source_id": str,
            "form": str,
            "source_start": int,
            "source_end": int,
            "source_text": str,
            "cue_start": int,
            "cue_end": int,
            "cue_text": str,
            "content_start": int,
            "content_end": int,
            "content_text": str,
            "content_fragments": str,
            "statements": str,
        },
        pk="id",
        foreign_keys=[
            ("article_id", "articles", "id"),
            ("statement_id", "statements", "id"),
            ("source_id", "sources", "id"),
        ],
    )
    db.table("findings").create(
        {
            "id": str,
            "article_id": str,
            "statement_id": str,
            "checker": str,
            "code": str,
            "severity": str,
            "message": str,
            "start": int,
            "end": int,
            "text": str,
            "points": float,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("statement_id", "statements", "id")],
    )
    db.table("plugin_errors").create(
        {"id": int, "run_id": int, "article_id": str, "plugin": str, "stage": str, "error": str},
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.index_foreign_keys()
    db.table("findings").create_index(["checker", "severity"])
    db.table("sources").create_index(["type"])


def m002_provenance(db: sqlite_utils.Database) -> None:
    db.table("sources").add_column("same_as", str, fk="sources", fk_col="id")
    db.table("source_aliases").create(
        {"source_id": str, "alias": str},
        pk=("source_id", "alias"),
        foreign_keys=[("source_id", "sources", "id")],
    )
    db.table("claim_clusters").create(
        {
            "id": str,
            "label": str,
            "terms": str,
            "articles": int,
            "statements": int,
            "original_source_id": str,
            "first_article_id": str,
            "run_id": int,
        },
        pk="id",
        foreign_keys=[
            ("original_source_id", "sources", "id"),
            ("first_article_id", "articles", "id"),
            ("run_id", "runs", "id"),
        ],
    )
    db.table("cluster_members").create(
        {
            "id": int,
            "cluster_id": str,
            "article_id": str,
            "statement_id": str,
            "source_id": str,
            "source_text": str,
            "origin_source_id": str,
            "similarity": float,
        },
        pk="id",
        foreign_keys=[
            ("cluster_id", "claim_clusters", "id"),
            ("article_id", "articles", "id"),
            ("statement_id", "statements", "id"),
            ("source_id", "sources", "id"),
            ("origin_source_id", "sources", "id"),
        ],
    )
    db.table("cluster_findings").create(
        {
            "id": int,
            "run_id": int,
            "cluster_id": str,
            "article_id": str,
            "statement_id": str,
            "code": str,
            "severity": str,
            "message": str,
        },
        pk="id",
        foreign_keys=[
            ("run_id", "runs", "id"),
            ("cluster_id", "claim_clusters", "id"),
            ("article_id", "articles", "id"),
            ("statement_id", "statements", "id"),
        ],
    )
    db.index_foreign_keys()


def m003_fingerprints(db: sqlite_utils.Database) -> None:
    """What checked each article (so unchanged ones can be skipped), and pages' metadata."""
    db.table("articles").add_column("fingerprint", str)
    db.table("articles").add_column("metadata", str)
    db.table("runs").add_column("skipped", int)


def m004_file_stats(db: sqlite_utils.Database) -> None:
    """The size and modification time of each article's file, looked up by path on re-checks."""
    articles = db.table("articles")
    articles.add_column("file_size", int)
    articles.add_column("file_mtime_ns", int)
    articles.create_index(["path"])


def m005_deductions(db: sqlite_utils.Database) -> None:
    """The score's deductions, so an unchanged article's report can be shown from the database."""
    db.table("articles").add_column("deductions", str)


def m006_plugin_times(db: sqlite_utils.Database) -> None:
    """How long each plugin's checking hooks took in each run."""
    db.table("plugin_times").create(
        {"run_id": int, "plugin": str, "seconds": float, "articles": int},
        pk=("run_id", "plugin"),
        foreign_keys=[("run_id", "runs", "id")],
    )


def m007_statement_numbers(db: sqlite_utils.Database) -> None:
    """Each statement's number as reports and pages show it (from 1), computed, not stored."""
    db.execute(
        "ALTER TABLE statements ADD COLUMN number INTEGER GENERATED ALWAYS AS (idx + 1) VIRTUAL"
    )


# Browsing a large archive needs per-source, per-type, per-article and per-statement figures
# that would take a scan of the whole database to work out per request. They are kept in tables
# that triggers maintain as rows are written and deleted — by a check, a merge or anything else —
# so they always agree with the rows. The figures are defined here once, as the SQL below.
_AGGREGATE_TABLES = """
create table source_stats (
  source_id text primary key, articles integer not null default 0,
  attributions integer not null default 0, mentions integer not null default 0,
  score_total real not null default 0
);
create index idx_source_stats_attributions on source_stats (attributions);
create table type_stats (
  type text primary key, sources integer not null default 0,
  articles integer not null default 0, attributions integer not null default 0
);
create table article_types (
  article_id text, type text, sources integer not null default 0,
  primary key (article_id, type)
);
create table article_stats (
  article_id text primary key, attributions integer not null default 0,
  warnings integer not null default 0, top_source_id text, top_attributions integer,
  top_mentions integer, top_source_share real
);
create index idx_article_stats_share on article_stats (top_source_share, attributions);
create table statement_stats (
  statement_id text primary key, article_id text, attributions integer not null default 0,
  state_media integer not null default 0
);
create index idx_statement_stats_article on statement_stats (article_id, state_media);
create index if not exists idx_articles_score_title on articles (score, title);
create index if not exists idx_findings_points on findings (points);
"""

# The top source of an article: most attributions, then mentions, then id. A new row only has
# to be compared with the top so far; a deleted one (a re-check deletes them all) means looking
# at the rows left.
_TOP_SOURCE_AFTER_INSERT = """
update article_stats set top_source_id = new.source_id, top_attributions = new.attributions,
  top_mentions = new.mentions,
  top_source_share = round(1.0 * new.attributions / nullif(attributions, 0), 3)
where article_id = new.article_id and new.attributions > 0 and (
  top_source_id is null
  or (new.attributions, new.mentions, top_source_id)
    > (top_attributions, top_mentions, new.source_id)
);
"""
_TOP_SOURCE_AFTER_DELETE = """
update article_stats set
  (top_source_id, top_attributions, top_mentions) = (
    select source_id, attributions, mentions from article_sources
    where article_sources.article_id = article_stats.article_id and attributions > 0
    order by attributions desc, mentions desc, source_id limit 1
  )
where article_id = old.article_id and top_source_id = old.source_id;
update article_stats
set top_source_share = round(1.0 * top_attributions / nullif(attributions, 0), 3)
where article_id = old.article_id and top_source_id is not old.source_id;
"""

_AGGREGATE_TRIGGERS = f"""
create trigger aggregate_sources_insert after insert on sources begin
  insert into type_stats (type, sources) values (new.type, 1)
  on conflict(type) do update set sources = sources + 1;
end;
create trigger aggregate_sources_delete after delete on sources begin
  update type_stats set sources = sources - 1 where type = old.type;
end;
create trigger aggregate_article_sources_insert after insert on article_sources begin
  insert into source_stats (source_id, articles, attributions, mentions, score_total)
  values (new.source_id, 1, new.attributions, new.mentions,
    coalesce((select score from articles where id = new.article_id), 0))
  on conflict(source_id) do update set articles = articles + 1,
    attributions = attributions + excluded.attributions, mentions = mentions + excluded.mentions,
    score_total = score_total + excluded.score_total;
  insert into article_types (article_id, type, sources)
  select new.article_id, type, 1 from sources where id = new.source_id
  on conflict(article_id, type) do update set sources = sources + 1;
  update type_stats set attributions = attributions + new.attributions
  where type = (select type from sources where id = new.source_id);
  insert into article_stats (article_id) values (new.article_id) on conflict do nothing;
  {_TOP_SOURCE_AFTER_INSERT}
end;
create trigger aggregate_article_sources_delete after delete on article_sources begin
  update source_stats set articles = articles - 1, attributions = attributions - old.attributions,
    mentions = mentions - old.mentions,
    score_total = score_total - coalesce((select score from articles where id = old.article_id), 0)
  where source_id = old.source_id;
  update article_types set sources = sources - 1
  where article_id = old.article_id and type = (select type from sources where id = old.source_id);
  delete from article_types where article_id = old.article_id and sources <= 0;
  update type_stats set attributions = attributions - old.attributions
  where type = (select type from sources where id = old.source_id);
  {_TOP_SOURCE_AFTER_DELETE}
end;
create trigger aggregate_article_types_insert after insert on article_types begin
  insert into type_stats (type, articles) values (new.type, 1)
  on conflict(type) do update set articles = articles + 1;
end;
create trigger aggregate_article_types_delete after delete on article_types begin
  update type_stats set articles = articles - 1 where type = old.type;
end;
create trigger aggregate_attributions_insert after insert on attributions begin
  insert into article_stats (article_id, attributions) values (new.article_id, 1)
  on conflict(article_id) do update set attributions = attributions + 1,
    top_source_share = round(1.0 * top_attributions / (attributions + 1), 3);
  insert into statement_stats (statement_id, article_id, attributions, state_media)
  select new.article_id || ':' || value, new.article_id, 1,
    coalesce((select type = 'state_media' from sources where id = new.source_id), 0)
  from json_each(new.statements) where true
  on conflict(statement_id) do update set attributions = attributions + 1,
    state_media = state_media + excluded.state_media;
end;
create trigger aggregate_attributions_delete after delete on attributions begin
  update article_stats set attributions = attributions - 1,
    top_source_share = round(1.0 * top_attributions / nullif(attributions - 1, 0), 3)
  where article_id = old.article_id;
  update statement_stats set attributions = attributions - 1,
    state_media = state_media
      - coalesce((select type = 'state_media' from sources where id = old.source_id), 0)
  where article_id = old.article_id
    and statement_id in (select old.article_id || ':' || value from json_each(old.statements));
  delete from statement_stats where article_id = old.article_id and attributions <= 0;
end;
create trigger aggregate_findings_insert after insert on findings
when new.severity in ('warning', 'error') begin
  insert into article_stats (article_id, warnings) values (new.article_id, 1)
  on conflict(article_id) do update set warnings = warnings + 1;
end;
create trigger aggregate_findings_delete after delete on findings
when old.severity in ('warning', 'error') begin
  update article_stats set warnings = warnings - 1 where article_id = old.article_id;
end;
create trigger aggregate_articles_delete after delete on articles begin
  delete from article_stats where article_id = old.id;
end;
"""

# What m008 worked out for the table it had per statement (m010 moved the figures into the
# statements' rows); the other tables' figures are worked out by the current definitions.
_STATEMENT_STATS_BACKFILL = """
insert into statement_stats (statement_id, article_id, attributions, state_media)
select attributions.article_id || ':' || carried.value, attributions.article_id, count(*),
  sum(coalesce(sources.type = 'state_media', 0))
from attributions join json_each(attributions.statements) as carried
left join sources on sources.id = attributions.source_id
group by attributions.article_id, carried.value;
"""


def m008_browsing_aggregates(db: sqlite_utils.Database) -> None:
    """Figures browsing needs, kept current by triggers as rows are written (see above)."""
    # One statement at a time: executescript would commit the migration's transaction.
    statement = ""
    backfill = schema.AGGREGATE_BACKFILL + _STATEMENT_STATS_BACKFILL
    for line in (_AGGREGATE_TABLES + backfill + _AGGREGATE_TRIGGERS).splitlines():
        statement += line + "\n"
        if sqlite3.complete_statement(statement):
            db.conn.execute(statement)
            statement = ""


def m009_non_attributions(db: sqlite_utils.Database) -> None:
    """Sources named as not vouching for anything ("declined to comment", "had not confirmed")."""
    db.table("non_attributions").create(
        {
            "id": str,
            "article_id": str,
            "statement_id": str,
            "source_id": str,
            "source_start": int,
            "source_end": int,
            "source_text": str,
            "cue_start": int,
            "cue_end": int,
            "cue_text": str,
        },
        pk="id",
        foreign_keys=[
            ("article_id", "articles", "id"),
            ("statement_id", "statements", "id"),
            ("source_id", "sources", "id"),
        ],
    )
    db.table("non_attributions").create_index(["article_id"])


def m010_spans(db: sqlite_utils.Database) -> None:
    """Spans instead of copies of the article's text; per-statement figures in their rows.

    Statements, attributions, non-attributions and findings move to tables without their text
    columns (``statement_rows``, …); views of their old names give the text back from
    ``articles.text`` (:data:`~sayso.storage.schema.SPAN_VIEWS`). The file keeps its size until
    it is vacuumed (``sqlite3 sayso.db VACUUM``).
    """
    conn = db.conn
    searched = has_table(conn, schema.STATEMENT_SEARCH)
    if searched:
        # sqlite-utils' full-text search over the old table, made again over the view below.
        for suffix in ("ai", "ad", "au"):
            conn.execute(f"DROP TRIGGER IF EXISTS [statements_{suffix}]")
        conn.execute(f"DROP TABLE [{schema.STATEMENT_SEARCH}]")
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'aggregate_%'"
    ).fetchall():
        conn.execute(f"DROP TRIGGER [{name}]")
    for view in schema.SPAN_VIEWS.values():
        conn.execute(f"ALTER TABLE [{view.name}] RENAME TO [{view.table}]")
        for column in view.texts:
            conn.execute(f"ALTER TABLE [{view.table}] DROP COLUMN [{column}]")
    for statement in schema.STATEMENT_COUNTS_SQL:
        conn.execute(statement)
    state_media = "idx_statement_rows_state_media"
    conn.execute(schema.INDEXES[state_media].sql(state_media))
    conn.execute(schema.STATEMENT_COUNTS_BACKFILL)
    conn.execute("DROP TABLE statement_stats")
    for statement in schema.aggregate_trigger_sql():
        conn.execute(statement)
    for view in schema.SPAN_VIEWS.values():
        conn.execute(f"CREATE VIEW [{view.name}] AS {view.sql()}")
    if searched:
        for statement in schema.STATEMENT_SEARCH_SQL:
            conn.execute(statement)


def m011_every_source_counted(db: sqlite_utils.Database) -> None:
    """Every source has a row of figures, so source_summary lists sources in an index's order."""
    db.conn.execute(
        "INSERT INTO source_stats (source_id) SELECT id FROM sources WHERE true "
        "ON CONFLICT DO NOTHING"
    )
    db.conn.execute("DROP TRIGGER aggregate_sources_insert")
    db.conn.execute(schema.trigger_sql("aggregate_sources_insert"))


def m012_article_terms(db: sqlite_utils.Database) -> None:
    """Each article's claim terms, stored by the link that worked them out for the next one."""
    db.table("article_terms").create(
        {"article_id": str, "extractor": str, "terms": bytes},
        pk="article_id",
        foreign_keys=[("article_id", "articles", "id")],
    )


def m013_figures_per_batch(db: sqlite_utils.Database) -> None:
    """Rows inserted are counted in the browsing figures per batch, not by per-row triggers.

    Whatever inserts articles' rows now runs :data:`~sayso.storage.schema.ARTICLE_FIGURES_SQL`
    over them (``sayso.storage.store.count_in_figures``); deleting rows still updates the
    figures by trigger. The figures stored stay what they were.
    """
    for name in schema.REPLACED_TRIGGERS:
        db.conn.execute(f"DROP TRIGGER IF EXISTS [{name}]")


def m014_exact_score_totals(db: sqlite_utils.Database) -> None:
    """Sources' score totals are exact: every sum is rounded to the scores' decimals.

    Added one by one in the order batches came (with workers: the order they finished), a
    total could differ in its last bit between two runs over the same articles.
    """
    name = "aggregate_article_sources_delete"
    db.conn.execute(f"DROP TRIGGER IF EXISTS [{name}]")
    db.conn.execute(schema.trigger_sql(name))
    db.conn.execute(f"UPDATE source_stats SET score_total = round(score_total, {SCORE_DECIMALS})")


def m015_article_order_figures(db: sqlite_utils.Database) -> None:
    """Each article's score and count of statements resting on state media alone, beside its
    other figures, so that state_media_only and top_source_share read an index in their order
    instead of walking every article (a million, for a few statements) or reading each article's
    row past its text for the score."""
    conn = db.conn
    conn.execute("ALTER TABLE article_stats ADD COLUMN score REAL")
    conn.execute("ALTER TABLE article_stats ADD COLUMN state_media_only INTEGER NOT NULL DEFAULT 0")
    conn.execute(schema.ARTICLE_ORDER_BACKFILL)
    name = "idx_article_stats_state_media"
    conn.execute(schema.INDEXES[name].sql(name))
    name = "aggregate_attributions_delete"
    conn.execute(f"DROP TRIGGER IF EXISTS [{name}]")
    conn.execute(schema.trigger_sql(name))


MIGRATIONS = (
    m001_initial,
    m002_provenance,
    m003_fingerprints,
    m004_file_stats,
    m005_deductions,
    m006_plugin_times,
    m007_statement_numbers,
    m008_browsing_aggregates,
    m009_non_attributions,
    m010_spans,
    m011_every_source_counted,
    m012_article_terms,
    m013_figures_per_batch,
    m014_exact_score_totals,
    m015_article_order_figures,
)
