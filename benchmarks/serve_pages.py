"""How fast `sayso serve` answers on a large database: build a synthetic one, time every page.

    python benchmarks/serve_pages.py [--articles 10000] [--db /tmp/sayso-10k.db]

The seeds are checked once; each synthetic article is a seed with a numbered closing line (so
a new id and unchanged offsets), its people renamed into a few hundred distinct sources, and
part of its score deductions kept, so scores and sources vary. Pages are fetched in process
through ``Datasette(...).client``; the median of several requests is reported per page.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import time
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import sayso
from sayso.pipeline.checkers import ArticleReport
from sayso.storage import store
from sayso.web import serve

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
REPEATS = 5


def variant(report: ArticleReport, number: int) -> ArticleReport:
    analysis = report.analysis
    article = replace(analysis.article, text=f"{analysis.article.text}\n\nCopy {number}.")
    sources = {
        key: replace(source, name=f"{source.name} {number % 300}")
        if source.type == "person"
        else source
        for key, source in analysis.sources.items()
    }
    kept = report.deductions[: number % (len(report.deductions) + 1)]
    return replace(
        report,
        analysis=replace(analysis, article=article, sources=sources),
        deductions=kept,
    )


def build(path: Path, articles: int) -> list[str]:
    seeds = sayso.check([SEEDS], db=None).reports
    db = store.open_database(path)
    ids = []
    batch = []
    for number in range(articles):
        report = variant(seeds[number % len(seeds)], number)
        ids.append(report.analysis.article.id)
        batch.append(store.report_tables(report, None))
        if len(batch) == 1000 or number == articles - 1:
            store.save_batch(db, batch)
            batch = []
    db.close()
    return ids


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
    parser.add_argument("--db", type=Path, default=Path("/tmp/sayso-serve-benchmark.db"))
    parser.add_argument(
        "--existing", action="store_true", help="time the database at --db as it is (no build)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    if args.existing:
        with closing(sqlite3.connect(args.db)) as conn:
            ids = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY rowid")]
        args.articles = len(ids)
    else:
        for leftover in args.db.parent.glob(f"{args.db.name}*"):
            leftover.unlink()
        ids = build(args.db, args.articles)
    built = time.perf_counter()
    serve.open_for_browsing(args.db).close()
    prepared = time.perf_counter()
    print(f"built {args.articles:,} articles in {built - started:.1f} s; ", end="")
    print(f"prepared for browsing in {prepared - built:.1f} s")
    for page, status, seconds in asyncio.run(time_pages(args.db, ids[len(ids) // 2])):
        print(f"{seconds * 1000:8.0f} ms  {status}  {page}")


if __name__ == "__main__":
    main()
