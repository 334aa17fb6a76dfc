"""The trained analyzer: a CRF tags every token as source, cue or content, then spans are joined
into attributions.

Tokens are labelled ``O`` or ``B-``/``I-`` with a role (``S`` source, ``C`` cue, ``Q`` content; with
the BILOU scheme also ``L-`` for a span's last token and ``U-`` for a one-token span), one
paragraph per sequence, by a linear-chain CRF (python-crfsuite) trained with ``sayso train`` on a
brat corpus laid out as PolNeAR is. Its features:

- the word, its shape and ending, whether it is a cue word of the lexicon (and its lemma) or of
  the training corpus (and how often it is a cue there), an anonymous noun, a title or a
  pronoun, its word cluster at two grains (learned from the training text, ``clusters.tsv``),
  the words two to each side, their shapes and clusters one to each side, and whether the words
  up to three away are cue words;
- where it is: inside a quotation, after a quotation closed in its sentence or before one
  opening in it, first or last of its sentence, which sentence of the paragraph, how far the
  nearest cue word is to the left and to the right in its sentence, a speaker's label before a
  colon;
- what the rule analyzer (``offline``) says of it and its neighbours (stacking), and for a cue
  word, that label with whether it is quoted (a cue inside another's content is often nested);
- with a parse (a stanza ``Document``: the conllu analyzer's CoNLL-U files or stanza's own
  pipeline): part of speech, relation, lemma, the relations of its subject, object and clause
  dependents, the head's lemma and part of speech, and the relation by which it hangs from its
  nearest cue-verb ancestor, and how far up that is.

Statements, paragraphs and entities come from the rule analyzer, so every analyzer's statement
model is the same; the tagger's attributions replace the rules' (:mod:`sayso.analysis.assembly`
builds them from the tags), completed by theirs where the tagger left something out.

Speed: features that depend only on a word's text are built once per word type and kept as
prebuilt lists of strings, already filtered to the attributes the model knows; a token's
features are those lists joined with a few constant strings. The model is loaded at the first
batch, once per process.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError, ModelMissingError
from ..hookspecs import hookimpl
from ..lexicon import Lexicon
from ..memo import Memo
from ..model import Analysis, AnalyzerFactory, Article, Attribution, Span
from .assembly import _Piece, assemble, merge_rules, tagged_pieces
from .conllu import CONLLU_PATH
from .dependency import ParsedText
from .offline import OfflineAnalyzer
from .segment import link_statements
from .stanza import models_missing as stanza_models_missing
from .stanza_models import DOWNLOAD_COMMAND, models_identity

# The models shipped with sayso, trained on PolNeAR train (see their cards): one without parse
# features, one with them (for tagger-conllu and tagger-stanza).
SHIPPED_MODEL = Path(__file__).parent / "models" / "tagger"
SHIPPED_PARSE_MODEL = Path(__file__).parent / "models" / "tagger-parse"
MODEL_FILE = "model.crfsuite"
CARD_FILE = "card.json"
# Words the training corpus uses as cues, with the share of their occurrences that are cues.
CUES_FILE = "cue_words.json"
# Word clusters learned from the training text (word, coarse id, fine id; tab-separated lines).
CLUSTERS_FILE = "clusters.tsv"
# The attributes the model has weights for, one a line: reading them is a hundred times faster
# than asking crfsuite (which dumps the whole model as text).
ATTRIBUTES_FILE = "attributes.txt"
FEATURES_VERSION = 2
# Training defaults (`sayso train`): what the shipped model was trained with.
DEFAULT_ITERATIONS = 300
DEFAULT_C1 = 2.0
DEFAULT_C2 = 0.01

# Label schemes: BIO marks where a span begins (B-) and continues (I-); BILOU also marks its last
# token (L-) and a span of one token (U-), which lets the CRF learn where spans end.
LABEL_SCHEMES = {
    "BIO": ("O", "B-S", "I-S", "B-C", "I-C", "B-Q", "I-Q"),
    "BILOU": tuple(
        ["O"] + [f"{tag}-{role}" for role in ("S", "C", "Q") for tag in ("B", "I", "L", "U")]
    ),
}
DEFAULT_LABELS = "BILOU"
ROLE_OF_LETTER = {"S": "source", "C": "cue", "Q": "content"}
# When roles overlap (an attribution nested in another's content), the inner one's cue and
# source win over content, and a shorter content over a longer one.
ROLE_PRIORITY = {"Q": 1, "S": 2, "C": 3}

_TOKEN = re.compile(r"\w+(?:[’'.&-]\w+)*|[^\w\s]")
_MATCH_START = re.Match.start
_MATCH_END = re.Match.end
_MATCH_GROUP = re.Match.group
_OPEN_QUOTES = frozenset("“«")
_CLOSE_QUOTES = frozenset("”»")
# Dashes are one word to the tagger: "― Name" after a quotation is "— Name".
_DASHES = frozenset("―—–")
_PRONOUNS = frozenset(["he", "she", "they", "i", "we", "you", "it", "his", "her", "their", "who"])
# Window offsets whose word gives a token features, in the order type_features lists them.
_WINDOW = (-2, -1, 1, 2, -3, 3)
_STEM_ENDINGS = ("ing", "ed", "es", "s")
_MAX_CACHED_TYPES = 300_000
# A model's attributes are kept one a line (crfsuite's dump, which training reads, and
# attributes.txt), so no feature may hold a line break. A parse's word can: one whose offsets
# span a line break of the text ('<tweet … 2016\n">'). Its line breaks are written as escapes.
_LINE_BREAK = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def _distance(value: int) -> str:
    if value <= 1:
        return "1"
    if value <= 2:
        return "2"
    if value <= 4:
        return "3-4"
    if value <= 8:
        return "5-8"
    return "9+"


def _stem(lower: str) -> str:
    """The word without a verb or plural ending ("blamed", "blames" → "blam"): crude, but one
    feature for a verb's forms."""
    for ending in _STEM_ENDINGS:
        if lower.endswith(ending) and len(lower) - len(ending) >= 3:
            return lower[: -len(ending)]
    return lower


