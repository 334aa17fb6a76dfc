"""How fast `sayso serve` answers on a large database: build a synthetic one, time every page.

    python benchmarks/serve_pages.py [--articles 10000] [--template DIR] [--db PATH]
    python benchmarks/serve_pages.py --db PATH --existing

The template articles (the seeds, or ``--template DIR``, e.g. PolNeAR train) are checked once;
the database is then built in SQL, ``INSERT … SELECT`` from the template's rows, a chunk of
copies at a time: each synthetic article is a template article with a numbered closing line (so
a new id and unchanged offsets), its people renamed into 300 distinct sources, its score moved
by up to 20 points, its statements, attributions, findings and sources copied under the new
ids. The browsing figures triggers keep are worked out once at the end, as a migration does.
Pages are fetched in process through ``Datasette(...).client`` with Datasette's default limits
(1 s per query); the median of several requests is reported per page.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import time
from contextlib import closing
from pathlib import Path

import sayso
from sayso.storage import schema, store
from sayso.web import serve

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
REPEATS = 5
# Copies written per transaction.
CHUNK = 50_000
PEOPLE = 300

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
    sayso.check([template_dir], db=template, link=False)
    conn = store.connect(path)
    try:
        conn.execute("ATTACH DATABASE ? AS template", [str(template)])
        with store.write_transaction(conn):
            for name in schema.AGGREGATE_TRIGGERS:
                conn.execute(f"DROP TRIGGER [{name}]")
            conn.execute(
                "CREATE TEMP TABLE models AS SELECT row_number() OVER (ORDER BY rowid) - 1 AS k, "
                "id FROM template.articles"
            )
        models = conn.execute("SELECT count(*) FROM temp.models").fetchone()[0]
        for first in range(0, articles, CHUNK):
            with store.write_transaction(conn):
                _copy_chunk(conn, first, min(first + CHUNK, articles), models)
            print(f"  {min(first + CHUNK, articles):,} articles", flush=True)
        with store.write_transaction(conn):
            _work_out_figures(conn)
    finally:
        conn.close()
        for leftover in path.parent.glob(f"{template.name}*"):
            leftover.unlink()


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
        "run_id": "NULL",
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
    source = SOURCE_ID.format(id="rows.source_id", people=PEOPLE)
    for table in ("article_sources", *schema.ROW_TABLES):
        columns = store.COLUMNS[table]
        selected = ", ".join(COPY.get(c, f"rows.[{c}]").format(source=source) for c in columns)
        stored = schema.ROW_TABLES.get(table, table)
        conn.execute(
            f"INSERT INTO [{stored}] ({_names(columns)}) SELECT {selected} FROM copies "
            f"JOIN template.[{stored}] AS rows ON rows.article_id = copies.model "
            "ORDER BY copies.n, rows.rowid"
        )


def _work_out_figures(conn: sqlite3.Connection) -> None:
    """The browsing figures, from the rows (as the migrations do), then their triggers."""
    statement = ""
    for line in (
        schema.AGGREGATE_BACKFILL + ";\n" + schema.STATEMENT_COUNTS_BACKFILL + ";"
    ).splitlines():
        statement += line + "\n"
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    for sql in schema.aggregate_trigger_sql():
        conn.execute(sql)


def _names(columns: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f"[{c}]" for c in columns)


def pages(database: str, article_id: str) -> list[str]:
    metadata = serve.build_metadata(database)["databases"][database]
    tables = [
        f"/{database}/{name}" for name, t in metadata["tables"].items() if not t.get("hidden")
    ]
    return [
        "/",
        f"/{database}",
        *tables,
        *(f"/{database}/{name}" for name in metadata["queries"]),
        f"/{database}/statements?_search=Shoigu",
        f"/{database}/findings?severity=warning&_facet=code",
        f"/{database}/articles/{article_id}",
        f"/{database}/-/article/{article_id}",
    ]


async def time_pages(path: Path, article_id: str) -> list[tuple[str, int, float]]:
    datasette = serve.make_datasette(path)
    await datasette.invoke_startup()
    results = []
    for page in pages(path.stem, article_id):
        seconds = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            response = await datasette.client.get(page)
            seconds.append(time.perf_counter() - started)
        results.append((page, response.status_code, statistics.median(seconds)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument(
        "--template", type=Path, default=SEEDS, help="articles the synthetic ones copy"
    )
    parser.add_argument("--db", type=Path, default=Path("/tmp/sayso-serve-benchmark.db"))
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
    args.articles = len(ids)
    serve.open_for_browsing(args.db).close()
    prepared = time.perf_counter()
    print(f"built {args.articles:,} articles in {built - started:.1f} s; ", end="")
    print(f"prepared for browsing in {prepared - built:.1f} s")
    for page, status, seconds in asyncio.run(time_pages(args.db, ids[len(ids) // 2])):
        print(f"{seconds * 1000:8.0f} ms  {status}  {page}")


if __name__ == "__main__":
    main()
