"""Browsing in Datasette, tested as a reader meets it: every page and canned query, in process.

The database is built from a seed article with hand-placed attributions, checked by the
built-in checkers and saved through ``sayso.storage.store``, so it has the shape ``sayso check``
writes.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import sayso
from sayso.cli import make_app
from sayso.config import resolve_settings
from sayso.manager import get_plugins
from sayso.model import Analysis, Article, Attribution, Source, Span, Statement
from sayso.pipeline.checkers import ArticleReport, run_checkers
from sayso.storage import schema, store
from typer.testing import CliRunner

from tests.corpus import write_corpus

pytest.importorskip("datasette")

from datasette.app import Datasette
from datasette.plugins import pm
from sayso.web import datasette_plugin, serve

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
KREMLIN_SEED = SEEDS / "000_81b6159aa6d9e869.txt"
UNSOURCED_SEED = SEEDS / "003_6ff3ccebba442099.txt"
KCNA = ("KCNA", "state_media")
# (where to start looking, source mention, cue, content from … to, form, canonical source)
KREMLIN_ATTRIBUTIONS = [
    ("Thursday, July 27", "state media", "announced", ("Thursday, July 27", "(1950-1953)"),
     "indirect", KCNA),
    ("Kim Jong-un had", "the official Korean Central News Agency", "reported",
     ("Kim Jong-un had", "Vladimir Putin"), "mixed", KCNA),
    ("“Remembering", "Korea’s central news agency KCNA", "said", ("“Remembering", "environment,”"),
     "direct", KCNA),
    ("According to the agency", "the agency", "According to", ("“the interview", "friendship.”"),
     "according_to", KCNA),
    ("The North Korean leader supports", "Washington", "according to",
     ("The North Korean leader supports", "missiles"), "according_to",
     ("Washington", "government")),
]  # fmt: skip
RUSSIA_ALLY_STATEMENT = 4
SENTENCE = re.compile(r"\S[^.!?]*(?:[.!?]+”?|$)")


def seed_analysis(path: Path, attributions: list[tuple[Any, ...]]) -> Analysis:
    """An Analysis of a seed: one statement per sentence, attributions placed by phrases."""
    text = path.read_text(encoding="utf-8")
    article = Article(text=text, path=str(path), title=text.split("\n", 1)[0][:60])
    statements = []
    for paragraph, line in enumerate(re.finditer(r"[^\n]+", text)):
        for match in SENTENCE.finditer(line.group()):
            start, end = line.start() + match.start(), line.start() + match.end()
            statements.append(Statement(len(statements), start, end, text[start:end], paragraph))
    sources: dict[str, Source] = {}
    found = []
    for anchor, mention, cue, (begins, ends), form, (name, kind) in attributions:
        after = text.index(anchor)
        source_span = _find(text, mention, after)
        content_start = text.index(begins, after)
        content = Span.of(text, content_start, text.index(ends, content_start) + len(ends))
        source = sources.setdefault(name, Source(key=name, name=name, type=kind))
        source.mentions.append(source_span)
        carried = [s.index for s in statements if s.span.overlaps(content)]
        found.append(
            Attribution(form, _find(text, cue, after), source_span, [content], name, carried)
        )
    return Analysis(article, "hand", statements=statements, attributions=found, sources=sources)


def _find(text: str, phrase: str, after: int) -> Span:
    start = text.index(phrase, after)
    return Span.of(text, start, start + len(phrase))


def check_by_hand(analysis: Analysis) -> ArticleReport:
    plugins = get_plugins()
    return run_checkers(analysis, plugins, resolve_settings(plugins.checkers))


def build_seed_database(path: Path) -> dict[str, ArticleReport]:
    """A sayso database holding two seeds: one well attributed, one with no attributions."""
    kremlin = seed_analysis(KREMLIN_SEED, KREMLIN_ATTRIBUTIONS)
    # One attribution carrying two statements, as a quote running over a sentence break does.
    kremlin.attributions[1].statements.append(RUSSIA_ALLY_STATEMENT)
    reports = {
        "kremlin": check_by_hand(kremlin),
        "unsourced": check_by_hand(seed_analysis(UNSOURCED_SEED, [])),
    }
    db = store.open_database(path)
    run_id = store.start_run(db, "hand", get_plugins())
    for report in reports.values():
        store.save_batch(db, [store.report_tables(report, run_id)])
    store.finish_run(db, run_id, len(reports), 0)
    db.close()
    return reports


@pytest.fixture(scope="module")
def sayso_plugin_registered() -> Iterator[None]:
    """The plugin as installed through its entry point, or registered here if not installed."""
    registered_here = not pm.is_registered(datasette_plugin)
    if registered_here:
        pm.register(datasette_plugin, "sayso")
    yield
    if registered_here:
        pm.unregister(datasette_plugin)


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, ArticleReport]]:
    path = tmp_path_factory.mktemp("serve") / "newsroom.db"
    reports = build_seed_database(path)
    serve.open_for_browsing(path).close()
    return path, reports


@pytest.fixture(scope="module")
def datasette(seed_db: tuple[Path, Any], sayso_plugin_registered: None) -> Datasette:
    return serve.make_datasette(seed_db[0])


@pytest.fixture(scope="module")
def kremlin_id(seed_db: tuple[Path, dict[str, ArticleReport]]) -> str:
    return seed_db[1]["kremlin"].analysis.article.id


@pytest.fixture(scope="module")
def unsourced_id(seed_db: tuple[Path, dict[str, ArticleReport]]) -> str:
    return seed_db[1]["unsourced"].analysis.article.id


@pytest.fixture(scope="module")
def checked_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both seeds checked together by ``sayso.check``: claim clusters spanning the two."""
    path = tmp_path_factory.mktemp("clusters") / "checked.db"
    sayso.check(sorted(SEEDS.glob("*.txt")), db=path)
    serve.open_for_browsing(path).close()
    return path


