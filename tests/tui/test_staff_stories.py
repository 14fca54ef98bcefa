"""Staff and trust at the counter: a cashier asks, a supervisor approves with their PIN, the journal names both.

Real store, real app under the pilot; `pos db verify` passes after each story (the `shop` fixture).
"""

from __future__ import annotations

import json
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from pos_tui.domain.cart import Cart
from pos_tui.domain.permissions import Action, Approval
from pos_tui.domain.tender import Tender
from pos_tui.services.catalog import products as catalog
from pos_tui.services.selling import parking, sales
from pos_tui.services.session import Session, open_session
from pos_tui.services.staff import authz
from pos_tui.services.staff.users import add_user, unlock_user
from pos_tui.tui.dialogs.approval import ApprovalDialog
from pos_tui.tui.dialogs.choose import ChooseDialog
from pos_tui.tui.dialogs.receipt import ReceiptDialog
from pos_tui.tui.dialogs.tender import TenderDialog
from tests.conftest import MILK_BARCODE, TEA, TEA_BARCODE
from tests.tui.conftest import ADMIN, log_in, make_app, scan, wait_for

CASHIER, CASHIER_PIN = "cara", "1111"
SUPERVISOR, SUPERVISOR_PIN = "sam", "222222"
MANAGER, MANAGER_PIN = "mona", "333333"


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
            "cody may not void a line either, so cannot approve it. Ask a supervisor or manager who may.")
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


async def fail_login(pilot: Pilot[None], user: str, pin: str) -> str:
    """One wrong try at the login screen (waiting out its slow-down first); the sentence it shows."""
    import time

    screen = pilot.app.screen
    until = screen.locked_until.get(user, 0.0)  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: time.monotonic() >= until, timeout=10)
    before = screen.failures.get(user, 0)  # type: ignore[attr-defined]
    screen.query_one("#user", Input).value = user
    screen.query_one("#pin", Input).value = pin
    screen.query_one("#pin", Input).focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.failures.get(user, 0) == before + 1)  # type: ignore[attr-defined]
    return str(screen.query_one("#login-message", Static).content)


async def test_the_slow_down_after_wrong_pins_is_for_that_name_not_the_next_cashier(
    shop: Session, tmp_path: Path
) -> None:
    hire_staff(shop)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(4):
            said = await fail_login(pilot, CASHIER, "0000")
        assert said.endswith("Wait 4 s before trying again.")
        screen = app.screen
        screen.query_one("#user", Input).value = SUPERVISOR  # the next person, with the right PIN, at once
        screen.query_one("#pin", Input).value = SUPERVISOR_PIN
        screen.query_one("#pin", Input).focus()
        await pilot.press("enter")
        message = screen.query_one("#login-message", Static)
        await wait_for(pilot, lambda: app.current_mode != "login" or "Too many" in str(message.content))
        assert app.user.username == SUPERVISOR  # type: ignore[attr-defined]


async def test_user_tab_pin_enter_in_one_burst_logs_in(shop: Session, tmp_path: Path) -> None:
    """A keyboard macro or a badge reader types the whole login faster than the focus moves."""
    from textual import events

    hire_staff(shop)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key in [*SUPERVISOR, "tab", *SUPERVISOR_PIN, "enter"]:
            app.post_message(events.Key(key, {"tab": "\t", "enter": "\r"}.get(key, key)))
        await wait_for(pilot, lambda: app.current_mode != "login")
        assert app.user.username == SUPERVISOR  # type: ignore[attr-defined]

        await pilot.press("f10")
        await wait_for(pilot, lambda: app.current_mode == "login")
        screen = app.screen
        for key in [*CASHIER, "enter", *"112", "backspace", *"11", "enter"]:  # Enter moves on too; typos mend
            app.post_message(events.Key(key, {"enter": "\r", "backspace": "\x7f"}.get(key, key)))
        await wait_for(pilot, lambda: app.current_mode != "login")
        assert app.user.username == CASHIER  # type: ignore[attr-defined]
        assert screen.query_one("#user", Input).value in ("", CASHIER)


