"""The SQLite database: schema (as migrations), and writing one article's results atomically.

Tables are documented in the README ("Database schema"). Each article's rows are replaced in one
transaction, so re-checking the same text updates it and an interrupted batch leaves every
article either fully old or fully new.

A check run writes through a plain ``sqlite3`` connection (:func:`connect`); sqlite-utils is
loaded only to migrate a database, to store provenance, or for :func:`open_database`. The
functions that write a run take either.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeAlias

from ..errors import DatabaseError
from ..manager import PluginFailure, Plugins
from ..model import Span
from ..pipeline.checkers import ArticleReport
from ..pipeline.engine import batched
from ..pipeline.inputs import headline
from ..provenance.identity import source_id
from ..version import __version__
from . import schema

if TYPE_CHECKING:
    import sqlite_utils
    from sqlite_utils import Migrations

    from ..provenance.linking import Provenance

    Database: TypeAlias = sqlite_utils.Database | sqlite3.Connection

DEFAULT_DB = "sayso.db"
# How long a write waits for another process's transaction before giving up.
BUSY_TIMEOUT_MS = 60_000
# Tables holding one article's rows, written by :func:`save_batch` after its sources.
ARTICLE_TABLES = (
    "articles",
    "statements",
    "article_sources",
    "attributions",
    "non_attributions",
    "findings",
)
# Tables of claim clusters, deleted in this order (members and findings point at clusters).
PROVENANCE_TABLES = ("cluster_findings", "cluster_members", "claim_clusters")


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
    searched = _has_table(conn, schema.STATEMENT_SEARCH)
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
    conn.execute(schema.STATEMENT_COUNTS_BACKFILL)
    conn.execute("DROP TABLE statement_stats")
    for statement in schema.aggregate_trigger_sql():
        conn.execute(statement)
    for view in schema.SPAN_VIEWS.values():
        conn.execute(f"CREATE VIEW [{view.name}] AS {view.sql()}")
    if searched:
        for statement in schema.STATEMENT_SEARCH_SQL:
            conn.execute(statement)


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
)
MIGRATION_SET = "sayso"
# Where sqlite-utils records applied migrations.
MIGRATIONS_TABLE = "_sqlite_migrations"


@cache
def _migration_set() -> Migrations:
    from sqlite_utils import Migrations

    migrations = Migrations(MIGRATION_SET)
    for migration in MIGRATIONS:
        migrations()(migration)
    return migrations


def __getattr__(name: str) -> object:
    # ``migrations`` (sqlite-utils' Migrations of sayso's schema) is built on first use.
    if name == "migrations":
        return _migration_set()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_database(path: str | Path, plugins: Plugins | None = None) -> sqlite_utils.Database:
    """Open (creating or migrating) a sayso database, and let plugins prepare it."""
    return _import_sqlite_utils().Database(connect(path, plugins))


def connect(path: str | Path, plugins: Plugins | None = None) -> sqlite3.Connection:
    """:func:`open_database`, as a plain ``sqlite3`` connection.

    Several processes may open and write one database at once: WAL lets readers go on while one
    writes, writers queue for up to :data:`BUSY_TIMEOUT_MS`, and migrations run under the write
    lock so only the first process applies them.
    """
    conn = open_connection(path)
    migrate(conn, plugins)
    return conn


def open_existing(path: str | Path, plugins: Plugins | None = None) -> sqlite3.Connection:
    """:func:`connect` to a sayso database that must already exist (to link or merge it).

    Raises :class:`~sayso.errors.DatabaseError` when there is no file at ``path`` or it is not a
    sayso database.
    """
    refuse_foreign_database(Path(path))
    return connect(path, plugins)


def refuse_foreign_database(path: Path, why: str = "") -> None:
    """Raise :class:`~sayso.errors.DatabaseError` unless ``path`` is a database sayso wrote:
    one with an ``articles`` table and sayso's migrations recorded. ``why`` ends the message.

    Looking changes nothing: the file is only read, and the connection, read-write where the
    file allows, removes on closing the WAL files a WAL-mode database needs opened (a read-only
    one would leave them behind).
    """
    if not path.is_file():
        raise DatabaseError(f"{path}: no such database; run sayso check first")
    with database_errors(path):
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
        try:
            tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
            applied = applied_migrations(conn)
        finally:
            conn.close()
    if not applied or "articles" not in tables:
        names = sorted(tables)
        listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        what = f"its tables ({listed}) are not sayso's" if tables else "it is empty"
        raise DatabaseError(f"{path}: not a sayso database ({what}){why}")


def open_connection(path: str | Path) -> sqlite3.Connection:
    """A connection with the settings every sayso writer uses; its schema may need migrating.

    Raises :class:`DatabaseError` (one line, naming the file) when ``path`` can't be a sayso
    database to write to, before anything is checked or written.
    """
    _refuse_unusable_path(Path(path))
    with database_errors(path):
        conn = sqlite3.connect(str(path))
        # As sqlite-utils sets it, so triggers plugins add behave the same through either.
        conn.execute("PRAGMA recursive_triggers = on")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _use_wal(conn)
        # In WAL mode NORMAL syncs at checkpoints, not at every commit: a killed process loses
        # no committed article, a power cut may lose the last few, and the file stays consistent.
        conn.execute("PRAGMA synchronous = NORMAL")
        # Rows go to indexes keyed by hashes, all over the file: a 16 MB page cache (the default
        # is 2 MB) keeps a batch's writes to the same pages in memory.
        conn.execute("PRAGMA cache_size = -16000")
        # The WAL is checkpointed at SQLite's default, every 4 MB: those checkpoints overlap
        # with the workers' checking, where a larger WAL would be copied and synced in one go at
        # the end of the run (measured: a run is about 0.1 s faster than with 40 MB).
        refuse_newer_schema(conn, path)
    return conn


def _refuse_unusable_path(path: Path) -> None:
    """Problems with a database path that SQLite would report as "unable to open"."""
    if path.is_dir():
        raise DatabaseError(f"{path}: is a directory, not a database file")
    parent = path.parent
    if not parent.is_dir():
        raise DatabaseError(f"{path}: the directory {parent} does not exist")
    if path.exists() and not path.is_file():
        raise DatabaseError(f"{path}: not a regular file, so not a database")
    # SQLite writes its WAL and lock files beside the database.
    if not os.access(path if path.exists() else parent, os.W_OK) or not os.access(parent, os.W_OK):
        raise DatabaseError(
            f"{path}: not writable (sayso needs to write the file and, beside it, "
            f"{path.name}-wal and {path.name}-shm)"
        )


def refuse_newer_schema(conn: sqlite3.Connection, path: str | Path) -> None:
    """Refuse a database a newer sayso migrated: this one would write rows it can't lay out."""
    known = {migration.__name__ for migration in MIGRATIONS}
    unknown = sorted(set(applied_migrations(conn)) - known)
    if not unknown:
        return
    newest = conn.execute(
        "SELECT sayso_version FROM runs ORDER BY id DESC LIMIT 1"
        if _has_table(conn, "runs")
        else "SELECT NULL"
    ).fetchone()[0]
    needed = f"sayso {newest} or later" if newest else "a newer sayso"
    raise DatabaseError(
        f"{path}: written by {needed} (its schema has {', '.join(unknown)}, which sayso "
        f"{__version__} does not know); upgrade to {needed}, or use another database"
    )


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    """The names of the sayso migrations applied to a database (none for a new one)."""
    if not _has_table(conn, MIGRATIONS_TABLE):
        return []
    rows = conn.execute(
        f"SELECT name FROM [{MIGRATIONS_TABLE}] WHERE migration_set = ?", [MIGRATION_SET]
    )
    return [name for (name,) in rows]


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return bool(
        conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", [name]
        ).fetchone()[0]
    )


