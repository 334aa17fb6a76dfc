"""Attribution extraction over dependency parses (stanza Documents, from models or CoNLL-U).

The rules follow PolNeAR's annotation conventions: a cue verb's subject is the source (the whole
noun phrase, appositions included), its clausal complement is the content, "according to X"
makes X the source, and a quotation that runs on past the sentence with the cue stays with it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..lexicon import Lexicon
from ..model import Analysis, Article, Attribution, Entity, Form, Span
from .segment import build_statements, link_statements, split_paragraphs


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


QUOTE_MARKS = '"“”„«»'
ENTITY_LABELS = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "ORG": "ORG",
    "ORGANIZATION": "ORG",
    "GPE": "GPE",
    "LOC": "GPE",
    "LOCATION": "GPE",
    "NORP": "NORP",
    "MISC": "MISC",
}
SUBJECT_RELATIONS = {"nsubj", "nsubj:pass", "csubj"}
CONTENT_RELATIONS = {"ccomp", "xcomp", "csubj:pass"}
# Verbs whose direct object is what is attributed ("endorsed Clinton", "denied the report").
OBJECT_CONTENT_VERBS = _word_set(
    "deny endorse support oppose criticize praise accuse blame describe call defend reject "
    "dismiss propose question cite promise pledge announce confirm reveal disclose acknowledge "
    "admit predict demand urge want seek reiterate repeat say show report mention note write "
    "explain post back discuss attack denounce blast slam echo favor tout mock assure wonder "
    "threaten decry lament name list read recognize remember condemn highlight assail voice chant "
    "reference outline applaud quote signal credit imply portray label disavow invoke request "
    "recommend offer advocate underscore nominate"
)
# Cues the parse-based analyzer adds to the lexicon's: they signal attribution only with the
# complement the parse shows ("seemed to agree", "declined to comment", "endorsed Clinton").
PARSE_CUE_VERBS = _word_set(
    "seem appear decline refuse find endorse oppose propose defend cite accuse criticize "
    "describe reject dismiss question insist continue back discuss attack denounce blast slam "
    "echo favor tout mock assure wonder threaten decry lament name list read recognize remember "
    "condemn highlight"
    # Verbs outside the lexicon that tag attributions in political news often enough to pay
    # for their false alarms (checked against PolNeAR train, one verb at a time).
    " rail credit brag order assail voice speculate chant portray reference deem label plead signal"
    " outline remind applaud quote imply disavow convince shout invoke request recommend offer"
    " persuade advocate underscore press encourage push support nominate answer"
)
# Verb and preposition pairs that make one cue ("called for a ban", "pointed to the polls"), on
# top of the lexicon's phrasal cues; the preposition's object is the content.
PARSE_PHRASAL_CUES = frozenset(
    {
        "call on", "call upon", "respond to", "ask for", "ask about", "agree with", "charge with",
        "know as", "hope for", "comment on", "complain about", "warn about", "warn against",
        "caution against", "argue against", "accuse of", "speak about", "talk about",
    }
)  # fmt: skip
# Media a cue names right after its verb, which PolNeAR counts in the cue ("said in a statement").
CUE_MEDIA = _word_set("statement release column appearance")
# Verbs that are cues only when they tag a quotation ("“…,” he continued").
QUOTATION_ONLY_VERBS = {"continue"}
# Verbs whose subject is part of the content, not its source ("Trump seemed to agree").
RAISING_VERBS = {"seem", "appear"}
RECIPIENTS = {"reporter", "journalist", "audience", "crowd", "supporter"}
# Cue verbs hand their subject down to these dependents: "…, adding that …", "and said …".
SUBJECT_SHARING_RELATIONS = {"conj", "advcl", "xcomp", "acl", "parataxis"}
VERB_GROUP_RELATIONS = {"aux", "aux:pass", "advmod"}
EXPLETIVES = {"it", "there"}
CLAUSE_ON_RECIPIENT = {"acl:relcl", "acl", "ccomp"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom", "whose", "what"}
# Labels that open a paragraph with a colon without naming a speaker ("UPDATE: …").
NOT_SPEAKERS = _word_set("note update updated correction clarification photo watch read related")
NAME_CONNECTORS = _word_set("of de al bin von van the 's")

# Adverbs that introduce the cue's clause rather than modify the verb ("when asked").
CLAUSE_ADVERBS = {"when", "where", "how", "why", "as"}


@dataclass
class Word:
    """One syntactic word, indexed across the whole document."""

    index: int
    sentence: int
    text: str
    lemma: str
    upos: str
    xpos: str
    deprel: str
    head: int | None
    start: int
    end: int
    children: list[int] = field(default_factory=list)

    @property
    def is_punct(self) -> bool:
        return self.upos == "PUNCT"


@dataclass
class ParsedText:
    """An article's text with its words and the word ranges of its sentences."""

    text: str
    words: list[Word]
    sentences: list[range]
    has_parse: bool
    # Named entities from the parser's NER, None where it had none.
    entities: list[Entity] | None = None

    def span(self, first: int, last: int) -> Span:
        return Span.of(self.text, self.words[first].start, self.words[last].end)

    def subtree(self, root: int, excluded: set[int] | None = None) -> set[int]:
        """``root`` and everything below it, not descending into ``excluded`` words."""
        excluded = excluded or set()
        found: set[int] = set()
        stack = [root]
        while stack:
            index = stack.pop()
            if index in excluded or index in found:
                continue
            found.add(index)
            stack.extend(self.words[index].children)
        return found


