"""Real ``struct input_event`` records, as the kernel writes them, for feeding evdev through a pipe."""

from __future__ import annotations

import os
import struct

from evdev import InputDevice, ecodes

from pos_tui.devices.key_decoder import US_LAYOUT

EVENT_FORMAT = "llHHi"  # struct input_event on 64-bit Linux: timeval, type, code, value (24 bytes)


def record(at: float, type_: int, code: int, value: int) -> bytes:
    seconds = int(at)
    return struct.pack(EVENT_FORMAT, seconds, round((at - seconds) * 1_000_000), type_, code, value)


def key(at: float, code: int, value: int) -> bytes:
    """One key event followed by its SYN_REPORT, as a keyboard sends them."""
    return record(at, ecodes.EV_KEY, code, value) + record(at, ecodes.EV_SYN, ecodes.SYN_REPORT, 0)


def tap(at: float, code: int, shift: bool = False) -> bytes:
    events = b""
    if shift:
        events += key(at, ecodes.KEY_LEFTSHIFT, 1)
    events += key(at, code, 1) + key(at + 0.002, code, 0)
    if shift:
        events += key(at + 0.003, ecodes.KEY_LEFTSHIFT, 0)
    return events


_US_KEYS = {chars[0]: (code, False) for code, chars in US_LAYOUT.items() if chars[0] != chars[1]}
_US_KEYS.update({chars[1]: (code, True) for code, chars in US_LAYOUT.items() if chars[0] != chars[1]})
_US_KEYS[" "] = (ecodes.KEY_SPACE, False)


def typed(
    text: str, start: float = 1_700_000_000.0, gap: float = 0.008, end: int = ecodes.KEY_ENTER
) -> bytes:
    """What a US-layout scanner sends for ``text``: one tap per character, then the terminator."""
    events = b""
    at = start
    for char in text:
        code, shift = _US_KEYS[char]
        events += tap(at, code, shift)
        at += gap
    return events + tap(at, end)


def pipe_input_device() -> tuple[InputDevice, int]:
    """An InputDevice whose fd is a pipe's read end (no ioctls ran); returns it and the write end."""
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)  # evdev opens event nodes non-blocking too
    device = InputDevice.__new__(InputDevice)
    device.fd = read_end
    device.path = f"pipe:{read_end}"
    return device, write_end
