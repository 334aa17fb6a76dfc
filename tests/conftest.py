import os
from pathlib import Path

import pytest
from sayso import hookimpl
from sayso.model import Checker

# Unit tests see the built-in plugins only, not whatever else is installed on the machine.
os.environ["SAYSO_LOAD_PLUGINS"] = ""

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def seeds() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


class RaisingPlugin:
    """A plugin whose checker fails on every statement, for testing that failures are isolated."""

    @hookimpl
    def register_checkers(self, register):
        register(Checker(id="raiser", description="Always fails."))

    @hookimpl
    def check_statement(self, statement):
        raise RuntimeError("boom")
