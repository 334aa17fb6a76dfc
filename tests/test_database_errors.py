"""Every problem with --db is one line naming it, exit 2, and nothing already stored is lost."""

from __future__ import annotations

import os
import sqlite3

import pytest
import sqlite_utils
from sayso.api import check
from sayso.errors import DatabaseError
from sayso.model import Article
from sayso.storage import store

from tests.conftest import SEEDS

SEED = str(sorted(SEEDS.glob("*.txt"))[0])


def run(sayso_cli, db, *more):
    result = sayso_cli("check", SEED, *more, "--db", str(db), "--analyzer", "offline", "-q")
    return result.exit_code, result.stderr.strip().splitlines()


def one_line_error(sayso_cli, db, expected):
    code, lines = run(sayso_cli, db)
    assert code == 2
    assert lines == [f"error: {db}: {expected}"]


def test_a_text_file_is_not_a_database(sayso_cli, tmp_path):
    db = tmp_path / "notes.txt"
    db.write_text("my notes\n")
    one_line_error(sayso_cli, db, "not a SQLite database")
    assert db.read_text() == "my notes\n"


def test_a_directory_is_not_a_database(sayso_cli, tmp_path):
    one_line_error(sayso_cli, tmp_path, "is a directory, not a database file")


def test_a_missing_directory(sayso_cli, tmp_path):
    db = tmp_path / "nowhere" / "s.db"
    one_line_error(sayso_cli, db, f"the directory {db.parent} does not exist")


def test_a_fifo_is_not_opened(sayso_cli, tmp_path):
    db = tmp_path / "pipe.db"
    os.mkfifo(db)
    one_line_error(sayso_cli, db, "not a regular file, so not a database")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to read-only files")
def test_a_read_only_database(sayso_cli, tmp_path):
    db = tmp_path / "s.db"
    check(Article("Officials said it rained."), db=db)
    db.chmod(0o444)
    code, lines = run(sayso_cli, db)
    assert code == 2
    assert len(lines) == 1 and "not writable" in lines[0]


def test_what_sqlite_reports_is_one_line():
    for message, expected in [
        ("attempt to write a readonly database", "not writable"),
        ("database or disk is full", "the disk is full"),
        ("database is locked", "locked by another process for more than 60 s"),
        ("file is not a database", "not a SQLite database"),
    ]:
        with pytest.raises(DatabaseError) as error, store.database_errors("x.db"):
            raise sqlite3.OperationalError(message)
        assert str(error.value).startswith(f"x.db: {expected}")


def test_a_full_disk_keeps_what_was_stored(monkeypatch, tmp_path):
    db = tmp_path / "s.db"
    check(Article("Officials said it rained."), db=db)
    size = sqlite3.connect(db).execute("PRAGMA page_count").fetchone()[0]
    opened = store.open_connection

    def nearly_full(path, **options):
        conn = opened(path, **options)
        # SQLite reports SQLITE_FULL, as on a full disk, when the file would grow past this.
        conn.execute(f"PRAGMA max_page_count = {size + 1}")
        return conn

    monkeypatch.setattr("sayso.api.open_connection", nearly_full)
    articles = [Article(f"Officials said it rained {n} times. " * 200) for n in range(40)]
    with pytest.raises(DatabaseError, match="the disk is full"):
        check(articles, db=db)
    stored = sqlite_utils.Database(db)
    assert [row["text"] for row in stored["articles"].rows] == ["Officials said it rained."]
    assert stored.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_database_locked_past_the_timeout(monkeypatch, sayso_cli, tmp_path):
    db = tmp_path / "s.db"
    check(Article("Officials said it rained."), db=db)
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 100)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, lines = run(sayso_cli, db, "--force")
    finally:
        holder.rollback()
    assert code == 2
    assert lines == [
        f"error: {db}: locked by another process for more than 0.1 s; nothing was "
        "lost, try again when it is done"
    ]


@pytest.mark.parametrize(
    ("written_by", "needed"),
    [
        ("9.1.0", "sayso 9.1.0 or later"),
        # A newer build of this very version: naming it would send the user nowhere.
        (store.__version__, "a newer sayso"),
    ],
)
def test_a_database_from_a_newer_sayso_is_refused(sayso_cli, tmp_path, written_by, needed):
    db = tmp_path / "s.db"
    check(Article("Officials said it rained."), db=db)
    stored = sqlite_utils.Database(db)
    stored["_sqlite_migrations"].insert(
        {"migration_set": "sayso", "name": "m099_from_the_future", "applied_at": "later"}
    )
    stored.execute("UPDATE runs SET sayso_version = ?", [written_by])
    stored.conn.commit()
    before = stored["articles"].count
    code, lines = run(sayso_cli, db, "--force")
    assert code == 2
    assert lines == [
        f"error: {db}: written by {needed} (its schema has m099_from_the_future, which sayso "
        f"{store.__version__} does not know); upgrade to {needed}, or use another database"
    ]
    assert sqlite_utils.Database(db)["articles"].count == before
