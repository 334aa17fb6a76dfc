"""The schema is versioned: an older database opens in a newer sayso and keeps its rows."""

import sqlite3
import subprocess
import sys
import threading
from contextlib import closing

import sqlite_utils
from sayso.api import check
from sayso.model import Article
from sayso.storage.schema import AGGREGATE_TABLES, SPAN_VIEWS
from sayso.storage.store import COLUMNS, migrations, open_database

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


def test_migrating_leaves_numpy_unimported_and_importable(tmp_path):
    # sqlite-utils would import numpy (and start its BLAS threads) for nothing sayso stores.
    code = (
        "import sys; from sayso.storage.store import connect; connect(sys.argv[1]); "
        "import sqlite_utils.db; assert 'numpy' not in sys.modules and sqlite_utils.db.np is None; "
        "import numpy"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "s.db")], check=True)


def test_spans_migration_keeps_every_text_and_figure(tmp_path, seeds):
    """A database as sayso wrote it before m010 (texts stored in the article tables) comes
    out of the migration with views giving every text back and the same browsing figures."""
    new = tmp_path / "new.db"
    check(seeds, db=new, link=False)
    old = tmp_path / "old.db"
    db = sqlite_utils.Database(old)
    migrations.apply(db, stop_before="m010_spans")
    conn = db.conn
    conn.execute("ATTACH DATABASE ? AS new", [str(new)])
    # What the old writer stored: every column the views show, their order the old tables'.
    conn.execute("INSERT INTO main.runs SELECT * FROM new.runs")
    for table in ("articles", "sources", "article_sources", *SPAN_VIEWS):
        columns = SPAN_VIEWS[table].columns if table in SPAN_VIEWS else COLUMNS[table]
        names = ", ".join(f"[{c}]" for c in columns)
        conn.execute(f"INSERT INTO main.[{table}] ({names}) SELECT {names} FROM new.[{table}]")
    conn.commit()
    conn.execute("DETACH DATABASE new")
    open_database(old).close()
    shown = "SELECT * FROM [{}] ORDER BY id"
    figures = "SELECT * FROM [{}] ORDER BY 1, 2"
    counts = "SELECT id, attributions, state_media FROM statement_rows ORDER BY id"
    with closing(sqlite3.connect(old)) as migrated, closing(sqlite3.connect(new)) as written:
        for view in SPAN_VIEWS:
            assert migrated.execute(shown.format(view)).fetchall() == (
                written.execute(shown.format(view)).fetchall()
            )
        for table in AGGREGATE_TABLES:
            assert migrated.execute(figures.format(table)).fetchall() == (
                written.execute(figures.format(table)).fetchall()
            )
        assert migrated.execute(counts).fetchall() == written.execute(counts).fetchall()
        texts = migrated.execute("SELECT count(*) FROM statements WHERE text != ''").fetchone()
        assert texts[0] > 10


def test_every_source_gets_its_figures_row(tmp_path):
    db = sqlite_utils.Database(tmp_path / "old.db")
    migrations.apply(db, stop_before="m011_every_source_counted")
    db.execute("INSERT INTO sources (id, name, type) VALUES ('person:ann', 'Ann', 'person')")
    db.execute("DELETE FROM source_stats")
    db.conn.commit()
    db.close()
    db = open_database(tmp_path / "old.db")
    assert db.execute("SELECT source_id, articles FROM source_stats").fetchall() == [
        ("person:ann", 0)
    ]
    db.execute("INSERT INTO sources (id, name, type) VALUES ('person:bo', 'Bo', 'person')")
    assert db.execute("SELECT count(*) FROM source_stats").fetchone()[0] == 2


def test_article_order_figures_are_worked_out_for_an_older_database(tmp_path):
    # What m015 adds, taken out of a checked database as if it were older, comes back the same.
    path = tmp_path / "s.db"
    text = "KCNA said the parade would be held on Thursday.\n\nOfficials said it was large."
    check([Article(TEXT, path="a.txt"), Article(text, path="b.txt")], db=path, link=False)
    figures = "SELECT article_id, score, state_media_only FROM article_stats ORDER BY 1"
    with closing(sqlite3.connect(path)) as conn:
        written = conn.execute(figures).fetchall()
        conn.execute("DROP INDEX idx_article_stats_state_media")
        conn.execute("ALTER TABLE article_stats DROP COLUMN score")
        conn.execute("ALTER TABLE article_stats DROP COLUMN state_media_only")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm015_article_order_figures'")
        conn.commit()
    assert any(only for _, _, only in written)
    with closing(open_database(path).conn) as conn:
        assert conn.execute(figures).fetchall() == written
