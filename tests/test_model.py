from sayso.model import Analysis, Article, Attribution, Statement


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
