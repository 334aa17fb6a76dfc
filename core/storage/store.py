"""Writing one article's results atomically, and opening (migrating) a database to write to.

The schema is :mod:`sayso.storage.schema`'s, brought up to date by :mod:`.migrations`. Each
article's rows are replaced in one transaction, so re-checking the same text updates it and an
interrupted batch leaves every article either fully old or fully new.

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
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from json.encoder import encode_basestring_ascii
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

from ..errors import DatabaseError
from ..manager import PluginFailure, Plugins
from ..model import Span
from ..pipeline.checkers import ArticleReport
from ..pipeline.engine import batched
from ..pipeline.inputs import headline
from ..provenance.identity import source_id
from ..version import __version__
from . import schema
from .migrations import MIGRATIONS
from .schema import ARTICLE_ROW_TABLES, PROVENANCE_TABLES, has_table

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


def open_connection(path: str | Path, *, scratch: bool = False) -> sqlite3.Connection:
    """A connection with the settings every sayso writer uses; its schema may need migrating.

    With ``scratch``, a file only this connection writes and that is made again if lost (a Dask
    check's shards): its rollback journal in memory and nothing synced, where WAL writes every
    page twice, once to the log and once at its checkpoint, and syncs at each checkpoint.

    Raises :class:`DatabaseError` (one line, naming the file) when ``path`` can't be a sayso
    database to write to, before anything is checked or written.
    """
    _refuse_unusable_path(Path(path))
    with database_errors(path):
        conn = sqlite3.connect(str(path))
        # As sqlite-utils sets it, so triggers plugins add behave the same through either.
        conn.execute("PRAGMA recursive_triggers = on")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if scratch:
            conn.execute("PRAGMA journal_mode = MEMORY")
            conn.execute("PRAGMA synchronous = OFF")
        else:
            _use_wal(conn)
            # In WAL mode NORMAL syncs at checkpoints, not at every commit: a killed process
            # loses no committed article, a power cut may lose the last few, and the file stays
            # consistent.
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
        if has_table(conn, "runs")
        else "SELECT NULL"
    ).fetchone()[0]
    # A development build can add migrations without a new version number: naming the running
    # version as the one to upgrade to would send the user nowhere.
    needed = f"sayso {newest} or later" if newest and newest != __version__ else "a newer sayso"
    raise DatabaseError(
        f"{path}: written by {needed} (its schema has {', '.join(unknown)}, which sayso "
        f"{__version__} does not know); upgrade to {needed}, or use another database"
    )


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    """The names of the sayso migrations applied to a database (none for a new one)."""
    if not has_table(conn, MIGRATIONS_TABLE):
        return []
    rows = conn.execute(
        f"SELECT name FROM [{MIGRATIONS_TABLE}] WHERE migration_set = ?", [MIGRATION_SET]
    )
    return [name for (name,) in rows]


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
    if not has_table(conn, MIGRATIONS_TABLE):
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


class StoredCheck(NamedTuple):
    """What a re-check needs of an article's stored row: how it was checked, and its file."""

    fingerprint: str | None
    score: float
    path: str | None
    file_size: int | None
    file_mtime_ns: int | None


def stored_checks(db: Database, article_ids: list[str]) -> dict[str, StoredCheck]:
    """The check stored for each of these articles that was ever stored.

    A row stored before the score's deductions were (``deductions`` null) counts as never
    stored: its report could not be shown in full from the database, so it is checked again.
    """
    marks = ", ".join("?" for _ in article_ids)
    rows = _connection(db).execute(
        "SELECT id, fingerprint, score, path, file_size, file_mtime_ns FROM articles "
        f"WHERE id IN ({marks}) AND deductions IS NOT NULL",
        article_ids,
    )
    return {article_id: StoredCheck(*stored) for article_id, *stored in rows}


def move_files(db: Database, files: list[tuple[str | None, int | None, int | None, str]]) -> None:
    """Record where articles stored unchanged were read from this time: (path, size,
    modification time, article id) each, as a check of them would have stored them."""
    if files:
        with write_transaction(db):
            _connection(db).executemany(
                "UPDATE articles SET path = ?, file_size = ?, file_mtime_ns = ? WHERE id = ?",
                files,
            )


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


def save_batch(
    db: Database,
    batch: Iterable[dict[str, Table]],
    run_id: int | None = None,
    *,
    figures: bool = True,
) -> None:
    """Replace several articles' rows (:func:`report_tables`) in a single transaction.

    Each article is still either fully old or fully new; committing a batch at once saves the
    writes a commit per article costs (in WAL mode SQLite writes every changed page again).
    With ``run_id``, the rows are marked as that run's (worker processes build them before the
    run is recorded). Without ``figures``, the rows are not counted in the browsing figures
    (:func:`count_in_figures`): a Dask check's shards, which the merge counts in as it inserts
    their rows.
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
        if figures:
            count_in_figures(db, list(latest))


def count_in_figures(db: Database, article_ids: Sequence[str]) -> None:
    """Count the rows just inserted for these articles in the browsing figures.

    Whatever inserts articles' rows calls this once they are all in (deleting rows needs
    nothing: triggers take them out); see :data:`~sayso.storage.schema.ARTICLE_FIGURES_SQL`.
    """
    if not article_ids:
        return
    conn = _connection(db)
    written = {"articles": json.dumps(list(article_ids))}
    for statement in schema.ARTICLE_FIGURES_SQL:
        conn.execute(statement, written)


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
    given: Database,
    provenance: Provenance,
    run_id: int | None,
    replace_all: bool = False,
    stored_sources: Collection[tuple[str, str, str]] = (),
) -> None:
    """Replace the claim clusters and cross-article findings touching these articles (with
    ``replace_all``, every cluster, finding, alias and ``same_as`` link), in one transaction.

    ``stored_sources`` are sources (id, name, type) the database holds as given: they are not
    written again, since writing a source as it is stored changes nothing (in a first link of
    2,000 articles, 14,798 of the 14,806 sources written were)."""
    sqlite_utils = _import_sqlite_utils()
    db = given if isinstance(given, sqlite_utils.Database) else sqlite_utils.Database(given)
    tables = provenance_tables(provenance, run_id)
    with write_transaction(db):
        if replace_all:
            clear_provenance(db)
        else:
            _delete_provenance(db, list(provenance.articles))
        sources = tables.pop("sources")[1]
        save_sources(db, [row for row in sources if row not in stored_sources])
        _connection(db).executemany(
            "UPDATE sources SET same_as = ? WHERE id = ?",
            [(canonical, own) for own, canonical in provenance.same_as.items()],
        )
        _connection(db).executemany(
            "INSERT OR IGNORE INTO source_aliases (source_id, alias) VALUES (?, ?)",
            tables.pop("source_aliases")[1],
        )
        if replace_all:
            # Into empty tables: filled first and indexed after (SQLite sorts each index once
            # instead of inserting into five at every member row: a fifth of the writing).
            with _indexes_rebuilt(_connection(db), PROVENANCE_TABLES):
                for table, values in tables.items():
                    _insert(db, table, values)
        else:
            for table, values in tables.items():
                _insert(db, table, values)


@contextmanager
def _indexes_rebuilt(conn: sqlite3.Connection, tables: Sequence[str]) -> Iterator[None]:
    """Drop the tables' indexes (those a statement made, not the primary keys'), then make
    them again from the same statements: inside a transaction, nobody sees them missing."""
    marks = ", ".join("?" for _ in tables)
    indexes = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY rowid",
        list(tables),
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f"DROP INDEX [{name}]")
    yield
    for _, sql in indexes:
        conn.execute(sql)


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
    return {
        table: [dict(zip(columns, row, strict=True)) for row in rows]
        for table, (columns, rows) in provenance_tables(provenance, run_id).items()
    }


# The columns of the provenance tables, in the order provenance_tables gives the values.
CLUSTER_COLUMNS = (
    "id",
    "label",
    "terms",
    "articles",
    "statements",
    "original_source_id",
    "first_article_id",
    "run_id",
)
MEMBER_COLUMNS = (
    "cluster_id",
    "article_id",
    "statement_id",
    "source_id",
    "source_text",
    "origin_source_id",
    "similarity",
)
FINDING_COLUMNS = (
    "run_id",
    "cluster_id",
    "article_id",
    "statement_id",
    "code",
    "severity",
    "message",
)


def _json_strings(strings: list[str]) -> str:
    """``json.dumps`` of a list of strings, without making an encoder for each list (a link
    writes one list per cluster)."""
    return "[" + ", ".join(map(encode_basestring_ascii, strings)) + "]"


def provenance_tables(provenance: Provenance, run_id: int | None) -> dict[str, Table]:
    """The rows a set's provenance becomes, table by table, as columns and value tuples (what
    is written: tens of thousands of rows, where a dict per row cost a fortieth of a link)."""
    findings = []
    for finding in provenance.findings:
        for article_id in (finding.article_id,) if finding.article_id else finding.articles:
            statement = finding.statement_index if article_id == finding.article_id else None
            findings.append(
                (
                    run_id,
                    finding.cluster_id,
                    article_id,
                    None if statement is None else f"{article_id}:{statement}",
                    finding.code,
                    finding.severity,
                    finding.message,
                )
            )
    clusters = provenance.clusters
    return {
        "sources": (
            ("id", "name", "type"),
            [(s.id, s.name, s.type) for s in provenance.sources.values()],
        ),
        "source_aliases": (
            ("source_id", "alias"),
            [(id, alias) for id, names in provenance.aliases.items() for alias in sorted(names)],
        ),
        "claim_clusters": (
            CLUSTER_COLUMNS,
            [
                (
                    cluster.id,
                    cluster.label,
                    _json_strings(cluster.terms),
                    len(cluster.articles),
                    len(cluster.members),
                    cluster.original_source.id if cluster.original_source else None,
                    cluster.first_article,
                    run_id,
                )
                for cluster in clusters
            ],
        ),
        "cluster_members": (
            MEMBER_COLUMNS,
            [
                (
                    cluster.id,
                    member.article_id,
                    # member.statement_id, without a property call per member (42,000 in a link
                    # of 2,000 articles).
                    f"{member.article_id}:{member.statement_index}",
                    cited.source.id if cited else None,
                    cited.as_written if cited else None,
                    cited.origin.id if cited and cited.origin else None,
                    member.similarity,
                )
                for cluster in clusters
                for member in cluster.members
                for cited in member.cited or (None,)
            ],
        ),
        "cluster_findings": (FINDING_COLUMNS, findings),
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


# Each table's columns, in the order the functions below give a row's values (the schema's
# order). Statements, attributions, non-attributions and findings are written without the text
# of their spans, into the tables :data:`~sayso.storage.schema.ROW_TABLES` names (their views
# give it back). An article's fingerprint is added last by :func:`report_tables`.
COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(
        column
        for column in schema.TABLES[schema.ROW_TABLES.get(name, name)].written
        if (name, column) != ("articles", "fingerprint")
    )
    for name in (*ARTICLE_TABLES, "sources", "plugin_errors", "plugin_times")
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


def _delete_articles(db: Database, article_ids: list[str]) -> None:
    conn = _connection(db)
    marks = ", ".join("?" for _ in article_ids)
    for table in ARTICLE_ROW_TABLES:
        conn.execute(f"DELETE FROM [{table}] WHERE article_id IN ({marks})", article_ids)
    conn.execute(f"DELETE FROM articles WHERE id IN ({marks})", article_ids)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