def parse_document(doc: Any, text: str) -> ParsedText:
    """Flatten a stanza Document whose offsets are the article's into document-wide words."""
    return parse_paragraphs([(doc, 0)], text, entities=False)


def parse_paragraphs(docs: list[tuple[Any, int]], text: str, entities: bool) -> ParsedText:
    """Flatten stanza Documents, each with the offset in ``text`` where its text starts, into
    document-wide word indexes (and, with ``entities``, the documents' named entities).

    A word's text is the article's at the word's offsets (the model may have seen a normalised
    character). Words inside multi-word tokens ("don't" → do, n't) may lack offsets of their own;
    they take their token's, and keep the model's text.
    """
    words: list[Word] = []
    sentences: list[range] = []
    has_parse = True
    for doc, shift in docs:
        for sentence in doc.sentences:
            offset = len(words)
            for word in sentence.words:
                own = word.start_char is not None and word.end_char is not None
                start = word.start_char if own else word.parent.start_char
                end = word.end_char if own else word.parent.end_char
                if start is None or end is None:
                    raise ValueError(f"word {word.text!r} has no start_char/end_char")
                start, end = start + shift, end + shift
                if word.head is None or word.deprel is None:
                    has_parse = False
                words.append(
                    Word(
                        index=len(words),
                        sentence=len(sentences),
                        text=text[start:end] if own else word.text,
                        lemma=(word.lemma or word.text).lower(),
                        upos=word.upos or "",
                        xpos=word.xpos or "",
                        deprel=word.deprel or "",
                        head=None if not word.head else offset + word.head - 1,
                        start=start,
                        end=end,
                    )
                )
            sentences.append(range(offset, len(words)))
    for word in words:
        if word.head is not None:
            words[word.head].children.append(word.index)
    found = (
        [e for doc, shift in docs for e in document_entities(doc, text, shift)]
        if entities
        else None
    )
    return ParsedText(text, words, sentences, has_parse and bool(words), found)


def document_entities(doc: Any, text: str, offset: int = 0) -> list[Entity]:
    """Named entities from token NER tags, with labels narrowed to sayso's set; ``offset`` is
    where the document's text starts in ``text``."""
    entities = []
    for ent in getattr(doc, "ents", []):
        label = ENTITY_LABELS.get(ent.type)
        if label is not None:
            span = Span.of(text, offset + ent.start_char, offset + ent.end_char)
            entities.append(Entity(span, label))
    return entities


# --- extraction -----------------------------------------------------------------------------


def extract_attributions(parsed: ParsedText, lexicon: Lexicon) -> list[Attribution]:
    """Every attribution the parse shows, outermost ones only (PolNeAR skips nested ones)."""
    if not parsed.has_parse:
        return []
    cues = CueVocabulary.of(lexicon)
    quotations = find_quotations(parsed.text)
    attributions: list[Attribution] = []
    for word in parsed.words:
        if any(q.start < word.start < q.end for q in quotations):
            continue
        found = None
        if word.lemma == "accord" and _to_after(parsed, word) is not None:
            found = _according_to(parsed, word)
        elif word.upos == "VERB" and word.lemma in cues.lemmas:
            found = _verb_attribution(parsed, word, lexicon, cues, quotations)
        if found is not None:
            attributions.append(found)
    attributions = _outermost(attributions)
    attributions += _speaker_colons(parsed, attributions)
    _attach_continuations(parsed, attributions, quotations)
    return attributions


MAX_SPEAKER_WORDS = 5


