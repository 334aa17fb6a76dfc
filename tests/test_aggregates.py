"""The browsing figures triggers maintain always equal the same figures worked out from the rows."""

import sqlite3
from contextlib import closing

import sayso
from sayso.api import check
from sayso.model import Article
from sayso.storage import schema, store

from tests.corpus import write_corpus

# Per statement, the figures are two columns of its row.
STATEMENT_COUNTS = "SELECT id, attributions, state_media FROM statement_rows WHERE attributions"


def _rows(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    found = {}
    for table in schema.AGGREGATE_TABLES:
        rows = conn.execute(f"SELECT * FROM [{table}] ORDER BY 1, 2").fetchall()
        # Emptied rows (a source no article cites any more) are as good as no row.
        found[table] = [
            tuple(round(v, 6) if isinstance(v, float) else v for v in row)
            for row in rows
            if any(v not in (0, None) for v in row[1:]) or table == "article_stats"
        ]
    found["statement counts"] = conn.execute(f"{STATEMENT_COUNTS} ORDER BY id").fetchall()
    return found


def _maintained_and_recomputed(db) -> tuple[dict, dict]:
    with closing(sqlite3.connect(db)) as conn:
        maintained = _rows(conn)
        # Worked out again with the triggers out of the way, as the migrations do.
        for name in schema.AGGREGATE_TRIGGERS:
            conn.execute(f"DROP TRIGGER [{name}]")
        for table in schema.AGGREGATE_TABLES:
            conn.execute(f"DELETE FROM [{table}]")
        conn.execute("UPDATE statement_rows SET attributions = 0, state_media = 0")
        statement = ""
        for line in (
            schema.AGGREGATE_BACKFILL
            + ";"
            + schema.STATEMENT_COUNTS_BACKFILL
            + ";"
            + schema.ARTICLE_ORDER_BACKFILL
        ).splitlines():
            statement += line + "\n"
            if sqlite3.complete_statement(statement):
                conn.execute(statement)
                statement = ""
        if statement.strip():
            conn.execute(statement)
        return maintained, _rows(conn)


def test_figures_after_checks_rechecks_and_merges_equal_the_rows(tmp_path):
    paths = write_corpus(tmp_path / "articles", 8)
    db = tmp_path / "s.db"
    check(paths[:5], db=db, link=False)
    # Re-checked (rows deleted and written again), then one text changed, then more added.
    check(paths[:3], db=db, link=False)
    paths[0].write_text(paths[0].read_text() + "\nOfficials said the talks would resume.\n")
    check(paths[:1], db=db, link=False)
    shard = tmp_path / "shard.db"
    check(paths[4:], db=shard, link=False)
    merged = tmp_path / "merged.db"
    sayso.merge([db, shard], merged)
    for database in (db, merged):
        copy = tmp_path / f"copy-{database.name}"
        with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(copy)) as to:
            source.backup(to)
        maintained, recomputed = _maintained_and_recomputed(copy)
        assert maintained["source_stats"] and maintained["statement counts"]
        # Articles with statements resting on state media alone, counted (the last column).
        assert any(row[-1] for row in maintained["article_stats"])
        assert maintained == recomputed


def test_state_media_and_top_source_figures(tmp_path):
    text = (
        "KCNA said the parade would be held on Thursday.\n\n"
        "The meeting lasted an hour, Defense Minister Jane Okafor told reporters.\n\n"
        "KCNA added that the letter was signed."
    )
    db = tmp_path / "s.db"
    result = check(Article(text, path="story.txt"), db=db, link=False)
    article_id = result.reports[0].analysis.article.id
    with closing(sqlite3.connect(db)) as conn:
        share, top, only_state_media_count, score = conn.execute(
            "SELECT top_source_share, top_source_id, state_media_only, score FROM article_stats "
            "WHERE article_id = ?",
            [article_id],
        ).fetchone()
        stored_score = conn.execute("SELECT score FROM articles").fetchone()[0]
        only_state_media = conn.execute(
            "SELECT id FROM statement_rows WHERE state_media > 0 AND state_media = attributions"
        ).fetchall()
    assert (top, share) == ("state_media:kcna", 0.667)
    assert set(only_state_media) == {(f"{article_id}:0",), (f"{article_id}:2",)}
    assert only_state_media_count == 2 and score == stored_score