async def test_five_wrong_pins_lock_a_cashier_out_until_an_admin_unlocks(shop: Session, tmp_path: Path) -> None:
    hire_staff(shop)
    async with make_app(shop, tmp_path).run_test(size=(120, 40)) as pilot:
        for _ in range(4):
            assert (await fail_login(pilot, CASHIER, "0000")).startswith("Wrong user name or PIN.")
        said = await fail_login(pilot, CASHIER, "0000")
        assert said.startswith("This user is locked after too many wrong PINs, until ")
        assert "ask an admin to unlock it" in said
        # locked: even the right PIN is refused now, and says until when
        said = await fail_login(pilot, CASHIER, CASHIER_PIN)
        assert said.startswith("This user is locked after too many wrong PINs, until ")
        assert pilot.app.current_mode == "login"

    unlock_user(shop.as_user(ADMIN), CASHIER)  # what `pos user unlock cara` does
    async with make_app(shop, tmp_path).run_test(size=(120, 40)) as pilot:
        await log_in(pilot, CASHIER, CASHIER_PIN)
        assert pilot.app.user.username == CASHIER  # type: ignore[attr-defined]
    kinds = [row[0] for row in shop.ledger.conn.execute(
        "SELECT kind FROM journal WHERE kind LIKE 'user.%' ORDER BY seq DESC LIMIT 3")]
    assert kinds == ["user.logged_in", "user.unlocked", "user.login_failed"]


async def test_f10_locks_and_another_cashier_finds_the_parked_carts_and_the_left_cart_parked(
    shop: Session, tmp_path: Path
) -> None:
    hire_staff(shop)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, CASHIER, CASHIER_PIN)
        await scan(pilot, TEA_BARCODE)
        await pilot.press("f8")  # park for table 4
        app.screen.query_one("#f-value", Input).value = "Table 4"
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(parking.list_parked(shop)) == 1)
        await wait_for(pilot, lambda: not app.screen.cart.lines)  # type: ignore[attr-defined]
        await scan(pilot, MILK_BARCODE)  # the next customer, half served

        await pilot.press("f10")
        assert app.current_mode == "login" and app.user is None
        await log_in(pilot, CASHIER, CASHIER_PIN)  # back from a break: the same cart waits
        assert [line.sku for line in app.screen.cart.lines] == ["MILK-1L"]  # type: ignore[attr-defined]

        await pilot.press("f10")
        await log_in(pilot, SUPERVISOR, SUPERVISOR_PIN)  # a different cashier takes the till
        assert app.screen.cart.lines == ()  # type: ignore[attr-defined]
        parked = parking.list_parked(shop)
        assert (parked[0].name, parked[0].username) == ("Table 4", CASHIER)
        assert parked[1].name.startswith("cara's cart ") and parked[1].username == CASHIER

        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, ChooseDialog))
        await pilot.press("down", "enter")  # sam finishes cara's half-served customer
        await wait_for(pilot, lambda: bool(app.screen.cart.lines))  # type: ignore[attr-defined]
        assert [line.sku for line in app.screen.cart.lines] == ["MILK-1L"]  # type: ignore[attr-defined]


async def test_parked_carts_are_listed_at_the_stores_time_not_utc_or_the_boxs(shop: Session, tmp_path: Path) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    # A minute that is not the same on the box's clock, in UTC and in Karachi (the journal's time only
    # moves forward, so the cart is parked now, to the minute).
    moment = datetime.now(UTC).replace(second=0, microsecond=0)
    karachi = moment.astimezone(ZoneInfo("Asia/Karachi"))
    early = Session(shop.ledger, shop.settings, ADMIN, clock=lambda: moment)
    parking.park_cart(early, Cart().add(catalog.resolve_scan(early, TEA_BARCODE)), "Mrs Khan")
    assert parking.list_parked(shop)[0].local_at == karachi.strftime("%Y-%m-%d %H:%M")  # as on her receipt
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, ChooseDialog))
        shown = [text for _, text in app.screen.options]  # type: ignore[attr-defined]
    assert shown == [f"Mrs Khan — 1 lines, admin, {karachi:%H:%M}"]


