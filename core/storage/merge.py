"""``sayso merge``: several databases (shards checked apart) into one, as if checked in one run.

:func:`merge_databases` copies every shard's articles with their rows into the output, as one
logical run: a single ``runs`` row stands for all the shards' runs, every article and plugin error
points at it, plugin errors get new ids, plugin timings add up. Nothing depends on the order the
shards are given in:

- the shards are merged in the order of the first path each holds (shards of one input split in
  order come back in that order), each shard's articles in its own checking order, so the
  articles' storing order, which linking takes as their checking order, is the input's;
- an article in several shards (or already in the output) keeps the row checked last (then the
  greater fingerprint and path): one rule, whichever shard comes first;
- a source spelled differently in different shards keeps the name
  :data:`~sayso.storage.store.SOURCE_NAME_RULE` prefers.

Claim clusters are not copied (each shard's cover its own articles only): the output's clusters
that touch a merged article are dropped, and ``link`` links every stored article afterwards.

The merge is all or nothing: it is built in a file beside the output (from a copy of the output
when there is one already, else of the first shard) and moved over it at the end, so an
interrupted merge leaves the output as it was.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ..errors import DatabaseError
from ..manager import Plugins, get_plugins
from .schema import STATEMENT_COUNTS
from .store import (
    ARTICLE_ROW_TABLES,
    PROVENANCE_TABLES,
    SOURCE_CONFLICT,
    clear_provenance,
    connect,
    count_in_figures,
    open_existing,
    write_transaction,
)

# The tables a shard's articles bring with them, in the order they are copied.
_COPIED = ("articles", *ARTICLE_ROW_TABLES[::-1])


@dataclass
class MergeResult:
    """What a merge stored: the run standing for the shards', and how many articles it took."""

    run_id: int
    articles: int
    # Articles several shards held (or the output already had): one row kept by the rule.
    duplicates: int


def merge_databases(
    shards: list[Path],
    out: Path,
    *,
    plugins: Plugins | None = None,
    link: bool = False,
    on_shard: Callable[[Path], None] | None = None,
) -> MergeResult:
    """Merge ``shards`` into ``out`` (created, or added to); see the module's description.

    ``link`` links every article of the output from its stored rows once merged
    (:func:`sayso.link`). ``on_shard`` is called before each shard is merged (for progress).
    Raises :class:`~sayso.errors.DatabaseError` for a shard that is missing or not a sayso
    database, or given twice, or that is the output.
    """
    with ShardMerge(out, plugins) as merge:
        for shard in sorted(_checked_shards(shards, out), key=_first_path):
            if on_shard:
                on_shard(shard)
            merge.add(shard)
        return merge.finish(link=link)


