"""Stories about barcodes: what the till accepts, what it refuses, and which catalogue key it looks up.

Check digits and expansions are cross-checked against python-stdnum and biip, two independent
implementations, on generated codes.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from biip import ParseConfig
from biip.checksums import gs1_price_weight_check_digit, gs1_standard_check_digit
from biip.gtin import Gtin
from biip.rcn import Rcn, RcnRegion
from biip.upc import Upc
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean

from pos_tui.domain.barcode import (
    InStoreLayout,
    decode_instore,
    expand_upce,
    gtin_check_digit,
    normalize_gtin,
    price_check_digit,
    shown_in_message,
    validate_gtin,
)
from pos_tui.domain.errors import BarcodeError

EAN_8 = "96385074"
UPC_A = "036000291452"
EAN_13 = "4006381333931"
GTIN_14_CASE = "14006381333938"

PRICE_LABEL = InStoreLayout("21IIIIIVPPPPK")
WEIGHT_LABEL = InStoreLayout("22IIIIIWWWWWK")
COUNT_LABEL = InStoreLayout("23IIIIIIQQQQK")


def digit_strings(length: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=length, max_size=length)


def with_check_digit(body: str) -> str:
    # Built with stdnum, not with the code under test, so the tests do not grade their own homework.
    return body + ean.calc_check_digit(body)


def instore_code(prefix: str, item: str, value: str, *, verifier: bool) -> str:
    body = prefix + item + (str(gs1_price_weight_check_digit(value)) if verifier else "") + value
    return with_check_digit(body)


# --- GTIN check digits ---------------------------------------------------------------------------


def test_check_digit_of_a_known_ean13_is_1() -> None:
    assert gtin_check_digit("400638133393") == 1


@pytest.mark.parametrize("code", [EAN_8, UPC_A, EAN_13, GTIN_14_CASE])
def test_every_gtin_length_is_accepted_unchanged(code: str) -> None:
    assert validate_gtin(code) == code


def test_wrong_check_digit_names_the_code_and_the_expected_digit() -> None:
    with pytest.raises(BarcodeError) as caught:
        validate_gtin("4006381333932")
    assert caught.value.message == "Check digit of 4006381333932 should be 1, not 2."
    assert "scan again" in caught.value.hint.lower()


@pytest.mark.parametrize("code", ["1", "4006381", "400638133", "40063813339", "400638133393100"])
def test_a_code_of_the_wrong_length_is_refused_with_its_digit_count(code: str) -> None:
    with pytest.raises(BarcodeError, match=f"has {len(code)} digits; a product barcode has 8, 12, 13 or 14"):
        validate_gtin(code)


@pytest.mark.parametrize(
    "code",
    ["4006381333A31", "40063813 3931", "４００６３８１３３３９３１", "٤٠٠٦٣٨١٣٣٣٩٣١", "+4006381333931"],
)
def test_letters_spaces_and_non_ascii_digits_are_not_a_barcode(code: str) -> None:
    with pytest.raises(BarcodeError, match="not digits"):
        validate_gtin(code)


def test_an_empty_code_is_refused() -> None:
    with pytest.raises(BarcodeError, match="empty"):
        validate_gtin("")


def test_control_characters_are_shown_escaped_and_blamed_on_the_scanner_setup() -> None:
    with pytest.raises(BarcodeError) as caught:
        validate_gtin("\x024006381333931\x03")
    assert "\\x024006381333931\\x03" in caught.value.message
    assert "\x02" not in str(caught.value)
    assert "scanner" in caught.value.hint


def test_a_huge_garbage_code_gives_a_short_message() -> None:
    with pytest.raises(BarcodeError) as caught:
        validate_gtin("A\x1b" * 150)
    assert len(caught.value.message) < 130
    assert "(300 characters)" in caught.value.message


def test_shown_in_message_keeps_short_printable_text_as_it_is() -> None:
    assert shown_in_message("12345") == "12345"
    assert shown_in_message("12\t3") == "12\\t3"
    assert shown_in_message("9" * 41) == "9" * 40 + "… (41 characters)"


@given(length=st.sampled_from([8, 12, 13, 14]), data=st.data())
def test_a_body_plus_our_check_digit_is_accepted_by_stdnum_and_biip(length: int, data: st.DataObject) -> None:
    body = data.draw(digit_strings(length - 1))
    code = body + str(gtin_check_digit(body))
    assert ean.is_valid(code)
    assert gtin_check_digit(body) == gs1_standard_check_digit(body)
    assert validate_gtin(code) == code


@given(length=st.sampled_from([8, 12, 13, 14]), data=st.data())
def test_one_changed_digit_is_always_refused(length: int, data: st.DataObject) -> None:
    code = with_check_digit(data.draw(digit_strings(length - 1)))
    position = data.draw(st.integers(min_value=0, max_value=length - 1))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != code[position]]))
    misread = code[:position] + replacement + code[position + 1 :]
    assert not ean.is_valid(misread)
    with pytest.raises(BarcodeError, match="Check digit of"):
        validate_gtin(misread)


# --- UPC-E ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upc_e", "upc_a"),
    [
        ("04252614", "042100005264"),  # last middle digit 0-2: manufacturer keeps it, zeros before item
        ("01234505", "012000003455"),
        ("01234531", "012300000451"),  # 3: three manufacturer digits
        ("01234543", "012340000053"),  # 4: four manufacturer digits
        ("01234565", "012345000065"),  # 5-9: five manufacturer digits, item is that last digit
        ("11234562", "112345000062"),  # number system 1
    ],
)
def test_upce_expands_to_the_upc_a_printed_on_the_carton(upc_e: str, upc_a: str) -> None:
    assert expand_upce(upc_e) == upc_a
    assert ean.is_valid(upc_a)


def test_upce_check_digit_is_checked_on_the_expanded_upc_a() -> None:
    with pytest.raises(BarcodeError, match=r"Check digit of UPC-E 04252615 \(UPC-A 042100005265\) should be 4"):
        expand_upce("04252615")


def test_upce_with_number_system_2_is_not_upce() -> None:
    with pytest.raises(BarcodeError, match="starts with 0 or 1, not 2") as caught:
        expand_upce("21234565")
    assert "EAN-8" in caught.value.hint


@pytest.mark.parametrize("code", ["0425261", "042526140", "0425261X"])
def test_upce_needs_exactly_eight_digits(code: str) -> None:
    with pytest.raises(BarcodeError):
        expand_upce(code)


@given(number_system=st.sampled_from("01"), middle=digit_strings(6))
def test_upce_expansion_agrees_with_biip(number_system: str, middle: str) -> None:
    upc_a_from_biip = Upc.parse(number_system + middle).as_upc_a()  # 7 digits: biip adds the check
    upc_e = number_system + middle + upc_a_from_biip[-1]
    assert expand_upce(upc_e) == upc_a_from_biip
    assert Upc.parse(upc_e).as_upc_a() == upc_a_from_biip


# --- The catalogue key ---------------------------------------------------------------------------


def test_upc_a_scan_finds_the_ean13_form() -> None:
    assert normalize_gtin(UPC_A) == "0" + UPC_A
    assert normalize_gtin("0" + UPC_A) == "0" + UPC_A


def test_ean8_and_ean13_keep_their_digits() -> None:
    assert normalize_gtin(EAN_8) == EAN_8
    assert normalize_gtin(EAN_13) == EAN_13


def test_gtin14_of_a_case_stays_14_digits() -> None:
    assert normalize_gtin(GTIN_14_CASE) == GTIN_14_CASE


def test_gtin14_with_indicator_0_finds_the_ean13_form() -> None:
    # GS1 DataBar and GS1-128 carry the unit's GTIN padded to 14 digits.
    assert normalize_gtin("0" + EAN_13) == EAN_13
    assert normalize_gtin("00" + UPC_A) == normalize_gtin(UPC_A)


def test_store_with_upce_scanners_finds_the_upc_a_of_an_eight_digit_scan() -> None:
    assert normalize_gtin("04252614", eight_digit="upce") == "0042100005264"
    assert normalize_gtin("042100005264") == "0042100005264"


def test_01234565_is_an_ean8_or_a_upce_depending_on_the_store_setting() -> None:
    assert normalize_gtin("01234565") == "01234565"
    assert normalize_gtin("01234565", eight_digit="upce") == "0012345000065"


def test_eight_digit_setting_upce_refuses_a_code_that_only_works_as_ean8() -> None:
    with pytest.raises(BarcodeError):
        normalize_gtin(EAN_8, eight_digit="upce")


def test_normalize_refuses_what_validate_refuses() -> None:
    with pytest.raises(BarcodeError, match="should be 1, not 2"):
        normalize_gtin("4006381333932")
    with pytest.raises(BarcodeError, match="not digits"):
        normalize_gtin("ABCDEFGH", eight_digit="upce")


def test_an_unknown_eight_digit_setting_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="eight_digit"):
        normalize_gtin(EAN_8, eight_digit="ean13")  # type: ignore[arg-type]


@given(body=digit_strings(11))
def test_every_form_of_a_upc_a_has_one_key(body: str) -> None:
    upc_a = with_check_digit(body)
    key = normalize_gtin(upc_a)
    assert normalize_gtin("0" + upc_a) == key
    assert normalize_gtin("00" + upc_a) == key
    assert normalize_gtin(key) == key
    assert Gtin.parse(upc_a).as_gtin_13() == key


# --- GS1 price/weight verifier -------------------------------------------------------------------


def test_price_verifier_matches_the_gs1_worked_examples() -> None:
    assert price_check_digit("2875") == 9
    assert price_check_digit("14685") == 6


@given(value=st.one_of(digit_strings(4), digit_strings(5)))
def test_price_verifier_agrees_with_biip(value: str) -> None:
    assert price_check_digit(value) == gs1_price_weight_check_digit(value)


@pytest.mark.parametrize("value", ["123", "123456", "12a4", ""])
def test_price_verifier_covers_only_four_or_five_digits(value: str) -> None:
    with pytest.raises(ValueError, match="4 or 5 digits"):
        price_check_digit(value)


# --- In-store layouts from config ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "complaint"),
    [
        ("21IIIIIVPPPP", "has 12 characters; it needs 13"),
        ("21IIIIIVPPPPKK", "has 14 characters"),
        ("21IIIIIVPPPPX", "uses X"),
        ("21IIIIIVPPPPp", "uses p"),
        ("21IIIIIIPPPP5", "must end with exactly one K"),
        ("21IIIIKPPPPPK", "must end with exactly one K"),
        ("K1IIIIIIPPPPK", "must end with exactly one K"),
        ("IIIIIIIPPPPPK", "must start with its literal prefix"),
        ("31IIIIIVPPPPK", "must start with its literal prefix"),
        ("0IIIIIIVPPPPK", "must start with its literal prefix"),
        ("21IIIII0PPPPK", "digits after its prefix"),
        ("21IIIPPIIPPPK", "the I digits must be side by side"),
        ("21PPPPPPPPPPK", "has no I digits"),
        ("21IIIIIPPWWWK", "mixes P and W"),
        ("21IIIIIIIVPPK", "V is one verifier digit over a 4- or 5-digit"),
        ("21IIIIIIIIIVK", "0 value digits"),
        ("21IIIIVVPPPPK", "has 2 V"),
    ],
)
def test_a_bad_layout_in_config_is_refused_with_what_is_wrong(pattern: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        InStoreLayout(pattern)


@pytest.mark.parametrize(
    "pattern",
    ["21IIIIIVPPPPK", "22IIIIIWWWWWK", "2IIIIIIVWWWWK", "29IIIIPPPPPPK", "20IIIIIIIIIIK", "02IIIIIVPPPPK"],
)
def test_layouts_that_real_scales_print_are_accepted(pattern: str) -> None:
    assert InStoreLayout(pattern).pattern == pattern


def test_price_label_carries_the_price_in_minor_units_and_the_item_key() -> None:
    code = instore_code("21", "12345", "0349", verifier=True)
    decoded = decode_instore(code, [PRICE_LABEL])
    assert decoded is not None
    assert decoded.item_code == "12345"
    assert decoded.lookup_code == "2112345"
    assert decoded.embedded_price == 349
    assert decoded.embedded_quantity is None


def test_weighed_item_barcode_carries_grams_as_thousandths() -> None:
    decoded = decode_instore(instore_code("22", "12345", "01250", verifier=False), [WEIGHT_LABEL])
    assert decoded is not None
    assert decoded.lookup_code == "2212345"
    assert decoded.embedded_quantity == 1250  # 1.250 kg
    assert decoded.embedded_price is None


def test_counted_item_barcode_carries_the_count_as_thousandths() -> None:
    decoded = decode_instore(instore_code("23", "123456", "0006", verifier=False), [COUNT_LABEL])
    assert decoded is not None
    assert decoded.embedded_quantity == 6000


def test_item_only_layout_gives_a_lookup_key_and_nothing_embedded() -> None:
    decoded = decode_instore(with_check_digit("200000004242"), [InStoreLayout("20IIIIIIIIIIK")])
    assert decoded is not None
    assert decoded.lookup_code == "200000004242"[:12]
    assert (decoded.embedded_price, decoded.embedded_quantity) == (None, None)


def test_first_layout_whose_prefix_matches_wins() -> None:
    code = instore_code("21", "12345", "0349", verifier=True)
    catch_all = InStoreLayout("2IIIIIIIIIIIK")
    first = decode_instore(code, [PRICE_LABEL, catch_all])
    assert first is not None and first.embedded_price == 349
    second = decode_instore(code, [catch_all, PRICE_LABEL])
    assert second is not None and second.embedded_price is None and second.lookup_code == code[:12]


def test_a_code_no_layout_claims_is_not_in_store() -> None:
    assert decode_instore(EAN_13, [PRICE_LABEL, WEIGHT_LABEL]) is None
    assert decode_instore(instore_code("24", "12345", "0349", verifier=True), [PRICE_LABEL]) is None
    assert decode_instore(instore_code("21", "12345", "0349", verifier=True), []) is None


@pytest.mark.parametrize("code", [UPC_A, "21123457034", "211234570349X"])
def test_only_thirteen_digits_can_be_an_in_store_code(code: str) -> None:
    assert decode_instore(code, [InStoreLayout("2IIIIIIIIIIIK"), InStoreLayout("02IIIIIVPPPPK")]) is None


def test_misread_in_store_check_digit_is_refused() -> None:
    code = instore_code("21", "12345", "0349", verifier=True)
    misread = code[:-1] + str((int(code[-1]) + 1) % 10)
    with pytest.raises(BarcodeError, match=f"Check digit of {misread} should be {code[-1]}"):
        decode_instore(misread, [PRICE_LABEL])


def test_misread_price_is_caught_by_the_verifier_even_when_the_check_digit_fits() -> None:
    good = instore_code("21", "12345", "0349", verifier=True)
    # Same wrong price, check digit recomputed: only the verifier can notice.
    misread = with_check_digit(good[:8] + "0394")
    with pytest.raises(BarcodeError, match=f"Price/weight check digit of {misread} should be") as caught:
        decode_instore(misread, [PRICE_LABEL])
    assert "misread" in caught.value.hint


def test_a_weight_label_of_zero_grams_is_refused() -> None:
    with pytest.raises(BarcodeError, match="quantity is 0"):
        decode_instore(instore_code("22", "12345", "00000", verifier=False), [WEIGHT_LABEL])


@given(item=digit_strings(4), price=digit_strings(5))
def test_german_price_labels_read_the_same_as_biip_reads_them(item: str, price: str) -> None:
    code = instore_code("22", item, price, verifier=True)
    ours = decode_instore(code, [InStoreLayout("22IIIIVPPPPPK")])
    theirs = Gtin.parse(code, config=ParseConfig(rcn_region=RcnRegion.GERMANY, rcn_verify_variable_measure=True))
    assert ours is not None and isinstance(theirs, Rcn)
    assert theirs.price is not None
    assert ours.embedded_price == int(theirs.price * 100)
    assert ours.item_code == theirs.item_reference


@given(item=digit_strings(4), grams=st.integers(min_value=1, max_value=99_999))
def test_german_weight_labels_read_the_same_as_biip_reads_them(item: str, grams: int) -> None:
    code = instore_code("28", item, f"{grams:05d}", verifier=True)
    ours = decode_instore(code, [InStoreLayout("28IIIIVWWWWWK")])
    theirs = Gtin.parse(code, config=ParseConfig(rcn_region=RcnRegion.GERMANY, rcn_verify_variable_measure=True))
    assert ours is not None and isinstance(theirs, Rcn)
    assert theirs.weight is not None
    assert Decimal(ours.embedded_quantity or 0) / 1000 == theirs.weight
    assert ours.embedded_quantity == grams
