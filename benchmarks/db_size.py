"""How big a sayso database is per 1,000 articles, compacted, and what takes the room.

    python benchmarks/db_size.py DB [--top 15]

The database is copied compacted (``VACUUM INTO`` a temporary file, so DB itself is left as it
is) and measured there: megabytes in all and per 1,000 articles, then the largest tables and
indexes (SQLite's ``dbstat``). For the README's figure, check PolNeAR train first:
``sayso check ../shared/corpora/polnear/train/text --quiet --db train.db``.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path


def measure(db: Path, top: int) -> list[str]:
    with tempfile.TemporaryDirectory() as scratch:
        compact = Path(scratch) / "compact.db"
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            conn.execute("VACUUM INTO ?", [str(compact)])
        with closing(sqlite3.connect(compact)) as conn:
            articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            size = compact.stat().st_size
            parts = conn.execute(
                "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT ?",
                [top],
            ).fetchall()
    per_thousand = size / max(articles, 1) * 1000
    lines = [
        f"{db}: {articles:,} articles, {size / 1e6:.2f} MB compacted, "
        f"{per_thousand / 1e6:.1f} MB per 1,000 articles"
    ]
    lines += [f"  {bytes_ / 1e6:7.2f} MB  {name}" for name, bytes_ in parts]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--top", type=int, default=15, help="tables and indexes to list")
    args = parser.parse_args()
    if not args.db.is_file():
        parser.error(f"no database at {args.db}")
    print("\n".join(measure(args.db, args.top)))


if __name__ == "__main__":
    main()
