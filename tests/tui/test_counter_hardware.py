"""The till's hardware through the real app: a network printer on 127.0.0.1, a keyboard-wedge scanner
told from typing by its rhythm, an evdev scanner fed real input_event records through a pipe, and the
customer's pole display on a pty. The books verify after every story."""

from __future__ import annotations

import asyncio
import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual import events
from textual.app import App
from textual.widgets import Input

from pos_tui.config import Settings, parse_settings
from pos_tui.services.catalog import products
from pos_tui.services.session import Session
from pos_tui.tui.counter_devices import CounterDevices
from pos_tui.tui.dialogs.receipt import ReceiptDialog
from pos_tui.tui.widgets.device_line import DeviceLine
from tests.conftest import MILK_BARCODE, TEA, TEA_BARCODE, assert_verifies, make_store
from tests.devices.escpos_decoder import decode
from tests.devices.fake_printer import fake_printer, free_port
from tests.devices.input_events import pipe_input_device, typed
from tests.devices.ptys import FakeSerialLine
from tests.devices.sample_receipt import profile_code_pages
from tests.tui.conftest import log_in, make_app, names, scan, wait_for

SCANNER_GAP = 0.005  # a wedge scanner: a few ms a key
PERSON_GAP = 0.11  # people: 100-200 ms a key (a quick typist here)


def till_settings(tmp_path: Path, devices: str) -> Settings:
    config = tmp_path / "pos.toml"
    config.write_text(f'[devices.printer]\nspool_dir = "{tmp_path / "spool"}"\n'
                      "retry_initial_seconds = 0.05\nretry_max_seconds = 0.2\n" + devices)
    return parse_settings(config.read_bytes(), config)


@pytest.fixture
def store_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "store.db"
    yield path
    assert_verifies(path)


def open_till(path: Path, tmp_path: Path, devices: str) -> Session:
    return make_store(path, till_settings(tmp_path, devices))


def sent(messages: list[object], kind: str) -> list[object]:
    """Messages of one kind in the order sent; a bubbling message is seen at each hop, counted once."""
    unique = {id(m): m for m in messages if type(m).__name__ == kind}
    return list(unique.values())


def device_line(app: App[None]) -> str:
    return str(app.screen.query_one(DeviceLine).content)


async def pay_exact_cash(pilot: object) -> None:
    await pilot.press("f12", "enter")  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReceiptDialog))  # type: ignore[attr-defined]


async def type_into_the_app(app: App[None], text: str, gap: float, *, enter: bool = True, after: float = 0.0) -> None:
    """Keys as the terminal delivers them, ``gap`` seconds apart: each key event carries the time the
    keyboard sent it. The events are stamped with those times, since on a loaded box this coroutine
    (on the app's own loop) may wake far later than ``gap``: the keyboard would not have slowed down.
    ``after``: the first key comes at least that long after the last key the app was sent before."""
    keys = [events.Key(char, char) for char in text] + ([events.Key("enter", "\r")] if enter else [])
    first = max(keys[0].time, last_key_time(app) + after)
    for n, key in enumerate(keys):
        key.time = first + n * gap
        app.post_message(key)
        await asyncio.sleep(gap)


def last_key_time(app: App[None]) -> float:
    """When the scan field's last key was made (0 before any)."""
    last = app.screen.query_one("#scan").wedge.last_key_at  # type: ignore[attr-defined]
    return float(last or 0.0)


def status(app: App[None]) -> str:
    return str(app.screen.query_one("#status").content)  # type: ignore[attr-defined]


# --- receipts ------------------------------------------------------------------------------------


async def test_a_sale_prints_its_receipt_on_the_network_printer_and_f9_prints_a_duplicate(
    store_path: Path, tmp_path: Path
) -> None:
    with fake_printer() as printer:
        session = open_till(store_path, tmp_path, f'uri = "{printer.uri}"\n')
        messages: list[object] = []
        app = make_app(session, tmp_path)
        async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
            await log_in(pilot)
            await wait_for(pilot, lambda: "Printer ready" in device_line(app))
            await scan(pilot, f"2*{TEA_BARCODE}")
            await pay_exact_cash(pilot)
            sale = next(m for m in messages if type(m).__name__ == "SaleCompleted").sale  # type: ignore[attr-defined]
            assert "on its way to the printer" in str(app.screen.query_one("#receipt-note").content)
            [receipt] = await asyncio.to_thread(printer.wait_for_jobs, 1)
            texts = decode(receipt, profile_code_pages("TM-T88III")).texts()
            assert any(sale.reference in text for text in texts)
            assert not any("DUPLICATE" in text for text in texts)

            await pilot.press("enter", "f9")
            _, duplicate = await asyncio.to_thread(printer.wait_for_jobs, 2)
            texts = decode(duplicate, profile_code_pages("TM-T88III")).texts()
            assert any("DUPLICATE" in text for text in texts) and any(sale.reference in t for t in texts)
        session.close()


