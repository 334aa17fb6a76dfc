"""sayso: on whose say-so? Attribution extraction and sourcing checks for news articles."""

from __future__ import annotations

from .api import CheckResult, check, link, merge
from .hookspecs import hookimpl
from .model import (
    Analysis,
    Article,
    Attribution,
    Entity,
    Finding,
    Source,
    Span,
    Statement,
)
from .version import __version__

__all__ = [
    "Analysis",
    "Article",
    "Attribution",
    "CheckResult",
    "Entity",
    "Finding",
    "Source",
    "Span",
    "Statement",
    "__version__",
    "check",
    "hookimpl",
    "link",
    "merge",
]
