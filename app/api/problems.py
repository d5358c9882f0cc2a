"""Errors as RFC 9457 problem details (`application/problem+json`).

One mapping from the services' own errors to HTTP statuses, so the API answers a refusal with the same
words the UI and the CLI show, and a client can branch on the status alone.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from breakdesk.app.services.errors import ConflictError, InvalidInput, NotFound, PermissionDenied, ServiceError
from breakdesk.parsers.errors import ParseError

MEDIA_TYPE = "application/problem+json"

_STATUS = ((PermissionDenied, 403, "Forbidden"), (NotFound, 404, "Not found"), (ConflictError, 409, "Conflict"),
           (InvalidInput, 422, "Invalid input"), (ServiceError, 400, "Refused"))


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


async def service_error(_request: Request, exc: Exception) -> JSONResponse:
    for kind, status, title in _STATUS:
        if isinstance(exc, kind):
            return problem(status, title, str(exc))
    return problem(400, "Refused", str(exc))


async def parse_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ParseError)
    return problem(422, "Unreadable file", str(exc), file=exc.file, line=exc.line, xpath=exc.xpath)


async def http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return problem(exc.status_code, str(exc.detail) if exc.status_code < 500 else "Error", str(exc.detail))


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in exc.errors()]
    detail = "; ".join(f"{'/'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
    return problem(422, "Invalid request", detail, errors=errors)
