"""Store: the SQLite database a check writes and Datasette browses.

:mod:`.schema` describes the schema as it is, in one place: tables, columns, views, indexes and
the triggers that keep the browsing figures. :mod:`.migrations` brings an older database up to
it (sqlite-utils migrations; ``tests/test_schema.py`` checks the two agree). :mod:`.store`
turns reports and provenance into rows, writes them a batch per transaction, and answers the
re-check question (which articles are stored unchanged); :mod:`.merge` merges shards. The tables
are documented in docs/schema.md.
"""
