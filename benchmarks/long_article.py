"""How sayso copes with long articles: the same text checked as many articles and as one.

    python benchmarks/long_article.py DIR [--articles 200]

Reads the first N articles of DIR, then checks them (offline analyzer, into a fresh database,
in this one process, as ``sayso check --workers 1`` does) once as N articles and once joined
into one article with a blank line between them, and prints words/s for both. Rules that look
back over the whole article at every sentence show up as the single article falling behind.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

from sayso.api import CheckRun
from sayso.model import Article
from sayso.pipeline.inputs import read_inputs


def timed(articles: list[Article], db: Path) -> float:
    start = time.perf_counter()
    # As `sayso check --quiet --workers 1` does: no linking across articles, nothing kept.
    for _ in CheckRun(articles, lambda report: None, db=db, link=False):
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--articles", type=int, default=200, metavar="N")
    options = parser.parse_args()
    articles = list(itertools.islice(read_inputs([options.directory], []), options.articles))
    joined = Article("\n\n".join(article.text for article in articles), path="joined.txt")
    words = len(joined.text.split())
    with tempfile.TemporaryDirectory(prefix="sayso-long-") as scratch:
        separate = timed(articles, Path(scratch) / "separate.db")
        single = timed([joined], Path(scratch) / "single.db")
    print(f"{len(articles)} articles, {words:,} words")
    print(f"as {len(articles)} articles: {separate:6.2f} s {words / separate:>9,.0f} words/s")
    print(f"as one article:  {single:6.2f} s {words / single:>9,.0f} words/s")


if __name__ == "__main__":
    main()