def _share(share: float) -> str:
    """How often a word is a cue where it occurs in the training corpus, in three bands."""
    if share >= 0.5:
        return "hi"
    if share >= 0.2:
        return "mid"
    return "lo"


def _one_line(text: str) -> str:
    """``text`` with its line breaks as escapes ("\\n"), for a feature."""
    return _LINE_BREAK.sub(lambda found: repr(found.group())[1:-1], text)


def shape(word: str) -> str:
    """The word's character classes with runs collapsed: "Kim" Xx, "U.S." X.X., "2016" d."""
    out: list[str] = []
    for char in word[:12]:
        if char.isupper():
            kind = "X"
        elif char.islower():
            kind = "x"
        elif char.isdigit():
            kind = "d"
        else:
            kind = char
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)


@dataclass
class Tokens:
    """An article's tokens column by column (offsets into its text), grouped into paragraphs.

    ``words`` are the tokens' texts (a parse word's line breaks escaped: :func:`_one_line`).
    ``parse`` holds, per token, the parse features of its word when the tokens are a parse's
    words, else it is empty.
    """

    starts: list[int]
    ends: list[int]
    words: list[str]
    paragraphs: list[range]
    parse: list[list[str]]


def regex_tokens(text: str, paragraphs: Sequence[Span]) -> Tokens:
    """Tokens of the rule analyzer's kind: words (with inner apostrophes, dots, hyphens) and
    single punctuation marks."""
    starts: list[int] = []
    ends: list[int] = []
    words: list[str] = []
    ranges = []
    for paragraph in paragraphs:
        first = len(starts)
        # Column by column, each with a C-level map over the paragraph's matches.
        matches = list(_TOKEN.finditer(text, paragraph.start, paragraph.end))
        starts += map(_MATCH_START, matches)
        ends += map(_MATCH_END, matches)
        words += map(_MATCH_GROUP, matches)
        ranges.append(range(first, len(starts)))
    return Tokens(starts, ends, words, ranges, [])


def parse_tokens(
    parsed: ParsedText,
    text: str,
    paragraphs: Sequence[Span],
    cue_lemmas: set[str],
    lexicon: Lexicon,
) -> Tokens:
    """The words of a parse as tokens, with their parse features, among them what the
    parse-based rules (the conllu and stanza analyzers' extraction) say of each."""
    from .dependency import extract_attributions

    words = [w for w in parsed.words if w.end > w.start]
    starts = [w.start for w in words]
    ends = [w.end for w in words]
    features = [_word_parse_features(parsed.words, w, cue_lemmas) for w in words]
    ranges = []
    for paragraph in paragraphs:
        first = bisect.bisect_left(starts, paragraph.start)
        last = bisect.bisect_left(starts, paragraph.end)
        ranges.append(range(first, last))
    texts = [_one_line(text[w.start : w.end]) for w in words]
    tokens = Tokens(starts, ends, texts, ranges, features)
    rules = role_labels(tokens, attribution_roles(extract_attributions(parsed, lexicon)))
    for index, label in enumerate(rules):
        before = rules[index - 1] if index else "^"
        after = rules[index + 1] if index + 1 < len(rules) else "$"
        features[index] += ["p=" + label, "p-1=" + before, "p+1=" + after]
    return tokens


