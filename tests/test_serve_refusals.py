"""`sayso serve` changes no database it was not made for, and keeps tracebacks off the terminal."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from sayso.api import check
from sayso.model import Article

pytest.importorskip("datasette")
from sayso.web import serve


def refused(sayso_cli, db: Path) -> str:
    result = sayso_cli("serve", str(db))
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    return line


def test_another_programs_sqlite_file_is_left_untouched(sayso_cli, tmp_path):
    db = tmp_path / "notes.db"
    sqlite3.connect(db).executescript("create table notes (text); insert into notes values ('x');")
    before = db.read_bytes()
    assert refused(sayso_cli, db) == (
        f"error: {db}: not a sayso database (its tables (notes) are not sayso's); sayso serve "
        "adds views and a search index to the database it serves, so it serves only those "
        "sayso check wrote"
    )
    assert db.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.db"]


def test_an_empty_file_is_not_made_a_sayso_database(sayso_cli, tmp_path):
    db = tmp_path / "empty.db"
    db.touch()
    assert "not a sayso database (it is empty)" in refused(sayso_cli, db)
    assert db.stat().st_size == 0


def test_a_text_file_is_one_line(sayso_cli, tmp_path):
    db = tmp_path / "notes.db"
    db.write_text("not a database\n")
    assert refused(sayso_cli, db) == f"error: {db}: not a SQLite database"


def test_a_newer_sayso_database_is_refused(sayso_cli, tmp_path):
    db = tmp_path / "s.db"
    check(Article("Officials said it rained."), db=db)
    sqlite_utils.Database(db)["_sqlite_migrations"].insert(
        {"migration_set": "sayso", "name": "m099_future", "applied_at": "later"}
    )
    assert "does not know); upgrade to" in refused(sayso_cli, db)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to read-only files")
def test_a_read_only_database_is_one_line(sayso_cli, tmp_path):
    db = tmp_path / "s.db"
    check(Article("Officials said it rained."), db=db)
    db.chmod(0o444)
    assert "not writable" in refused(sayso_cli, db)


def test_a_sayso_database_is_prepared(tmp_path):
    db = tmp_path / "s.db"
    check(Article("Officials said it rained."), db=db)
    serve.open_for_browsing(db).close()
    assert "article_summary" in sqlite_utils.Database(db).view_names()


def test_pages_not_found_print_no_traceback(tmp_path, capfd):
    db = tmp_path / "s.db"
    check(Article("Officials said it rained."), db=db)
    serve.open_for_browsing(db).close()
    datasette = serve.make_datasette(db)
    capfd.readouterr()
    for path in ("/nope", "/s/nope", "/s/articles/nope", "/s/-/article/nope"):
        assert asyncio.run(datasette.client.get(path)).status_code == 404
    printed = capfd.readouterr()
    assert "Traceback" not in printed.out + printed.err
    assert printed.out + printed.err == ""