def _speaker_colons(parsed: ParsedText, found: list[Attribution]) -> list[Attribution]:
    """Paragraphs that open with a name and a colon, as transcripts and headlines do ("TRUMP: I
    think …", "Q: …"): the name is the source, the colon the cue, the rest the content."""
    taken = [a.cue for a in found if a.cue is not None]
    speakers = []
    for paragraph in split_paragraphs(parsed.text):
        words = [w for w in parsed.words if paragraph.start <= w.start < paragraph.end]
        colon = next((i for i, w in enumerate(words[: MAX_SPEAKER_WORDS + 1]) if w.text == ":"), 0)
        name = words[:colon]
        if not name or colon + 1 >= len(words) or not _speaker_name(name):
            continue
        cue = Span.of(parsed.text, words[colon].start, words[colon].end)
        content = Span.of(parsed.text, words[colon + 1].start, paragraph.end)
        if any(content.contains(span) for span in taken):
            continue
        source = Span.of(parsed.text, name[0].start, name[-1].end)
        speakers.append(Attribution(form="direct", cue=cue, source=source, content=[content]))
    return speakers


def _speaker_name(words: list[Word]) -> bool:
    return (
        words[0].text[0].isupper()
        and words[-1].lemma not in NOT_SPEAKERS
        and all(w.text[0].isupper() or w.lemma in NAME_CONNECTORS for w in words)
    )


@dataclass(frozen=True)
class CueVocabulary:
    """Cue verb lemmas, and the verb-preposition pairs that make one cue ("call for")."""

    lemmas: frozenset[str]
    phrasal: frozenset[str]

    @classmethod
    def of(cls, lexicon: Lexicon) -> CueVocabulary:
        entries = lexicon.cue_verbs | lexicon.evidence_verbs
        return cls(
            lemmas=frozenset(entry.split()[0] for entry in entries) | PARSE_CUE_VERBS,
            phrasal=frozenset(entry for entry in entries if " " in entry) | PARSE_PHRASAL_CUES,
        )


@dataclass(frozen=True)
class Quotation:
    """Quoted text from its opening mark to just after its closing mark."""

    start: int
    end: int


def find_quotations(text: str) -> list[Quotation]:
    """Quotations, paired within paragraphs; a quote left open closes at its paragraph's end
    (the next paragraph reopens it, as news style does for long quotes)."""
    quotations = []
    for paragraph in split_paragraphs(text):
        opened: int | None = None
        for match in re.finditer(r"''|``|[\"“”„«»]", paragraph.text):
            mark = match.group()
            position = paragraph.start + match.start()
            closing = mark in "”»" or (mark in ('"', "''") and opened is not None)
            if opened is not None and closing:
                quotations.append(Quotation(opened, paragraph.start + match.end()))
                opened = None
            elif not closing:
                opened = position
        if opened is not None:
            quotations.append(Quotation(opened, paragraph.end))
    return quotations


def _to_after(parsed: ParsedText, according: Word) -> Word | None:
    """The "to" of "according to": parsers make it a fixed dependent of "according" or, as
    stanza's small models do, a case or mark beside it on the source."""
    if according.index + 1 >= len(parsed.words):
        return None
    to = parsed.words[according.index + 1]
    beside = according.head is not None and to.head == according.head
    if (
        to.lemma == "to"
        and to.sentence == according.sentence
        and (to.head == according.index or beside)
    ):
        return to
    return None


def _according_to(parsed: ParsedText, according: Word) -> Attribution | None:
    """ "According to X, …" / "…, according to X": X is the source, the clause the phrase
    qualifies the content. A phrase at either edge of its sentence qualifies the whole sentence,
    wherever a parser attached it (parsers often hang a final one on the nearest verb)."""
    to = _to_after(parsed, according)
    cue_words = {according.index} | {
        c for c in according.children if parsed.words[c].deprel == "fixed"
    }
    if to is not None:
        cue_words.add(to.index)
    if according.head is None:
        return None
    source_root = parsed.words[according.head]
    phrase = parsed.subtree(source_root.index) | cue_words
    source_words = phrase - cue_words
    sentence = [parsed.words[i] for i in parsed.sentences[according.sentence]]
    if _at_edge(sentence, phrase):
        clause = {w.index for w in sentence} - phrase
    elif source_root.head is None:
        return None
    else:
        clause = parsed.subtree(source_root.head, excluded={source_root.index})
    content = _fragments(parsed, clause)
    if not content:
        return None
    return Attribution(
        form="according_to",
        cue=_contiguous_span(parsed, cue_words),
        source=_contiguous_span(parsed, source_words),
        content=content,
    )


def _at_edge(sentence: list[Word], phrase: set[int]) -> bool:
    """Whether ``phrase`` opens or closes ``sentence`` (punctuation aside), set off by a comma."""
    words = [w for w in sentence if not w.is_punct]
    inside = [w.index for w in words if w.index in phrase]
    if not inside or len(inside) == len(words):
        return False
    first, last = inside[0], inside[-1]
    if any(first < w.index < last and w.index not in phrase for w in words):
        return False
    outside = [w.index for w in words if w.index not in phrase]
    if words[0].index == first:
        return _comma_between(sentence, last, outside[0])
    if words[-1].index == last:
        return _comma_between(sentence, outside[-1], first)
    return False


