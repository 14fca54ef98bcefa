"""A keyboard-wedge scanner and a person share one keyboard; the rhythm tells them apart."""

from __future__ import annotations

from pos_tui.devices.wedge import WedgeClassifier, WedgeTiming, WedgeVerdict


def keys(classifier: WedgeClassifier, text: str, start: float, gaps: float | list[float]) -> float:
    """Feed ``text`` with the given gap(s) between characters; returns when the last key arrived."""
    at = start
    for index, char in enumerate(text):
        if index:
            at += gaps if isinstance(gaps, float) else gaps[index - 1]
        classifier.feed_char(char, at)
    return at


def test_an_ean13_scanned_at_8_ms_a_key_is_a_scan() -> None:
    classifier = WedgeClassifier()
    last = keys(classifier, "4006381333931", 100.0, 0.008)
    assert classifier.feed_enter(last + 0.008) == WedgeVerdict(scanned="4006381333931", typed="")


def test_a_cashier_typing_a_code_at_150_ms_a_key_is_typing() -> None:
    classifier = WedgeClassifier()
    last = keys(classifier, "1234", 100.0, 0.150)
    verdict = classifier.feed_enter(last + 0.2)
    assert not verdict.is_scan and verdict.typed == "1234"


def test_scanner_jitter_up_to_the_limit_still_counts() -> None:
    classifier = WedgeClassifier()
    last = keys(classifier, "ABC-12345", 5.0, [0.004, 0.048, 0.012, 0.050, 0.003, 0.02, 0.04, 0.01])
    assert classifier.feed_enter(last + 0.03).scanned == "ABC-12345"


def test_three_fast_characters_are_too_short_for_a_scan() -> None:
    classifier = WedgeClassifier()
    last = keys(classifier, "12x", 1.0, 0.01)
    assert classifier.feed_enter(last + 0.01) == WedgeVerdict(scanned="", typed="12x")


def test_a_person_pressing_enter_late_after_a_fast_burst_is_typing() -> None:
    # Key rollover can produce a quick burst, but a person's Enter comes long after.
    classifier = WedgeClassifier()
    last = keys(classifier, "qwer", 1.0, 0.03)
    assert not classifier.feed_enter(last + 0.4).is_scan


def test_a_scan_after_some_typed_characters_separates_the_two() -> None:
    classifier = WedgeClassifier()
    last = keys(classifier, "3*", 10.0, 0.18)  # the cashier types a quantity
    last = keys(classifier, "5012345678900", last + 0.9, 0.006)  # then scans
    assert classifier.feed_enter(last + 0.006) == WedgeVerdict(scanned="5012345678900", typed="3*")


def test_a_long_slow_scanner_burst_over_the_time_limit_is_not_a_scan() -> None:
    classifier = WedgeClassifier(WedgeTiming(max_key_gap=0.05, min_length=4, max_duration=1.5))
    last = keys(classifier, "X" * 40, 0.0, 0.045)  # 1.755 s for the whole burst
    assert not classifier.feed_enter(last + 0.01).is_scan


def test_each_enter_starts_afresh() -> None:
    classifier = WedgeClassifier()
    last = keys(classifier, "1234", 0.0, 0.2)
    classifier.feed_enter(last + 0.1)
    last = keys(classifier, "98765432", 5.0, 0.005)
    assert classifier.feed_enter(last + 0.005) == WedgeVerdict(scanned="98765432", typed="")
