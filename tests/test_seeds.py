"""The two seed articles against a hand annotation of every attribution in them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sayso.analysis.offline import OfflineAnalyzer
from sayso.analysis.sources import resolve_sources
from sayso.lexicon import Lexicon
from sayso.model import Analysis, Article, Span

ROOT = Path(__file__).parents[1]
GOLD = json.loads((ROOT / "tests" / "fixtures" / "seeds_gold.json").read_text(encoding="utf-8"))


def _analyse(name: str) -> Analysis:
    lexicon = Lexicon.default()
    text = (ROOT / "seeds" / name).read_text(encoding="utf-8")
    analysis = OfflineAnalyzer().analyze([Article(text, path=name)], lexicon)[0]
    resolve_sources(analysis, lexicon)
    return analysis


def _span(span: Span | None) -> dict[str, object] | None:
    return None if span is None else {"text": span.text, "start": span.start, "end": span.end}


@pytest.mark.parametrize("name", sorted(GOLD))
def test_every_attribution_is_found_exactly(name: str) -> None:
    analysis = _analyse(name)
    found = [
        {
            "source": _span(a.source),
            "cue": _span(a.cue),
            "form": a.form,
            "content": [_span(c) for c in a.content],
            "statements": a.statements,
            "source_name": analysis.sources[a.source_key].name if a.source_key else None,
            "source_type": analysis.sources[a.source_key].type if a.source_key else None,
        }
        for a in analysis.attributions
    ]
    assert found == GOLD[name]["attributions"]


@pytest.mark.parametrize("name", sorted(GOLD))
def test_unattributed_claims_and_non_claims(name: str) -> None:
    analysis = _analyse(name)
    unattributed = [
        s.index for s in analysis.statements if s.is_claim and not analysis.attributions_for(s)
    ]
    assert unattributed == GOLD[name]["unattributed_claims"]
    kinds = {str(s.index): s.kind for s in analysis.statements if not s.is_claim}
    assert kinds == GOLD[name]["not_claims"]


def test_first_sentence_of_000_is_an_unattributed_claim() -> None:
    analysis = _analyse("000_81b6159aa6d9e869.txt")
    first = analysis.statements[0]
    assert first.text.startswith("This is a first since the closure")
    assert first.is_claim and not analysis.attributions_for(first)


def test_all_kcna_mentions_are_one_state_media_source() -> None:
    analysis = _analyse("000_81b6159aa6d9e869.txt")
    outlets = [s for s in analysis.sources.values() if s.type == "state_media"]
    assert [s.name for s in outlets] == ["KCNA"]
    assert {m.text for m in outlets[0].mentions} == {
        "state media",
        "the official Korean Central News Agency",
        "Korea’s central news agency KCNA",
        "the agency",
        "KCNA",
    }


def test_state_media_without_a_name_is_one_source() -> None:
    analysis = _analyse("003_6ff3ccebba442099.txt")
    outlets = [s for s in analysis.sources.values() if s.type == "state_media"]
    assert len(outlets) == 1
    assert len(outlets[0].mentions) == 6


def test_he_stated_resolves_to_john_kirby() -> None:
    analysis = _analyse("003_6ff3ccebba442099.txt")
    stated = next(a for a in analysis.attributions if a.cue and a.cue.text == "stated")
    source = analysis.source_of(stated)
    assert source is not None and (source.name, source.type) == ("John Kirby", "person")
    assert [m.text for m in source.mentions] == ["he", "John Kirby"]


@pytest.mark.parametrize(
    ("name", "mention", "expected_type"),
    [
        ("003_6ff3ccebba442099.txt", "Photos from the exhibition", "document"),
        ("000_81b6159aa6d9e869.txt", "Satellite images", "document"),
        ("000_81b6159aa6d9e869.txt", "Washington", "government"),
        ("003_6ff3ccebba442099.txt", "The Biden administration", "government"),
        ("003_6ff3ccebba442099.txt", "North Korea", "government"),
    ],
)
def test_source_types(name: str, mention: str, expected_type: str) -> None:
    analysis = _analyse(name)
    attribution = next(a for a in analysis.attributions if a.source and a.source.text == mention)
    source = analysis.source_of(attribution)
    assert source is not None and source.type == expected_type


def test_read_also_is_not_a_claim() -> None:
    analysis = _analyse("003_6ff3ccebba442099.txt")
    read_also = analysis.statements[-1]
    assert read_also.text.startswith("READ ALSO:")
    assert read_also.kind == "boilerplate" and not read_also.is_claim


def _overlaps(span: Span | None, gold: dict[str, object] | None) -> bool:
    return (
        span is not None
        and gold is not None
        and span.start < int(gold["end"])  # type: ignore[call-overload]
        and int(gold["start"]) < span.end  # type: ignore[call-overload]
    )


@pytest.mark.parametrize("name", sorted(GOLD))
def test_the_default_analyzer_keeps_every_attribution(name: str) -> None:
    """The tagger (the default) finds each attribution the hand annotation holds: one with the
    same canonical source whose cue, or else content, overlaps the annotated one."""
    from sayso.api import check

    [report] = check(
        Article((ROOT / "seeds" / name).read_text(encoding="utf-8"), path=name)
    ).reports
    analysis = report.analysis
    assert analysis.analyzer == "tagger"
    missing = []
    for gold in GOLD[name]["attributions"]:
        # Headlines are not attributions: "U.S Says Putin Is Reaching Out For Support".
        if all(analysis.statements[index].kind == "headline" for index in gold["statements"]):
            continue
        found = [
            a
            # "State media had not confirmed …" is kept as a source that did not vouch.
            for a in (*analysis.attributions, *analysis.non_attributions)
            if a.source_key
            and analysis.sources[a.source_key].name == gold["source_name"]
            and (
                _overlaps(a.cue, gold["cue"])
                or any(_overlaps(c, g) for c in a.content for g in gold["content"])
            )
        ]
        if not found:
            missing.append((gold["source_name"], (gold["cue"] or {}).get("text")))
    assert missing == []


@pytest.mark.parametrize("name", sorted(GOLD))
def test_a_check_carries_no_claim_the_annotation_leaves_unattributed(name: str) -> None:
    """The whole check (the steps after the analyzer included) leaves the annotated unattributed
    claims without an attribution: the writer's sentence between two of an outlet's ("state media
    announced. [The Russians … arrived on Wednesday.] … KCNA reported") is not the outlet's."""
    from sayso.api import check

    text = (ROOT / "seeds" / name).read_text(encoding="utf-8")
    [report] = check(Article(text, path=name), analyzer="offline").reports
    analysis = report.analysis
    carried = [
        index
        for index in GOLD[name]["unattributed_claims"]
        if analysis.attributions_for(analysis.statements[index])
    ]
    assert carried == []


def test_the_default_analyzer_flags_the_writers_sentence_after_a_report() -> None:
    from sayso.api import check

    name = "000_81b6159aa6d9e869.txt"
    text = (ROOT / "seeds" / name).read_text(encoding="utf-8")
    [report] = check(Article(text, path=name)).reports
    [arrived] = [s for s in report.analysis.statements if s.text.startswith("The Russians")]
    assert not report.analysis.attributions_for(arrived)
    assert [f.code for f in report.findings if f.statement == arrived.index] == [
        "unattributed-claim"
    ]
