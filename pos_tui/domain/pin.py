"""PINs: 4-8 digits, stored only as scrypt hashes, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from pos_tui.domain.errors import InvalidInput

# scrypt cost: ~50 ms on a small box, slow enough to make guessing a stolen hash expensive.
_N, _R, _P = 2**14, 8, 1


def check_pin_format(pin: str) -> str:
    if not pin.isdigit() or not 4 <= len(pin) <= 8 or not pin.isascii():
        raise InvalidInput("A PIN is 4 to 8 digits.", "Choose a PIN of digits only.")
    return pin


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    check_pin_format(pin)
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt" or not pin.isdigit():
        return False
    digest = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(digest.hex(), expected)
