"""Cash control through the real app (F5 Cash): a shift from float to blind count, X and Z reports,
and a cashier's paid-out allowed by a supervisor's PIN. The books verify after each story."""

from __future__ import annotations

from pathlib import Path

from textual.color import Color
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from pos_tui.domain.cart import Cart
from pos_tui.domain.tender import Tender
from pos_tui.services.cash import shifts
from pos_tui.services.catalog import products
from pos_tui.services.selling import sales
from pos_tui.services.session import Session
from pos_tui.services.staff.users import add_user
from pos_tui.tui.dialogs.approval import ApprovalDialog
from pos_tui.tui.dialogs.cash_count import CountDialog
from pos_tui.tui.dialogs.cash_move import CashMoveDialog
from pos_tui.tui.dialogs.cash_report import ReportDialog
from pos_tui.tui.screens.cash import CashScreen
from tests.conftest import MILK_BARCODE
from tests.tui.conftest import log_in, make_app, names, wait_for


def on_top(pilot: Pilot[None], kind: type) -> bool:
    return isinstance(pilot.app.screen, kind)


def status(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#status", Static).content)


async def open_cash(pilot: Pilot[None], user: str = "admin", pin: str = "456789") -> None:
    await log_in(pilot, user, pin)
    await pilot.press("ctrl+w")
    await wait_for(pilot, lambda: on_top(pilot, CashScreen))


async def count(pilot: Pilot[None], pieces: dict[int, int]) -> None:
    """Type a count into the open CountDialog and finish it (Enter on the last field)."""
    await wait_for(pilot, lambda: on_top(pilot, CountDialog))
    dialog = pilot.app.screen
    for value, n in pieces.items():
        dialog.query_one(f"#n-{value}", Input).value = str(n)
    dialog.query(Input).last().focus()
    await pilot.press("enter")


async def move(pilot: Pilot[None], key: str, amount: str, note: str, category: str | None = None) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: on_top(pilot, CashMoveDialog))
    dialog = pilot.app.screen
    dialog.query_one("#move-amount", Input).value = amount
    if category:
        dialog.query_one("#move-category", Select).value = category
    dialog.query_one("#move-note", Input).value = note
    dialog.query_one("#move-note", Input).focus()
    await pilot.press("enter")


def head(session: Session) -> int:
    return session.ledger.head().seq


async def test_a_shift_from_counted_float_to_a_blind_count_that_comes_up_short(shop: Session, tmp_path: Path) -> None:
    messages: list[object] = []
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await open_cash(pilot)
        assert "No shift is open on T1" in str(pilot.app.screen.query_one("#shift-status", Static).content)

        await pilot.press("o")
        await count(pilot, {100000: 5})  # five Rs 1,000 notes
        await wait_for(pilot, lambda: shifts.current_shift(shop) is not None)
        shift = shifts.current_shift(shop)
        assert shift is not None and shift.float_amount == 500_000
        await wait_for(pilot, lambda: "Float Rs 5,000.00" in str(pilot.app.screen.query_one("#shift-status").content))

        sales.complete_sale(shop, Cart().add(products.resolve_scan(shop, MILK_BARCODE)), [Tender("cash", 28_000)])
        await move(pilot, "u", "200", "mop and bucket", "cleaning")
        await wait_for(pilot, lambda: on_top(pilot, CashScreen) and "Paid out Rs 200.00 (cleaning)." in status(pilot))
        await move(pilot, "d", "3000", "")
        await wait_for(pilot, lambda: on_top(pilot, CashScreen) and "Dropped Rs 3,000.00." in status(pilot))

        await pilot.press("c")
        await wait_for(pilot, lambda: on_top(pilot, CountDialog))
        blind = " ".join(str(s.content) for s in pilot.app.screen.query(Static))
        assert "2,080" not in blind and "Expected" not in blind  # what the drawer should hold stays hidden
        await count(pilot, {100000: 2, 5000: 1, 2000: 1})  # Rs 2,070: ten rupees short
        await wait_for(pilot, lambda: on_top(pilot, ReportDialog))
        variance = pilot.app.screen.query_one("#report-variance", Static)
        assert str(variance.content) == "SHORT Rs 10.00" and variance.has_class("-short")
        red = Color.parse(pilot.app.current_theme.error or "")
        assert all(abs(a - b) <= 2 for a, b in zip(variance.styles.color.rgb, red.rgb, strict=True))  # short is red
        report = str(pilot.app.screen.query_one("#report-text", Static).content)
        assert "Expected in drawer" in report and "2,080.00" in report and "Counted" in report
    assert "CashRecorded" in names(messages)


