"""Every output format as a user meets it: the documented examples, the JSON Schema, the cache."""

from __future__ import annotations

import json
import re
import shlex
import shutil

import jsonschema
import pytest
import sqlite_utils
from sayso.document import schema
from sayso.report import format_github, printable
from sayso.terminal import format_text

from tests.conftest import ROOT, SEEDS, RaisingPlugin

EXAMPLE = ROOT / "docs" / "examples" / "libraries.md"
FORMATS = ("text", "json", "jsonl", "summary", "github")
# What changes from one run to the next: when it ran, and the files' modification times.
VOLATILE = [
    (re.compile(r'"checked_at": "[^"]*"'), '"checked_at": "…"'),
    (re.compile(r'"file_mtime_ns": \d+'), '"file_mtime_ns": 0'),
]


def _validator(definition: str | None = None) -> jsonschema.Draft202012Validator:
    document = schema()
    if definition is not None:
        document = {**document, "$ref": f"#/$defs/{definition}"}
        del document["required"], document["properties"], document["additionalProperties"]
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(document)


def _commands(markdown: str) -> list[tuple[str, str]]:
    """Each ``$ sayso check …`` shown in a code block, with the output shown under it."""
    shown = []
    for block in re.findall(r"^```\n(.*?)^```", markdown, re.MULTILINE | re.DOTALL):
        for part in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, output = part.partition("\n")
            if command.startswith("sayso check"):
                shown.append((command, output.rstrip("\n")))
    return shown


