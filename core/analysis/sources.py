"""Turn source mentions into canonical, typed sources within one article.

Every analyzer hands over attributions with a source *mention* ("KCNA", "the agency", "he").
:func:`resolve_sources` decides which mentions name the same source (all of "Korean Central News
Agency", "the news agency" and "state media" are KCNA when the article names KCNA), follows
pronouns back to the person last named, and types each source from the lexicon's gazetteer,
titles, organisation words and any NER labels the analyzer supplied.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ..lexicon import BODY_NOUNS, GOVERNMENT_WORDS, ORGANIZATION_WORDS, GazetteerEntry, Lexicon
from ..model import Analysis, Attribution, Entity, Source, SourceType, Span
from .names import (
    key_slug,
    mention_key,
    source_head,
    straight_apostrophes,
    without_leading_determiner,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PERSONAL_PRONOUNS = _words("he she him his her who whom")
# What a pronoun and an honorific say of a person's sex: "he" does not stand for the woman named
# "Mrs. Clinton" or "the former Miss Universe" just before, but for the man named before her.
_PRONOUN_SEX = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
_HONORIFIC_SEX = {
    "mr": "m",
    "sir": "m",
    "lord": "m",
    "mrs": "f",
    "ms": "f",
    "miss": "f",
    "madam": "f",
    "madame": "f",
    "dame": "f",
    "lady": "f",
}
# Whether an article writes one at all (see _Resolver.names_honorifics).
_HONORIFIC = re.compile(rf"\b(?:{'|'.join(_HONORIFIC_SEX)})\b", re.IGNORECASE)
_RELATIVE_PRONOUNS = _words("who whom which")
# A capitalised name ending right before a relative pronoun, with a comma or a dash between:
# "Sen. Ted Cruz of Texas, who", "Walmart Stores v. Dukes, which". On one line, and a word with
# a full stop inside the name is an abbreviation ("U.S.", "Sen.", "D."), not a sentence's end.
_NAME_WORD = r"[A-Z](?:[\w’'&-]*|[\w.’'&-]{0,3}\.)"
_NAME_BEFORE_RELATIVE = re.compile(
    rf"(?<![\w.’'&-])(?P<name>(?:{_NAME_WORD}[^\S\n]+(?:(?:of|v\.|de|la|van|von|bin|al)[^\S\n]+)?)*"
    r"[A-Z][\w’'&-]*)(?:[’']s)?[^\S\n]*(?:,|—|–|--)?[^\S\n]*$"
)
_RELATIVE_WINDOW = 100
_GROUP_PRONOUNS = _words("they them their it its which that")
# "I" is the writer (or a speaker quoted in the first person); "we" speak for a group the
# article does not name: not a person.
_FIRST_PERSON_SINGULAR = _words("i me")
_FIRST_PERSON_PLURAL = _words("we us our")
# The label of an interview's answers ("A: It's a big mistake."); "Q" labels the questions.
_ANSWER_LABEL = "A"
# Words that open a sentence capitalised but name no one: a source mention of these alone
# ("In", "The", "To", a transcript's "Q" and "A") or a capitalised run of them is no name.
_FUNCTION_WORDS = _words(
    "a an the this that these those it its he she they we i you me him them us his her their our "
    "my your who whom whose which what where when why how there here some many most any each "
    "every all both either neither none other others another such one no not yet so then also "
    "even just only still now again instead meanwhile however moreover indeed perhaps maybe "
    "in on at for to from of by with without about after before during since until into onto "
    "over under above below between among through across against despite toward towards upon "
    "as if and or but nor because while though although unless whether let last next first q"
)
# First words of place names, not of people's names: "New York", "North Carolina", "Los Angeles".
_PLACE_OPENERS = _words("new north south east west upper lower los las san santa st. saint fort")
_PLACE_ENDINGS = _words(
    "street avenue square county city state states island islands valley river coast bay"
)
# Prepositions that put what follows in a place: "in Iowa", "across Europe".
_PLACE_PREPOSITIONS = _words("in across throughout inside outside near")
_STATE_OUTLET = re.compile(r"\bstate(?:[- ]run)?\s+(?:media|news|television|tv|broadcaster)", re.I)
_NATIONALITY_ENDINGS = ("ean", "ian", "ese", "ish", "ican", "eans", "ians", "icans")
# Members of a party or a faith, not a person's name: "Republicans", "Democratic".
_GROUP_WORDS = _words(
    "republican republicans democrat democrats democratic gop muslim muslims christian christians "
    "jewish jews catholic catholics evangelical evangelicals latino latinos latina latinas "
    "hispanic hispanics millennials conservative conservatives liberal liberals progressive "
    "progressives libertarian libertarians independents"
)
_ACRONYM = re.compile(r"[A-Z][A-Z&.]+")
# Two to five capitalised words, not opened by a determiner ("Gov. Mike Pence"): a name, and its
# last word the surname.
_CAPITALISED_RUN = re.compile(
    r"\b(?!(?:The|A|An|This|That)\b)((?:[A-Z][\w.’'-]* ){1,4})([A-Z][\w-]*[a-z])\b"
)
_DESCRIBING_NUMBER = re.compile(r"\d[\d,.]*(?:-\w+)?")
_DEFINITE_NOUN = re.compile(r"[Tt]he\s+([a-z]+)")
_DETERMINERS = _words("the a an his her their its our my your")
# Prepositions and conjunctions: a noun phrase's head stands before them ("her lawyers in a court
# filing", "emails and other records").
_JOINING_WORDS = _words(
    "in on at for to from of by with without about after before during since until into over "
    "under between among through against as and or but nor"
)
# A person's name after words that describe them: "council member Ana Ruiz", "activist Jane
# Doe", "Gallup's Jeffrey M. Jones" (a name of two to four capitalised words after a word in
# lower case or a possessive).
_DESCRIBED_NAME = re.compile(
    r"(?:\S+\s+)*(?:[a-z][\w’'-]*|\S+['’]s)\s+"
    r"(?P<name>(?:[A-Z][\w.’'-]*\s+){1,3}[A-Z][\w’'-]*)"
)
# The place or body a person named before it is of: "Bernie Sanders of Vermont", "Jane Doe of
# the Heritage Foundation".
_AFFILIATION = re.compile(r"\s+of\s+(?:the\s+)?[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*$")
# An abbreviated title before a name: "Mr.", "Sen.", "Gov.".
_TITLE = re.compile(r"[A-Z][a-z]{0,3}\.")
# Up to three words right before a name, where its titles stand ("former Sen." Marco Rubio).
_WORDS_BEFORE = re.compile(r"(?:[\w.’'-]+\s+){1,3}$")
_TITLE_ABBREVIATIONS = {
    "sen": "senator",
    "gov": "governor",
    "rep": "representative",
    "gen": "general",
    "col": "colonel",
    "adm": "admiral",
    "prof": "professor",
}
# Words that make a title another post: the president is not the "Vice President Joe Biden".
_OTHER_POST = frozenset({"vice", "deputy", "assistant", "acting", "lieutenant", "associate"})
# Nouns for a person that are no titles ("the candidate", "a man"; a name does not follow them as
# it follows "Senator"). A mention ending in one names a person, and "the candidate" is the one
# last named with the word. A noun in lower case that gives a sex counts as an honorific does.
_NOUN_SEX = {
    **dict.fromkeys(_words("man boy businessman father husband brother son"), "m"),
    **dict.fromkeys(_words("woman girl businesswoman mother wife sister daughter"), "f"),
}
_PERSON_NOUNS = frozenset(_NOUN_SEX) | _words(
    "candidate nominee front-runner frontrunner mogul reporter narrator adviser advisor aide "
    "strategist manager staffer activist friend lawmaker employee user"
)
# Nouns for a document beside the lexicon's evidence nouns ("the statement", "The lawsuit",
# "the election returns"): they show nothing, but a mention ending in one is no person or body.
_DOCUMENT_NOUNS = _words(
    "statement statements result results lawsuit lawsuits complaint complaints ad ads "
    "advertisement advertisements editorial editorials returns indictment ruling rulings "
    "tweet tweets article articles proposal proposals platform memoir"
)
# Honorifics say no post: "the Mr." names nobody.
_HONORIFIC_TITLES = frozenset({*_HONORIFIC_SEX, "dr"})
_CALENDAR_WORDS = _words(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december"
)
_LABEL_TYPES: dict[str, SourceType] = {
    "PERSON": "person",
    "PER": "person",
    "ORG": "organization",
    "GPE": "government",
    "NORP": "organization",
}
_OUTLET_TYPES = ("state_media", "news_agency")
_ORGANIZATION_WORDS = frozenset(ORGANIZATION_WORDS)
# Unnamed as officials and aides are ("one of Mr. Obama's climate advisers", "Clinton advisers").
# Kept out of the lexicon's anonymous nouns, which are features of the shipped tagger's model:
# adding them there would change what the model reads without training it again.
_UNNAMED_ADVISERS = frozenset({"adviser", "advisers", "advisor", "advisors"})
_GOVERNMENT_WORDS = frozenset(GOVERNMENT_WORDS)
_INSTITUTION_WORDS = _ORGANIZATION_WORDS | _GOVERNMENT_WORDS
_BODY_NOUNS = frozenset(BODY_NOUNS)


def resolve_sources(analysis: Analysis, lexicon: Lexicon) -> None:
    """Fill ``analysis.sources`` and set every attribution's ``source_key``."""
    _Resolver(analysis, lexicon).run()


