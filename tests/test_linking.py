"""Linking from stored rows: after the fact, incrementally, all or nothing, order-independent."""

import dataclasses
import functools
import gc
import itertools
import json
import pickle
import re
import sqlite3
from collections import Counter
from unittest import mock

import pytest
import sayso
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st
from sayso.api import check
from sayso.manager import get_plugins
from sayso.memo import once
from sayso.model import Article, Source
from sayso.pipeline.engine import build_lexicon
from sayso.provenance import stored
from sayso.provenance.linking import (
    SIMILARITY_THRESHOLD,
    CanonicalSource,
    CitedSource,
    ClusterMember,
    Linker,
    Provenance,
    _average_linkage,
    _most_common,
    _SourceResolver,
    candidate_pairs,
)
from sayso.provenance.stored import link_database
from sayso.provenance.terms import (
    _BREAK,
    _CLAUSE_BREAK,
    _DASH_BREAK_PATTERN,
    _WORD,
    TERMS_VERSION,
    ArticleClaims,
    ClaimTerms,
    ClaimText,
    TermExtractor,
    _break_at_dashes,
    _masked,
    _restored_clauses,
    _shorter_first,
    _words,
)
from sayso.storage import store

from tests.conftest import SEEDS


@functools.cache
def _extractor() -> TermExtractor:
    """One extractor for tests that make many examples (building the lexicon takes a while)."""
    return TermExtractor(build_lexicon(get_plugins()))


def _compressed(data: bytes) -> bytes:
    """Bytes compressed as stored terms are."""
    return zstandard.ZstdCompressor().compress(data)


def _clusters(db_path) -> list[tuple]:
    """The stored clusters and members, minus the run that wrote them."""
    with sqlite3.connect(db_path) as db:
        clusters = db.execute(
            "SELECT id, label, terms, articles, statements, original_source_id, first_article_id "
            "FROM claim_clusters ORDER BY id"
        ).fetchall()
        members = db.execute(
            "SELECT cluster_id, statement_id, source_id, source_text, similarity "
            "FROM cluster_members ORDER BY cluster_id, statement_id, source_id"
        ).fetchall()
        findings = db.execute(
            "SELECT cluster_id, article_id, statement_id, code, message FROM cluster_findings "
            "ORDER BY article_id, statement_id, code, message"
        ).fetchall()
    return [clusters, members, findings]


def test_linking_stored_rows_gives_what_linking_reports_gives(seeds, tmp_path):
    in_memory = check(seeds).provenance
    db = tmp_path / "s.db"
    check(seeds, db=db, link=False)
    assert _clusters(db)[0] == []
    stored = sayso.link(db)
    assert in_memory is not None and stored is not None
    assert [c.id for c in stored.clusters] == [c.id for c in in_memory.clusters]
    assert [c.terms for c in stored.clusters] == [c.terms for c in in_memory.clusters]
    assert [f.message for f in stored.findings] == [f.message for f in in_memory.findings]
    assert _clusters(db)[0]


def test_a_check_that_links_stores_what_sayso_link_stores(seeds, tmp_path):
    linked, later = tmp_path / "linked.db", tmp_path / "later.db"
    check(seeds, db=linked)
    check(seeds, db=later, link=False)
    sayso.link(later)
    assert _clusters(linked) == _clusters(later)


