"""The ``sayso`` command line: a thin layer over :func:`sayso.check` and friends."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from ..analysis.analyzers import describe_analyzers, get_analyzer
from ..api import CheckRun, Unchanged
from ..config import find_config, load_config, resolve_settings
from ..errors import SaysoError
from ..manager import PluginFailure, get_plugins
from ..pipeline.engine import ArticleReport, collect_less_often
from ..pipeline.inputs import MAX_BYTES, STDIN, expand_paths
from ..report import article_json, format_provenance, format_summary, format_text, provenance_json
from ..storage.store import DEFAULT_DB
from ..version import __version__

if TYPE_CHECKING:
    from ..evaluation.bench import Timing

# Up to this many articles are linked across (provenance) by default: a set read together.
LINK_LIMIT = 200


class Device(StrEnum):
    cpu = "cpu"
    cuda = "cuda"


StanzaDirOption = Annotated[
    Path | None,
    typer.Option(
        metavar="DIR", help="stanza resources directory [default: $STANZA_RESOURCES_DIR]."
    ),
]
DeviceOption = Annotated[Device, typer.Option(help="Where the stanza analyzer runs.")]


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    summary = "summary"


# What goes between two reports: a blank line, a comma (they are items of one JSON list), nothing.
REPORT_SEPARATORS = {OutputFormat.text: "\n", OutputFormat.json: ",\n", OutputFormat.summary: ""}


def _examples(*commands: str) -> str:
    # \b keeps click from re-wrapping the lines.
    return "\b\nExamples:\n" + "\n".join(f"  {command}" for command in commands)


def make_app() -> typer.Typer:
    """Build the CLI, including commands plugins add through ``register_commands``."""
    app = typer.Typer(
        name="sayso",
        help="On whose say-so? Find the attributions in news articles and check their sourcing.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    analyzers = _analyzer_list()
    app.command(
        "check",
        epilog=analyzers
        + "\n\n"
        + _examples(
            "sayso check seeds/000_81b6159aa6d9e869.txt",
            "sayso check articles/ --db newsroom.db --fail-under 60",
            "sayso check story.txt --no-db --format json > story.json",
            "sayso check story.txt --explain --disable unattributed",
            "sayso check 'archive/**/*.html' --workers 2 --quiet",
            "sayso check archive/ --analyzer offline --quiet",
            "curl -s https://example.com/story.html | sayso check -",
        ),
    )(check_command)
    app.command("plugins", epilog=_examples("sayso plugins", "sayso plugins --json"))(
        plugins_command
    )
    app.command(
        "eval",
        epilog=analyzers
        + "\n\n"
        + _examples(
            "sayso eval corpus/ --analyzer offline",
            "sayso eval corpus/ --analyzer conllu --errors 5",
            "sayso eval corpus/ --json --save-predictions predictions.jsonl",
        ),
    )(eval_command)
    app.command(
        "bench",
        epilog=_examples(
            "sayso bench archive/",
            "sayso bench archive/ --workers 1",
            "sayso bench archive/ --rounds 10",
        ),
    )(bench_command)
    app.command(
        "serve",
        epilog=_examples(
            "sayso check seeds/ && sayso serve", "sayso serve newsroom.db --port 8080"
        ),
    )(serve_command)
    app.add_typer(make_models_app(), name="models")
    # Without a command the callback still runs, so ``sayso --version`` works on its own.
    app.callback(invoke_without_command=True)(_version_callback)
    get_plugins().call("register_commands", app=app)
    return app


def _analyzer_list() -> str:
    """The analyzers --analyzer takes, one per line, from the plugins' registry."""
    described = describe_analyzers()
    width = max(len(name) for name, _ in described)
    lines = [f"  {name:<{width}}  {description}" for name, description in described]
    return "\b\nAnalyzers (--analyzer NAME):\n" + "\n".join(lines)


def _version_callback(
    context: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", help="Print sayso's version and exit.", is_eager=True)
    ] = False,
) -> None:
    if version:
        typer.echo(f"sayso {__version__}")
        raise typer.Exit()
    if context.invoked_subcommand is None:
        typer.echo(context.get_help())
        raise typer.Exit(2)


