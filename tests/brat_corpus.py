"""A small corpus in PolNeAR's layout, invented for the tests and written out when they run.

Three made-up news items (a council vote, a harbour bridge closure, a school budget):
``text/NAME.txt``, brat stand-off annotations in PolNeAR's scheme under ``attributions/`` (one
file per annotator suffix) and dependency parses with NER under ``conllu/``. Nothing here comes
from PolNeAR or ``../shared/``. Annotations name their spans by the words they cover and parses
list their tokens; character offsets are worked out from the text, so the corpus is kept as
Python data rather than as files of the corpus's own kinds.
"""

from __future__ import annotations

from pathlib import Path

TEXTS = {
    "council_vote": "Council backs park plan\n\n"
    "The council voted for the plan, a spokeswoman said.\n",
    "harbor_bridge": "Harbor Bridge to close\n\n"
    "City officials said the bridge will close for six weeks.\n\n"
    '"We have no choice," Mayor Ana Ruiz told reporters. "The cables are worn."\n',
    "school_budget": "School board approves budget\n\n"
    "Board chair Tom Lee said the plan protects teachers and\n"
    "keeps classes small, and added that more money may come.\n\n"
    "The budget was criticised as too small.\n",
}

# Per annotation file, its lines in order: a text-bound span as (id, type, the words it covers,
# several for a discontinuous span); anything else (events, notes) as the line itself.
Line = tuple[str, str, tuple[str, ...]] | str
ANNOTATIONS: dict[str, list[Line]] = {
    "council_vote_aaaa": [
        ("T1", "Source", ("a spokeswoman",)),
        ("T2", "Content", ("The council voted for the plan,",)),
        ("T3", "Attribution", ("said",)),
        "E1\tAttribution:T3 Source:T1 Content:T2",
        ("T4", "Discard", ("Council backs park plan",)),
        "#1\tAnnotatorNotes T3\tno Cue span: the trigger stands in for it",
    ],
    "harbor_bridge_aaaa": [
        ("T1", "Source", ("City officials",)),
        ("T2", "Cue", ("said",)),
        ("T3", "Content", ("the bridge will close for six weeks.",)),
        ("T4", "Attribution", ("said",)),
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        ("T5", "Content", ('"We have no choice,"',)),
        ("T6", "Source", ("Mayor Ana Ruiz",)),
        ("T7", "Cue", ("told",)),
        ("T8", "Content", ('"The cables are worn."',)),
        ("T9", "Attribution", ("told",)),
        "E2\tAttribution:T9 Content:T5 Cue:T7 Source:T6 Content2:T8",
    ],
    # A second annotator, who left the full stop out of the content.
    "harbor_bridge_bbbb": [
        ("T1", "Source", ("City officials",)),
        ("T2", "Cue", ("said",)),
        ("T3", "Content", ("the bridge will close for six weeks",)),
        ("T4", "Attribution", ("said",)),
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
    ],
    "school_budget_aaaa": [
        ("T1", "Source", ("Board chair Tom Lee",)),
        ("T2", "Cue", ("said",)),
        ("T3", "Content", ("the plan protects teachers and\nkeeps classes small,",)),
        ("T4", "Attribution", ("said",)),
        "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3",
        ("T5", "Cue", ("added",)),
        ("T6", "Content", ("that more money may come.",)),
        ("T7", "Attribution", ("added",)),
        "E2\tAttribution:T7 Source:T1 Cue:T5 Content:T6",
        ("T8", "Cue", ("was criticised",)),
        ("T9", "Content", ("too small.", "The budget")),
        ("T10", "Attribution-no-source", ("was criticised",)),
        "E3\tAttribution-no-source:T10 Cue:T8 Content:T9",
    ],
}

