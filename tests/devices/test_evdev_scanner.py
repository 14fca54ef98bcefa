"""A USB scanner seen through evdev: real input_event records through a pipe into evdev's own reader."""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Iterator

import pytest
from evdev import InputDevice, ecodes

from pos_tui.devices.errors import DeviceConfigError
from pos_tui.devices.evdev_scanner import EvdevScanner, EvdevScannerConfig, parse_vendor_product
from pos_tui.devices.key_decoder import layout_from_config
from pos_tui.devices.scan_source import Backoff, ScannerState
from tests.devices.input_events import key, pipe_input_device, tap, typed
from tests.devices.scan_recorder import ScanRecorder
from tests.devices.waiting import wait_until

QUICK = Backoff(initial=0.02, maximum=0.1)


@pytest.fixture
def recorder() -> ScanRecorder:
    return ScanRecorder()


@pytest.fixture
def plugged_scanner(recorder: ScanRecorder) -> Iterator[tuple[EvdevScanner, int]]:
    device, write_end = pipe_input_device()
    scanner = EvdevScanner(
        EvdevScannerConfig(device="/dev/input/pos-scanner", backoff=QUICK),
        recorder.scans.append,
        recorder.statuses.append,
        name="front scanner",
        open_device=lambda: device,
    )
    scanner.start()
    wait_until(lambda: scanner.state is ScannerState.CONNECTED, what="scanner connected")
    yield scanner, write_end
    scanner.stop()
    os.close(write_end)


def test_capital_letters_come_from_the_shift_key(
    plugged_scanner: tuple[EvdevScanner, int], recorder: ScanRecorder
) -> None:
    _, write_end = plugged_scanner
    os.write(write_end, typed("Yz/12\\AB-9"))
    wait_until(lambda: recorder.scans, what="a scan")
    assert recorder.codes() == ["Yz/12\\AB-9"]
    assert recorder.scans[0].source == "front scanner"
    assert recorder.scans[0].at.tzinfo is not None


def test_two_scans_in_one_read_batch_both_arrive_whole(
    plugged_scanner: tuple[EvdevScanner, int], recorder: ScanRecorder
) -> None:
    _, write_end = plugged_scanner
    # One write = one batch for evdev's reader; leaving the iterator mid-batch would cut the 2nd scan.
    os.write(write_end, typed("22222222") + typed("5012345678900", start=1_700_000_001.0))
    wait_until(lambda: len(recorder.scans) == 2, what="two scans")
    assert recorder.codes() == ["22222222", "5012345678900"]


def test_autorepeat_from_a_held_key_adds_no_characters(
    plugged_scanner: tuple[EvdevScanner, int], recorder: ScanRecorder
) -> None:
    _, write_end = plugged_scanner
    at = 1_700_000_000.0
    held_seven = key(at, ecodes.KEY_7, 1) + key(at + 0.3, ecodes.KEY_7, 2) + key(at + 0.33, ecodes.KEY_7, 2)
    os.write(write_end, held_seven + key(at + 0.34, ecodes.KEY_7, 0) + typed("123", start=at + 0.35))
    wait_until(lambda: recorder.scans, what="a scan")
    assert recorder.codes() == ["7123"]


def test_a_key_the_layout_cannot_map_refuses_the_whole_scan(
    plugged_scanner: tuple[EvdevScanner, int], recorder: ScanRecorder
) -> None:
    _, write_end = plugged_scanner
    at = 1_700_000_000.0
    os.write(write_end, tap(at, ecodes.KEY_1) + tap(at + 0.01, ecodes.KEY_F5) + typed("23", start=at + 0.02))
    os.write(write_end, typed("4006381333931", start=at + 1))
    wait_until(lambda: recorder.scans, what="the next good scan")
    assert recorder.codes() == ["4006381333931"]
    [refusal] = recorder.rejections()
    assert f"key code {ecodes.KEY_F5}" in refusal and "layout" in refusal


def test_a_scan_longer_than_the_limit_is_refused_not_cut(
    plugged_scanner: tuple[EvdevScanner, int], recorder: ScanRecorder
) -> None:
    _, write_end = plugged_scanner
    os.write(write_end, typed("9" * 129) + typed("OK42", start=1_700_000_002.0))
    wait_until(lambda: recorder.scans, what="the next good scan")
    assert recorder.codes() == ["OK42"]
    assert "longer than 128 characters" in recorder.rejections()[0]