def _comma_between(sentence: list[Word], after: int, before: int) -> bool:
    return any(after < w.index < before and w.text == "," for w in sentence)


def _verb_attribution(
    parsed: ParsedText,
    verb: Word,
    lexicon: Lexicon,
    cues: CueVocabulary,
    quotations: list[Quotation],
) -> Attribution | None:
    source_words = _source_words(parsed, verb)
    preposition_object = _phrasal_object(parsed, verb, cues)
    cue = _cue_span(parsed, verb, cues, preposition_object)
    quoted = _adjacent_quotation(parsed, verb, cue, source_words, quotations)
    if quoted is not None:
        quotation, gap_source = quoted
        content = [Span.of(parsed.text, quotation.start, quotation.end)]
        source_words = source_words | gap_source
        if not source_words and quotation.end <= cue.start:
            source_words = _inverted_subject(parsed, verb)
    elif verb.lemma in QUOTATION_ONLY_VERBS:
        return None
    else:
        content = _fragments(parsed, _content_words(parsed, verb, cues, preposition_object))
        if not content:
            tagged = _tagged_clause(parsed, verb, cue)
            if tagged is not None:
                content_words, tag_source = tagged
                content = _fragments(parsed, content_words)
                source_words = source_words or tag_source
    if not content:
        return None
    source_words = source_words or _split_off_speaker(parsed, cue)
    if [parsed.words[i].lemma for i in source_words] == ["that"]:
        # a subject "that" is mostly a parse error or a thing, seldom the source PolNeAR marks
        source_words = set()
    source = _contiguous_span(parsed, source_words) if source_words else None
    return Attribution(
        form=content_form(verb.lemma, source, content, lexicon),
        cue=cue,
        source=source,
        content=content,
    )


def _content_words(
    parsed: ParsedText, verb: Word, cues: CueVocabulary, preposition_object: Word | None
) -> set[int]:
    children = [parsed.words[c] for c in verb.children]
    roots = [
        w
        for w in children
        if w.deprel in CONTENT_RELATIONS and not _tacked_on_cue(parsed, w, cues.lemmas)
    ]
    if not roots and preposition_object is not None:
        roots = [preposition_object]
    if any(w.deprel == "xcomp" for w in roots):
        # "asked him to step aside": the person asked is part of what is asked.
        roots += [w for w in children if w.deprel == "obj" and w.lemma not in RECIPIENTS]
    elif not roots and verb.lemma in OBJECT_CONTENT_VERBS:
        roots = [w for w in children if w.deprel == "obj"]
    if not roots:
        roots = _misattached_clauses(parsed, verb)
    content_words: set[int] = set()
    for root in roots:
        excluded = _other_cues(parsed, root, cues.lemmas)
        if root is preposition_object:
            excluded |= {c for c in root.children if parsed.words[c].deprel == "case"}
        content_words |= parsed.subtree(root.index, excluded=excluded)
    if verb.lemma in RAISING_VERBS or any(w.deprel == "nsubj:pass" for w in children):
        subjects = [w for w in children if w.deprel in {"nsubj", "nsubj:pass"}]
        if content_words:
            for subject in subjects:
                if subject.lemma not in EXPLETIVES:
                    content_words |= parsed.subtree(subject.index)
    if verb.deprel == "parataxis" and verb.head is not None:
        # "The plan failed, he said." — the reported clause is the cue's head.
        content_words |= parsed.subtree(verb.head, excluded={verb.index})
    return content_words


def _misattached_clauses(parsed: ParsedText, verb: Word) -> list[Word]:
    """Complements a parser hung elsewhere: on the recipient ("told reporters they were
    leaving" read as a relative clause) or beside the cue ("The plan failed, he said" with the
    clause as the cue's parataxis)."""
    found = []
    for child in (parsed.words[c] for c in verb.children):
        if child.deprel == "obj":
            found += [
                parsed.words[c]
                for c in child.children
                if parsed.words[c].deprel in CLAUSE_ON_RECIPIENT and _has_own_subject(parsed, c)
            ]
        elif (
            child.deprel in {"parataxis", "dep"}
            and child.index < verb.index
            and _has_own_subject(parsed, child.index)
        ):
            found.append(child)
    return found