# Per article, its sentences (blank-line separated), a token a line:
# form, lemma, UPOS, XPOS, head, relation, NER tag.
PARSES = {
    "council_vote": """
Council council NOUN NN 2 nsubj S-ORG
backs back VERB VBZ 0 root O
park park NOUN NN 4 compound O
plan plan NOUN NN 2 obj O

The the DET DT 2 det O
council council NOUN NN 3 nsubj O
voted vote VERB VBD 10 ccomp O
for for ADP IN 6 case O
the the DET DT 6 det O
plan plan NOUN NN 3 obl O
, , PUNCT , 3 punct O
a a DET DT 9 det O
spokeswoman spokeswoman NOUN NN 10 nsubj O
said say VERB VBD 0 root O
. . PUNCT . 10 punct O
""",
    "harbor_bridge": """
Harbor harbor PROPN NNP 2 compound B-ORG
Bridge bridge PROPN NNP 0 root E-ORG
to to PART TO 4 mark O
close close VERB VB 2 acl O

City city NOUN NN 2 compound O
officials official NOUN NNS 3 nsubj O
said say VERB VBD 0 root O
the the DET DT 5 det O
bridge bridge NOUN NN 7 nsubj O
will will AUX MD 7 aux O
close close VERB VB 3 ccomp O
for for ADP IN 10 case O
six six NUM CD 10 nummod O
weeks week NOUN NNS 7 obl O
. . PUNCT . 3 punct O

" " PUNCT `` 3 punct O
We we PRON PRP 3 nsubj O
have have VERB VBP 11 ccomp O
no no DET DT 5 det O
choice choice NOUN NN 3 obj O
, , PUNCT , 3 punct O
" " PUNCT '' 3 punct O
Mayor Mayor PROPN NNP 10 compound O
Ana Ana PROPN NNP 10 compound B-PERSON
Ruiz Ruiz PROPN NNP 11 nsubj E-PERSON
told tell VERB VBD 0 root O
reporters reporter NOUN NNS 11 obj O
. . PUNCT . 11 punct O

" " PUNCT `` 5 punct O
The the DET DT 3 det O
cables cable NOUN NNS 5 nsubj O
are be AUX VBP 5 cop O
worn worn ADJ JJ 0 root O
. . PUNCT . 5 punct O
" " PUNCT '' 5 punct O
""",
    "school_budget": """
School school NOUN NN 2 compound O
board board NOUN NN 3 nsubj O
approves approve VERB VBZ 0 root O
budget budget NOUN NN 3 obj O

Board board NOUN NN 2 compound O
chair chair NOUN NN 4 compound O
Tom Tom PROPN NNP 4 compound B-PERSON
Lee Lee PROPN NNP 5 nsubj E-PERSON
said say VERB VBD 0 root O
the the DET DT 7 det O
plan plan NOUN NN 8 nsubj O
protects protect VERB VBZ 5 ccomp O
teachers teacher NOUN NNS 8 obj O
and and CCONJ CC 11 cc O
keeps keep VERB VBZ 8 conj O
classes class NOUN NNS 11 obj O
small small ADJ JJ 11 xcomp O
, , PUNCT , 16 punct O
and and CCONJ CC 16 cc O
added add VERB VBD 5 conj O
that that SCONJ IN 21 mark O
more more ADJ JJR 19 amod O
money money NOUN NN 21 nsubj O
may may AUX MD 21 aux O
come come VERB VB 16 ccomp O
. . PUNCT . 5 punct O

The the DET DT 2 det O
budget budget NOUN NN 4 nsubj:pass O
was be AUX VBD 4 aux:pass O
criticised criticise VERB VBN 0 root O
as as SCONJ IN 7 mark O
too too ADV RB 7 advmod O
small small ADJ JJ 4 advcl O
. . PUNCT . 4 punct O
""",
}


def write_brat_corpus(directory: Path) -> Path:
    """Write the corpus into ``directory`` (text/, attributions/, conllu/) and return it."""
    for kind in ("text", "attributions", "conllu"):
        (directory / kind).mkdir(parents=True, exist_ok=True)
    for name, text in TEXTS.items():
        (directory / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
        (directory / "conllu" / f"{name}.conllu").write_text(
            _conllu(name, text, PARSES[name]), encoding="utf-8"
        )
    for file, lines in ANNOTATIONS.items():
        text = TEXTS[file.rsplit("_", 1)[0]]
        ann = "".join(_ann_line(text, line) + "\n" for line in lines)
        (directory / "attributions" / f"{file}.ann").write_text(ann, encoding="utf-8")
    return directory


def _ann_line(text: str, line: Line) -> str:
    if isinstance(line, str):
        return line
    id, kind, words = line
    offsets = [(text.index(part), text.index(part) + len(part)) for part in words]
    ranges = ";".join(f"{start} {end}" for start, end in offsets)
    return f"{id}\t{kind} {ranges}\t{' '.join(words)}"


def _conllu(name: str, text: str, parse: str) -> str:
    lines = [f"# newdoc id = {name}"]
    position = 0
    for number, sentence in enumerate(parse.strip().split("\n\n"), start=1):
        tokens = []
        for row in sentence.splitlines():
            form, *columns = row.split(" ")
            start = text.index(form, position)
            position = start + len(form)
            tokens.append((form, columns, start, position))
        sentence_text = text[tokens[0][2] : tokens[-1][3]].replace("\n", " ")
        lines += [f"# sent_id = {number}", f"# text = {sentence_text}"]
        for index, (form, columns, start, end) in enumerate(tokens):
            lemma, upos, xpos, head, relation, ner = columns
            glued = index + 1 < len(tokens) and tokens[index + 1][2] == end
            misc = ("SpaceAfter=No|" if glued else "") + f"start_char={start}|end_char={end}"
            fields = [str(index + 1), form, lemma, upos, xpos, "_", head, relation, "_"]
            lines.append("\t".join([*fields, f"{misc}|ner={ner}"]))
        lines.append("")
    return "\n".join(lines) + "\n"
