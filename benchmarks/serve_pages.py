"""How fast `sayso serve` starts and answers on a large database: build a synthetic one, time it.

    python benchmarks/serve_pages.py [--articles 10000] [--template DIR] [--db PATH] [--search WORD]
    python benchmarks/serve_pages.py --db PATH --existing

The template articles (the seeds, or ``--template DIR``, e.g. PolNeAR train) are checked and
linked once; the database is then built in SQL, ``INSERT … SELECT`` from the template's rows, a
chunk of copies at a time: each synthetic article is a template article with a numbered closing
line (so a new id and unchanged offsets), its people renamed into 300 distinct sources, its score
moved by up to 20 points, its statements, attributions, findings, sources, aliases and stored
claim terms copied under the new ids. Every whole round of copies (one copy of each template
article) gets a copy of the template's claim clusters, their members and their findings, so the
cluster tables and the article page's cluster links are as full as an archive's. The copies
load without the database's secondary indexes, which are then built as they were; the browsing
figures are counted in once for all the articles, by the statements a check or a merge runs
for each batch it writes. The database ends as a check leaves one (WAL, same schema).

Then ``sayso serve`` is started twice, each time until its home page answers: the first start
prepares the database for browsing (views, indexes, full-text search), the second finds it
prepared. Every page is then fetched in process through ``Datasette(...).client`` with
Datasette's default limits (1 s per query): each table and view, the canned queries, a search
of the statements for ``--search``, a faceted findings page, an article's row and page, and the
page of a claim cluster that article is in. The median of several requests is reported per page,
in wall time (what Datasette's limit counts) and in CPU time (the whole process's, Datasette's
query threads included: on a busy machine the wall time is mostly waiting for a core).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import sayso
from datasette.utils import tilde_encode
from sayso.storage import schema, store
from sayso.web import serve

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
REPEATS = 5
# Copies written per transaction.
CHUNK = 50_000
PEOPLE = 300
# The page cache while loading (KiB): the indexes' sorts and the figures' lookups stay in memory.
LOAD_CACHE_KB = 2_000_000
# The run every copy is stored by (the template's check run, counting the copies).
RUN_ID = 1

# A template row's value in its copy, by column; any other column is copied as it is.
COPY = {
    "id": "copies.id || substr(rows.id, 17)",
    "article_id": "copies.id",
    "statement_id": "copies.id || substr(rows.statement_id, 17)",
    "source_id": "{source}",
}
# A template source's id and name in a copy: people vary, article-scoped ids name the copy.
SOURCE_ID = (
    "CASE WHEN {id} LIKE 'person:%' THEN {id} || '-' || (copies.n % {people}) "
    "ELSE replace({id}, copies.model, copies.id) END"
)
SOURCE_NAME = (
    "CASE WHEN sources.type = 'person' THEN sources.name || ' ' || (copies.n % {people}) "
    "ELSE sources.name END"
)


def build(path: Path, articles: int, template_dir: Path) -> None:
    template = path.with_name(path.name + ".template")
    for leftover in path.parent.glob(f"{template.name}*"):
        leftover.unlink()
    sayso.check([template_dir], db=template, link=True)
    # Migrated: every table, index and trigger a check's database has.
    conn = store.connect(path)
    try:
        conn.execute("ATTACH DATABASE ? AS template", [str(template)])
        indexes = _loading(conn)
        with store.write_transaction(conn):
            conn.execute(
                "CREATE TEMP TABLE models AS SELECT row_number() OVER (ORDER BY rowid) - 1 AS k, "
                "id FROM template.articles"
            )
            # One run stands for the copies, as after `sayso merge`.
            conn.execute(
                "INSERT INTO runs (id, started, finished, sayso_version, analyzer, plugins, "
                "articles, errors, skipped) SELECT ?, started, finished, sayso_version, analyzer, "
                "plugins, ?, 0, 0 FROM template.runs WHERE analyzer IS NOT NULL "
                "ORDER BY id LIMIT 1",
                [RUN_ID, articles],
            )
        models = conn.execute("SELECT count(*) FROM temp.models").fetchone()[0]
        started = _clocks()
        for first in range(0, articles, CHUNK):
            with store.write_transaction(conn):
                _copy_chunk(conn, first, min(first + CHUNK, articles), models)
            _progress(f"{min(first + CHUNK, articles):,} articles copied", started)
        with store.write_transaction(conn):
            _copy_clusters(conn, articles // models, models)
        _progress("claim clusters copied", started)
        with store.write_transaction(conn):
            for sql in indexes:
                conn.execute(sql)
        _progress("indexes built", started)
        # The browsing figures, by the statements a check or a merge runs per batch, once.
        with store.write_transaction(conn):
            store.count_in_figures(conn, [id for (id,) in conn.execute("SELECT id FROM articles")])
        _progress("browsing figures counted", started)
        # The journal a check leaves a database with.
        conn.execute("PRAGMA main.journal_mode = wal")
    finally:
        conn.close()
        for leftover in path.parent.glob(f"{template.name}*"):
            leftover.unlink()


def _clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _progress(done: str, started: tuple[float, float]) -> None:
    wall, cpu = (now - then for now, then in zip(_clocks(), started, strict=True))
    print(f"  {done}: {wall:.0f} s ({cpu:.0f} s CPU)", flush=True)


def _loading(conn: sqlite3.Connection) -> list[str]:
    """Set a new database up to load fast; the SQL of the indexes it took off to do so.

    Unjournaled and unsynced (an interrupted build is thrown away), with a large page cache,
    and without the secondary indexes: copies are appended in key order, but an index on a
    source or a checker takes them all over the file; built after the load, each is one sort.
    """
    conn.execute("PRAGMA main.journal_mode = off")
    conn.execute("PRAGMA main.synchronous = off")
    conn.execute(f"PRAGMA main.cache_size = -{LOAD_CACHE_KB}")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f"DROP INDEX [{name}]")
    return [sql for _, sql in indexes]


def _copy_chunk(conn: sqlite3.Connection, first: int, last: int, models: int) -> None:
    conn.execute("DROP TABLE IF EXISTS temp.copies")
    conn.execute(
        """CREATE TEMP TABLE copies AS
        WITH RECURSIVE numbers(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM numbers WHERE n + 1 < ?)
        SELECT n, printf('%016x', n) AS id, models.id AS model
        FROM numbers JOIN temp.models ON models.k = n % ?""",
        [first, last, models],
    )
    conn.execute("CREATE INDEX temp.copies_model ON copies (model, n)")
    article_columns = [*store.COLUMNS["articles"], "fingerprint"]
    values = {
        "id": "copies.id",
        "path": "'synthetic/' || copies.n || '.txt'",
        "text": "rows.text || char(10) || char(10) || 'Copy ' || copies.n || '.'",
        "score": "max(0, min(100, rows.score + copies.n % 41 - 20))",
        "run_id": str(RUN_ID),
    }
    conn.execute(
        f"INSERT INTO articles ({_names(article_columns)}) SELECT "
        + ", ".join(values.get(c, f"rows.[{c}]") for c in article_columns)
        + " FROM copies JOIN template.articles AS rows ON rows.id = copies.model ORDER BY copies.n"
    )
    conn.execute(
        "INSERT INTO sources (id, name, type) SELECT DISTINCT "
        f"{SOURCE_ID.format(id='sources.id', people=PEOPLE)}, "
        f"{SOURCE_NAME.format(people=PEOPLE)}, sources.type "
        "FROM copies JOIN template.article_sources AS cited ON cited.article_id = copies.model "
        "JOIN template.sources AS sources ON sources.id = cited.source_id "
        "WHERE true ON CONFLICT(id) DO NOTHING"
    )
    conn.execute(
        "INSERT INTO source_aliases (source_id, alias) SELECT DISTINCT "
        f"{SOURCE_ID.format(id='sources.id', people=PEOPLE)}, "
        "CASE WHEN sources.type = 'person' THEN aliases.alias || ' ' || (copies.n % "
        f"{PEOPLE}) ELSE aliases.alias END "
        "FROM copies JOIN template.article_sources AS cited ON cited.article_id = copies.model "
        "JOIN template.sources AS sources ON sources.id = cited.source_id "
        "JOIN template.source_aliases AS aliases ON aliases.source_id = sources.id "
        "WHERE true ON CONFLICT DO NOTHING"
    )
    source = SOURCE_ID.format(id="rows.source_id", people=PEOPLE)
    for table in ("article_sources", "article_terms", *schema.ROW_TABLES):
        columns = store.COLUMNS[table] if table in store.COLUMNS else schema.TABLES[table].written
        selected = ", ".join(COPY.get(c, f"rows.[{c}]").format(source=source) for c in columns)
        stored = schema.ROW_TABLES.get(table, table)
        conn.execute(
            f"INSERT INTO [{stored}] ({_names(columns)}) SELECT {selected} FROM copies "
            f"JOIN template.[{stored}] AS rows ON rows.article_id = copies.model "
            "ORDER BY copies.n, rows.rowid"
        )


def _copy_clusters(conn: sqlite3.Connection, rounds: int, models: int) -> None:
    """The template's claim clusters once per whole round of copies, among that round's copies.

    Round ``r`` holds copies ``r * models`` to ``(r + 1) * models - 1``, one of each template
    article, so a cluster's member in template article ``k`` is in copy ``r * models + k``.
    """
    conn.execute("DROP TABLE temp.copies")
    conn.execute(
        """CREATE TEMP TABLE copies AS
        WITH RECURSIVE rounds(r) AS (SELECT 0 UNION ALL SELECT r + 1 FROM rounds WHERE r + 1 < ?)
        SELECT r, r * ? + models.k AS n, printf('%016x', r * ? + models.k) AS id,
          models.id AS model
        FROM rounds JOIN temp.models""",
        [rounds, models, models],
    )
    conn.execute("CREATE INDEX temp.copies_model ON copies (model, r)")

    conn.execute(
        "INSERT INTO claim_clusters (id, label, terms, articles, statements, original_source_id, "
        "first_article_id, run_id) SELECT clusters.id || '-' || copies.r, clusters.label, "
        "clusters.terms, clusters.articles, clusters.statements, "
        f"{SOURCE_ID.format(id='clusters.original_source_id', people=PEOPLE)}, copies.id, {RUN_ID} "
        f"FROM template.claim_clusters AS clusters "
        f"JOIN copies ON copies.model = clusters.first_article_id ORDER BY copies.r, clusters.rowid"
    )
    conn.execute(
        "INSERT INTO cluster_members (cluster_id, article_id, statement_id, source_id, "
        "source_text, origin_source_id, similarity) SELECT members.cluster_id || '-' || copies.r, "
        "copies.id, copies.id || substr(members.statement_id, 17), "
        f"{SOURCE_ID.format(id='members.source_id', people=PEOPLE)}, members.source_text, "
        f"{SOURCE_ID.format(id='members.origin_source_id', people=PEOPLE)}, members.similarity "
        f"FROM template.cluster_members AS members "
        f"JOIN copies ON copies.model = members.article_id ORDER BY copies.r, members.rowid"
    )
    conn.execute(
        "INSERT INTO cluster_findings (run_id, cluster_id, article_id, statement_id, code, "
        f"severity, message) SELECT {RUN_ID}, findings.cluster_id || '-' || copies.r, copies.id, "
        "copies.id || substr(findings.statement_id, 17), findings.code, findings.severity, "
        "findings.message FROM template.cluster_findings AS findings "
        "JOIN copies ON copies.model = findings.article_id ORDER BY copies.r, findings.rowid"
    )


def _names(columns: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f"[{c}]" for c in columns)


def pages(database: str, article_id: str, cluster_id: str | None, search: str) -> list[str]:
    metadata = serve.build_metadata(database)["databases"][database]
    tables = [
        f"/{database}/{name}" for name, t in metadata["tables"].items() if not t.get("hidden")
    ]
    return [
        "/",
        f"/{database}",
        *tables,
        *(f"/{database}/{name}" for name in metadata["queries"]),
        f"/{database}/statements?_search={search}",
        f"/{database}/findings?severity=warning&_facet=code",
        f"/{database}/articles/{article_id}",
        f"/{database}/-/article/{article_id}",
        *([f"/{database}/-/cluster/{tilde_encode(cluster_id)}"] if cluster_id else []),
    ]


async def time_pages(
    path: Path, article_id: str, cluster_id: str | None, search: str
) -> list[tuple[str, int, float, float]]:
    """Each page's status and median wall and CPU seconds."""
    datasette = serve.make_datasette(path)
    await datasette.invoke_startup()
    results = []
    for page in pages(path.stem, article_id, cluster_id, search):
        seconds, cpu = [], []
        for _ in range(REPEATS):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = await datasette.client.get(page)
            seconds.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        results.append(
            (page, response.status_code, statistics.median(seconds), statistics.median(cpu))
        )
    return results


