"""Why cut sentences stay unflagged: the strip benchmark's misses on PolNeAR, by cause.

    python benchmarks/strip_misses.py                          # dev split, the shipped tagger
    python benchmarks/strip_misses.py --split train --cross-fitted --examples 5

The strip recall is defined in :mod:`sayso.evaluation.flags`, the causes in
:mod:`sayso.evaluation.strip_misses`. On train, ``--cross-fitted`` checks each article with a
tagger trained without it (kept in ``--work-dir``, as ``flags_polnear.py --train-needs-source``
keeps them; the first run trains three), since the shipped tagger has seen every train article.
Needs ../shared/corpora/polnear (development data, never committed).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sayso.evaluation.evaluate import terminal_progress
from sayso.evaluation.flags import format_examples
from sayso.evaluation.strip_misses import CAUSES, evaluate_strip_misses

POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "polnear"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=("dev", "train"))
    parser.add_argument("--analyzer", default="tagger", help="the analyzer (default tagger)")
    parser.add_argument("--corpus", type=Path, default=POLNEAR, help="PolNeAR's directory")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument(
        "--cross-fitted",
        action="store_true",
        help="check each article with a tagger trained without it (for the train split)",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=Path(".sayso-training"),
        help="with --cross-fitted: where the fold taggers are kept (default .sayso-training)",
    )
    parser.add_argument("--examples", type=int, default=0, help="list N misses of each cause")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    options = parser.parse_args()
    if options.cross_fitted and options.analyzer != "tagger":
        parser.error("--cross-fitted needs the tagger")
    with terminal_progress(f"strip misses ({options.analyzer})") as progress:
        found = evaluate_strip_misses(
            options.corpus / options.split,
            options.analyzer,
            options.cross_fitted,
            options.work_dir,
            options.limit,
            progress,
        )
    counts = found.counts()
    if options.json:
        print(json.dumps({"stripped": found.stripped, "missed": dict(counts)}, indent=2))
        return 0
    setting = "cross-fitted tagger" if options.cross_fitted else f"{options.analyzer} analyzer"
    print(
        f"{options.split}, {setting}: {counts.total()} of {found.stripped} cut contents "
        "get no warning"
    )
    for cause, count in counts.most_common():
        print(f"{count:6d}  {cause}: {CAUSES[cause]}")
        if options.examples:
            print("\n".join(format_examples(found.missed[cause], options.examples)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
