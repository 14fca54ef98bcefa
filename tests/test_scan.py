"""Stories about what arrives at the scan field: quantities a cashier types and codes a scanner sends."""

from __future__ import annotations

from decimal import Decimal

import pytest
from biip.checksums import gs1_price_weight_check_digit
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean

from pos_tui.domain.barcode import InStoreLayout
from pos_tui.domain.errors import BarcodeError, InvalidAmount
from pos_tui.domain.money import format_quantity
from pos_tui.domain.scan import (
    DEFAULT_MAX_QUANTITY,
    ScanRequest,
    parse_quantity,
    parse_scan,
)

EAN_13 = "4006381333931"
UPC_A = "036000291452"

LAYOUTS = (
    InStoreLayout("21IIIIIVPPPPK"),
    InStoreLayout("22IIIIIWWWWWK"),
    InStoreLayout("23IIIIIIQQQQK"),
    InStoreLayout("02IIIIIVPPPPK"),
)


def instore_code(prefix: str, item: str, value: str, *, verifier: bool) -> str:
    # Built with biip and stdnum, not with the code under test.
    body = prefix + item + (str(gs1_price_weight_check_digit(value)) if verifier else "") + value
    return body + ean.calc_check_digit(body)


PRICE_LABEL = instore_code("21", "12345", "0349", verifier=True)
WEIGHT_LABEL = instore_code("22", "12345", "01250", verifier=False)
COUNT_LABEL = instore_code("23", "123456", "0006", verifier=False)


# --- Quantities a cashier types ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "thousandths"),
    [
        ("3", 3000),
        ("0.25", 250),
        ("1.5", 1500),
        ("0.001", 1),
        ("2.000", 2000),
        (".5", 500),
        ("007", 7000),
        (" 12 ", 12000),
        ("9999", 9_999_000),
    ],
)
def test_typed_quantity_becomes_thousandths(typed: str, thousandths: int) -> None:
    assert parse_quantity(typed) == thousandths


def test_decimal_comma_is_refused_and_the_point_is_suggested() -> None:
    with pytest.raises(InvalidAmount, match="Quantity 2,5 has a comma") as caught:
        parse_quantity("2,5")
    assert "point" in caught.value.hint


def test_thousands_separator_is_refused_rather_than_guessed() -> None:
    with pytest.raises(InvalidAmount, match="comma"):
        parse_quantity("1,500")


@pytest.mark.parametrize("typed", ["0", "0.000", "000", ".0"])
def test_zero_quantity_is_refused(typed: str) -> None:
    with pytest.raises(InvalidAmount, match="would add nothing") as caught:
        parse_quantity(typed)
    assert caught.value.hint


@pytest.mark.parametrize("typed", ["-1", "-0.5", "-0"])
def test_negative_quantity_points_to_returns(typed: str) -> None:
    with pytest.raises(InvalidAmount, match="is negative") as caught:
        parse_quantity(typed)
    assert "return" in caught.value.hint


@pytest.mark.parametrize(
    "typed", ["abc", "3kg", "1.2.3", "3.", ".", "+3", "1e3", "nan", "inf", "1 000", "٣", "３", "0x10", "½"]
)
def test_anything_but_a_plain_number_is_refused(typed: str) -> None:
    with pytest.raises(InvalidAmount, match="is not a number") as caught:
        parse_quantity(typed)
    assert "e.g." in caught.value.hint or "such as" in caught.value.hint


@pytest.mark.parametrize("typed", ["", "   "])
def test_missing_quantity_is_refused(typed: str) -> None:
    with pytest.raises(InvalidAmount, match="No quantity"):
        parse_quantity(typed)


def test_more_than_three_decimals_is_refused() -> None:
    with pytest.raises(InvalidAmount, match="has 4 decimals; at most 3"):
        parse_quantity("0.2505")


@pytest.mark.parametrize("typed", ["9999.001", "10000", "4006381333931"])
def test_absurd_quantity_above_the_ceiling_is_refused(typed: str) -> None:
    with pytest.raises(InvalidAmount, match="more than 9999, the most one line may hold") as caught:
        parse_quantity(typed)
    assert "split" in caught.value.hint


def test_a_pasted_five_thousand_digit_number_is_refused_quickly_and_briefly() -> None:
    with pytest.raises(InvalidAmount) as caught:
        parse_quantity("9" * 5000)
    assert len(caught.value.message) < 130


def test_store_can_set_a_lower_ceiling() -> None:
    assert parse_quantity("50", ceiling=50_000) == 50_000
    with pytest.raises(InvalidAmount, match=r"more than 50\.5"):
        parse_quantity("50.501", ceiling=50_500)


