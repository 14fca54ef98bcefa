"""The fast paths verify leans on give exactly what the slow ones give: an entry header written
directly is the canonical JSON byte for byte (or every stored hash would stop matching), and a
payload parsed with orjson is what json.loads reads, integers wider than 64 bits included."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pos_tui.ledger.entry import canonical_json, canonical_payload, header_json, parse_payload

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
amounts = st.integers() | st.booleans()  # a bool is not an int amount: canonical JSON writes it as true/false


@given(
    texts=st.lists(st.text(), min_size=7, max_size=7),
    postings=st.lists(st.tuples(st.text(), amounts), max_size=6),
)
def test_a_header_written_directly_is_its_canonical_json(texts: list[str], postings: list[tuple[str, Any]]) -> None:
    event_id, at, day, store, terminal, user, kind = texts
    legs = tuple(postings)
    expected = canonical_json({
        "at": at, "day": day, "event_id": event_id, "kind": kind, "postings": [list(p) for p in legs],
        "store": store, "terminal": terminal, "user": user,
    })
    assert header_json(event_id, at, day, store, terminal, user, kind, legs) == expected


def test_headers_with_quotes_backslashes_and_control_characters_are_escaped_as_canonical_json() -> None:
    header = header_json('id"1', "at\\", "day\n", "store\x00", "T1", "ayşe", "sale.completed", (("cash\t", 5),))
    assert header == canonical_json({
        "at": "at\\", "day": "day\n", "event_id": 'id"1', "kind": "sale.completed", "postings": [["cash\t", 5]],
        "store": "store\x00", "terminal": "T1", "user": "ayşe",
    })


@given(value=st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_a_payload_parses_to_exactly_what_json_loads_reads(value: dict[str, Any]) -> None:
    text = canonical_json(value)
    parsed = parse_payload(text)
    assert parsed == json.loads(text)
    assert canonical_json(parsed) == text  # no int turned float on the way
    assert parse_payload(text.encode()) == parsed


def test_integers_too_wide_for_64_bits_stay_exact_integers() -> None:
    for number in (2**64, 2**64 - 1, -(2**63) - 1, 10**30, -(10**19)):
        text = canonical_json({"amount": number, "note": "x"})
        assert parse_payload(text) == {"amount": number, "note": "x"}
        assert type(parse_payload(text)["amount"]) is int


def test_an_escaped_lone_surrogate_reads_as_json_reads_it() -> None:
    assert parse_payload('{"name":"\\ud800"}') == {"name": "\ud800"}


@given(value=st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_a_payload_written_by_orjson_is_its_canonical_json(value: dict[str, Any]) -> None:
    assert canonical_payload(value) == canonical_json(value)


def test_payloads_orjson_would_write_otherwise_go_to_json() -> None:
    for value in ({"a": 2**64}, {"a": -(2**63) - 1}, {"n": "tab\t"}, {"q": 'say "hi"'}, {"s": "\ud800"},
                  {"t": (1, 2)}, {"z": "é\u2028\x7f", "a": [True, None, 0]}, {"b": "\x1f"}):
        assert canonical_payload(value) == canonical_json(value)