def check_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Article files (.txt, .md, .html), directories to search, globs, or - for stdin.",
            metavar="FILE...",
        ),
    ],
    db: Annotated[
        Path, typer.Option(metavar="PATH", help="SQLite database to store results in.")
    ] = Path(DEFAULT_DB),
    no_db: Annotated[bool, typer.Option("--no-db", help="Don't write a database.")] = False,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            help="Report as text, as JSON mirroring the database, or as a summary: one "
            "tab-separated line per article (score, claims attributed, most cited source, path).",
        ),
    ] = OutputFormat.text,
    analyzer: Annotated[
        str,
        typer.Option(
            metavar="NAME",
            help="auto, or an analyzer listed below: what finds the attributions.",
        ),
    ] = "auto",
    stanza_dir: StanzaDirOption = None,
    device: DeviceOption = Device.cpu,
    explain: Annotated[bool, typer.Option(help="Show how the sourcing score was reached.")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Show info-level findings too.")] = False,
    fail_under: Annotated[
        float | None,
        typer.Option(metavar="SCORE", help="Exit 1 if any article scores below this (0–100)."),
    ] = None,
    enable: Annotated[
        list[str], typer.Option(metavar="ID", help="Enable a checker by id (repeatable).")
    ] = [],  # noqa: B006
    disable: Annotated[
        list[str], typer.Option(metavar="ID", help="Disable a checker by id (repeatable).")
    ] = [],  # noqa: B006
    set_option: Annotated[
        list[str],
        typer.Option(
            "--set",
            metavar="ID.OPTION=VALUE",
            help="Set a checker option: ID.OPTION=VALUE (repeatable).",
        ),
    ] = [],  # noqa: B006
    config: Annotated[
        Path | None,
        typer.Option(
            metavar="PATH",
            help="Configuration file [default: the nearest sayso.toml, or pyproject.toml with "
            "[tool.sayso], in this directory or a parent].",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            metavar="N",
            min=0,
            help="Processes to check in (0: one per CPU for analyzers that gain from it, such "
            "as offline and tagger; else 1).",
        ),
    ] = 0,
    force: Annotated[
        bool, typer.Option("--force", help="Check articles stored unchanged again.")
    ] = False,
    max_bytes: Annotated[
        int, typer.Option(metavar="BYTES", min=1, help="Refuse inputs larger than this.")
    ] = MAX_BYTES,
    link: Annotated[
        bool | None,
        typer.Option(
            "--link/--no-link",
            help=f"Link claims across the articles [default: when at most {LINK_LIMIT}].",
        ),
    ] = None,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="No progress bar and no reports, whatever --format: only errors, warnings and "
            "one summary line at the end (articles checked, skipped and unreadable, mean score, "
            "how many scored below --fail-under).",
        ),
    ] = False,
) -> None:
    """Check articles: who said what, which claims have no source, and a sourcing score.

    Prints a report per article as it is done (with --quiet, one summary line at the end) and
    stores everything in SQLite. Articles stored
    unchanged (same text, sayso, plugins and settings) are skipped unless --force. Exits 2 if an
    input could not be read (the others are still checked), 1 if --fail-under is not met.
    """
    try:
        plugins = get_plugins()
        config_path = config or find_config(Path.cwd())
        settings = resolve_settings(
            plugins.checkers,
            load_config(config_path) if config_path else None,
            enable,
            disable,
            set_option,
        )
        analyzer_options = {
            "stanza_dir": str(stanza_dir) if stanza_dir else None,
            "device": device.value,
        }
        targets = list(expand_paths(paths))
        files = sum(1 for target in targets if isinstance(target, Path))
        link = 1 < files <= LINK_LIMIT if link is None else link
        # A quiet run renders nothing: its reports would only be thrown away.
        shown = None if quiet else output_format

        failures: dict[PluginFailure, int] = {}

        def render(report: ArticleReport) -> tuple[float, str]:
            for failure in report.failures:
                failures[failure] = failures.get(failure, 0) + 1
            if shown is None:
                return report.score, ""
            if shown is OutputFormat.json:
                return report.score, json.dumps(article_json(report), ensure_ascii=False, indent=2)
            if shown is OutputFormat.summary:
                return report.score, format_summary(report)
            return report.score, format_text(report, explain=explain, show_info=show_all)

        run = CheckRun(
            targets,
            render,
            db=None if no_db else db,
            analyzer=analyzer,
            settings=settings,
            plugins=plugins,
            analyzer_options=analyzer_options,
            workers=workers,
            skip_unchanged=not force,
            link=link,
            max_bytes=max_bytes,
        )
        if run.checking.analyzer_note:
            typer.echo(run.checking.analyzer_note, err=True)
        for failure in run.plugin_failures:
            typer.echo(f"warning: {failure}", err=True)
        progress = not quiet and STDIN not in map(str, paths)
        collect_less_often()
        scores = _print_reports(run, files, shown, fail_under, progress)
    except SaysoError as error:
        _fail(str(error))
    for failure, articles in failures.items():
        typer.echo(f"warning: {failure} (in {articles} article(s); see plugin_errors)", err=True)
    for input_error in run.errors:
        typer.echo(f"error: {input_error}", err=True)
    if quiet:
        typer.echo(_summary_line(run, scores, fail_under))
    elif run.skipped:
        typer.echo(
            f"{run.skipped} article(s) unchanged since their last check were not checked again "
            "(--force checks them).",
            err=True,
        )
    if run.errors:
        raise typer.Exit(2)
    if scores.below:
        if not quiet:
            typer.echo(f"{scores.below} article(s) scored below {fail_under:g}.", err=True)
        raise typer.Exit(1)