async def test_printer_down_the_sale_is_saved_the_receipt_queued_and_printed_when_it_is_back(
    store_path: Path, tmp_path: Path
) -> None:
    port = free_port()  # nothing listens: the printer is switched off
    session = open_till(store_path, tmp_path, f'uri = "tcp://127.0.0.1:{port}"\n')
    app = make_app(session, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await scan(pilot, TEA_BARCODE)
        await pay_exact_cash(pilot)
        assert products.get_product(session, TEA).on_hand == 99_000  # the sale is in the books
        await pilot.press("enter")
        await wait_for(pilot, lambda: "offline · 1 receipt queued" in device_line(app))
        assert "-error" in app.screen.query_one(DeviceLine).classes

        with fake_printer(port) as printer:  # switched on: the queue's retry prints it, once
            [receipt] = await asyncio.to_thread(printer.wait_for_jobs, 1)
            await wait_for(pilot, lambda: device_line(app).startswith("Printer ready"))
        assert "T1-000001" in " ".join(decode(receipt, profile_code_pages("TM-T88III")).texts())
    session.close()


async def test_without_a_printer_the_receipt_shows_on_screen_and_f9_shows_the_duplicate(
    store_path: Path, tmp_path: Path
) -> None:
    session = open_till(store_path, tmp_path, "")
    app = make_app(session, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await wait_for(pilot, lambda: "No printer" in device_line(app))
        await pilot.press("f9")
        assert "No sale on this till" in str(app.screen.query_one("#status").content)
        await scan(pilot, TEA_BARCODE)
        await pay_exact_cash(pilot)
        await pilot.press("enter", "f9")
        await wait_for(pilot, lambda: isinstance(app.screen, ReceiptDialog))
        assert "DUPLICATE" in str(app.screen.query_one("#receipt-text").content)
    session.close()


# --- a keyboard-wedge scanner in the scan field --------------------------------------------------


async def test_a_scanner_burst_is_a_scan_even_mid_search_and_slow_typing_is_typing(
    store_path: Path, tmp_path: Path
) -> None:
    session = open_till(store_path, tmp_path, "")
    messages: list[object] = []
    app = make_app(session, tmp_path)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await log_in(pilot)
        field = app.screen.query_one("#scan", Input)

        # A person starts a search; the scanner fires before they press Enter: the scanned tea goes in,
        # not the T-shirt the search highlighted, and the person's "shi" is still in the field.
        await type_into_the_app(app, "shi", PERSON_GAP, enter=False)
        await wait_for(pilot, lambda: app.screen.query_one("#results").row_count == 2)
        await type_into_the_app(app, TEA_BARCODE, SCANNER_GAP)
        await wait_for(pilot, lambda: [line.sku for line in app.screen.cart.lines] == ["TEA-200"])
        assert field.value == "shi"
        scanned = sent(messages, "BarcodeScanned")
        assert [(m.code, m.source) for m in scanned] == [(TEA_BARCODE, "wedge")]  # type: ignore[attr-defined]

        # A person keying the same code by hand at their own speed: typed, and it still adds.
        await pilot.press("escape")
        await type_into_the_app(app, TEA_BARCODE, PERSON_GAP)
        await wait_for(pilot, lambda: app.screen.cart.lines[0].quantity == 2000)
        scanned = sent(messages, "BarcodeScanned")
        assert scanned[-1].source == "typed"  # type: ignore[attr-defined]

        # "3*" typed, then a scan: three of them.
        await type_into_the_app(app, "3*", PERSON_GAP, enter=False)
        await type_into_the_app(app, TEA_BARCODE, SCANNER_GAP)
        await wait_for(pilot, lambda: app.screen.cart.lines[0].quantity == 5000)
        assert field.value == ""


async def test_a_scan_in_the_middle_of_a_search_leaves_the_status_naming_what_was_added(
    store_path: Path, tmp_path: Path
) -> None:
    session = open_till(store_path, tmp_path, "")
    app = make_app(session, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        field = app.screen.query_one("#scan", Input)

        # A person types "tea" at a person's pace and sees the hits...
        await pilot.press("t", "wait:120", "e", "wait:120", "a")
        await wait_for(pilot, lambda: "found" in status(app))
        # ...then the wedge scanner types the milk's code and Enter in one burst, a pause after the last letter.
        await type_into_the_app(app, MILK_BARCODE, SCANNER_GAP, after=PERSON_GAP * 2)
        await wait_for(pilot, lambda: [line.sku for line in app.screen.cart.lines] == ["MILK-1L"])
        await wait_for(pilot, lambda: not any(w.is_running for w in app.screen.workers if w.group == "search"))

        assert status(app) == "Added Olpers Milk 1L × 1."
        assert field.value == "tea"  # their search text is given back...
        assert app.screen.query_one("#cart").display and not app.screen.query_one("#results").display
        await pilot.press("enter")  # ...and Enter searches it again
        await wait_for(pilot, lambda: "found" in status(app))
        assert app.screen.query_one("#results").display


# --- scanners read by the till itself ------------------------------------------------------------


async def test_an_evdev_scanner_scan_lands_in_the_cart_and_an_unplug_shows_without_a_crash(
    store_path: Path, tmp_path: Path
) -> None:
    session = open_till(store_path, tmp_path, '[[devices.scanners]]\nkind = "evdev"\n'
                       'device = "/dev/input/pos-scanner"\nname = "front"\nreconnect_max_seconds = 0.2\n')
    device, write_end = pipe_input_device()
    plugged = [device]

    def open_scanner(path: str) -> object:
        assert path == "/dev/input/pos-scanner"
        if not plugged:
            raise OSError(errno.ENOENT, "No such device")
        return plugged.pop()

    devices = CounterDevices(session.settings, session.currency, evdev_opener=open_scanner)
    messages: list[object] = []
    app = make_app(session, tmp_path, devices=devices)
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await log_in(pilot)
        await wait_for(pilot, lambda: "Scanner front ready" in device_line(app))
        os.write(write_end, typed(TEA_BARCODE) + typed(TEA_BARCODE, start=1_700_000_001.0))
        await wait_for(pilot, lambda: [(li.sku, li.quantity) for li in app.screen.cart.lines] == [("TEA-200", 2000)])
        assert {m.source for m in sent(messages, "BarcodeScanned")} == {"front"}  # type: ignore[attr-defined]

        os.close(write_end)  # unplugged
        await wait_for(pilot, lambda: "front" in device_line(app) and "ready" not in device_line(app))
        assert app.is_running and app.screen.cart.lines  # the counter goes on
        assert "ScannerStatusChanged" in names(messages)
    session.close()


async def test_the_pole_display_shows_the_last_item_and_the_total(store_path: Path, tmp_path: Path) -> None:
    line = FakeSerialLine(tmp_path / "pos-display")
    session = open_till(store_path, tmp_path, f'[devices.pole_display]\nport = "{line.port}"\n')
    app = make_app(session, tmp_path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in(pilot)
            await wait_for(pilot, lambda: app.devices.display is not None)
            await scan(pilot, f"2*{TEA_BARCODE}")
            shown = await asyncio.to_thread(line.received)
            assert b"Tapal Danedar" in shown and b"900.00" in shown and b"Total" in shown
    finally:
        line.unplug()
        session.close()


async def test_a_serial_scanner_on_a_pty_adds_to_the_cart_and_a_partial_read_adds_nothing(
    store_path: Path, tmp_path: Path
) -> None:
    line = FakeSerialLine(tmp_path / "pos-scanner")
    session = open_till(store_path, tmp_path, f'[[devices.scanners]]\nkind = "serial"\nport = "{line.port}"\n'
                        'name = "back"\npartial_timeout = 0.2\nreconnect_max_seconds = 0.2\n')
    app = make_app(session, tmp_path)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in(pilot)
            await wait_for(pilot, lambda: "Scanner back ready" in device_line(app))
            line.send(TEA_BARCODE[:6].encode())  # a read cut short: no terminator, then quiet
            await asyncio.sleep(0.4)
            line.send(f"{TEA_BARCODE}\r".encode())
            await wait_for(pilot, lambda: [li.sku for li in app.screen.cart.lines] == ["TEA-200"])
            assert app.screen.cart.lines[0].quantity == 1000
    finally:
        line.unplug()
        session.close()
