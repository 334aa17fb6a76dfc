"""The database benchmarks/serve_pages.py times is one a check could have written: the same
schema (every index and trigger), WAL, and browsing figures equal to those worked out from its
rows."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

pytest.importorskip("datasette")

from sayso.storage import store

from benchmarks import serve_pages
from tests.conftest import SEEDS
from tests.test_aggregates import _maintained_and_recomputed


def _schema(db) -> list[tuple]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()


def test_the_synthetic_database_is_a_checked_one(tmp_path):
    built = tmp_path / "synthetic.db"
    serve_pages.build(built, 7, SEEDS)
    checked = tmp_path / "checked.db"
    store.connect(checked).close()
    assert _schema(built) == _schema(checked)
    with closing(sqlite3.connect(built)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        articles = conn.execute("SELECT count(*), min(run_id), max(run_id) FROM articles")
        assert articles.fetchone() == (7, 1, 1)
        assert conn.execute("SELECT id, articles FROM runs").fetchall() == [(1, 7)]
        # The template's clusters once per whole round of copies (3 rounds of the 2 seeds).
        rounds = conn.execute("SELECT count(DISTINCT substr(id, -2)) FROM claim_clusters")
        assert rounds.fetchone() == (3,)
    maintained, recomputed = _maintained_and_recomputed(built)
    assert maintained["source_stats"] and maintained["statement counts"]
    assert maintained == recomputed
    # The checked template the copies were made from is gone.
    assert not list(tmp_path.glob("*.template*"))