def _has_own_subject(parsed: ParsedText, clause: int) -> bool:
    """Whether a clause has a subject that is not a relative pronoun ("who", "which")."""
    return any(
        parsed.words[c].deprel in SUBJECT_RELATIONS
        and parsed.words[c].lemma not in RELATIVE_PRONOUNS
        for c in parsed.words[clause].children
    )


def _tacked_on_cue(parsed: ParsedText, word: Word, cue_lemmas: frozenset[str]) -> bool:
    """A participle cue after a comma ("admitted it, noting that …"), which parsers often make a
    complement of the verb before: it is an attribution of its own, not that verb's content."""
    start = min(parsed.subtree(word.index))
    return (
        word.lemma in cue_lemmas
        and word.xpos == "VBG"
        and start > 0
        and parsed.words[start - 1].text == ","
    )


def _other_cues(parsed: ParsedText, root: Word, cue_lemmas: frozenset[str]) -> set[int]:
    """Cue verbs coordinated with or tacked onto the content ("…, saying it set a benchmark"):
    they start attributions of their own, so they and their conjunctions are not content."""
    excluded: set[int] = set()
    for index in parsed.subtree(root.index):
        word = parsed.words[index]
        if index == root.index:
            continue
        if (word.deprel in {"conj", "advcl"} and word.lemma in cue_lemmas) or _tacked_on_cue(
            parsed, word, cue_lemmas
        ):
            excluded.add(index)
            excluded |= {
                c for c in word.children if parsed.words[c].deprel in {"cc", "punct", "mark"}
            }
    return excluded


MAX_GAP_SOURCE_WORDS = 10


def _adjacent_quotation(
    parsed: ParsedText,
    verb: Word,
    cue: Span,
    source_words: set[int],
    quotations: list[Quotation],
) -> tuple[Quotation, set[int]] | None:
    """The quotation the cue tags: one ending just before the source and cue on the same line
    ("“…,” she said", "“…,” said Jo"; a quote in the paragraph before is not the cue's), or
    starting just after them ("she said: “…”").

    A parse may split the sentence wrongly around the source ("Rep. Gwen Moore (D-Wis.) said");
    when the cue has no subject, a short stretch of nominal words between the quote and the cue
    is taken as the source.
    """
    allowed = source_words | {w.index for w in parsed.words if cue.start <= w.start < cue.end}
    for quotation in reversed(quotations):
        if quotation.end > cue.start:
            continue
        if "\n" in parsed.text[quotation.end : cue.start]:
            break
        gap = [w for w in parsed.words if quotation.end <= w.start and w.end <= cue.start]
        words = [w for w in gap if not w.is_punct and w.index not in allowed]
        if not words:
            return quotation, set()
        # Nominal words just before the subject are part of the source too: a parser may make
        # both halves of "Korea's central news agency KCNA said" subjects of the cue.
        continues = not source_words or words[-1].index + 1 == min(source_words)
        if continues and len(words) <= MAX_GAP_SOURCE_WORDS and _nominal(words):
            return quotation, {w.index for w in words}
        break
    for quotation in quotations:
        if quotation.start < cue.end:
            continue
        gap = [w for w in parsed.words if cue.end <= w.start and w.end <= quotation.start]
        if all(w.is_punct or w.index in allowed for w in gap) and (
            not gap or gap[-1].text in {":", ","}
        ):
            return quotation, set()
        break
    return None


MIN_TAGGED_CLAUSE_WORDS = 4
MAX_TAG_TAIL_WORDS = 4
FINITE_VERB_TAGS = {"VBD", "VBZ", "VBP"}
CLAUSE_TAGS = {"VERB", "AUX", "SCONJ"}


def _tagged_clause(parsed: ParsedText, verb: Word, cue: Span) -> tuple[set[int], set[int]] | None:
    """A sentence tagged after its clause, "…, Kander said." or "…, said Jim Clyburn, a
    congressman." or "…, officials said, …", which parsers often misread: the clause around the
    tag is the content, the nominal words between the comma and the cue, or after the cue, the
    source.

    A past participle ending the sentence counts too ("…, state media announced.", which a
    tagger may read as "media (that were) announced")."""
    sentence = [parsed.words[i] for i in parsed.sentences[verb.sentence]]
    before = [w for w in sentence if w.end <= cue.start]
    after = [w for w in sentence if w.start >= cue.end and not w.is_punct]
    if verb.xpos not in FINITE_VERB_TAGS and (verb.xpos != "VBN" or after):
        return None
    commas = [i for i, w in enumerate(before) if w.text == ","]
    if not commas:
        return None
    comma = commas[-1]
    clause = before[:comma]
    between = before[comma + 1 :]
    rest = [w for w in sentence if w.start >= cue.end]
    if between and rest and rest[0].text == ",":
        source = between
        clause = clause + rest[1:]
    elif between:
        source = between
        if len(after) > MAX_TAG_TAIL_WORDS or any(w.upos in CLAUSE_TAGS for w in after):
            return None
    else:
        source = after
    if (
        not source
        or len(source) > MAX_GAP_SOURCE_WORDS
        or not _nominal(source)
        or len([w for w in clause if not w.is_punct]) < MIN_TAGGED_CLAUSE_WORDS
        or not any(w.upos in {"VERB", "AUX"} for w in clause)
    ):
        return None
    return {w.index for w in clause}, {w.index for w in source}


