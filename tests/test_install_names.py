"""The example config, the udev rules and the README name the same device paths and key files, so
an installer who follows one of them does not end up with a till that cannot find the other."""

from __future__ import annotations

import re
from pathlib import Path

from pos_tui.backup.keys import SIGNING_KEY_FILE

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_CONFIG = (REPO / "config" / "pos.example.toml").read_text(encoding="utf-8")
UDEV_RULES = (REPO / "config" / "udev" / "99-pos.rules").read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")


def udev_symlinks() -> set[str]:
    rules = [line for line in UDEV_RULES.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return {"/dev/" + name for rule in rules for name in re.findall(r'SYMLINK\+="([^"]+)"', rule)}


def device_paths(text: str) -> set[str]:
    return set(re.findall(r"/dev/(?:input/|usb/)?pos-[a-z-]+", text))


def test_every_device_name_the_udev_rules_make_is_the_one_the_example_config_uses() -> None:
    made = udev_symlinks()

    assert made, "the udev rules make no stable names"
    assert device_paths(EXAMPLE_CONFIG) <= made, f"no rule makes {device_paths(EXAMPLE_CONFIG) - made}"
    serial_ports = set(re.findall(r'port = "(/dev/[^"]+)"', EXAMPLE_CONFIG))
    assert serial_ports and serial_ports <= made
    assert device_paths(UDEV_RULES) <= made, "the rules' own comments name a device they do not make"
    assert device_paths(README) <= made


def test_the_backup_signing_key_has_one_name_everywhere() -> None:
    named = {Path(path).name for path in re.findall(r'signing_key = "([^"]+)"', EXAMPLE_CONFIG + README)}
    key_files = set(re.findall(r"[\w-]+-signing\.(?:key|pem)", EXAMPLE_CONFIG + README))

    assert named == {SIGNING_KEY_FILE}
    assert key_files == {SIGNING_KEY_FILE}
