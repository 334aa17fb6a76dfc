"""FIFOs, devices and sockets are refused unopened; unreadable inputs are one line each."""

from __future__ import annotations

import builtins
import os
import socket
from pathlib import Path

import pytest
from sayso.pipeline import inputs
from sayso.pipeline.inputs import expand_paths

from tests.conftest import SEEDS

SEED = sorted(SEEDS.glob("*.txt"))[0]


def check(sayso_cli, *paths):
    result = sayso_cli("check", *map(str, paths), "--no-db", "--analyzer", "offline", "-q")
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    return result.exit_code, errors, result.stdout


def test_a_fifo_named_on_the_command_line_is_not_opened(sayso_cli, tmp_path):
    fifo = tmp_path / "story.txt"
    os.mkfifo(fifo)
    # Opening it for reading would wait for a writer for ever.
    code, errors, out = check(sayso_cli, fifo, SEED)
    assert code == 2
    assert errors == [
        f"error: {fifo}: a FIFO (named pipe), not a file; not read (- reads standard input)"
    ]
    assert out.startswith("1 article(s) checked")


def test_a_device_is_not_read(sayso_cli):
    code, errors, out = check(sayso_cli, "/dev/zero", SEED)
    assert code == 2
    assert errors == [
        "error: /dev/zero: a character device, not a file; not read (- reads standard input)"
    ]
    assert out.startswith("1 article(s) checked")


def test_a_socket_in_a_directory_is_one_line(sayso_cli, tmp_path):
    (tmp_path / "good.txt").write_text(SEED.read_text())
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "feed.txt"))
    try:
        code, errors, out = check(sayso_cli, tmp_path)
    finally:
        server.close()
    assert code == 2
    assert errors == [
        f"error: {tmp_path / 'feed.txt'}: a socket, not a file; not read (- reads standard input)"
    ]
    assert out.startswith("1 article(s) checked")


def test_an_unreadable_file_is_one_line_and_the_others_are_checked(
    sayso_cli, tmp_path, monkeypatch
):
    locked = tmp_path / "locked.txt"
    locked.write_text("Officials said it rained.")
    real_open = builtins.open

    def open_refusing(name, *args, **kwargs):
        if str(name) == str(locked):
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, *args, **kwargs)

    # Root may read any file: refuse this one as a file system would anyone else.
    monkeypatch.setattr(inputs, "open", open_refusing, raising=False)
    code, errors, out = check(sayso_cli, locked, SEED)
    assert code == 2
    assert errors == [f"error: {locked}: cannot read: Permission denied"]
    assert out.startswith("1 article(s) checked")


def test_an_unreadable_directory_found_is_one_line(sayso_cli, tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text(SEED.read_text())
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text(SEED.read_text())
    real_scandir = os.scandir

    def scandir_refusing(path):
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(inputs.os, "scandir", scandir_refusing)
    code, errors, out = check(sayso_cli, tmp_path)
    assert code == 2
    assert errors == [f"error: {locked}: cannot list the directory: Permission denied"]
    assert out.startswith("1 article(s) checked")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may read any file")
def test_unreadable_files_for_real(sayso_cli, tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_text("Officials said it rained.")
    locked.chmod(0)
    code, errors, _ = check(sayso_cli, locked, SEED)
    assert code == 2 and len(errors) == 1


def test_a_dangling_link_named_like_an_article_is_one_line(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    assert [str(item) for item in expand_paths([tmp_path])] == [
        f"{tmp_path / 'gone.txt'}: a link to nothing"
    ]
    assert isinstance(next(iter(expand_paths([Path(tmp_path)]))), inputs.InputError)