class ShardMerge:
    """A merge into ``out`` fed one shard at a time, in the order they are to be stored.

    :func:`merge_databases` feeds it every shard at once; a distributed check feeds it each
    partition's shard as soon as the partitions before it are merged, while later ones are still
    being checked. Use it as a context manager: leaving the block without :meth:`finish`
    (an error, an interruption) leaves ``out`` as it was. ``empty`` is an empty, migrated sayso
    database that a new output starts as a copy of when its first shard is not adopted (see
    :meth:`add`), instead of a new database migrated step by step.
    """

    def __init__(
        self, out: Path, plugins: Plugins | None = None, empty: Path | None = None
    ) -> None:
        self.out = out
        self.plugins = plugins or get_plugins()
        self.empty = empty
        self.building = out.with_name(out.name + ".merging")
        self.conn: sqlite3.Connection | None = None
        self.run_id = 0
        # The shards' check runs, which the merged run's row sums up.
        self.runs: list[tuple] = []
        self.taken = self.duplicates = 0
        self.merged: set[Path] = set()

    def __enter__(self) -> ShardMerge:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        for leftover in (
            self.building,
            *(self.building.with_name(self.building.name + x) for x in SIDE_FILES),
        ):
            _remove(leftover)

    def add(self, shard: Path, *, counted: bool = True) -> None:
        """Merge ``shard`` (a sayso database, not one merged already nor the output).

        ``counted``: whether the shard's browsing figures count its rows. A new output starts
        as a copy of its first shard if they do; a shard written without them (a Dask check's,
        see :class:`sayso.api.CheckRun`) is inserted, its rows counted in as they go.
        """
        (shard,) = _checked_shards([shard], self.out)
        key = shard.resolve()
        if key in self.merged:
            raise DatabaseError(f"{shard}: given twice")
        self.merged.add(key)
        if counted and self.conn is None and not self.out.exists():
            # A new output starts as a copy of the first shard, whose rows need no inserting.
            self._start(shard, adopt=True)
            return
        conn = self._connection()
        conn.execute("ATTACH DATABASE ? AS shard", [str(shard)])
        try:
            with write_transaction(conn):
                self.runs += conn.execute(
                    f"SELECT {_RUN_COLUMNS} FROM shard.runs {_CHECK_RUNS}"
                ).fetchall()
                count, repeated = _merge_shard(conn, self.run_id)
                self.taken += count
                self.duplicates += repeated
        finally:
            conn.execute("DETACH DATABASE shard")

    def finish(self, link: bool = False) -> MergeResult:
        """Record the merged run, link if asked, and put the merge in place of ``out``."""
        conn = self._connection()
        with write_transaction(conn):
            _record_run(conn, self.run_id, self.runs)
        if link:
            from ..pipeline.engine import build_lexicon
            from ..provenance.stored import link_database

            link_database(conn, build_lexicon(self.plugins), self.run_id)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        self.conn = None
        # Written without syncing (nothing reads it before this): made durable once, here.
        with open(self.building, "rb+") as built:
            os.fsync(built.fileno())
        _remove(self.out.with_name(self.out.name + "-wal"))
        _remove(self.out.with_name(self.out.name + "-shm"))
        os.replace(self.building, self.out)
        return MergeResult(self.run_id, self.taken, self.duplicates)

    def _connection(self) -> sqlite3.Connection:
        if self.conn is None:
            self._start(self.out if self.out.exists() else self.empty)
        assert self.conn is not None
        return self.conn

    def _start(self, base: Path | None, adopt: bool = False) -> None:
        """Begin the merge from a copy of ``base`` (the output, or with ``adopt`` a first
        shard, whose rows become the merged run's), if any."""
        _remove(self.building)
        _copy(base, self.building, self.plugins)
        self.conn = connect(self.building, self.plugins)
        # A power cut can lose nothing here that ``out`` holds: the file is synced in finish.
        self.conn.execute("PRAGMA synchronous = OFF")
        with write_transaction(self.conn):
            if adopt:
                # The shard's runs make way for the merged one: a new database's first, run 1,
                # as a sequential run into a new database is.
                self.runs += self.conn.execute(
                    f"SELECT {_RUN_COLUMNS} FROM runs {_CHECK_RUNS}"
                ).fetchall()
                self.conn.execute("DELETE FROM runs")
            cursor = self.conn.execute(
                "INSERT INTO runs (articles, errors, skipped) VALUES (0, 0, 0)"
            )
            self.run_id = int(cursor.lastrowid or 0)
            if adopt:
                self.taken = _adopt(self.conn, self.run_id)


SIDE_FILES = ("-wal", "-shm")
# A check run's figures, which the merged run's row adds up; a link run has no analyzer.
_RUN_COLUMNS = "started, finished, sayso_version, analyzer, plugins, articles, errors, skipped"
_CHECK_RUNS = "WHERE analyzer IS NOT NULL"


def _copy(source: Path | None, target: Path, plugins: Plugins) -> None:
    """Copy the database at ``source`` (if any) to ``target``, consistently, WAL included."""
    if source is None:
        return
    existing, copy = open_existing(source, plugins), sqlite3.connect(target)
    try:
        existing.backup(copy)
    finally:
        existing.close()
        copy.close()