@dataclass
class _Mention:
    """Something a pronoun or an anaphor can point back to."""

    start: int
    key: str


class _Resolver:
    def __init__(self, analysis: Analysis, lexicon: Lexicon) -> None:
        self.analysis = analysis
        self.lexicon = lexicon
        self.sources: dict[str, Source] = {}
        self.gazetteer = _matcher(_gazetteer_key(lexicon))
        self.titles = frozenset(t.rstrip(".").lower() for t in lexicon.person_titles)
        # What a title reference may end in: "the senator", "the candidate".
        self.person_words = self.titles | _PERSON_NOUNS
        # What a description of a person before a comma and their name may end in (see
        # _named_in_apposition): "Another critic, Laurence H. Tribe".
        self.describing_nouns = self.person_words | frozenset(lexicon.anonymous_nouns)
        self.anonymous_nouns = frozenset(lexicon.anonymous_nouns) | _UNNAMED_ADVISERS
        self.document_nouns = frozenset(lexicon.evidence_nouns) | _DOCUMENT_NOUNS
        # The mentions resolved so far, in text order, by whether their source is a person; and
        # the key of the last one naming an outlet. Lookups stay quick in long articles.
        self.resolved: dict[bool, list[_Mention]] = {True: [], False: []}
        self.last_outlet: str | None = None
        # The first person source of each surname: "Okafor" is the Jane Okafor named before.
        self.people_by_surname: dict[str, str] = {}
        # Of the person mentions resolved so far, those a pronoun of each sex may stand for, and
        # how many of them have been sorted so (see _mentions_of_sex).
        self.resolved_of_sex: dict[str, list[_Mention]] = {"m": [], "f": []}
        self.sorted_by_sex = {"m": 0, "f": 0}
        self.people_by_sex: dict[str, tuple[list[int], list[Entity]]] = {}
        # The first government or organisation source by the last word of its name, lower-cased:
        # "the department" is the Justice Department named before.
        self.bodies_by_last_word: dict[str, str] = {}
        # Whether each word opening a sentence is capitalised nowhere else in the article (see
        # _capitalised_only_as_first_word): worked out once per word, not once per mention.
        self.only_as_first_word: dict[str, bool] = {}

    # Outlets and people are only needed for some mentions ("the agency", "he"): found lazily.

    @cached_property
    def outlets(self) -> list[tuple[int, GazetteerEntry]]:
        return [
            (start, entry)
            for start, entry in self.gazetteer.find_all(self.analysis.article.text)
            if entry.type in _OUTLET_TYPES
        ]

    @cached_property
    def people(self) -> list[Entity]:
        return self._people(self.analysis.entities)

    @cached_property
    def people_by_end(self) -> tuple[list[int], list[Entity]]:
        """The people's end offsets in order and, at each, the person starting last of those
        ending there or before (the first listed of any that start together)."""
        return _by_end(self.people)

    def people_of_sex_by_end(self, sex: str) -> tuple[list[int], list[Entity]]:
        """:attr:`people_by_end` of the people a pronoun of one sex may stand for: those no
        honorific gives the other (worked out once for each sex)."""
        if sex not in self.people_by_sex:
            self.people_by_sex[sex] = _by_end(
                [
                    entity
                    for entity, told in zip(self.people, self.honorific_sexes, strict=True)
                    if (told or self.sex_by_surname.get(entity.span.text.split()[-1]))
                    in (None, sex)
                ]
            )
        return self.people_by_sex[sex]

    @cached_property
    def labelled_by_start(self) -> tuple[list[int], list[tuple[int, Entity]]]:
        """The entities with a label, numbered in the analysis' order, sorted by start offset."""
        labelled = [entity for entity in self.analysis.entities if entity.label]
        by_start = sorted(enumerate(labelled), key=lambda numbered: numbered[1].span.start)
        return [entity.span.start for _, entity in by_start], by_start

    def run(self) -> None:
        # Each source's new mentions, given to it at the end: copying its mentions at each one
        # made a source named 15,000 times in an article quadratic.
        mentions: dict[str, list[Span]] = {}
        attributions = [*self.analysis.attributions, *self.analysis.non_attributions]
        for attribution in sorted(attributions, key=_mention_start):
            if attribution.source is None:
                attribution.source_key = None
                continue
            key = self._resolve(attribution.source, _antecedents_before(attribution))
            if key is None:
                attribution.source_key = None
                continue
            source = self.sources[key]
            mentions.setdefault(key, []).append(attribution.source)
            attribution.source_key = key
            self.resolved[source.type == "person"].append(_Mention(attribution.source.start, key))
            if source.type in _OUTLET_TYPES:
                self.last_outlet = key
        for key, spans in mentions.items():
            source = self.sources[key]
            source.mentions = [*source.mentions, *spans]
        self.analysis.sources = self.sources

    # -- one mention ----------------------------------------------------------------------

    def _resolve(self, mention: Span, before: int) -> str | None:
        """The key of the source a mention names (None when it names nothing: a stray quote
        mark); a pronoun's antecedent is looked for before ``before``."""
        head = source_head(mention.text)
        if not any(character.isalnum() for character in head):
            return None
        lowered = straight_apostrophes(head.lower())
        if lowered in _RELATIVE_PRONOUNS:
            named = self._relative_antecedent(mention)
            if named is not None:
                return self._resolve(named, named.start)
        if lowered in _PERSONAL_PRONOUNS:
            sex = _PRONOUN_SEX.get(lowered) if self.names_honorifics else None
            return self._antecedent(before, person=True, sex=sex) or self._add(head, "unknown")
        if lowered in _GROUP_PRONOUNS:
            return self._antecedent(before, person=False) or self._add(head, "unknown")
        if lowered in _FIRST_PERSON_SINGULAR:
            return self._speaker_around(mention) or self._add(head, "person")
        if head == _ANSWER_LABEL and self.interviewee is not None:
            return self._person_mentioned(self.interviewee.span.text)
        if lowered in _FIRST_PERSON_PLURAL or _FUNCTION_WORDS.issuperset(lowered.split()):
            return self._add(head, "unknown")
        if self._is_outlet_anaphor(head):
            return self._outlet(mention, head)
        apposed_name = self._named_in_apposition(mention.text, head)
        if apposed_name is not None:
            return self._person(apposed_name)
        if self._is_anonymous(head):
            return self._add(without_leading_determiner(head), "anonymous")
        if self._is_evidence(mention, head):
            return self._add(without_leading_determiner(head), "document")
        entry = _known_source(head, self.gazetteer)
        if entry is not None:
            return self._add(entry.name, entry.type)
        # "the department" after "the Justice Department": the body named before.
        described = _DEFINITE_NOUN.fullmatch(head)
        if described is not None and described.group(1).lower() in self.bodies_by_last_word:
            return self.bodies_by_last_word[described.group(1).lower()]
        person_name = self._person_named(head)
        if person_name is not None:
            return self._person(person_name)
        in_capitals = self._name_in_capitals(head)
        if in_capitals is not None:
            return self._person_mentioned(in_capitals)
        source_type = self._type_from_words(mention, head)
        if source_type == "person":
            return self._titled_antecedent(head, before) or self._person(head)
        return self._add(without_leading_determiner(head), source_type)

    def _name_in_capitals(self, head: str) -> str | None:
        """The name a word in capitals spells when the article also writes it as a surname,
        after a first name or a title ("PENCE:" in a transcript, after "Gov. Mike Pence"): that
        name, as first written; None for an acronym ("ISIS", though written "Isis" too)."""
        if " " in head or not _ACRONYM.fullmatch(head) or not head.isalpha():
            return None
        return self.names_by_surname.get(head.title())

    @cached_property
    def names_by_surname(self) -> dict[str, str]:
        """Each run of capitalised words in the article (not opened by a determiner) by its
        last word, the first written: found in one pass, for every word in capitals."""
        found: dict[str, str] = {}
        for run in _CAPITALISED_RUN.finditer(self.analysis.article.text):
            found.setdefault(run.group(2), run.group())
        return found

    def _person_named(self, head: str) -> str | None:
        """The name in a mention that describes a person around it: after the words describing
        them ("GOP frontrunner Donald Trump", "FBI general counsel James Baker") and before the
        place or body they are of ("Sen. Bernie Sanders of Vermont"); None when the mention is
        no such description."""
        named = _AFFILIATION.sub("", head)
        described = _DESCRIBED_NAME.fullmatch(named)
        if (
            described is not None
            and _only_describes(named[: described.start("name")])
            and _looks_like_name(described.group("name").split())
            and _INSTITUTION_WORDS.isdisjoint(described.group("name").split())
        ):
            return described.group("name")
        if named != head and self._is_titled_name(named.split()):
            return named
        return self._name_after_title(named.split())

    def _name_after_title(self, words: list[str]) -> str | None:
        """The name after a capitalised title whose words name a body ("House Speaker Paul D.
        Ryan", "Senate Majority Leader Mitch McConnell"): the person, not the House or the
        Senate; None when no title stands before a name of two words or more."""
        name = self._after_last_title(words)
        # No title, or only one opening the mention ("Speaker Paul Ryan": a titled name).
        if len(name) >= len(words) - 1:
            return None
        if len(name) < 2 or not _looks_like_name(name) or not _INSTITUTION_WORDS.isdisjoint(name):
            return None
        return " ".join(name)

    def _after_last_title(self, words: list[str]) -> list[str]:
        """The words after the last title among ``words`` (all of them when none is one)."""
        titles = [i for i, word in enumerate(words) if word.lower().rstrip(".") in self.titles]
        return words[titles[-1] + 1 :] if titles else words

    def _named_in_apposition(self, mention: str, head: str) -> str | None:
        """The name a description of a person gives after a comma ("Another critic, Laurence
        H. Tribe,", "Carter's press secretary, Peter Cook"): the words after it when they look
        like a person's name of two words or more, and the description ends in a noun for a
        person, a title or a noun for an unnamed source; None otherwise."""
        _, comma, after = mention.partition(",")
        described = head.split()
        if not comma or not described or not described[-1].islower():
            return None
        if described[-1] not in self.describing_nouns:
            return None
        name = after.split(",", 1)[0].strip()
        words = name.split()
        if (
            len(words) < 2
            or not _looks_like_name(words)
            or not _INSTITUTION_WORDS.isdisjoint(words)
            or words[0].lower() in _DETERMINERS
        ):
            return None
        return name

    def _is_titled_name(self, words: list[str]) -> bool:
        """Whether the words may be a person's name with titles and words describing them
        ("Sen. Bernie Sanders", "CBC Chairman G.K. Butterfield"): not a body or a post ("The
        Hollywood Chamber", "Palm Beach County Supervisor", "UMWA Director")."""
        return (
            len(words) > 1
            and _looks_like_name(words)
            and words[0].lower() not in _DETERMINERS
            and words[-1].lower().rstrip(".") not in self.titles
            and not any(
                word in _INSTITUTION_WORDS or word.lower() in _PLACE_ENDINGS for word in words
            )
        )

    def _relative_antecedent(self, mention: Span) -> Span | None:
        """The name a relative pronoun stands for: the one right before it ("Donald J. Trump,
        who", "the Illinois Board of Elections, which"), not the person named last; a person
        named within it when there is one ("U.S. President Barack Obama, who", "Sen. Ted Cruz
        of Texas, who")."""
        text = self.analysis.article.text
        window = max(0, mention.start - _RELATIVE_WINDOW)
        found = _NAME_BEFORE_RELATIVE.search(text, window, mention.start)
        if found is None:
            return None
        start, end = found.span("name")
        named = Span.of(text, start, end)
        if _FUNCTION_WORDS.issuperset(straight_apostrophes(named.text.lower()).split()):
            return None  # "Those who", "But which": no name
        if mention.text.lower() != "which":
            # "who" stands for a person: not for "the Senate Intelligence Committee", a place,
            # or the name after "of" ("the editors of The Advocate, who": the editors).
            if _named_as_a_place_or_thing(text, named) or _last_word(text, start) == "of":
                return None
            # "Senator Jeff Flake, Republican of Arizona, who": the person the apposition
            # describes.
            described = [p.span for p in self.people if p.span.end == start - 2]
            if described and text[start - 2 : start] == ", ":
                return described[-1]
        within = [p.span for p in self.people if start <= p.span.start and p.span.end <= end]
        return within[-1] if within else named

    def _is_outlet_anaphor(self, head: str) -> bool:
        normalised = straight_apostrophes(head.lower())
        return normalised in self.lexicon.outlet_anaphors or bool(_STATE_OUTLET.search(head))

    def _is_anonymous(self, head: str) -> bool:
        words = head.split()
        for index, word in enumerate(words):
            # Capitalised inside a mention, not opening a sentence, the noun is part of a name
            # ("Business Insider").
            if index and not word[:1].islower() and not words[index - 1].endswith("."):
                continue
            if word.lower().strip(",.") in self.anonymous_nouns:
                following = words[index + 1] if index + 1 < len(words) else ""
                if not following[:1].isupper():
                    return True
        lowered = head.lower()
        return any(marker in lowered for marker in self.lexicon.anonymity_markers)

    def _is_evidence(self, mention: Span, head: str) -> bool:
        """Whether the mention names a document: by its first word ("photos from the
        exhibition", "the letter") or, when only common words describe it, by its last ("recent
        polls", "an internal review", "campaign finance records"; not "Gallup polls", whose
        pollster is named, nor "her lawyers in a court filing", whose head is "lawyers")."""
        # "a 2014 study", "a 40-page report": a year or a count before the noun describes it.
        described = without_leading_determiner(head).split()
        words = list(itertools.dropwhile(_DESCRIBING_NUMBER.fullmatch, described))
        if not words:
            return False
        opening = words[0].lower()
        # A noun that also describes ("an editorial board") heads only before a preposition or
        # a participle ("a statement posted on …").
        if opening in self.lexicon.evidence_nouns or (
            opening in _DOCUMENT_NOUNS
            and (len(words) == 1 or words[1] in _JOINING_WORDS or words[1].endswith("ed"))
        ):
            return True
        describing = words[1:-1]
        if (
            words[-1].lower() not in self.document_nouns
            or not all(word.islower() for word in describing)
            or not _JOINING_WORDS.isdisjoint(describing)
        ):
            return False
        first = words[0]
        return first.islower() or (
            first[1:].islower() and self._capitalised_only_as_first_word(mention, first)
        )

    def _type_from_words(self, mention: Span, head: str) -> SourceType:
        words = head.split()
        label = self._entity_label(mention)
        # "Justice Department": an institution word outweighs a title ("Justice") before it.
        if label in _LABEL_TYPES and not (label in ("PERSON", "PER") and self._institution(words)):
            return _LABEL_TYPES[label]
        # "the campaign manager": the noun a mention ends in says what it names (not of two:
        # "she and another reporter").
        if words[-1].lower() in _PERSON_NOUNS and _JOINING_WORDS.isdisjoint(words):
            return "person"
        if not _GOVERNMENT_WORDS.isdisjoint(words):
            return "government"
        if not _ORGANIZATION_WORDS.isdisjoint(words) or words[-1] in _BODY_NOUNS:
            return "organization"
        lowered = {word.lower().rstrip(".") for word in words}
        if lowered & self.titles:
            return "person"
        # An acronym ("CNN", "USA TODAY", "FBI") names a body, not a person.
        if all(_ACRONYM.fullmatch(word) for word in without_leading_determiner(head).split()):
            return "organization"
        if (
            words[0].lower() == "the"
            and _looks_like_name(words[1:])
            # "The Podesta Group's CEO" is the group's: its head comes after the possessive.
            and not any(_POSSESSIVE.search(word) for word in words)
            # "the North", "the West": a region.
            and not (len(words) == 2 and words[1].lower() in _PLACE_OPENERS)
        ):
            # Nobody's name takes "the": "the American Legion", "the National Guard" are
            # bodies, but "the Clintons" is the family of a Clinton the article names.
            return "person" if self._family(words[1:]) else "organization"
        if _looks_like_name(words) and not (
            len(words) == 1 and self._capitalised_only_as_first_word(mention, words[0])
        ):
            return "person"
        return "unknown"

    def _family(self, words: list[str]) -> bool:
        """Whether ``words`` is one surname made plural ("Clintons", "Bushes") whose singular the
        article writes as a word of its own."""
        if len(words) != 1 or not words[0].endswith("s"):
            return False
        plural = words[0]
        singulars = (plural[:-1], plural[:-2]) if plural.endswith("es") else (plural[:-1],)
        return any(
            len(singular) >= _MIN_SURNAME and singular in self.written_words
            for singular in singulars
        )

    @cached_property
    def written_words(self) -> frozenset[str]:
        """Every word of the article, found once (not once per mention that asks)."""
        return frozenset(_WORD_CHARACTERS.findall(self.analysis.article.text))

    @staticmethod
    def _institution(words: list[str]) -> bool:
        return not _INSTITUTION_WORDS.isdisjoint(words)

    def _capitalised_only_as_first_word(self, mention: Span, word: str) -> bool:
        """Whether a word opening a sentence is capitalised nowhere else in the article, as a
        common noun is ("Voters said …"): then it is no evidence of a name."""
        text = self.analysis.article.text
        # An offset, not a slice of the text before the mention: a slice copies the article.
        before = mention.start
        while before > 0 and text[before - 1] in " \t“\"‘'(":
            before -= 1
        if before and text[before - 1] not in "\n.!?:":
            return False
        found = self.only_as_first_word.get(word)
        if found is None:
            found = self.only_as_first_word[word] = _capitalised_only_as_first_word(text, word)
        return found

    def _entity_label(self, mention: Span) -> str:
        """The label of the first listed entity with a label that starts within the mention."""
        starts, by_start = self.labelled_by_start
        within = by_start[bisect_left(starts, mention.start) : bisect_left(starts, mention.end)]
        found = [(number, e) for number, e in within if e.span.overlaps(mention)]
        return min(found, key=lambda numbered: numbered[0])[1].label if found else ""

    # -- antecedents ----------------------------------------------------------------------

    def _antecedent(self, before: int, person: bool, sex: str | None = None) -> str | None:
        """The source last named before ``before`` (a person, or else a group); for a pronoun
        of one ``sex``, the last person no honorific gives the other."""
        mentions = self.resolved[person] if sex is None else self._mentions_of_sex(sex)
        latest = _latest_before(mentions, before)
        named: Entity | None = None
        if person:
            ends, latest_person = (
                self.people_by_end if sex is None else self.people_of_sex_by_end(sex)
            )
            count = bisect_right(ends, before)
            named = latest_person[count - 1] if count else None
        if named is not None and (latest is None or named.span.start > latest.start):
            return self._person_mentioned(named.span.text)
        return latest.key if latest else None

    def _speaker_around(self, mention: Span) -> str | None:
        """Whose "I" it is inside words attributed to someone ("“I called them,” she said", an
        interview's answers): the source of the attribution whose content holds it most
        narrowly, if one does."""
        starts, reach, fragments = self.contents
        around = []
        # Back from the last content starting at the mention, while one may still reach over it.
        index = bisect_right(starts, mention.start) - 1
        while index >= 0 and reach[index] >= mention.end:
            fragment, attribution = fragments[index]
            source = attribution.source
            if fragment.end >= mention.end and source is not None and not source.overlaps(mention):
                around.append((fragment.end - fragment.start, index))
            index -= 1
        if not around:
            return None
        speaker = fragments[min(around)[1]][1]
        assert speaker.source is not None
        return self._resolve(speaker.source, _antecedents_before(speaker))

    @cached_property
    def contents(self) -> tuple[list[int], list[int], list[tuple[Span, Attribution]]]:
        """The content fragments of the attributions with a source, by start: their starts, how
        far those up to each reach, and each with its attribution."""
        fragments = sorted(
            (
                (fragment, attribution)
                for attribution in self.analysis.attributions
                if attribution.source is not None
                for fragment in attribution.content
            ),
            key=lambda pair: pair[0].start,
        )
        starts = [fragment.start for fragment, _ in fragments]
        reach = list(itertools.accumulate((fragment.end for fragment, _ in fragments), max))
        return starts, reach, fragments

    @cached_property
    def interviewee(self) -> Entity | None:
        """Who answers in an interview printed as questions and answers ("Q: …", "A: …"): the
        person its headline or first paragraph names first ("Q&A with Vice President Joe
        Biden"), if it names one."""
        paragraphs = self.analysis.paragraphs
        if not paragraphs:
            return None
        opening = paragraphs[1].end if len(paragraphs) > 1 else paragraphs[0].end
        named = [person for person in self.people if person.span.start < opening]
        return min(named, key=lambda person: person.span.start) if named else None

    def _titled_antecedent(self, head: str, before: int) -> str | None:
        """The person a title stands for ("the senator", "The Florida senator", "the former
        president", "the prime minister"): the last named before ``before`` with every word of
        it around their name ("Sen. Marco Rubio of Florida", "former President Bill Clinton")
        and no word making the title another post ("Vice President Joe Biden")."""
        written = head.split()
        if len(written) < 2 or written[0].lower() != "the" or not written[-1].islower():
            return None
        words = [_title_word(word) for word in written[1:]]
        if words[-1] not in self.person_words or words[-1] in _HONORIFIC_TITLES:
            return None
        starts, titled = self.titled_people
        for index in range(bisect_left(starts, before) - 1, -1, -1):
            around, entity = titled[index]
            if around.issuperset(words) and (around & _OTHER_POST).issubset(words):
                return self._person_mentioned(entity.span.text)
        return None

    @cached_property
    def titled_people(self) -> tuple[list[int], list[tuple[frozenset[str], Entity]]]:
        """The people named with a title, in order of their start, each with the words around
        their name (its own and up to three before it), titles written out ("Sen." as
        "senator")."""
        text = self.analysis.article.text
        people = {id(person) for person in self.people}
        posts = self.person_words - _HONORIFIC_TITLES
        starts: list[int] = []
        titled: list[tuple[frozenset[str], Entity]] = []
        for entity in sorted(self.analysis.entities, key=lambda found: found.span.start):
            # "Marco Rubio of Florida" is no person's name, but names one.
            if id(entity) not in people and self._person_named(entity.span.text) is None:
                continue
            before = _WORDS_BEFORE.search(text, max(0, entity.span.start - 60), entity.span.start)
            words = (before.group() if before else "").split() + entity.span.text.split()
            around = frozenset(_title_word(word) for word in words)
            if not around.isdisjoint(posts):
                starts.append(entity.span.start)
                titled.append((around, entity))
        return starts, titled

    def _mentions_of_sex(self, sex: str) -> list[_Mention]:
        """The person mentions resolved so far that no honorific or noun ("his mother") gives
        the other sex than ``sex``: those resolved since the last call are sorted in, so each is
        looked at once."""
        mentions = self.resolved_of_sex[sex]
        for mention in self.resolved[True][self.sorted_by_sex[sex] :]:
            words = self.sources[mention.key].name.split()
            last = words[-1] if words else ""
            if _NOUN_SEX.get(last, self.sex_by_surname.get(last, sex)) == sex:
                mentions.append(mention)
        self.sorted_by_sex[sex] = len(self.resolved[True])
        return mentions

    @cached_property
    def names_honorifics(self) -> bool:
        """Whether the article writes an honorific anywhere (most do not: then no person's sex
        is known, and a pronoun's antecedent is found as if none were)."""
        return _HONORIFIC.search(self.analysis.article.text) is not None

    @cached_property
    def sex_by_surname(self) -> dict[str, str]:
        """The sex honorifics give each surname of the people named ("Ms. Brainard": "f"); none
        for a surname they give both ("Mr. Clinton" and "Mrs. Clinton")."""
        told: dict[str, set[str]] = {}
        for entity, sex in zip(self.people, self.honorific_sexes, strict=True):
            if sex is not None:
                told.setdefault(entity.span.text.split()[-1], set()).add(sex)
        return {surname: sexes.pop() for surname, sexes in told.items() if len(sexes) == 1}

    @cached_property
    def honorific_sexes(self) -> list[str | None]:
        """What an honorific in or just before each person's name says of their sex."""
        text = self.analysis.article.text
        return [_honorific_sex(text, entity.span) for entity in self.people]

    def _outlet(self, mention: Span, head: str) -> str:
        distinct = {entry.name: entry for _, entry in self.outlets}
        if len(distinct) == 1:
            entry = next(iter(distinct.values()))
        elif distinct:
            before = [entry for start, entry in self.outlets if start < mention.start]
            entry = before[-1] if before else self.outlets[0][1]
        else:
            if self.last_outlet is not None:
                return self.last_outlet
            if _STATE_OUTLET.search(head):
                return self._add(without_leading_determiner(head), "state_media")
            return self._add(without_leading_determiner(head), "news_agency")
        return self._add(entry.name, entry.type)

    def _people(self, entities: Sequence[Entity]) -> list[Entity]:
        people: list[Entity] = []
        surnames: set[str] = set()
        text = self.analysis.article.text
        for entity in entities:
            if entity.label and entity.label not in ("PERSON", "PER"):
                continue
            if not entity.label and _named_as_a_place_or_thing(text, entity.span):
                continue
            name = _person_name(entity.span.text, self.gazetteer)
            if name is None:
                continue
            words, looks_like_name = name
            # A lone capitalised word ("Florida", "Instead") is a person's name only as the
            # surname of someone named in full before.
            if entity.label or (looks_like_name and len(words) > 1) or words[-1] in surnames:
                people.append(entity)
                surnames.add(words[-1])
        return people

    # -- the table of sources -------------------------------------------------------------

    def _person(self, name: str) -> str:
        # The name is what follows the last title ("Finance Minister Jane Okafor" → "Jane
        # Okafor"); with no name after it ("the minister"), the mention stands as written.
        after = self._after_last_title(name.split())
        words = after if after and after[0][:1].isupper() else []
        name = " ".join(words) or name
        if words and words[-1] in self.people_by_surname:
            return self.people_by_surname[words[-1]]
        return self._add(name, "person")

    def _person_mentioned(self, text: str) -> str:
        """The person an entity's words name, less what describes them (:meth:`_person_named`):
        "Marco Rubio of Florida" is Marco Rubio."""
        return self._person(self._person_named(text) or text)

    def _add(self, name: str, source_type: SourceType) -> str:
        key = key_slug(name) or "source"
        if key not in self.sources:
            self.sources[key] = Source(key, name, source_type)
            if source_type == "person" and name.split():
                self.people_by_surname.setdefault(name.split()[-1], key)
            if source_type in ("government", "organization") and len(name.split()) > 1:
                self.bodies_by_last_word.setdefault(name.split()[-1].lower(), key)
        return key


