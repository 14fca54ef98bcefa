"""API tokens from a shell: made once, kept only as a hash, listed, revoked, and each step in the audit."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from pos_tui.services.api import tokens
from pos_tui.services.session import Session

from .conftest import assert_verifies


def pos(store_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pos_tui.cli.main", *args, "--db", str(store_path)],
                          capture_output=True, text=True)


def files_hold(store_path: Path, *texts: str) -> list[bool]:
    script = ("import json, sys; data = open(sys.argv[1], 'rb').read() + open(sys.argv[1] + '-wal', 'rb').read();"
              " print(json.dumps([t.encode() in data for t in sys.argv[2:]]))")
    done = subprocess.run([sys.executable, "-c", script, str(store_path), *texts], capture_output=True, text=True,
                          check=True)
    return list(json.loads(done.stdout))


def test_a_token_is_printed_once_kept_as_its_hash_listed_revoked_and_audited(store: Session,
                                                                            store_path: Path) -> None:
    added = pos(store_path, "api", "token", "add", "webshop", "--scope", "items:read", "--scope", "sales:write",
                "--expires", "30", "--rate-limit", "120/min", "--user", "admin")
    assert added.returncode == 0, added.stderr
    secret = added.stdout.strip()
    assert secret.startswith("pos_") and len(secret) > 40
    assert "shown this once" in added.stderr

    # The files are read by another process: closing a file of a database in the process that has it open
    # drops SQLite's POSIX locks on it.
    database = files_hold(store_path, secret, hashlib.sha256(secret.encode()).hexdigest())
    assert database == [False, True]

    listed = pos(store_path, "api", "token", "list")
    token_id = secret.split("_")[1]
    assert token_id in listed.stdout and "active" in listed.stdout and "never used" in listed.stdout
    assert secret not in listed.stdout

    # First use is journalled once, however often the token is used.
    found = tokens.authenticate(store, f"Bearer {secret}")
    tokens.record_first_use(store, found)
    tokens.record_first_use(store, tokens.authenticate(store, f"Bearer {secret}"))
    assert "first used at seq" in pos(store_path, "api", "token", "list").stdout

    revoked = pos(store_path, "api", "token", "revoke", token_id, "--reason", "shop moved", "--user", "admin")
    assert revoked.returncode == 0, revoked.stderr
    assert "revoked" in pos(store_path, "api", "token", "list").stdout

    audit = pos(store_path, "audit")
    assert audit.returncode == 0, audit.stderr
    for kind in ("api.token_added", "api.token_first_used", "api.token_revoked"):
        assert audit.stdout.count(kind) == 1, audit.stdout
    assert secret not in audit.stdout
    journal = store.ledger.conn.execute("SELECT group_concat(payload) FROM journal").fetchone()[0]
    assert secret not in journal
    assert_verifies(store_path)


def test_bad_token_requests_say_what_to_do_and_change_nothing(store: Session, store_path: Path) -> None:
    head = store.ledger.head().seq
    for args, words in (
        (("webshop", "--scope", "items:delete"), "Unknown scope items:delete"),
        (("webshop",), "Missing option '--scope'"),
        (("webshop", "--scope", "items:read", "--as", "nobody"), "There is no user 'nobody'"),
        (("webshop", "--scope", "items:read", "--rate-limit", "lots"), "is not a rate limit"),
        (("webshop", "--scope", "items:read", "--expires", "0"), "--expires must be"),
    ):
        done = pos(store_path, "api", "token", "add", *args, "--user", "admin")
        assert done.returncode != 0 and words in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    refused = pos(store_path, "api", "token", "revoke", "deadbeef", "--user", "admin")
    assert refused.returncode == 1 and "There is no API token 'deadbeef'" in refused.stderr
    assert store.ledger.head().seq == head


def test_a_cashier_cannot_make_tokens(store: Session, store_path: Path) -> None:
    from pos_tui.services.staff.users import add_user

    add_user(store, "ali", "2345", role="cashier")
    done = pos(store_path, "api", "token", "add", "webshop", "--scope", "items:read", "--user", "ali")
    assert done.returncode == 1 and "ali may not" in done.stderr


def test_verify_replays_the_api_tables_and_catches_a_token_given_a_scope_by_hand(store: Session,
                                                                                store_path: Path) -> None:
    from pos_tui.ledger.database import open_ledger
    from pos_tui.ledger.verify import verify_ledger

    new = tokens.add_token(store, "accounts", ["sales:read"], acts_as="admin")
    tokens.record_first_use(store, new.token)
    assert_verifies(store_path)
    with store.ledger.write() as conn:
        conn.execute("UPDATE api_tokens SET scopes = '[\"sales:read\", \"sales:write\"]' WHERE token_id = ?",
                     (new.token.token_id,))
    ledger = open_ledger(store_path, read_only=True)
    try:
        report = verify_ledger(ledger)
    finally:
        ledger.close()
    assert not report.ok and "api_tokens" in "; ".join(str(p) for p in report.problems)
    with store.ledger.write() as conn:  # put it back, so the fixture's own verify passes
        conn.execute("UPDATE api_tokens SET scopes = '[\"sales:read\"]' WHERE token_id = ?", (new.token.token_id,))
