"""sayso merge: shards checked apart give, row for row, what one sequential run stores."""

import sqlite3
from contextlib import closing

import pytest
import sayso
from sayso.api import check
from sayso.errors import DatabaseError
from sayso.manager import extra_plugins
from sayso.storage import merge as merging
from sayso.web.serve import open_for_browsing

from benchmarks.dump_tables import table_rows
from tests.conftest import RaisingPlugin
from tests.corpus import write_corpus


def dump(db) -> dict[str, list[str]]:
    """Every table's rows, what differs between runs aside."""
    return {table: rows for table, _, rows in table_rows(db, across_runs=True)}


def _stored_order(db) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY rowid")]


@pytest.fixture
def shards(tmp_path):
    """Nine articles checked in one run, and the same checked as three shards."""
    paths = write_corpus(tmp_path / "articles", 9)
    sequential = tmp_path / "sequential.db"
    check(paths, db=sequential, link=False)
    parts = [tmp_path / f"shard-{n}.db" for n in range(3)]
    for number, part in enumerate(parts):
        check(paths[number * 3 : number * 3 + 3], db=part, link=False)
    return paths, sequential, parts


def test_merged_shards_equal_a_sequential_run_row_for_row_in_any_order(shards, tmp_path):
    _, sequential, parts = shards
    merged = []
    for number, order in enumerate((parts, parts[::-1], [parts[1], parts[2], parts[0]])):
        merged.append(tmp_path / f"merged-{number}.db")
        result = sayso.merge(order, merged[-1])
        assert (result.articles, result.duplicates) == (9, 0)
    expected = dump(sequential)
    assert expected["articles"] and expected["statement_rows"] and expected["finding_rows"]
    for db in merged:
        assert dump(db) == expected
        assert _stored_order(db) == _stored_order(sequential)
    with sqlite3.connect(merged[0]) as conn:
        runs = conn.execute("SELECT id, analyzer, articles, sayso_version FROM runs").fetchall()
        run_ids = {row[0] for row in conn.execute("SELECT DISTINCT run_id FROM articles")}
    assert [(analyzer, articles) for _, analyzer, articles, _ in runs] == [("tagger", 9)]
    assert run_ids == {runs[0][0]}


def test_a_merge_into_a_new_database_is_its_run_1_as_a_sequential_run_is(shards, tmp_path):
    _, sequential, parts = shards
    merged = tmp_path / "merged.db"
    assert sayso.merge(parts[::-1], merged).run_id == 1
    # Run numbers included: the same rows as the sequential run's, plugin timings summed.
    assert {table: rows for table, _, rows in table_rows(merged)} == {
        table: rows for table, _, rows in table_rows(sequential)
    }
    # Into a database that has runs, a merge is the next.
    assert sayso.merge([parts[0]], merged).run_id == 2


def test_linking_a_merge_gives_the_clusters_of_linking_the_sequential_run(shards, tmp_path):
    _, sequential, parts = shards
    merged = tmp_path / "merged.db"
    sayso.merge(parts[::-1], merged, link=True)
    sayso.link(sequential)
    clusters = dump(merged)["claim_clusters"]
    assert clusters and clusters == dump(sequential)["claim_clusters"]
    assert dump(merged)["cluster_members"] == dump(sequential)["cluster_members"]


def test_rechecking_against_the_merge_skips_every_unchanged_file(shards, tmp_path):
    paths, _, parts = shards
    merged = tmp_path / "merged.db"
    sayso.merge(parts, merged)
    result = check(paths, db=merged, skip_unchanged=True, link=False)
    assert (len(result.reports), len(result.unchanged)) == (0, 9)


def test_an_article_in_two_shards_is_kept_once_whatever_the_order(shards, tmp_path):
    paths, _, parts = shards
    check(paths[:1], db=parts[1], link=False)  # also in shard 0: now checked later, in shard 1
    with sqlite3.connect(parts[1]) as conn:
        later = conn.execute("SELECT checked_at FROM articles WHERE path = ?", [str(paths[0])])
        (checked_at,) = later.fetchone()
    merged = [tmp_path / "one.db", tmp_path / "other.db"]
    results = [sayso.merge(parts, merged[0]), sayso.merge(parts[::-1], merged[1])]
    assert [r.duplicates for r in results] == [1, 1]
    assert dump(merged[0]) == dump(merged[1])
    with sqlite3.connect(merged[0]) as conn:
        stored = conn.execute("SELECT checked_at FROM articles WHERE path = ?", [str(paths[0])])
        assert stored.fetchone()[0] >= checked_at
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 9