@contextmanager
def database_errors(path: str | Path) -> Iterator[None]:
    """Turn what SQLite raises into one :class:`DatabaseError` line naming the database."""
    try:
        yield
    except sqlite3.Error as error:
        raise DatabaseError(f"{path}: {_explain(error)}") from error


def _explain(error: sqlite3.Error) -> str:
    message = str(error)
    if "not a database" in message or "encrypted" in message:
        return "not a SQLite database"
    if "readonly" in message or "read-only" in message:
        return "not writable (a read-only file, directory or file system)"
    if "full" in message:
        return "the disk is full; every article stored before this is kept, and a re-run goes on"
    if "locked" in message or "busy" in message:
        return (
            f"locked by another process for more than {BUSY_TIMEOUT_MS / 1000:g} s; "
            "nothing was lost, try again when it is done"
        )
    return message


def _use_wal(conn: sqlite3.Connection) -> None:
    # Two processes opening a new database both switch it to WAL; the one that finds the other
    # holding the lock the switch needs is told "database is locked" at once (SQLite does not
    # wait for it), so it tries again for as long as any write would wait.
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = wal")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def migrate(conn: sqlite3.Connection, plugins: Plugins | None = None) -> None:
    """Bring the schema up to date (under the write lock) and let plugins prepare the database."""
    if has_pending_migrations(conn):
        db = _import_sqlite_utils().Database(conn)
        with write_transaction(db):
            _migration_set().apply(db)
    if plugins is not None:
        plugins.call("prepare_database", conn=conn)


