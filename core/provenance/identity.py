"""Source identity: the id that makes a source one row shared by every article naming it.

A named source ("KCNA", "the White House") is the same source wherever it is named; one named
only by what an article calls it ("officials", "a report", someone unnamed) is not: "officials"
in two articles are different people. Both storage (the ``sources`` rows) and linking (which
sources two articles share) go by this id.
"""

from __future__ import annotations

from ..analysis.names import row_slug
from ..model import Source

# Types whose sources are each article's own: the same words in two articles are not one source.
ARTICLE_SCOPED_TYPES = frozenset({"anonymous", "document", "unknown"})


def source_id(source: Source, article_id: str) -> str:
    """A source's row id: named sources are shared across articles, unnamed ones are not."""
    return row_id(source.type, row_slug(source.name), article_id)


def row_id(source_type: str, slug: str, article_id: str) -> str:
    """The row id of a source of this type whose name has this :func:`row_slug`."""
    if source_type in ARTICLE_SCOPED_TYPES:
        return f"{source_type}:{article_id}:{slug}"
    return f"{source_type}:{slug}"