async def test_the_till_locks_itself_after_the_idle_minutes(shop: Session, tmp_path: Path) -> None:
    app = make_app(shop, tmp_path)
    assert app.idle_lock_s == shop.settings.staff.idle_lock_minutes * 60
    app.idle_lock_s = 2.5  # float-ok: seconds, so the story does not take five minutes (and checks often)
    async with app.run_test(size=(120, 40)) as pilot:
        app.idle_lock_s = 3600  # while the story logs in and scans: a loaded box may take seconds for that
        await log_in(pilot)
        await scan(pilot, TEA_BARCODE)
        assert [line.sku for line in app.screen.cart.lines] == ["TEA-200"]  # type: ignore[attr-defined]
        app.idle_lock_s = 2.5  # float-ok: now idle
        await wait_for(pilot, lambda: app.current_mode == "login")
        assert app.user is None
        await log_in(pilot)
        assert [line.sku for line in app.screen.cart.lines] == ["TEA-200"]  # type: ignore[attr-defined]


async def test_a_read_only_seat_offers_only_views_and_refuses_a_forced_write(shop: Session, tmp_path: Path) -> None:
    hire_staff(shop)
    manager_seat = open_session(shop.settings, shop.ledger.path, read_only=True)
    app = make_app(manager_seat, tmp_path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_anywhere(pilot, MANAGER, MANAGER_PIN)
            assert app.current_mode != "bucket"
            offered = [mode for mode, *_ in app.dock_entries()]
            assert "bucket" not in offered and {"warehouse", "daybook", "audit"} <= set(offered)
            await pilot.press("f1")
            assert app.current_mode != "bucket"

            await pilot.press("f2")
            await wait_for(pilot, lambda: app.current_mode == "warehouse")
            warehouse = app.screen
            await wait_for(pilot, lambda: bool(warehouse.products))  # type: ignore[attr-defined]
            footer = {b.binding.action for b in warehouse.active_bindings.values() if b.binding.show}
            assert {"page(1)", "page(-1)"} <= footer  # the views stay
            assert not footer & {"receive", "adjust", "price", "edit"}  # the writes are not offered

            # forced anyway (as a bug or a stray binding would): the ledger refuses, the person is told
            # in the form, which stays open
            warehouse._ask("Adjust", [], lambda answer: warehouse.write(  # type: ignore[attr-defined]
                "adjust", lambda approval: catalog.adjust_stock(app.session, TEA, -1000, "count", approval=approval),
                "adjusted"))
            await wait_for(pilot, lambda: app.screen is not warehouse)
            app.screen.submit()  # type: ignore[attr-defined]
            await wait_for(pilot, lambda: "read-only" in str(app.screen.query_one("#form-error", Static).content))
            assert str(app.screen.query_one("#form-error", Static).content) == (
                "This session is read-only: nothing can be changed from here. "
                "Log in at a till to sell or change stock.")
    finally:
        manager_seat.close()
    assert shop.ledger.conn.execute("SELECT COUNT(*) FROM journal WHERE kind = 'stock.adjusted'").fetchone()[0] == 0


async def test_keys_that_cannot_act_here_say_why_instead_of_nothing(shop: Session, tmp_path: Path) -> None:
    hire_staff(shop)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, CASHIER, CASHIER_PIN)
        status = app.screen.query_one("#status", Static)
        await pilot.press("f12")  # an empty cart
        assert str(status.content).startswith("The cart is empty: scan an item first.")
        assert not isinstance(app.screen, TenderDialog)
        await pilot.press("f4")
        assert app.current_mode == "bucket"
        assert str(status.content) == ("cara (cashier) may not read reports, so Reports is not offered. "
                                       "A manager can look, or an admin can change the role.")
        await pilot.press("ctrl+y")
        assert app.current_mode == "bucket" and "may not read the audit, so Audit" in str(status.content)

    manager_seat = open_session(shop.settings, shop.ledger.path, read_only=True)
    app = make_app(manager_seat, tmp_path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in_anywhere(pilot, MANAGER, MANAGER_PIN)
            await pilot.press("f2")
            await wait_for(pilot, lambda: app.current_mode == "warehouse")
            await wait_for(pilot, lambda: app.screen.query_one("#products", DataTable).row_count > 0)
            app.screen.query_one("#products", DataTable).focus()
            await pilot.press("enter")  # the product's own screen
            await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ProductDetailScreen")
            detail = app.screen
            for key in ("f5", "f6", "f7", "f8"):
                detail.query_one("#status", Static).update("")
                await pilot.press(key)
                assert str(detail.query_one("#status", Static).content).startswith("This session is read-only")
                assert app.screen is detail  # no form opened
    finally:
        manager_seat.close()


async def log_in_anywhere(pilot: Pilot[None], user: str, pin: str) -> None:
    """Log in and wait for whatever mode the login lands on."""
    screen = pilot.app.screen
    screen.query_one("#user", Input).value = user
    screen.query_one("#pin", Input).value = pin
    screen.query_one("#pin", Input).focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: pilot.app.current_mode != "login")