async def test_x_report_changes_nothing_and_z_warns_of_another_terminals_open_shift(
    shop: Session, tmp_path: Path
) -> None:
    other = Session(shop.ledger, shop.settings, "admin", "T2")
    shifts.open_shift(other, float_amount=0)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_cash(pilot)
        before = head(shop)
        await pilot.press("x")
        await wait_for(pilot, lambda: on_top(pilot, ReportDialog))
        assert "X REPORT" in str(pilot.app.screen.query_one("#report-text", Static).content)
        await pilot.press("enter")
        assert head(shop) == before

        await pilot.press("z")
        await wait_for(pilot, lambda: on_top(pilot, ReportDialog))
        warning = str(pilot.app.screen.query_one("#report-text", Static).content)
        assert "T2-S0001 on T2" in warning
        await pilot.press("escape")  # not forced: the day stays open
        await pilot.pause()
        assert head(shop) == before

        await pilot.press("z")
        await wait_for(pilot, lambda: on_top(pilot, ReportDialog))
        await pilot.press("p")  # close the day anyway: the Z lists the open shift
        await wait_for(pilot, lambda: on_top(pilot, ReportDialog)
                       and "Z REPORT 1" in str(pilot.app.screen.query_one("#report-text", Static).content))
        assert "T2-S0001" in str(pilot.app.screen.query_one("#report-text", Static).content)
    assert shop.ledger.conn.execute("SELECT open_shifts FROM z_reports").fetchone()[0] == '["T2-S0001"]'


async def test_a_cashiers_paid_out_goes_through_with_a_supervisors_pin(shop: Session, tmp_path: Path) -> None:
    add_user(shop, "sara", "2468", role="cashier")
    shifts.open_shift(shop.as_user("sara"), float_amount=100_000)
    app = make_app(shop, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_cash(pilot, "sara", "2468")
        await move(pilot, "u", "50", "milkman", "supplies")
        await wait_for(pilot, lambda: on_top(pilot, ApprovalDialog))
        dialog = pilot.app.screen
        dialog.query_one("#approver", Input).value = "admin"
        dialog.query_one("#approver-pin", Input).value = "456789"
        dialog.query_one("#approval-reason", Input).value = "milk delivery"
        dialog.query_one("#approval-reason", Input).focus()
        await pilot.press("enter")  # the paid-out dialog closes once the move is recorded
        await wait_for(pilot, lambda: on_top(pilot, CashScreen) and "Paid out Rs 50.00 (supplies)." in status(pilot))
    payload = shop.ledger.conn.execute("SELECT payload FROM journal WHERE kind = 'cash.paid_out'").fetchone()[0]
    assert '"approver":"admin"' in payload and '"reason":"milk delivery"' in payload


async def test_a_till_that_refuses_to_sell_without_a_shift_asks_for_the_float_at_pay(tmp_path: Path) -> None:
    from pos_tui.config import Settings
    from pos_tui.tui.dialogs.tender import TenderDialog
    from tests.conftest import assert_verifies, make_store
    from tests.tui.conftest import scan

    session = make_store(tmp_path / "store.db", Settings.model_validate({"cash": {"no_shift": "refuse"}}))
    app = make_app(session, tmp_path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in(pilot)
            await scan(pilot, MILK_BARCODE)
            await pilot.press("f12")
            await count(pilot, {50000: 4})  # the float: four Rs 500 notes
            await wait_for(pilot, lambda: on_top(pilot, TenderDialog))
            shift = shifts.current_shift(session)
            assert shift is not None and shift.float_amount == 200_000 and not shift.auto_opened
    finally:
        session.close()
    assert_verifies(tmp_path / "store.db")
