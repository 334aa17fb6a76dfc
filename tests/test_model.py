import dataclasses
import pickle

import pytest
from sayso.model import Analysis, Article, Attribution, Checker, Finding, Source, Span, Statement


def _statement(index: int) -> Statement:
    return Statement(index=index, start=index, end=index + 1, text="x", paragraph=0)


def _attribution(*statements: int) -> Attribution:
    return Attribution(form="indirect", cue=None, source=None, statements=list(statements))


def test_attributions_for_lists_a_statements_attributions_in_order():
    first, second, third = _attribution(0, 1), _attribution(1), _attribution(2, 2)
    analysis = Analysis(Article("x"), "offline", attributions=[first, second, third])
    for state in ("building", "final"):
        assert analysis.attributions_for(_statement(1)) == (first, second), state
        assert analysis.attributions_for(_statement(2)) == (third,), state
        assert analysis.attributions_for(_statement(3)) == (), state
        analysis.finalise()


def test_attributions_for_sees_attributions_added_or_replaced_while_building():
    analysis = Analysis(Article("x"), "offline", attributions=[_attribution(0)])
    assert len(analysis.attributions_for(_statement(0))) == 1
    added = _attribution(0)
    analysis.attributions = [*analysis.attributions, added]
    assert analysis.attributions_for(_statement(0))[-1] is added
    analysis.attributions = [replacement := _attribution(0)]
    assert analysis.attributions_for(_statement(0)) == (replacement,)


def _article_analysis() -> Analysis:
    text = "Headline\n\nRain fell. Officials said it would stop. It did not."
    statements = [
        Statement(0, 0, 8, "Headline", 0, kind="headline"),
        Statement(1, 10, 20, "Rain fell.", 1),
        Statement(2, 21, 49, "Officials said it would stop.", 1),
        Statement(3, 50, 62, "It did not.", 1),
    ]
    said = Attribution("indirect", Span.of(text, 31, 35), Span.of(text, 21, 30), statements=[2])
    source = Source("officials", "Officials", "anonymous", [Span.of(text, 21, 30)])
    return Analysis(
        Article(text),
        "offline",
        statements=statements,
        attributions=[said],
        sources={"officials": source},
    )


def test_statement_at_finds_the_statement_holding_an_offset():
    analysis = _article_analysis()
    for state in ("building", "final"):
        assert analysis.statement_at(0).index == 0, state
        assert analysis.statement_at(25).index == 2, state
        assert analysis.statement_at(61).index == 3, state
        # between statements, and past the end
        assert analysis.statement_at(9) is None, state
        assert analysis.statement_at(62) is None, state
        analysis.finalise()


def test_claims_and_attributed_claims():
    analysis = _article_analysis().finalise()
    assert [s.index for s in analysis.claims] == [1, 2, 3]
    assert [s.index for s in analysis.attributed_claims] == [2]


def test_a_finalised_analysis_cannot_change_under_checkers():
    analysis = _article_analysis().finalise()
    assert analysis.finalise() is analysis
    with pytest.raises(AttributeError):
        analysis.attributions.append(_attribution(1))  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        analysis.attributions = []
    with pytest.raises(dataclasses.FrozenInstanceError):
        analysis.statements[1].kind = "headline"
    with pytest.raises(dataclasses.FrozenInstanceError):
        analysis.attributions[0].source_key = "someone-else"
    with pytest.raises(AttributeError):
        analysis.attributions[0].statements.append(1)  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        analysis.sources["x"] = analysis.sources["officials"]  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        analysis.sources["officials"].name = "Police"


def test_a_finalised_analysis_pickles_for_worker_processes():
    analysis = _article_analysis().finalise()
    copy = pickle.loads(pickle.dumps(analysis))
    assert copy == analysis
    assert copy.attributed_claims == analysis.attributed_claims
    with pytest.raises(TypeError):
        copy.sources.clear()


def test_the_finding_factory_fills_in_the_checker_and_checks_the_code():
    checker = Checker("demo", "A demo.", codes={"demo-code": "What it means."})
    analysis = _article_analysis()
    finding = checker.finding(
        "demo-code", "Look.", span=analysis.statements[2].span, statement=analysis.statements[2]
    )
    assert finding == Finding(
        "demo", "demo-code", "warning", "Look.", analysis.statements[2].span, 2
    )
    with pytest.raises(ValueError, match="does not declare"):
        checker.finding("demo-typo", "Look.")


def test_spans_are_frozen_ordered_hashable_values():
    span = Span.of("The mayor said so.", 4, 9)
    assert (span.start, span.end, span.text) == (4, 9, "mayor")
    assert span == Span(4, 9, "mayor") and hash(span) == hash(Span(4, 9, "mayor"))
    assert sorted([Span(5, 6, "a"), span]) == [span, Span(5, 6, "a")]
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.start = 0
    assert dataclasses.replace(span, end=8) == Span(4, 8, "mayor")
    assert pickle.loads(pickle.dumps(span)) == span


def test_an_article_is_frozen_so_its_id_always_matches_its_text():
    article = Article("Officials said so.", path="a.txt")
    assert article.id == Article("Officials said so.").id != Article("Officials said no.").id
    with pytest.raises(dataclasses.FrozenInstanceError):
        article.text = "Something else."  # type: ignore[misc]
    changed = dataclasses.replace(article, text="Something else.")
    assert changed.id == Article("Something else.").id and changed.path == "a.txt"
    assert pickle.loads(pickle.dumps(article)).id == article.id
