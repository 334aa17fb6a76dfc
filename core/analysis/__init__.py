"""Analyze: from an article's text to statements, attributions and canonical sources.

Reading order, which is also the order a check runs them in:

- :mod:`.analyzers` — the analyzer registry: which analyzers plugins registered, what "auto"
  picks, and building the one a run asks for.
- :mod:`.offline`, :mod:`.stanza`, :mod:`.conllu` — sayso's own analyzers (ordinary plugins);
  the last two share the parse-based extraction in :mod:`.dependency`.
- :mod:`.tagger` — the trained analyzer (the default): a CRF stacked on the rules, with parse
  features when a parse is at hand (``tagger-conllu``, ``tagger-stanza``).
- :mod:`.segment` — paragraphs, sentences and statements, shared by every analyzer.
- :mod:`.attribution_steps` — what every analyzer's output goes through next: headlines are not
  attributions, "declined to comment" is a non-attribution, transcript speaker labels, and
  attribution that carries over to the rest of a quotation or passage.
- :mod:`.cue_words` — words PolNeAR's annotators mostly mark as cues (learned from its train
  split), which tell that a sentence reports someone's stance.
- :mod:`.sources` — turns each attribution's source *mention* into a canonical, typed source.
- :mod:`.caseless` — case-insensitive search of ASCII word patterns in lower-cased text (and
  quick tests of whether one can match), which checkers and the steps above share.
- :mod:`.names` — every normalisation of a name or mention (resolution, gazetteer, linking,
  keys and row ids), each named for what it is for.
- :mod:`.stanza_models` — where stanza's models are, which are missing, how to fetch them.

The word lists all of these read are :mod:`sayso.lexicon`, which plugins extend.
"""
