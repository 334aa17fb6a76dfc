"""Measure: accuracy against annotated corpora and speed on real articles.

- :mod:`.brat` — reads a corpus laid out as PolNeAR is (brat standoff annotations).
- :mod:`.evaluate` — ``sayso eval``: precision, recall and F1 of an analyzer's sources, cues
  and contents (span-exact and same-start), and of the attributions themselves.
- :mod:`.bench` — ``sayso bench``: ``sayso check`` and an unchanged re-check timed as whole
  processes, in rounds, reported as medians.
"""