@pytest.fixture(scope="module")
def checked(checked_db: Path, sayso_plugin_registered: None) -> Datasette:
    return serve.make_datasette(checked_db)


def cluster_where(path: Path, condition: str) -> str:
    """The id of the one claim cluster meeting an SQL condition."""
    rows = sqlite3.connect(path).execute(
        f"select claim_clusters.id from claim_clusters where {condition}"
    )
    (cluster_id,) = {row[0] for row in rows}
    return str(cluster_id)


def copy_database(source: Path, target: Path) -> sqlite3.Connection:
    """A copy of a database, recent writes (still in its WAL) included; open for changes."""
    copy = sqlite3.connect(target)
    sqlite3.connect(source).backup(copy)
    return copy


def get(datasette: Datasette, path: str) -> Any:
    return asyncio.run(datasette.client.get(path))


def get_ok(datasette: Datasette, path: str) -> str:
    response = get(datasette, path)
    assert response.status_code == 200, f"{path}: {response.status_code}\n{response.text[:2000]}"
    return str(response.text)


def query_rows(datasette: Datasette, name: str) -> list[dict[str, Any]]:
    response = get(datasette, f"/newsroom/{name}.json?_shape=objects")
    assert response.status_code == 200, response.text
    return list(response.json()["rows"])


# Preparation and metadata


def test_prepare_database_is_idempotent_and_search_follows_new_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    build_seed_database(path)
    db = serve.open_for_browsing(path)
    serve.prepare_database(db)
    assert {"article_summary", "source_summary"} <= set(db.view_names())
    assert "statements_fts" in db.table_names()
    search = "select count(*) from statements_fts where statements_fts match ?"
    containing = "select count(*) from statements where text like '%Shoigu%'"
    found = db.execute(search, ["Shoigu"]).fetchone()[0]
    assert found == db.execute(containing).fetchone()[0] > 0
    report = check_by_hand(seed_analysis(KREMLIN_SEED, []))
    store.save_batch(
        db, [store.report_tables(report, 1)]
    )  # replaces the article's rows: the triggers keep up
    assert db.execute(search, ["Shoigu"]).fetchone()[0] == found
    assert db.execute(search, ["zyzzyva"]).fetchone()[0] == 0
    # The index holds exactly the tokens of the statements the view gives (FTS5 checks).
    db.execute("insert into statements_fts (statements_fts, rank) values ('integrity-check', 1)")


