"""The ``sayso`` command line: a thin layer over :func:`sayso.check` and friends."""

from __future__ import annotations

import functools
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec

import typer
from typer.core import TyperCommand

from ..analysis.analyzers import describe_analyzers, get_analyzer
from ..analysis.tagger import (
    DEFAULT_C1,
    DEFAULT_C2,
    DEFAULT_ITERATIONS,
    DEFAULT_LABELS,
)
from ..api import LINK_LIMIT, CheckRun, Unchanged, expanded, links_by_default
from ..config import load_configuration
from ..document import article_document, check_document
from ..errors import ModelWarning, SaysoError
from ..manager import get_plugins
from ..pipeline.budget import DEFAULT_TIME_LIMIT
from ..pipeline.checkers import ArticleReport
from ..pipeline.inputs import MAX_BYTES, STDIN
from ..report import format_github, format_summary
from ..storage.store import DEFAULT_DB
from ..version import __version__

if TYPE_CHECKING:
    from ..evaluation.bench import Timing

P = ParamSpec("P")


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
ModelOption = Annotated[
    Path | None,
    typer.Option(
        metavar="DIR",
        help="A tagger model made by `sayso train` [default: the one shipped with sayso].",
    ),
]


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    summary = "summary"
    github = "github"


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


class _Command(TyperCommand):
    """A command whose usage line reads ``sayso check [OPTIONS] FILE...``: typer would write
    required arguments as ``{FILE...}``, which looks like a set of choices."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [
            piece[1:-1] if piece.startswith("{") and piece.endswith("}") else piece
            for piece in super().collect_usage_pieces(ctx)
        ]


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
    # Every command reads its usage line as above, the ones plugins add too.
    app.command = functools.partial(app.command, cls=_Command)  # type: ignore[method-assign]
    analyzers = _analyzer_list()
    app.command(
        "check",
        epilog=analyzers
        + "\n\n"
        + _examples(
            "sayso check seeds/000_81b6159aa6d9e869.txt",
            "sayso check articles/ --db newsroom.db --fail-under 60",
            "sayso check story.txt --no-db --format json > story.json",
            "sayso check articles/ --format github --fail-under 60",
            "sayso check story.txt --explain --disable unattributed",
            "sayso check 'archive/**/*.html' --workers 2 --quiet",
            "sayso check archive/ --db archive.db --dask",
            "sayso check archive/ --db /shared/archive.db --scheduler tcp://scheduler:8786",
            "sayso check archive/ --analyzer offline --quiet",
            "curl -s https://example.com/story.html | sayso check -",
        ),
    )(check_command)
    app.command("plugins", epilog=_examples("sayso plugins", "sayso plugins --json"))(
        plugins_command
    )
    app.command(
        "checkers",
        epilog=_examples(
            "sayso checkers", "sayso checkers --json", "sayso checkers --config newsroom.toml"
        ),
    )(checkers_command)
    app.command("schema", epilog=_examples("sayso schema > check.schema.json"))(schema_command)
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
        "train",
        epilog=_examples(
            "sayso train ../shared/corpora/polnear/train --out my-model "
            "--dev ../shared/corpora/polnear/dev",
            "sayso check story.txt --analyzer tagger --model my-model",
            "sayso train corpus/ --out parsed-model --parse conllu",
            "sayso eval corpus/ --analyzer tagger-conllu --model parsed-model",
        ),
    )(train_command)
    app.command(
        "bench",
        epilog=_examples(
            "sayso bench archive/",
            "sayso bench archive/ --workers 1",
            "sayso bench archive/ --rounds 10",
        ),
    )(bench_command)
    app.command(
        "link",
        epilog=_examples(
            "sayso check archive/ --no-link --db archive.db && sayso link --db archive.db",
            "sayso merge shards/*.db --db archive.db && sayso link --db archive.db",
            "sayso link --db archive.db --workers 2 --full",
        ),
    )(link_command)
    app.command(
        "merge",
        epilog=_examples(
            "sayso merge shards/*.db --db archive.db",
            "sayso merge part-1.db part-2.db --db archive.db --link",
        ),
    )(merge_command)
    app.command(
        "serve",
        epilog=_examples(
            "sayso check seeds/ && sayso serve --open",
            "sayso serve newsroom.db --port 8080",
            "sayso serve newsroom.db -- --setting sql_time_limit_ms 5000 --cors",
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


def _showing_model_warnings(command: Callable[P, None]) -> Callable[P, None]:
    """Run a command printing each :class:`ModelWarning` (a model the analyzer does without) as
    one ``warning:`` line on stderr when it is raised."""

    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if issubclass(category, ModelWarning):
            typer.echo(f"warning: {message}", err=True)
        else:
            shown(message, category, *args, **kwargs)

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("always", ModelWarning)
            warnings.showwarning = show
            command(*args, **kwargs)

    shown = warnings.showwarning
    return run


@_showing_model_warnings
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
            help="text (for people), json (one document mirroring the database; schema: "
            "sayso/check.schema.json), jsonl (one article per line), summary (a tab-separated "
            "line per article: score, claims attributed, most cited source, path, checked or "
            "cached) or github (GitHub Actions annotations).",
        ),
    ] = OutputFormat.text,
    color: Annotated[
        Color,
        typer.Option(
            help="Colour the text report: auto (on a terminal, unless NO_COLOR is set), always "
            "or never."
        ),
    ] = Color.auto,
    analyzer: Annotated[
        str,
        typer.Option(
            metavar="NAME",
            help="auto, or an analyzer listed below: what finds the attributions.",
        ),
    ] = "auto",
    stanza_dir: StanzaDirOption = None,
    device: DeviceOption = Device.cpu,
    model: ModelOption = None,
    explain: Annotated[bool, typer.Option(help="Show how the sourcing score was reached.")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Show info-level findings too.")] = False,
    fail_under: Annotated[
        float | None,
        typer.Option(
            metavar="SCORE", min=0, max=100, help="Exit 1 if any article scores below this (0–100)."
        ),
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
    time_limit: Annotated[
        float | None,
        typer.Option(
            metavar="SECONDS",
            min=0,
            help="Abandon an article that takes longer than this to check, naming it; the "
            "others are checked and stored. 0: no limit. [default: time_limit in sayso.toml, "
            f"else {DEFAULT_TIME_LIMIT:g}]",
        ),
    ] = None,
    link: Annotated[
        bool | None,
        typer.Option(
            "--link/--no-link",
            help=f"Link claims across the articles [default: on when 2 to {LINK_LIMIT} files are "
            "checked].",
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
    dask: Annotated[
        bool,
        typer.Option(
            "--dask",
            help="Check on Dask (needs sayso[dask]): each partition into its own shard, then one "
            "merge into --db; prints the summary line only. On a local cluster of --workers "
            "processes unless --scheduler names one.",
        ),
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS",
            help="With --dask (implied): the Dask scheduler to use, e.g. tcp://host:8786.",
        ),
    ] = None,
    shards: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="With --dask: where partitions write their shards (shared by every worker) "
            "[default: DB.shards beside --db].",
        ),
    ] = None,
) -> None:
    """Check articles: who said what, which claims have no source, and a sourcing score.

    Prints a report per article as it is done (with --quiet, one summary line at the end) and
    stores everything in SQLite. An article stored unchanged (same text, sayso, plugins and
    settings) is not checked again: its stored report is shown, marked as from the cache
    (--force checks it again). Exits 2 if an input could not be read (the others are still
    checked), 1 if --fail-under is not met.
    """
    try:
        plugins = get_plugins()
        configuration = load_configuration(plugins.checkers, config, enable, disable, set_option)
        limit = configuration.time_limit if time_limit is None else time_limit or None
        analyzer_options = {
            "stanza_dir": str(stanza_dir) if stanza_dir else None,
            "device": device.value,
            "model": str(model) if model else None,
        }
        targets = expanded(paths)
        files = sum(1 for target in targets if isinstance(target, Path))
        link = links_by_default(targets) if link is None else link
        if dask or scheduler is not None:
            _check_on_dask(
                targets,
                db,
                scheduler,
                workers=workers or 2,
                shards=shards,
                analyzer=analyzer,
                settings=configuration.settings,
                analyzer_options=analyzer_options,
                skip_unchanged=not force,
                link=link,
                max_bytes=max_bytes,
                time_limit=limit,
                no_db=no_db,
                fail_under=fail_under,
            )
            return
        run = CheckRun(
            targets,
            # A quiet run shows no report: it needs only the scores.
            _score_only if quiet else _score_and_document,
            db=None if no_db else db,
            analyzer=analyzer,
            settings=configuration.settings,
            plugins=plugins,
            analyzer_options=analyzer_options,
            workers=workers,
            skip_unchanged=not force,
            link=link,
            max_bytes=max_bytes,
            time_limit=limit,
            load_unchanged=not quiet,
        )
        if run.checking.analyzer_note and not quiet:
            typer.echo(f"note: {run.checking.analyzer_note}", err=True)
        for failure in run.plugin_failures:
            typer.echo(f"warning: {failure}", err=True)
        progress = not quiet and STDIN not in map(str, paths)
        writer = None if quiet else _ReportWriter(output_format, color, explain, show_all)
        scores = _print_reports(run, files, writer, fail_under, progress)
    except SaysoError as error:
        _fail(str(error))
    for failure, articles in run.failure_counts.items():
        typer.echo(f"warning: {failure} (in {articles} article(s); see plugin_errors)", err=True)
    for slow in run.slow_plugins():
        typer.echo(f"warning: {slow}", err=True)
    for input_error in run.errors:
        typer.echo(f"error: {input_error}", err=True)
    if quiet:
        typer.echo(_summary_line(run, scores, fail_under))
    if run.errors:
        raise typer.Exit(2)
    if scores.below:
        if not quiet:
            typer.echo(f"{scores.below} article(s) scored below {fail_under:g}.", err=True)
        raise typer.Exit(1)


def _check_on_dask(
    targets: list[Any],
    db: Path,
    scheduler: str | None,
    *,
    no_db: bool,
    fail_under: float | None,
    **options: Any,
) -> None:
    """``sayso check --dask``: check on Dask, print the summary line, exit as a check does."""
    from ..pipeline.cluster import check_on_dask

    if no_db:
        raise SaysoError("--dask writes shards and merges them into --db: it needs a database")
    result = check_on_dask(targets, db, scheduler=scheduler, **options)
    for failure, articles in result.failures.items():
        typer.echo(f"warning: {failure} (in {articles} article(s); see plugin_errors)", err=True)
    for error in result.errors:
        typer.echo(f"error: {error}", err=True)
    scores = result.scores
    below = sum(1 for score in scores if fail_under is not None and score < fail_under)
    line = (
        f"{result.checked} article(s) checked in {result.partitions} partition(s) on Dask, "
        f"{result.skipped} skipped as unchanged, {len(result.errors)} unreadable"
    )
    if scores:
        line += f"; mean sourcing score {sum(scores) / len(scores):.1f}/100"
    if fail_under is not None:
        line += f"; {below} below {fail_under:g}"
    typer.echo(line + ".")
    if result.errors:
        raise typer.Exit(2)
    if below:
        raise typer.Exit(1)


# What a worker sends back for each article: its score and, unless the run is
# quiet, its document (rendered in the main process, for the main process's terminal).
Checked = tuple[float, dict[str, Any] | None]


def _score_only(report: ArticleReport) -> Checked:
    return report.score, None


def _score_and_document(report: ArticleReport) -> Checked:
    return report.score, article_document(report)


class _ReportWriter:
    """Prints each article's document in the chosen format as it comes, then what ends it."""

    def __init__(self, output_format: OutputFormat, color: Color, explain: bool, show_all: bool):
        self.format = output_format
        self.color = color
        if output_format is OutputFormat.text:
            # Only a text report needs rich, which takes a while to import.
            from .. import terminal

            self.terminal = terminal
            self.console = terminal.make_console(color.value)
        self.explain = explain
        self.show_all = show_all
        self.written = 0

    def article(self, document: dict[str, Any]) -> None:
        first = not self.written
        self.written += 1
        if self.format is OutputFormat.text:
            if not first:
                self.console.print()
            report = self.terminal.report_text(document, self.console, self.explain, self.show_all)
            self.console.print(report, soft_wrap=True)
        elif self.format is OutputFormat.json:
            # Streamed as one document: the articles are items of its "articles" list.
            opening = '{\n"articles": [\n' if first else ",\n"
            typer.echo(opening + json.dumps(document, ensure_ascii=False, indent=2), nl=False)
        elif self.format is OutputFormat.jsonl:
            typer.echo(json.dumps(document, ensure_ascii=False))
        elif self.format is OutputFormat.summary:
            typer.echo(format_summary(document))
        else:
            typer.echo(format_github(document, show_info=self.show_all))

    def end(self, run: CheckRun[Checked]) -> None:
        if self.format is OutputFormat.json:
            # The document's keys after its articles, streamed above.
            tail = check_document([], [str(error) for error in run.errors], run.provenance)
            del tail["articles"]
            opening = "\n]," if self.written else '{\n"articles": [],'
            typer.echo(opening + json.dumps(tail, ensure_ascii=False, indent=2)[1:])
        elif self.format is OutputFormat.text and run.provenance is not None:
            self.console.print()
            self.console.print(
                self.terminal.provenance_text(run.provenance, self.console), soft_wrap=True
            )
        elif self.format is OutputFormat.github:
            for error in run.errors:
                typer.echo(f"::error::{error}")