def test_tab_terminated_scanner_with_a_german_layout(recorder: ScanRecorder) -> None:
    device, write_end = pipe_input_device()
    german = layout_from_config({"KEY_Y": ["z", "Z"], "KEY_Z": ["y", "Y"], "KEY_MINUS": ["ß", "?"]})
    scanner = EvdevScanner(
        EvdevScannerConfig(device="05e0:1200", layout=german, terminator="tab", backoff=QUICK),
        recorder.scans.append,
        open_device=lambda: device,
    )
    scanner.start()
    try:
        # The same keys a US scanner sends for "Yz-12": a German-set scanner means "Zyß12".
        os.write(write_end, typed("Yz-12", end=ecodes.KEY_TAB))
        wait_until(lambda: recorder.scans, what="a scan")
        assert recorder.codes() == ["Zyß12"]
    finally:
        scanner.stop()
        os.close(write_end)


def test_human_speed_typing_on_a_timed_device_is_refused(recorder: ScanRecorder) -> None:
    device, write_end = pipe_input_device()
    scanner = EvdevScanner(
        EvdevScannerConfig(device="/dev/input/pos-scanner", max_key_gap=0.05, backoff=QUICK),
        recorder.scans.append,
        recorder.statuses.append,
        open_device=lambda: device,
    )
    scanner.start()
    try:
        os.write(write_end, typed("12345", gap=0.15))  # a person at 150 ms a key
        os.write(write_end, typed("12345", start=1_700_000_010.0, gap=0.01))  # a scanner at 10 ms
        wait_until(lambda: recorder.scans, what="the fast scan")
        assert recorder.codes() == ["12345"]
        assert "slower than a scanner types" in recorder.rejections()[0]
    finally:
        scanner.stop()
        os.close(write_end)


def test_unplugged_scanner_reconnects_and_keeps_scanning(recorder: ScanRecorder) -> None:
    first, first_write = pipe_input_device()
    second, second_write = pipe_input_device()
    plugged_in = threading.Event()
    attempts: list[str] = []

    def open_device() -> InputDevice:
        attempts.append("open")
        if len(attempts) == 1:
            return first
        if not plugged_in.is_set():
            raise OSError(errno.ENODEV, os.strerror(errno.ENODEV))
        return second

    scanner = EvdevScanner(
        EvdevScannerConfig(device="/dev/input/pos-scanner", backoff=QUICK),
        recorder.scans.append,
        recorder.statuses.append,
        open_device=open_device,
    )
    scanner.start()
    try:
        os.write(first_write, typed("1111"))
        wait_until(lambda: recorder.codes() == ["1111"], what="first scan")
        os.close(first_write)  # the cable is pulled: the reader sees the device vanish
        wait_until(lambda: len(attempts) >= 3, what="reopen attempts while unplugged")
        plugged_in.set()
        wait_until(lambda: recorder.states().count(ScannerState.CONNECTED) == 2, what="reconnected")
        os.write(second_write, typed("2222"))
        wait_until(lambda: recorder.codes() == ["1111", "2222"], what="scan after replug")
    finally:
        scanner.stop()
        os.close(second_write)
    states = recorder.states()
    assert states[:3] == [ScannerState.CONNECTED, ScannerState.DISCONNECTED, ScannerState.RECONNECTING]
    assert states[-1] is ScannerState.STOPPED
    assert any("No such device" in s.detail for s in recorder.statuses if s.state is ScannerState.RECONNECTING)


def test_stop_returns_promptly_while_waiting_for_keys(plugged_scanner: tuple[EvdevScanner, int]) -> None:
    scanner, _ = plugged_scanner
    scanner.stop(timeout=1.0)
    assert scanner.state is ScannerState.STOPPED


def test_config_names_a_device_by_path_or_vendor_and_product() -> None:
    assert parse_vendor_product("05e0:1200") == (0x05E0, 0x1200)
    assert parse_vendor_product("/dev/input/by-id/usb-Symbol_Scanner-event-kbd") is None
    with pytest.raises(DeviceConfigError, match="lsusb"):
        parse_vendor_product("zebra:scanner")
