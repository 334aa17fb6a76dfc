"""Does the tagger's uncertainty tell false flags from needed ones? Measured on PolNeAR train.

    python benchmarks/attributed_share.py                      # 3 folds, fold taggers cached
    python benchmarks/attributed_share.py --work-dir DIR       # where the fold taggers are kept

The idea measured: a claim the tagger left unattributed, but to which its CRF gives a fair chance
of an attribution it did not pick (the statement's ``attributed_share``: the share of its words
the marginal probabilities put in a source, cue or content), is a note ("may rest on a source
sayso could not pin down") rather than a warning; with fewer false flags from missed cues the
needs-a-source threshold could fall and the strip recall rise.

Like the needs-a-source training (:mod:`sayso.evaluation.needs_source_training`), every train
article and every cut sentence is checked by a tagger trained without it (cross-fitted, the fold
taggers shared with ``flags_polnear.py --train-needs-source``), and each asked statement gets its
out-of-fold probability of needing a source. For each cut-off, the statements whose share
reaches it are made notes, and the threshold is chosen as the training chooses it (best strip
recall at 10% false flags at most); one line each, and one with the share as a feature of the
needs-a-source model instead (in six bands). Then the share's quartiles among the
statements flagged with no cut-off: false flags, cut sentences, right flags. Needs
../shared/corpora/polnear.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from sayso.evaluation.evaluate import terminal_progress
from sayso.evaluation.flags import MIN_GOLD_COVERAGE
from sayso.evaluation.needs_source_training import choose_threshold, collect, out_of_fold

POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "polnear"
CUT_OFFS = (None, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=POLNEAR, help="PolNeAR's directory")
    parser.add_argument("--folds", type=int, default=3, help="folds (default 3)")
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=Path(".sayso-training"),
        help="where the fold taggers are kept (default .sayso-training)",
    )
    options = parser.parse_args()
    with terminal_progress("checking train, cross-fitted") as progress:
        collected = collect(
            options.corpus / "train",
            "tagger",
            options.folds,
            options.work_dir,
            None if progress is None else lambda stage, done, total: progress(done, total),
            lambda line: print(line, file=sys.stderr),
            attributed_shares=True,
        )
    asked = collected.asked
    cases = sum(collected.cases_by_fold.values())
    probabilities = out_of_fold(asked, options.folds)
    print(f"train, cross-fitted: {len(asked)} asked statements, {cases} cut sentences")
    print("notes from share | threshold | false-flag rate | strip recall | warnings")
    for cut_off in CUT_OFFS:
        kept = [
            0.0 if cut_off is not None and (statement.attributed_share or 0.0) >= cut_off else p
            for statement, p in zip(asked, probabilities, strict=True)
        ]
        chosen = choose_threshold(asked, kept, cases)
        print(
            f"{'never' if cut_off is None else f'≥ {cut_off}':>16} | {chosen['threshold']:9.2f} | "
            f"{chosen['false_flag_rate']:15.1%} | {chosen['strip_recall']:12.1%} | "
            f"{chosen['flags']:8.0f}"
        )
    # The share as a feature of the needs-a-source model instead, in six bands.
    featured = [
        replace(statement, where=(*statement.where, _band(statement.attributed_share or 0.0)))
        for statement in asked
    ]
    chosen = choose_threshold(featured, out_of_fold(featured, options.folds), cases)
    print(
        f"{'as a feature':>16} | {chosen['threshold']:9.2f} | "
        f"{chosen['false_flag_rate']:15.1%} | {chosen['strip_recall']:12.1%} | "
        f"{chosen['flags']:8.0f}"
    )
    threshold = choose_threshold(asked, probabilities, cases)["threshold"]
    groups: dict[str, list[float]] = {"false flags": [], "cut sentences": [], "right flags": []}
    for statement, probability in zip(asked, probabilities, strict=True):
        if probability < threshold or statement.scene_setting:
            continue
        if statement.case is not None:
            group = "cut sentences"
        elif (statement.coverage or 0.0) >= MIN_GOLD_COVERAGE:
            group = "false flags"
        else:
            group = "right flags"
        groups[group].append(statement.attributed_share or 0.0)
    print(f"\nattributed share of the statements flagged at {threshold} (quartiles):")
    for group, shares in groups.items():
        shares.sort()
        quartiles = [shares[int(len(shares) * q)] for q in (0.25, 0.5, 0.75)] if shares else []
        print(f"  {group:>13} ({len(shares)}): " + " / ".join(f"{q:.2f}" for q in quartiles))
    return 0


def _band(share: float) -> str:
    for limit in (0.05, 0.1, 0.15, 0.25, 0.4):
        if share <= limit:
            return f"share<={limit}"
    return "share>0.4"


if __name__ == "__main__":
    sys.exit(main())