GazetteerKey = tuple[tuple[str, SourceType, tuple[str, ...]], ...]


def _gazetteer_key(lexicon: Lexicon) -> GazetteerKey:
    """What a matcher is built from: every entry's name, type and aliases, in order."""
    return tuple((e.name, e.type, e.aliases) for e in lexicon.gazetteer.values())


@lru_cache(maxsize=8)
def _matcher(key: GazetteerKey) -> _GazetteerMatcher:
    """A matcher per gazetteer, built once (compiling its pattern costs more than a lookup)."""
    return _GazetteerMatcher([GazetteerEntry(name, type, aliases) for name, type, aliases in key])


class _GazetteerMatcher:
    """Finds the lexicon's known sources by any of their names, whole words only."""

    def __init__(self, gazetteer: list[GazetteerEntry]) -> None:
        self.entries: dict[str, GazetteerEntry] = {}
        for entry in gazetteer:
            for name in (entry.name, *entry.aliases):
                self.entries.setdefault(mention_key(name), entry)
        names = sorted(self.entries, key=len, reverse=True)
        alternatives = "|".join(re.escape(name) for name in names) or r"(?!x)x"
        self.pattern = re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w])", re.IGNORECASE)

    def find_all(self, text: str) -> list[tuple[int, GazetteerEntry]]:
        normalised = straight_apostrophes(text)
        found = []
        for match in self.pattern.finditer(normalised):
            entry = self.entries[match.group().lower()]
            if not (_names_a_place(entry, match) and _inside_organisation_name(normalised, match)):
                found.append((match.start(), entry))
        return found

    def find_in(self, text: str) -> GazetteerEntry | None:
        found = self.find_all(text)
        return found[0][1] if found else None


