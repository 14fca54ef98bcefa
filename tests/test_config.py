"""Config files: a good one becomes settings, a broken one is reported by key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos_tui.config import Settings, load_settings, parse_settings
from pos_tui.domain.errors import ConfigError
from pos_tui.domain.money import Rounding
from pos_tui.domain.tax import TaxRounding

GOOD = """\
[store]
name = "Karachi Corner Store"
currency = "PKR"
exponent = 2
timezone = "Asia/Karachi"
day_starts_at_hour = 4

[terminal]
id = "T2"

[pricing]
prices_include_tax = false
tax_rounding = "receipt"
rounding = "half_even"
cash_rounding_step = 100
negative_stock = "block"

[[tenders]]
code = "cash"
label = "Cash"
cash = true
account = "assets:cash:drawer:{terminal}"

[[tenders]]
code = "jazzcash"
label = "JazzCash"
"""


def _parse(text: str, tmp_path: Path) -> Settings:
    path = tmp_path / "pos.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def test_a_good_config_file_sets_the_store_up(tmp_path: Path) -> None:
    settings = _parse(GOOD, tmp_path)
    assert settings.source == tmp_path / "pos.toml"
    assert settings.store.name == "Karachi Corner Store"
    assert settings.terminal.id == "T2"
    policy = settings.tax_policy()
    assert (policy.prices_include_tax, policy.rounding, policy.tax_rounding) == (
        False, Rounding.HALF_EVEN, TaxRounding.RECEIPT)
    methods = settings.tender_methods()
    assert methods["cash"].account_for("T2") == "assets:cash:drawer:T2"
    assert methods["jazzcash"].account == "assets:tender:jazzcash"
    assert not methods["jazzcash"].is_cash


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        ('[store]\nname = "x"\ncurrency = "rupees"\n', "store.currency", 3),
        ("[store]\nexponent = 7\n", "store.exponent", 2),
        ('[store]\n\ntimezone = "Mars/Olympus"\n', "store.timezone", 3),
        ("[pricing]\nprices_include_tax = true\ncash_rounding_step = 0\n", "pricing.cash_rounding_step", 3),
        ('[pricing]\nnegative_stock = "sometimes"\n', "pricing.negative_stock", 2),
        ('[pricing]\nrounding = "bankers"\n', "pricing.rounding", 2),
        ('[terminal]\nid = "till number 1"\n', "terminal.id", 2),
        ('[store]\ncolour = "red"\n', "store.colour", 2),
        ('[[tenders]]\ncode = "cash"\nlabel = "Cash"\n\n[[tenders]]\ncode = "Card!"\nlabel = "Card"\n',
         "tenders.1.code", 6),
        ('[[tax_classes]]\ncode = "std"\nname = "GST"\nrate_bp = 17.5\n', "tax_classes.0.rate_bp", 4),
        ('[[tax_classes]]\ncode = "std"\nname = "GST"\nrate_bp = 20000\n', "tax_classes.0.rate_bp", 4),
    ],
)
def test_a_bad_value_is_reported_with_its_key_and_line(tmp_path: Path, text: str, key: str, line: int) -> None:
    with pytest.raises(ConfigError) as refused:
        _parse(text, tmp_path)
    message = str(refused.value)
    assert f"{key} (line {line})" in message, message
    assert str(tmp_path / "pos.toml") in message
    assert message.endswith("Fix the value and start again.")


def test_two_tenders_with_one_code_are_refused(tmp_path: Path) -> None:
    text = '[[tenders]]\ncode = "cash"\nlabel = "Cash"\n[[tenders]]\ncode = "cash"\nlabel = "Also cash"\n'
    with pytest.raises(ConfigError, match="two tenders share a code"):
        _parse(text, tmp_path)


def test_several_problems_are_reported_together(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        _parse('[store]\nexponent = 9\ncurrency = "x"\n', tmp_path)
    assert "store.exponent (line 2)" in str(refused.value)
    assert "store.currency (line 3)" in str(refused.value)


@pytest.mark.parametrize(
    ("text", "line"),
    [('[store\nname = "x"\n', 1), ('[store]\nname = "unterminated\n', 2), ("[pricing]\nrounding = half_up\n", 2),
     ('[store]\nname = "a"\nname = "b"\n', 3)],
)
def test_broken_toml_is_reported_with_its_line(tmp_path: Path, text: str, line: int) -> None:
    with pytest.raises(ConfigError, match=rf"line {line}.*Fix the TOML syntax on that line"):
        _parse(text, tmp_path)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"is not UTF-8 text.*Save the file as UTF-8"):
        parse_settings('[store]\nname = "Café"\n'.encode("latin-1"), tmp_path / "pos.toml")


def test_a_missing_config_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match=r"No config file at .*Check the --config path"):
        load_settings(tmp_path / "nope.toml")
    monkeypatch.setenv("POS_CONFIG", str(tmp_path / "gone.toml"))
    with pytest.raises(ConfigError, match=r"POS_CONFIG names .*gone.toml, which is not a file"):
        load_settings()
    (tmp_path / "env.toml").write_text('[terminal]\nid = "T7"\n')
    monkeypatch.setenv("POS_CONFIG", str(tmp_path / "env.toml"))
    assert load_settings().terminal.id == "T7"