def _normalised(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    """A copy of the files the docs' examples read, as the working directory."""
    shutil.copytree(ROOT / "docs" / "examples", tmp_path / "docs" / "examples")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_format_is_documented_with_its_real_output(sayso_cli, checkout):
    commands = _commands((ROOT / "docs" / "formats.md").read_text())
    documented = {
        re.search(r"--format (\w+)", c)[1] if "--format" in c else "text" for c, _ in commands
    }
    assert documented == set(FORMATS)
    for command, shown in commands:
        result = sayso_cli(*shlex.split(command)[1:])
        assert result.exit_code == 0, (command, result.stderr)
        actual = _normalised(result.stdout.rstrip("\n"))
        if shown.endswith("…") and "jsonl" in command:  # lines shown cut
            lines = actual.splitlines()
            assert len(lines) == len(shown.splitlines()), command
            for line, cut in zip(lines, shown.splitlines(), strict=True):
                assert line.startswith(cut.removesuffix("…")), command
        else:
            assert actual == _normalised(shown), command


def test_json_output_matches_the_schema_fresh_cached_linked_and_with_errors(sayso_cli, tmp_path):
    validator = _validator()
    db = str(tmp_path / "s.db")
    missing = str(tmp_path / "missing.txt")
    for run in ("fresh", "cached"):
        result = sayso_cli("check", str(SEEDS), missing, "--db", db, "--format", "json")
        assert result.exit_code == 2
        document = json.loads(result.stdout)
        validator.validate(document)
        assert [a["cached"] for a in document["articles"]] == [run == "cached"] * 2
        assert [error.split(":")[0] for error in document["errors"]] == [missing]
        # Articles from the cache are linked too, from their stored rows.
        assert "provenance" in document
    failing = sayso_cli(
        "check", str(EXAMPLE), "--no-db", "--format", "json", plugin=RaisingPlugin()
    )
    document = json.loads(failing.stdout)
    validator.validate(document)
    assert document["articles"][0]["plugin_errors"][0]["stage"] == "check_statement"


def test_json_has_real_arrays_and_no_count_in_place_of_a_list(sayso_cli):
    result = sayso_cli("check", str(EXAMPLE), "--no-db", "--format", "json")
    article = json.loads(result.stdout)["articles"][0]
    assert isinstance(article["statements"], list) and len(article["statements"]) == 4
    attribution = article["attributions"][0]
    assert attribution["content_fragments"] == [
        [attribution["content_start"], attribution["content_end"]]
    ]
    assert attribution["statements"] == [1]
    assert "unchanged" not in json.loads(result.stdout)


def test_jsonl_is_one_valid_article_per_line(sayso_cli, tmp_path):
    validator = _validator("article")
    result = sayso_cli("check", str(SEEDS), str(EXAMPLE), "--no-db", "--format", "jsonl")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    for line in lines:
        validator.validate(json.loads(line))


@pytest.mark.parametrize("output_format", FORMATS)
def test_an_unchanged_article_is_shown_from_the_cache_as_checked(
    sayso_cli, tmp_path, output_format
):
    db = tmp_path / "s.db"
    options = ("--db", str(db), "--format", output_format, "--all", "--explain", "--no-link")
    first = sayso_cli("check", str(SEEDS), str(EXAMPLE), *options)
    again = sayso_cli("check", str(SEEDS), str(EXAMPLE), *options)
    assert first.exit_code == again.exit_code == 0
    runs = list(sqlite_utils.Database(db)["runs"].rows)
    assert [(run["articles"], run["skipped"]) for run in runs] == [(3, 0), (0, 3)]
    marked = {
        "text": lambda out: re.sub(r"\nFrom the cache [^\n]*", "", out),
        "json": lambda out: out.replace('"cached": true', '"cached": false'),
        "jsonl": lambda out: out.replace('"cached": true', '"cached": false'),
        "summary": lambda out: out.replace("\tcached\n", "\tchecked\n"),
        "github": lambda out: out.replace(" (unchanged since its last check)", ""),
    }[output_format]
    assert again.stdout != first.stdout
    assert marked(again.stdout) == first.stdout


def test_cached_reports_come_from_the_database(sayso_cli, tmp_path):
    db = tmp_path / "s.db"
    story = tmp_path / "story.md"
    shutil.copy(EXAMPLE, story)
    sayso_cli("check", str(story), "--db", str(db))
    with sqlite_utils.Database(db).conn as conn:
        conn.execute("UPDATE finding_rows SET message = 'Stored message.'")
    again = sayso_cli("check", str(story), "--db", str(db), "--format", "jsonl")
    messages = {f["message"] for f in json.loads(again.stdout)["findings"]}
    assert messages == {"Stored message."}


def test_github_annotations_locate_and_escape():
    document = _document(
        "Headline\n\nFirst line.\nSecond, 50% sure.\n",
        finding={"start": 22, "end": 39, "message": "Odd: 50%\nreally", "severity": "warning"},
        path="news/a,b.md",
    )
    annotation, score = format_github(document).splitlines()
    assert annotation == (
        "::warning file=news/a%2Cb.md,line=4,col=1,endLine=4,endColumn=17,"
        "title=sayso demo/odd::Odd: 50%25%0Areally"
    )
    assert score.startswith(
        "::notice file=news/a%2Cb.md,title=sayso sourcing score::Sourcing score"
    )
    page = _document(
        "Text.", finding={"start": 0, "end": 5, "message": "m", "severity": "info"}, path="a.html"
    )
    assert format_github(page) == format_github({**page, "findings": []})
    assert format_github(page, show_info=True).startswith(
        "::notice file=a.html,title=sayso demo/odd::m\n"
    )


def _document(text: str, finding: dict, path: str) -> dict:
    return {
        "path": path,
        "text": text,
        "score": 96.0,
        "claims": 1,
        "attributed_claims": 0,
        "cached": False,
        "findings": [
            {
                "checker": "demo",
                "code": "odd",
                "text": text[finding["start"] : finding["end"]],
                **finding,
            }
        ],
    }


def test_control_characters_never_reach_the_terminal(sayso_cli, tmp_path):
    story = tmp_path / "story.txt"
    hostile = "\x1b]0;pwned\x07Mayor\x1b[2J Ana\x9b Ruiz\u202e"
    body = "The city will close two of its five libraries next year to save money. " * 4
    story.write_text(f"{hostile} wins vote\n\n\x1b[31m{body}{hostile} said.\x07\n")
    result = sayso_cli("check", str(story), "--no-db", "--color", "always")
    assert result.exit_code == 0
    colours = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", colours)
    # The title line wraps where the temporary path makes it long: compare across wrapping.
    assert "Mayor Ana Ruiz wins vote" in " ".join(colours.split())
    assert printable("a\x1b[1;31mb\x1bc\x07d\x1b]8;;http://x\x1b\\e") == "abde"


def test_the_counts_of_one_are_singular(sayso_cli, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("The mayor said the library would close in May.\n")
    result = sayso_cli("check", str(story), "--no-db", "--analyzer", "offline")
    assert "· 1 statement, 1 claim, 1 attributed (100%) ·" in " ".join(result.stdout.split())


def test_colour_follows_the_option_and_no_color(sayso_cli):
    colour = re.compile(r"\x1b\[(?:[0-9;]*;)?3[0-7]m")
    plain = sayso_cli("check", str(EXAMPLE), "--no-db")
    assert "\x1b[" not in plain.stdout  # not a terminal
    always = sayso_cli("check", str(EXAMPLE), "--no-db", "--color", "always", env={"NO_COLOR": "1"})
    assert colour.search(always.stdout)
    forced = sayso_cli("check", str(EXAMPLE), "--no-db", env={"FORCE_COLOR": "1"})
    assert colour.search(forced.stdout)
    no_color = sayso_cli(
        "check", str(EXAMPLE), "--no-db", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}
    )
    assert not colour.search(no_color.stdout) and "\x1b[1m" in no_color.stdout  # bold stays
    never = sayso_cli(
        "check", str(EXAMPLE), "--no-db", "--color", "never", env={"FORCE_COLOR": "1"}
    )
    assert "\x1b[" not in never.stdout
    assert sayso_cli("check", str(EXAMPLE), "--no-db", "--color", "sometimes").exit_code == 2


@pytest.mark.parametrize("columns", [60, 100, 140])
def test_the_text_report_fits_the_terminal_and_wraps_at_words(sayso_cli, columns):
    result = sayso_cli("check", str(SEEDS), "--no-db", env={"COLUMNS": str(columns)})
    lines = result.stdout.splitlines()
    assert "Across these 2 articles" in lines  # the linked section fits too
    assert max(map(len, lines)) <= columns
    # The same words in the same order as on a terminal too wide to wrap: none cut in two.
    wide = sayso_cli("check", str(SEEDS), "--no-db", env={"COLUMNS": "1000"})
    assert result.stdout.split() == wide.stdout.split()
    assert max(map(len, wide.stdout.splitlines())) > 140


def test_quotes_keep_the_articles_own_marks_and_empty_cues_show_no_dash():
    document = {
        "path": "a.txt",
        "title": None,
        "text": '"This is big," Kirby said.',
        "score": 100.0,
        "claims": 1,
        "attributed_claims": 1,
        "analyzer": "offline",
        "cached": False,
        "statements": [{}],
        "sources": [
            {
                "source_id": "person:kirby",
                "name": "John Kirby",
                "type": "person",
                "attributions": 1,
                "mentions": 1,
            }
        ],
        "attributions": [
            {
                "statements": [0],
                "source_id": "person:kirby",
                "source_text": "Kirby",
                "cue_text": None,
                "form": "direct",
                "content_start": 0,
                "content_end": 14,
            }
        ],
        "findings": [],
        "deductions": [],
    }
    text = format_text(document)
    assert '  [1] John Kirby (“Kirby”) (direct)\n      "This is big,"\n' in text


def test_quiet_silences_the_analyzer_notice(sayso_cli):
    loud = sayso_cli("check", str(EXAMPLE), "--no-db")
    assert loud.stderr.count("\n") == 1 and loud.stderr.startswith("note: using the ")
    quiet = sayso_cli("check", str(EXAMPLE), "--no-db", "-q")
    assert quiet.stderr == ""


@pytest.mark.parametrize("value", ["-1", "100.5", "160"])
def test_fail_under_outside_0_to_100_is_a_usage_error(sayso_cli, value):
    result = sayso_cli("check", str(EXAMPLE), "--no-db", "--fail-under", value)
    assert result.exit_code == 2
    assert "0<=x<=100" in result.stderr or "0<=x<=100" in result.stdout


def test_help_is_readable(sayso_cli):
    result = sayso_cli("check", "--help")
    assert "Usage: sayso check [OPTIONS] FILE...\n" in result.stdout
    assert "{" not in result.stdout.split("\n", 1)[0]
    readme = (ROOT / "README.md").read_text()
    assert "on when 2 to 200 files are checked" in " ".join(result.stdout.split())
    assert "2 to 200 files" in readme


def test_the_python_api_gives_the_same_document(sayso_cli, tmp_path):
    import sayso

    db = tmp_path / "s.db"
    inputs = [str(SEEDS / "000_81b6159aa6d9e869.txt"), str(EXAMPLE)]
    # The same defaults as the command line (analyzer "auto").
    first = sayso.check(inputs, db=db).document()
    _validator().validate(first)
    cli = json.loads(sayso_cli("check", *inputs, "--db", str(db), "--format", "json").stdout)
    again = sayso.check(inputs, db=db, skip_unchanged=True).document()
    assert [a["cached"] for a in again["articles"]] == [True, True]
    assert again == cli  # both from the cache, in input order
    assert [{**a, "cached": False} for a in again["articles"]] == first["articles"]


def test_markdown_front_matter_gives_title_and_metadata_and_keeps_lines(sayso_cli, tmp_path):
    story = tmp_path / "story.md"
    body = EXAMPLE.read_text().split("\n", 2)[2]  # without its headline
    story.write_text(f'---\ntitle: "Libraries to close"\nauthor: Ana Writer\n---\n\n{body}')
    result = sayso_cli("check", str(story), "--no-db", "--format", "jsonl")
    article = json.loads(result.stdout)
    assert article["title"] == "Libraries to close"
    assert article["metadata"] == {"author": "Ana Writer"}
    assert "title:" not in article["text"] and "Ana Writer" not in article["text"]
    annotations = sayso_cli("check", str(story), "--no-db", "--format", "github").stdout
    unattributed = next(line for line in annotations.splitlines() if "unattributed" in line)
    lines = story.read_text().splitlines()
    line = int(re.search(r",line=(\d+),", unattributed)[1])
    assert lines[line - 1].startswith("The closures will save")


def test_an_article_without_a_title_is_titled_by_its_headline():
    import sayso

    text = "Libraries to close\n\nThe city will close two libraries, officials said.\n"
    document = sayso.check(sayso.Article(text=text), analyzer="offline").document()
    assert document["articles"][0]["title"] == "Libraries to close"


def test_github_annotations_for_standard_input_name_no_file():
    document = _document(
        "Text.",
        finding={"start": 0, "end": 5, "message": "m", "severity": "warning"},
        path="<stdin>",
    )
    assert format_github(document).splitlines() == [
        "::warning title=sayso demo/odd::m",
        "::notice title=sayso sourcing score::Sourcing score 96/100; 0 of 1 claims attributed",
    ]


def test_a_row_stored_without_deductions_is_checked_again(sayso_cli, tmp_path):
    db = tmp_path / "s.db"
    assert sayso_cli("check", str(EXAMPLE), "--db", str(db)).exit_code == 0
    with sqlite_utils.Database(db).conn as conn:  # as a database from before deductions were kept
        conn.execute("UPDATE articles SET deductions = NULL")
    again = json.loads(
        sayso_cli("check", str(EXAMPLE), "--db", str(db), "--format", "jsonl").stdout
    )
    assert again["cached"] is False and again["deductions"]
    third = json.loads(
        sayso_cli("check", str(EXAMPLE), "--db", str(db), "--format", "jsonl").stdout
    )
    assert third["cached"] is True and third["deductions"] == again["deductions"]
