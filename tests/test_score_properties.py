"""Scores that mean something: properties the sourcing score keeps on any article.

- Cutting an attribution out of an article (its source and cue, leaving the claim) never raises
  the score: an article does not gain by hiding where a claim came from.
- Adding an independent second source for a claim never lowers the score.

Articles are made of sentences written for the test ("SOURCE said CLAIM.", bare claims, scene
setting) in any order; the seeds are checked too, cutting each of their attributions written
``SOURCE CUE CONTENT`` in turn.
"""

from __future__ import annotations

import functools
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sayso.model import Article
from sayso.pipeline.engine import Checking, check_articles

from tests.conftest import SEEDS

CLAIMS = (
    "the harvest fell by 40 percent this year",
    "the dam will be finished by 2026",
    "the army killed 12 civilians in the raid",
    "prices doubled because of the drought",
    "the new law is the most important reform in a decade",
    "the government was not involved in the bank's decision",
    "the council has a poor record of delivering infrastructure on time",
)
SOURCES = ("KCNA", "The Red Cross", "Mayor Ana Ruiz", "The ministry", "Officials", "Jane Okafor")
# Named, and neither state media, a news agency nor anonymous: an independent second source.
INDEPENDENT = ("Amnesty International", "the World Bank", "Professor Lee Min-ho")
SCENES = ("The delegation arrived on Wednesday.", "The meeting took place in the capital.")


@functools.cache
def _checking() -> Checking:
    return Checking.prepare(analyzer="offline")


def score(text: str) -> float:
    [report] = check_articles([Article(text=text)], _checking())
    return report.score


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


attributed = st.tuples(st.sampled_from(SOURCES), st.sampled_from(CLAIMS)).map(
    lambda pair: ("attributed", pair[0], pair[1])
)
bare = st.sampled_from(CLAIMS).map(lambda claim: ("bare", "", claim))
scene = st.sampled_from(SCENES).map(lambda text: ("scene", "", text))
articles = st.lists(attributed | bare | scene, min_size=1, max_size=8).filter(
    lambda parts: any(kind == "attributed" for kind, _, _ in parts)
)


def render(parts: list[tuple[str, str, str]]) -> str:
    sentences = []
    for kind, source, words in parts:
        if kind == "attributed":
            sentences.append(f"{source} said {words}.")
        elif kind == "bare":
            sentences.append(f"{_capitalised(words)}.")
        else:
            sentences.append(words)
    return "\n\n".join(sentences) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles, st.data())
def test_cutting_an_attribution_never_raises_the_score(parts, data):
    chosen = data.draw(
        st.sampled_from([i for i, (kind, _, _) in enumerate(parts) if kind == "attributed"])
    )
    cut = [*parts]
    cut[chosen] = ("bare", "", parts[chosen][2])
    assert score(render(cut)) <= score(render(parts))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles, st.data())
def test_adding_an_independent_second_source_never_lowers_the_score(parts, data):
    chosen = data.draw(
        st.sampled_from([i for i, (kind, _, _) in enumerate(parts) if kind == "attributed"])
    )
    second = data.draw(st.sampled_from(INDEPENDENT))
    _, source, claim = parts[chosen]
    added = [*parts]
    added[chosen] = ("attributed", f"{source} and {second}", claim)
    assert score(render(added)) >= score(render(parts))


def test_cutting_any_attribution_of_the_seeds_never_raises_their_score():
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        [report] = check_articles([Article(text=text)], _checking())
        before = report.score
        cut_any = False
        for attribution in report.analysis.attributions:
            if attribution.source is None or attribution.cue is None or not attribution.content:
                continue
            start, content = attribution.source.start, attribution.content[0]
            if not (start < attribution.cue.start < content.start):
                continue
            if text[start - 1 : start] not in ("", "\n", " "):
                continue
            rest = re.sub(r"^that\s+", "", text[content.start :])  # "that" goes with the cue
            cut = text[:start] + _capitalised(rest)
            cut_any = True
            assert score(cut) <= before, (path.name, attribution.cue.text)
        assert cut_any, path.name
