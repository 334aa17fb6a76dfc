import os
from pathlib import Path

import pytest
from sayso import hookimpl
from sayso.model import Checker

from tests.brat_corpus import write_brat_corpus

# Unit tests see the built-in plugins only, not whatever else is installed on the machine.
os.environ["SAYSO_LOAD_PLUGINS"] = ""

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def brat_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The invented corpus in PolNeAR's layout (tests/brat_corpus.py), shared: only read it."""
    return write_brat_corpus(tmp_path_factory.mktemp("brat_corpus"))


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