def _import_sqlite_utils() -> ModuleType:
    """sqlite-utils, imported without numpy and pandas when nothing has imported them yet.

    sqlite-utils imports both if installed, only to give their scalar types column types, and
    sayso stores none. numpy alone costs a check run more CPU than migrating does (its BLAS
    starts a thread per core), at the moment the worker processes want every core.
    """
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        # Importing a module that is None in sys.modules raises ImportError, as if not installed.
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import sqlite_utils
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]
    return sqlite_utils


def has_pending_migrations(conn: sqlite3.Connection) -> bool:
    """Whether the database is new, or older than this sayso's schema."""
    if not _has_table(conn, MIGRATIONS_TABLE):
        return True
    return bool({m.__name__ for m in MIGRATIONS} - set(applied_migrations(conn)))


def start_run(db: Database, analyzer: str | None, plugins: Plugins) -> int:
    versions = {info.name: info.version for info in plugins.info()}
    with write_transaction(db):
        cursor = _connection(db).execute(
            "INSERT INTO runs (started, sayso_version, analyzer, plugins, articles, errors, "
            "skipped) VALUES (?, ?, ?, ?, 0, 0, 0)",
            [_now(), __version__, analyzer, json.dumps(versions)],
        )
    return int(cursor.lastrowid or 0)


def finish_run(db: Database, run_id: int, articles: int, errors: int, skipped: int = 0) -> None:
    with write_transaction(db):
        _connection(db).execute(
            "UPDATE runs SET finished = ?, articles = ?, errors = ?, skipped = ? WHERE id = ?",
            [_now(), articles, errors, skipped, run_id],
        )


def save_plugin_times(
    db: Database, run_id: int, plugin_seconds: dict[str, float], articles: int
) -> None:
    """Record how long each plugin's checking hooks took over a run of ``articles``."""
    rows = [
        (run_id, plugin, round(seconds, 6), articles) for plugin, seconds in plugin_seconds.items()
    ]
    if rows:
        with write_transaction(db):
            _insert(db, "plugin_times", (COLUMNS["plugin_times"], rows))


@contextmanager
def write_transaction(db: Database) -> Iterator[None]:
    """One transaction that takes the write lock at once (a savepoint inside another one).

    ``BEGIN IMMEDIATE`` makes a concurrent writer wait its turn; a deferred transaction that
    read first could instead fail at its first write when another process committed meanwhile.
    """
    conn = _connection(db)
    if conn.in_transaction:
        conn.execute("SAVEPOINT sayso_write")
        try:
            yield
        except BaseException:
            # An error that ended the whole transaction took the savepoint with it.
            if conn.in_transaction:
                conn.execute("ROLLBACK TO sayso_write")
                conn.execute("RELEASE sayso_write")
            raise
        conn.execute("RELEASE sayso_write")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    conn.execute("COMMIT")


def stored_checks(db: Database, article_ids: list[str]) -> dict[str, tuple[str | None, float]]:
    """The fingerprint and score stored for each of these articles that was ever stored.

    A row stored before the score's deductions were (``deductions`` null) counts as never
    stored: its report could not be shown in full from the database, so it is checked again.
    """
    marks = ", ".join("?" for _ in article_ids)
    rows = _connection(db).execute(
        f"SELECT id, fingerprint, score FROM articles WHERE id IN ({marks}) "
        "AND deductions IS NOT NULL",
        article_ids,
    )
    return {article_id: (fingerprint, score) for article_id, fingerprint, score in rows}


# A file changed within this long before its check may change again and keep the same
# modification time (file systems keep it to a clock tick): such a file is always read again.
UNSETTLED_NS = 2_000_000_000


