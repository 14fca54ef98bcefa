"""The routes of `pos api serve`: each checks the token and its scope, then calls one service.

Reads go through a read-only connection (``query_only``); writes through the till's services on a
second connection, as the token's user, with the request's Idempotency-Key in the event. Every
refusal is a problem document (problems.py); no request can reach a traceback.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pos_tui.api.problems import from_error, problem
from pos_tui.domain.errors import InvalidInput, PosError
from pos_tui.domain.permissions import Action
from pos_tui.services.api import reads, tokens, writes
from pos_tui.services.session import Session, open_session

if TYPE_CHECKING:
    from pos_tui.config import Settings

log = logging.getLogger("pos.api")
MAX_BODY = 1 << 20
BIGGEST_KEY = 2**63 - 1


@dataclass
class Call:
    """One request, authenticated: what a handler needs."""

    token: tokens.Token
    reader: Session
    writer: Session
    path: dict[str, str]
    query: dict[str, str]
    body: Any
    digest: str
    idempotency_key: str | None


Handler = Callable[[Call], tuple[int, Any, dict[str, str]]]


def document() -> dict[str, Any]:
    """The OpenAPI document, kept as data beside this module."""
    text = resources.files("pos_tui.api").joinpath("openapi.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


# --- query parameters --------------------------------------------------------------------------


def _number(query: dict[str, str], name: str, default: int) -> int:
    text = query.get(name)
    if text is None:
        return default
    if not text.isascii() or not text.isdigit() or len(text) > 19 or int(text) > BIGGEST_KEY:
        raise InvalidInput(f"{name} {text!r} is not a whole number from 0 up.", f"Pass e.g. {name}={default}.")
    return int(text)


def _flag(query: dict[str, str], name: str) -> bool:
    text = query.get(name, "false").lower()
    if text not in ("true", "false", "1", "0"):
        raise InvalidInput(f"{name} must be true or false.", f"Pass {name}=true or leave it out.")
    return text in ("true", "1")


def _only(query: dict[str, str], allowed: set[str]) -> None:
    unknown = sorted(set(query) - allowed)
    if unknown:
        raise InvalidInput(f"Unknown parameter {', '.join(unknown)}.", f"Use: {', '.join(sorted(allowed))}.")


def _page_args(call: Call, *filters: str) -> dict[str, Any]:
    _only(call.query, {"after", "limit", *filters})
    args: dict[str, Any] = {"after": _number(call.query, "after", 0), "limit": _number(call.query, "limit", 100)}
    for name in filters:
        args[name] = _flag(call.query, name) if name == "below_reorder" else call.query.get(name, "")
    return args


# --- handlers ----------------------------------------------------------------------------------


def list_items(call: Call) -> tuple[int, Any, dict[str, str]]:
    page = reads.list_items(call.reader, **_page_args(call, "category", "vendor", "below_reorder"))
    return 200, page.as_json("items"), {}


def get_item(call: Call) -> tuple[int, Any, dict[str, str]]:
    _only(call.query, set())
    return 200, reads.get_item(call.reader, call.path["sku"]), {}


def inventory(call: Call) -> tuple[int, Any, dict[str, str]]:
    page = reads.inventory(call.reader, **_page_args(call, "category", "vendor", "below_reorder"))
    return 200, page.as_json("inventory"), {}


def list_sales(call: Call) -> tuple[int, Any, dict[str, str]]:
    page = reads.list_sales(call.reader, **_page_args(call, "terminal"))
    return 200, page.as_json("sales"), {}


def get_sale(call: Call) -> tuple[int, Any, dict[str, str]]:
    _only(call.query, set())
    return 200, reads.get_sale(call.reader, call.path["ref"]), {}


def get_report(call: Call) -> tuple[int, Any, dict[str, str]]:
    from pos_tui.services.staff import authz

    reader = call.reader.as_user(call.token.acts_as)
    authz.require(reader, Action.REPORTS)
    return 200, reads.report(reader, call.path["name"], call.query), {}


def _write(call: Call, write: Callable[[Session], reads.JsonObject | None]) -> tuple[int, Any, dict[str, str]]:
    key = writes.check_key(call.idempotency_key)
    answer = writes.idempotent(call.writer, call.token, key, call.digest, write)
    return answer.status, answer.body, {"Idempotent-Replayed": "true" if answer.replayed else "false"}


def post_sale(call: Call) -> tuple[int, Any, dict[str, str]]:
    _only(call.query, set())
    return _write(call, writes.sale_write(call.body))


def post_adjustment(call: Call) -> tuple[int, Any, dict[str, str]]:
    _only(call.query, set())
    return _write(call, writes.adjustment_write(call.body))


def put_item(call: Call) -> tuple[int, Any, dict[str, str]]:
    _only(call.query, set())
    return _write(call, writes.item_write(call.path["sku"], call.body))


# (method, path, scope, handler): the OpenAPI document lists the same (tests/test_api_http.py).
ROUTES: tuple[tuple[str, str, str, Handler], ...] = (
    ("GET", "/api/items", "items:read", list_items),
    ("GET", "/api/items/{sku}", "items:read", get_item),
    ("PUT", "/api/items/{sku}", "items:write", put_item),
    ("GET", "/api/inventory", "inventory:read", inventory),
    ("POST", "/api/inventory/adjustments", "inventory:write", post_adjustment),
    ("GET", "/api/sales", "sales:read", list_sales),
    ("POST", "/api/sales", "sales:write", post_sale),
    ("GET", "/api/sales/{ref}", "sales:read", get_sale),
    ("GET", "/api/reports/{name}", "reports:read", get_report),
)


class Service:
    """The two sessions the routes share, and the per-token rate limits."""

    def __init__(self, settings: Settings, db: Path | None, *, read_only: bool = False) -> None:
        terminal = settings.api.terminal
        self.read_only = read_only  # `pos --read-only api serve`: every write refused, first uses not journalled
        self.reader = open_session(settings, db, username="api", read_only=True)
        self.writer = open_session(writes.api_settings(settings), db, username="api", read_only=read_only)
        self.reader.terminal = self.writer.terminal = terminal
        self.limits = tokens.RateLimiter()

    def close(self) -> None:
        self.reader.close()
        self.writer.close()

    def handle(self, request: Request, body: bytes, scope: str, handler: Handler) -> Response:
        try:
            token = tokens.authenticate(self.reader, request.headers.get("authorization"))
            if token.first_used_seq is None and not self.read_only:  # its first request, allowed or not
                tokens.record_first_use(self.writer, token)
            tokens.require_scope(token, scope)
            self.limits.check(token)
            parsed: Any = None
            digest = ""
            if request.method in ("POST", "PUT"):
                try:
                    parsed = json.loads(body) if body else None
                except (ValueError, RecursionError):
                    return problem(400, "malformed-json", "The request body is not JSON. Send a JSON object.")
                digest = writes.request_digest(request.method, request.url.path,
                                               json.dumps(parsed, sort_keys=True).encode())
            call = Call(token, self.reader, self.writer, dict(request.path_params), dict(request.query_params),
                        parsed, digest, request.headers.get("idempotency-key"))
            status, answer, headers = handler(call)
            return JSONResponse(answer, status_code=status, headers=headers)
        except PosError as error:
            return from_error(error)
        except Exception:  # a fault of ours: logged here, a problem body there, never a traceback
            log.exception("%s %s failed", request.method, request.url.path)
            return problem(500, "internal", "The service failed on this request; nothing was changed. "
                           "The store's log has the details.")


def _endpoint(service: Service, scope: str, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        body = b""
        if request.method in ("POST", "PUT"):
            body = await request.body()
            if len(body) > MAX_BODY:
                return problem(413, "too-large", "The request body is over 1 MiB. Send fewer lines a request.")
        return await run_in_threadpool(service.handle, request, body, scope, handler)

    return endpoint


async def _openapi(request: Request) -> Response:
    return JSONResponse(document())


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return problem(error.status_code, "http", f"{error.detail}: {request.method} {request.url.path}.",
                   headers=dict(error.headers or {}))


def create_app(settings: Settings, db: Path | None = None, *, read_only: bool = False) -> Starlette:
    service = Service(settings, db, read_only=read_only)
    by_path: dict[str, list[tuple[str, str, Handler]]] = {}
    for method, path, scope, handler in ROUTES:
        by_path.setdefault(path, []).append((method, scope, handler))
    routes = [Route("/api/openapi.json", _openapi, methods=["GET"])]
    for path, handlers in by_path.items():
        for method, scope, handler in handlers:
            routes.append(Route(path, _endpoint(service, scope, handler), methods=[method]))
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        service.close()

    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error}, lifespan=lifespan)
    app.state.service = service
    return app
