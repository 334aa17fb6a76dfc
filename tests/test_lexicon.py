import pytest
from sayso.lexicon import Lexicon, verb_forms


def test_verb_forms():
    assert set(verb_forms("say")) == {"say", "says", "said", "saying"}
    assert "admitted" in verb_forms("admit")
    assert "denied" in verb_forms("deny")
    assert {"showed", "shown"} <= set(verb_forms("show"))
    assert "pointed out" in verb_forms("point out")


def test_lookup_by_name_and_alias():
    lexicon = Lexicon.default()
    assert lexicon.lookup_source("the Korean Central News Agency").name == "KCNA"
    assert lexicon.lookup_source("Korea’s central news agency").name == "KCNA"
    assert lexicon.lookup_source("Reuters").type == "news_agency"
    assert lexicon.lookup_source("Somebody") is None


def test_add_aliases_keeps_existing_ones():
    lexicon = Lexicon.default()
    lexicon.add_aliases("KCNA", "the Pyongyang agency")
    assert lexicon.lookup_source("Pyongyang agency").name == "KCNA"
    assert lexicon.lookup_source("Korean Central News Agency").name == "KCNA"
    with pytest.raises(ValueError, match="no source named"):
        lexicon.add_aliases("Nobody", "x")


def test_add_source_validates_type():
    with pytest.raises(ValueError, match="unknown source type"):
        Lexicon.default().add_source("Blog", "blogger")