_CHILD_RELATIONS = frozenset(
    "ch=" + relation
    for relation in ("nsubj", "nsubj:pass", "ccomp", "xcomp", "parataxis", "advcl", "obj", "obl")
)


def _word_parse_features(all_words: list[Any], word: Any, cue_lemmas: set[str]) -> list[str]:
    features = ["u=" + word.upos, "d=" + word.deprel, "l=" + _one_line(word.lemma.lower())]
    # A speech verb's dependents: a subject (the source) and a clause (the content).
    features += sorted({"ch=" + all_words[c].deprel for c in word.children} & _CHILD_RELATIONS)
    if word.head is not None:
        head = all_words[word.head]
        features += ["hl=" + _one_line(head.lemma), "hu=" + head.upos]
    if word.lemma in cue_lemmas:
        features.append("selfcue")
    # Up the head chain to the nearest cue verb: the relation by which this word's branch hangs
    # from it says source (nsubj) or content (ccomp).
    child, depth = word, 0
    while child.head is not None and depth < 8:
        head = all_words[child.head]
        depth += 1
        if head.lemma in cue_lemmas:
            features += ["a=" + child.deprel, "ad=" + _distance(depth)]
            break
        child = head
    return features


class Featurizer:
    """Builds each token's features; what depends on a word's text alone is built once per type.

    ``known``, when given, is the set of attributes the model has weights for: features outside
    it would be looked up and ignored by the tagger, so they are not built into the lists at all.
    """

    def __init__(
        self,
        lexicon: Lexicon,
        known: set[str] | None = None,
        learned_cues: dict[str, float] | None = None,
        clusters: dict[str, tuple[int, int]] | None = None,
    ) -> None:
        forms = self.cue_forms = lexicon.cue_forms()
        self.cue_lemma = {form: lemma for form, lemma in forms.items() if " " not in form}
        self.learned_cues = learned_cues or {}
        self.clusters = clusters or {}
        # Cue words: the lexicon's, and those the training corpus uses as cues often enough.
        self.cue_words = (
            frozenset(form.split()[0] for form in forms) | {"according"} | set(self.learned_cues)
        )
        self.cue_lemmas = set(lexicon.cue_verbs) | {"accord"}
        self.anonymous = frozenset(lexicon.anonymous_nouns)
        self.titles = frozenset(t.lower().rstrip(".") for t in lexicon.person_titles)
        self.known = known
        self._bands = {word: _share(share) for word, share in self.learned_cues.items()}
        self._types = Memo(self._type_entry)
        self._contexts = Memo(self._context)
        self._nested = Memo(self._nested_feature)

    def _keep(self, features: list[str]) -> list[str]:
        known = self.known
        return features if known is None else [f for f in features if f in known]

    def type_features(self, word: str) -> tuple[list[str], ...]:
        """The features ``word`` gives the token it is, and those it gives its neighbours at
        each window offset: (own, at -2, at -1, at +1, at +2, at -3, at +3)."""
        lower = "—" if word in _DASHES else word.lower()
        cue = lower in self.cue_words
        word_shape = shape(word)
        own = ["w=" + lower, "s=" + word_shape]
        if len(lower) > 3:
            own.append("x3=" + lower[-3:])
        stem = _stem(lower)
        if stem != lower:
            own.append("st=" + stem)
        if cue:
            own.append("cue")
            lemma = self.cue_lemma.get(lower)
            if lemma is not None:
                own.append("cl=" + lemma)
            share = self.learned_cues.get(lower)
            if share is not None:
                own.append("lc=" + _share(share))
        if lower in self.anonymous:
            own.append("anon")
        if lower.rstrip(".") in self.titles:
            own.append("title")
        if lower in _PRONOUNS:
            own.append("pro")
        cluster = self.clusters.get(lower)
        if cluster is not None:
            own += [f"k={cluster[0]}", f"K={cluster[1]}"]
        built = [own]
        for offset in _WINDOW:
            # Words two to each side; three away, only whether it is a cue word.
            window = [f"{offset}w={lower}"] if -2 <= offset <= 2 else []
            if cue:
                window.append(f"{offset}cue")
            if offset in (-1, 1):
                window.append(f"{offset}s={word_shape}")
                if cluster is not None:
                    window.append(f"{offset}k={cluster[0]}")
            built.append(window)
        return tuple(self._keep(features) for features in built)

    def article_features(
        self,
        tokens: Tokens,
        sentence_starts: list[int],
        rule_labels: list[str],
        sentence_of: list[int] | None = None,
    ) -> list[list[list[bytes]]]:
        """Each paragraph's tokens' features: one crfsuite item sequence per paragraph.

        The hot loop of the tagger: a token's features are its type's and its neighbours'
        prebuilt lists and one prebuilt list for everything else about it (its context), each
        column of the context worked out for a whole paragraph and the lists joined in one
        comprehension. Features are UTF-8 bytes: crfsuite takes bytes as they are and encodes
        each str first, a fifth of its tagging time. ``sentence_of`` is :func:`sentence_numbers`
        of the tokens when the caller has it already.
        """
        types = self._types
        if len(types) > _MAX_CACHED_TYPES:
            types.clear()
        words = tokens.words
        by_type = list(map(types.__getitem__, words))
        if sentence_of is None:
            sentence_of = sentence_numbers(tokens, sentence_starts)
        contexts = self._contexts
        nested_features = self._nested
        parse = tokens.parse
        sequences: list[list[list[bytes]]] = []
        for paragraph in tokens.paragraphs:
            first, end = paragraph.start, paragraph.stop
            count = end - first
            if not count:
                sequences.append([])
                continue
            sentences = sentence_of[first:end]
            starts_sentence = [True, *(a != b for a, b in itertools.pairwise(sentences))]
            ends_sentence = [*starts_sentence[1:], True]
            typed = by_type[first:end]
            is_cue = [entry[7] is not None for entry in typed]
            left = _cue_distances(is_cue, starts_sentence)
            right = _cue_distances(is_cue[::-1], ends_sentence[::-1])[::-1]
            # Which sentence of the paragraph (0, 1, 2 for the third and later), from where its
            # second and third sentences start (``count``: none).
            second, third = (
                *itertools.islice(itertools.compress(range(count), starts_sentence), 1, 3),
                count,
                count,
            )[:2]
            sentence_index = [0] * second + [1] * (third - second) + [2] * (count - third)
            # A speaker's label: 1 before a colon among the paragraph's first tokens, 2 the colon.
            colon = next((i for i in range(1, min(6, count)) if words[first + i] == ":"), -1)
            speaker = [0] * count
            if colon > 0:
                speaker[:colon] = [1] * colon
                speaker[colon] = 2
            rules = ["^", *rule_labels[first:end], "$"]
            inside, closed, opening = _quote_states(words[first:end], starts_sentence)
            opens = [False] * count
            opens[0] = True
            keys = zip(
                starts_sentence,
                ends_sentence,
                opens,
                sentence_index,
                inside,
                speaker,
                left,
                right,
                rules[:count],
                rules[1:-1],
                rules[2:],
                closed,
                opening,
                strict=True,
            )
            context = map(contexts.__getitem__, keys)
            padded = [*_PADDING, *typed, *_PADDING]
            items = [
                [*own[0], *p2[1], *p1[2], *n1[3], *n2[4], *p3[5], *n3[6], *features]
                for p3, p2, p1, own, n1, n2, n3, features in zip(
                    *(padded[shift : shift + count] for shift in range(7)), context, strict=True
                )
            ]
            for offset in itertools.compress(range(count), is_cue):
                # A cue word inside what the rules call another's content, or quoted, is
                # often a nested attribution's cue.
                band = typed[offset][7]
                items[offset] += nested_features[band, rules[offset + 1], inside[offset]]
            if parse:
                for item, features in zip(items, parse[first:end], strict=True):
                    item += self._encoded(features)
            sequences.append(items)
        return sequences

    def _type_entry(self, word: str) -> tuple[Any, ...]:
        """What the feature loop needs of a word type: its :meth:`type_features` as bytes, then
        its cue band for the nested-cue feature (None when it is no cue word)."""
        lower = word.lower()
        band = self._bands.get(lower, "lex") if lower in self.cue_words else None
        lists = self.type_features(word)
        return (*([feature.encode() for feature in features] for features in lists), band)

    def _nested_feature(self, key: tuple[str, str, bool]) -> list[bytes]:
        band, rule, quoted = key
        return self._encoded([f"cr={band}|{rule}|{quoted:d}"])

    def _encoded(self, features: list[str]) -> list[bytes]:
        return [feature.encode() for feature in self._keep(features)]

    def _context(self, key: tuple[Any, ...]) -> list[bytes]:
        """The features of a token's context (see ``article_features`` for the key)."""
        first, last, opens, sentence, quoted, label, left, right, before, rule, after = key[:11]
        closed, opening = key[11:]
        features = ["bias", f"si={sentence}"]
        features += ["bos"] * first + ["eos"] * last + ["bop"] * opens + ["q"] * quoted
        # A quotation closed earlier in the sentence ('"…," he said') or opened later in it.
        features += ["qc"] * closed + ["qo"] * opening
        # A speaker's label opening the paragraph (1) and the colon after it (2).
        features += {1: ["speaker"], 2: ["speaker:"]}.get(label, [])
        if left is not None:
            features.append("cL=" + left)
        if right is not None:
            features.append("cR=" + right)
        if left is None and right is None:
            features.append("nocue")
        features += ["r=" + rule, "r-1=" + before, "r+1=" + after, f"rr={before}|{rule}"]
        return self._encoded(features)


