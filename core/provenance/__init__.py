"""Link: the same claim across articles, and who first said it.

:mod:`.identity` says which sources are one across articles (a source's id, which storage
stores). :mod:`.linking` groups statements of different articles that report one fact (claim
clusters), resolves each article's sources to canonical sources shared across articles, and
finds what only shows across articles (a claim whose every report goes back to one source). It
reads finished :class:`~sayso.pipeline.checkers.ArticleReport`\\ s; :mod:`sayso.storage` writes
what it finds.
"""