def test_a_link_leaves_the_indexes_as_they_were(seeds, tmp_path):
    """The provenance tables are filled first and indexed after: the same indexes, working."""
    db = tmp_path / "s.db"
    check(seeds, db=db, link=False)
    schema = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    with sqlite3.connect(db) as conn:
        before = conn.execute(schema).fetchall()
    conn.close()
    sayso.link(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute(schema).fetchall() == before
        assert any(name.startswith("idx_cluster_members") for name, _ in before)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def test_articles_checked_later_join_the_existing_clusters(seeds, tmp_path):
    at_once, one_by_one = tmp_path / "once.db", tmp_path / "incremental.db"
    check(seeds, db=at_once)
    check(seeds[:1], db=one_by_one)
    assert sayso.link(one_by_one) is None  # one article: nothing to link
    check(seeds[1:], db=one_by_one, link=False)
    sayso.link(one_by_one)
    assert _clusters(one_by_one) == _clusters(at_once)


def test_a_failed_link_changes_nothing_and_running_it_again_completes_it(
    seeds, tmp_path, monkeypatch
):
    db = tmp_path / "s.db"
    check(seeds, db=db)
    before = _clusters(db)
    # New articles, then a link that dies while writing its clusters.
    extra = [Article(p.read_text() + "\n\nUpdated.", path=f"{p.stem}-2.txt") for p in seeds]
    check(extra, db=db, link=False)

    def dies(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "_insert", dies)
    with pytest.raises(KeyboardInterrupt):
        sayso.link(db)
    assert _clusters(db) == before
    monkeypatch.undo()
    sayso.link(db)
    after = _clusters(db)
    assert after != before
    sayso.link(db)
    assert _clusters(db) == after


def test_a_check_whose_linking_was_killed_links_when_run_again(seeds, tmp_path, monkeypatch):
    unbroken, killed = tmp_path / "unbroken.db", tmp_path / "killed.db"
    check(seeds, db=unbroken)

    def dies(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("sayso.provenance.stored.save_provenance", dies)
    with pytest.raises(KeyboardInterrupt):
        check(seeds, db=killed)
    assert _clusters(killed)[0] == []
    monkeypatch.undo()
    # The articles are stored unchanged, so the re-run skips them, and links them all the same.
    result = check(seeds, db=killed, skip_unchanged=True)
    assert len(result.unchanged) == 2
    assert _clusters(killed) == _clusters(unbroken)


def _memberships(db_path) -> list[set[str]]:
    with sqlite3.connect(db_path) as db:
        clusters: dict[str, set[str]] = {}
        for cluster_id, statement_id in db.execute(
            "SELECT cluster_id, statement_id FROM cluster_members"
        ):
            clusters.setdefault(cluster_id, set()).add(statement_id)
    return list(clusters.values())


def _retold(path) -> Article:
    """Another outlet's article that repeats every sentence of the seed (a wire copy)."""
    return Article("From the wires.\n\n" + path.read_text(), path=f"copy-of-{path.name}")


def test_an_incremental_link_keeps_the_clusters_and_places_the_new_articles(seeds, tmp_path):
    db = tmp_path / "s.db"
    check(seeds, db=db, link=False)
    sayso.link(db)
    before = _memberships(db)
    check([_retold(seeds[0])], db=db, link=False)
    provenance = sayso.link(db)
    assert provenance is not None and len(provenance.articles) == 3
    after = _memberships(db)
    # Every cluster linked before is still whole, and the copy's sentence joined it.
    assert before
    for cluster in before:
        grown = next(members for members in after if cluster <= members)
        assert len({statement.split(":")[0] for statement in grown}) == 3


def test_a_full_link_is_a_link_from_scratch(seeds, tmp_path):
    incremental, scratch = tmp_path / "incremental.db", tmp_path / "scratch.db"
    for db in (incremental, scratch):
        check(seeds, db=db, link=False)
    sayso.link(incremental)
    for db in (incremental, scratch):
        check([_retold(seeds[0])], db=db, link=False)
    sayso.link(incremental, full=True)
    sayso.link(scratch)
    assert _clusters(incremental) == _clusters(scratch)


def test_an_article_checked_again_is_linked_again(seeds, tmp_path):
    again, once = tmp_path / "again.db", tmp_path / "once.db"
    for db in (again, once):
        check(seeds, db=db, link=False)
    sayso.link(again)
    # Checked again (as after a new version of sayso): its clusters are linked anew.
    for db in (again, once):
        check(seeds[:1], db=db, link=False)
    sayso.link(again)
    sayso.link(once)
    assert _clusters(again) == _clusters(once)


def test_linking_in_worker_processes_gives_the_same_clusters(seeds, tmp_path, monkeypatch):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    articles = [Article(path.read_text(), path=path.name) for path in seeds]
    articles += [_retold(path) for path in seeds]
    for db in (one, two):
        check(articles, db=db, link=False)
    monkeypatch.setattr("sayso.provenance.stored.MIN_ARTICLES_FOR_WORKERS", 0)
    monkeypatch.setattr("sayso.provenance.stored.READ_BATCH", 1)
    sayso.link(one)
    sayso.link(two, workers=2)
    assert _clusters(one) == _clusters(two)


def test_link_database_links_only_the_articles_asked_for(seeds, tmp_path):
    db = tmp_path / "s.db"
    check(seeds, db=db, link=False)
    with sqlite3.connect(db) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM articles")]
    lexicon = build_lexicon(get_plugins())
    assert link_database(db, lexicon, None, ids[:1]) is None
    provenance = link_database(db, lexicon, None, ids)
    assert provenance is not None and set(provenance.articles) == set(ids)


def test_a_stored_claim_cites_its_sources_own_key(seeds, tmp_path):
    # A claim read back keeps the key string its article's source holds, not a copy per
    # attribution row: a link keeps every claim's citations to its end.
    db = tmp_path / "s.db"
    check(seeds, db=db, link=False)
    extractor = TermExtractor(build_lexicon(get_plugins()))
    with sqlite3.connect(db) as conn:
        articles = [article for article, _ in stored.stored_claims(conn, extractor)]
    cited = [
        (key, article.sources)
        for article in articles
        for claim in article.claims
        for key, _, _ in claim.cited
    ]
    assert cited
    assert all(key is sources[key].key for key, sources in cited)


def test_link_reads_through_a_memory_map_and_leaves_the_connection_as_it_was(seeds, tmp_path):
    # The rows are read with the file mapped into memory; a caller's connection gets its own
    # setting back, and the clusters are those of a link without the map.
    db = tmp_path / "s.db"
    check(seeds, db=db, link=False)
    plain = tmp_path / "plain.db"
    plain.write_bytes(db.read_bytes())
    lexicon = build_lexicon(get_plugins())
    conn = store.open_connection(db)
    try:
        # What this SQLite takes for each (a build may cap the map, or not map at all).
        mapped = conn.execute(f"PRAGMA mmap_size = {stored.READ_MAP_BYTES}").fetchone()[0]
        own = conn.execute("PRAGMA mmap_size = 4096").fetchone()[0]
        seen = []
        real = stored._read_batch

        def reading(connection, extractor, ids):
            seen.append(connection.execute("PRAGMA mmap_size").fetchone()[0])
            return real(connection, extractor, ids)

        with mock.patch.object(stored, "_read_batch", reading):
            assert link_database(conn, lexicon, None) is not None
        assert seen and all(size == mapped for size in seen)
        assert conn.execute("PRAGMA mmap_size").fetchone()[0] == own
    finally:
        conn.close()
    with mock.patch.object(stored, "READ_MAP_BYTES", 0):
        link_database(plain, lexicon, None)
    assert _clusters(db) == _clusters(plain)


@pytest.mark.parametrize("enabled", [True, False])
def test_linking_leaves_the_garbage_collector_as_it_found_it(seeds, tmp_path, enabled):
    # Linking runs with the collector off, and hands what it made to the oldest generation.
    db = tmp_path / "s.db"
    check(seeds, db=db, link=False)
    was_enabled = gc.isenabled()
    gc.enable() if enabled else gc.disable()
    try:
        assert sayso.link(db) is not None
        assert gc.isenabled() is enabled
        assert gc.get_freeze_count() == 0
    finally:
        gc.enable() if was_enabled else gc.disable()


def test_sayso_link_command(sayso_cli, tmp_path):
    db = tmp_path / "s.db"
    assert sayso_cli("check", str(SEEDS), "--db", str(db), "--no-link", "-q").exit_code == 0
    result = sayso_cli("link", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert "Linked 2 article(s):" in result.stdout
    with sqlite3.connect(db) as conn:
        run = conn.execute("SELECT analyzer, articles FROM runs ORDER BY id DESC").fetchone()
    assert run == (None, 2)


def test_sayso_link_refuses_a_missing_or_foreign_database(sayso_cli, tmp_path):
    missing = tmp_path / "missing.db"
    result = sayso_cli("link", "--db", str(missing))
    assert result.exit_code == 2
    assert "no such database" in result.stderr
    assert not missing.exists()
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    result = sayso_cli("link", "--db", str(foreign))
    assert result.exit_code == 2 and "not a sayso database" in result.stderr
    text = tmp_path / "text.db"
    text.write_text("not a database at all, just text " * 100)
    result = sayso_cli("link", "--db", str(text))
    assert result.exit_code == 2 and "not a SQLite database" in result.stderr


def test_a_shared_source_is_named_by_rule_not_by_which_article_came_last(tmp_path):
    texts = [
        "USA Today reported that the bridge would close on Monday.",
        "The bridge will close on Monday, USA TODAY reported.",
    ]
    names = []
    for number, order in enumerate((texts, texts[::-1])):
        db = tmp_path / f"{number}.db"
        check([Article(text, path=f"{n}.txt") for n, text in enumerate(order)], db=db)
        with sqlite3.connect(db) as conn:
            names += conn.execute("SELECT name FROM sources WHERE id LIKE '%:usa-today'").fetchall()
    assert names == [("USA Today",), ("USA Today",)]


def _stored_terms(db_path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(db_path) as conn:
        return {a: (e, t) for a, e, t in conn.execute("SELECT * FROM article_terms")}


@pytest.fixture
def extracted(monkeypatch) -> list[str]:
    """The articles whose claim terms are worked out (not read back) from here on."""
    articles: list[str] = []
    article = TermExtractor.article

    def counted(self, article_id, *args):
        articles.append(article_id)
        return article(self, article_id, *args)

    monkeypatch.setattr(TermExtractor, "article", counted)
    return articles


def test_a_link_stores_the_terms_and_the_next_works_out_only_the_new_articles(
    seeds, tmp_path, extracted
):
    incremental, scratch = tmp_path / "incremental.db", tmp_path / "scratch.db"
    check(seeds, db=incremental, link=False)
    sayso.link(incremental)
    first = _stored_terms(incremental)
    assert len(first) == len(seeds) == len(extracted)
    copy = _retold(seeds[0])
    check([copy], db=incremental, link=False)
    extracted.clear()
    sayso.link(incremental)
    [copy_id] = extracted
    assert set(_stored_terms(incremental)) == {*first, copy_id}
    # A full link reads every article's terms back, and links as a database without them.
    extracted.clear()
    sayso.link(incremental, full=True)
    assert extracted == []
    check([*seeds, copy], db=scratch, link=False)
    sayso.link(scratch)
    assert _clusters(incremental) == _clusters(scratch)
    assert _stored_terms(incremental) == _stored_terms(scratch)


def test_terms_stored_by_another_extractor_or_not_the_claims_are_worked_out_again(
    seeds, tmp_path, extracted
):
    db = tmp_path / "s.db"
    check(seeds, db=db, link=False)
    sayso.link(db)
    before, terms = _clusters(db), _stored_terms(db)
    first, second = sorted(terms)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE article_terms SET extractor = 'another' WHERE article_id = ?", [first])
        no_claims = b'{"claims": [], "spellings": {}}'
        conn.execute(
            "UPDATE article_terms SET terms = ? WHERE article_id = ?",
            [_compressed(no_claims), second],
        )
    extracted.clear()
    sayso.link(db, full=True)
    assert sorted(extracted) == [first, second]
    assert _stored_terms(db) == terms
    # Damaged rows are worked out again too.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE article_terms SET terms = ? WHERE article_id = ?", [b"x", first])
        conn.execute(
            "UPDATE article_terms SET terms = ? WHERE article_id = ?",
            [_compressed(b"\x1c0\x1da clause without its names\x1c"), second],
        )
    extracted.clear()
    sayso.link(db, full=True)
    assert sorted(extracted) == [first, second]
    assert _stored_terms(db) == terms
    assert _clusters(db) == before


def test_checking_an_article_again_drops_its_stored_terms(seeds, tmp_path):
    db = tmp_path / "s.db"
    check(seeds, db=db, link=False)
    sayso.link(db)
    check([Article(seeds[0].read_text() + "\n\nUpdated.", path=seeds[0].name)], db=db, link=False)
    with sqlite3.connect(db) as conn:
        rechecked = conn.execute("SELECT id FROM articles ORDER BY run_id DESC").fetchone()[0]
    assert rechecked not in _stored_terms(db)


def test_a_merge_carries_the_shards_terms(seeds, tmp_path, extracted):
    shards = [tmp_path / "one.db", tmp_path / "other.db"]
    articles = [[seeds[0], _retold(seeds[1])], [seeds[1], _retold(seeds[0])]]
    for shard, part in zip(shards, articles, strict=True):
        check(part, db=shard, link=False)
        sayso.link(shard)
    merged, sequential = tmp_path / "merged.db", tmp_path / "sequential.db"
    sayso.merge(shards, merged)
    assert _stored_terms(merged) == {**_stored_terms(shards[0]), **_stored_terms(shards[1])}
    extracted.clear()
    sayso.link(merged)
    assert extracted == []
    check([*articles[0], *articles[1]], db=sequential, link=False)
    sayso.link(sequential)
    assert _clusters(merged) == _clusters(sequential)


def test_the_terms_a_text_gives_are_those_of_terms_version_3():
    """Changed what terms a text gives? Then stored terms are stale: raise TERMS_VERSION (and
    write this test's terms and version anew), so that links work them out again."""
    extractor = TermExtractor(build_lexicon(get_plugins()))
    text = (
        "North Korea's state media said on Thursday that Kim Jong Un had inspected 12 missiles "
        "sent to the front, which officials in Seoul doubted; letters were exchanged."
    )
    cited = (("kcna", "North Korea's state media"),)
    claim = ClaimText(3, 100, text, ((100, 125), (126, 130)), cited)
    article = extractor.article("a", "a.txt", [claim], {})
    assert TERMS_VERSION == 3
    [terms] = article.claims
    assert terms.clauses == (
        (("12", "front", "inspe", "sent", "weapon"), ("kim jong un", "thursday")),
        (("@South Korean government", "offic"), ()),
        (("excha", "lette"), ()),
    )
    assert article.spellings == {
        "12": "12",
        "excha": "exchanged",
        "front": "front",
        "inspe": "inspected",
        "lette": "letters",
        "offic": "officials",
        "sent": "sent",
        "weapon": "missiles",
    }
    # Stored and read back, they are the same terms.
    assert extractor.restored("a", "a.txt", [claim], {}, extractor.encoded(article)) == article


def test_stored_terms_that_say_they_expand_far_are_not_decompressed():
    # A megabyte of one separator compresses to a few dozen bytes: not what encoded() writes
    # (about a half), so its frame is not opened (a hostile row could claim gigabytes).
    extractor = _extractor()
    bomb = _compressed(b"\x1c" * 1_000_000)
    with mock.patch.object(extractor, "decompressor") as decompressor:
        assert extractor.restored("a", "a.txt", [], {}, bomb) is None
    decompressor.decompress.assert_not_called()
    # Not Zstandard at all (zlib, as TERMS_VERSION 2 stored it): worked out again too.
    assert extractor.restored("a", "a.txt", [], {}, b"x\x01\x03\x00\x00\x00\x00\x01") is None


def _brute_force_candidates(
    articles: list[int], term_sets: list[frozenset[str]], limit: int, active: set[int] | None
) -> list[tuple[int, int]]:
    """The pairs the linker compares, worked out the slow way: every pair of claims."""
    frequency = Counter(t for terms in term_sets for t in terms)
    pairs = []
    for (a, first), (b, second) in itertools.combinations(enumerate(term_sets), 2):
        shared = {t for t in first & second if frequency[t] <= limit}
        wanted = active is None or a in active or b in active
        if articles[a] != articles[b] and len(shared) >= 2 and wanted:
            pairs.append((a, b))
    return pairs


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.frozensets(st.integers(0, 40), max_size=8)),
        max_size=60,
    ),
    st.integers(1, 30),
    st.integers(1, 10),
    st.one_of(st.none(), st.sets(st.integers(0, 59))),
)
def test_candidate_pairs_are_the_pairs_sharing_two_rare_terms(
    claims, limit, listed_pairwise, active
):
    _check_candidate_pairs(claims, limit, listed_pairwise, active)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.frozensets(st.integers(0, 12), min_size=2, max_size=6), min_size=1, max_size=6),
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=40),
    st.integers(1, 30),
    st.integers(1, 10),
    st.one_of(st.none(), st.sets(st.integers(0, 39))),
)
def test_copies_of_a_claim_pair_as_the_claim_does(stories, copies, limit, listed_pairwise, active):
    # Syndicated copies: few distinct term sets, each in many claims and articles, which the
    # candidate pairs list once and then give out for every copy.
    claims = [(article, stories[story % len(stories)]) for article, story in copies]
    _check_candidate_pairs(claims, limit, listed_pairwise, active)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.frozensets(st.integers(0, 12), max_size=6), min_size=1, max_size=6),
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.booleans()), max_size=40),
    st.integers(1, 30),
    st.integers(1, 10),
    st.one_of(st.none(), st.sets(st.integers(0, 39))),
)
def test_claims_told_apart_only_by_terms_that_pair_nothing_pair_alike(
    stories, copies, limit, listed_pairwise, active
):
    # Copies that add a term no other claim holds (a name a story gives once), or one most of
    # them hold (too common to pair, past a small limit): kinds of claims go by the terms that
    # may pair claims, so these are one kind; a story of fewer than two terms pairs nothing.
    claims = [
        (article, stories[story % len(stories)] | {100 + number if once else 99})
        for number, (article, story, once) in enumerate(copies)
    ]
    _check_candidate_pairs(claims, limit, listed_pairwise, active)


