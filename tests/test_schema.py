"""The schema is described once (sayso.storage.schema): what the migrations build, what rows are
written with, what serve and the Datasette plugin read must all agree with it."""

import re
import sqlite3
from contextlib import closing

import pytest
import sqlite_utils
from sayso.storage import schema, store
from sayso.storage.store import migrations, open_database
from sayso.web import datasette_plugin, serve

from tests.test_store import TEXT


def schema_facts(conn: sqlite3.Connection) -> dict[str, object]:
    """A database's schema as facts that don't depend on how the SQL creating it was spelled."""
    tables: dict[str, object] = {}
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != ? AND name NOT LIKE ? ORDER BY name",
        [store.MIGRATIONS_TABLE, f"{schema.STATEMENT_SEARCH}%"],
    ):
        columns = conn.execute(f"PRAGMA table_xinfo([{name}])").fetchall()
        keys = conn.execute(f"PRAGMA foreign_key_list([{name}])").fetchall()
        tables[name] = (
            {column[1]: column[2] for column in columns},
            tuple(column[1] for column in sorted(columns, key=lambda c: c[5]) if column[5]),
            {key[3]: key[2] for key in keys},
        )
    indexes = {}
    for name, table, sql in conn.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name != ?",
        [store.MIGRATIONS_TABLE],
    ):
        columns = tuple(row[2] for row in conn.execute(f"PRAGMA index_info([{name}])"))
        where = re.search(r"\bWHERE\s+(.*)$", sql, re.IGNORECASE | re.DOTALL)
        indexes[name] = (table, columns, where.group(1).strip() if where else None)
    views = {
        name: tuple(row[1] for row in conn.execute(f"PRAGMA table_info([{name}])"))
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")
    }
    triggers = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    return {"tables": tables, "indexes": indexes, "views": views, "triggers": triggers}


def described(browsing: bool = False) -> dict[str, object]:
    """The same facts as sayso.storage.schema gives them (``browsing``: after serve prepared)."""
    indexes = {**schema.INDEXES, **(schema.BROWSING_INDEXES if browsing else {})}
    views = {
        view.name: (*view.columns, *view.computed, "rowid") for view in schema.SPAN_VIEWS.values()
    }
    triggers = dict(zip(schema.AGGREGATE_TRIGGERS, schema.aggregate_trigger_sql(), strict=True))
    if browsing:
        # Their columns are whatever their SQL (the schema's) selects: named only.
        views.update(dict.fromkeys(schema.SUMMARY_VIEWS))
        triggers.update(
            {
                re.search(r"TRIGGER \[(\w+)\]", sql).group(1): sql  # type: ignore[union-attr]
                for sql in schema.STATEMENT_SEARCH_SQL
                if sql.startswith("CREATE TRIGGER")
            }
        )
    return {
        "tables": {
            name: (table.columns, table.pk, table.foreign_keys)
            for name, table in schema.TABLES.items()
        },
        "indexes": {
            name: (index.table, index.columns, index.where) for name, index in indexes.items()
        },
        "views": views,
        "triggers": triggers,
    }


def test_a_new_database_has_the_schema_described(tmp_path):
    db = open_database(tmp_path / "new.db")
    assert schema_facts(db.conn) == described()


def test_a_served_database_has_the_browsing_additions_described(tmp_path):
    db = serve.open_for_browsing(_checked(tmp_path / "served.db"))
    facts = schema_facts(db.conn)
    for name in schema.SUMMARY_VIEWS:
        facts["views"][name] = None  # type: ignore[index]
    assert facts == described(browsing=True)
    assert schema.STATEMENT_SEARCH in db.table_names()


def test_the_first_schema_upgraded_has_the_schema_described(tmp_path):
    db = sqlite_utils.Database(tmp_path / "first.db")
    migrations.apply(db, stop_before="m002_provenance")
    db.close()
    with closing(open_database(tmp_path / "first.db").conn) as upgraded:
        assert schema_facts(upgraded) == described()


def test_rows_are_written_with_the_schema_columns(seeds):
    from sayso.api import check

    report = check(seeds[0], db=None).reports[0]
    for name, (columns, rows) in store.report_tables(report, 1, "fingerprint").items():
        table = schema.TABLES[schema.ROW_TABLES.get(name, name)]
        # Every written column once, none the database keeps itself (the fingerprint comes last).
        assert sorted(columns) == sorted(table.written), name
        assert all(len(row) == len(columns) for row in rows), name
    for view in schema.SPAN_VIEWS.values():
        assert view.stored == schema.TABLES[view.table].written


def test_serve_describes_every_table_and_view_of_the_schema():
    tables = serve.build_metadata("db")["databases"]["db"]["tables"]
    for name, table in schema.TABLES.items():
        assert set(tables[name]["columns"]) == set(table.columns), name
    for view in schema.SPAN_VIEWS.values():
        assert set(tables[view.name]["columns"]) == {*view.columns, *view.computed, "rowid"}
    assert set(schema.SUMMARY_VIEWS) <= set(tables)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    path = _checked(tmp_path_factory.mktemp("schema") / "served.db")
    db = serve.open_for_browsing(path)
    yield db.conn
    db.close()


SQL_CONSTANTS = [name for name in dir(datasette_plugin) if name.endswith("_SQL") and name.isupper()]


@pytest.mark.parametrize("name", SQL_CONSTANTS)
def test_the_plugin_queries_name_what_the_schema_has(served, name):
    sql = getattr(datasette_plugin, name)
    # Preparing a statement fails on a table or column that is not there.
    served.execute(f"EXPLAIN {sql}", ["x"] * sql.count("?"))


@pytest.mark.parametrize("name", sorted(serve.CANNED_QUERIES))
def test_the_canned_queries_name_what_the_schema_has(served, name):
    sql = serve.CANNED_QUERIES[name]["sql"]
    served.execute(f"EXPLAIN {sql}", dict.fromkeys(re.findall(r":(\w+)", sql), "x"))


def _checked(path):
    from sayso.api import check
    from sayso.model import Article

    check(Article(TEXT, path="a.txt"), db=path, link=False)
    return path
