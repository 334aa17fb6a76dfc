"""Word lists for extraction and source typing: cue verbs, known outlets, anonymous sources.

Everything here is plain data that plugins extend through the ``register_lexicon`` hook, e.g.::

    @hookimpl
    def register_lexicon(lexicon):
        lexicon.add_cue_verbs("opine")
        lexicon.add_source("Rodong Sinmun", "state_media")
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .analysis.names import lexicon_key
from .model import SOURCE_TYPES, SourceType


def _words(text: str) -> list[str]:
    return text.split()


# Verbs whose subject is a source and whose complement is content. Speech, belief, intention and
# evidence verbs all count: PolNeAR annotates "he figures that …" as an attribution too.
SPEECH_VERBS = _words(
    "say tell add announce report disclose reveal state claim accuse deny insist warn confirm "
    "indicate show note explain argue assert acknowledge admit allege suggest predict promise "
    "declare reply respond write tweet post comment recall describe estimate conclude complain "
    "contend maintain mention observe remark repeat reiterate stress emphasize "
    "emphasise urge ask question demand charge boast concede caution vow pledge testify "
    "characterize insist agree disagree counter criticize praise blame call quip joke"
)
# Cues of more than one word; kept apart because the lists above are split on spaces.
PHRASAL_CUES = ["point out", "point to", "call for", "refer to", "talk about", "speak about"]
BELIEF_VERBS = _words(
    "believe think feel know expect hope fear worry doubt figure reckon consider suspect "
    "understand assume guess imagine want plan intend wish decide learn find see endorse propose "
    "prefer seek cite express describe continue"
)
EVIDENCE_VERBS = _words("indicate show suggest reveal demonstrate confirm")

# Forms English does not build by rule.
IRREGULAR_FORMS: dict[str, tuple[str, ...]] = {
    "say": ("said",),
    "tell": ("told",),
    "write": ("wrote", "written"),
    "think": ("thought",),
    "feel": ("felt",),
    "know": ("knew", "known"),
    "understand": ("understood",),
    "show": ("showed", "shown"),
    "learn": ("learned", "learnt"),
    "hear": ("heard",),
    "find": ("found",),
    "see": ("saw", "seen"),
    "seek": ("sought",),
}
# Verbs that double their last consonant before -ed and -ing.
DOUBLING_VERBS = {"admit", "regret", "plan", "commit", "submit", "quip", "prefer", "refer", "omit"}

# The tables below are laid out by hand for reading.
# fmt: off
# Outlets controlled by a state; their reports are not independent confirmation.
STATE_MEDIA = {
    "KCNA": (
        "Korean Central News Agency", "Korea's central news agency", "Korea’s central news agency",
        "North Korean state media", "North Korea's state media", "North Korea’s state media",
    ),
    "Rodong Sinmun": (),
    "Xinhua": ("Xinhua News Agency",),
    "TASS": ("ITAR-TASS",),
    "RIA Novosti": ("RIA",),
    "RT": ("Russia Today",),
    "CCTV": ("China Central Television",),
    "CGTN": (),
    "Global Times": (),
    "People's Daily": ("People’s Daily",),
    "Press TV": (),
    "IRNA": ("Islamic Republic News Agency",),
    "SANA": ("Syrian Arab News Agency",),
    "Sputnik": (),
}
NEWS_AGENCIES = {
    "AP": ("Associated Press", "The Associated Press"),
    "Reuters": (),
    "AFP": ("Agence France-Presse", "Agence France Presse"),
    "Yonhap": ("Yonhap News Agency",),
    "Kyodo": ("Kyodo News",),
    "dpa": ("Deutsche Presse-Agentur",),
    "EFE": (),
    "ANSA": (),
    "Bloomberg": ("Bloomberg News",),
    "UPI": ("United Press International",),
}
GOVERNMENTS = {
    "United States government": (
        "Washington", "the White House", "the Biden administration", "the State Department",
        "the Pentagon", "the United States", "U.S.", "U.S", "America",
    ),
    "North Korean government": ("Pyongyang", "North Korea", "DPRK", "the DPRK"),
    "Russian government": ("Moscow", "the Kremlin", "Russia"),
    "Chinese government": ("Beijing", "China"),
    "South Korean government": ("Seoul", "South Korea"),
}
# Newspapers, broadcasters, news sites and platforms: organisations, whose names look like a
# person's ("Politico", "USA Today") or are acronyms written either way ("CNN", "USA TODAY").
NEWS_OUTLETS = {
    "USA Today": ("USA TODAY",),
    "CNN": (),
    "Fox News": ("Fox",),
    "MSNBC": (),
    "NBC News": ("NBC",),
    "CBS News": ("CBS",),
    "ABC News": ("ABC",),
    "NPR": (),
    "BBC": (),
    "Politico": ("POLITICO",),
    "The Hill": (),
    "Axios": (),
    "BuzzFeed": ("BuzzFeed News",),
    "Breitbart": ("Breitbart News",),
    "HuffPost": ("Huffington Post", "The Huffington Post", "HuffPost Pollster"),
    "Vox": (),
    "Slate": (),
    "Forbes": (),
    "Bloomberg Businessweek": (),
    "PolitiFact": ("Politifact",),
    "FactCheck.org": (),
    "Twitter": (),
    "Facebook": (),
    "YouTube": (),
    "Google": (),
}
# Nominal mentions that refer back to the last state-media or news-agency source named.
OUTLET_ANAPHORS = (
    "the agency", "the news agency", "the state news agency", "state media", "the state media",
    "state news media", "the state news media", "the news report", "the report", "the outlet",
    "the official news agency", "the newspaper", "the broadcaster",
)
# Head nouns of sources who are not named.
ANONYMOUS_NOUNS = _words(
    "official officials source sources diplomat diplomats aide aides insider insiders person "
    "people analyst analysts observer observers expert experts witness witnesses resident "
    "residents spokesperson spokesman spokeswoman critic critics opponent opponents supporter "
    "supporters"
)
# Phrases that mark a source as deliberately unnamed.
ANONYMITY_MARKERS = (
    "who asked not to be named", "who declined to be named", "who spoke on condition of anonymity",
    "on condition of anonymity", "familiar with", "who requested anonymity", "not authorized to",
    "not authorised to", "close to",
)
EVIDENCE_NOUNS = _words(
    "image images photo photos photograph photographs picture pictures video videos footage "
    "satellite document documents data record records report reports study studies survey "
    "surveys poll polls analysis figures statistics audit audits review reviews investigation "
    "investigations inquiry assessment assessments estimate estimates memo memos letter letters "
    "email emails filing filings transcript transcripts"
)
PERSON_TITLES = _words(
    "President Minister Secretary Senator Sen. Rep. Representative Governor Gov. Mayor General "
    "Gen. Col. Colonel Admiral Adm. Chairman Chairwoman Chair Premier Prime Chancellor Ambassador "
    "Dr. Mr. Mrs. Ms. Prof. Professor King Queen Prince Judge Justice Leader Spokesperson "
    "Spokesman Spokeswoman Coordinator Director Commissioner Speaker Rev. Reverend Rabbi"
)
# Newspapers' and news services' names end in these ("The Charlotte Observer", "Business
# Insider").
NEWSPAPER_WORDS = _words(
    "News Times Post Journal Observer Insider Tribune Herald Gazette Examiner Telegraph "
    "Chronicle Magazine Monitor Courier Globe Register Dispatch Inquirer Enquirer Bulletin"
)
# Companies' and groups' names end in these ("Peabody Energy", "Freedom Partners", "the
# International Monetary Fund"); in lower case they are no body's name ("energy", "oil").
BUSINESS_WORDS = _words(
    "Energy Oil Motors Airlines Holdings Partners Industries Enterprises Technologies Systems "
    "Communications Fund Trust Alliance Coalition Federation Caucus Society"
)
ORGANIZATION_WORDS = [
    *_words(
        "Agency Association Bank Board Center Centre Commission Committee Company Corp. "
        "Corporation Council Court Department Foundation Group Inc. Institute League Ministry "
        "Office Organization Organisation Party Union University Network Staff Chiefs Army Navy "
        "Military Police Service Parliament Congress Senate Assembly Campaign Guard"
    ),
    *BUSINESS_WORDS,
    *NEWSPAPER_WORDS,
]
# The same words in lower case name a body when they end a source's name: "the council", "the
# city council", "the group", "the agency"; not the newspaper words ("the news", "the post"),
# the abbreviations, nor the words of a person's post ("chief of staff", "a security guard").
BODY_NOUNS = {word.lower() for word in ORGANIZATION_WORDS}.difference(
    [word.lower() for word in (*NEWSPAPER_WORDS, *BUSINESS_WORDS)],
    _words("inc. corp. staff chiefs guard"),
)
GOVERNMENT_WORDS = _words(
    "government administration ministry Ministry Department Kremlin Pentagon Cabinet cabinet "
    "White House Foreign Office State Department"
)
# fmt: on


def verb_forms(lemma: str) -> tuple[str, ...]:
    """Return a verb's forms: base, -s, -ed, -ing and irregular ones (``"say"`` → said, says…)."""
    words = lemma.split()
    verb, rest = words[0], " ".join(words[1:])
    forms = {verb, *IRREGULAR_FORMS.get(verb, ())}
    if verb.endswith("e"):
        forms |= {verb + "s", verb + "d", verb[:-1] + "ing"}
    elif verb.endswith("y") and verb[-2:-1] not in "aeiou":
        forms |= {verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
    elif re.search(r"(s|sh|ch|x|z)$", verb):
        forms |= {verb + "es", verb + "ed", verb + "ing"}
    elif verb in DOUBLING_VERBS:
        forms |= {verb + "s", verb + verb[-1] + "ed", verb + verb[-1] + "ing"}
    else:
        forms |= {verb + "s", verb + "ed", verb + "ing"}
    if verb in IRREGULAR_FORMS:
        forms -= {verb + "ed", verb + "d"} - set(IRREGULAR_FORMS[verb])
    return tuple(sorted(f"{form} {rest}".strip() for form in forms))


@dataclass
class GazetteerEntry:
    name: str
    type: SourceType
    aliases: tuple[str, ...] = ()


@dataclass
class Lexicon:
    """The extendable word lists. Built fresh for each run, then handed to ``register_lexicon``."""

    cue_verbs: set[str] = field(
        default_factory=lambda: set(SPEECH_VERBS) | set(BELIEF_VERBS) | set(PHRASAL_CUES)
    )
    evidence_verbs: set[str] = field(default_factory=lambda: set(EVIDENCE_VERBS))
    gazetteer: dict[str, GazetteerEntry] = field(default_factory=dict)
    outlet_anaphors: set[str] = field(default_factory=lambda: set(OUTLET_ANAPHORS))
    anonymous_nouns: set[str] = field(default_factory=lambda: set(ANONYMOUS_NOUNS))
    anonymity_markers: set[str] = field(default_factory=lambda: set(ANONYMITY_MARKERS))
    evidence_nouns: set[str] = field(default_factory=lambda: set(EVIDENCE_NOUNS))
    person_titles: set[str] = field(default_factory=lambda: set(PERSON_TITLES))
    _index: dict[str, GazetteerEntry] | None = field(default=None, init=False, repr=False)

    @classmethod
    def default(cls) -> Lexicon:
        lexicon = cls()
        for table, source_type in (
            (STATE_MEDIA, "state_media"),
            (NEWS_AGENCIES, "news_agency"),
            (GOVERNMENTS, "government"),
            (NEWS_OUTLETS, "organization"),
        ):
            for name, aliases in table.items():
                lexicon.add_source(name, source_type, aliases)  # type: ignore[arg-type]
        return lexicon

    def add_cue_verbs(self, *lemmas: str) -> None:
        """Add speech, belief or evidence verbs by their base form ("opine", "point out")."""
        self.cue_verbs.update(lemma.lower() for lemma in lemmas)

    def add_source(
        self, name: str, type: SourceType, aliases: tuple[str, ...] | list[str] = ()
    ) -> None:
        """Add a known source: its canonical name, its type and other names it goes by.

        Adding a name that is already known sets its type and adds to its aliases.
        """
        if type not in SOURCE_TYPES:
            expected = ", ".join(SOURCE_TYPES)
            raise ValueError(f"unknown source type {type!r}; expected one of {expected}")
        known = self.gazetteer.get(name)
        previous = known.aliases if known else ()
        merged = tuple(dict.fromkeys((*previous, *aliases)))
        self.gazetteer[name] = GazetteerEntry(name, type, merged)
        self._index = None

    def add_aliases(self, name: str, *aliases: str) -> None:
        """Add other names for a known source: ``add_aliases("KCNA", "the Pyongyang agency")``."""
        if name not in self.gazetteer:
            raise ValueError(f"no source named {name!r} in the gazetteer; add it with add_source")
        entry = self.gazetteer[name]
        self.add_source(name, entry.type, aliases)

    def add_anonymous_nouns(self, *nouns: str) -> None:
        """Add head nouns of unnamed sources ("insiders", "a person briefed on")."""
        self.anonymous_nouns.update(noun.lower() for noun in nouns)

    def add_anonymity_markers(self, *phrases: str) -> None:
        """Add phrases that mark a source as unnamed ("who was not authorised to speak")."""
        self.anonymity_markers.update(phrase.lower() for phrase in phrases)

    def add_outlet_anaphors(self, *phrases: str) -> None:
        """Add nominal phrases that refer back to the last outlet named ("the broadcaster")."""
        self.outlet_anaphors.update(phrase.lower() for phrase in phrases)

    def cue_forms(self) -> dict[str, str]:
        """Map every inflected cue form ("said", "points out") to its lemma."""
        return {form: lemma for lemma in self.cue_verbs for form in verb_forms(lemma)}

    def lookup_source(self, mention: str) -> GazetteerEntry | None:
        """The gazetteer entry a mention names, matching names and aliases case-insensitively."""
        if self._index is None:
            self._index = {
                lexicon_key(name): entry
                for entry in self.gazetteer.values()
                for name in (entry.name, *entry.aliases)
            }
        return self._index.get(lexicon_key(mention))
