"""The article page in a real browser: Debian's Chromium, headless, driven by playwright.

Skips where Chromium or playwright is missing; ``.ci/run`` installs both. The browser is never
downloaded: playwright launches the system one.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("datasette")
pytest.importorskip("playwright.sync_api")

import uvicorn
from playwright.sync_api import sync_playwright
from sayso.web import serve

from tests.test_serve import build_seed_database
from tests.test_serve import sayso_plugin_registered as sayso_plugin_registered  # fixture

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}")


@pytest.fixture
def served_seed(tmp_path: Path, sayso_plugin_registered: None) -> Iterator[tuple[str, str]]:
    """A seed database served over HTTP on a loopback port: (base URL, article id)."""
    path = tmp_path / "newsroom.db"
    article_id = build_seed_database(path)["kremlin"].analysis.article.id
    serve.open_for_browsing(path).close()
    server = uvicorn.Server(
        uvicorn.Config(serve.make_datasette(path).app(), log_level="warning", lifespan="off")
    )
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", article_id
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


def test_article_page_shows_highlights_and_margin(
    served_seed: tuple[str, str], tmp_path: Path
) -> None:
    base_url, article_id = served_seed
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            response = page.goto(f"{base_url}/newsroom/-/article/{article_id}")
            assert response is not None and response.ok
            text = page.locator(".sayso-article")
            sources = text.locator("span.sayso-source")
            cues = text.locator("span.sayso-cue")
            contents = text.locator("span.sayso-content")
            assert sources.count() == 5
            assert cues.count() == 5
            assert contents.count() >= 5
            assert sources.first.inner_text() == "state media"
            style = "(element, name) => getComputedStyle(element)[name]"
            # Distinct in more than colour: weight, slant, brackets.
            assert sources.first.evaluate(style, "fontWeight") == "700"
            assert cues.first.evaluate(style, "fontStyle") == "italic"
            assert contents.first.evaluate(style, "backgroundColor") != "rgba(0, 0, 0, 0)"
            assert text.locator(".sayso-bracket").count() >= 10
            note = page.locator(".sayso-margin .sayso-finding").first
            assert note.is_visible()
            note_box, text_box = (
                note.bounding_box(),
                text.locator(".sayso-text").first.bounding_box(),
            )
            assert note_box is not None and text_box is not None
            assert note_box["x"] > text_box["x"] + text_box["width"]  # in the margin, beside
            reference = page.locator(".sayso-ref a").first
            target = reference.get_attribute("href")
            reference.click()
            assert target and page.url.endswith(target)
            assert page.locator(target).is_visible()
            page.screenshot(path=str(tmp_path / "article.png"), full_page=True)
        finally:
            browser.close()
    assert (tmp_path / "article.png").stat().st_size > 10_000