def _check_candidate_pairs(
    claims: list[tuple[int, frozenset[int]]],
    limit: int,
    listed_pairwise: int,
    active: set[int] | None,
) -> None:
    # Claims come article by article, as the linker numbers them.
    ordered = sorted(claims, key=lambda claim: claim[0])
    articles = [article for article, _ in ordered]
    term_sets = [frozenset(f"t{term}" for term in terms) for _, terms in ordered]
    frequency = Counter(t for terms in term_sets for t in terms)
    # A small MIN_BLOCKING_LIMIT, so that the terms listed pairwise and the commoner ones whose
    # pairs are listed instead both occur. With ``active`` (an incremental link's new claims),
    # only the pairs holding one.
    limit = max(limit, listed_pairwise)
    with mock.patch("sayso.provenance.linking.MIN_BLOCKING_LIMIT", listed_pairwise):
        found = candidate_pairs(articles, term_sets, frequency, limit, active)
    assert found == _brute_force_candidates(articles, term_sets, limit, active)


# Texts built from the characters and phrases the clause breaks turn on.
_CLAUSE_PIECES = st.sampled_from(
    [" ", ",", ";", "—", "–", "\n", "a", "w", "h", "K", ", which ", ", but ", " — ", "whichever"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_CLAUSE_PIECES, max_size=30).map("".join))