def unchanged_files(
    db: Database, files: dict[str, os.stat_result], fingerprint: str
) -> dict[str, tuple[str, float]]:
    """The files (path: stat) stored with ``fingerprint`` that have the size and modification
    time they had when checked, each with its article id and score.

    Like ``make`` and ``git``, a re-check trusts these to tell that a file's text, and so its
    content hash, has not changed.
    """
    paths = list(files)
    marks = ", ".join("?" for _ in paths)
    rows = _connection(db).execute(
        "SELECT path, id, score, file_size, file_mtime_ns, checked_at FROM articles "
        f"WHERE path IN ({marks}) AND fingerprint = ? AND deductions IS NOT NULL",
        [*paths, fingerprint],
    )
    found = {}
    for path, article_id, score, size, mtime_ns, checked_at in rows:
        stat = files[path]
        checked_ns = int(datetime.fromisoformat(checked_at).timestamp()) * 1_000_000_000
        same = (size, mtime_ns) == (stat.st_size, stat.st_mtime_ns)
        if same and mtime_ns < checked_ns - UNSETTLED_NS:
            found[path] = (article_id, score)
    return found


def record_failures(
    db: Database,
    run_id: int,
    failures: Iterable[PluginFailure],
    article_id: str | None = None,
) -> None:
    rows = [
        (run_id, article_id, failure.plugin, failure.stage, failure.error) for failure in failures
    ]
    if rows:
        with write_transaction(db):
            _insert(db, "plugin_errors", (COLUMNS["plugin_errors"], rows))


def _connection(db: Database) -> sqlite3.Connection:
    return db if isinstance(db, sqlite3.Connection) else db.conn


def report_tables(
    report: ArticleReport, run_id: int | None, fingerprint: str | None = None
) -> dict[str, Table]:
    """Every row one report writes: :func:`article_rows` as tables, its sources, plugin errors.

    Plain data, so a worker process can build them and the writing process only writes.
    """
    analysis = report.analysis
    article_id = analysis.article.id
    source_ids = _source_ids(report)
    tables = _article_tables(report, run_id, source_ids)
    columns, (article,) = tables["articles"]
    tables["articles"] = ((*columns, "fingerprint"), [(*article, fingerprint)])
    # Sources sharing a row id make one row, named by :data:`SOURCE_NAME_RULE`.
    tables["sources"] = (
        COLUMNS["sources"],
        [(source_ids[key], s.name, s.type) for key, s in analysis.sources.items()],
    )
    tables["plugin_errors"] = (
        COLUMNS["plugin_errors"],
        [
            (run_id, article_id, failure.plugin, failure.stage, failure.error)
            for failure in report.failures
        ],
    )
    return tables


# A table's rows as its column names and a tuple of values per row: what executemany takes, and
# what a worker process sends the writing one (unpickling tuples costs a third of dicts).
Table = tuple[tuple[str, ...], list[tuple[Any, ...]]]


def save_batch(db: Database, batch: Iterable[dict[str, Table]], run_id: int | None = None) -> None:
    """Replace several articles' rows (:func:`report_tables`) in a single transaction.

    Each article is still either fully old or fully new; committing a batch at once saves the
    writes a commit per article costs (in WAL mode SQLite writes every changed page again).
    With ``run_id``, the rows are marked as that run's (worker processes build them before the
    run is recorded).
    """
    # An article read twice in a batch (one text in two files) is stored once, where it came last.
    latest: dict[str, dict[str, Table]] = {}
    for tables in batch:
        article_id = article_id_of(tables)
        latest.pop(article_id, None)
        latest[article_id] = tables
    with write_transaction(db):
        _delete_articles(db, list(latest))
        for tables in latest.values():
            save_sources(db, tables["sources"][1])
            for name in (*ARTICLE_TABLES, "plugin_errors"):
                table = tables[name]
                table = _with_run_id(table, run_id) if run_id is not None else table
                _insert(db, schema.ROW_TABLES.get(name, name), table)


def article_id_of(tables: dict[str, Table]) -> str:
    """The id of the article whose rows these are (:func:`report_tables`)."""
    columns, (article, *_) = tables["articles"]
    return str(article[columns.index("id")])


def _with_run_id(table: Table, run_id: int) -> Table:
    columns, rows = table
    if "run_id" not in columns:
        return table
    at = columns.index("run_id")
    return columns, [(*row[:at], run_id, *row[at + 1 :]) for row in rows]