def _checked_shards(shards: list[Path], out: Path) -> list[Path]:
    """The shards, each a sayso database (migrated if older), none twice and none the output."""
    resolved: dict[Path, Path] = {}
    for shard in shards:
        key = shard.resolve()
        if key in resolved:
            raise DatabaseError(f"{shard}: given twice")
        if out.exists() and key == out.resolve():
            raise DatabaseError(f"{shard}: is the output database; merge into another file")
        open_existing(shard).close()
        resolved[key] = shard
    return list(resolved.values())


def _adopt(conn: sqlite3.Connection, run_id: int) -> int:
    """Make the copied shard's rows the merged run's, as merging them would have; its
    articles. Its runs are gone already, and ``run_id`` may be the number one of them had."""
    for table in ("articles", "plugin_errors"):
        conn.execute(f"UPDATE [{table}] SET run_id = ?", [run_id])
    times = conn.execute(
        "SELECT plugin, sum(seconds), sum(articles) FROM plugin_times GROUP BY plugin"
    ).fetchall()
    conn.execute("DELETE FROM plugin_times")
    conn.executemany(
        "INSERT INTO plugin_times (run_id, plugin, seconds, articles) VALUES (?, ?, ?, ?)",
        [(run_id, *row) for row in times],
    )
    # Failures at plugin load time: each distinct one once, as _merge_shard keeps them.
    conn.execute(
        "DELETE FROM plugin_errors WHERE article_id IS NULL AND id NOT IN ("
        "SELECT min(id) FROM plugin_errors WHERE article_id IS NULL GROUP BY plugin, stage, error)"
    )
    # Claim clusters are not merged (the module's description says why).
    clear_provenance(conn)
    return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


def _first_path(shard: Path) -> tuple[str, str]:
    """What orders the shards: the first path (in its checking order) and id a shard holds."""
    with closing(sqlite3.connect(shard)) as conn:
        row = conn.execute("SELECT path, id FROM articles ORDER BY rowid LIMIT 1").fetchone()
    return (row[0] or "", row[1]) if row else ("", "")