@dataclass
class _Scores:
    """The scores of the articles a run went through, checked or skipped as unchanged."""

    count: int = 0
    total: float = 0.0
    below: int = 0


def _print_reports(
    run: CheckRun[tuple[float, str]],
    total: int,
    shown: OutputFormat | None,
    fail_under: float | None,
    progress: bool,
) -> _Scores:
    """Print each report as it comes (JSON streamed as one document, nothing when ``shown`` is
    None); add up the scores."""
    scores = _Scores()
    separator = ""
    between = REPORT_SEPARATORS[shown] if shown is not None else ""
    unchanged: list[dict[str, object]] = []
    if shown is OutputFormat.json:
        typer.echo('{\n"articles": [')
    with _progress(total, progress) as advance:
        for item in run:
            advance()
            if isinstance(item, Unchanged):
                score = item.score
                if shown is OutputFormat.json:
                    unchanged.append({"id": item.article_id, "path": item.path, "score": score})
                elif shown is OutputFormat.summary:
                    typer.echo(f"{score:g}\tunchanged since its last check\t—\t{item.path}")
                elif shown is OutputFormat.text:
                    typer.echo(
                        f"{separator}{item.path} — unchanged since its last check: "
                        f"sourcing score {score:g}/100 (--force checks it again)"
                    )
            else:
                score, rendered = item
                if shown is not None:
                    typer.echo(separator + rendered)
            separator = between
            scores.count += 1
            scores.total += score
            scores.below += fail_under is not None and score < fail_under
    if shown is OutputFormat.json:
        tail: dict[str, object] = {"errors": [str(e) for e in run.errors], "unchanged": unchanged}
        if run.provenance is not None:
            tail["provenance"] = provenance_json(run.provenance)
        typer.echo("],\n" + json.dumps(tail, ensure_ascii=False, indent=2)[1:])
    elif shown is OutputFormat.text and run.provenance is not None:
        typer.echo("\n" + format_provenance(run.provenance))
    return scores


def _summary_line(
    run: CheckRun[tuple[float, str]], scores: _Scores, fail_under: float | None
) -> str:
    """What a quiet run prints: "840 articles checked, 0 skipped as unchanged, …"."""
    line = (
        f"{run.checked} article(s) checked, {run.skipped} skipped as unchanged, "
        f"{len(run.errors)} unreadable"
    )
    if scores.count:
        line += f"; mean sourcing score {scores.total / scores.count:.1f}/100"
    if fail_under is not None:
        line += f"; {scores.below} below {fail_under:g}"
    return line + "."


@contextmanager
def _progress(total: int, shown: bool) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr, if ``shown`` and stderr is a terminal."""
    if not shown or total < 2 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Checking", total=total)
        yield lambda: progress.advance(task)


def plugins_command(
    as_json: Annotated[bool, typer.Option("--json", help="Output JSON.")] = False,
) -> None:
    """List loaded plugins: name, version and the hooks each implements."""
    plugins = get_plugins()
    infos = plugins.info()
    if as_json:
        typer.echo(json.dumps([asdict(info) for info in infos], indent=2))
    else:
        width = max(len(info.name) for info in infos)
        for info in infos:
            typer.echo(f"{info.name:<{width}}  {info.version:<8}  {', '.join(info.hooks)}")
    for failure in plugins.failures:
        typer.echo(f"warning: {failure}", err=True)


def eval_command(
    corpus: Annotated[Path, typer.Argument(help="Corpus with text/ and attributions/ (brat).")],
    analyzer: Annotated[
        str,
        typer.Option(
            metavar="NAME",
            help="An analyzer listed below (conllu reads parses from conllu/NAME.conllu).",
        ),
    ] = "offline",
    stanza_dir: StanzaDirOption = None,
    device: DeviceOption = Device.cpu,
    as_json: Annotated[bool, typer.Option("--json", help="Output JSON.")] = False,
    save_predictions: Annotated[
        Path | None, typer.Option(metavar="PATH", help="Write predicted spans as JSON lines.")
    ] = None,
    errors: Annotated[
        int, typer.Option(metavar="N", help="Show the N worst articles' missed and spurious spans.")
    ] = 0,
) -> None:
    """Measure attribution accuracy on a brat-standoff corpus laid out as PolNeAR is."""
    from ..evaluation import evaluate
    from ..pipeline.engine import Checking

    try:
        options = {"stanza_dir": str(stanza_dir) if stanza_dir else None, "device": device.value}
        checking = Checking.prepare(analyzer, analyzer_options=options)
        chosen = get_analyzer(checking.analyzer, **checking.analyzer_options)
        with evaluate.terminal_progress() as progress:
            result = evaluate.evaluate(corpus, chosen, checking.lexicon, progress)
    except SaysoError as error:
        _fail(str(error))
    if save_predictions is not None:
        evaluate.save_predictions(result, save_predictions)
    report = evaluate.to_json(result, errors) if as_json else evaluate.format_text(result, errors)
    typer.echo(report)


def serve_command(
    db: Annotated[Path, typer.Argument(metavar="[DB]", help="sayso database to browse.")] = Path(
        DEFAULT_DB
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8001,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Browse a database of checked articles in Datasette (needs sayso[serve])."""
    import importlib.util

    if importlib.util.find_spec("datasette") is None:
        _fail("sayso serve needs Datasette: pip install 'sayso[serve]'")
    if not db.is_file():
        _fail(f"no database at {db}; run sayso check first")
    from ..web.serve import serve

    typer.echo(f"Serving {db} at http://{host}:{port}/ (Ctrl+C to stop)")
    serve(db, host=host, port=port)