def test_clauses_split_as_the_full_clause_break_pattern_does(text):
    # A text without a dash is split by a pattern without the dash branch: the same clauses.
    extractor = TermExtractor(build_lexicon(get_plugins()))
    expected = [extractor._clause(part) for part in _CLAUSE_BREAK.split(text)]
    assert extractor._clauses(text) == tuple(c for c in expected if c[0] or c[1])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([" ", "\n", "\u2003", "—", "–", "-", "a", "\x00"]), max_size=20))
def test_dashes_break_where_the_dash_break_pattern_matches(pieces):
    # Runs of dashes and spaces: breaks that would overlap, at either end, between separators.
    text = "".join(pieces)
    assert _break_at_dashes(text) == re.sub(_DASH_BREAK_PATTERN, _BREAK, text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=12))
def test_shorter_first_orders_words_by_length_then_code_point(words):
    assert sorted(words, key=_shorter_first) == sorted(words, key=lambda w: (len(w), w))


# Lower-cased texts built from what the word tables turn on: letters, digits, apostrophes,
# underscores, spaces, punctuation and non-ASCII letters and digits ("٣" is a digit to \d).
_WORD_PIECES = st.sampled_from(
    [
        "a",
        "z",
        "0",
        "9",
        "'",
        "''",
        "_",
        " ",
        "-",
        ".",
        "é",
        "٣",
        "’",
        "ß",
        "i̇",
        "\n",
        "90's",
        "it's",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORD_PIECES, max_size=30).map("".join))
