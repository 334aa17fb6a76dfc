"""Measure: accuracy against annotated corpora and speed on real articles.

- :mod:`.brat` — reads a corpus laid out as PolNeAR is (brat standoff annotations).
- :mod:`.evaluate` — ``sayso eval``: precision, recall and F1 of an analyzer's sources, cues
  and contents (span-exact and same-start), and of the attributions themselves.
- :mod:`.flags` — how right the unattributed-claim flags are: the false-flag rate and the strip
  recall (``benchmarks/flags_polnear.py``).
- :mod:`.train` — ``sayso train``: a tagger model (:mod:`sayso.analysis.tagger`) from such a
  corpus, with its model card.
- :mod:`.bench` — ``sayso bench``: ``sayso check`` and an unchanged re-check timed as whole
  processes, in rounds, reported as medians.
"""