def test_plugin_errors_are_kept_with_new_ids_and_the_merged_run(tmp_path):
    paths = write_corpus(tmp_path / "articles", 4)
    parts = [tmp_path / "a.db", tmp_path / "b.db"]
    with extra_plugins(("raiser", RaisingPlugin())):
        check(paths, db=tmp_path / "sequential.db", link=False)
        check(paths[:2], db=parts[0], link=False)
        check(paths[2:], db=parts[1], link=False)
    merged = tmp_path / "merged.db"
    sayso.merge(parts, merged)
    assert dump(merged)["plugin_errors"] == dump(tmp_path / "sequential.db")["plugin_errors"]
    with sqlite3.connect(merged) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM plugin_errors")]
        runs = {row[0] for row in conn.execute("SELECT DISTINCT run_id FROM plugin_errors")}
        (only_run,) = conn.execute("SELECT id FROM runs").fetchall()
    assert ids and len(ids) == len(set(ids))
    assert runs == set(only_run)


def test_merging_into_an_existing_database_and_an_interrupted_merge(shards, tmp_path, monkeypatch):
    _, sequential, parts = shards
    merged = tmp_path / "merged.db"
    sayso.merge(parts[:1], merged)
    before = dump(merged)
    calls = []

    def dies_on_the_second(conn, run_id):
        calls.append(run_id)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return original(conn, run_id)

    original = merging._merge_shard
    monkeypatch.setattr(merging, "_merge_shard", dies_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        sayso.merge(parts[1:], merged)
    assert dump(merged) == before
    assert not list(tmp_path.glob("*.merging*"))
    monkeypatch.undo()
    sayso.merge(parts[1:], merged)
    rows = dump(merged)
    assert rows["articles"] == dump(sequential)["articles"]
    assert len(rows["runs"]) == 2


def test_merge_refuses_bad_shards(shards, tmp_path):
    _, sequential, parts = shards
    with pytest.raises(DatabaseError, match="no such database"):
        sayso.merge([tmp_path / "missing.db"], tmp_path / "out.db")
    with pytest.raises(DatabaseError, match="given twice"):
        sayso.merge([parts[0], parts[0]], tmp_path / "out.db")
    with pytest.raises(DatabaseError, match="is the output"):
        sayso.merge([parts[0], sequential], sequential)
    assert not (tmp_path / "out.db").exists()


def test_link_merge_and_serve_refuse_a_foreign_database_alike(tmp_path):
    foreign = tmp_path / "notes.db"
    with closing(sqlite3.connect(foreign)) as conn:
        conn.execute("PRAGMA journal_mode = wal")
        conn.execute("CREATE TABLE notes (text)")
    before = foreign.read_bytes()
    refusal = f"{foreign}: not a sayso database (its tables (notes) are not sayso's)"
    with pytest.raises(DatabaseError) as merging_it:
        sayso.merge([foreign], tmp_path / "out.db")
    with pytest.raises(DatabaseError) as linking_it:
        sayso.link(foreign)
    with pytest.raises(DatabaseError) as serving_it:
        open_for_browsing(foreign)
    assert str(merging_it.value) == str(linking_it.value) == refusal
    assert str(serving_it.value).startswith(refusal + "; sayso serve adds views")
    assert foreign.read_bytes() == before
    # Only looked at: the file as it was, nothing left beside it.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.db"]


def test_sayso_merge_command(sayso_cli, shards, tmp_path):
    parts = shards[2]
    out = tmp_path / "out.db"
    result = sayso_cli("merge", *map(str, parts), "--db", str(out), "--link")
    assert result.exit_code == 0, result.stderr
    assert "Merged 3 database(s)" in result.stdout and "9 article(s)" in result.stdout
    assert dump(out)["claim_clusters"]
    missing = sayso_cli("merge", str(tmp_path / "nope.db"), "--db", str(out))
    assert missing.exit_code == 2 and "no such database" in missing.stderr