def _split_off_speaker(parsed: ParsedText, cue: Span) -> set[int]:
    """A speaker a parse cut off into a sentence of its own at the full stop of a party tag
    ("Sen. Bernie Sanders (I-Vt.)" / "said he will …"): the verbless sentence just before, and
    the nominal words between it and the cue."""
    sentence = _sentence_at(parsed, cue.start)
    if sentence == 0:
        return set()
    before = [parsed.words[i] for i in parsed.sentences[sentence - 1]]
    lead = [parsed.words[i] for i in parsed.sentences[sentence] if parsed.words[i].end <= cue.start]
    if (
        not before
        or before[-1].text != ")"
        or "\n" in parsed.text[before[-1].end : cue.start]
        or any(w.upos in {"VERB", "AUX"} for w in before + lead)
    ):
        return set()
    breaks = [i for i, w in enumerate(before) if w.text in {",", "—", "--"}]
    speaker = before[breaks[-1] + 1 :] if breaks else before
    while speaker and speaker[0].upos == "CCONJ":
        speaker = speaker[1:]
    return {w.index for w in speaker + lead}


def _sentence_at(parsed: ParsedText, start: int) -> int:
    return next(w.sentence for w in parsed.words if w.start >= start)


def _nominal(words: list[Word]) -> bool:
    return words[0].upos in {"PROPN", "NOUN", "DET", "PRON", "ADJ"} and not any(
        w.upos in {"VERB", "AUX"} for w in words
    )


def _attach_continuations(
    parsed: ParsedText, attributions: list[Attribution], quotations: list[Quotation]
) -> None:
    """A quotation right after a quoted attribution's sentence, with no cue of its own, goes on
    with that attribution ("“We'll stay,” she said. “These cases take patience.”")."""
    claimed = {(c.start, c.end) for a in attributions for c in a.content}
    by_end = sorted(
        (a for a in attributions if a.form in {"direct", "mixed"}), key=lambda a: a.content[-1].end
    )
    for quotation in quotations:
        if (quotation.start, quotation.end) in claimed:
            continue
        before = [
            a
            for a in by_end
            if max(a.content[-1].end, _end(a.cue), _end(a.source)) <= quotation.start
        ]
        if not before:
            continue
        previous = before[-1]
        tail_end = max(previous.content[-1].end, _end(previous.cue), _end(previous.source))
        between = parsed.text[tail_end : quotation.start]
        # A quote carried on into a new paragraph opens it: words before it there start
        # something else ("According to the agency, “…”").
        new_paragraph_words = "\n" in between and between.rsplit("\n", 1)[1].strip()
        if (
            re.fullmatch(r"[\s,.;:A-Za-z]{0,40}", between)
            and not new_paragraph_words
            and not any(tail_end < _end(a.cue) <= quotation.start for a in attributions)
        ):
            previous.content = [
                *previous.content,
                Span.of(parsed.text, quotation.start, quotation.end),
            ]
            claimed.add((quotation.start, quotation.end))


def _end(span: Span | None) -> int:
    return span.end if span is not None else -1


def _source_words(parsed: ParsedText, verb: Word) -> set[int]:
    """The subject of the cue verb, or of the verb it hangs off ("…, adding that").

    Subjects of raising verbs and passives ("Trump seemed to…", "The decision is expected…")
    are not sources.
    """
    current: Word | None = verb
    while current is not None:
        for child in _nearest_first(current):
            word = parsed.words[child]
            if word.deprel in SUBJECT_RELATIONS:
                if word.deprel == "nsubj:pass" or current.lemma in RAISING_VERBS:
                    return _agent(parsed, current)
                return _without_asides(parsed, word)
            if word.deprel == "obl:agent":
                return parsed.subtree(child) - {
                    c for c in word.children if parsed.words[c].deprel == "case"
                }
        if current.deprel not in SUBJECT_SHARING_RELATIONS or current.head is None:
            return set()
        current = parsed.words[current.head]
    return set()


