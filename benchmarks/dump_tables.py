"""Every table a check writes, in a stable form two runs can be compared by: proof of no change.

    python benchmarks/dump_tables.py DIR [--out FILE] [-- CHECK-OPTIONS...]
    python benchmarks/dump_tables.py --db sayso.db [--out FILE]

With DIR, checks it into a fresh database first (``sayso check DIR --quiet --db TEMP`` plus any
options after ``--``, e.g. ``-- --link --workers 1``), then dumps that database. With --db, dumps
a database already written. A refactor that should not change behaviour is shown to by dumping
before and after and comparing the files (``cmp before.txt after.txt``).

The dump is every table (sqlite-utils' migration log and SQLite's own tables aside) as a header
line with its columns, then one JSON array per row, rows sorted. Columns that hold the time of
a run or of a file (``started``, ``finished``, ``checked_at``, ``file_mtime_ns``) or how long
something took (``plugin_times.seconds``) are left out:
they differ between any two runs, and nothing sayso decides depends on them. The check runs
with ``PYTHONHASHSEED=0``: which surface form labels a claim cluster's term ("clinton" or
"clintons") follows set order, which string hashing randomises from one process to the next.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

VOLATILE_COLUMNS = {"started", "finished", "checked_at", "file_mtime_ns", "seconds"}
SKIPPED_TABLES = {"_sqlite_migrations"}
# Between databases that different runs wrote (a merge and a sequential run): which run, and
# the numbers of runs and plugin errors, given in the order they come.
RUN_COLUMNS = {"run_id"}
RUN_NUMBERED_TABLES = {"runs", "plugin_errors"}


def table_rows(db: Path, across_runs: bool = False) -> Iterator[tuple[str, list[str], list[str]]]:
    """Each table by name, its columns (volatile ones aside) and its rows as JSON arrays, sorted.

    With ``across_runs``, what differs between runs is left out too (:data:`RUN_COLUMNS`, the
    ids of :data:`RUN_NUMBERED_TABLES`).
    """
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "select name from sqlite_master where type = 'table' order by name"
            )
            if name not in SKIPPED_TABLES and not name.startswith("sqlite_")
        ]
        left_out = VOLATILE_COLUMNS | RUN_COLUMNS if across_runs else VOLATILE_COLUMNS
        for table in tables:
            columns = [
                row[1]
                for row in conn.execute(f"pragma table_info([{table}])")
                if row[1] not in left_out
                and not (across_runs and table in RUN_NUMBERED_TABLES and row[1] == "id")
            ]
            selected = ", ".join(f"[{column}]" for column in columns)
            rows = [
                json.dumps(list(row), ensure_ascii=False, default=_hex)
                for row in conn.execute(f"select {selected} from [{table}]")
            ]
            yield table, columns, sorted(rows)
    finally:
        conn.close()


def _hex(value: object) -> str:
    """A BLOB (``article_terms.terms``) as its bytes in hex."""
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"{type(value).__name__} in a table")


def dump(db: Path) -> Iterator[str]:
    for table, columns, rows in table_rows(db):
        yield f"## {table} ({len(rows)} rows): {', '.join(columns)}"
        yield from rows


def check_into(directory: Path, db: Path, options: list[str]) -> None:
    command = [sys.executable, "-m", "sayso", "check", str(directory), "--quiet", "--db", str(db)]
    # Exit 1 is --fail-under not met and 2 an unreadable input: the tables are still written.
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    completed = subprocess.run([*command, *options], check=False, env=environment)
    if completed.returncode not in (0, 1, 2):
        sys.exit(f"sayso check failed with exit code {completed.returncode}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, help="articles to check first")
    parser.add_argument("--db", type=Path, help="dump this database instead of checking")
    parser.add_argument("--out", type=Path, help="write the dump here (default: stdout)")
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    options = argv[split + 1 :]
    if (args.directory is None) == (args.db is None):
        parser.error("give either a directory to check or --db")
    if args.db is not None and not args.db.is_file():
        parser.error(f"no database at {args.db}")
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db
        if db is None:
            db = Path(scratch) / "sayso.db"
            check_into(args.directory, db, options)
        lines = "".join(f"{line}\n" for line in dump(db))
    if args.out is None:
        sys.stdout.write(lines)
    else:
        args.out.write_text(lines, encoding="utf-8")


if __name__ == "__main__":
    main()