def test_metadata_describes_every_table_view_and_column(seed_db: tuple[Path, Any]) -> None:
    db = sqlite3.connect(seed_db[0])
    tables = serve.build_metadata("newsroom")["databases"]["newsroom"]["tables"]
    names = [
        row[0]
        for row in db.execute(
            "select name from sqlite_master where type in ('table', 'view') "
            "and name not like 'statements_fts%' and name != '_sqlite_migrations'"
        )
    ]
    for name in names:
        # table_xinfo: generated columns (statements.number) too.
        columns = [row[1] for row in db.execute(f"pragma table_xinfo([{name}])")]
        assert tables[name]["description"], name
        assert set(tables[name]["columns"]) == set(columns), name


def test_canned_queries_answer_their_questions(
    datasette: Datasette, kremlin_id: str, unsourced_id: str
) -> None:
    unattributed = query_rows(datasette, "unattributed_claims")
    assert {row["article_id"] for row in unattributed} == {kremlin_id, unsourced_id}
    assert any(row["text"].startswith("Satellite images indicate") for row in unattributed)
    assert "warning" in {row["severity"] for row in unattributed}

    ranked = query_rows(datasette, "articles_by_score")
    assert {row["article_id"] for row in ranked} == {kremlin_id, unsourced_id}
    assert ranked[0]["rank"] == 1 and ranked[0]["score"] <= ranked[1]["score"]

    by_type = {row["type"]: row for row in query_rows(datasette, "sources_by_type")}
    assert by_type["state_media"]["attributions"] == 4
    assert by_type["government"]["attributions"] == 1
    assert by_type["state_media"]["share_of_attributions"] == 0.8

    state_only = query_rows(datasette, "state_media_only")
    assert state_only and all(row["sources"] == "KCNA" for row in state_only)
    assert not any("Washington" in row["text"] for row in state_only)
    assert any(row["text"].startswith("Kim Jong-un had") for row in state_only)
    assert any(row["statement_id"].endswith(f":{RUSSIA_ALLY_STATEMENT}") for row in state_only)

    shares = query_rows(datasette, "top_source_share")
    assert [(row["article_id"], row["top_source"], row["top_source_share"]) for row in shares] == [
        (kremlin_id, "KCNA", 0.8)
    ]


def test_queries_read_their_order_from_an_index_not_the_articles(
    seed_db: tuple[Path, Any],
) -> None:
    # State media are rare in most archives: walking every article for a few statements read a
    # million index entries at a million articles. state_media_only walks the figures of the
    # articles that have one to show, in its order; articles_by_score reads everything it shows
    # from one index (an article's row holds its whole text before its figures).
    db = sqlite3.connect(seed_db[0])
    plans = {
        name: [row[3] for row in db.execute(f"explain query plan {query['sql']}")]
        for name, query in serve.CANNED_QUERIES.items()
        if name != serve.SEARCH_QUERY
    }
    state_media = plans["state_media_only"]
    assert state_media[0] == "SCAN article_stats USING INDEX idx_article_stats_state_media"
    assert state_media[1].startswith("SEARCH statements USING INDEX idx_statement_rows_state_media")
    assert plans["articles_by_score"][0] == "SCAN articles USING COVERING INDEX idx_articles_ranked"
    assert plans["top_source_share"][0].startswith(
        "SEARCH article_stats USING INDEX idx_article_stats_share"
    )
    # Sorted only within an article (its statements), never as a whole (sources_by_type sorts
    # its row per source type).
    for name in set(plans) - {"sources_by_type"}:
        assert "USE TEMP B-TREE FOR ORDER BY" not in plans[name], name


# The queries as they were before they read the article figures (m015): from the articles.
QUERIES_FROM_THE_ARTICLES = {
    "state_media_only": f"""
select statements.id, statements.article_id, articles.title,
  {schema.span_text("statements", "start", "end")},
  (select group_concat(distinct sources.name) from attributions
    join sources on sources.id = attributions.source_id
    where {serve._CARRIES})
from articles
cross join statement_rows as statements on statements.article_id = articles.id
  and statements.state_media > 0
where statements.state_media = statements.attributions
order by articles.score, articles.id, statements.idx""",
    "top_source_share": """
select article_stats.article_id, articles.title, article_stats.top_source_id, sources.name,
  sources.type, article_stats.top_source_share, article_stats.attributions, articles.score
from article_stats
join articles on articles.id = article_stats.article_id
join sources on sources.id = article_stats.top_source_id
where article_stats.top_source_share is not null
order by article_stats.top_source_share desc, article_stats.attributions desc,
  article_stats.rowid desc""",
    "articles_by_score": """
select rank() over (order by score), id, title, score, claims, attributed_claims,
  round(1.0 * attributed_claims / nullif(claims, 0), 3), words
from articles
order by score, title""",
}