def _agent(parsed: ParsedText, verb: Word) -> set[int]:
    """The agent of a passive cue ("was criticized by libertarians"), without its "by" (some
    converters mark it obl:agent, others leave it a plain obl)."""
    for child in verb.children:
        word = parsed.words[child]
        case = {c for c in word.children if parsed.words[c].deprel == "case"}
        by = any(parsed.words[c].lemma == "by" for c in case)
        if word.deprel == "obl:agent" or (word.deprel == "obl" and by):
            return parsed.subtree(child) - case
    return set()


def _nearest_first(verb: Word) -> list[int]:
    """A verb's dependents, those just before it first: of two subjects a parser gives a verb
    ("“Victory or failure, that is not important,” she said"), the nearer is its own."""
    before = [c for c in verb.children if c < verb.index]
    return before[::-1] + [c for c in verb.children if c > verb.index]


def _without_asides(parsed: ParsedText, head: Word) -> set[int]:
    """A source's words without what follows it as an aside, which PolNeAR leaves out: a
    participle set off by a comma ("An official, speaking on condition of anonymity, said") or an
    adverb the parser hung on it ("Sanders, meanwhile, said")."""
    asides = set()
    for child in head.children:
        word = parsed.words[child]
        if child < head.index:
            continue
        set_off = parsed.words[min(parsed.subtree(child)) - 1].text == ","
        if word.deprel == "advmod" or (word.deprel == "acl" and set_off):
            asides.add(child)
    return parsed.subtree(head.index, excluded=asides)


def _phrasal_object(parsed: ParsedText, verb: Word, cues: CueVocabulary) -> Word | None:
    """The object of a preposition that forms one cue with the verb ("called for a ban")."""
    for child in verb.children:
        word = parsed.words[child]
        if word.deprel != "obl" or word.index < verb.index:
            continue
        case = [parsed.words[c] for c in word.children if parsed.words[c].deprel == "case"]
        if case and f"{verb.lemma} {case[0].lemma}" in cues.phrasal:
            between = parsed.words[verb.index + 1 : case[0].index]
            if all(w.deprel in {"advmod", "compound:prt"} for w in between):
                return word
    return None


def _inverted_subject(parsed: ParsedText, verb: Word) -> set[int]:
    """The speaker after a quote's cue ("“…,” said Tom Burke"), which parsers often read as the
    verb's object."""
    for child in verb.children:
        word = parsed.words[child]
        if word.index > verb.index and word.deprel in {"obj", "obl", "dep"}:
            if word.upos in {"PROPN", "NOUN", "PRON"} and not _has_case(parsed, word):
                return parsed.subtree(child)
            return set()
    return set()


def _has_case(parsed: ParsedText, word: Word) -> bool:
    return any(parsed.words[c].deprel == "case" for c in word.children)


def _cue_span(
    parsed: ParsedText, verb: Word, cues: CueVocabulary, preposition_object: Word | None
) -> Span:
    """The cue verb with its verb group: auxiliaries, negation, adverbs and "to" before it, a
    particle ("point out"), the preposition of a phrasal cue ("call for") or the medium it names
    ("said in a statement"), and a verb it completes ("went on to say")."""
    first = last = verb.index
    children = [parsed.words[c] for c in verb.children]
    group = {
        w.index
        for w in children
        if (w.deprel in VERB_GROUP_RELATIONS and w.lemma not in CLAUSE_ADVERBS)
        or (w.deprel == "mark" and w.lemma == "to")
    }
    following = {w.index for w in children if w.deprel == "compound:prt" or _adverb(w)}
    while first - 1 in group:
        first -= 1
    while last + 1 in following:
        last += 1
    first = _governing_start(parsed, verb, first, cues.lemmas)
    if preposition_object is not None:
        last = min(c for c in preposition_object.children if parsed.words[c].deprel == "case")
    else:
        for word in children:
            medium = parsed.subtree(word.index)
            if word.deprel == "obl" and word.lemma in CUE_MEDIA and min(medium) == last + 1:
                last = max(medium)
    return parsed.span(first, last)


MAX_GOVERNOR_GAP = 3


def _governing_start(parsed: ParsedText, verb: Word, first: int, cue_lemmas: frozenset[str]) -> int:
    """Where the cue starts when the verb completes another ("went on to say", "was quick to
    point out", "began writing"): PolNeAR's cue runs from the governing word's verb group."""
    if verb.deprel != "xcomp" or verb.head is None or verb.head > verb.index:
        return first
    head = parsed.words[verb.head]
    between = parsed.words[head.index + 1 : first]
    if (
        head.upos not in {"VERB", "ADJ"}
        or head.lemma in cue_lemmas
        or len(between) > MAX_GOVERNOR_GAP
        or any(w.is_punct for w in between)
    ):
        return first
    start = head.index
    group = {c for c in head.children if parsed.words[c].deprel in VERB_GROUP_RELATIONS | {"cop"}}
    while start - 1 in group:
        start -= 1
    return start