# Articles spell a shared source differently ("USA Today", "USA TODAY"): the row keeps the
# spelling this rule prefers, whichever article came first or last, so the name does not depend
# on the order articles were checked or shards merged. Not in capitals and starting with a letter
# or digit if any spelling is, then the first in code-point order.
_NAME_RANK = "({0}.name = upper({0}.name), {0}.name NOT GLOB '[A-Za-z0-9]*', {0}.name)"
SOURCE_NAME_RULE = f"{_NAME_RANK.format('excluded')} < {_NAME_RANK.format('sources')}"
# What an INSERT into sources ends with, so that a stored source keeps the preferred name.
SOURCE_CONFLICT = (
    "ON CONFLICT(id) DO UPDATE SET name = excluded.name, type = excluded.type "
    f"WHERE {SOURCE_NAME_RULE}"
)


def save_sources(db: Database, rows: Iterable[tuple[str, str, str]]) -> None:
    """Add sources (id, name, type); a source already stored keeps the name the rule prefers."""
    _connection(db).executemany(
        f"INSERT INTO sources (id, name, type) VALUES (?, ?, ?) {SOURCE_CONFLICT}", rows
    )


def _insert(db: Database, name: str, table: Table) -> None:
    # The hot path of a batch: one executemany per table is a third faster than insert_all,
    # which re-inspects the table and converts values per call.
    columns, values = table
    if not values:
        return
    marks = ", ".join("?" for _ in columns)
    _connection(db).executemany(
        f"INSERT INTO [{name}] ({_names(columns)}) VALUES ({marks})", values
    )


def _names(columns: tuple[str, ...]) -> str:
    return ", ".join(f"[{column}]" for column in columns)


def save_provenance(
    given: Database, provenance: Provenance, run_id: int | None, replace_all: bool = False
) -> None:
    """Replace the claim clusters and cross-article findings touching these articles (with
    ``replace_all``, every cluster, finding, alias and ``same_as`` link), in one transaction."""
    sqlite_utils = _import_sqlite_utils()
    db = given if isinstance(given, sqlite_utils.Database) else sqlite_utils.Database(given)
    rows = provenance_rows(provenance, run_id)
    with write_transaction(db):
        if replace_all:
            clear_provenance(db)
        else:
            _delete_provenance(db, list(provenance.articles))
        save_sources(db, [(s["id"], s["name"], s["type"]) for s in rows.pop("sources")])
        _connection(db).executemany(
            "UPDATE sources SET same_as = ? WHERE id = ?",
            [(canonical, own) for own, canonical in provenance.same_as.items()],
        )
        aliases = [(row["source_id"], row["alias"]) for row in rows.pop("source_aliases")]
        _connection(db).executemany(
            "INSERT OR IGNORE INTO source_aliases (source_id, alias) VALUES (?, ?)", aliases
        )
        for table, table_rows in rows.items():
            if table_rows:
                columns = tuple(table_rows[0])
                _insert(db, table, (columns, [tuple(row.values()) for row in table_rows]))


def clear_provenance(db: sqlite_utils.Database | sqlite3.Connection) -> None:
    """Delete every claim cluster, cross-article finding, alias and ``same_as`` link."""
    for table in (*PROVENANCE_TABLES, "source_aliases"):
        db.execute(f"DELETE FROM [{table}]")
    db.execute("UPDATE sources SET same_as = NULL WHERE same_as IS NOT NULL")


def _delete_provenance(db: sqlite_utils.Database, articles: list[str]) -> None:
    """Delete the clusters and cross-article findings that touch these articles."""
    # In chunks: SQLite limits a statement's parameters (999 before SQLite 3.32).
    for batch in batched(iter(articles), 500):
        marks = ", ".join("?" for _ in batch)
        stale = f"SELECT cluster_id FROM cluster_members WHERE article_id IN ({marks})"
        db.execute(f"DELETE FROM claim_clusters WHERE id IN ({stale})", batch)
        db.execute(f"DELETE FROM cluster_findings WHERE article_id IN ({marks})", batch)
    orphaned = "cluster_id NOT IN (SELECT id FROM claim_clusters)"
    db.execute(f"DELETE FROM cluster_members WHERE {orphaned}")
    db.execute(f"DELETE FROM cluster_findings WHERE {orphaned}")