def _names_a_place(entry: GazetteerEntry, match: re.Match[str]) -> bool:
    """Whether a government is named by its place ("Washington", "Moscow", "the United
    States"), not by an institution ("the White House", "the State Department")."""
    return entry.type == "government" and _INSTITUTION_WORDS.isdisjoint(match.group().split())


def _inside_organisation_name(text: str, match: re.Match[str]) -> bool:
    """Whether a place name ("Washington", "Moscow", "U.S.") is only part of a longer
    organisation's name: "The Washington Post", "University of Washington", "U.S. Army".

    The name is the run of capitalised words around the match (joined by "of", "for", "&");
    it names an organisation when one of its other words is an organisation word and none is a
    government word ("the U.S. State Department" stays the government's).
    """
    start, end = match.span()
    before = text[max(0, start - _NAME_WINDOW) : start].split()
    after = text[end : end + _NAME_WINDOW].split()
    words = [*_name_words(reversed(before), leftwards=True), *_name_words(after)]
    parts = {part for word in words for part in _bare(word).split("-")}
    parts |= {part.rstrip(".") for part in parts}
    return not _ORGANIZATION_WORDS.isdisjoint(parts) and _GOVERNMENT_WORDS.isdisjoint(parts)


# How far either side of a place name its organisation's name is looked for, in characters.
_NAME_WINDOW = 80
# Words that join the words of one name: "University of Washington", "Committee for …".
_NAME_JOINERS = frozenset({"of", "for", "&"})