def test_score_totals_are_exact_whatever_order_the_articles_come_in(tmp_path):
    # Scores of 0.1, 0.2 and 0.3 added in floats give 0.6000000000000001 one way round and 0.6
    # the other; workers' batches come in the order they finish, so a total must not depend on
    # the order.
    db = tmp_path / "s.db"
    check(write_corpus(tmp_path / "articles", 3), db=db, link=False)
    names = ", ".join(f"[{c}]" for c in schema.TABLES["articles"].written)
    with closing(sqlite3.connect(db)) as conn:
        articles = conn.execute(f"SELECT {names} FROM articles ORDER BY rowid").fetchall()
    score = schema.TABLES["articles"].written.index("score")
    articles = [
        (*row[:score], new_score, *row[score + 1 :])
        for row, new_score in zip(articles, (0.1, 0.2, 0.3), strict=True)
    ]
    totals = {}
    for order in ("forwards", "backwards"):
        copy = tmp_path / f"{order}.db"
        with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(copy)) as to:
            source.backup(to)
        with closing(store.connect(copy)) as conn:
            with store.write_transaction(conn):
                for table in (*schema.ARTICLE_ROW_TABLES, "articles"):
                    conn.execute(f"DELETE FROM [{table}]")
            # One batch per article, as they come, each citing the same source.
            for row in articles if order == "forwards" else articles[::-1]:
                with store.write_transaction(conn):
                    marks = ", ".join("?" for _ in row)
                    conn.execute(f"INSERT INTO articles ({names}) VALUES ({marks})", row)
                    conn.execute(
                        "INSERT INTO article_sources VALUES (?, 'state_media:kcna', 1, 1)", row[:1]
                    )
                    store.count_in_figures(conn, row[:1])
            totals[order] = _score_total(conn, "state_media:kcna")
            # Taking an article out (a re-check deletes its rows first) keeps the total exact.
            with store.write_transaction(conn):
                conn.execute("DELETE FROM article_sources WHERE article_id = ?", articles[2][:1])
            assert _score_total(conn, "state_media:kcna") == 0.3
    assert totals == {"forwards": 0.6, "backwards": 0.6}


def _score_total(conn: sqlite3.Connection, source_id: str) -> float:
    query = "SELECT score_total FROM source_stats WHERE source_id = ?"
    return conn.execute(query, [source_id]).fetchone()[0]


def test_rows_a_program_inserts_itself_are_counted_in_by_count_in_figures(tmp_path):
    paths = write_corpus(tmp_path / "articles", 3)
    db = tmp_path / "s.db"
    check(paths, db=db, link=False)
    copy = tmp_path / "copy.db"
    with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(copy)) as to:
        source.backup(to)
    with closing(store.connect(copy)) as conn:
        article_ids = [id for (id,) in conn.execute("SELECT id FROM articles ORDER BY rowid")]
        # The columns a writer gives (not the figures, nor what SQLite computes).
        columns = {
            table: ", ".join(f"[{c}]" for c in schema.TABLES[table].written)
            for table in ("articles", *schema.ARTICLE_ROW_TABLES)
        }
        rows = {
            table: conn.execute(f"SELECT {names} FROM [{table}] ORDER BY rowid").fetchall()
            for table, names in columns.items()
        }
        with store.write_transaction(conn):
            for table in (*schema.ARTICLE_ROW_TABLES, "articles"):
                conn.execute(f"DELETE FROM [{table}]")
        assert not conn.execute("SELECT count(*) FROM article_stats").fetchone()[0]
        with store.write_transaction(conn):
            for table in ("articles", *schema.ARTICLE_ROW_TABLES[::-1]):
                if rows[table]:
                    marks = ", ".join("?" for _ in rows[table][0])
                    conn.executemany(
                        f"INSERT INTO [{table}] ({columns[table]}) VALUES ({marks})", rows[table]
                    )
            store.count_in_figures(conn, article_ids)
    assert _rows(sqlite3.connect(copy)) == _rows(sqlite3.connect(db))