def test_words_are_those_the_word_pattern_finds(text):
    assert sorted(_words(text)) == sorted(_WORD.findall(text))


_GAZETTEER_TEXT = st.lists(
    st.sampled_from(
        [
            *("russia", "russian", "north", "korea", "korean", "state", "media", "u", "s", "ap"),
            *(" ", ", ", "_", "é", "x", "associated press", "north korean state media"),
        ]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_GAZETTEER_TEXT)
def test_a_clause_is_searched_for_the_names_whose_first_word_it_has_with_the_same_matches(text):
    extractor = TermExtractor(build_lexicon(get_plugins()))
    pattern = extractor._gazetteer_pattern(text)
    expected = [m.group() for m in extractor.gazetteer_pattern.finditer(text)]
    assert ([] if pattern is None else [m.group() for m in pattern.finditer(text)]) == expected


@settings(max_examples=300, deadline=None)
@given(_GAZETTEER_TEXT)
def test_a_clause_with_several_first_words_finds_what_the_pattern_of_their_names_finds(text):
    # A clause holding several first words is searched with every name: the matches of the
    # pattern of only the names opening with them, in the same order.
    extractor = TermExtractor(build_lexicon(get_plugins()))
    present = set(re.findall(r"\w+", text)) & (extractor.gazetteer_openers or set())
    names = [n for n in extractor.gazetteer_names if extractor.opener_of[n] in present]
    expected = (
        [
            m.span()
            for m in re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b").finditer(text)
        ]
        if names
        else []
    )
    pattern = extractor._gazetteer_pattern(text)
    assert ([] if pattern is None else [m.span() for m in pattern.finditer(text)]) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("abcd"), min_size=1, max_size=8))
