import dataclasses
import pickle

import pytest
from sayso.model import Analysis, Article, Attribution, Span, Statement


def _statement(index: int) -> Statement:
    return Statement(index=index, start=index, end=index + 1, text="x", paragraph=0)


def _attribution(*statements: int) -> Attribution:
    return Attribution(form="indirect", cue=None, source=None, statements=list(statements))


def test_attributions_for_lists_a_statements_attributions_in_order():
    first, second, third = _attribution(0, 1), _attribution(1), _attribution(2, 2)
    analysis = Analysis(Article("x"), "offline", attributions=[first, second, third])
    assert analysis.attributions_for(_statement(1)) == [first, second]
    assert analysis.attributions_for(_statement(2)) == [third]
    assert analysis.attributions_for(_statement(3)) == []


def test_attributions_for_sees_attributions_added_or_replaced():
    analysis = Analysis(Article("x"), "offline", attributions=[_attribution(0)])
    assert len(analysis.attributions_for(_statement(0))) == 1
    added = _attribution(0)
    analysis.attributions.append(added)
    assert analysis.attributions_for(_statement(0))[-1] is added
    analysis.attributions = [replacement := _attribution(0)]
    assert analysis.attributions_for(_statement(0)) == [replacement]
    # What it returns is the caller's to change.
    analysis.attributions_for(_statement(0)).clear()
    assert analysis.attributions_for(_statement(0)) == [replacement]


def test_spans_are_frozen_ordered_hashable_values():
    span = Span.of("The mayor said so.", 4, 9)
    assert (span.start, span.end, span.text) == (4, 9, "mayor")
    assert span == Span(4, 9, "mayor") and hash(span) == hash(Span(4, 9, "mayor"))
    assert sorted([Span(5, 6, "a"), span]) == [span, Span(5, 6, "a")]
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.start = 0
    assert dataclasses.replace(span, end=8) == Span(4, 8, "mayor")
    assert pickle.loads(pickle.dumps(span)) == span
