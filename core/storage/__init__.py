"""Store: the SQLite database a check writes and Datasette browses.

:mod:`.store` holds the schema (sqlite-utils migrations), turns reports and provenance into
rows, writes them a batch per transaction, and answers the re-check question (which articles are
stored unchanged). The tables are documented in the README's "Database schema".
"""