def sentence_numbers(tokens: Tokens, sentence_starts: list[int]) -> list[int]:
    """For each token, how many sentences start at or before it (0: before the first)."""
    return list(map(functools.partial(bisect.bisect_right, sentence_starts), tokens.starts))


# The type entry of the three positions before a paragraph's first token and after its last.
_PADDING: tuple[tuple[list[bytes], ...], ...] = (([],) * 7,) * 3


def _cue_distances(is_cue: list[bool], starts_sentence: list[bool]) -> list[str | None]:
    """For each token, how far back the nearest cue word of its sentence is (None: none)."""
    distances: list[str | None] = [None] * len(is_cue)
    if True not in is_cue:
        return distances
    last = None
    # Before the paragraph's first cue word, none.
    for index in range(is_cue.index(True), len(is_cue)):
        if starts_sentence[index]:
            last = None
        elif last is not None:
            distance = index - last
            distances[index] = _DISTANCES[distance] if distance < 9 else _FAR
        if is_cue[index]:
            last = index
    return distances


# _distance of 0 to 8, and of 9 or more.
_DISTANCES = tuple(_distance(value) for value in range(9))
_FAR = _distance(9)
_QUOTE_WORDS = _OPEN_QUOTES | _CLOSE_QUOTES | {'"'}


