"""Claim provenance across articles: the two seeds, and small pairs written for each behaviour."""

import sqlite_utils
from sayso import hookimpl
from sayso.analysis.names import name_key
from sayso.api import check
from sayso.lexicon import GazetteerEntry, Lexicon
from sayso.manager import extra_plugins
from sayso.model import Article
from sayso.provenance.linking import Provenance, link_articles

SEED_A = "b7fee998249da766"
SEED_B = "ac3359f68b1b334c"


def _linked(provenance: Provenance, first: tuple[str, int], second: tuple[str, int]) -> bool:
    """Whether two (article id, 1-based statement number) pairs share a cluster."""
    for cluster in provenance.clusters:
        members = {(m.article_id, m.statement_index + 1) for m in cluster.members}
        if {first, second} <= members:
            return True
    return False


def _check(*texts: str) -> Provenance:
    articles = [Article(text, path=f"{n}.txt") for n, text in enumerate(texts, start=1)]
    provenance = check(articles).provenance
    assert provenance is not None
    return provenance


def test_seeds_link_the_same_facts(seeds):
    provenance = check(seeds).provenance
    assert provenance is not None
    assert _linked(provenance, (SEED_A, 4), (SEED_B, 8))  # Putin's letter
    assert _linked(provenance, (SEED_A, 9), (SEED_B, 10))  # the arms exhibition
    assert _linked(provenance, (SEED_A, 13), (SEED_B, 13))  # the expected parade
    assert _linked(provenance, (SEED_A, 10), (SEED_B, 24))  # the US accusation
    letter = next(c for c in provenance.clusters if (SEED_B, 7) in _ids(c))
    assert letter.original_source is not None and letter.original_source.name == "KCNA"


def _ids(cluster):
    return {(m.article_id, m.statement_index) for m in cluster.members}


def test_seeds_rest_on_kcna(seeds):
    provenance = check(seeds).provenance
    assert provenance is not None
    common = [f for f in provenance.findings if f.code == "common-origin"]
    assert len(common) == 1
    assert "KCNA (state media)" in common[0].message
    assert set(common[0].articles) == {SEED_A, SEED_B}


def test_seeds_flag_the_parade_attributed_only_in_one(seeds):
    provenance = check(seeds).provenance
    assert provenance is not None
    flagged = [
        (f.article_id, f.statement_index)
        for f in provenance.findings
        if f.code == "attributed-elsewhere"
    ]
    assert (SEED_B, 12) in flagged


def test_seeds_resolve_state_media_and_washington_across_articles(seeds):
    provenance = check(seeds).provenance
    assert provenance is not None
    assert {"North Korean state media", "the official Korean Central News Agency"} <= (
        provenance.aliases["state_media:kcna"]
    )
    assert {"Washington", "The Biden administration"} <= (
        provenance.aliases["government:united-states-government"]
    )


def test_name_key_normalises_spelling_and_articles():
    assert name_key("Kim Jong-un") == name_key("kim jong un") == "kim jong un"
    assert name_key("the White House") == name_key("White House")
    assert name_key("Korea’s central news agency") == "korea central news agency"


def test_person_spellings_and_narrower_bodies_are_one_source():
    provenance = _check(
        "Kim Jong-un said the harvest was the best in a decade. "
        "The White House said the sanctions would stay.",
        "The harvest was the best in a decade, Kim Jong Un told officials. "
        "Washington said sanctions on Pyongyang would stay in place.",
    )
    cited = {
        c.source.id: c.as_written
        for cluster in provenance.clusters
        for m in cluster.members
        for c in m.cited
        if m.article_id == next(iter(provenance.articles))
    }
    assert cited == {
        "person:kim-jong-un": "Kim Jong-un",
        "government:united-states-government": "The White House",
    }
    assert len(provenance.clusters) == 2
    assert "Kim Jong Un" in provenance.aliases["person:kim-jong-un"]


def test_citing_names_the_original_source_and_unattributed_copies_are_flagged():
    provenance = _check(
        "The tunnel collapsed near the northern border on Monday, killing four miners, "
        "AFP reported, citing KCNA.",
        "KCNA said four miners died when a tunnel collapsed near the northern border on Monday.",
        "Four miners died when a tunnel collapsed near the northern border on Monday.",
    )
    [cluster] = provenance.clusters
    assert len(cluster.articles) == 3
    assert cluster.original_source is not None and cluster.original_source.name == "KCNA"
    assert cluster.members[0].cited[0].source.name == "AFP"
    [finding] = [f for f in provenance.findings if f.code == "attributed-elsewhere"]
    assert finding.article_id == list(provenance.articles)[2]
    assert "AFP citing KCNA" in finding.message


def test_unrelated_articles_share_no_claims():
    provenance = _check(
        "The central bank raised interest rates by half a point on Tuesday, its governor said.",
        "Heavy rain flooded the valley overnight and the river burst its banks, residents said.",
    )
    assert provenance.clusters == []
    assert provenance.findings == []


def test_plugin_aliases_resolve_sources_across_articles():
    lexicon = Lexicon.default()
    lexicon.add_source("Acme Wire", "news_agency", ("Acme",))
    reports = check(
        [
            Article("Acme said the dam would open in June after years of delay.", path="1.txt"),
            Article(
                "The dam will open in June after years of delay, Acme Wire reported.", path="2.txt"
            ),
        ]
    ).reports
    provenance = link_articles(reports, lexicon)
    [cluster] = provenance.clusters
    assert {s.id for sources in cluster.sources_by_article().values() for s in sources} == {
        "news_agency:acme-wire"
    }


def test_one_article_has_no_provenance(seeds):
    assert check(seeds[0]).provenance is None


def test_provenance_is_stored_and_replaced_on_recheck(tmp_path, seeds):
    path = tmp_path / "s.db"
    check(seeds, db=path)
    db = sqlite_utils.Database(path)
    counts = {t: db[t].count for t in ("claim_clusters", "cluster_members", "cluster_findings")}
    assert all(counts.values())
    check(seeds, db=path)
    assert counts == {t: db[t].count for t in counts}
    resting_on_kcna = db.execute(
        "SELECT COUNT(*) FROM article_sources WHERE source_id = 'state_media:kcna'"
    ).fetchone()
    assert resting_on_kcna == (2,)
    letter = db.execute(
        "SELECT COUNT(DISTINCT article_id) FROM cluster_members WHERE cluster_id IN "
        "(SELECT cluster_id FROM cluster_members WHERE statement_id = ?)",
        [f"{SEED_B}:7"],
    ).fetchone()
    assert letter == (2,)


def test_unnamed_outlet_becomes_the_outlet_other_articles_name(seeds):
    class NarrowKcna:
        """A gazetteer that does not know "North Korean state media" means KCNA."""

        @hookimpl
        def register_lexicon(self, lexicon):
            lexicon.gazetteer["KCNA"] = GazetteerEntry(
                "KCNA", "state_media", ("Korean Central News Agency",)
            )

    with extra_plugins(("narrow-kcna", NarrowKcna())) as plugins:
        provenance = check(seeds, plugins=plugins).provenance
    assert provenance is not None
    assert provenance.same_as["state_media:north-korean-state-media"] == "state_media:kcna"
