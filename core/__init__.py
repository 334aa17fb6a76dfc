"""sayso: on whose say-so? Attribution extraction and sourcing checks for news articles."""

from __future__ import annotations

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

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Article",
    "Attribution",
    "Entity",
    "Finding",
    "Source",
    "Span",
    "Statement",
    "__version__",
]
