import pytest
from sayso.errors import InputError
from sayso.inputs import decode, expand_paths, headline, read_article


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


def test_empty_directory_is_an_error(tmp_path):
    [error] = list(expand_paths([tmp_path]))
    assert isinstance(error, InputError)


def test_headline():
    assert headline("U.S Says Putin Is Reaching Out\n\nBody.") == "U.S Says Putin Is Reaching Out"
    assert headline("This is a first since the closure of the borders.") is None
