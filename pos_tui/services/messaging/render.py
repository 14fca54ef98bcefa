"""A sale's receipt as an email (plain text and HTML) or as an SMS text, rendered from the journal."""

from __future__ import annotations

import html
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING

from pos_tui.services.selling.receipts import receipt_text

if TYPE_CHECKING:
    from pos_tui.services.session import Session


def _sale(session: Session, sale_seq: int) -> tuple[str, str, int]:
    terminal, number, at, total = session.ledger.conn.execute(
        "SELECT terminal, number, at, total FROM sales WHERE seq = ?", (sale_seq,)).fetchone()
    from pos_tui.services.selling.sales import sale_reference

    loaded = session.ledger.conn.execute(
        "SELECT COALESCE(SUM(amount), 0) FROM gift_card_moves WHERE seq = ? AND kind IN ('sold', 'reloaded')",
        (sale_seq,)).fetchone()[0]
    return sale_reference(terminal, number), at, total + loaded


def receipt_email(session: Session, sale_seq: int, to: str) -> EmailMessage:
    """The receipt as the printer would print it, in plain text, with an HTML part that keeps its columns."""
    reference, _, _ = _sale(session, sale_seq)
    store = session.ledger.store_info().name
    text = receipt_text(session, reference)
    message = EmailMessage()
    message["Subject"] = f"Your receipt {reference} from {store}"
    message["From"] = session.settings.email.from_address or f"{store} <receipts@localhost>"
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid("receipt")
    message.set_content(text)
    message.add_alternative(
        f"<!doctype html><html><body><h2>{html.escape(store)}</h2>"
        f'<pre style="font-family: monospace">{html.escape(text)}</pre></body></html>',
        subtype="html",
    )
    return message


def receipt_sms(session: Session, sale_seq: int) -> str:
    reference, at, total = _sale(session, sale_seq)
    store = session.ledger.store_info().name
    return session.settings.sms.template.format(
        store=store, sale=reference, total=session.money(total), at=session.local_time(at).strftime("%Y-%m-%d %H:%M"))