def test_queries_list_what_reading_the_articles_lists(tmp_path: Path) -> None:
    # Checked, re-checked with a changed text, and merged with a shard: the queries reading the
    # article figures list the same rows, in the same order, as the same queries over the rows.
    paths = write_corpus(tmp_path / "articles", 12)
    db, shard, merged = tmp_path / "s.db", tmp_path / "shard.db", tmp_path / "merged.db"
    sayso.check(paths[:8], db=db, link=False)
    paths[0].write_text(paths[0].read_text() + "\nKCNA said the talks would resume.\n")
    sayso.check(paths[:1], db=db, link=False)
    sayso.check(paths[6:], db=shard, link=False)
    sayso.merge([db, shard], merged)
    for path in (db, merged):
        serve.open_for_browsing(path).close()
        with closing(sqlite3.connect(path)) as conn:
            for name, sql in QUERIES_FROM_THE_ARTICLES.items():
                rows = conn.execute(serve.CANNED_QUERIES[name]["sql"]).fetchall()
                assert rows == conn.execute(sql).fetchall(), (path.name, name)
                assert len(rows) > 2, (path.name, name)


# One row per check run: these stay small whatever the archive's size.
PER_RUN_TABLES = {"runs", "plugin_times"}


def test_every_large_table_page_reads_its_order_from_an_index(seed_db: tuple[Path, Any]) -> None:
    # A page sorted by a column no index leads with reads and sorts the whole table for its
    # first rows: seconds at a million articles, past Datasette's one-second limit.
    db = sqlite3.connect(seed_db[0])
    for name, table in serve.TABLES.items():
        order = table.get("sort") or table.get("sort_desc")
        if not order or name in PER_RUN_TABLES:
            continue
        direction = "desc" if "sort_desc" in table else "asc"
        sql = f"select * from [{name}] order by [{order}] {direction} limit 101"
        plan = [row[3] for row in db.execute(f"explain query plan {sql}")]
        assert "INDEX" in plan[0] and not any("TEMP B-TREE" in step for step in plan), (name, plan)


def test_summary_views(datasette: Datasette, kremlin_id: str, unsourced_id: str) -> None:
    summary = {row["article_id"]: row for row in query_rows(datasette, "article_summary")}
    kremlin = summary[kremlin_id]
    assert kremlin["top_source"] == "KCNA" and kremlin["top_source_type"] == "state_media"
    assert kremlin["top_source_share"] == 0.8 and kremlin["attributions"] == 5
    assert 0 < kremlin["attributed_share"] < 1
    assert summary[unsourced_id]["top_source"] is None
    assert summary[unsourced_id]["attributed_share"] == 0
    assert summary[unsourced_id]["warnings"] > 0

    sources = {row["name"]: row for row in query_rows(datasette, "source_summary")}
    assert sources["KCNA"]["attributions"] == 4 and sources["KCNA"]["mentions"] == 4
    assert sources["Washington"]["articles"] == 1


# Pages


def test_every_table_view_and_query_page_renders(datasette: Datasette) -> None:
    metadata = serve.build_metadata("newsroom")["databases"]["newsroom"]
    assert "article_summary" in get_ok(datasette, "/newsroom")
    for name, table in metadata["tables"].items():
        if not table.get("hidden"):
            page = get_ok(datasette, f"/newsroom/{name}")
            assert table["description"].split(":")[0] in page.replace("&#39;", "'"), name
    for name, query in metadata["queries"].items():
        page = get_ok(datasette, f"/newsroom/{name}")
        assert query["title"].replace("'", "&#39;") in page, name
    assert "sayso" in get_ok(datasette, "/")


def test_default_sort_facets_and_labels(datasette: Datasette, kremlin_id: str) -> None:
    articles = get(datasette, "/newsroom/articles.json?_shape=objects").json()["rows"]
    assert [row["score"] for row in articles] == sorted(row["score"] for row in articles)
    sources = get_ok(datasette, "/newsroom/sources")
    assert 'data-column="type"' in sources and "state_media" in sources
    findings = get(datasette, "/newsroom/findings.json?_facet=severity").json()
    assert {"checker", "severity", "code"} <= set(findings["facet_results"])
    attributions = get_ok(datasette, "/newsroom/attributions")
    assert "form" in attributions and ">KCNA</a>" in attributions  # source_id shows the name


