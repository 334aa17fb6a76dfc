"""The database: schema, spans that match the text, re-checks that update, atomic writes."""

import contextlib
import json

import sqlite_utils
from sayso.api import check
from sayso.model import Article
from sayso.storage.store import open_database, report_tables

TEXT = (
    "The mayor said the bridge would reopen in May.\n\n"
    "“We are confident,” she added. The river rose by 3 metres overnight."
)


def test_tables_views_and_foreign_keys(tmp_path):
    db = open_database(tmp_path / "s.db")
    assert {
        "runs",
        "articles",
        "statement_rows",
        "sources",
        "article_sources",
        "attribution_rows",
        "non_attribution_rows",
        "finding_rows",
        "plugin_errors",
    } <= set(db.table_names())
    assert {"statements", "attributions", "non_attributions", "findings"} <= set(db.view_names())
    foreign = {(fk.table, fk.column, fk.other_table) for t in db.tables for fk in t.foreign_keys}
    assert ("attribution_rows", "source_id", "sources") in foreign
    assert ("attribution_rows", "statement_id", "statement_rows") in foreign
    assert ("finding_rows", "article_id", "articles") in foreign
    assert ("statement_rows", "article_id", "articles") in foreign


def test_stored_spans_equal_the_text(tmp_path, seeds):
    path = tmp_path / "s.db"
    check(seeds, db=path)
    db = sqlite_utils.Database(path)
    texts = {row["id"]: row["text"] for row in db["articles"].rows}
    for row in db["statements"].rows:
        assert texts[row["article_id"]][row["start"] : row["end"]] == row["text"]
    for row in db["attributions"].rows:
        for role in ("source", "cue", "content"):
            if row[f"{role}_start"] is not None:
                text = texts[row["article_id"]][row[f"{role}_start"] : row[f"{role}_end"]]
                assert text == row[f"{role}_text"]
    for row in db["findings"].rows:
        if row["start"] is not None:
            assert texts[row["article_id"]][row["start"] : row["end"]] == row["text"]


def test_recheck_updates_without_duplicates(tmp_path):
    path = tmp_path / "s.db"
    check(Article(TEXT, path="a.txt"), db=path)
    # Checked again (as --force does), not skipped as unchanged.
    check(Article(TEXT, path="renamed.txt"), db=path, skip_unchanged=False)
    db = sqlite_utils.Database(path)
    assert db["articles"].count == 1
    assert next(db["articles"].rows)["path"] == "renamed.txt"
    assert db["runs"].count == 2
    first = check(Article(TEXT), db=path, skip_unchanged=False).reports[0]
    assert db["statements"].count == len(first.analysis.statements)
    assert db["attributions"].count == len(first.analysis.attributions)


def test_article_counts_and_score(tmp_path):
    path = tmp_path / "s.db"
    report = check(Article(TEXT), db=path).reports[0]
    row = next(sqlite_utils.Database(path)["articles"].rows)
    assert row["score"] == report.score
    assert row["statements"] == len(report.analysis.statements) == 3
    assert row["attributed_claims"] == 2
    finding_points = sum(r["points"] for r in sqlite_utils.Database(path)["findings"].rows)
    assert round(100 - finding_points, 1) == report.score


def test_failed_write_leaves_previous_rows(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    check(Article(TEXT), db=path)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("sayso.storage.store._points_by_finding", explode)
    with contextlib.suppress(RuntimeError):
        check(Article(TEXT), db=path)
    db = sqlite_utils.Database(path)
    assert db["articles"].count == 1
    assert db["statements"].count == 3


def test_each_finding_stores_its_own_points(tmp_path):
    path = tmp_path / "s.db"
    text = (
        "Officials said the bridge would reopen. The river rose by 3 metres overnight. "
        "The delegation arrived on Wednesday."
    )
    check(Article(text), db=path)
    points = {row["code"]: row["points"] for row in sqlite_utils.Database(path)["findings"].rows}
    assert points["unattributed-claim"] == 4.0
    assert points["unattributed-statement"] == 0.0


def test_sources_whose_names_share_a_row_id_are_one_row(tmp_path):
    # "Ø" and "Å" are two sources of the analysis, and both slug to "source" in the database.
    db_path = tmp_path / "s.db"
    check(Article(text="Ø said 0;Å said said"), db=db_path)
    db = open_database(db_path)
    rows = list(db["article_sources"].rows)
    assert len(rows) == 1
    assert rows[0]["source_id"].endswith(":source")
    assert rows[0]["attributions"] == db["attributions"].count


def test_report_tables_hold_json_lists(seeds):
    for report in check(seeds).reports:
        columns, rows = report_tables(report, 1, "fingerprint")["attributions"]
        attributions = zip(report.analysis.attributions, rows, strict=True)
        for attribution, values in attributions:
            row = dict(zip(columns, values, strict=True))
            fragments = [[f.start, f.end] for f in attribution.content]
            assert row["content_fragments"] == json.dumps(fragments)
            assert row["statements"] == json.dumps(attribution.statements)