@dataclass
class _Scores:
    """The scores of the articles a run went through, checked or skipped as unchanged."""

    count: int = 0
    total: float = 0.0
    below: int = 0


def _print_reports(
    run: CheckRun[Checked],
    total: int,
    writer: _ReportWriter | None,
    fail_under: float | None,
    progress: bool,
) -> _Scores:
    """Print each article's report as it comes (nothing without a ``writer``); add up the
    scores. An article stored unchanged is printed from its stored document."""
    scores = _Scores()
    with _progress(total, progress, writer.color if writer else Color.auto) as advance:
        for item in run:
            advance()
            if isinstance(item, Unchanged):
                score, document = item.score, item.document
            else:
                score, document = item
            if writer is not None and document is not None:
                writer.article(document)
            scores.count += 1
            scores.total += score
            scores.below += fail_under is not None and score < fail_under
    if writer is not None:
        writer.end(run)
    return scores


def _summary_line(run: CheckRun[Checked], scores: _Scores, fail_under: float | None) -> str:
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
def _progress(total: int, shown: bool, color: Color) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr, if ``shown`` and stderr is a terminal."""
    if not shown or total < 2 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.progress import Progress

    from ..terminal import make_console

    with Progress(console=make_console(color.value, stderr=True), transient=True) as progress:
        task = progress.add_task("Checking", total=total)
        yield lambda: progress.advance(task)


def schema_command() -> None:
    """Print the JSON Schema of `sayso check --format json` (its $defs.article: one line of
    --format jsonl)."""
    from ..document import schema

    typer.echo(json.dumps(schema(), ensure_ascii=False, indent=2))


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


def checkers_command(
    as_json: Annotated[bool, typer.Option("--json", help="Output JSON.")] = False,
    config: Annotated[
        Path | None,
        typer.Option(
            metavar="PATH",
            help="Configuration file [default: the one sayso check would read here].",
        ),
    ] = None,
) -> None:
    """List the checkers: id, on or off, what each looks for, its finding codes and options.

    On/off and option values are what `sayso check` would use in this directory (defaults, then
    the configuration file); an option the configuration changes shows its default too.
    """
    from ..api import checkers

    try:
        infos = checkers(config=config)
    except SaysoError as error:
        _fail(str(error))
    if as_json:
        typer.echo(json.dumps([asdict(info) for info in infos], ensure_ascii=False, indent=2))
        return
    for info in infos:
        state = "on" if info.enabled else "off"
        typer.echo(f"{info.id} ({state}): {info.description} [{info.plugin}]")
        for name, value in info.options.items():
            default = info.defaults[name]
            changed = f" (default {json.dumps(default)})" if value != default else ""
            typer.echo(f"    option {name} = {json.dumps(value)}{changed}")
        width = max((len(code) for code in info.codes), default=0)
        for code, meaning in info.codes.items():
            typer.echo(f"    code   {code:<{width}}  {meaning}")


@_showing_model_warnings
def eval_command(
    corpus: Annotated[
        Path,
        typer.Argument(metavar="CORPUS_DIR", help="Corpus with text/ and attributions/ (brat)."),
    ],
    analyzer: Annotated[
        str,
        typer.Option(
            metavar="NAME",
            help="An analyzer listed below (conllu reads parses from conllu/NAME.conllu).",
        ),
    ] = "offline",
    stanza_dir: StanzaDirOption = None,
    device: DeviceOption = Device.cpu,
    model: ModelOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Output JSON.")] = False,
    save_predictions: Annotated[
        Path | None, typer.Option(metavar="PATH", help="Write predicted spans as JSON lines.")
    ] = None,
    errors: Annotated[
        int,
        typer.Option(
            metavar="N", min=0, help="Show the N worst articles' missed and spurious spans."
        ),
    ] = 0,
) -> None:
    """Measure attribution accuracy on a brat-standoff corpus laid out as PolNeAR is."""
    from ..evaluation import evaluate
    from ..pipeline.engine import Checking

    try:
        options = {
            "stanza_dir": str(stanza_dir) if stanza_dir else None,
            "device": device.value,
            "model": str(model) if model else None,
        }
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


class ParseChoice(StrEnum):
    none = "none"
    conllu = "conllu"


class Annotators(StrEnum):
    every = "every"
    first = "first"


class LabelScheme(StrEnum):
    """The label schemes of :data:`sayso.analysis.tagger.LABEL_SCHEMES`."""

    BIO = "BIO"
    BILOU = "BILOU"


def train_command(
    corpus: Annotated[
        Path, typer.Argument(help="Corpus with text/ and attributions/ (brat), as eval reads.")
    ],
    out: Annotated[Path, typer.Option(metavar="DIR", help="Directory to write the model to.")],
    dev: Annotated[
        Path | None,
        typer.Option(metavar="DIR", help="A corpus to measure the model on (scores in its card)."),
    ] = None,
    parse: Annotated[
        ParseChoice,
        typer.Option(help="Parse features: none, or conllu (the corpus's conllu/NAME.conllu)."),
    ] = ParseChoice.none,
    iterations: Annotated[int, typer.Option(metavar="N", min=1, help="L-BFGS iterations.")] = (
        DEFAULT_ITERATIONS
    ),
    c1: Annotated[
        float, typer.Option(min=0, help="L1 regularisation (larger: fewer features kept).")
    ] = DEFAULT_C1,
    c2: Annotated[float, typer.Option(min=0, help="L2 regularisation.")] = DEFAULT_C2,
    labels: Annotated[
        LabelScheme,
        typer.Option(
            help="Label scheme: BIO (begin, inside) or BILOU (also last token, one-token span)."
        ),
    ] = LabelScheme[DEFAULT_LABELS],
    seed: Annotated[int, typer.Option(help="Seed for the order of training sequences.")] = 0,
    annotators: Annotated[
        Annotators,
        typer.Option(
            help="An article with several annotation files: learn from every annotator's, or "
            "from the first's only (the gold sayso eval scores by)."
        ),
    ] = Annotators.every,
    workers: Annotated[
        int,
        typer.Option(
            metavar="N", min=1, help="Processes reading the corpus (the model is the same)."
        ),
    ] = 2,
) -> None:
    """Train a tagger model on an annotated corpus, with a model card.

    Writes DIR/model.crfsuite and DIR/card.json (corpus, counts, features, parameters, training
    time, sayso version, and with --dev the model's scores there). Use the model with
    `--analyzer tagger --model DIR` (or tagger-conllu for a model trained with --parse conllu).
    The same corpus, options and seed give the same model.
    """
    from ..evaluation.train import train

    with _stage_progress() as progress:
        try:
            card = train(
                corpus,
                out,
                dev=dev,
                parse=parse is ParseChoice.conllu,
                iterations=iterations,
                c1=c1,
                c2=c2,
                labels=labels.value,
                seed=seed,
                progress=progress,
                workers=workers,
                every_annotator=annotators is Annotators.every,
            )
        except SaysoError as error:
            _fail(str(error))
    typer.echo(
        f"model in {out}: {card['articles']} articles, {card['tokens']:,} tokens, "
        f"{card['attributes']:,} attributes kept, {card['model_bytes'] / 1e6:.1f} MB, "
        f"{card['training_seconds']:.0f} s"
    )
    if "dev" in card:
        spans = card["dev"]["spans"]
        figures = " / ".join(f"{100 * spans[r]['exact']['f1']:.1f}" for r in spans)
        typer.echo(
            f"dev span-exact F1 (source / cue / content): {figures}; relation F1 "
            f"{100 * card['dev']['relations']['f1']:.1f}"
        )
    for warning in card["skipped"]:
        typer.echo(f"warning: {warning}", err=True)


@contextmanager
def _stage_progress() -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress bar per stage (reading, training, measuring) on stderr, if it is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, Any] = {}

        def advance(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield advance


def merge_command(
    shards: Annotated[
        list[Path], typer.Argument(metavar="SHARD...", help="sayso databases to merge.")
    ],
    db: Annotated[
        Path, typer.Option(metavar="PATH", help="Database to merge into (created if missing).")
    ] = Path(DEFAULT_DB),
    link: Annotated[
        bool, typer.Option("--link", help="Link every article's claims once merged.")
    ] = False,
) -> None:
    """Merge databases checked apart (shards) into one, as if checked in one run.

    Every article comes with its statements, attributions, findings, sources and plugin errors;
    one runs row stands for the shards' runs. The result does not depend on the order of the
    shards; an article in several keeps the row checked last; a source spelled differently keeps
    the spelling a rule prefers. Re-checks against the result skip unchanged files. Claim clusters
    are not copied: --link (or sayso link) links all the articles. All or nothing: an interrupted
    merge leaves the database as it was.
    """
    from ..api import merge

    try:
        result = merge(shards, db, link=link)
    except SaysoError as error:
        _fail(str(error))
    repeated = f" ({result.duplicates} in more than one, kept once)" if result.duplicates else ""
    typer.echo(
        f"Merged {len(shards)} database(s) into {db}: {result.articles} article(s){repeated}, "
        f"run {result.run_id}."
    )


def link_command(
    db: Annotated[
        Path, typer.Option(metavar="PATH", help="sayso database whose articles to link.")
    ] = Path(DEFAULT_DB),
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="Link every article from scratch, not only those checked since."
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            metavar="N", min=0, help="Processes to read the stored articles in (0: one per CPU)."
        ),
    ] = 1,
) -> None:
    """Link the claims of every article in a database across articles, from its stored rows.

    Finds the claims several articles report (claim clusters), the sources they rest on and
    the cross-article findings, replacing the stored ones in one transaction. Incremental:
    the clusters of the last link stay, and articles checked or merged in since join them (or
    form new ones); the first link, or one with --full, links all from scratch. An interrupted
    link changes nothing.
    """
    from ..api import link

    try:
        provenance = link(db, workers=workers or os.cpu_count() or 1, full=full)
    except SaysoError as error:
        _fail(str(error))
    if provenance is None:
        typer.echo(f"{db}: fewer than two articles stored; nothing to link.")
        return
    shared = sum(1 for cluster in provenance.clusters if len(cluster.articles) > 1)
    typer.echo(
        f"Linked {len(provenance.articles)} article(s): {len(provenance.clusters)} claim "
        f"cluster(s), {shared} across articles; {len(provenance.findings)} cross-article "
        "finding(s)."
    )


def serve_command(
    db: Annotated[Path, typer.Argument(metavar="[DB]", help="sayso database to browse.")] = Path(
        DEFAULT_DB
    ),
    datasette_options: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[-- DATASETTE_OPTION...]",
            help="Options for Datasette's serve command, after -- (datasette serve --help).",
            show_default=False,
        ),
    ] = None,
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8001,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    open_browser: Annotated[
        bool, typer.Option("--open", "-o", help="Open the home page in a web browser.")
    ] = False,
) -> None:
    """Browse a database of checked articles in Datasette (needs sayso[serve]).

    Options after -- go to Datasette's own serve command (datasette serve --help lists them):
    --cors, --setting NAME VALUE, --crossdb, more database files, and so on.
    """
    import importlib.util

    extra = list(datasette_options or [])
    if str(db).startswith("-"):
        # "sayso serve -- --cors": with no DB before it, the first option lands in DB.
        extra.insert(0, str(db))
        db = Path(DEFAULT_DB)
    if importlib.util.find_spec("datasette") is None:
        _fail("sayso serve needs Datasette: pip install 'sayso[serve]'")
    if not db.is_file():
        _fail(f"no database at {db}; run sayso check first")
    from ..web.serve import open_for_browsing, serve

    try:
        # Refused before the server starts: not SQLite, not sayso's, read-only, newer.
        open_for_browsing(db).close()
    except SaysoError as error:
        _fail(str(error))
    typer.echo(f"Serving {db} at http://{host}:{port}/{db.stem} (Ctrl+C to stop)")
    serve(db, host=host, port=port, open_browser=open_browser, datasette_options=extra)


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
    """Load stanza's pipeline and show which processors run: loaded, dictionary only (a model
    that does not match this stanza), missing, incomplete or not loaded, and what the stanza
    analyzer does without each. Exits 1 unless every processor loaded whole."""
    from ..analysis.stanza import processor_status
    from ..analysis.stanza_models import DOWNLOAD_COMMAND, model_status, resources_dir

    directory = str(stanza_dir) if stanza_dir else None
    states = processor_status(directory)
    files = model_status(directory)
    packages = {f.processor: f.package for f in files if f.model == f.processor}
    if as_json:
        document = {
            "directory": str(resources_dir(directory)),
            "processors": [
                {**asdict(state), "package": packages.get(state.processor, "?")} for state in states
            ],
            "models": [{**asdict(f), "path": str(f.path)} for f in files],
        }
        typer.echo(json.dumps(document, indent=2))
    else:
        typer.echo(f"stanza resources: {resources_dir(directory)}")
        width = max(len(packages.get(state.processor, "?")) for state in states)
        for state in states:
            package = packages.get(state.processor, "?")
            typer.echo(f"  {state.processor:<8}  {package:<{width}}  {state.state}")
            if state.note:
                typer.echo(f"      {state.note}")
    if any(state.state != "loaded" for state in states):
        if not as_json:
            typer.echo(f"Run `{DOWNLOAD_COMMAND}` to fetch stanza's full English models.", err=True)
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
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="Directory of articles to check.")
    ],
    analyzer: Annotated[
        str, typer.Option(metavar="NAME", help="Analyzer to time (auto: the default's choice).")
    ] = "auto",
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
