"""Decoding scanner key codes to text, one event at a time (no device needed)."""

from __future__ import annotations

import pytest
from evdev import ecodes

from pos_tui.devices.errors import DeviceConfigError
from pos_tui.devices.key_decoder import DecodedScan, KeyDecoder, RefusedScan, layout_from_config


def press(decoder: KeyDecoder, *codes: int, at: float = 0.0) -> list[DecodedScan | RefusedScan]:
    results = []
    for code in codes:
        for value in (1, 0):
            result = decoder.feed(code, value, at)
            if result is not None:
                results.append(result)
    return results


def test_caps_lock_flips_letters_but_not_digits() -> None:
    decoder = KeyDecoder()
    results = press(decoder, ecodes.KEY_CAPSLOCK, ecodes.KEY_A, ecodes.KEY_1, ecodes.KEY_ENTER)
    assert results == [DecodedScan("A1")]


def test_a_key_pressed_with_ctrl_held_refuses_the_scan() -> None:
    decoder = KeyDecoder()
    decoder.feed(ecodes.KEY_LEFTCTRL, 1, 0.0)
    press(decoder, ecodes.KEY_J)
    decoder.feed(ecodes.KEY_LEFTCTRL, 0, 0.0)
    [result] = press(decoder, ecodes.KEY_1, ecodes.KEY_ENTER)
    assert isinstance(result, RefusedScan) and "Ctrl or Alt" in result.reason


def test_a_bare_enter_is_not_a_scan() -> None:
    assert press(KeyDecoder(), ecodes.KEY_ENTER) == []


def test_keypad_enter_terminates_when_configured() -> None:
    decoder = KeyDecoder(terminator="kpenter")
    assert press(decoder, ecodes.KEY_KP4, ecodes.KEY_KP2, ecodes.KEY_1, ecodes.KEY_KPENTER) == [
        DecodedScan("421")
    ]


def test_bad_layout_and_terminator_settings_say_how_to_fix_them() -> None:
    with pytest.raises(DeviceConfigError, match="KEY_Y"):
        layout_from_config({"KEY_NOPE": ["a", "A"]})
    with pytest.raises(DeviceConfigError, match="two characters"):
        layout_from_config({"KEY_Y": ["z"]})
    with pytest.raises(DeviceConfigError, match="enter, kpenter, tab"):
        KeyDecoder(terminator="space")
