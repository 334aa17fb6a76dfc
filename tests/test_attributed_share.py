"""The tagger's attributed share of each statement, from its CRF's marginal probabilities."""

from __future__ import annotations

import pycrfsuite
import pytest
from sayso.analysis.tagger import SHIPPED_MODEL, TaggerAnalyzer, attributed_shares
from sayso.lexicon import Lexicon
from sayso.model import Article
from sayso.pipeline.engine import Checking

TEXT = (
    "The mayor said the new bridge would open in May.\n\n"
    "The bridge is painted green.\n\n"
    "Officials warned that the repairs could cost millions, according to the council."
)


def test_each_statement_gets_the_share_of_it_the_crf_puts_in_an_attribution():
    [analysis] = TaggerAnalyzer(attributed_shares=True).analyze([Article(TEXT)], Lexicon.default())
    shares = [statement.attributed_share for statement in analysis.statements]
    assert all(share is not None and 0.0 <= share <= 1.0 for share in shares)
    said, painted, warned = shares
    assert said > 0.5 and warned > 0.5
    assert painted < 0.5


def test_the_default_tagger_leaves_it_unset():
    [analysis] = TaggerAnalyzer().analyze([Article(TEXT)], Lexicon.default())
    assert {statement.attributed_share for statement in analysis.statements} == {None}
    # As the check builds it: the option reaches the analyzer.
    checking = Checking.prepare("tagger", analyzer_options={"attributed_shares": True})
    assert checking.get_analyzer().attributed_shares is True


def test_shares_are_the_mean_of_one_minus_the_marginal_of_o():
    tagger = pycrfsuite.Tagger()
    tagger.open(str(SHIPPED_MODEL / "model.crfsuite"))
    items = [{"w=kim": 1.0}, {"w=said": 1.0, "cue": 1.0}, {"w=yes": 1.0}, {"w=.": 1.0}]
    tagger.tag(items)
    outside = [tagger.marginal("O", position) for position in range(4)]
    shares = attributed_shares(tagger, [1, 1, 2, 2])
    assert shares[1] == pytest.approx(1 - (outside[0] + outside[1]) / 2)
    assert shares[2] == pytest.approx(1 - (outside[2] + outside[3]) / 2)
