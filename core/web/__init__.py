"""Browse: ``sayso serve`` and the Datasette plugin that renders sayso's databases.

- :mod:`.serve` — prepares a database for browsing (views, facets, metadata) and starts
  Datasette on it.
- :mod:`.datasette_plugin` — the article and claim-cluster pages, with :file:`templates/` and
  :file:`static/`.
"""