def _merge_shard(conn: sqlite3.Connection, run_id: int) -> tuple[int, int]:
    """Copy the attached shard's articles that win by the rule, their rows, sources, errors."""
    conn.execute("DROP TABLE IF EXISTS temp.taking")
    # The shard's articles to take: new ones, and those whose row wins over the stored one.
    conn.execute(
        """CREATE TEMP TABLE taking AS
        SELECT shard.articles.id, main.articles.id IS NOT NULL AS stored
        FROM shard.articles LEFT JOIN main.articles ON main.articles.id = shard.articles.id
        WHERE main.articles.id IS NULL OR (
          shard.articles.checked_at, coalesce(shard.articles.fingerprint, ''),
          coalesce(shard.articles.path, '')
        ) > (
          main.articles.checked_at, coalesce(main.articles.fingerprint, ''),
          coalesce(main.articles.path, '')
        )
        ORDER BY shard.articles.rowid"""
    )
    taking = "(SELECT id FROM temp.taking)"
    repeated = conn.execute(
        "SELECT count(*) FROM shard.articles WHERE id IN (SELECT id FROM main.articles)"
    ).fetchone()[0]
    for table in (*ARTICLE_ROW_TABLES, "articles"):
        key = "id" if table == "articles" else "article_id"
        conn.execute(f"DELETE FROM main.[{table}] WHERE {key} IN {taking}")
    stale = f"SELECT cluster_id FROM cluster_members WHERE article_id IN {taking}"
    conn.execute(f"DELETE FROM main.claim_clusters WHERE id IN ({stale})")
    for table in PROVENANCE_TABLES[:2]:
        conn.execute(
            f"DELETE FROM main.[{table}] WHERE cluster_id NOT IN (SELECT id FROM claim_clusters)"
        )
    conn.execute(f"DELETE FROM main.cluster_findings WHERE article_id IN {taking}")
    conn.execute(
        "INSERT INTO main.sources (id, name, type) SELECT id, name, type FROM shard.sources "
        f"WHERE true {SOURCE_CONFLICT}"
    )
    for table in _COPIED:
        columns = _shared_columns(conn, table)
        if table == "plugin_errors":
            columns.remove("id")
        if table == "statement_rows":
            # Counted again below, with the rest of the browsing figures.
            columns = [c for c in columns if c not in STATEMENT_COUNTS]
        names = ", ".join(f"[{c}]" for c in columns)
        values = ", ".join("?" if c == "run_id" else f"[{c}]" for c in columns)
        key = "id" if table == "articles" else "article_id"
        conn.execute(
            f"INSERT INTO main.[{table}] ({names}) SELECT {values} FROM shard.[{table}] "
            f"WHERE {key} IN {taking} ORDER BY rowid",
            [run_id] * columns.count("run_id"),
        )
    taken_ids = [id for (id,) in conn.execute("SELECT id FROM temp.taking ORDER BY rowid")]
    count_in_figures(conn, taken_ids)
    # Failures at plugin load time belong to no article: each distinct one once.
    conn.execute(
        "INSERT INTO main.plugin_errors (run_id, article_id, plugin, stage, error) "
        "SELECT DISTINCT ?, NULL, plugin, stage, error FROM shard.plugin_errors AS e "
        "WHERE article_id IS NULL AND NOT EXISTS (SELECT 1 FROM main.plugin_errors AS m "
        "WHERE m.run_id = ? AND m.article_id IS NULL AND m.plugin = e.plugin "
        "AND m.stage = e.stage AND m.error = e.error) ORDER BY plugin, stage, error",
        [run_id, run_id],
    )
    conn.execute(
        "INSERT INTO main.plugin_times (run_id, plugin, seconds, articles) "
        "SELECT ?, plugin, sum(seconds), sum(articles) FROM shard.plugin_times "
        "WHERE true GROUP BY plugin ON CONFLICT(run_id, plugin) DO UPDATE SET "
        "seconds = seconds + excluded.seconds, articles = articles + excluded.articles",
        [run_id],
    )
    conn.execute("DROP TABLE temp.taking")
    return len(taken_ids), repeated


def _shared_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """The columns ``table`` has in the output and in the shard, in the output's order."""
    theirs = {row[1] for row in conn.execute(f"PRAGMA shard.table_info([{table}])")}
    return [
        row[1] for row in conn.execute(f"PRAGMA main.table_info([{table}])") if row[1] in theirs
    ]


def _record_run(conn: sqlite3.Connection, run_id: int, runs: list[tuple]) -> None:
    """Fill the merged run's row from the shards' check runs: one logical run."""
    if not runs:
        conn.execute(
            "UPDATE runs SET started = datetime('now'), finished = datetime('now') WHERE id = ?",
            [run_id],
        )
        return
    started, finished, versions, analyzers, plugins, articles, errors, skipped = zip(
        *runs, strict=True
    )
    # In the first shard's order: shards of one run list the same plugins in the same order.
    loaded: dict[str, str] = {}
    for listed in plugins:
        loaded.update(json.loads(listed or "{}"))
    conn.execute(
        "UPDATE runs SET started = ?, finished = ?, sayso_version = ?, analyzer = ?, plugins = ?, "
        "articles = ?, errors = ?, skipped = ? WHERE id = ?",
        [
            min(s for s in started if s),
            max((f for f in finished if f), default=None),
            ", ".join(sorted({v for v in versions if v})),
            ", ".join(sorted({a for a in analyzers if a})),
            json.dumps(loaded),
            sum(articles),
            sum(errors),
            sum(s or 0 for s in skipped),
            run_id,
        ],
    )


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
