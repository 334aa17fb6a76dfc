"""The schema is versioned: an older database opens in a newer sayso and keeps its rows."""

import sqlite3
import subprocess
import sys
import threading

import sqlite_utils
from sayso import store
from sayso.api import check
from sayso.model import Article
from sayso.store import migrations, open_database

TEXT = "The mayor said the bridge would reopen in May.\n\nThe river rose overnight."


def old_database(path, stop_before="m003_fingerprints"):
    """A database as an older sayso left it: migrations up to ``stop_before``, one article."""
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before=stop_before)
    db["runs"].insert({"id": 1, "started": "2026-01-01T00:00:00+00:00", "articles": 1})
    db["articles"].insert(
        {"id": "0123456789abcdef", "text": "Old text.", "score": 88.0, "run_id": 1}
    )
    return db


def test_every_migration_is_recorded(tmp_path):
    db = open_database(tmp_path / "s.db")
    every = [m.name for m in migrations.pending(sqlite_utils.Database(memory=True))]
    assert [m.name for m in migrations.applied(db)] == every
    assert migrations.pending(db) == []


def test_an_older_database_is_upgraded_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.db"
    old_database(path)
    db = open_database(path)
    assert {"fingerprint", "metadata"} <= set(db["articles"].columns_dict)
    assert "skipped" in db["runs"].columns_dict
    assert db["articles"].get("0123456789abcdef")["score"] == 88.0
    result = check(Article(TEXT, path="new.txt"), db=path)
    assert result.reports and db["articles"].count == 2


def test_the_first_schema_upgrades_too(tmp_path):
    path = tmp_path / "first.db"
    old_database(path, stop_before="m002_provenance")
    db = open_database(path)
    assert migrations.pending(db) == []
    assert "same_as" in db["sources"].columns_dict


def test_processes_opening_a_new_database_at_once_migrate_it_once(tmp_path):
    path = tmp_path / "new.db"
    failures = []

    def open_it():
        try:
            open_database(path)
        except Exception as error:
            failures.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    names = [m.name for m in migrations.applied(sqlite_utils.Database(path))]
    assert (
        len(names) == len(set(names)) == len(migrations.pending(sqlite_utils.Database(memory=True)))
    )


def migrated_schema(stop_before=None):
    """What sqlite-utils applying the migrations leaves in ``sqlite_master``."""
    db = sqlite_utils.Database(memory=True)
    migrations.apply(db, stop_before=stop_before)
    return db.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid"
    ).fetchall()


def schema_of(path):
    query = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid"
    return sqlite3.connect(path).execute(query).fetchall()


def test_new_database_schema_is_what_the_migrations_build():
    statements = tuple(sql for _, _, _, sql in migrated_schema() if sql is not None)
    # After adding a migration, set store.NEW_DATABASE_SCHEMA to ``statements`` and add its name.
    assert statements == store.NEW_DATABASE_SCHEMA
    assert list(store.NEW_DATABASE_MIGRATIONS) == [m.__name__ for m in store.MIGRATIONS]


def test_a_new_database_is_made_without_sqlite_utils(tmp_path):
    path = tmp_path / "new.db"
    script = f"import sys; from sayso.store import connect; connect({str(path)!r}); "
    script += "print('sqlite_utils' in sys.modules)"
    opened = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert opened.stdout.strip() == "False", opened.stderr
    assert schema_of(path) == migrated_schema()
    assert migrations.pending(sqlite_utils.Database(path)) == []


def test_migrations_after_the_new_database_schema_are_applied(tmp_path, monkeypatch):
    older = tuple(sql for _, _, _, sql in migrated_schema("m003_fingerprints") if sql is not None)
    monkeypatch.setattr(store, "NEW_DATABASE_SCHEMA", older)
    monkeypatch.setattr(store, "NEW_DATABASE_MIGRATIONS", ("m001_initial", "m002_provenance"))
    db = open_database(tmp_path / "new.db")
    assert migrations.pending(db) == []
    assert "fingerprint" in db["articles"].columns_dict
