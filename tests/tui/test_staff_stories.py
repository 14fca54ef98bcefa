"""Staff and trust at the counter: a cashier asks, a supervisor approves with their PIN, the journal names both.

Real store, real app under the pilot; `pos db verify` passes after each story (the `shop` fixture).
"""

from __future__ import annotations

import json
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Static

from pos_tui.domain.permissions import Approval
from pos_tui.services.session import Session
from pos_tui.services.users import add_user
from pos_tui.tui.dialogs.approval import ApprovalDialog
from pos_tui.tui.dialogs.receipt import ReceiptDialog
from pos_tui.tui.dialogs.tender import TenderDialog
from tests.conftest import MILK_BARCODE, TEA_BARCODE
from tests.tui.conftest import log_in, make_app, scan, wait_for

CASHIER, CASHIER_PIN = "cara", "1111"
SUPERVISOR, SUPERVISOR_PIN = "sam", "2222"
MANAGER, MANAGER_PIN = "mona", "3333"


def hire_staff(session: Session) -> None:
    add_user(session, CASHIER, CASHIER_PIN, role="cashier", display_name="Cara")
    add_user(session, SUPERVISOR, SUPERVISOR_PIN, role="supervisor", display_name="Sam")
    add_user(session, MANAGER, MANAGER_PIN, role="manager", display_name="Mona")


def last_event(session: Session, kind: str) -> tuple[str, dict[str, object]]:
    """(user who recorded it, payload) of the newest journal entry of ``kind``."""
    user, payload = session.ledger.conn.execute(
        "SELECT user, payload FROM journal WHERE kind = ? ORDER BY seq DESC LIMIT 1", (kind,)
    ).fetchone()
    return user, json.loads(payload)


async def approve(pilot: Pilot[None], supervisor: str, pin: str, reason: str = "customer changed mind") -> None:
    """A supervisor at the cashier's elbow: name, Enter, PIN, Enter, reason, Enter."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ApprovalDialog))
    dialog = pilot.app.screen
    dialog.query_one("#approver", Input).value = supervisor
    dialog.query_one("#approver-pin", Input).value = pin
    dialog.query_one("#approval-reason", Input).value = reason
    dialog.query_one("#approval-reason", Input).focus()
    await pilot.press("enter")


def approval_message(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#approval-error", Static).content)


async def pay_cash(pilot: Pilot[None], amount: str) -> None:
    await pilot.press("f12")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TenderDialog))
    pilot.app.screen.query_one("#amount", Input).value = amount
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReceiptDialog))


async def test_cashier_voids_a_line_with_a_supervisors_pin_and_the_sale_names_both(shop: Session,
                                                                                   tmp_path: Path) -> None:
    hire_staff(shop)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, CASHIER, CASHIER_PIN)
        await scan(pilot, TEA_BARCODE)
        await scan(pilot, MILK_BARCODE)

        await pilot.press("ctrl+d")  # void the milk: a cashier may not alone
        await approve(pilot, SUPERVISOR, SUPERVISOR_PIN)
        await wait_for(pilot, lambda: not isinstance(app.screen, ApprovalDialog))
        bucket = app.screen
        assert [line.sku for line in bucket.cart.lines] == ["TEA-200"]  # type: ignore[attr-defined]
        assert bucket.cart.approvals == (Approval("void_line", SUPERVISOR, "customer changed mind"),)  # type: ignore[attr-defined]

        await pay_cash(pilot, "500")

    user, sale = last_event(shop, "sale.completed")
    assert user == CASHIER
    assert sale["approvals"] == [{"action": "void_line", "approver": SUPERVISOR, "reason": "customer changed mind"}]


async def test_a_supervisor_without_the_permission_is_refused_and_nothing_changes(shop: Session,
                                                                                   tmp_path: Path) -> None:
    hire_staff(shop)
    add_user(shop, "cody", "4444", role="cashier")
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, CASHIER, CASHIER_PIN)
        await scan(pilot, TEA_BARCODE)
        await pilot.press("ctrl+d")
        await approve(pilot, "cody", "4444")  # another cashier: right PIN, not theirs to give
        await wait_for(pilot, lambda: "may not" in approval_message(pilot))
        assert approval_message(pilot) == (
            "cody may not void line either, so cannot approve it. Ask a supervisor or manager who may.")
        await pilot.press("escape")
        assert [line.sku for line in app.screen.cart.lines] == ["TEA-200"]  # type: ignore[attr-defined]
        assert app.screen.cart.approvals == ()  # type: ignore[attr-defined]
    assert last_event(shop, "approval.refused")[1]["approver"] == "cody"


async def test_a_wrong_supervisor_pin_says_so_without_saying_which_part(shop: Session, tmp_path: Path) -> None:
    hire_staff(shop)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, CASHIER, CASHIER_PIN)
        await scan(pilot, TEA_BARCODE)
        await pilot.press("ctrl+d")
        await approve(pilot, SUPERVISOR, "9999")
        await wait_for(pilot, lambda: "Wrong" in approval_message(pilot))
        assert approval_message(pilot) == "Wrong user name or PIN. Try again."
        assert app.screen.query_one("#approver-pin", Input).value == ""  # typed again, not kept
        await approve(pilot, "nobody", SUPERVISOR_PIN)
        await wait_for(pilot, lambda: app.screen.query_one("#approver-pin", Input).value == "")
        assert approval_message(pilot) == "Wrong user name or PIN. Try again."
        await approve(pilot, SUPERVISOR, SUPERVISOR_PIN)
        await wait_for(pilot, lambda: not isinstance(app.screen, ApprovalDialog))
        assert app.screen.cart.lines == ()  # type: ignore[attr-defined]
    assert last_event(shop, "user.login_failed")[1]["purpose"] == "approval"