def test_most_common_source_is_counters_choice(names):
    # One source is taken without a Counter: the same choice, ties going to the first.
    sources = [CanonicalSource(name, name.upper(), "organization") for name in names]
    assert _most_common(sources) == Counter(sources).most_common(1)[0][0]


def test_a_lone_surname_is_the_one_full_name_holding_it_only_while_there_is_one():
    # A person's canonical source is looked up again once its spelling is settled; a lone
    # surname taken as a full name is not settled: a second full name makes it a person of its
    # own, in every article after.
    resolver = _SourceResolver(Linker(build_lexicon(get_plugins())), Provenance(articles={}))

    def person(name: str, article_id: str) -> str:
        return resolver.resolve(Source(name.lower(), name, "person"), article_id).name

    assert [person("Ri Son Gwon", "a"), person("Ri", "b"), person("Ri", "c")] == ["Ri Son Gwon"] * 3
    assert person("Ri Yong Ho", "d") == "Ri Yong Ho"
    assert [person("Ri", "e"), person("Ri", "f")] == ["Ri", "Ri"]
    assert [person("Ri Son-gwon", "g"), person("Ri Yong Ho", "h")] == ["Ri Son Gwon", "Ri Yong Ho"]


def test_an_unnamed_source_is_each_articles_own_however_often_its_words_come():
    # The name, type and slug of an article's own source are worked out once per wording:
    # each article still gets its own source, and a gazetteer name stays the named source.
    resolver = _SourceResolver(Linker(build_lexicon(get_plugins())), Provenance(articles={}))

    def source_id(name: str, source_type: str, article_id: str) -> str:
        return resolver.resolve(Source(name.lower(), name, source_type), article_id).id

    assert [source_id("Officials", "anonymous", a) for a in "abc"] == [
        "anonymous:a:officials",
        "anonymous:b:officials",
        "anonymous:c:officials",
    ]
    assert source_id("the report", "document", "a") == "document:a:the-report"
    assert source_id("the report", "document", "b") == "document:b:the-report"
    assert source_id("KCNA", "unknown", "a") == source_id("KCNA", "unknown", "b")