async def test_the_audit_lists_a_price_override_with_both_names_and_only_for_those_allowed(
    shop: Session, tmp_path: Path
) -> None:
    hire_staff(shop)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, CASHIER, CASHIER_PIN)
        assert "audit" not in [mode for mode, *_ in app.dock_entries()]
        await pilot.press("ctrl+y")  # not a cashier's to see
        assert app.current_mode == "bucket"

        await scan(pilot, TEA_BARCODE)
        app.screen.query_one("#scan", Input).value = "400"
        await pilot.press("f7")  # price override to 400: a cashier may not alone
        await approve(pilot, SUPERVISOR, SUPERVISOR_PIN, reason="dented tin")
        await wait_for(pilot, lambda: app.screen.cart.lines[0].unit_price == 40_000)  # type: ignore[attr-defined]
        await pay_cash(pilot, "400")
        await pilot.press("escape")

        await pilot.press("f10")
        await log_in_anywhere(pilot, MANAGER, MANAGER_PIN)
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: app.current_mode == "audit")
        table = app.screen.query_one("#audit-events", DataTable)
        await wait_for(pilot, lambda: table.row_count > 0)
        rows = [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]
        sale = next(row for row in rows if row[2] == "sale")
        assert sale[1] == CASHIER
        assert sale[3] == f"{SUPERVISOR} (price override: dented tin)"
        assert any(row[2] == "login" and MANAGER in (row[1], row[4]) for row in rows)

        app.screen.query_one("#au-user", Select).value = SUPERVISOR  # only what sam did or approved
        await wait_for(pilot, lambda: app.screen.user == SUPERVISOR)  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: table.row_count < len(rows))
        for n in range(table.row_count):
            _when, user, _event, approved, about, _what, _till = (str(cell) for cell in table.get_row_at(n))
            assert SUPERVISOR in (user, about) or approved.startswith(SUPERVISOR)
        assert table.row_count >= 2  # sam was added, and approved the override


async def test_wrong_pins_for_the_manager_at_a_till_the_cashier_locked_show_as_the_managers_in_the_audit(
    shop: Session, tmp_path: Path
) -> None:
    hire_staff(shop)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, CASHIER, CASHIER_PIN)
        await pilot.press("f10")
        await wait_for(pilot, lambda: app.current_mode == "login")
        screen = app.screen
        screen.query_one("#user", Input).value = MANAGER
        screen.query_one("#pin", Input).value = "9999"
        screen.query_one("#pin", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Wrong" in str(screen.query_one("#login-message", Static).content))
        await log_in_anywhere(pilot, MANAGER, MANAGER_PIN)
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: app.current_mode == "audit")
        table = app.screen.query_one("#audit-events", DataTable)
        await wait_for(pilot, lambda: table.row_count > 0)
        rows = [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]
    wrong = next(row for row in rows if row[2] == "wrong PIN")
    assert wrong[1] == MANAGER and CASHIER not in wrong
    assert wrong[5] == f"wrong PIN for {MANAGER} at login"


