"""A serial scanner on a real pty: framing, broken reads, noise, unplug and replug."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial

from pos_tui.devices.errors import DeviceConfigError
from pos_tui.devices.scan_source import Backoff, ScannerState
from pos_tui.devices.serial_scanner import SerialScanner, SerialScannerConfig, open_serial_port
from tests.devices.ptys import FakeSerialLine
from tests.devices.scan_recorder import ScanRecorder
from tests.devices.waiting import wait_until

QUICK = Backoff(initial=0.02, maximum=0.1)


@pytest.fixture
def line(tmp_path: Path) -> Iterator[FakeSerialLine]:
    fake = FakeSerialLine(tmp_path / "pos-scanner")
    yield fake
    fake.unplug()


def start_scanner(line: FakeSerialLine, recorder: ScanRecorder, **settings: object) -> SerialScanner:
    config = SerialScannerConfig(port=line.port, backoff=QUICK, **settings)  # type: ignore[arg-type]
    scanner = SerialScanner(config, recorder.scans.append, recorder.statuses.append, name="serial scanner")
    scanner.start()
    wait_until(lambda: scanner.state is ScannerState.CONNECTED, what="serial scanner connected")
    return scanner


@pytest.mark.parametrize(
    ("framing", "wire"),
    [
        ("cr", b"4006381333931\r5012345678900\r"),
        ("lf", b"4006381333931\n5012345678900\n"),
        ("crlf", b"4006381333931\r\n5012345678900\r\n"),
        ("stx_etx", b"\x024006381333931\x03\x025012345678900\x03"),
    ],
)
def test_each_framing_delivers_each_code(line: FakeSerialLine, framing: str, wire: bytes) -> None:
    recorder = ScanRecorder()
    scanner = start_scanner(line, recorder, framing=framing)
    try:
        line.send(wire)
        wait_until(lambda: len(recorder.scans) == 2, what="two scans")
        assert recorder.codes() == ["4006381333931", "5012345678900"]
    finally:
        scanner.stop()


def test_idle_gap_framing_ends_a_scan_when_the_line_goes_quiet(line: FakeSerialLine) -> None:
    recorder = ScanRecorder()
    scanner = start_scanner(line, recorder, framing="idle", idle_gap=0.08)
    try:
        line.send(b"ABC-")
        time.sleep(0.02)  # well inside the gap: still the same scan
        line.send(b"123")
        wait_until(lambda: recorder.scans, what="idle-framed scan")
        time.sleep(0.15)
        line.send(b"XYZ9")
        wait_until(lambda: len(recorder.scans) == 2, what="second scan")
        assert recorder.codes() == ["ABC-123", "XYZ9"]
    finally:
        scanner.stop()


def test_a_frame_split_across_writes_is_one_scan(line: FakeSerialLine) -> None:
    recorder = ScanRecorder()
    scanner = start_scanner(line, recorder, framing="crlf")
    try:
        for piece in (b"40063", b"81333", b"931\r", b"\n"):
            line.send(piece)
            time.sleep(0.03)
        wait_until(lambda: recorder.scans, what="a scan")
        assert recorder.codes() == ["4006381333931"]
    finally:
        scanner.stop()


def test_a_partial_frame_on_timeout_is_dropped_not_scanned(line: FakeSerialLine) -> None:
    recorder = ScanRecorder()
    scanner = start_scanner(line, recorder, framing="cr", partial_timeout=0.1)
    try:
        line.send(b"400638")  # the scanner was unplugged mid-code, or its suffix is off
        wait_until(lambda: recorder.rejections(), what="partial frame report")
        line.send(b"5012345678900\r")
        wait_until(lambda: recorder.scans, what="next scan")
        assert recorder.codes() == ["5012345678900"]
        assert "partial scan (6 bytes)" in recorder.rejections()[0]
    finally:
        scanner.stop()


def test_noise_and_overlong_frames_are_refused_with_a_reason(line: FakeSerialLine) -> None:
    recorder = ScanRecorder()
    scanner = start_scanner(line, recorder, framing="cr", max_length=20)
    try:
        line.send(b"\xff\xfe12\x0734\r")  # wrong baud rate looks like this
        line.send(b"9" * 40 + b"\r")
        line.send(b"OK-1\r")
        wait_until(lambda: recorder.scans, what="good scan after noise")
        assert recorder.codes() == ["OK-1"]
        noise, overlong = recorder.rejections()
        assert "unreadable bytes" in noise and "baud rate" in noise
        assert "longer than 20 characters" in overlong
    finally:
        scanner.stop()


def test_unplugged_serial_scanner_is_reopened_when_it_comes_back(line: FakeSerialLine) -> None:
    recorder = ScanRecorder()
    scanner = start_scanner(line, recorder)
    try:
        line.send(b"1111\r")
        wait_until(lambda: recorder.codes() == ["1111"], what="first scan")
        line.unplug()
        wait_until(lambda: ScannerState.DISCONNECTED in recorder.states(), what="disconnect noticed")
        wait_until(lambda: recorder.states().count(ScannerState.RECONNECTING) >= 3, what="reopen attempts")
        line.plug_in()
        wait_until(lambda: recorder.states().count(ScannerState.CONNECTED) == 2, what="reopened")
        line.send(b"2222\r")
        wait_until(lambda: recorder.codes() == ["1111", "2222"], what="scan after replug")
    finally:
        scanner.stop()
    disconnect = next(s for s in recorder.statuses if s.state is ScannerState.DISCONNECTED)
    assert "check its cable" in disconnect.detail


def test_seven_bit_even_parity_settings_reach_the_port() -> None:
    # This kernel's pty refuses even parity, so the settings are proven on pyserial's loopback.
    opened: list[serial.SerialBase] = []

    def open_and_keep(config: SerialScannerConfig) -> serial.SerialBase:
        opened.append(open_serial_port(config))
        return opened[-1]

    recorder = ScanRecorder()
    config = SerialScannerConfig(port="loop://", parity="E", bytesize=7, stopbits=1, backoff=QUICK)
    scanner = SerialScanner(config, recorder.scans.append, open_port=open_and_keep)
    scanner.start()
    try:
        wait_until(lambda: opened, what="port opened")
        port = opened[0]
        assert (port.parity, port.bytesize, port.stopbits) == (serial.PARITY_EVEN, 7, 1)
        port.write(b"7E1-OK\r")
        wait_until(lambda: recorder.scans, what="loopback scan")
        assert recorder.codes() == ["7E1-OK"]
    finally:
        scanner.stop()


def test_impossible_serial_settings_are_refused_with_advice() -> None:
    with pytest.raises(DeviceConfigError, match=r"parity 'X'.*data bits 9") as caught:
        SerialScannerConfig(port="/dev/pos-scanner", parity="X", bytesize=9)
    assert "8N1" in str(caught.value)
    with pytest.raises(DeviceConfigError, match="stx_etx"):
        SerialScanner(SerialScannerConfig(port="loop://", framing="semicolon"), print)