def test_a_ceiling_below_one_thousandth_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="ceiling"):
        parse_quantity("1", ceiling=0)


@given(thousandths=st.integers(min_value=1, max_value=DEFAULT_MAX_QUANTITY))
def test_every_quantity_survives_formatting_and_parsing(thousandths: int) -> None:
    typed = format_quantity(thousandths)
    assert parse_quantity(typed) == thousandths
    assert Decimal(typed) * 1000 == thousandths  # a second opinion, without floats


@given(whole=st.integers(min_value=0, max_value=9998), fraction=st.text("0123456789", min_size=1, max_size=3))
def test_typed_decimals_agree_with_decimal_arithmetic(whole: int, fraction: str) -> None:
    typed = f"{whole}.{fraction}"
    expected = Decimal(typed) * 1000
    if expected == 0:
        with pytest.raises(InvalidAmount):
            parse_quantity(typed)
    else:
        assert parse_quantity(typed) == expected


# --- Codes a scanner sends -----------------------------------------------------------------------


def test_plain_ean13_scan_looks_up_the_code() -> None:
    assert parse_scan(EAN_13) == ScanRequest(
        quantity=None,
        lookup_code=EAN_13,
        raw=EAN_13,
        embedded_price=None,
        embedded_quantity=None,
        kind="gtin",
    )


def test_upc_a_scan_finds_the_ean13_form() -> None:
    assert parse_scan(UPC_A).lookup_code == "0" + UPC_A
    assert parse_scan("0" + UPC_A).lookup_code == "0" + UPC_A


def test_scanner_enter_and_tabs_around_the_code_are_dropped_but_kept_in_raw() -> None:
    request = parse_scan(f"\t{EAN_13}\r\n")
    assert request.lookup_code == EAN_13
    assert request.raw == f"\t{EAN_13}\r\n"


def test_three_times_prefix_sets_the_quantity() -> None:
    request = parse_scan(f"3*{EAN_13}")
    assert request.quantity == 3000
    assert request.lookup_code == EAN_13


def test_half_kilo_prefix_on_a_loose_item() -> None:
    assert parse_scan(f"0.5*{UPC_A}").quantity == 500


def test_cashier_may_type_spaces_around_the_star() -> None:
    assert parse_scan(f"2 * {EAN_13}").quantity == 2000


def test_eight_digit_scan_is_ean8_unless_the_store_uses_upce() -> None:
    assert parse_scan("01234565").lookup_code == "01234565"
    assert parse_scan("01234565", eight_digit="upce").lookup_code == "0012345000065"


def test_gtin14_of_a_case_is_looked_up_as_14_digits() -> None:
    assert parse_scan("14006381333938").lookup_code == "14006381333938"


def test_price_label_scan_carries_its_price() -> None:
    request = parse_scan(PRICE_LABEL, layouts=LAYOUTS)
    assert request.kind == "instore"
    assert request.lookup_code == "2112345"
    assert request.embedded_price == 349
    assert request.embedded_quantity is None
    assert request.quantity is None


def test_weighed_item_barcode_carries_grams_as_thousandths() -> None:
    request = parse_scan(WEIGHT_LABEL, layouts=LAYOUTS)
    assert request.kind == "instore"
    assert request.lookup_code == "2212345"
    assert request.embedded_quantity == 1250


def test_counted_item_barcode_carries_the_count_as_thousandths() -> None:
    assert parse_scan(COUNT_LABEL, layouts=LAYOUTS).embedded_quantity == 6000


def test_us_random_weight_upc_a_is_read_through_an_02_layout() -> None:
    label = instore_code("02", "12345", "0349", verifier=True)
    request = parse_scan(label[1:], layouts=LAYOUTS)  # the scale label is a 12-digit UPC-A
    assert request.kind == "instore"
    assert request.lookup_code == "0212345"
    assert request.embedded_price == 349


def test_several_identical_price_labelled_packs_may_be_multiplied() -> None:
    request = parse_scan(f"2*{PRICE_LABEL}", layouts=LAYOUTS)
    assert (request.quantity, request.embedded_price) == (2000, 349)


def test_a_quantity_on_a_weighed_label_is_refused_because_the_label_says_the_weight() -> None:
    with pytest.raises(InvalidAmount, match=r"already says the quantity \(1\.25\); 3\* cannot change it") as caught:
        parse_scan(f"3*{WEIGHT_LABEL}", layouts=LAYOUTS)
    assert "without a quantity" in caught.value.hint


