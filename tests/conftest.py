import os
from pathlib import Path

import pytest

# Unit tests see the built-in plugins only, not whatever else is installed on the machine.
os.environ["SAYSO_LOAD_PLUGINS"] = ""

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def seeds() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))
