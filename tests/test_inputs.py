import io
import json
import os
import time
from pathlib import Path

import pytest
import sqlite_utils
from sayso import check
from sayso.errors import InputError
from sayso.pipeline import inputs
from sayso.pipeline.inputs import decode, expand_paths, headline, read_article, read_stream

from tests.corpus import write_corpus


def test_utf8_and_bom_variants():
    text = "Kim Jong Un met “Shoigu”."
    assert decode(text.encode("utf-8"), "a") == text
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8"), "a") == text
    assert decode(text.encode("utf-16"), "a") == text


def test_latin1_and_cp1252_are_decoded():
    assert decode("Le ministre a déclaré".encode("latin-1"), "a") == "Le ministre a déclaré"
    assert decode("“Quoted”, he said".encode("cp1252"), "a") == "“Quoted”, he said"


def test_windows_newlines_become_unix():
    assert decode(b"One.\r\nTwo.\rThree.", "a") == "One.\nTwo.\nThree."


def test_binary_is_refused(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match="binary"):
        read_article(path)


def test_empty_and_whitespace_files_are_refused(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n")
    with pytest.raises(InputError, match="empty"):
        read_article(path)


def test_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("word " * 100)
    with pytest.raises(InputError, match="over the 10-byte limit"):
        read_article(path, max_bytes=10)


def test_directories_expand_to_article_files(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("b.txt", "a.md", "sub/c.txt", "notes.pdf"):
        (tmp_path / name).write_text("x")
    found = list(expand_paths([tmp_path, tmp_path / "missing.txt"]))
    assert [p.name for p in found[:3]] == ["a.md", "b.txt", "c.txt"]
    assert isinstance(found[3], InputError) and "no such file" in str(found[3])


def test_directories_are_walked_as_rglob_would(tmp_path):
    # Path order is part by part: "a/z.txt" before "a-b.txt", though "-" sorts before "/".
    for name in ("a/z.txt", "a-b.txt", "a/deep/er/x.HTML", ".hidden/y.md", "a/skip.doc"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "a")
    (tmp_path / "file-link.txt").symlink_to(tmp_path / "a-b.txt")
    expected = sorted(
        {p for p in tmp_path.rglob("*") if p.suffix.lower() in (".txt", ".md", ".html", ".htm")}
        - {p for p in tmp_path.rglob("*") if not p.is_file()}
    )
    assert list(expand_paths([tmp_path])) == expected
    assert [p.relative_to(tmp_path).as_posix() for p in expected] == [
        ".hidden/y.md",
        "a/deep/er/x.HTML",
        "a/z.txt",
        "a-b.txt",
        "file-link.txt",
    ]


def test_empty_directory_is_an_error(tmp_path):
    [error] = list(expand_paths([tmp_path]))
    assert isinstance(error, InputError)


def test_headline():
    assert headline("U.S Says Putin Is Reaching Out\n\nBody.") == "U.S Says Putin Is Reaching Out"
    assert headline("This is a first since the closure of the borders.") is None


PAGE = b"""<!DOCTYPE html><html><head><title>Bridge to reopen in May</title>
<meta property="article:published_time" content="2024-05-02T09:00:00Z"></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>Bridge to reopen in May</h1>
<p>The mayor said the bridge would reopen in May, after two years of repairs to its piers.</p>
<p>\xe2\x80\x9cWe are confident,\xe2\x80\x9d she added at a news conference on Thursday.</p>
<p>The river rose by three metres overnight, according to the national weather agency.</p>
</article><footer>Copyright 2024 The Daily Example. All rights reserved.</footer></body></html>"""


def test_html_page_main_text_title_and_date(tmp_path):
    path = tmp_path / "story.html"
    path.write_bytes(PAGE)
    article = read_article(path)
    assert article.title == "Bridge to reopen in May"
    assert article.metadata["date"] == "2024-05-02"
    assert "The mayor said the bridge would reopen in May" in article.text
    assert "“We are confident,” she added" in article.text
    assert "Home" not in article.text and "Copyright" not in article.text
    assert "\n\n" in article.text  # one paragraph per line pair, as text articles have


def test_utf16_html_page(tmp_path):
    path = tmp_path / "story.htm"
    path.write_bytes(PAGE.decode("utf-8").encode("utf-16"))
    assert read_article(path).title == "Bridge to reopen in May"


def test_broken_and_empty_html_are_refused(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_bytes(b"<html><body><div><<<>>></")
    with pytest.raises(InputError, match=r"broken\.html: no article text found"):
        read_article(broken)
    binary = tmp_path / "image.html"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match="binary"):
        read_article(binary)


def test_stdin_text_and_html():
    article = read_stream(io.BytesIO("The mayor said it would reopen.".encode("cp1252")))
    assert article.path == "<stdin>" and article.text == "The mayor said it would reopen."
    assert read_stream(io.BytesIO(PAGE)).title == "Bridge to reopen in May"
    with pytest.raises(InputError, match="<stdin>: more than the 10-byte limit"):
        read_stream(io.BytesIO(b"x" * 11), max_bytes=10)


def test_globs_expand_to_article_files(tmp_path):
    (tmp_path / "2024" / "may").mkdir(parents=True)
    for name in ("a.txt", "2024/b.html", "2024/may/c.md", "2024/may/d.pdf"):
        (tmp_path / name).write_text("x")
    found = list(expand_paths([str(tmp_path / "**" / "*")]))
    assert [p.name for p in found] == ["b.html", "c.md", "a.txt"]
    [error] = list(expand_paths([str(tmp_path / "*.doc")]))
    assert isinstance(error, InputError) and "no .txt, .md, .html or .htm files match" in str(error)
    assert list(expand_paths(["-"])) == [Path("-")]


def test_cli_reports_each_bad_input_once_and_checks_the_rest(sayso_cli, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("The mayor said the bridge would reopen in May.")
    big = tmp_path / "big.txt"
    big.write_text("The mayor said so. " * 20)
    broken = tmp_path / "broken.html"
    broken.write_bytes(b"<html><body><<<")
    missing = tmp_path / "missing.txt"
    db = tmp_path / "s.db"
    result = sayso_cli(
        "check",
        str(missing),
        str(big),
        str(broken),
        str(good),
        "--db",
        str(db),
        "--max-bytes",
        "200",
        "--analyzer",
        "offline",
    )
    assert result.exit_code == 2
    errors = result.stderr.strip().splitlines()
    assert [line.split(":")[0] for line in errors] == ["error"] * 3
    assert [str(p) in "\n".join(errors) for p in (missing, big, broken)] == [True] * 3
    assert "good.txt" in result.stdout
    assert sqlite_utils.Database(db)["articles"].count == 1


def test_recheck_skips_unchanged_articles_until_forced_or_reconfigured(sayso_cli, tmp_path):
    write_corpus(tmp_path / "news", 3)
    db = str(tmp_path / "s.db")
    assert sayso_cli("check", str(tmp_path / "news"), "--db", db).exit_code == 0
    again = sayso_cli("check", str(tmp_path / "news"), "--db", db)
    assert again.exit_code == 0
    # Shown in full from the database, marked as from the cache.
    assert again.stdout.count("Sourcing score") == 3
    assert again.stdout.count("From the cache (unchanged since checked") == 3
    forced = sayso_cli("check", str(tmp_path / "news"), "--db", db, "--force")
    assert forced.stdout.count("Sourcing score") == 3 and "From the cache" not in forced.stdout
    other = sayso_cli("check", str(tmp_path / "news"), "--db", db, "--disable", "unattributed")
    assert "From the cache" not in other.stdout
    runs = list(sqlite_utils.Database(db)["runs"].rows)
    assert [(r["articles"], r["skipped"]) for r in runs] == [(3, 0), (0, 3), (3, 0), (3, 0)]


def test_recheck_json_shows_unchanged_articles_from_the_cache(sayso_cli, tmp_path):
    write_corpus(tmp_path / "news", 2)
    db = str(tmp_path / "s.db")
    first = json.loads(
        sayso_cli("check", str(tmp_path / "news"), "--db", db, "--format", "json").stdout
    )
    again = json.loads(
        sayso_cli("check", str(tmp_path / "news"), "--db", db, "--format", "json").stdout
    )
    assert [a["cached"] for a in first["articles"]] == [False, False]
    assert [a["cached"] for a in again["articles"]] == [True, True]
    assert [{**a, "cached": False} for a in again["articles"]] == first["articles"]


def _settled(path, seconds_ago=3600):
    # As if the file was last written an hour ago: well before any check of it.
    then = time.time() - seconds_ago
    os.utime(path, (then, then))


def test_recheck_does_not_read_a_file_with_its_checked_size_and_time(tmp_path, monkeypatch):
    files = write_corpus(tmp_path / "news", 2)
    for path in files:
        _settled(path)
    db = tmp_path / "s.db"
    first = check([tmp_path / "news"], db=db)
    stored = {row["path"]: row for row in sqlite_utils.Database(db)["articles"].rows}
    assert {(r["file_size"], r["file_mtime_ns"]) for r in stored.values()} == {
        (p.stat().st_size, p.stat().st_mtime_ns) for p in files
    }

    def unread(path, max_bytes):
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr(inputs, "read_article", unread)
    again = check([tmp_path / "news"], db=db, skip_unchanged=True)
    assert again.reports == [] and again.errors == []
    assert sorted(u.article_id for u in again.unchanged) == sorted(
        r.analysis.article.id for r in first.reports
    )


def test_recheck_reads_a_file_whose_time_or_size_changed_or_that_was_fresh(tmp_path):
    files = write_corpus(tmp_path / "news", 3)
    for path in files:
        _settled(path)
    _settled(files[2], seconds_ago=0)  # written just now: its time may not change with its text
    db = tmp_path / "s.db"
    check([tmp_path / "news"], db=db)
    checked_time = files[2].stat().st_mtime_ns
    # Same size, new text: the modification time tells it changed.
    files[0].write_text(files[0].read_text().replace("a", "e", 1))
    files[1].write_text(files[1].read_text() + " More.")
    # Changed within the same clock tick as before: same size, same time, yet read again.
    files[2].write_text(files[2].read_text().replace("a", "e", 1))
    os.utime(files[2], ns=(checked_time, checked_time))
    again = check([tmp_path / "news"], db=db, skip_unchanged=True)
    assert sorted(r.analysis.article.path for r in again.reports) == sorted(map(str, files))


def test_recheck_of_a_renamed_file_stores_its_new_path_without_checking_it_again(tmp_path):
    files = write_corpus(tmp_path / "news", 2)
    for path in files:
        _settled(path)
    db = tmp_path / "s.db"
    check([tmp_path / "news"], db=db)
    renamed = files[0].with_name("renamed.txt")
    files[0].rename(renamed)  # same text, same modification time
    again = check([tmp_path / "news"], db=db, skip_unchanged=True)
    assert again.reports == []
    assert sorted(u.path for u in again.unchanged) == sorted([str(renamed), str(files[1])])
    rows = sqlite_utils.Database(db)["articles"].rows
    assert sorted((r["path"], r["file_size"], r["file_mtime_ns"]) for r in rows) == sorted(
        (str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in (renamed, files[1])
    )
    # The row now names the file as it is: the next re-check need not read it.
    assert check([renamed], db=db, skip_unchanged=True).unchanged[0].path == str(renamed)


def test_a_copy_beside_a_stored_file_leaves_its_row_naming_the_original(tmp_path):
    (original,) = write_corpus(tmp_path / "news", 1)
    _settled(original)
    db = tmp_path / "s.db"
    check([original], db=db)
    copy = tmp_path / "copy.txt"
    copy.write_text(original.read_text())
    again = check([copy], db=db, skip_unchanged=True)
    assert again.reports == [] and again.unchanged[0].path == str(copy)
    assert [r["path"] for r in sqlite_utils.Database(db)["articles"].rows] == [str(original)]