async def test_a_discount_within_the_cashiers_limit_goes_through_and_one_above_needs_a_supervisor(
    shop: Session, tmp_path: Path
) -> None:
    hire_staff(shop)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, CASHIER, CASHIER_PIN)
        await scan(pilot, TEA_BARCODE)
        app.screen.query_one("#scan", Input).value = "10%"
        await pilot.press("f6")  # 10% off the cart is the default limit: no one is asked
        assert not isinstance(app.screen, ApprovalDialog)
        assert app.screen.priced.discount_total == 4_500  # type: ignore[attr-defined]

        await pilot.press("f6")  # 25% off, typed into the dialog this time
        await wait_for(pilot, lambda: app.screen.query("#f-value"))
        app.screen.query_one("#f-value", Input).value = "25%"
        await pilot.press("enter")
        await approve(pilot, SUPERVISOR, SUPERVISOR_PIN, reason="regular customer")
        await wait_for(pilot, lambda: app.screen.cart.discount is not None)  # type: ignore[attr-defined]
        await pay_cash(pilot, "500")

    _, sale = last_event(shop, "sale.completed")
    assert sale["approvals"] == [{"action": "discount_above_limit", "approver": SUPERVISOR,
                                  "reason": "regular customer"}]


async def test_a_discount_larger_than_its_line_or_the_cart_is_refused_with_the_largest_before_anyone_approves(
    shop: Session, tmp_path: Path
) -> None:
    hire_staff(shop)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, CASHIER, CASHIER_PIN)
        head = shop.ledger.head()
        await scan(pilot, TEA_BARCODE)  # Rs 450.00
        bucket = app.screen
        bucket.query_one("#scan", Input).value = "600"
        await pilot.press("f5")  # above the cashier's limit too, but no supervisor is called for a refusal
        await pilot.pause()
        assert not isinstance(app.screen, ApprovalDialog)
        said = str(bucket.query_one("#status", Static).content)
        assert "A discount of Rs 600.00 is more than line 1 (Rs 450.00)" in said
        assert "The largest discount line 1 allows is Rs 450.00" in said
        assert bucket.cart.lines[0].discount is None  # type: ignore[attr-defined]

        bucket.query_one("#scan", Input).value = "45"
        await pilot.press("f5")  # the cashier's 10% alone: Rs 405.00 left
        await wait_for(pilot, lambda: bucket.cart.lines[0].discount is not None)  # type: ignore[attr-defined]
        bucket.query_one("#scan", Input).value = "405.01"
        await pilot.press("f6")
        await pilot.pause()
        assert not isinstance(app.screen, ApprovalDialog)
        said = str(bucket.query_one("#status", Static).content)
        assert "more than the cart (Rs 405.00 after line discounts)" in said
        assert bucket.cart.discount is None  # type: ignore[attr-defined]
    assert shop.ledger.head() == head


async def test_a_cashier_adjusting_stock_needs_a_manager_not_a_supervisor(shop: Session, tmp_path: Path) -> None:
    hire_staff(shop)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, CASHIER, CASHIER_PIN)
        await pilot.press("f2")
        await wait_for(pilot, lambda: bool(getattr(app.screen, "products", None)))
        await pilot.press("f6")  # adjust the first product (tea)
        await wait_for(pilot, lambda: app.screen.query("#f-qty"))
        app.screen.query_one("#f-qty", Input).value = "-1"
        app.screen.query_one("#f-reason", Input).value = "damaged"
        app.screen.query_one("#f-reason", Input).focus()
        await pilot.press("enter")
        await approve(pilot, SUPERVISOR, SUPERVISOR_PIN, reason="dropped")
        await wait_for(pilot, lambda: "may not" in approval_message(pilot))
        await approve(pilot, MANAGER, MANAGER_PIN, reason="dropped")
        await wait_for(pilot, lambda: not isinstance(app.screen, ApprovalDialog))
        await wait_for(pilot, lambda: shop.ledger.conn.execute(
            "SELECT COUNT(*) FROM journal WHERE kind = 'stock.adjusted'").fetchone()[0] == 1)

    user, adjusted = last_event(shop, "stock.adjusted")
    assert user == CASHIER
    assert adjusted["quantity"] == -1000
    assert adjusted["approvals"] == [{"action": "stock_adjust", "approver": MANAGER, "reason": "dropped"}]


