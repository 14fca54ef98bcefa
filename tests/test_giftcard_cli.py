"""`pos giftcard` from a shell: sell one, pay with it through `pos sale`, block it, and be refused."""

from __future__ import annotations

from pathlib import Path

from pos_tui.services.session import Session

from .conftest import TEA_BARCODE
from .test_cash_cli import head, pos


def test_a_card_sold_at_the_command_line_pays_for_tea_and_a_blocked_one_is_refused(
    store: Session, store_path: Path
) -> None:
    sold = pos(store_path, "giftcard", "sell", "1000", "--pay", "cash:1000", "--user", "admin")
    assert sold.returncode == 0, sold.stderr
    number = sold.stdout.strip().splitlines()[-1].split()[2]
    assert f"|| {number} ||" in sold.stdout  # the receipt carries the card as a barcode
    paid = pos(store_path, "sale", "--scan", TEA_BARCODE, "--pay", f"gift-card:{number}:450", "--user", "admin")
    assert paid.returncode == 0, paid.stderr
    assert "paid Rs 450.00, left Rs 550.00" in " ".join(paid.stdout.split())  # wrapped to the paper
    balance = pos(store_path, "giftcard", "balance", number, "--history")
    assert f"Gift card {number}: Rs 550.00" in balance.stdout and "redeemed" in balance.stdout

    before = head(store_path)
    too_much = pos(store_path, "sale", "--scan", f"2*{TEA_BARCODE}", "--pay", f"gift-card:{number}:900",
                   "--user", "admin")
    assert too_much.returncode == 1 and "holds Rs 550.00, less than Rs 900.00" in too_much.stderr
    assert "Traceback" not in too_much.stderr and head(store_path) == before

    assert pos(store_path, "giftcard", "block", number, "--reason", "lost", "--user", "admin").returncode == 0
    blocked = pos(store_path, "sale", "--scan", TEA_BARCODE, "--pay", f"gift-card:{number}:450", "--user", "admin")
    assert blocked.returncode == 1 and "is blocked" in blocked.stderr
    listed = pos(store_path, "giftcard", "list")
    assert "1 cards hold Rs 550.00 (liabilities:gift-cards)." in listed.stdout