def serve_start(path: Path) -> tuple[float, float]:
    """Seconds from running ``sayso serve`` to its home page answering (the first start
    prepares the database for browsing, later ones find it prepared), and the CPU seconds the
    server took in all (its start, one page, its exit)."""
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started, children = time.perf_counter(), _children_cpu()
    command = [sys.executable, "-m", "sayso", "serve", str(path), "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if server.poll() is not None:
                raise SystemExit(f"sayso serve exited with {server.returncode}: {command}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:
                    page.read()
                answered = time.perf_counter() - started
                break
            except OSError:
                time.sleep(0.05)
    finally:
        server.terminate()
        server.wait()
    return answered, _children_cpu() - children


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument(
        "--template", type=Path, default=SEEDS, help="articles the synthetic ones copy"
    )
    parser.add_argument("--db", type=Path, default=Path("/tmp/sayso-serve-benchmark.db"))
    parser.add_argument(
        "--search",
        default="said",
        help="word the statements page searches for (default: said, in almost every article)",
    )
    parser.add_argument(
        "--existing", action="store_true", help="time the database at --db as it is (no build)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    if not args.existing:
        for leftover in args.db.parent.glob(f"{args.db.name}*"):
            leftover.unlink()
        build(args.db, args.articles, args.template)
    built = time.perf_counter()
    with closing(sqlite3.connect(args.db)) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY rowid")]
        # An article in a claim cluster (its page links to it) and that cluster, if any.
        member = conn.execute(
            "SELECT article_id, cluster_id FROM cluster_members "
            "WHERE cluster_members.rowid >= (SELECT max(rowid) / 2 FROM cluster_members) "
            "ORDER BY cluster_members.rowid LIMIT 1"
        ).fetchone()
        prepared = schema.has_table(conn, schema.STATEMENT_SEARCH)
    article_id, cluster_id = member or (ids[len(ids) // 2], None)
    args.articles = len(ids)
    print(f"built {args.articles:,} articles in {built - started:.1f} s")
    for start in ("already prepared" if prepared else "not yet prepared", "already prepared"):
        answered, cpu = serve_start(args.db)
        print(
            f"sayso serve start, database {start}: home page after {answered:.1f} s "
            f"({cpu:.1f} s CPU)"
        )
    pages_timed = time_pages(args.db, article_id, cluster_id, args.search)
    # On a shared machine the wall time is mostly waiting for a core: the load says how much.
    loads = [os.getloadavg()[0]]
    timed = asyncio.run(pages_timed)
    loads.append(os.getloadavg()[0])
    print(f" wall ms    CPU ms  status  page (medians of {REPEATS} requests)")
    for page, status, seconds, cpu in timed:
        print(f"{seconds * 1000:5.0f} ms  {cpu * 1000:5.0f} ms  {status}     {page}")
    print(f"load average (1 min) before and after the pages: {loads[0]:.1f}, {loads[1]:.1f}")


if __name__ == "__main__":
    main()