def test_a_quantity_on_a_counted_label_is_refused_too() -> None:
    with pytest.raises(InvalidAmount, match="already says the quantity"):
        parse_scan(f"2*{COUNT_LABEL}", layouts=LAYOUTS)


def test_in_store_prefix_without_a_matching_layout_is_treated_as_a_gtin() -> None:
    request = parse_scan(PRICE_LABEL)
    assert request.kind == "gtin"
    assert request.lookup_code == PRICE_LABEL


def test_misread_price_label_is_refused() -> None:
    misread = PRICE_LABEL[:8] + "0394"
    misread += ean.calc_check_digit(misread)
    with pytest.raises(BarcodeError, match="Price/weight check digit"):
        parse_scan(misread, layouts=LAYOUTS)


@pytest.mark.parametrize("text", ["", "   ", "\r\n"])
def test_an_empty_scan_is_refused(text: str) -> None:
    with pytest.raises(BarcodeError, match="Nothing was scanned"):
        parse_scan(text)


@pytest.mark.parametrize("code", ["12345", "1234567", "123456789", "12345678901", "123456789012345"])
def test_a_code_of_the_wrong_length_is_refused(code: str) -> None:
    with pytest.raises(BarcodeError, match=f"has {len(code)} digits; a product barcode has 8, 12, 13 or 14"):
        parse_scan(code)


def test_wrong_check_digit_is_refused() -> None:
    with pytest.raises(BarcodeError, match="Check digit of 4006381333932 should be 1, not 2"):
        parse_scan("4006381333932")


@pytest.mark.parametrize(
    "text", ["ABC123", "]E04006381333931", "4006381333931A", "400-638-133-393-1", "3*4*4006381333931"]
)
def test_letters_and_punctuation_are_not_a_barcode(text: str) -> None:
    with pytest.raises(BarcodeError, match="not digits"):
        parse_scan(text)


def test_control_characters_inside_a_scan_are_shown_escaped() -> None:
    with pytest.raises(BarcodeError) as caught:
        parse_scan("400638\x1d1333931\x07")
    assert "400638\\x1d1333931\\x07" in caught.value.message
    assert "\x1d" not in str(caught.value)
    assert "scanner" in caught.value.hint


def test_a_300_character_scan_gives_a_short_message() -> None:
    with pytest.raises(BarcodeError) as caught:
        parse_scan("ABC\x00" * 75)
    assert len(caught.value.message) < 130
    assert "\\x00" in caught.value.message
    assert "\x00" not in str(caught.value)


def test_a_long_run_of_digits_is_refused_as_too_long_before_anything_else() -> None:
    with pytest.raises(BarcodeError, match="too long; a barcode has at most 64 characters"):
        parse_scan("4" * 65)
    with pytest.raises(BarcodeError, match="at most 20"):
        parse_scan("4" * 21, max_length=20)


def test_a_max_length_shorter_than_a_gtin14_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="max_length"):
        parse_scan(EAN_13, max_length=13)


def test_a_star_without_a_quantity_asks_for_one() -> None:
    with pytest.raises(InvalidAmount, match=r"nothing before the \*"):
        parse_scan(f"*{EAN_13}")


def test_a_quantity_without_a_code_asks_for_the_scan() -> None:
    with pytest.raises(BarcodeError, match="no code after the"):
        parse_scan("3*")


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        (f"2,5*{EAN_13}", "has a comma"),
        (f"0*{EAN_13}", "would add nothing"),
        (f"-2*{EAN_13}", "is negative"),
        (f"x*{EAN_13}", "is not a number"),
        (f"0.0005*{EAN_13}", "at most 3"),
        (f"10000*{EAN_13}", "more than 9999"),
    ],
)
def test_bad_quantity_prefix_is_refused_like_a_typed_quantity(text: str, complaint: str) -> None:
    with pytest.raises(InvalidAmount, match=complaint):
        parse_scan(text)


def test_store_ceiling_applies_to_the_prefix() -> None:
    with pytest.raises(InvalidAmount, match="more than 100"):
        parse_scan(f"101*{EAN_13}", max_quantity=100_000)


@given(body=st.text("0123456789", min_size=12, max_size=12), quantity=st.integers(1, DEFAULT_MAX_QUANTITY))
def test_any_valid_ean13_with_any_sane_quantity_is_accepted(body: str, quantity: int) -> None:
    code = body + ean.calc_check_digit(body)
    request = parse_scan(f"{format_quantity(quantity)}*{code}")
    assert request.quantity == quantity
    assert request.lookup_code == code