def make_models_app() -> typer.Typer:
    models = typer.Typer(
        help="The stanza models the stanza analyzer needs: see which are installed, fetch them.",
        no_args_is_help=True,
    )
    models.command(
        "status",
        epilog=_examples("sayso models status", "sayso models status --stanza-dir ~/stanza --json"),
    )(models_status_command)
    models.command(
        "download",
        epilog=_examples("sayso models download", "sayso models download --stanza-dir ~/stanza"),
    )(models_download_command)
    return models


def models_status_command(
    stanza_dir: StanzaDirOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Output JSON.")] = False,
) -> None:
    """Show which stanza model files are installed. Exits 1 if any is missing."""
    from ..analysis.stanza_models import DOWNLOAD_COMMAND, model_status, resources_dir

    directory = str(stanza_dir) if stanza_dir else None
    files = model_status(directory)
    if as_json:
        rows = [{**asdict(f), "path": str(f.path)} for f in files]
        typer.echo(
            json.dumps({"directory": str(resources_dir(directory)), "models": rows}, indent=2)
        )
    else:
        typer.echo(f"stanza resources: {resources_dir(directory)}")
        widths = [max(len(getattr(f, column)) for f in files) for column in ("model", "package")]
        for f in files:
            mark = "present" if f.present else "MISSING"
            typer.echo(
                f"  {f.model:<{widths[0]}}  {f.package:<{widths[1]}}  {mark}  ({f.processor})"
            )
    if not all(f.present for f in files):
        if not as_json:
            typer.echo(f"Run `{DOWNLOAD_COMMAND}` to fetch the missing models.", err=True)
        raise typer.Exit(1)


def models_download_command(stanza_dir: StanzaDirOption = None) -> None:
    """Download stanza's English models (tokenize, mwt, pos, lemma, depparse, ner; ~660 MB).

    This is the only sayso command that uses the network. stanza shows download progress.
    """
    from ..analysis.stanza_models import download_models

    try:
        where = download_models(str(stanza_dir) if stanza_dir else None)
    except Exception as error:  # network and disk errors arrive as many types; report, don't trace
        _fail(f"download failed: {error}")
    typer.echo(f"stanza models installed in {where}")


def bench_command(
    directory: Annotated[Path, typer.Argument(help="Directory of articles to check.")],
    analyzer: Annotated[str, typer.Option(metavar="NAME", help="Analyzer to time.")] = "offline",
    workers: Annotated[
        int, typer.Option(metavar="N", min=0, help="Worker processes (0: one per CPU).")
    ] = 0,
    rounds: Annotated[
        int,
        typer.Option(metavar="N", min=1, help="Times to run the pair, each into a fresh database."),
    ] = 1,
) -> None:
    """Time sayso check on a directory into a fresh database, then re-check it unchanged.

    Each run is a whole `python -m sayso check` process; prints words/s, articles/s, CPU time
    and peak memory (the largest process). With --rounds, the median and the extremes too.
    """
    from ..evaluation.bench import format_timings, run_benchmark

    if not directory.is_dir():
        _fail(f"{directory}: not a directory")
    options = ["--analyzer", analyzer, "--workers", str(workers)]
    try:
        timings = run_benchmark(directory, options, rounds, on_timing=_report_timing)
    except RuntimeError as error:
        _fail(str(error))
    typer.echo(format_timings(directory, timings))


def _report_timing(timing: Timing) -> None:
    typer.echo(f"{timing.label}: {timing.seconds:.2f} s", err=True)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def main() -> None:
    try:
        app = make_app()
    except SaysoError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    # Named "sayso" however it was started (python -m sayso too): shell completion keys on it.
    app(prog_name="sayso")