def test_a_source_stored_as_it_is_is_not_written_again(tmp_path):
    db = tmp_path / "s.db"
    check(
        [
            Article("KCNA said the bridge would close on Monday.", path="a.txt"),
            Article("The bridge will close on Monday, KCNA said.", path="b.txt"),
        ],
        db=db,
        link=False,
    )
    with sqlite3.connect(db) as conn:
        (row,) = conn.execute("SELECT id, name, type FROM sources WHERE name = 'KCNA'")
        conn.execute("UPDATE sources SET name = 'KCNA (AS STORED)' WHERE id = ?", [row[0]])
    provenance = Provenance(articles={}, sources={row[0]: CanonicalSource(*row)})
    with sqlite3.connect(db) as conn:
        store.save_provenance(conn, provenance, None, stored_sources={row})
        assert conn.execute("SELECT name FROM sources WHERE id = ?", [row[0]]).fetchall() == [
            ("KCNA (AS STORED)",)
        ]
        store.save_provenance(conn, provenance, None)
        assert conn.execute("SELECT name FROM sources WHERE id = ?", [row[0]]).fetchall() == [
            ("KCNA",)
        ]


class _Averages:
    """A similarity for :func:`_average_linkage`: fixed scores between claims, averaged over
    the first LINKAGE_SAMPLE of each group as ``_Similarity.mean`` does, counting its calls."""

    def __init__(self, scores: dict[tuple[int, int], float]) -> None:
        self.scores = scores
        self.calls = 0

    def mean(self, ones: list[int], others: list[int]) -> float:
        self.calls += 1
        pairs = [(a, b) for a in ones[:8] for b in others[:8]]
        return sum(self.scores[min(a, b), max(a, b)] for a, b in pairs) / len(pairs)


def _linked_averaging_every_time(edges, similarity) -> list[list[int]]:
    """Average linkage as it was before two groups found apart were remembered."""
    group_of: dict[int, list[int]] = {}
    for _, first, second in edges:
        one = group_of.get(first, [first])
        other = group_of.get(second, [second])
        if one is other:
            continue
        if (len(one) > 1 or len(other) > 1) and similarity.mean(one, other) < SIMILARITY_THRESHOLD:
            continue
        merged = one + other
        for number in merged:
            group_of[number] = merged
    return sorted(sorted(group) for group in {id(g): g for g in group_of.values()}.values())


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_average_linkage_remembers_groups_found_apart_and_links_the_same(data):
    claims = data.draw(st.integers(2, 14))
    pairs = list(itertools.combinations(range(claims), 2))
    # Scores from a few values, so that ties and groups just under the threshold both come up.
    values = st.sampled_from([0.0, 0.1, 0.2, 0.24, 0.25, 0.3, 0.5, 0.9])
    drawn = data.draw(st.lists(values, min_size=len(pairs), max_size=len(pairs)))
    scores = dict(zip(pairs, drawn, strict=True))
    _check_linkage(scores)


def test_a_group_found_apart_from_a_claim_is_compared_again_once_it_grew():
    # 0 and 1 link; 3 is too far from them; 2 joins them; then 3 is near enough to the three.
    scores = {(0, 1): 0.9, (0, 2): 0.3, (0, 3): 0.45, (1, 2): 0.4, (1, 3): 0.0, (2, 3): 0.35}
    assert _check_linkage(scores) == [[0, 1, 2, 3]]


def _check_linkage(scores: dict[tuple[int, int], float]) -> list[list[int]]:
    edges = sorted(((s, a, b) for (a, b), s in scores.items() if s >= 0.25), reverse=True)
    remembering, every_time = _Averages(scores), _Averages(scores)
    groups = sorted(_average_linkage(edges, remembering))
    assert groups == _linked_averaging_every_time(edges, every_time)
    assert remembering.calls <= every_time.calls
    return groups


def test_cluster_members_are_built_frozen_with_their_defaults():
    # Built through their slots' setters (see linking.py): still frozen dataclasses, with
    # their defaults, equal field for field, and picklable.
    source = CanonicalSource("organization:kcna", "KCNA", "state_media")
    cited = CitedSource(source, "KCNA")
    member = ClusterMember("a", 3, "text", (cited,), 0.5)
    bare = ClusterMember("a", 3, "t")
    assert (cited.origin, bare.cited, bare.similarity) == (None, (), 0.0)
    assert member == ClusterMember("a", 3, "text", (CitedSource(source, "KCNA", None),), 0.5)
    assert pickle.loads(pickle.dumps(member)) == member
    assert dataclasses.asdict(member)["cited"][0]["as_written"] == "KCNA"
    with pytest.raises(dataclasses.FrozenInstanceError):
        member.text = "other"  # type: ignore[misc]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=8), max_size=6))
