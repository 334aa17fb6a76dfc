"""sayso serve as a user meets it: the command line, the home and database pages, the article
page's metadata, and statements named once and numbered as the terminal numbers them."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("datasette")

import sayso
from sayso.web import serve

from tests.conftest import SEEDS
from tests.test_serve import get_ok
from tests.test_serve import sayso_plugin_registered as sayso_plugin_registered  # fixture

PAGE = """<html><head><title>Libraries to close</title>
<meta name="author" content="Ana Writer">
<meta property="article:published_time" content="2024-03-05">
</head><body><article><h1>Libraries to close</h1>
<p>The city will close two of its five libraries next year, officials said on Tuesday.</p>
<p>"We have no other choice," Mayor Ana Ruiz told reporters at City Hall on Tuesday.</p>
<p>The closures will save $2 million a year and are the first since 1998, she said.</p>
</article></body></html>"""


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory, sayso_plugin_registered: None):
    folder = tmp_path_factory.mktemp("pages")
    page = folder / "libraries.html"
    page.write_text(PAGE)
    path = folder / "newsroom.db"
    result = sayso.check([*sorted(SEEDS.glob("*.txt")), page], db=path)
    serve.open_for_browsing(path).close()
    ids = {Path(r.analysis.article.path or "").name: r.analysis.article.id for r in result.reports}
    return serve.make_datasette(path), ids


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("path", ["/", "/newsroom"])
def test_home_and_database_pages_lead_with_the_ways_in(newsroom, path):
    datasette, _ = newsroom
    page = get_ok(datasette, path)
    lead = page.split('<section class="sayso-lead">', 1)[1].split("</section>", 1)[0]
    names = re.findall(r'<dt><a href="[^"]*">([^<]+)</a>', lead)
    assert names[:3] == ["article_summary", "articles", "Unattributed claims"]
    text = _text(lead)
    assert "One line per article: how much is attributed" in text  # with what each answers
    assert "One row per checked article" in text
    # Before Datasette's own lists.
    rest = page.split("</section>", 1)[1]
    assert ("Custom SQL query" in rest) if path != "/" else ("rows in" in rest)


def test_article_page_shows_the_pages_metadata(newsroom):
    datasette, ids = newsroom
    page = get_ok(datasette, f"/newsroom/-/article/{ids['libraries.html']}")
    assert "<h1>Libraries to close</h1>" in page
    about = _text(page.split('<p class="sayso-about">', 1)[1].split("</p>", 1)[0])
    assert about.startswith("By Ana Writer · 2024-03-05")


def test_findings_and_attributions_name_a_statement_once_by_its_number(newsroom):
    datasette, ids = newsroom
    seed = ids["000_81b6159aa6d9e869.txt"]
    findings = get_ok(datasette, f"/newsroom/findings?article_id={seed}&_sort=id")
    first = "This is a first since the closure of North Korea’s borders"
    # The finding's own text column shows the sentence; the statement link shows its number.
    assert findings.count(first) == 1
    assert f'<a href="/newsroom/statements?id={seed}%3A0">1</a>' in findings
    article = get_ok(datasette, f"/newsroom/-/article/{seed}?info=1")
    assert ">statement 1</a>" in article and ">statement 0</a>" not in article


def _free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return int(listener.getsockname()[1])


def test_serve_opens_a_browser_and_passes_options_to_datasette(tmp_path):
    db = tmp_path / "newsroom.db"
    sayso.check([SEEDS / "000_81b6159aa6d9e869.txt"], db=db)
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.py"
    browser.write_text(
        f"import sys, pathlib\npathlib.Path({str(opened)!r}).write_text(sys.argv[1])\n"
    )
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "sayso",
        "serve",
        str(db),
        "--port",
        str(port),
        "--open",
        "--",
        "--setting",
        "sql_time_limit_ms",
        "4321",
    ]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, "BROWSER": f"{sys.executable} {browser} %s", "TMPDIR": str(scratch)}
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        settings = None
        deadline = time.monotonic() + 60
        while settings is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/settings.json") as reply:
                    settings = json.load(reply)
            except OSError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                time.sleep(0.2)
        assert settings is not None, "the server did not start"
        assert settings["sql_time_limit_ms"] == 4321  # passed through
        assert settings["suggest_facets"] is False  # sayso's own
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert opened.read_text().startswith(f"http://127.0.0.1:{port}/")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert list(scratch.iterdir()) == []  # a terminated server removes its metadata folder


def test_serve_with_only_datasette_options_serves_sayso_db(sayso_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = sayso_cli("serve", "--", "--cors")
    assert result.exit_code == 2
    assert "no database at sayso.db" in result.stderr