def _name_words(words: Iterable[str], leftwards: bool = False) -> list[str]:
    """The words that go on a name from where it is matched, outwards (the words before it
    reversed, ``leftwards``): capitalised ones, and a joiner with a capitalised word beyond
    it. Punctuation, a full stop or a possessive ends the name: after such a word, or
    (leftwards) before it."""
    taken: list[str] = []
    joiner: list[str] = []
    for word in words:
        bare = _bare(word)
        if bare in _NAME_JOINERS and not joiner and word == bare:
            joiner.append(word)
            continue
        if not bare[:1].isupper() or bare.lower() in _FUNCTION_WORDS:
            break
        ends = word != bare or word.endswith(".")
        if ends and leftwards:
            break
        taken += [*joiner, word]
        joiner = []
        if ends:
            break
    return taken


def _bare(word: str) -> str:
    """A word without punctuation around it or a possessive: "Post's" → "Post"."""
    word = word.strip(',;:()“”"')
    return word[:-2] if word.endswith("'s") else word


def _honorific_sex(text: str, name: Span) -> str | None:
    """What an honorific just before a name or opening it says of the person's sex."""
    for word in (_last_word(text, name.start), *name.text.split()[:1]):
        sex = _HONORIFIC_SEX.get(word.lower().rstrip("."))
        # "first lady Hillary Clinton"; but "they miss Obama" names no Miss Obama.
        if sex is not None and word != "miss":
            return sex
    return None


