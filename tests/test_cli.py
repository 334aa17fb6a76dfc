"""The command line as an editor meets it."""

import json

import sqlite_utils

from tests.conftest import SEEDS, RaisingPlugin

SEED = str(SEEDS / "000_81b6159aa6d9e869.txt")


def test_check_seed_text_report(sayso_cli, tmp_path):
    result = sayso_cli("check", SEED, "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 0, result.stderr
    assert "Sourcing score:" in result.stdout
    assert "KCNA" in result.stdout
    assert "Who said what" in result.stdout
    assert "Russia, a historic ally of North Korea" in result.stdout
    assert sqlite_utils.Database(tmp_path / "s.db")["articles"].count == 1


def test_json_mirrors_database(sayso_cli, tmp_path):
    result = sayso_cli("check", SEED, "--db", str(tmp_path / "s.db"), "--format", "json")
    assert result.exit_code == 0
    article = json.loads(result.stdout)["articles"][0]
    db = sqlite_utils.Database(tmp_path / "s.db")
    assert article["id"] == next(db["articles"].rows)["id"]
    assert len(article["attributions"]) == db["attributions"].count
    assert {f["code"] for f in article["findings"]} == {r["code"] for r in db["findings"].rows}


def test_no_db_writes_nothing(sayso_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert sayso_cli("check", SEED, "--no-db").exit_code == 0
    assert not (tmp_path / "sayso.db").exists()


def test_bad_inputs_exit_2_and_good_ones_are_still_checked(sayso_cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    db = tmp_path / "s.db"
    result = sayso_cli(
        "check", str(tmp_path / "missing.txt"), str(empty), SEED, str(binary), "--db", str(db)
    )
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 3
    assert "missing.txt: no such file" in lines[0]
    assert "empty.txt: the file is empty" in lines[1]
    assert "photo.txt: looks like a binary file" in lines[2]
    assert "Traceback" not in result.stderr + result.stdout
    assert sqlite_utils.Database(db)["articles"].count == 1


def test_latin1_file_is_decoded(sayso_cli, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Le ministre a déclaré que la réunion était «importante».".encode("latin-1"))
    result = sayso_cli("check", str(path), "--no-db", "--format", "json")
    assert result.exit_code == 0
    assert "déclaré" in json.loads(result.stdout)["articles"][0]["text"]


def test_directory_argument(sayso_cli, tmp_path):
    result = sayso_cli("check", str(SEEDS), "--db", str(tmp_path / "s.db"))
    assert result.exit_code == 0
    assert sqlite_utils.Database(tmp_path / "s.db")["articles"].count == 2


def test_fail_under_and_explain(sayso_cli, tmp_path):
    result = sayso_cli("check", SEED, "--no-db", "--fail-under", "100", "--explain")
    assert result.exit_code == 1
    assert "scored below 100" in result.stderr
    assert "Score: 100 −" in result.stdout
    assert sayso_cli("check", SEED, "--no-db", "--fail-under", "0").exit_code == 0


def test_quiet_prints_one_summary_line_and_no_reports(sayso_cli, tmp_path):
    db = str(tmp_path / "s.db")
    for output_format in ("text", "json", "summary"):
        result = sayso_cli(
            "check", str(SEEDS), "--db", db, "--quiet", "--format", output_format, "--force"
        )
        assert result.exit_code == 0, result.stderr
        assert result.stdout.count("\n") == 1
        assert result.stdout.startswith("2 article(s) checked, 0 skipped as unchanged, ")
        assert "Sourcing score" not in result.stdout
    # The analyzer named, as "auto" chose it: the same fingerprint, and no note on stderr.
    again = sayso_cli(
        "check", str(SEEDS), "--db", db, "-q", "--fail-under", "100", "--analyzer", "tagger"
    )
    assert again.exit_code == 1
    assert again.stderr == ""
    mean = sum(row["score"] for row in sqlite_utils.Database(db)["articles"].rows) / 2
    assert again.stdout == (
        "0 article(s) checked, 2 skipped as unchanged, 0 unreadable; "
        f"mean sourcing score {mean:.1f}/100; 2 below 100.\n"
    )


def test_quiet_still_reports_unreadable_inputs(sayso_cli, tmp_path):
    result = sayso_cli("check", SEED, str(tmp_path / "missing.txt"), "--no-db", "--quiet")
    assert result.exit_code == 2
    assert "missing.txt" in result.stderr
    assert result.stdout.startswith("1 article(s) checked, 0 skipped as unchanged, 1 unreadable;")


def test_summary_format_is_one_line_per_article(sayso_cli, tmp_path):
    db = str(tmp_path / "s.db")
    result = sayso_cli("check", str(SEEDS), "--db", db, "--format", "summary")
    assert result.exit_code == 0, result.stderr
    stored = {row["path"]: row for row in sqlite_utils.Database(db)["articles"].rows}
    lines = result.stdout.splitlines()
    assert len(lines) == len(stored) == 2
    for line in lines:
        score, claims, _, path, status = line.split("\t")
        assert status == "checked"
        row = stored[path]
        assert float(score) == row["score"]
        assert claims == f"{row['attributed_claims']}/{row['claims']} claims attributed"
    assert lines[0].split("\t")[2] == "KCNA"
    again = sayso_cli("check", str(SEEDS), "--db", db, "--format", "summary")
    # Unchanged articles are shown as they were checked, marked as from the cache.
    assert again.stdout.splitlines() == [line[: -len("checked")] + "cached" for line in lines]


def test_unknown_checker_option_is_a_usage_error(sayso_cli):
    result = sayso_cli("check", SEED, "--no-db", "--disable", "nope")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --disable: unknown checker 'nope'")


def test_unknown_analyzer(sayso_cli):
    result = sayso_cli("check", SEED, "--no-db", "--analyzer", "magic")
    assert result.exit_code == 2
    assert "unknown analyzer 'magic'" in result.stderr


def test_plugins_json(sayso_cli):
    result = sayso_cli("plugins", "--json")
    assert result.exit_code == 0
    plugins = {p["name"]: p for p in json.loads(result.stdout)}
    assert "check_statement" in plugins["sayso.plugins.unattributed"]["hooks"]
    assert plugins["sayso.plugins.unattributed"]["version"]


def test_python_dash_m(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "sayso", "check", SEED, "--no-db"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Sourcing score" in result.stdout


def test_a_check_imports_no_model_library_and_no_pydantic(tmp_path):
    # Start-up is most of a re-check: stanza and torch load only for the stanza analyzer, and
    # typer from 0.29 on coerces every option through pydantic (pyproject pins it below).
    import subprocess
    import sys

    code = (
        "import runpy, sys\n"
        "try:\n"
        "    runpy.run_module('sayso', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "loaded = {'stanza', 'torch', 'numpy', 'pydantic'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    check = ["check", SEED, "--db", str(tmp_path / "s.db"), "--analyzer", "offline", "--quiet"]
    subprocess.run([sys.executable, "-c", code, *check], check=True)


def test_raising_plugin_is_reported_once_and_the_run_goes_on(sayso_cli, tmp_path):
    result = sayso_cli(
        "check", str(SEEDS), "--db", str(tmp_path / "s.db"), "--no-link", plugin=RaisingPlugin()
    )
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if "boom" in line]
    assert len(warnings) == 1
    assert "plugin plugin-under-test failed in check_statement" in warnings[0]
    assert "in 2 article(s)" in warnings[0]
    assert "state-media-reliance" in result.stdout
    errors = list(sqlite_utils.Database(tmp_path / "s.db")["plugin_errors"].rows)
    assert len(errors) == 2


def test_configuration_is_found_from_a_subdirectory(sayso_cli, tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.sayso.checkers.unattributed]\nenabled = false\n"
    )
    nested = tmp_path / "desk" / "politics"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    result = sayso_cli("check", SEED, "--no-db", "--format", "json")
    assert result.exit_code == 0, result.stderr
    checkers = {f["checker"] for f in json.loads(result.stdout)["articles"][0]["findings"]}
    assert checkers and "unattributed" not in checkers


def test_unknown_configuration_key_is_a_usage_error(sayso_cli, tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.sayso]\ndisable = ['quotes']\n")
    monkeypatch.chdir(tmp_path)
    result = sayso_cli("check", SEED, "--no-db")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert "unknown key tool.sayso.disable" in result.stderr
    assert "Traceback" not in result.stderr


def test_version_alone(sayso_cli):
    from sayso import __version__

    result = sayso_cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"sayso {__version__}\n"


def test_shell_completion_completes_commands_and_choices():
    import os
    import subprocess
    import sys

    def complete(*words: str) -> list[str]:
        env = {
            **os.environ,
            "_SAYSO_COMPLETE": "complete_bash",
            "COMP_WORDS": " ".join(("sayso", *words)),
            "COMP_CWORD": str(len(words)),
        }
        script = "from sayso.cli import main; main()"
        run = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        return run.stdout.split()

    assert complete("ch") == ["check", "checkers"]
    assert complete("checke") == ["checkers"]
    assert complete("check", "--format", "") == ["text", "json", "jsonl", "summary", "github"]


def test_checkers_lists_ids_codes_options_and_state(sayso_cli, tmp_path, monkeypatch):
    import json

    from sayso.manager import get_plugins

    monkeypatch.chdir(tmp_path)
    (tmp_path / "sayso.toml").write_text(
        "[checkers.hedging]\nenabled = false\n[checkers.quotes]\nmin_words = 8\n"
    )
    result = sayso_cli("checkers", "--json")
    assert result.exit_code == 0, result.output
    listed = {checker["id"]: checker for checker in json.loads(result.stdout)}
    assert listed.keys() == get_plugins().checkers.keys()
    assert listed["hedging"]["enabled"] is False and listed["hedging"]["enabled_by_default"]
    assert listed["quotes"]["options"] == {"min_words": 8}
    assert listed["quotes"]["defaults"] == {"min_words": 5}
    assert "quote-without-speaker" in listed["quotes"]["codes"]
    assert listed["unattributed"]["plugin"] == "sayso.plugins.unattributed"
    text = sayso_cli("checkers").stdout
    assert "hedging (off):" in text and "option min_words = 8 (default 5)" in text
    assert "code   unattributed-claim" in text


def test_checkers_reports_a_bad_configuration_as_a_usage_error(sayso_cli, tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[checkers.nope]\nenabled = true\n")
    result = sayso_cli("checkers", "--config", str(config))
    assert result.exit_code == 2
    assert "nope" in result.output and "Traceback" not in result.output


def test_readme_lists_every_built_in_checkers_codes(sayso_cli):
    import json
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("### `sayso checkers`\n", 1)[1].split("\n#", 1)[0]
    documented = set(re.findall(r"^\| `([\w-]+)` \| `([\w-]+)` \| (.+) \|$", section, re.M))
    listed = {
        (checker["id"], code, meaning)
        for checker in json.loads(sayso_cli("checkers", "--json").stdout)
        for code, meaning in checker["codes"].items()
    }
    assert documented == listed


def test_schema_command_prints_the_json_schema(sayso_cli):
    result = sayso_cli("schema")
    assert result.exit_code == 0, result.stderr
    assert "article" in json.loads(result.stdout)["$defs"]