def _quote_states(words: list[str], starts_sentence: list[bool]) -> tuple[list[bool], ...]:
    """For each token of a paragraph: whether it is inside a quotation, whether a quotation
    closed before it in its sentence, and whether one opens after it in its sentence."""
    if _QUOTE_WORDS.isdisjoint(words):
        # Most paragraphs: no quotation, nothing to follow.
        return [False] * len(words), [False] * len(words), [False] * len(words)
    inside: list[bool] = []
    closed: list[bool] = []
    opens_here: list[bool] = []
    quoted = seen_close = False
    for index, word in enumerate(words):
        if starts_sentence[index]:
            seen_close = False
        opened = False
        if word in _OPEN_QUOTES or (word == '"' and not quoted):
            quoted, opened = True, True
            inside.append(False)
        elif word in _CLOSE_QUOTES or word == '"':
            quoted = False
            inside.append(False)
        else:
            inside.append(quoted)
        closed.append(seen_close)
        if not opened and not inside[-1] and (word in _CLOSE_QUOTES or word == '"'):
            seen_close = True
        opens_here.append(opened)
    opening: list[bool] = []
    ahead = False
    for index in range(len(words) - 1, -1, -1):
        opening.append(ahead)
        if opens_here[index]:
            ahead = True
        if starts_sentence[index]:
            ahead = False
    return inside, closed, opening[::-1]


# --- labels ---------------------------------------------------------------------------------