def test_statements_are_searchable(datasette: Datasette) -> None:
    rows = get(datasette, "/newsroom/statements.json?_search=Shoigu&_shape=objects").json()
    assert rows["rows"] and all("Shoigu" in row["text"] for row in rows["rows"])
    assert 'name="_search"' in get_ok(datasette, "/newsroom/statements")


def test_rows_pages_render(datasette: Datasette, kremlin_id: str) -> None:
    assert "Kim Jong-un" in get_ok(datasette, f"/newsroom/articles/{kremlin_id}")
    # A view has no row pages: a statement's page is the statements view filtered to its id.
    assert "friendly chat" in get_ok(datasette, f"/newsroom/statements?id={kremlin_id}%3A3")
    stored = get_ok(datasette, f"/newsroom/statement_rows/{kremlin_id}~3A3")
    assert "Links from other tables" in stored
    assert "KCNA" in get_ok(datasette, "/newsroom/sources/state_media~3Akcna")


def test_article_page_highlights_spans_and_shows_findings(
    datasette: Datasette, kremlin_id: str
) -> None:
    page = get_ok(datasette, f"/newsroom/-/article/{kremlin_id}")
    text = page.split('<div class="sayso-article">')[1].split("<h2>")[0]
    assert text.count('<span class="sayso-sr">source: </span>') == 5
    assert text.count('<span class="sayso-sr">cue: </span>') == 5
    assert text.count('<span class="sayso-sr">content: </span>') == 5
    assert '<span class="sayso-cue" title="cue of attribution 1: KCNA, state_media">announced' in (
        page
    )
    assert re.search(r'<li id="finding-1" value="1" class="sayso-finding sayso-\w+">', page)
    assert re.search(r'href="#finding-\d+"', page)
    assert "No source is given for this claim" in page
    assert f'href="/newsroom/articles/{kremlin_id}"' in page
    assert 'href="/newsroom/sources/state_media~3Akcna"' in page
    assert "80% of attributions" in page
    assert "/-/sayso/sayso.css" in page


def test_article_page_shows_info_notes_on_request(datasette: Datasette, kremlin_id: str) -> None:
    # The per-statement state-media notes are info (the article-level finding is the warning).
    info_note = "which cannot confirm it independently"
    assert info_note not in get_ok(datasette, f"/newsroom/-/article/{kremlin_id}")
    page = get_ok(datasette, f"/newsroom/-/article/{kremlin_id}?info=1")
    assert info_note in page and "hide the" in page


def test_article_page_without_attributions(datasette: Datasette, unsourced_id: str) -> None:
    page = get_ok(datasette, f"/newsroom/-/article/{unsourced_id}")
    assert "sayso found no attributions" in page
    assert "sayso-source" not in page.split("Key:")[1].split("</p>", 1)[1]


def test_article_page_not_found(datasette: Datasette) -> None:
    assert get(datasette, "/newsroom/-/article/nosucharticle").status_code == 404
    assert get(datasette, "/nosuchdb/-/article/x").status_code == 404


