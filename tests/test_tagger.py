"""The trained analyzer: training on a brat corpus, the model card, tagging, assembly."""

import json
import shutil
from pathlib import Path

import pytest
from sayso.analysis.assembly import _Piece, assemble
from sayso.analysis.segment import split_paragraphs
from sayso.analysis.tagger import (
    CARD_FILE,
    MODEL_FILE,
    Featurizer,
    TaggerAnalyzer,
    _quote_states,
    as_bilou,
    as_bio,
    read_clusters,
    regex_tokens,
    role_labels,
    shape,
    write_clusters,
)
from sayso.errors import InputError, ModelMissingError
from sayso.evaluation.clusters import learn_clusters
from sayso.evaluation.evaluate import evaluate
from sayso.evaluation.train import card_markdown, train
from sayso.lexicon import Lexicon
from sayso.model import Article, Span


@pytest.fixture(scope="module")
def small_model(brat_corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("model")
    # The first annotator's attributions only: the model is scored by them, and the second
    # annotator of harbor_bridge ends a content elsewhere.
    card = train(
        brat_corpus, out, dev=brat_corpus, iterations=30, c1=0.0, c2=0.01, every_annotator=False
    )
    return out, card


def test_training_writes_a_model_and_its_card(small_model, brat_corpus):
    out, card = small_model
    assert (out / MODEL_FILE).stat().st_size == card["model_bytes"] > 0
    written = json.loads((out / CARD_FILE).read_text())
    assert written == card
    assert card["articles"] == card["annotations"] == 3 and card["attributions"] == 6
    assert card["parse"] is None and card["parameters"]["max_iterations"] == 30
    assert "PolNeAR publishes no licence file" in card["provenance"]
    # Scored on the corpus it learned: it has learned it.
    assert card["dev"]["spans"]["cue"]["exact"]["f1"] == 1.0
    assert card["dev"]["relations"]["f1"] == 1.0


def test_the_card_gives_the_figures_sayso_eval_prints(small_model):
    _, card = small_model
    # 1,580 of 1,823 predicted and of 2,105 gold: F1 80.448%, stored rounded as 0.8045, which
    # rounded again would read 80.5 where `sayso eval` prints 80.4.
    counts = {"predicted": 1823, "gold": 2105, "matched_predicted": 1580, "matched_gold": 1580}
    dev = {
        **card["dev"],
        "relations": {**counts, "precision": 0.8667, "recall": 0.7506, "f1": 0.8045},
    }
    assert "| relation (cue overlap) | | 80.4 |" in card_markdown({**card, "dev": dev})


@pytest.mark.parametrize("name", ["tagger", "tagger-parse"])
def test_the_shipped_model_cards_are_written_from_their_records(name):
    model = Path(__file__).parents[1] / "core" / "analysis" / "models" / name
    card = json.loads((model / CARD_FILE).read_text(encoding="utf-8"))
    assert (model / "README.md").read_text(encoding="utf-8") == card_markdown(card)


def test_training_is_reproducible(small_model, brat_corpus, tmp_path):
    out, _ = small_model
    train(brat_corpus, tmp_path, iterations=30, c1=0.0, c2=0.01, every_annotator=False)
    assert (tmp_path / MODEL_FILE).read_bytes() == (out / MODEL_FILE).read_bytes()


def test_tagger_with_a_trained_model_finds_what_it_learned(small_model):
    out, _ = small_model
    text = "Harbor Bridge to close\n\nCity officials said the bridge will close for six weeks.\n"
    [analysis] = TaggerAnalyzer(out).analyze([Article(text)], Lexicon.default())
    [attribution] = analysis.attributions
    assert analysis.analyzer == "tagger"
    assert (attribution.source.text, attribution.cue.text) == ("City officials", "said")
    assert [c.text for c in attribution.content] == ["the bridge will close for six weeks."]
    assert attribution.statements == [1]


def test_a_model_retrained_in_place_is_a_new_fingerprint(small_model, brat_corpus, tmp_path):
    """An article stored unchanged is checked again once ``--model DIR`` holds another model."""
    from sayso.pipeline.engine import Checking

    out, _ = small_model
    model = tmp_path / "model"
    shutil.copytree(out, model)

    def fingerprint() -> str:
        return Checking.prepare("tagger", analyzer_options={"model": str(model)}).fingerprint

    before = fingerprint()
    assert fingerprint() == before
    train(brat_corpus, model, iterations=5, c1=0.0, c2=0.01)
    assert fingerprint() != before


def test_training_with_conllu_parses(brat_corpus, tmp_path):
    card = train(
        brat_corpus, tmp_path, parse=True, iterations=30, c1=0.0, c2=0.01, every_annotator=False
    )
    assert card["parse"] == "conllu"
    with pytest.raises(Exception, match="trained with parse features"):
        TaggerAnalyzer(tmp_path).analyze([Article("Officials said so.")], Lexicon.default())
    analyzer = TaggerAnalyzer(tmp_path, name="tagger-conllu")
    from sayso.analysis.tagger import read_conllu_parses

    analyzer.parses = read_conllu_parses
    result = evaluate(brat_corpus, analyzer)
    assert result.spans["cue"]["exact"].f1 == 1.0


def test_a_parse_word_across_a_line_break_is_one_line_of_the_model(brat_corpus, tmp_path):
    # A parse word whose offsets span a line break of the text ("and\nkeeps"): few iterations
    # and no L1 keep its features, which crfsuite's dump (read for the card) and attributes.txt
    # hold one a line.
    corpus = tmp_path / "corpus"
    shutil.copytree(brat_corpus, corpus)
    conllu = corpus / "conllu" / "school_budget.conllu"
    text = (corpus / "text" / "school_budget.txt").read_text(encoding="utf-8")
    start = text.index("and\nkeeps")
    end = start + len("and\nkeeps")
    old = f"start_char={start}|end_char={start + 3}|"
    parse = conllu.read_text(encoding="utf-8")
    assert old in parse
    conllu.write_text(parse.replace(old, f"start_char={start}|end_char={end}|"), encoding="utf-8")
    card = train(corpus, tmp_path / "model", parse=True, iterations=3, c1=0.0)
    attributes = (tmp_path / "model" / "attributes.txt").read_text(encoding="utf-8")
    assert len(attributes.splitlines()) == card["attributes"]
    assert "w=and\\nkeeps" in attributes.splitlines()


def test_reading_in_two_processes_gives_the_same_model(brat_corpus, tmp_path):
    one = train(brat_corpus, tmp_path / "one", parse=True, iterations=10, c1=0.0)
    two = train(brat_corpus, tmp_path / "two", parse=True, iterations=10, c1=0.0, workers=2)
    for name in (MODEL_FILE, "attributes.txt", "clusters.tsv", "cue_words.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert (one["articles"], one["tokens"]) == (two["articles"], two["tokens"])


def test_a_missing_model_is_one_clear_error(tmp_path):
    with pytest.raises(ModelMissingError, match="sayso train"):
        TaggerAnalyzer(tmp_path).analyze([Article("Officials said so.")], Lexicon.default())


def test_training_learns_from_every_annotator_by_default(small_model, brat_corpus, tmp_path):
    card = train(brat_corpus, tmp_path, iterations=5, c1=0.0)
    # harbor_bridge has two annotators (two attributions and one): both are learned from.
    assert card["articles"] == 3 and card["annotations"] == 4 and card["attributions"] == 7
    assert card["parameters"]["annotators"] == "every"
    assert "3 articles (4 annotation files)," in card_markdown(card)
    _, first_only = small_model
    assert first_only["parameters"]["annotators"] == "first"
    assert "3 articles, " in card_markdown(first_only)


def test_train_command(sayso_cli, brat_corpus, tmp_path):
    result = sayso_cli("train", str(brat_corpus), "--out", str(tmp_path), "--iterations", "5")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"model in {tmp_path}: 3 articles")
    first = tmp_path / "first"
    result = sayso_cli("train", str(brat_corpus), "--out", str(first), "--annotators", "first")
    assert result.exit_code == 0, result.stderr
    assert json.loads((first / CARD_FILE).read_text())["parameters"]["annotators"] == "first"
    missing = sayso_cli("train", str(tmp_path / "nowhere"), "--out", str(tmp_path / "m"))
    assert missing.exit_code == 2
    assert missing.stderr.startswith("error: ") and "no such corpus" in missing.stderr


def test_labels_prefer_the_inner_attribution():
    text = "Aides said Smith told them the vote was close."
    tokens = regex_tokens(text, split_paragraphs(text))
    outer = [("S", [(0, 4)]), ("C", [(5, 9)]), ("Q", [(10, 46)])]
    inner = [("S", [(10, 15)]), ("C", [(16, 20)]), ("Q", [(26, 46)])]
    labels = role_labels(tokens, outer + inner)
    assert labels == ["B-S", "B-C", "B-S", "B-C", "B-Q", "B-Q", "I-Q", "I-Q", "I-Q", "I-Q"]


def test_bilou_labels_mark_where_spans_end_and_read_back_as_bio():
    bio = ["B-S", "B-C", "I-C", "B-Q", "I-Q", "I-Q", "O", "B-C", "B-C", "I-C"]
    bilou = as_bilou(bio)
    assert bilou == ["U-S", "B-C", "L-C", "B-Q", "I-Q", "L-Q", "O", "U-C", "B-C", "L-C"]
    assert as_bio(bilou) == as_bio(bio) == bio


def test_a_span_begins_after_an_end_label_whatever_follows():
    # A CRF may put any label after any other: "L-C I-C" is two cues, "I-Q" after "O" a content.
    assert as_bio(["B-C", "L-C", "I-C", "O", "I-Q", "U-Q", "L-Q"]) == [
        "B-C",
        "I-C",
        "B-C",
        "O",
        "B-Q",
        "B-Q",
        "B-Q",
    ]


@pytest.mark.parametrize("scheme", ["BIO", "BILOU"])
def test_training_with_either_label_scheme(brat_corpus, tmp_path, scheme):
    card = train(brat_corpus, tmp_path, iterations=20, c1=0.0, labels=scheme)
    assert card["parameters"]["labels"] == scheme
    assert ("U-C" in card["labels"]) is (scheme == "BILOU")
    analyzer = TaggerAnalyzer(tmp_path)
    result = evaluate(brat_corpus, analyzer)
    assert result.spans["cue"]["exact"].f1 > 0.5


def test_an_unknown_label_scheme_is_refused(brat_corpus, tmp_path):
    with pytest.raises(InputError, match="no label scheme 'BIOES'"):
        train(brat_corpus, tmp_path, iterations=1, labels="BIOES")


def test_assembly_shares_a_source_and_continues_quotes():
    text = "Kim denied it, blaming rivals.\n\n“It is over.”\n"
    tokens = regex_tokens(text, split_paragraphs(text))
    # Kim | denied | it | , | blaming | rivals | . || “ It is over . ”
    pieces = [
        _Piece("S", 0, 0, 0, 0),
        _Piece("C", 1, 1, 0, 0),
        _Piece("Q", 2, 2, 0, 0),
        _Piece("C", 4, 4, 0, 0),
        _Piece("Q", 5, 5, 0, 0),
        _Piece("Q", 7, 12, 1, 1),
    ]
    first, second = assemble(text, tokens, pieces, Lexicon.default())
    kim = Span(0, 3, "Kim")
    assert (first.source, first.cue.text, second.source, second.cue.text) == (
        kim,
        "denied",
        kim,
        "blaming",
    )
    assert [c.text for c in second.content] == ["rivals", "“It is over.”"]
    assert second.form == "mixed"


def test_content_before_its_cues_sentence_must_open_a_quotation():
    text = (
        "Borders closed in 2020. Troops left, officials said.\n\n"
        "“It was calm.” Kim said it was over.\n"
    )
    tokens = regex_tokens(text, split_paragraphs(text))
    words = [text[start:end] for start, end in zip(tokens.starts, tokens.ends, strict=True)]
    at = words.index
    # "in 2020" (sentence 0) is tagged content, but its nearest cue, "said", is in sentence 1.
    pieces = [
        _Piece("Q", at("in"), at("2020"), 0, 0),
        _Piece("Q", at("Troops"), at("left"), 0, 1),
        _Piece("S", at("officials"), at("officials"), 0, 1),
        _Piece("C", words.index("said"), words.index("said"), 0, 1),
        # A quotation ahead of its cue's sentence is still the cue's content.
        _Piece("Q", at("“"), at("”"), 1, 2),
        _Piece("S", at("Kim"), at("Kim"), 1, 3),
        _Piece(
            "C",
            len(words) - 1 - words[::-1].index("said"),
            len(words) - 1 - words[::-1].index("said"),
            1,
            3,
        ),
    ]
    officials, kim = assemble(text, tokens, pieces, Lexicon.default())
    assert [c.text for c in officials.content] == ["Troops left"]
    assert [c.text for c in kim.content] == ["“It was calm.”"]


def _laid_out(text):
    tokens = regex_tokens(text, split_paragraphs(text))
    words = [text[start:end] for start, end in zip(tokens.starts, tokens.ends, strict=True)]
    # The tagger read the turns as a quotation with an inner "said": layout wins over both.
    pieces = [
        _Piece("Q", 0, words.index("?"), 0, 0),
        _Piece("S", words.index("Clinton"), words.index("Clinton"), 1, 1),
        _Piece("C", words.index("said"), words.index("said"), 1, 1),
    ]
    return assemble(text, tokens, pieces, Lexicon.default())


def test_transcript_turns_are_their_speakers_words():
    text = "WALLACE: Will she be there?\n\nPENCE: Clinton said she would not come.\n"
    wallace, pence = _laid_out(text)
    assert (wallace.source.text, wallace.cue.text, [c.text for c in wallace.content]) == (
        "WALLACE",
        ":",
        ["Will she be there?"],
    )
    assert (pence.source.text, pence.cue.text, [c.text for c in pence.content]) == (
        "PENCE",
        ":",
        ["Clinton said she would not come."],
    )


def test_one_label_alone_is_not_a_transcript():
    text = "UPDATE: Will she be there?\n\nThe host: Clinton said she would not come.\n"
    [said] = _laid_out(text)
    assert (said.source.text, said.cue.text) == ("Clinton", "said")


def test_a_quotation_signed_with_a_dash_is_its_signers():
    text = (
        "Readers wrote to us.\n\n"
        "“He scares me.” ― Ana Ruiz\n"
        "”We can build a wall around him.”\u00a0―\u00a0Steve Quinlan.\n"
    )
    tokens = regex_tokens(text, split_paragraphs(text))
    words = [text[start:end] for start, end in zip(tokens.starts, tokens.ends, strict=True)]
    pieces = [_Piece("Q", words.index("He"), words.index("me"), 1, 1)]
    ruiz, quinlan = assemble(text, tokens, pieces, Lexicon.default())
    assert (ruiz.source.text, ruiz.cue.text, [c.text for c in ruiz.content]) == (
        "Ana Ruiz",
        "―",
        ["“He scares me.”"],
    )
    assert (quinlan.source.text, [c.text for c in quinlan.content]) == (
        "Steve Quinlan",
        ["”We can build a wall around him.”"],
    )
    assert ruiz.form == quinlan.form == "direct"


def _tagged(text, *roles):
    """Attributions assembled from pieces given as (role, first word, last word) in one sentence."""
    tokens = regex_tokens(text, split_paragraphs(text))
    words = [text[start:end] for start, end in zip(tokens.starts, tokens.ends, strict=True)]
    pieces = [_Piece(role, words.index(a), words.index(b), 0, 0) for role, a, b in roles]
    return assemble(text, tokens, pieces, Lexicon.default())


@pytest.mark.parametrize(
    ("text", "tagged", "cue", "content"),
    [
        (
            "Trump complained about his microphone.",
            ("complained", "about", "microphone"),
            "complained about",
            "his microphone",
        ),
        (
            "Trump complained of his microphone.",
            ("complained", "of", "microphone"),
            "complained of",
            "his microphone",
        ),
        # After a verb of saying the word stays out of the cue: "said of Clinton, …".
        (
            "He said of Clinton that she lied.",
            ("said", "of", "lied"),
            "said",
            "of Clinton that she lied",
        ),
        # A content of one word is left whole.
        ("She asked about.", ("asked", "about", "about"), "asked", "about"),
    ],
)
def test_a_preposition_opening_the_content_ends_the_cue(text, tagged, cue, content):
    cue_word, first, last = tagged
    [attribution] = _tagged(text, ("C", cue_word, cue_word), ("Q", first, last))
    assert (attribution.cue.text, [c.text for c in attribution.content]) == (cue, [content])


def test_where_it_was_said_is_not_content():
    text = "The commission said on its website that the audio failed."
    [attribution] = _tagged(
        text, ("S", "The", "commission"), ("C", "said", "said"), ("Q", "on", "failed")
    )
    assert [c.text for c in attribution.content] == ["that the audio failed"]
    # A content that opens with a preposition but has no "that" soon after is left alone.
    text = "The commission said in a statement the audio failed."
    [attribution] = _tagged(text, ("C", "said", "said"), ("Q", "in", "failed"))
    assert [c.text for c in attribution.content] == ["in a statement the audio failed"]


def test_shape():
    assert [shape(w) for w in ("Kim", "U.S.", "2016", "said", "“")] == ["Xx", "X.X.", "d", "x", "“"]


@pytest.mark.parametrize(
    ("text", "source", "cue", "content"),
    [
        (
            "The mayor said the bridge would reopen in May.",
            "The mayor",
            "said",
            "the bridge would reopen in May",
        ),
        (
            "“We will not back down,” the minister told reporters on Friday.",
            "the minister",
            "told",
            "“We will not back down,”",
        ),
        (
            "According to the agency, the talks ended without a deal.",
            "the agency",
            "According to",
            "the talks ended without a deal",
        ),
    ],
)
def test_the_shipped_model_tags_hand_written_sentences(text, source, cue, content):
    [analysis] = TaggerAnalyzer().analyze([Article(text)], Lexicon.default())
    found = [(a.source and a.source.text, a.cue and a.cue.text) for a in analysis.attributions]
    assert (source, cue) in found
    [attribution] = [a for a in analysis.attributions if a.cue and a.cue.text == cue]
    assert content in [c.text.rstrip(".") for c in attribution.content]


STANZA_SMALL = Path(__file__).resolve().parents[2] / "shared" / "stanza_small"


@pytest.mark.skipif(not STANZA_SMALL.is_dir(), reason="needs ../shared/stanza_small")
def test_tagger_with_stanzas_parse():
    from sayso.analysis.analyzers import get_analyzer

    analyzer = get_analyzer("tagger-stanza", stanza_dir=str(STANZA_SMALL))
    text = "The mayor said the bridge would reopen in May."
    [analysis] = analyzer.analyze([Article(text)], Lexicon.default())
    assert analysis.analyzer == "tagger-stanza"
    assert [(a.source.text, a.cue.text) for a in analysis.attributions] == [("The mayor", "said")]


def test_forms_are_the_dependency_rules_doubled_apostrophes_included():
    from sayso.analysis.assembly import _form

    text = "''We will win,'' Smith said."
    content = [Span.of(text, 0, 17)]
    cue = Span.of(text, 24, 28)
    source = Span.of(text, 18, 23)
    assert _form(cue, source, content, {"said": "say"}, Lexicon.default()) == "direct"


def test_word_clusters_group_words_by_their_neighbours():
    names = ["kim", "shoigu", "putin", "biden", "kirby", "lee"]
    verbs = ["said", "warned", "claimed", "insisted", "stated", "argued"]
    nouns = ["bridge", "road", "tunnel", "port", "airport", "station"]
    sentences = []
    for round_ in range(4):
        for index, name in enumerate(names):
            verb = verbs[(index + round_) % len(verbs)]
            noun = nouns[(index + 2 * round_) % len(nouns)]
            sentences.append(["minister", name, verb, "that", "the", noun, "will", "close", "."])
    clusters = learn_clusters(sentences, coarse=3, fine=3)
    assert clusters == learn_clusters(sentences, coarse=3, fine=3)  # seeded: the same table
    for group in (names, verbs, nouns):
        assert len({clusters[word][0] for word in group}) == 1
    assert len({clusters[group[0]][0] for group in (names, verbs, nouns)}) == 3
    assert learn_clusters(sentences[:2], coarse=3, fine=50) == {}  # too few words: no table


def test_quote_states_of_a_paragraph():
    words = ["“", "We", "won", ",", "”", "he", "said", ",", "adding", "“", "again", "”", "."]
    starts = [index == 0 for index in range(len(words))]
    inside, closed, opening = _quote_states(words, starts)
    assert [w for w, flag in zip(words, inside, strict=True) if flag] == ["We", "won", ",", "again"]
    # After the first quotation closes; before the second opens.
    assert closed.index(True) == words.index("he") and closed[-1]
    assert opening[: words.index("adding") + 1] == [True] * (words.index("adding") + 1)
    assert not any(opening[words.index("adding") + 1 :])


def test_a_models_word_clusters_are_features_of_the_word_and_its_neighbours(tmp_path):
    write_clusters(tmp_path / "clusters.tsv", {"blamed": (3, 41), "the": (0, 7)})
    clusters = read_clusters(tmp_path / "clusters.tsv")
    assert clusters == {"blamed": (3, 41), "the": (0, 7)}
    own, *window = Featurizer(Lexicon.default(), clusters=clusters).type_features("Blamed")
    assert {"k=3", "K=41"} <= set(own)
    assert "-1k=3" in window[1] and "1k=3" in window[2]
    assert read_clusters(tmp_path / "none.tsv") == {}


def test_assembly_drops_a_cue_with_neither_source_nor_content():
    """A participle tagged as a cue alone must not mark its sentence as attributed."""
    text = "The war, concluded by an armistice, never ended.\n"
    tokens = regex_tokens(text, split_paragraphs(text))
    # The | war | , | concluded | by | …
    assert assemble(text, tokens, [_Piece("C", 3, 3, 0, 0)], Lexicon.default()) == []
    kept = assemble(
        text, tokens, [_Piece("S", 1, 1, 0, 0), _Piece("C", 3, 3, 0, 0)], Lexicon.default()
    )
    assert [(a.source.text, a.cue.text) for a in kept] == [("war", "concluded")]
