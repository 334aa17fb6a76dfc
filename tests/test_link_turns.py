"""benchmarks/link_turns.py runs both sides' links in turns and reports what it timed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing

from tests.conftest import ROOT, SEEDS


def test_link_turns_times_each_side_and_links_its_own_database(tmp_path):
    work = tmp_path / "work"
    finished = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "link_turns.py"),
            str(SEEDS),
            "--reference",
            sys.executable,
            "--size",
            "3",
            "--rounds",
            "2",
            "--work",
            str(work),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = finished.stdout.splitlines()
    runs = [line for line in lines if line.strip().startswith(("this:", "reference:"))]
    assert [line.split(":")[0].strip() for line in runs] == ["this", "reference"]
    assert all(line.count(",") == 1 for line in runs)  # two rounds, one run each a round
    assert any(line.strip().startswith("this / reference: median round") for line in lines)
    for side in ("this", "reference"):
        with closing(sqlite3.connect(work / f"checked-{side}.db")) as conn:
            assert conn.execute("SELECT count(*) FROM articles").fetchone() == (3,)
        with closing(sqlite3.connect(work / f"link-{side}.db")) as conn:
            assert conn.execute("SELECT count(*) FROM claim_clusters").fetchone()[0] > 0