def provenance_rows(provenance: Provenance, run_id: int | None) -> dict[str, list[dict]]:
    """The rows a set's provenance becomes, table by table (also ``--format json``'s shape)."""
    findings = []
    for finding in provenance.findings:
        for article_id in (finding.article_id,) if finding.article_id else finding.articles:
            statement = finding.statement_index if article_id == finding.article_id else None
            findings.append(
                {
                    "run_id": run_id,
                    "cluster_id": finding.cluster_id,
                    "article_id": article_id,
                    "statement_id": None if statement is None else f"{article_id}:{statement}",
                    "code": finding.code,
                    "severity": finding.severity,
                    "message": finding.message,
                }
            )
    return {
        "sources": [
            {"id": s.id, "name": s.name, "type": s.type} for s in provenance.sources.values()
        ],
        "source_aliases": [
            {"source_id": id, "alias": alias}
            for id, aliases in provenance.aliases.items()
            for alias in sorted(aliases)
        ],
        "claim_clusters": [
            {
                "id": cluster.id,
                "label": cluster.label,
                "terms": json.dumps(cluster.terms),
                "articles": len(cluster.articles),
                "statements": len(cluster.members),
                "original_source_id": cluster.original_source.id
                if cluster.original_source
                else None,
                "first_article_id": cluster.first_article,
                "run_id": run_id,
            }
            for cluster in provenance.clusters
        ],
        "cluster_members": [
            {
                "cluster_id": cluster.id,
                "article_id": member.article_id,
                "statement_id": member.statement_id,
                "source_id": cited.source.id if cited else None,
                "source_text": cited.as_written if cited else None,
                "origin_source_id": cited.origin.id if cited and cited.origin else None,
                "similarity": member.similarity,
            }
            for cluster in provenance.clusters
            for member in cluster.members
            for cited in member.cited or (None,)
        ],
        "cluster_findings": findings,
    }


def article_rows(report: ArticleReport, run_id: int | None) -> dict[str, list[dict]]:
    """The rows one report becomes, table by table, as the database shows them (the views
    give spans their text): also the shape of ``--format json``."""
    tables = _article_tables(report, run_id, _source_ids(report))
    text = report.analysis.article.text
    shown = {}
    for name, (columns, rows) in tables.items():
        stored = [dict(zip(columns, row, strict=True)) for row in rows]
        view = schema.SPAN_VIEWS.get(name)
        shown[name] = stored if view is None else [_with_texts(view, row, text) for row in stored]
    return shown


def _with_texts(view: schema.SpanView, row: dict[str, Any], text: str) -> dict[str, Any]:
    """A stored row as its view shows it: each span's text taken from the article's."""
    shown = {}
    for column in view.columns:
        if column in view.texts:
            start, end = (row[name] for name in view.texts[column])
            shown[column] = None if start is None or end is None else text[start:end]
        else:
            shown[column] = row[column]
    return shown


# Each table's columns, in the order the functions below give a row's values. Statements,
# attributions, non-attributions and findings are written without the text of their spans
# (into the tables :data:`~sayso.storage.schema.ROW_TABLES` names; their views give it back).
COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": (
        "id",
        "path",
        "title",
        "text",
        "words",
        "statements",
        "claims",
        "attributed_claims",
        "score",
        "analyzer",
        "run_id",
        "checked_at",
        "metadata",
        "file_size",
        "file_mtime_ns",
        "deductions",
    ),
    **{name: view.stored for name, view in schema.SPAN_VIEWS.items()},
    "article_sources": ("article_id", "source_id", "mentions", "attributions"),
    "sources": ("id", "name", "type"),
    "plugin_errors": ("run_id", "article_id", "plugin", "stage", "error"),
    "plugin_times": ("run_id", "plugin", "seconds", "articles"),
}


