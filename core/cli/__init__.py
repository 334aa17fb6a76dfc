"""The ``sayso`` command line: a thin layer that parses options, calls the API and renders.

``main`` is the console script; ``make_app`` builds the Typer app (with plugins' commands), for
``sayso.testing``'s CLI runner.
"""

from .app import main, make_app

__all__ = ["main", "make_app"]
