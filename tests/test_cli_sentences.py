"""Mistakes and mishaps at the shell get a sentence in people's words: no pydantic text, no
traceback, no "minor units", and nothing changed."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pos_tui.services.session import Session
from tests.support.tools import tmpfs

from .conftest import TEA_BARCODE, assert_verifies


def pos(*args: str, cwd: Path | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "POS_CONFIG"}
    return subprocess.run([sys.executable, "-m", "pos_tui.cli.main", *args], capture_output=True, text=True,
                          input=stdin, cwd=cwd, env=env, timeout=300)


def refused(done: subprocess.CompletedProcess[str], sentence: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert sentence in done.stderr, done.stderr
    for raw in ("Traceback", "pydantic", "errors.pydantic.dev", "minor units", "Value error"):
        assert raw not in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("options", "sentence"),
    [
        (["--currency", "XYZ"], "--currency: 'XYZ' is not an ISO 4217 currency code"),
        (["--currency", "pkr"], "'pkr' is not an ISO 4217 currency code"),
        (["--timezone", "Mars/Olympus"], "--timezone: unknown timezone 'Mars/Olympus'; use an IANA name"),
        (["--exponent", "9"], "--exponent: a currency has 0 to 4 decimal places"),
        (["--terminal", "till one"], "--terminal 'till one' must be 1 to 16 letters"),
    ],
)
def test_pos_init_refuses_a_bad_store_detail_in_a_sentence_and_creates_nothing(
        tmp_path: Path, options: list[str], sentence: str) -> None:
    done = pos("init", "--db", str(tmp_path / "shop.db"), *options, stdin="111111\n")

    refused(done, sentence)
    assert list(tmp_path.iterdir()) == []


def test_pos_init_does_not_make_missing_folders(tmp_path: Path) -> None:
    done = pos("init", "--db", "a/b/c.db", cwd=tmp_path, stdin="111111\n")

    refused(done, "The folder a/b does not exist")
    assert list(tmp_path.iterdir()) == []


def test_pos_init_makes_the_database_0640_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        done = pos("init", "--db", str(tmp_path / "shop.db"), "--currency", "JPY", "--exponent", "0",
                   stdin="111111\n")
    finally:
        os.umask(old)

    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((tmp_path / "shop.db").stat().st_mode) == 0o640
    assert_verifies(tmp_path / "shop.db")


def test_a_sale_number_too_big_for_any_till_is_not_a_sale_number(store: Session, store_path: Path) -> None:
    done = pos("void", "--sale", "T1-18446744073709551617", "--reason", "x", "--user", "admin", "--db", str(store_path))

    refused(done, "'T1-18446744073709551617' is not a sale number")


def test_a_directory_given_as_the_database_is_named_as_such(tmp_path: Path) -> None:
    for command in (["status"], ["void", "--sale", "T1-1", "--reason", "x", "--user", "admin"], ["db", "verify"]):
        refused(pos(*command, "--db", str(tmp_path)), f"{tmp_path} is a directory, not a store database")


def test_a_full_disk_is_reported_as_a_full_disk(store: Session, store_path: Path, tmp_path: Path) -> None:
    store.close()
    with tmpfs(tmp_path / "small", size="4m") as small:
        shutil.copy(store_path, small / "pos.db")
        with open(small / "filler", "wb") as filler:
            try:
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
            except OSError:
                pass

        for command in (["status"], ["sale", "--user", "admin", "--scan", TEA_BARCODE, "--pay", "cash:500"]):
            done = pos(*command, "--db", str(small / "pos.db"))
            refused(done, "is full, so the store cannot be opened or changed")
            assert "not a database file" not in done.stderr


def test_db_verify_checks_the_room_for_its_scratch_databases_first(store: Session, store_path: Path,
                                                                     tmp_path: Path) -> None:
    store.close()
    room = store_path.stat().st_size + 256 * 1024  # the store fits, a second copy of it does not
    with tmpfs(tmp_path / "small", size=str(room)) as small:
        shutil.copy(store_path, small / "pos.db")

        cramped = pos("db", "verify", "--db", str(small / "pos.db"))
        (tmp_path / "scratch").mkdir()
        elsewhere = pos("db", "verify", "--db", str(small / "pos.db"), "--scratch", str(tmp_path / "scratch"))

        refused(cramped, "pos db verify needs about")
        assert "--scratch DIR" in cramped.stderr
        assert elsewhere.returncode == 0, elsewhere.stderr
        assert "OK:" in elsewhere.stdout