def _by_end(people: list[Entity]) -> tuple[list[int], list[Entity]]:
    """The people's end offsets in order and, at each, the person starting last of those ending
    there or before (the first listed of any that start together)."""
    by_end = sorted(enumerate(people), key=lambda numbered: numbered[1].span.end)
    latest = itertools.accumulate(by_end, _later_start_then_first)
    return [entity.span.end for _, entity in by_end], [entity for _, entity in latest]


def _latest_before(mentions: list[_Mention], offset: int) -> _Mention | None:
    """Of mentions in text order, the last to start before ``offset`` (of several starting
    together, the one with the greatest key)."""
    count = bisect_left(mentions, offset, key=lambda mention: mention.start)
    if not count:
        return None
    start = mentions[count - 1].start
    together = itertools.takewhile(lambda m: m.start == start, reversed(mentions[:count]))
    return max(together, key=lambda mention: mention.key)


def _later_start_then_first(
    best: tuple[int, Entity], other: tuple[int, Entity]
) -> tuple[int, Entity]:
    """Of two numbered entities, the one starting later; of two starting together, the first."""
    if (other[1].span.start, -other[0]) > (best[1].span.start, -best[0]):
        return other
    return best


def _title_word(word: str) -> str:
    """A word as titles are compared: lower case, no full stop, abbreviations written out."""
    lowered = word.lower().rstrip(".")
    return _TITLE_ABBREVIATIONS.get(lowered, lowered)


