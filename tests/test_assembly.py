"""Assembly: how the tagger's pieces become attributions (what it keeps and what it leaves)."""

from sayso.analysis.assembly import _Piece, assemble
from sayso.analysis.segment import split_paragraphs
from sayso.analysis.tagger import regex_tokens
from sayso.lexicon import Lexicon


def _assembled(text, *tagged):
    """Attributions from pieces given as (role, first word, last word, sentence); a word is
    found from the start of the text, or after the previous piece's first word."""
    tokens = regex_tokens(text, split_paragraphs(text))
    words = [text[start:end] for start, end in zip(tokens.starts, tokens.ends, strict=True)]
    paragraph_of = [number for number, paragraph in enumerate(tokens.paragraphs) for _ in paragraph]
    pieces, after = [], 0
    for role, first_word, last_word, sentence in tagged:
        first = words.index(first_word, after)
        last = words.index(last_word, first)
        pieces.append(_Piece(role, first, last, paragraph_of[first], sentence))
        after = first + 1
    return assemble(text, tokens, pieces, Lexicon.default())


def test_said_content_ends_with_its_sentence():
    # The tagger read the next sentence as content too: it is the writer's own, and stays
    # unattributed (in PolNeAR train, 27 of 356 such unquoted sentences are a content).
    text = (
        "Kim met Shoigu on Thursday, state media announced. "
        "The Russians arrived on Wednesday.\n\n"
        "The talks went on.\n"
    )
    [announced] = _assembled(
        text,
        ("Q", "Kim", "Thursday", 0),
        ("S", "state", "media", 0),
        ("C", "announced", "announced", 0),
        ("Q", "The", "Wednesday", 1),
        ("Q", "The", "on", 2),
    )
    assert [c.text for c in announced.content] == ["Kim met Shoigu on Thursday"]


def test_a_quotation_after_its_cues_sentence_is_still_its_content():
    text = "Kim said the border was shut. “It will stay shut.”\n\n“No one crosses.”\n"
    [said] = _assembled(
        text,
        ("S", "Kim", "Kim", 0),
        ("C", "said", "said", 0),
        ("Q", "the", "shut", 0),
        ("Q", "“", "”", 1),
        ("Q", "“", "”", 2),
    )
    assert [c.text for c in said.content] == [
        "the border was shut",
        "“It will stay shut.”",
        "“No one crosses.”",
    ]


def test_a_relative_clauses_cue_owns_nothing_before_its_pronoun():
    # "who told him" is a clause inside the sentence the agency reported: what comes before
    # the pronoun is the agency's content, not the relative clause's.
    text = "Kim had a chat with Shoigu, who told him about a letter, the agency reported.\n"
    told, reported = _assembled(
        text,
        ("Q", "Kim", "Shoigu", 0),
        ("S", "who", "who", 0),
        ("C", "told", "told", 0),
        ("Q", "him", "letter", 0),
        ("S", "the", "agency", 0),
        ("C", "reported", "reported", 0),
    )
    assert (told.source.text, [c.text for c in told.content]) == ("who", ["him about a letter"])
    assert (reported.source.text, [c.text for c in reported.content]) == (
        "the agency",
        ["Kim had a chat with Shoigu"],
    )


def test_content_before_a_relative_pronoun_with_no_other_cue_is_nobodys():
    text = "Kim had a chat with Shoigu, who told him about a letter.\n"
    [told] = _assembled(
        text,
        ("Q", "Kim", "Shoigu", 0),
        ("S", "who", "who", 0),
        ("C", "told", "told", 0),
        ("Q", "him", "letter", 0),
    )
    assert [c.text for c in told.content] == ["him about a letter"]