async def test_a_cashier_voids_a_whole_sale_with_a_supervisor_and_a_cancelled_approval_changes_nothing(
    shop: Session, tmp_path: Path
) -> None:
    hire_staff(shop)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, CASHIER, CASHIER_PIN)
        await scan(pilot, TEA_BARCODE)
        await pay_cash(pilot, "500")
        await pilot.press("escape")

        async def ask_to_void() -> None:
            await pilot.press("ctrl+k")
            await wait_for(pilot, lambda: app.screen.query("#f-sale"))
            app.screen.query_one("#f-sale", Input).value = "T1-1"
            app.screen.query_one("#f-reason", Input).value = "rang up twice"
            app.screen.query_one("#f-reason", Input).focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ApprovalDialog))

        await ask_to_void()
        await pilot.press("escape")  # nobody approves: the void form stays, with what was typed
        await wait_for(pilot, lambda: app.screen.query("#form-error")
                       and "no supervisor approved" in str(app.screen.query_one("#form-error", Static).content))
        assert app.screen.query_one("#f-sale", Input).value == "T1-1"
        assert shop.ledger.conn.execute("SELECT COUNT(*) FROM journal WHERE kind = 'sale.returned'").fetchone()[0] == 0
        await pilot.press("escape")
        status = app.screen.query_one("#status", Static)

        await ask_to_void()
        assert app.screen.query_one("#approval-reason", Input).value == "rang up twice"  # carried over
        await approve(pilot, SUPERVISOR, SUPERVISOR_PIN, reason="rang up twice")
        await wait_for(pilot, lambda: "saved: refund" in str(status.content))
        assert "REFUND" in str(app.screen.query_one("#receipt-text", Static).content)  # the slip

    user, voided = last_event(shop, "sale.returned")
    assert (user, voided["is_void"]) == (CASHIER, True)
    assert voided["approvals"] == [{"action": "void_sale", "approver": SUPERVISOR, "reason": "rang up twice"}]


def test_a_parked_cart_keeps_its_approvals_until_the_sale_records_them(shop: Session) -> None:
    hire_staff(shop)
    cara = shop.as_user(CASHIER)
    approval = authz.approve(cara, SUPERVISOR, SUPERVISOR_PIN, Action.PRICE_OVERRIDE, "dented tin")
    cart = Cart().add(catalog.resolve_scan(cara, TEA_BARCODE)).with_price(0, 40_000).with_approval(approval)
    cart_id = parking.park_cart(cara, cart, "Table 2")
    resumed = parking.resume_cart(shop.as_user(SUPERVISOR), cart_id)
    assert resumed == cart
    sales.complete_sale(shop.as_user(SUPERVISOR), resumed, [Tender("cash", 40_000)])
    user, sale = last_event(shop, "sale.completed")
    assert user == SUPERVISOR
    assert sale["approvals"] == [{"action": "price_override", "approver": SUPERVISOR, "reason": "dented tin"}]


async def test_a_cart_left_at_a_hand_over_is_parked_with_its_customer_who_leaves_the_counter(
    shop: Session, tmp_path: Path
) -> None:
    from pos_tui.services.customers import accounts
    from pos_tui.services.customers.accounts import Person

    hire_staff(shop)
    omar = accounts.add_customer(shop, Person("Omar Sheikh", "0302 5550002"))
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot, CASHIER, CASHIER_PIN)
        await scan(pilot, omar.card)
        await scan(pilot, TEA_BARCODE)
        await wait_for(pilot, lambda: app.screen.customer_id == omar.customer_id)  # type: ignore[attr-defined]
        await pilot.press("f10")
        await log_in(pilot, SUPERVISOR, SUPERVISOR_PIN)  # a different cashier: the cart and Omar are parked
        assert app.screen.cart.lines == () and app.screen.customer_id is None  # type: ignore[attr-defined]
        [parked] = parking.list_parked(shop)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, ChooseDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.customer_id == omar.customer_id)  # type: ignore[attr-defined]
        assert [line.sku for line in app.screen.cart.lines] == ["TEA-200"]  # type: ignore[attr-defined]
    assert parked.username == CASHIER
