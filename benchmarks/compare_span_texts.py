"""Proof that the span views give back what the tables stored: two databases, compared row by row.

    python benchmarks/compare_span_texts.py OLD.db NEW.db

OLD is a database written before the m010 migration (statements, attributions,
non-attributions and findings stored with their text), NEW one written or migrated after it
(the same names are views that take each span's text from ``articles.text``). For each of those
four, every row's every column (``text``, ``source_text``, ``cue_text``, ``content_text`` and
the rest) must be equal byte for byte, the rows matched by id; prints a line per table and
exits 1 at the first difference. OLD is only read; NEW may be OLD migrated (a copy of it
opened by this sayso).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from sayso.storage.schema import SPAN_VIEWS


def rows(conn: sqlite3.Connection, table: str, columns: tuple[str, ...]) -> dict[str, tuple]:
    # As blobs: two texts are equal byte for byte, not merely after decoding.
    selected = ", ".join(f"CAST([{column}] AS BLOB)" for column in columns)
    found = conn.execute(f"SELECT id, {selected} FROM [{table}]")
    return {row[0].decode() if isinstance(row[0], bytes) else row[0]: row[1:] for row in found}


def compare(old: Path, new: Path) -> bool:
    same = True
    with (
        closing(sqlite3.connect(f"file:{old}?mode=ro", uri=True)) as before,
        closing(sqlite3.connect(f"file:{new}?mode=ro", uri=True)) as after,
    ):
        for view in SPAN_VIEWS.values():
            stored, shown = (
                rows(before, view.name, view.columns),
                rows(after, view.name, view.columns),
            )
            texts = sum(
                1
                for row in stored.values()
                for column, value in zip(view.columns, row, strict=True)
                if column in view.texts and value is not None
            )
            if stored == shown:
                print(f"{view.name}: {len(shown):,} rows, {texts:,} texts, all equal")
                continue
            same = False
            missing = stored.keys() ^ shown.keys()
            differing = [key for key in stored.keys() & shown.keys() if stored[key] != shown[key]]
            print(f"{view.name}: {len(missing)} rows in one only, {len(differing)} differ")
            for key in differing[:3]:
                for column, a, b in zip(view.columns, stored[key], shown[key], strict=True):
                    if a != b:
                        print(f"  {key} {column}: {a!r} != {b!r}")
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    args = parser.parse_args()
    sys.exit(0 if compare(args.old, args.new) else 1)


if __name__ == "__main__":
    main()