def role_labels(
    tokens: Tokens, attributions: Sequence[tuple[str, Sequence[tuple[int, int]]]]
) -> list[str]:
    """BIO labels for the tokens from (role letter, fragments) pairs.

    A token takes the role of a fragment it overlaps; where fragments overlap, the inner
    attribution's cue and source win over content, and shorter content over longer. A token
    starts a span (``B-``) where a fragment starts or the role changes.
    """
    starts, ends = tokens.starts, tokens.ends
    roles: list[str] = ["O"] * len(starts)
    begins = [False] * len(starts)
    ranked = sorted(
        ((letter, fragment) for letter, fragments in attributions for fragment in fragments),
        key=lambda item: (ROLE_PRIORITY[item[0]], -(item[1][1] - item[1][0])),
    )
    for letter, (start, end) in ranked:
        first = bisect.bisect_right(ends, start)
        last = bisect.bisect_left(starts, end)
        if first >= last:
            continue
        for index in range(first, last):
            roles[index] = letter
            begins[index] = False
        begins[first] = True
    labels = []
    for index, role in enumerate(roles):
        if role == "O":
            labels.append("O")
        elif begins[index] or index == 0 or roles[index - 1] != role:
            labels.append("B-" + role)
        else:
            labels.append("I-" + role)
    return labels


def as_bilou(labels: list[str]) -> list[str]:
    """BIO labels as BILOU: a span's last token ``L-``, a span of one token ``U-``."""
    out: list[str] = []
    for index, label in enumerate(labels):
        if label == "O":
            out.append(label)
            continue
        role = label[2:]
        following = labels[index + 1] if index + 1 < len(labels) else "O"
        ends = following != "I-" + role
        if label[0] == "B":
            out.append(("U-" if ends else "B-") + role)
        else:
            out.append(("L-" if ends else "I-") + role)
    return out


def as_bio(labels: list[str]) -> list[str]:
    """A model's labels (BIO or BILOU) as BIO: a span begins at ``B-`` or ``U-``, after ``L-``
    or ``U-``, or where its role begins."""
    out: list[str] = []
    previous = "O"
    for label in labels:
        if label == "O":
            out.append(label)
        else:
            role = label[2:]
            continues = label[0] in "IL" and previous[0] in "BI" and previous[2:] == role
            out.append(("I-" if continues else "B-") + role)
        previous = label
    return out


def attribution_roles(
    attributions: Sequence[Attribution],
) -> list[tuple[str, list[tuple[int, int]]]]:
    """An analyzer's attributions as (role letter, fragments) pairs, for :func:`role_labels`."""
    pairs: list[tuple[str, list[tuple[int, int]]]] = []
    for attribution in attributions:
        if attribution.source is not None:
            pairs.append(("S", [(attribution.source.start, attribution.source.end)]))
        if attribution.cue is not None:
            pairs.append(("C", [(attribution.cue.start, attribution.cue.end)]))
        pairs.append(("Q", [(span.start, span.end) for span in attribution.content]))
    return pairs


# --- the analyzer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelCard:
    """What a trained model says about itself (``card.json`` beside ``model.crfsuite``)."""

    data: dict[str, Any]

    @property
    def uses_parse(self) -> bool:
        return bool(self.data.get("parse"))


def load_card(model_dir: Path) -> ModelCard:
    card_path = model_dir / CARD_FILE
    if not (model_dir / MODEL_FILE).is_file() or not card_path.is_file():
        raise ModelMissingError(
            f"no tagger model in {model_dir} (expected {MODEL_FILE} and {CARD_FILE}; "
            "`sayso train CORPUS --out DIR` makes one)"
        )
    try:
        data = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"{card_path}: not a readable model card ({error})") from error
    if data.get("features_version") != FEATURES_VERSION:
        raise ConfigError(
            f"{model_dir}: model made for features version {data.get('features_version')}, "
            f"this sayso reads version {FEATURES_VERSION}; train it again with `sayso train`"
        )
    return ModelCard(data)