def _article_tables(
    report: ArticleReport, run_id: int | None, source_ids: dict[str, str]
) -> dict[str, Table]:
    analysis = report.analysis
    article = analysis.article
    text = article.text
    # Read once: every row names the article, and ``Article.id`` checks its hash on each read.
    article_id = article.id
    attributed = {index for a in analysis.attributions for index in a.statements}

    def statement_id(index: int | None) -> str | None:
        return None if index is None else f"{article_id}:{index}"

    attribution_counts = {key: 0 for key in analysis.sources}
    for attribution in analysis.attributions:
        if attribution.source_key in attribution_counts:
            attribution_counts[attribution.source_key] += 1
    # Two sources whose names differ only in punctuation ("_" and "?") share a row id: one row.
    source_counts: dict[str, tuple[int, int]] = {}
    for key, source in analysis.sources.items():
        mentions, attributions = source_counts.get(source_ids[key], (0, 0))
        counts = (mentions + len(source.mentions), attributions + attribution_counts[key])
        source_counts[source_ids[key]] = counts
    points = _points_by_finding(report)
    article_row = (
        article_id,
        article.path,
        # An Article made in Python may come without a title: its headline, as for a file.
        article.title if article.title is not None else headline(text),
        text,
        len(text.split()),
        len(analysis.statements),
        len(analysis.claims),
        len(analysis.attributed_claims),
        report.score,
        analysis.analyzer,
        run_id,
        report.checked_at,
        json.dumps(article.metadata) if article.metadata else None,
        article.file_size,
        article.file_mtime_ns,
        json.dumps(
            [
                {"points": d.points, "reason": d.reason, "findings": d.findings}
                for d in report.deductions
            ],
            ensure_ascii=False,
        ),
    )
    statements = [
        (
            f"{article_id}:{s.index}",
            article_id,
            s.index,
            s.start,
            s.end,
            s.paragraph,
            s.kind,
            int(s.is_claim),
            int(s.index in attributed),
        )
        for s in analysis.statements
    ]
    attribution_rows = [
        (
            f"{article_id}:{number}",
            article_id,
            statement_id(a.statements[0] if a.statements else None),
            source_ids.get(a.source_key or ""),
            a.form,
            *_span_offsets(a.source),
            *_span_offsets(a.cue),
            *_content_offsets(a.content),
            # A list of ints prints exactly as json.dumps writes it, and several times faster.
            str([[f.start, f.end] for f in a.content]),
            str(list(a.statements)),
        )
        for number, a in enumerate(analysis.attributions)
    ]
    findings = [
        (
            f"{article_id}:{number}",
            article_id,
            statement_id(f.statement),
            f.checker,
            f.code,
            f.severity,
            f.message,
            *_span_offsets(f.span),
            points.get(number, 0.0),
        )
        for number, f in enumerate(report.findings)
    ]
    return {
        "articles": (COLUMNS["articles"], [article_row]),
        "statements": (COLUMNS["statements"], statements),
        "article_sources": (
            COLUMNS["article_sources"],
            [(article_id, id, *counts) for id, counts in source_counts.items()],
        ),
        "attributions": (COLUMNS["attributions"], attribution_rows),
        "non_attributions": (
            COLUMNS["non_attributions"],
            [
                (
                    f"{article_id}:{number}",
                    article_id,
                    statement_id(a.statements[0] if a.statements else None),
                    source_ids.get(a.source_key or ""),
                    *_span_offsets(a.source),
                    *_span_offsets(a.cue),
                )
                for number, a in enumerate(analysis.non_attributions)
            ],
        ),
        "findings": (COLUMNS["findings"], findings),
    }


def _source_ids(report: ArticleReport) -> dict[str, str]:
    """Each source's row id, by its key in the analysis."""
    article_id = report.analysis.article.id
    return {key: source_id(source, article_id) for key, source in report.analysis.sources.items()}


def _points_by_finding(report: ArticleReport) -> dict[int, float]:
    """Spread each deduction over its findings, so per-finding points add up to the score."""
    points: dict[int, float] = {}
    for deduction in report.deductions:
        for index in deduction.findings:
            share = deduction.points / len(deduction.findings)
            points[index] = round(points.get(index, 0.0) + share, 3)
    return points


def _span_offsets(span: Span | None) -> tuple[int, int] | tuple[None, None]:
    return (span.start, span.end) if span else (None, None)


def _content_offsets(fragments: Sequence[Span]) -> tuple[int, int] | tuple[None, None]:
    """From the first content fragment to the last."""
    if not fragments:
        return None, None
    return fragments[0].start, fragments[-1].end


# Tables whose rows belong to one article (``article_id``), deleted before the article.
ARTICLE_ROW_TABLES = (
    "finding_rows",
    "attribution_rows",
    "non_attribution_rows",
    "article_sources",
    "statement_rows",
    "plugin_errors",
)


def _delete_articles(db: Database, article_ids: list[str]) -> None:
    conn = _connection(db)
    marks = ", ".join("?" for _ in article_ids)
    for table in ARTICLE_ROW_TABLES:
        conn.execute(f"DELETE FROM [{table}] WHERE article_id IN ({marks})", article_ids)
    conn.execute(f"DELETE FROM articles WHERE id IN ({marks})", article_ids)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
