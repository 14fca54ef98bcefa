"""Urdu and Arabic receipt lines on a box without libraqm (Pillow loads FriBiDi at run time, so a
box without libfribidi has none): joined and ordered by arabic-reshaper + python-bidi, drawn like raqm."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps, features

from pos_tui.devices import rtl_text
from pos_tui.devices.rtl_text import render_line_image, shaping_in_use
from pos_tui.services.doctor import run_checks
from tests.support.tools import _missing, require_file

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # has the Arabic presentation forms
STORE_NAME = "ریاض جنرل اسٹور"


@pytest.fixture
def no_raqm(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Pillow as it is on a box without libraqm: features.check("raqm") is False."""
    real_check = features.check
    monkeypatch.setattr(features, "check", lambda name: False if name == "raqm" else real_check(name))
    rtl_text._font.cache_clear()
    yield
    rtl_text._font.cache_clear()


def ink(image: Image.Image) -> Image.Image:
    return ImageOps.invert(image.convert("L"))  # black letters become the lit pixels


def lit(image: Image.Image) -> int:
    return sum(1 for value in image.get_flattened_data() if value)


def test_an_urdu_line_without_raqm_is_drawn_as_raqm_draws_it(monkeypatch: pytest.MonkeyPatch) -> None:
    font = str(require_file(DEJAVU, "fonts-dejavu-core"))
    if not features.check("raqm"):  # Pillow's wheels carry libraqm; it needs the system's libfribidi
        _missing("Pillow has no raqm to compare with", "apt-get install libfribidi0")
    with_raqm = ink(render_line_image("", STORE_NAME, 512, font))
    rtl_text._font.cache_clear()
    real_check = features.check
    monkeypatch.setattr(features, "check", lambda name: False if name == "raqm" else real_check(name))

    without = ink(render_line_image("", STORE_NAME, 512, font))

    rtl_text._font.cache_clear()
    basic = ImageFont.truetype(font, 28, layout_engine=ImageFont.Layout.BASIC)
    unshaped = Image.new("L", with_raqm.size, 0)
    ImageDraw.Draw(unshaped).text((200, 2), STORE_NAME, font=basic, fill=255)  # letters apart, left to right
    box, box_without = with_raqm.getbbox(), without.getbbox()
    assert box is not None and box_without is not None
    assert box[2] > 500 and box_without[2] > 500  # flush right, where an Urdu reader starts
    assert abs((box[2] - box[0]) - (box_without[2] - box_without[0])) <= 4
    differs = lit(ImageChops.difference(with_raqm, without))
    assert differs < lit(with_raqm) * 0.4
    assert differs * 2 < lit(ImageChops.difference(with_raqm, unshaped))


def test_a_receipt_line_with_urdu_and_an_amount_prints_without_raqm(no_raqm: None) -> None:
    font = str(require_file(DEJAVU, "fonts-dejavu-core"))

    line = ink(render_line_image("450.00", "چائے کی پتی", 512, font))

    box = line.getbbox()
    assert box is not None and box[0] < 20 and box[2] > 500


def test_doctor_says_which_shaping_draws_urdu_lines(no_raqm: None, tmp_path: Path) -> None:
    config = tmp_path / "pos.toml"
    config.write_text('[store]\nlanguage = "ur"\n', encoding="utf-8")

    shaping = next(check for check in run_checks(config, tmp_path / "none.db") if check.name == "receipt shaping")

    assert shaping.ok and "arabic-reshaper + python-bidi (libraqm is missing)" in shaping.detail
    assert shaping_in_use() == "arabic-reshaper + python-bidi (libraqm is missing)"