def test_cluster_terms_are_written_as_json_dumps_writes_them(terms):
    assert store._json_strings(terms) == json.dumps(terms)


def test_once_works_a_property_out_at_the_first_look_up_only():
    calls = []

    class Thing:
        @once
        def value(self) -> int:
            """The value."""
            calls.append(self)
            return len(calls)

    first, second = Thing(), Thing()
    assert (first.value, first.value, second.value) == (1, 1, 2)
    assert Thing.value.__doc__ == "The value."


# Pieces of claims: what each step of working terms out turns on (clause breaks, capitalised and
# gazetteer names, words, numbers, apostrophes, hyphens), and the characters for which an
# article is worked out claim by claim: the separators, "İ" and the Kelvin sign (whose lower
# cases are ASCII) and a non-ASCII digit.
_CLAIM_PIECES = st.sampled_from(
    [
        *(" ", ",", ";", "—", "–", " — ", ", which ", ", but", "which", "\n", "-", "'", "’"),
        *("''", "said", "the", "missiles", "discussed", "Russia", "North Korea", "north korean"),
        *("U.S.", "AP", "Associated Press", "Sergei Shoigu", "Shoigu", "Thursday", "KCNA", "x"),
        *("it's", "90's", "2017", "a1", "é", "É", "Σ", "ß", "Ö", "state media", "State", "People"),
    ]
)
_FALLBACK_PIECES = st.sampled_from(["\x00", "\x01", "İ", "\u212a", "٣"])


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_an_article_worked_out_together_has_the_terms_it_has_claim_by_claim(data):
    extractor = TermExtractor(build_lexicon(get_plugins()))
    pieces = (
        st.one_of(_CLAIM_PIECES, _FALLBACK_PIECES) if data.draw(st.booleans()) else _CLAIM_PIECES
    )
    texts = data.draw(st.lists(st.lists(pieces, max_size=12).map("".join), max_size=6))
    claims = []
    start = 0
    for index, text in enumerate(texts):
        ends = st.integers(0, len(text))
        spans = data.draw(st.lists(st.tuples(ends, ends).map(sorted), max_size=2))
        claims.append(
            ClaimText(index, start, text, tuple((start + a, start + b) for a, b in spans))
        )
        start += len(text) + 1
    article = extractor.article("a", "a", claims, {})
    extractor._words = set()
    expected = tuple(map(extractor._claim, claims))
    assert article.claims == expected
    assert list(article.spellings.items()) == list(extractor._spellings(extractor._words).items())
    if not any(c in text for text in texts for c in "\x00\x01İ\u212a٣"):
        # Worked out together, not claim by claim.
        assert extractor._together(tuple(claims)) is not None


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="ab c", max_size=20),
    st.integers(-5, 5),
    st.lists(st.tuples(st.integers(-10, 30), st.integers(-10, 30)), max_size=4),
)
def test_a_claims_attributions_are_blanked_where_any_span_covers_it(text, start, spans):
    # Spans are article offsets, in any order, overlapping or reaching past the claim's text.
    claim = ClaimText(0, start, text, tuple(spans))
    covered = {i for a, b in spans for i in range(a - start, b - start)}
    expected = "".join(" " if i in covered else c for i, c in enumerate(text))
    assert _masked(claim) == expected


# Terms are never empty; a plugin's gazetteer name could hold anything, the separators too.
_TERM_TEXT = st.text(
    alphabet=st.sampled_from(
        ["a", "'", " ", "é", "Σ", '"', "{", "\\", "\n", "\x00", "\x1c", "\x1d", "\x1e", "\x1f"]
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.integers(0, 300),
        st.lists(
            st.tuples(st.lists(_TERM_TEXT, max_size=3), st.lists(_TERM_TEXT, max_size=2)),
            max_size=3,
        ),
        max_size=3,
    ),
    st.dictionaries(_TERM_TEXT, _TERM_TEXT, max_size=3),
)
def test_stored_terms_read_back_as_they_were(claims, spellings):
    # Split by separators, or JSON where a term holds one: the same terms read back.
    clauses = {index: tuple((tuple(w), tuple(n)) for w, n in c) for index, c in claims.items()}
    terms = tuple(ClaimTerms(index, "", c, ()) for index, c in clauses.items())
    article = ArticleClaims("a", "a", terms, {}, spellings)
    stored = zstandard.ZstdDecompressor().decompress(_extractor().encoded(article))
    kept = {term: word for term, word in spellings.items() if term != word}
    assert _restored_clauses(stored) == (clauses, kept)
    held = [
        *itertools.chain(*kept.items()),
        *(t for c in clauses.values() for w, n in c for t in w + n),
    ]
    separated = any(set(term) & set("\x1c\x1d\x1e\x1f") for term in held)
    assert stored.startswith(b"{") == separated
