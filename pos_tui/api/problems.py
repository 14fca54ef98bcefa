"""Refusals as RFC 9457 problem documents (``application/problem+json``): a status, a type naming the
kind of problem, the sentence saying what went wrong and what to do."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from starlette.responses import JSONResponse

from pos_tui.domain.errors import InvalidInput, LedgerError, NotFound, PosError, RuleViolation, UnknownBarcode
from pos_tui.domain.permissions import PermissionRequired
from pos_tui.services.api.tokens import Forbidden, RateLimited, Unauthorized
from pos_tui.services.api.writes import IdempotencyConflict

PROBLEM = "application/problem+json"

# The first class an error is an instance of decides its status and type (subclasses before bases).
_STATUS: tuple[tuple[type[PosError], int, str], ...] = (
    (Unauthorized, 401, "unauthorized"),
    (Forbidden, 403, "forbidden"),
    (PermissionRequired, 403, "permission-required"),
    (RateLimited, 429, "rate-limited"),
    (IdempotencyConflict, 422, "idempotency-key-reused"),
    (NotFound, 404, "not-found"),
    (UnknownBarcode, 404, "not-found"),
    (InvalidInput, 422, "invalid-input"),
    (RuleViolation, 409, "rule-violation"),
    (LedgerError, 503, "unavailable"),
)


def problem(status: int, kind: str, detail: str, *, headers: dict[str, str] | None = None,
            **extra: Any) -> JSONResponse:
    body = {"type": f"urn:pos-tui:problem:{kind}", "title": HTTPStatus(status).phrase, "status": status,
            "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def from_error(error: PosError) -> JSONResponse:
    status, kind = next(((s, k) for cls, s, k in _STATUS if isinstance(error, cls)), (400, "bad-request"))
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="pos"'
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(error.retry_after)
    return problem(status, kind, str(error), headers=headers)