def test_stylesheet_is_served(datasette: Datasette) -> None:
    response = get(datasette, "/-/sayso/sayso.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert ".sayso-source" in response.text


def test_cells_link_and_show_spans(datasette: Datasette, kremlin_id: str) -> None:
    attributions = get_ok(datasette, f"/newsroom/attributions?article_id={kremlin_id}")
    assert '<span class="sayso-cue">announced</span>' in attributions
    assert '<span class="sayso-content" title="characters' in attributions
    # Statements as reports number them, from 1.
    assert f'<a href="/newsroom/statements?id={kremlin_id}%3A3">[4]</a>' in attributions
    articles = get_ok(datasette, "/newsroom/articles")
    assert f'<a href="/newsroom/-/article/{kremlin_id}">' in articles
    summary = get_ok(datasette, "/newsroom/article_summary")
    assert f'<a href="/newsroom/-/article/{kremlin_id}">{kremlin_id}</a>' in summary
    assert '<a href="/newsroom/sources/state_media~3Akcna">state_media:kcna</a>' in summary
    query = get_ok(datasette, "/newsroom/unattributed_claims")
    assert f'<a href="/newsroom/statements?id={kremlin_id}%3A' in query


def test_other_databases_are_left_alone(tmp_path: Path, sayso_plugin_registered: None) -> None:
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("create table t (article_id text)").connection.commit()
    ds = Datasette([str(path)])
    asyncio.run(ds.invoke_startup())
    page = get_ok(ds, "/other?sql=select+article_id+from+t+union+select+'x'")
    assert "/-/article/" not in page and "sayso.css" not in page
    assert get(ds, "/other/-/article/x").status_code == 404


# Claim clusters


def test_cluster_page_shows_who_reports_the_claim_on_whose_say_so(
    checked: Datasette, checked_db: Path
) -> None:
    cluster_id = cluster_where(checked_db, "label like '%letter from Russian President%'")
    articles = [row[0] for row in sqlite3.connect(checked_db).execute("select id from articles")]
    page = get_ok(checked, f"/checked/-/cluster/{cluster_id}")
    assert "Shoigu gave Kim a letter from Russian President" in page
    assert "Vladimir Putin" in page.split("Shared terms")[1]
    for article_id in articles:
        assert f'<a href="/checked/-/article/{article_id}">' in page
    assert page.count("first to report it") == 1
    table = page.split('<table class="rows-and-columns sayso-reporters">')[1].split("</table>")[0]
    assert table.count('<a href="/checked/sources/state_media~3Akcna">KCNA</a> (state_media)') == 2
    assert '“<span class="sayso-source">the official Korean Central News Agency</span>”' in table
    assert '“<span class="sayso-source">The news report</span>”' in table
    assert "Unattributed" not in table
    assert f'href="/checked/claim_clusters/{cluster_id}"' in page
    assert f'href="/checked/cluster_members?cluster_id={cluster_id}"' in page
    assert "/-/sayso/sayso.css" in page


def test_cluster_page_marks_unattributed_reports_and_shows_findings(
    checked: Datasette, checked_db: Path
) -> None:
    cluster_id = cluster_where(
        checked_db,
        "id = (select min(cluster_id) from cluster_findings where code = 'attributed-elsewhere')",
    )
    page = get_ok(checked, f"/checked/-/cluster/{cluster_id}")
    table = page.split('<table class="rows-and-columns sayso-reporters">')[1].split("</table>")[0]
    assert '<span class="sayso-unattributed">Unattributed</span>: the article gives no source' in (
        table
    )
    findings = page.split("<h2>Findings</h2>")[1]
    assert '<span class="sayso-severity">warning</span>' in findings
    assert "Stated here without a source" in findings and "attributed-elsewhere" in findings
    assert 'href="/checked/cluster_findings/' in findings


def test_cluster_page_shows_whom_a_source_was_citing(
    checked_db: Path, tmp_path: Path, sayso_plugin_registered: None
) -> None:
    path = tmp_path / "citing.db"
    db = copy_database(checked_db, path)
    cluster_id = cluster_where(path, "label like '%letter from Russian President%'")
    db.execute(
        "update cluster_members set origin_source_id = 'government:united-states-government' "
        "where cluster_id = ?",
        [cluster_id],
    )
    db.commit()
    [[members]] = db.execute(
        "select count(*) from cluster_members where cluster_id = ?", [cluster_id]
    ).fetchall()
    page = get_ok(serve.make_datasette(path), f"/citing/-/cluster/{cluster_id}")
    # One "citing" per member of the cluster (how many depends on the analyzer's attributions).
    assert members >= 2
    assert (
        page.count(
            ', citing <a href="/citing/sources/government~3Aunited-states-government">'
            "United States government</a> (government)"
        )
        == members
    )


def test_cluster_page_not_found(checked: Datasette, datasette: Datasette) -> None:
    assert get(checked, "/checked/-/cluster/nosuchcluster").status_code == 404
    assert get(datasette, "/newsroom/-/cluster/nosuchcluster").status_code == 404
    assert get(checked, "/nosuchdb/-/cluster/x").status_code == 404


def test_databases_without_cluster_tables_still_serve(
    seed_db: tuple[Path, Any], kremlin_id: str, tmp_path: Path, sayso_plugin_registered: None
) -> None:
    path = tmp_path / "older.db"
    db = copy_database(seed_db[0], path)
    db.executescript("drop table cluster_findings; drop table cluster_members;")
    db.close()
    ds = serve.make_datasette(path)
    assert "sayso-elsewhere" not in get_ok(ds, f"/older/-/article/{kremlin_id}")
    assert get(ds, "/older/-/cluster/x").status_code == 404


def test_clusters_are_linked_from_tables_and_articles(checked: Datasette, checked_db: Path) -> None:
    cluster_id = cluster_where(checked_db, "label like '%letter from Russian President%'")
    cluster_link = f'<a href="/checked/-/cluster/{cluster_id}">'
    table = get_ok(checked, "/checked/claim_clusters")
    assert f"{cluster_link}The news report revealed that Shoigu gave Kim a letter" in table
    assert f"{cluster_link}{cluster_id}</a>" in get_ok(
        checked, f"/checked/claim_clusters/{cluster_id}"
    )
    query = get_ok(checked, "/checked?sql=select+cluster_id+from+cluster_members")
    assert f"{cluster_link}{cluster_id}</a>" in query
    kremlin = (
        sqlite3.connect(checked_db)
        .execute(
            "select article_id from cluster_members where cluster_id = ? order by id", [cluster_id]
        )
        .fetchone()[0]
    )
    article = get_ok(checked, f"/checked/-/article/{kremlin}")
    margin = article.split('<div class="sayso-article">')[1].split("<h2>")[0]
    assert f"{cluster_link}also reported in 1 other article</a>" in margin
    assert "“Kim Jong-un had “a friendly chat” …”" in margin


# The command


def test_serve_command_prepares_and_serves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "served.db"
    build_seed_database(path)
    served: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **options: served.update(options, app=app))
    result = CliRunner().invoke(make_app(), ["serve", str(path), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert served["host"] == "127.0.0.1" and served["port"] == 8123
    assert "article_summary" in store.open_database(path).view_names()


def test_serve_command_without_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(make_app(), ["serve", str(tmp_path / "missing.db")])
    assert result.exit_code == 2
    assert "run sayso check first" in result.stderr


def test_serve_command_without_datasette(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *args: None)
    result = CliRunner().invoke(make_app(), ["serve", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("pip install 'sayso[serve]'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_large_tables_leave_out_default_facets_and_row_counts(
    seed_db: tuple[Path, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = seed_db[0]
    with sqlite3.connect(path) as conn:
        assert serve.large_tables(conn) == set()
        large = serve.large_tables(conn, limit=5)
    assert {"statements", "statement_rows", "findings"} <= large
    assert "runs" not in large
    tables = serve.build_metadata("newsroom", large)["databases"]["newsroom"]["tables"]
    assert "facets" not in tables["findings"] and tables["sources"]["facets"] == ["type"]
    datasette = serve.make_datasette(path)
    counted = get(datasette, "/newsroom/statements.json").json()
    assert counted["filtered_table_rows_count"] == len(counted["rows"]) > 0
    # Past COUNT_LIMIT rows Datasette is asked for no count: it would take most of a second.
    monkeypatch.setattr(datasette_plugin, "COUNT_LIMIT", 5)
    monkeypatch.setattr(datasette_plugin, "SEARCH_LIMIT", 5)
    # Nor on the home and database pages, where SQLite could not interrupt a count.
    listed = {t["name"]: t["count"] for t in get(datasette, "/newsroom.json").json()["tables"]}
    assert listed["statement_rows"] is None and listed["runs"] == 1
    for page in ("/newsroom/statements.json", "/newsroom/findings.json?severity=warning"):
        uncounted = get(datasette, page).json()
        assert uncounted["filtered_table_rows_count"] is None and uncounted["rows"]
    assert get(datasette, "/newsroom/runs.json").json()["filtered_table_rows_count"] == 1
    # A search there is answered by the search_statements query, which stops at its rows.
    found = get(datasette, "/newsroom/statements.json?_search=Shoigu&_shape=array").json()
    assert found and all("Shoigu" in row["text"] for row in found)
    assert {"statement_id", "article_id", "article", "text"} == set(found[0])
    page = get_ok(datasette, "/newsroom/statements?_search=Shoigu+%22Kim")
    assert "Statements found by full-text search" in page
