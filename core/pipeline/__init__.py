"""Run a check: read the inputs, analyze them in batches (in worker processes when that pays),
run the checkers and score each article.

- :mod:`.inputs` — files, directories, globs and stdin into :class:`~sayso.model.Article`\\ s,
  with clear errors for what cannot be read.
- :mod:`.engine` — the run's context (:class:`~sayso.pipeline.engine.Checking`: plugins,
  settings, lexicon, analyzer) and the check of each batch, within the time limit per article.
- :mod:`.workers` — the batches mapped over forked worker processes, and the garbage collector
  tuned for checking.
- :mod:`.checkers` — checker dispatch: the enabled checkers run, what they return validated and
  scored, into an :class:`~sayso.pipeline.checkers.ArticleReport` per article.
- :mod:`.enrich` — the ``enrich_analysis`` step between the analyzer and source resolution.
- :mod:`.validation` — what plugins return, checked at the boundary.
- :mod:`.budget` — the time limit per article.
- :mod:`.cluster` — the same run split over a Dask cluster, one shard per partition, merged.

Storing the reports is :mod:`sayso.storage`'s job; linking them across articles,
:mod:`sayso.provenance`'s; :mod:`sayso.api` puts the three together.
"""
