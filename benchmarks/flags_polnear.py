"""Measure the unattributed-claim flags on PolNeAR: false-flag rate and strip recall.

    python benchmarks/flags_polnear.py                     # dev split, offline analyzer
    python benchmarks/flags_polnear.py --analyzer offline --split train --examples 20
    python benchmarks/flags_polnear.py --learn-cue-words   # rewrite core/analysis/cue_words.py
    python benchmarks/flags_polnear.py --train-needs-source --short-quotes  # needs_source.json
    python benchmarks/flags_polnear.py --train-needs-source --analyzer offline  # its own model
    python benchmarks/flags_polnear.py --train-needs-source --learning-rate 0.1  # another SGD step

The figures are defined in :mod:`sayso.evaluation.flags`. Needs ../shared/corpora/polnear
(development data, never committed). Exits 1 when a figure misses the issue's goal (false-flag
rate at most 10%, strip recall at least 80%), so it can gate a long CI job.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sayso.analysis.needs_source import LEARNING_RATE, model_path
from sayso.evaluation.evaluate import terminal_progress
from sayso.evaluation.flags import (
    MAX_FALSE_FLAG_RATE,
    MIN_STRIP_RECALL,
    cue_words_module,
    evaluate_flags,
    format_examples,
    learn_cue_words,
)
from sayso.evaluation.needs_source_training import train_needs_source

POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "polnear"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=("dev", "train"))
    parser.add_argument(
        "--analyzer", help="offline (the default) or tagger; tagger for --train-needs-source"
    )
    parser.add_argument("--corpus", type=Path, default=POLNEAR, help="PolNeAR's directory")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--examples", type=int, default=0, help="list N errors of each kind")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.add_argument(
        "--learn-cue-words",
        action="store_true",
        help="write core/analysis/cue_words.py from the train split's gold cues, then stop",
    )
    parser.add_argument(
        "--train-needs-source",
        action="store_true",
        help="write the needs-a-source model for --analyzer (default there: tagger, "
        "cross-fitted; core/analysis/needs_source.json), trained on the train split, then stop",
    )
    parser.add_argument(
        "--folds", type=int, default=3, help="with --train-needs-source: folds (default 3)"
    )
    parser.add_argument(
        "--learning-rate",
        type=float,
        default=LEARNING_RATE,
        help=f"with --train-needs-source: the SGD step (default {LEARNING_RATE})",
    )
    parser.add_argument(
        "--short-quotes",
        action="store_true",
        help="with --train-needs-source: quotations of at most four words (names, scare quotes) "
        "are a feature of their own, not quote-mark (the tagger's model is trained so)",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=Path(".sayso-training"),
        help="with --train-needs-source: where the fold taggers are kept (default .sayso-training)",
    )
    options = parser.parse_args()
    if options.train_needs_source:
        with terminal_progress("training needs-a-source") as progress:
            model = train_needs_source(
                options.corpus / "train",
                options.analyzer or "tagger",
                options.folds,
                options.work_dir,
                None if progress is None else lambda stage, done, total: progress(done, total),
                lambda line: print(line, file=sys.stderr),
                options.learning_rate,
                options.short_quotes,
            )
        path = model_path(options.analyzer or "tagger")
        path.write_text(model.to_json(), encoding="utf-8")
        print(f"wrote {path}: thresholds {model.threshold} (claim), {model.cut_threshold} (cut)")
        print(json.dumps(model.trained["threshold_chosen_out_of_fold"]))
        return 0
    if options.learn_cue_words:
        train = options.corpus / "train"
        module = Path(__file__).resolve().parents[1] / "core" / "analysis" / "cue_words.py"
        module.write_text(cue_words_module(learn_cue_words(train), train), encoding="utf-8")
        print(f"wrote {module}")
        return 0

    analyzer = options.analyzer or "offline"
    with terminal_progress(f"flags ({analyzer})") as progress:
        result = evaluate_flags(options.corpus / options.split, analyzer, progress, options.limit)
    if options.json:
        print(json.dumps(result.as_dict(), indent=2))
    else:
        print(
            f"{options.split}, {analyzer} analyzer, {result.articles} articles\n"
            f"false-flag rate: {result.false_flag_rate:.1%} "
            f"({len(result.false_flags)} of {result.flags} warning-level unattributed flags "
            "fall on statements the annotators attributed)\n"
            f"strip recall: {result.strip_recall:.1%} "
            f"({result.stripped - len(result.missed)} of {result.stripped} stripped contents "
            "flagged)"
        )
    if options.examples:
        print("\nfalse flags:")
        print("\n".join(format_examples(result.false_flags, options.examples)))
        print("\nstripped contents not flagged:")
        print("\n".join(format_examples(result.missed, options.examples)))
    below = []
    if result.false_flag_rate > MAX_FALSE_FLAG_RATE:
        below.append(f"false-flag rate {result.false_flag_rate:.1%} > {MAX_FALSE_FLAG_RATE:.0%}")
    if result.strip_recall < MIN_STRIP_RECALL:
        below.append(f"strip recall {result.strip_recall:.1%} < {MIN_STRIP_RECALL:.0%}")
    print("\n".join(below) or "both figures meet the goal", file=sys.stderr)
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
