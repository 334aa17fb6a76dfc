"""sayso's built-in checkers and its score: ordinary plugins, registered as third-party ones are.

Each module is one plugin (listed in :data:`sayso.manager.DEFAULT_PLUGINS`); the
case-insensitive word matching several of them share is :mod:`sayso.analysis.caseless`.
"""