def _antecedents_before(attribution: Attribution) -> int:
    """Where a pronoun source's antecedent must end: before the content it introduces when
    comes all before it ("“It’s rigged,” he said": not "It"), else before the pronoun."""
    assert attribution.source is not None
    if attribution.content and attribution.content[-1].end <= attribution.source.start:
        return attribution.content[0].start
    return attribution.source.start


def _capitalised_only_as_first_word(text: str, word: str) -> bool:
    """Whether ``word`` may be a common noun (a plural, or written in lower case too) that the
    text capitalises only where it opens a sentence (after a full stop, or not after a space).

    The patterns open with the word itself, so re looks for it as a string, and the word before
    each use is read from offsets, not from a copy of the text before it.
    """
    lower = re.escape(word.lower())
    if not word.endswith("s") and re.search(rf"{lower}(?<=\b{lower})\b", text) is None:
        return False
    escaped = re.escape(word)
    for found in re.finditer(rf"{escaped}(?<= {escaped})\b", text):
        previous = _last_word(text, found.start() - 1)
        if previous and (not previous.endswith((".", "!", "?")) or _TITLE.fullmatch(previous)):
            return False
    return True


def _named_as_a_place_or_thing(text: str, span: Span) -> bool:
    """Whether the word before a capitalised name says it is no person's: "the Middle East",
    "the Affordable Care Act", "in Boca Raton" (a person's name takes no article, and "in"
    before a name places something there, unless the name owns what follows: "in Trump's
    speech"). "a" and "that" are left out: "a Trump supporter" names Trump, if as a
    modifier."""
    before = straight_apostrophes(_last_word(text, span.start).lower())
    if before == "the":
        return True
    return before in _PLACE_PREPOSITIONS and not text.startswith(("'s", "’s"), span.end)


