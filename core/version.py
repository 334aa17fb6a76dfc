"""sayso's version, in a module of its own so the package's modules can read it without
importing ``sayso`` itself (whose ``__init__`` imports the API, which imports them)."""

__version__ = "0.1.0"