def read_clusters(path: Path) -> dict[str, tuple[int, int]]:
    """A model's word clusters (empty when it has none)."""
    if not path.is_file():
        return {}
    clusters: dict[str, tuple[int, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, coarse, fine = line.split("\t")
        clusters[word] = (int(coarse), int(fine))
    return clusters


def write_clusters(path: Path, clusters: dict[str, tuple[int, int]]) -> None:
    lines = [f"{word}\t{coarse}\t{fine}\n" for word, (coarse, fine) in sorted(clusters.items())]
    path.write_text("".join(lines), encoding="utf-8")


ParseReader = Callable[[list[Article]], Sequence[ParsedText | None]]
"""Gives the parse of each article (None where an article has none)."""


def read_conllu_parses(articles: list[Article]) -> list[ParsedText | None]:
    """Each article's parse from the CoNLL-U file its metadata names (None without one)."""
    from stanza.utils.conll import CoNLL

    from ..errors import InputError
    from .dependency import parse_document

    parses: list[ParsedText | None] = []
    for article in articles:
        path = article.metadata.get(CONLLU_PATH)
        if not path:
            parses.append(None)
            continue
        try:
            doc = CoNLL.conll2doc(input_file=path)
            parses.append(parse_document(doc, article.text))
        except Exception as error:  # stanza raises assorted errors on malformed CoNLL-U
            raise InputError(f"{path}: not readable as CoNLL-U ({error})") from error
    return parses


class TaggerAnalyzer:
    """Attributions from a trained CRF tagger, stacked on the rule analyzer."""

    def __init__(
        self,
        model: str | Path | None = None,
        parses: ParseReader | None = None,
        name: str = "tagger",
    ) -> None:
        self.model_dir = Path(model) if model else SHIPPED_MODEL
        self.parses = parses
        self.name = name
        self._tagger: Any = None
        self._featurizer: Featurizer | None = None
        self._lexicon: Lexicon | None = None
        self.rules = OfflineAnalyzer()

    def _load(self, lexicon: Lexicon) -> tuple[Any, Featurizer]:
        if self._tagger is None:
            import pycrfsuite

            card = load_card(self.model_dir)
            if card.uses_parse and self.parses is None:
                raise ConfigError(
                    f"{self.model_dir}: this model was trained with parse features; use it "
                    "with an analyzer that gives it a parse (tagger-conllu)"
                )
            tagger = pycrfsuite.Tagger()
            tagger.open(str(self.model_dir / MODEL_FILE))
            attributes = self.model_dir / ATTRIBUTES_FILE
            if attributes.is_file():
                known = set(attributes.read_text(encoding="utf-8").splitlines())
            else:
                known = {attribute for attribute, _ in tagger.info().state_features}
            cues = self.model_dir / CUES_FILE
            learned = json.loads(cues.read_text(encoding="utf-8")) if cues.is_file() else {}
            self._tagger = tagger
            self._known = known
            self._learned = learned
            self._clusters = read_clusters(self.model_dir / CLUSTERS_FILE)
        if self._featurizer is None or self._lexicon is not lexicon:
            self._featurizer = Featurizer(lexicon, self._known, self._learned, self._clusters)
            self._lexicon = lexicon
        return self._tagger, self._featurizer

    def analyze(self, articles: list[Article], lexicon: Lexicon) -> list[Analysis]:
        if not articles:
            return []
        tagger, featurizer = self._load(lexicon)
        analyses = self.rules.analyze(articles, lexicon)
        docs: Sequence[ParsedText | None] = (
            self.parses(articles) if self.parses is not None else [None] * len(articles)
        )
        for article, analysis, doc in zip(articles, analyses, docs, strict=True):
            analysis.analyzer = self.name
            text = article.text
            tokens = article_tokens(text, analysis, doc, featurizer, lexicon)
            sentence_starts = [statement.start for statement in analysis.statements]
            rule_labels = role_labels(tokens, attribution_roles(analysis.attributions))
            sentence_of = sentence_numbers(tokens, sentence_starts)
            sequences = featurizer.article_features(
                tokens, sentence_starts, rule_labels, sentence_of
            )
            pieces: list[_Piece] = []
            for index, (paragraph, items) in enumerate(
                zip(tokens.paragraphs, sequences, strict=True)
            ):
                if items:
                    labels = tagger.tag(items)
                    if labels.count("O") == len(labels):
                        continue  # nothing tagged (two paragraphs in five): no piece
                    labels = as_bio(labels)
                    pieces += tagged_pieces(labels, index, paragraph.start, sentence_of)
            attributions = assemble(text, tokens, pieces, lexicon, featurizer.cue_forms)
            attributions = merge_rules(attributions, analysis.attributions)
            link_statements(attributions, analysis.statements)
            analysis.attributions = attributions
        return analyses


def article_tokens(
    text: str,
    analysis: Analysis,
    parsed: ParsedText | None,
    featurizer: Featurizer,
    lexicon: Lexicon,
) -> Tokens:
    """The parse's words when there is a parse, else the rule analyzer's kind of tokens."""
    if parsed is not None and parsed.has_parse:
        return parse_tokens(parsed, text, analysis.paragraphs, featurizer.cue_lemmas, lexicon)
    return regex_tokens(text, analysis.paragraphs)


def _model_missing(default: Path) -> Callable[[dict[str, Any]], str | None]:
    def missing(options: dict[str, Any]) -> str | None:
        model = Path(options["model"]) if options.get("model") else default
        if (model / MODEL_FILE).is_file() and (model / CARD_FILE).is_file():
            return None
        return f"no tagger model in {model}"

    return missing


def _model_identity(default: Path) -> Callable[[dict[str, Any]], str]:
    """Each file of the model directory a run would load, with its size and checksum, for the
    check's fingerprint: a model retrained in place (same ``--model DIR``) is a new model."""

    def identity(options: dict[str, Any]) -> str:
        model = Path(options["model"]) if options.get("model") else default
        files = sorted(path for path in model.glob("*") if path.is_file()) if model.is_dir() else []
        return json.dumps([[path.name, *_file_checksum(path)] for path in files])

    return identity


def _file_checksum(path: Path) -> tuple[int, str]:
    stat = path.stat()
    return stat.st_size, _checksum(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _checksum(path: str, size: int, modified_ns: int) -> str:
    # Keyed on size and modification time, so a file is read again only once it changes.
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


@hookimpl
def register_analyzers(register: Callable[[AnalyzerFactory], None]) -> None:
    register(
        AnalyzerFactory(
            name="tagger",
            description="a CRF trained on annotated news (PolNeAR), stacked on the rules: "
            "the default, most accurate without a parse; --model DIR for one made by "
            "`sayso train`",
            build=TaggerAnalyzer,
            options=("model",),
            parallel=True,
            auto_priority=30,
            unavailable=_model_missing(SHIPPED_MODEL),
            models=_model_identity(SHIPPED_MODEL),
        )
    )
    register(
        AnalyzerFactory(
            name="tagger-conllu",
            description="the tagger with parse features from CoNLL-U files (metadata "
            "conllu_path; `sayso eval` finds conllu/NAME.conllu), for evaluation",
            build=_conllu_tagger,
            options=("model",),
            parallel=True,
            requires=(CONLLU_PATH,),
            models=_model_identity(SHIPPED_PARSE_MODEL),
        )
    )
    register(
        AnalyzerFactory(
            name="tagger-stanza",
            description="the tagger with parse features from stanza's pipeline (needs "
            "stanza's models, like stanza); slow, about 1,000 words/s; --analyzer "
            "tagger-stanza to try it with stanza's full models",
            build=_stanza_tagger,
            options=("model", "stanza_dir", "device"),
            # Ranked below the tagger alone: with the only stanza models measured (the small
            # ones), it scores below it on every role on PolNeAR dev, at a hundredth of the speed.
            auto_priority=25,
            unavailable=_stanza_tagger_missing,
            models=_stanza_tagger_models,
        )
    )


def _stanza_tagger_missing(options: dict[str, Any]) -> str | None:
    # Said on every check that falls back from it: short, the way to get it, no paths.
    if stanza_models_missing(options):
        return f"tagger-stanza needs stanza's models (`{DOWNLOAD_COMMAND}`)"
    missing = _model_missing(SHIPPED_PARSE_MODEL)(options)
    return None if missing is None else f"tagger-stanza: {missing}"


def _stanza_tagger_models(options: dict[str, Any]) -> str:
    tagger_model = _model_identity(SHIPPED_PARSE_MODEL)(options)
    return json.dumps([tagger_model, models_identity(options.get("stanza_dir"))])


def _conllu_tagger(model: str | Path | None = None) -> TaggerAnalyzer:
    return TaggerAnalyzer(model or SHIPPED_PARSE_MODEL, read_conllu_parses, "tagger-conllu")


def _stanza_tagger(
    model: str | Path | None = None, stanza_dir: str | None = None, device: str = "cpu"
) -> TaggerAnalyzer:
    from .stanza import StanzaAnalyzer

    parser = StanzaAnalyzer(stanza_dir, device)
    return TaggerAnalyzer(model or SHIPPED_PARSE_MODEL, parser.parse_texts, "tagger-stanza")