def _adverb(word: Word) -> bool:
    return word.deprel == "advmod" and word.upos == "ADV" and word.lemma not in {"so", "as"}


def content_form(
    lemma: str | None, source: Span | None, content: list[Span], lexicon: Lexicon
) -> Form:
    """The form of an attribution whose cue has ``lemma``: evidence, or by how much of its
    content is quoted."""
    if (
        lemma in lexicon.evidence_verbs
        and source is not None
        and source.text.lower().split()[-1] in lexicon.evidence_nouns
    ):
        return "evidence"
    quoted = sum(_quoted_length(span.text) for span in content)
    total = sum(len(span.text.strip(QUOTE_MARKS + " ,.'")) for span in content)
    if quoted == 0:
        return "indirect"
    return "direct" if quoted >= total else "mixed"


def _quoted_length(text: str) -> int:
    """Characters inside quotation marks, NYT's doubled apostrophes ('' … '') included."""
    return sum(len(m.group(1)) for m in re.finditer(r"(?:[\"“]|'')((?:[^\"”']|'(?!'))*)", text))


def _fragments(parsed: ParsedText, content_words: set[int]) -> list[Span]:
    """Contiguous runs of content words, bridging punctuation, without edge punctuation."""
    ordered = sorted(content_words)
    runs: list[list[int]] = []
    for index in ordered:
        if runs and all(parsed.words[i].is_punct for i in range(runs[-1][-1] + 1, index)):
            runs[-1].append(index)
        else:
            runs.append([index])
    spans = []
    for run in runs:
        first, last = run[0], run[-1]
        while first <= last and _loose_edge(parsed.words[first]):
            first += 1
        while last >= first and _loose_edge(parsed.words[last]):
            last -= 1
        closing = last + 1
        if (
            closing <= run[-1]
            and parsed.words[closing].text == ")"
            and _unclosed(parsed, first, last)
        ):
            last = closing
        if first <= last:
            spans.append(parsed.span(first, last))
    return spans


def _unclosed(parsed: ParsedText, first: int, last: int) -> bool:
    """Whether words ``first``…``last`` open a bracket they don't close ("(1950-1953")."""
    inside = parsed.words[first : last + 1]
    return sum(w.text == "(" for w in inside) > sum(w.text == ")" for w in inside)


def _edge_punct(word: Word) -> bool:
    return word.is_punct and not all(ch in QUOTE_MARKS for ch in word.text)


def _loose_edge(word: Word) -> bool:
    """Punctuation or a conjunction at a content fragment's edge ("And …", "…, and")."""
    return _edge_punct(word) or word.deprel == "cc"


def _contiguous_span(parsed: ParsedText, words: set[int]) -> Span | None:
    """The words' extent without punctuation at its edges, but with the bracket that closes one
    opened inside ("Sen. Bernie Sanders (I-Vt.)")."""
    unpunctuated = [i for i in words if not parsed.words[i].is_punct]
    if not unpunctuated:
        return None
    first, last = min(unpunctuated), max(unpunctuated)
    if _unclosed(parsed, first, last):
        closing = last + 1
        while closing in words and parsed.words[closing].text in {".", ","}:
            closing += 1
        if closing in words and parsed.words[closing].text == ")":
            last = closing
    return parsed.span(first, last)


def _outermost(attributions: list[Attribution]) -> list[Attribution]:
    """Drop attributions whose cue sits inside another attribution's content."""
    kept = []
    for attribution in attributions:
        cue = attribution.cue
        nested = cue is not None and any(
            other is not attribution and any(span.contains(cue) for span in other.content)
            for other in attributions
        )
        if not nested:
            kept.append(attribution)
    return kept


# --- analysis -------------------------------------------------------------------------------


def build_analysis(
    article: Article,
    parsed: ParsedText,
    entities: Sequence[Entity],
    lexicon: Lexicon,
    analyzer: str,
) -> Analysis:
    """Paragraphs, statements (one per parsed sentence, classified as the offline analyzer
    does), attributions linked to the statements they carry, and entities."""
    paragraphs = split_paragraphs(article.text)
    sentences = [parsed.span(s[0], s[-1]) for s in parsed.sentences if s]
    statements = build_statements(article.text, paragraphs, sentences)
    attributions = extract_attributions(parsed, lexicon)
    link_statements(attributions, statements)
    return Analysis(
        article=article,
        analyzer=analyzer,
        paragraphs=paragraphs,
        statements=statements,
        attributions=attributions,
        entities=entities,
    )
