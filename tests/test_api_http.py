"""The API's requests and answers, through Starlette's TestClient on a real store file: reads, writes
through the till's services, idempotency, and refusals as problem documents that change nothing."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from pos_tui.config import PricingSettings, Settings
from pos_tui.services.api import tokens
from pos_tui.services.reports import registry
from pos_tui.services.session import Session
from pos_tui.services.staff.users import add_user

from .conftest import MILK_BARCODE, TEA, assert_verifies, make_store

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette would rather drive httpx2; httpx is what installs here
    from starlette.testclient import TestClient

from pos_tui.api.app import ROUTES, create_app, document

SETTINGS = Settings(pricing=PricingSettings(negative_stock="block"))


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[Session, Path]]:
    path = tmp_path / "store.db"
    session = make_store(path, SETTINGS)
    session.username = "admin"
    yield session, path
    session.close()
    assert_verifies(path)


@pytest.fixture
def client(shop: tuple[Session, Path]) -> Iterator[TestClient]:
    with TestClient(create_app(SETTINGS, shop[1]), raise_server_exceptions=False) as test_client:
        yield test_client


def bearer(session: Session, *scopes: str, acts_as: str = "admin", rate: int = 0) -> dict[str, str]:
    new = tokens.add_token(session, "test", list(scopes or tokens.SCOPES), acts_as=acts_as, rate_limit_per_minute=rate)
    return {"Authorization": f"Bearer {new.secret}"}


def assert_problem(answer: object, status: int) -> dict[str, object]:
    assert answer.status_code == status, answer.text  # type: ignore[attr-defined]
    assert answer.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body: dict[str, object] = answer.json()  # type: ignore[attr-defined]
    assert body["status"] == status and str(body["type"]).startswith("urn:pos-tui:problem:") and body["detail"]
    return body


def on_hand(session: Session, product_id: int) -> int:
    return int(session.ledger.conn.execute("SELECT on_hand FROM stock WHERE product_id = ?",
                                           (product_id,)).fetchone()[0])


def test_every_route_is_in_the_openapi_document_and_nothing_else_is() -> None:
    served = {(method.lower(), path) for method, path, _scope, _handler in ROUTES} | {("get", "/api/openapi.json")}
    documented = {(method, path) for path, item in document()["paths"].items() for method in item
                  if method in ("get", "put", "post", "delete", "patch")}
    assert served == documented


def test_the_openapi_document_is_served_without_a_token(client: TestClient) -> None:
    answer = client.get("/api/openapi.json")
    assert answer.status_code == 200 and answer.json()["openapi"].startswith("3.1")


def test_an_online_shop_pages_through_items_by_keyset_and_finds_one_by_barcode(
        shop: tuple[Session, Path], client: TestClient) -> None:
    headers = bearer(shop[0], "items:read")
    seen, after = [], 0
    while after is not None:
        page = client.get("/api/items", params={"after": after, "limit": 2}, headers=headers).json()
        seen += [item["sku"] for item in page["items"]]
        after = page["next_after"]
        assert page["as_of_seq"] == shop[0].ledger.head().seq
    assert seen == ["TEA-200", "MILK-1L", "RICE-KG", "TS-S", "TS-M"]
    milk = client.get(f"/api/items/{MILK_BARCODE}", headers=headers).json()
    assert milk["sku"] == "MILK-1L" and milk["price"] == 28000 and milk["on_hand"] == 50_000
    assert "cost" not in milk
    assert_problem(client.get("/api/items/NO-SUCH", headers=headers), 404)


def test_inventory_filters_and_says_the_seq_it_is_true_as_of(shop: tuple[Session, Path], client: TestClient) -> None:
    session, _ = shop
    headers = bearer(session, "inventory:read", "inventory:write")
    answer = client.post("/api/inventory/adjustments", headers={**headers, "Idempotency-Key": "count-1"},
                         json={"code": "MILK-1L", "quantity": -35_000, "reason": "count"})
    assert answer.status_code == 201, answer.text
    low = client.get("/api/inventory", params={"below_reorder": "true"}, headers=headers).json()
    assert [line["sku"] for line in low["inventory"]] == ["MILK-1L"]
    assert low["inventory"][0]["on_hand"] == 15_000 and low["as_of_seq"] == answer.json()["seq"]
    dairy = client.get("/api/inventory", params={"category": "Dairy"}, headers=headers).json()
    assert [line["sku"] for line in dairy["inventory"]] == ["MILK-1L"]


def test_an_order_posted_twice_with_one_key_is_one_sale(shop: tuple[Session, Path], client: TestClient) -> None:
    session, _ = shop
    headers = {**bearer(session, "sales:write", "sales:read"), "Idempotency-Key": "order-1001"}
    order = {"lines": [{"code": "TEA-200", "quantity": 2000}, {"code": MILK_BARCODE, "quantity": 1000}]}
    first = client.post("/api/sales", headers=headers, json=order)
    assert first.status_code == 201, first.text
    head = session.ledger.head().seq
    again = client.post("/api/sales", headers=headers, json=order)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true" and first.headers["idempotent-replayed"] == "false"
    assert session.ledger.head().seq == head
    assert on_hand(session, TEA) == 98_000
    sale = first.json()
    assert sale["reference"] == "WEB-000001" and sale["tenders"] == [{"method": "online", "amount": sale["total"]}]
    assert {"account": "assets:online-receivable", "amount": sale["total"]} in sale["posted"]

    other = client.post("/api/sales", headers=headers, json={"lines": [{"code": "TEA-200", "quantity": 1000}]})
    assert "another request" in str(assert_problem(other, 422)["detail"])
    assert session.ledger.head().seq == head

    listed = client.get("/api/sales", params={"after": 0}, headers=headers).json()
    assert [s["reference"] for s in listed["sales"]] == ["WEB-000001"]
    assert client.get("/api/sales/WEB-000001", headers=headers).json()["seq"] == sale["seq"]
    assert client.get("/api/sales", params={"after": sale["seq"]}, headers=headers).json()["sales"] == []
    assert_problem(client.get("/api/sales/WEB-000009", headers=headers), 404)


def test_a_write_without_an_idempotency_key_is_refused(shop: tuple[Session, Path], client: TestClient) -> None:
    session, _ = shop
    head = session.ledger.head().seq
    answer = client.post("/api/sales", headers=bearer(session, "sales:write"),
                         json={"lines": [{"code": "TEA-200", "quantity": 1000}]})
    assert "Idempotency-Key" in str(assert_problem(answer, 422)["detail"])
    assert session.ledger.head().seq == head + 2  # the token's creation and first use, no sale


def test_an_item_repriced_through_the_catalogue_with_the_tokens_users_permissions(
        shop: tuple[Session, Path], client: TestClient) -> None:
    session, _ = shop
    answer = client.put("/api/items/MILK-1L", headers={**bearer(session), "Idempotency-Key": "p-1"},
                        json={"price": 29_000, "name": "Olpers Milk 1 litre"})
    assert answer.status_code == 200, answer.text
    kinds = [k for (k,) in session.ledger.conn.execute("SELECT kind FROM journal ORDER BY seq DESC LIMIT 2")]
    assert kinds == ["price.changed", "product.changed"]
    assert answer.json()["price"] == 29_000 and answer.json()["name"] == "Olpers Milk 1 litre"

    add_user(session, "ali", "2345", role="cashier")
    head = session.ledger.head().seq
    refused = client.put("/api/items/MILK-1L", headers={**bearer(session, acts_as="ali"), "Idempotency-Key": "p-2"},
                         json={"price": 1})
    assert "ali may not" in str(assert_problem(refused, 403)["detail"])
    assert session.ledger.head().seq == head + 2  # the token, its first use; no price change


def test_every_report_answers_with_the_cli_parameters(shop: tuple[Session, Path], client: TestClient) -> None:
    headers = bearer(shop[0], "reports:read")
    for name in registry.report_names():
        answer = client.get(f"/api/reports/{name}", params={"from": "2026-01-01", "to": "2026-12-31"},
                            headers=headers)
        assert answer.status_code == 200, (name, answer.text)
        assert answer.json()["report"] == name and "as_of_seq" in answer.json()
    refused = client.get("/api/reports/sales-by-day", params={"category": "Tea"}, headers=headers)
    assert "cannot be filtered by category" in str(assert_problem(refused, 422)["detail"])


def test_no_token_a_wrong_one_a_revoked_one_or_a_missing_scope_is_refused_and_changes_nothing(
        shop: tuple[Session, Path], client: TestClient) -> None:
    session, _ = shop
    reader = bearer(session, "items:read")
    revoked = tokens.add_token(session, "old", ["sales:write"], acts_as="admin")
    tokens.revoke_token(session, revoked.token.token_id)
    head, stock = session.ledger.head().seq, on_hand(session, TEA)
    order = {"lines": [{"code": "TEA-200", "quantity": 1000}]}
    for headers, status in (
        ({}, 401),
        ({"Authorization": "Bearer pos_nothing_here"}, 401),
        ({"Authorization": "Basic YWRtaW46NDU2Nw=="}, 401),
        ({"Authorization": f"Bearer {revoked.secret}"}, 401),
        (reader, 403),
    ):
        answer = client.post("/api/sales", headers={**headers, "Idempotency-Key": "k"}, json=order)
        assert_problem(answer, status)
        if status == 401:
            assert answer.headers["www-authenticate"].startswith("Bearer")
    assert session.ledger.head().seq == head + 1  # the reader's first use only
    assert on_hand(session, TEA) == stock


def test_bad_input_is_a_problem_body_never_a_500(shop: tuple[Session, Path], client: TestClient) -> None:
    session, _ = shop
    headers = bearer(session)
    head = session.ledger.head().seq + 1  # + the first use
    cases = (
        ("post", "/api/sales", b"{not json", 400),
        ("post", "/api/sales", b"[]", 422),
        ("post", "/api/sales", b'{"lines": []}', 422),
        ("post", "/api/sales", b'{"lines": [{"code": "TEA-200", "quantity": 1.5}]}', 422),
        ("post", "/api/sales", b'{"lines": [{"code": "TEA-200", "quantity": -1000}]}', 422),
        ("post", "/api/sales", b'{"lines": [{"code": "NOPE", "quantity": 1000}]}', 404),
        ("post", "/api/sales", b'{"lines": [{"code": "TEA-200", "quantity": 1000000000}]}', 422),
        ("post", "/api/sales", b'{"lines": [{"code": "TEA-200", "quantity": 200000}]}', 409),
        ("post", "/api/inventory/adjustments", b'{"code": "TEA-200", "quantity": 0, "reason": "x"}', 422),
        ("put", "/api/items/TEA-200", b'{"price": -5}', 422),
        ("put", "/api/items/TEA-200", b'{"colour": "red"}', 422),
        ("put", "/api/items/TEA-200", b'{"tax_class": "luxury"}', 422),
        ("get", "/api/items?limit=0", b"", 422),
        ("get", "/api/items?after=-1", b"", 422),
        ("get", "/api/items?after=99999999999999999999999", b"", 422),
        ("get", "/api/inventory?below_reorder=maybe", b"", 422),
        ("get", "/api/sales?page=2", b"", 422),
        ("get", "/api/sales/not-a-sale", b"", 422),
        ("get", "/api/reports/sales-by-day?from=yesterday", b"", 422),
        ("get", "/api/reports/sales-by-day?limit=99999999999999999999999999", b"", 422),
        ("get", "/api/sales/T1-99999999999999999999999", b"", 422),  # too long to be a sale number
        ("delete", "/api/items/TEA-200", b"", 405),
    )
    for number, (method, path, body, status) in enumerate(cases):
        answer = client.request(method, path, content=body,
                                headers={**headers, "Idempotency-Key": f"bad-{number}",
                                         "Content-Type": "application/json"})
        assert_problem(answer, status)
    assert session.ledger.head().seq == head


def test_a_token_over_its_rate_limit_is_told_when_to_come_back(shop: tuple[Session, Path], client: TestClient) -> None:
    headers = bearer(shop[0], "items:read", rate=3)
    for _ in range(3):
        assert client.get("/api/items/TEA-200", headers=headers).status_code == 200
    answer = client.get("/api/items/TEA-200", headers=headers)
    assert_problem(answer, 429)
    assert int(answer.headers["retry-after"]) >= 1


def test_a_read_only_service_answers_reads_and_refuses_writes_changing_nothing(shop: tuple[Session, Path]) -> None:
    session, path = shop
    headers = bearer(session)
    head = session.ledger.head().seq
    with TestClient(create_app(SETTINGS, path, read_only=True), raise_server_exceptions=False) as read_only:
        assert read_only.get("/api/items/TEA-200", headers=headers).status_code == 200
        refused = read_only.post("/api/sales", headers={**headers, "Idempotency-Key": "o-1"},
                                 json={"lines": [{"code": "TEA-200", "quantity": 1000}]})
        assert "read-only" in str(assert_problem(refused, 503)["detail"])
    assert session.ledger.head().seq == head  # not even the token's first use


def test_an_expired_token_is_refused(shop: tuple[Session, Path], client: TestClient) -> None:
    from datetime import UTC, datetime, timedelta

    session, _ = shop
    month_ago = Session(session.ledger, session.settings, "admin", clock=lambda: datetime.now(UTC) - timedelta(days=30))
    month_ago.terminal = "T9"  # a till's time only moves forward: this one's first entry is a month old
    old = tokens.add_token(month_ago, "trial", ["items:read"], acts_as="admin", expires_days=7)
    answer = client.get("/api/items/TEA-200", headers={"Authorization": f"Bearer {old.secret}"})
    assert "is expired" in str(assert_problem(answer, 401)["detail"])
    assert tokens.get_token(session, old.token.token_id).state == "expired"


def test_an_order_can_name_its_customer_by_number_or_card_and_earns_their_points(
        shop: tuple[Session, Path], client: TestClient) -> None:
    from pos_tui.services.customers import accounts, balances
    from pos_tui.services.customers.accounts import Person

    session, path = shop
    sana = accounts.add_customer(session, Person("Sana Mir", "0301 5550001"))
    headers = {**bearer(session, "sales:write", "sales:read"), "Idempotency-Key": "order-2001"}
    by_number = client.post("/api/sales", headers=headers,
                            json={"lines": [{"code": "TEA-200", "quantity": 1000}], "customer": sana.customer_id})
    assert by_number.status_code == 201, by_number.text
    earned = balances.balance(session, sana.customer_id).points
    assert earned > 0
    by_card = client.post("/api/sales", headers={**headers, "Idempotency-Key": "order-2002"},
                          json={"lines": [{"code": "TEA-200", "quantity": 1000}], "customer": sana.card})
    assert by_card.status_code == 201, by_card.text
    assert balances.balance(session, sana.customer_id).points == 2 * earned

    head = session.ledger.head().seq
    for n, (customer, status, said) in enumerate([
            (999, 404, "no customer #999"), ("Sana Mir", 422, "not a customer card"),
            (True, 422, "customer must be"), (2**40, 404, "no customer")]):
        answer = client.post("/api/sales", headers={**headers, "Idempotency-Key": f"order-bad-{n}"},
                             json={"lines": [{"code": "TEA-200", "quantity": 1000}], "customer": customer})
        assert said in str(assert_problem(answer, status)["detail"])
    assert session.ledger.head().seq == head
    assert_verifies(path)
