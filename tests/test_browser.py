"""The article page in a real browser: Debian's Chromium, headless, driven by playwright.

Skips where Chromium or playwright is missing; ``.ci/run`` installs both. The browser is never
downloaded: playwright launches the system one.
"""

from __future__ import annotations

import itertools
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("datasette")
pytest.importorskip("playwright.sync_api")

import sayso
import uvicorn
from playwright.sync_api import sync_playwright
from sayso.web import serve

from tests.conftest import SEEDS
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
    with _served(path) as base_url:
        yield base_url, article_id


@pytest.fixture
def served_check(tmp_path: Path, sayso_plugin_registered: None) -> Iterator[tuple[str, str]]:
    """The seeds as ``sayso check`` stores them, served: (base URL, the first seed's id)."""
    path = tmp_path / "newsroom.db"
    result = sayso.check(
        [SEEDS / "000_81b6159aa6d9e869.txt", SEEDS / "003_6ff3ccebba442099.txt"], db=path
    )
    serve.open_for_browsing(path).close()
    with _served(path) as base_url:
        yield base_url, result.reports[0].analysis.article.id


@contextmanager
def _served(path: Path) -> Iterator[str]:
    server = uvicorn.Server(
        uvicorn.Config(serve.make_datasette(path).app(), log_level="warning", lifespan="off")
    )
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
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


# Screen sizes the article page is drawn at: a desktop monitor and a phone held upright.
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_article_page_screenshots(
    served_check: tuple[str, str], tmp_path: Path, viewport: dict[str, int]
) -> None:
    """The article page of a real check at desktop and phone widths: nothing runs off the
    screen, notes sit beside their paragraph on a desktop and after it on a phone, and tall
    notes never open gaps in the text."""
    base_url, article_id = served_check
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport=viewport)
            response = page.goto(f"{base_url}/newsroom/-/article/{article_id}")
            assert response is not None and response.ok
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= viewport["width"], "the page scrolls sideways"
            texts = [t.bounding_box() for t in page.locator(".sayso-text").all()]
            assert len(texts) > 5 and all(box is not None for box in texts)
            # One paragraph follows another at the paragraph spacing, however tall the notes.
            gaps = [b["y"] - (a["y"] + a["height"]) for a, b in itertools.pairwise(texts)]
            if viewport is DESKTOP:
                assert max(gaps) < 30, gaps
            notes = page.locator(".sayso-margin")
            assert notes.count() > 3
            for index in range(notes.count()):
                note = notes.nth(index).bounding_box()
                text = notes.nth(index).locator("xpath=following-sibling::p[1]").bounding_box()
                assert note is not None and text is not None
                assert note["x"] + note["width"] <= viewport["width"]
                if viewport is DESKTOP:
                    assert note["x"] >= text["x"] + text["width"]  # beside, in the margin
                else:
                    assert note["y"] >= text["y"] + text["height"] - 1  # under its paragraph
            # Numbered as the terminal numbers statements: from 1.
            links = page.locator(".sayso-finding-meta a", has_text="statement").all_inner_texts()
            assert links and all(re.fullmatch(r"statement [1-9]\d*", link) for link in links)
            shot = tmp_path / f"article-{viewport['width']}.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width == viewport["width"]
    assert len(png) > 20_000
