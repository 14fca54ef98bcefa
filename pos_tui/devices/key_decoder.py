"""Turn evdev key codes from a scanner into text: layouts, shift, terminator, refusals.

Pure: fed (code, value, timestamp) for every EV_KEY event, it answers with a decoded scan, a
refused scan, or nothing yet. Decoding works on integer codes, never on ``ecodes.KEY`` names, because
some codes have two names and the names do not say what a layout prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from evdev import ecodes

from pos_tui.devices.errors import DeviceConfigError

# key code -> (character without shift, character with shift)
KeyLayout = Mapping[int, tuple[str, str]]

KEY_UP, KEY_DOWN, KEY_AUTOREPEAT = 0, 1, 2


def _us_layout() -> dict[int, tuple[str, str]]:
    layout: dict[int, tuple[str, str]] = {}
    for letter in "abcdefghijklmnopqrstuvwxyz":
        layout[ecodes.ecodes[f"KEY_{letter.upper()}"]] = (letter, letter.upper())
    for digit, shifted in zip("1234567890", "!@#$%^&*()", strict=True):
        layout[ecodes.ecodes[f"KEY_{digit}"]] = (digit, shifted)
    punctuation = {
        "KEY_MINUS": ("-", "_"),
        "KEY_EQUAL": ("=", "+"),
        "KEY_LEFTBRACE": ("[", "{"),
        "KEY_RIGHTBRACE": ("]", "}"),
        "KEY_SEMICOLON": (";", ":"),
        "KEY_APOSTROPHE": ("'", '"'),
        "KEY_GRAVE": ("`", "~"),
        "KEY_BACKSLASH": ("\\", "|"),
        "KEY_COMMA": (",", "<"),
        "KEY_DOT": (".", ">"),
        "KEY_SLASH": ("/", "?"),
        "KEY_SPACE": (" ", " "),
        "KEY_KPMINUS": ("-", "-"),
        "KEY_KPPLUS": ("+", "+"),
        "KEY_KPASTERISK": ("*", "*"),
        "KEY_KPSLASH": ("/", "/"),
        "KEY_KPDOT": (".", "."),
    }
    for name, chars in punctuation.items():
        layout[ecodes.ecodes[name]] = chars
    for digit in "0123456789":
        layout[ecodes.ecodes[f"KEY_KP{digit}"]] = (digit, digit)
    return layout


US_LAYOUT: KeyLayout = _us_layout()

SHIFT_KEYS = frozenset({ecodes.KEY_LEFTSHIFT, ecodes.KEY_RIGHTSHIFT})
# A key pressed while one of these is held is not text (Ctrl+J, Alt+digits...): the scan is refused.
CHORD_KEYS = frozenset(
    {ecodes.KEY_LEFTCTRL, ecodes.KEY_RIGHTCTRL, ecodes.KEY_LEFTALT, ecodes.KEY_RIGHTALT}
)
TERMINATOR_KEYS: Mapping[str, int] = {
    "enter": ecodes.KEY_ENTER,
    "kpenter": ecodes.KEY_KPENTER,
    "tab": ecodes.KEY_TAB,
}


def layout_from_config(mapping: Mapping[str | int, Sequence[str]], base: KeyLayout = US_LAYOUT) -> KeyLayout:
    """Build a layout from config: ``{"KEY_Y": ["z", "Z"], 21: ["z", "Z"]}`` over ``base``.

    Only the keys that differ from the base need listing (a German layout swaps Y/Z and moves
    punctuation); an empty string means the key is not used by this layout.
    """
    layout = dict(base)
    for key, chars in mapping.items():
        code = key if isinstance(key, int) else ecodes.ecodes.get(str(key).upper())
        if not isinstance(code, int):
            raise DeviceConfigError(
                f"Keyboard layout names an unknown key {key!r}.",
                "Use evdev names such as KEY_Y or the numeric key code.",
            )
        if len(chars) != 2:
            raise DeviceConfigError(
                f"Keyboard layout entry {key!r} must list two characters (plain, with Shift).",
                'Write it as ["z", "Z"].',
            )
        plain, shifted = str(chars[0]), str(chars[1])
        if plain == "" and shifted == "":
            layout.pop(code, None)
        else:
            layout[code] = (plain, shifted)
    return layout


@dataclass(frozen=True)
class DecodedScan:
    code: str


@dataclass(frozen=True)
class RefusedScan:
    reason: str


DecodeResult = DecodedScan | RefusedScan


class KeyDecoder:
    """Accumulates key-downs into a scan until the terminator key.

    ``max_key_gap`` (seconds, from event timestamps) refuses a scan typed at human speed; None
    trusts the device (a grabbed scanner node types nothing else).
    """

    def __init__(
        self,
        layout: KeyLayout = US_LAYOUT,
        terminator: str = "enter",
        max_length: int = 128,
        max_key_gap: float | None = None,
    ) -> None:
        if terminator not in TERMINATOR_KEYS:
            raise DeviceConfigError(
                f"Unknown scanner terminator {terminator!r}.",
                f"Use one of: {', '.join(TERMINATOR_KEYS)}.",
            )
        self._layout = layout
        self._terminator = TERMINATOR_KEYS[terminator]
        self._max_length = max_length
        self._max_key_gap = max_key_gap
        self._chars: list[str] = []
        self._refusal: str | None = None
        self._held_shift: set[int] = set()
        self._held_chord: set[int] = set()
        self._caps_lock = False
        self._last_key_at: float | None = None

    def feed(self, code: int, value: int, timestamp: float) -> DecodeResult | None:
        # Autorepeat is the scanner holding a key longer than the repeat delay, not a new character.
        if value == KEY_AUTOREPEAT:
            return None
        if code in SHIFT_KEYS:
            self._update_held(self._held_shift, code, value)
            return None
        if code in CHORD_KEYS:
            self._update_held(self._held_chord, code, value)
            return None
        if value != KEY_DOWN:
            return None
        if code == ecodes.KEY_CAPSLOCK:
            self._caps_lock = not self._caps_lock
            return None
        self._check_gap(timestamp)
        if code == self._terminator:
            return self._finish()
        self._add_key(code)
        return None

    def _update_held(self, held: set[int], code: int, value: int) -> None:
        if value == KEY_DOWN:
            held.add(code)
        elif value == KEY_UP:
            held.discard(code)

    def _check_gap(self, timestamp: float) -> None:
        if (
            self._max_key_gap is not None
            and self._chars
            and self._last_key_at is not None
            and timestamp - self._last_key_at > self._max_key_gap
            and self._refusal is None
        ):
            gap_ms = round((timestamp - self._last_key_at) * 1000)
            self._refusal = (
                f"Keys came {gap_ms} ms apart, slower than a scanner types; "
                "if this device is a keyboard, remove it from the scanner settings."
            )
        self._last_key_at = timestamp

    def _add_key(self, code: int) -> None:
        if self._refusal is not None:
            return
        if self._held_chord:
            self._refusal = (
                f"The scanner sent key code {code} with Ctrl or Alt held; "
                "set the scanner to plain text output (no control characters)."
            )
            return
        chars = self._layout.get(code)
        if chars is None:
            self._refusal = (
                f"The scanner sent key code {code}, which the configured keyboard layout cannot map; "
                "check the scanner's keyboard-country setting against the till's layout."
            )
            return
        plain, shifted = chars
        use_shift = bool(self._held_shift)
        if self._caps_lock and plain.isalpha():
            use_shift = not use_shift
        char = shifted if use_shift else plain
        if len(self._chars) >= self._max_length:
            self._refusal = (
                f"The scan was longer than {self._max_length} characters; "
                "scan again, or check the scanner sends an Enter after each code."
            )
            return
        self._chars.append(char)

    def _finish(self) -> DecodeResult | None:
        chars, refusal = self._chars, self._refusal
        self._chars, self._refusal, self._last_key_at = [], None, None
        if refusal is not None:
            return RefusedScan(refusal)
        if not chars:
            # A bare Enter (a person at a keyboard, or the scanner's empty read) is not a scan.
            return None
        return DecodedScan("".join(chars))