def _last_word(text: str, end: int) -> str:
    """The last of the whitespace-separated words of ``text[:end]`` ("" if none), as
    ``text[:end].rsplit(None, 1)[-1]`` gives it, without copying the text."""
    stop = end
    while stop > 0 and text[stop - 1].isspace():
        stop -= 1
    start = stop
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:stop]


def _mention_start(attribution: Attribution) -> int:
    return attribution.source.start if attribution.source is not None else -1


# Articles and the articles after them name the same people and bodies again and again, so
# what a text names is remembered across articles (per gazetteer, which is part of the key).


@lru_cache(maxsize=1 << 16)
def _known_source(text: str, gazetteer: _GazetteerMatcher) -> GazetteerEntry | None:
    return gazetteer.find_in(text)


@lru_cache(maxsize=1 << 16)
def _person_name(text: str, gazetteer: _GazetteerMatcher) -> tuple[list[str], bool] | None:
    """An entity's words and whether they look like a name, unless it names a known source or
    an institution."""
    words = text.split()
    if not words or not _INSTITUTION_WORDS.isdisjoint(words) or gazetteer.find_in(text) is not None:
        return None
    return words, _looks_like_name(words)


def _only_describes(words_before: str) -> bool:
    """Whether the words before a name describe the person named ("the Republican pollster",
    "Kasich's chief strategist"): no preposition or conjunction, which would make the name
    something else's ("a producer for Yahoo Studios", "Jeb Bush and Chris Christie")."""
    words = [straight_apostrophes(word.lower()) for word in words_before.split()]
    if words and words[0] in _DETERMINERS:
        words = words[1:]
    return bool(words) and _FUNCTION_WORDS.isdisjoint(words)


_POSSESSIVE = re.compile(r"['’]s?$")
_WORD_CHARACTERS = re.compile(r"\w+")
# A shorter singular ("New" of "the News") is too often a word of other names.
_MIN_SURNAME = 4


def _looks_like_name(words: list[str]) -> bool:
    if not 1 <= len(words) <= 4 or not _capitalised_as_a_name(words):
        return False
    lowered = [straight_apostrophes(word.lower()) for word in words]
    if _CLITIC_WORD.search(lowered[-1]) or _FUNCTION_WORDS.issuperset(lowered):
        return False
    if (lowered[0] in _PLACE_OPENERS and len(words) > 1) or lowered[-1] in _PLACE_ENDINGS:
        return False
    if all(_ACRONYM.fullmatch(word) for word in words):
        return False
    last = lowered[-1].rstrip(".")
    return (
        last not in _CALENDAR_WORDS
        and last not in _GROUP_WORDS
        and not last.endswith(_NATIONALITY_ENDINGS)
        and len(last) > 1
    )


def _capitalised_as_a_name(words: list[str]) -> bool:
    """Every word capitalised, but for particles right after the first ("Osama bin Laden",
    "Ursula von der Leyen") and an Arabic article before a surname ("Abu Bakr al-Baghdadi")."""
    rest = words[1:]
    while len(rest) > 1 and rest[0] in _NAME_PARTICLES:
        rest = rest[1:]
    return words[0][:1].isupper() and all(
        word[:1].isupper() or _ARTICLE_PREFIX.match(word) is not None for word in rest
    )


# Lower-case words after a person's first name: "Osama bin Laden", "Charles de Gaulle", "Ursula
# von der Leyen", "Ludwig van Beethoven".
_PARTICLES = "bin ibn ben de del della der di da du van von den la le dos das"
_NAME_PARTICLES = frozenset(_PARTICLES.split())
_ARTICLE_PREFIX = re.compile(r"(?:al|el)-[A-Z]")


# "I'm", "We're", "It's": a word with a clitic, not a name (names lose a possessive before here).
_CLITIC_WORD = re.compile(r"'(?:s|re|m|ve|ll|d)$")
