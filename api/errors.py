"""One error shape everywhere: FastAPI's own ``{"detail": [{"loc", "msg", "type"}]}``.

Request validation already answers in it; domain errors (:class:`ServiceError`) and any
``HTTPException`` are rendered in it too, so a client parses one shape for every status.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.services.errors import ServiceError
from api.web.rendering import error_page


class ErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ErrorBody(BaseModel):
    """Every error response: a list of problems, each with where, what and a type."""

    detail: list[ErrorItem]

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "detail": [
                        {"loc": ["path", "id"], "msg": "no scene with id 'X'", "type": "not_found"}
                    ]
                }
            ]
        }
    }


_DESCRIPTIONS = {
    400: "Bad request.",
    401: "Not signed in, or the bearer token is unknown, expired or disabled.",
    403: "Signed in, but this role or organisation may not do this.",
    404: "No such object (or not visible to the caller).",
    409: "Conflicts with what is stored.",
    422: "Invalid input: the message names the field.",
    429: "Too many attempts; wait and retry.",
    503: "The matching index is not built yet; retry shortly.",
}


#: ``openapi_extra`` for routes anyone may call (a token shows more) and for those that need one
OPTIONAL_AUTH: dict[str, Any] = {"security": [{}, {"bearerAuth": []}]}
REQUIRED_AUTH: dict[str, Any] = {"security": [{"bearerAuth": []}]}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route can return (401 and 422 always)."""
    return {
        code: {"model": ErrorBody, "description": _DESCRIPTIONS[code]}
        for code in sorted({401, 422, *codes})
    }


def _body(
    status: int, items: list[dict[str, Any]], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": items}, headers=headers)


def _is_page(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api/") or path in ("/openapi.json", "/docs", "/health"))


def install(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> Response:
        if _is_page(request):
            return error_page(request, exc)
        loc: list[str | int] = ["body" if exc.field else "request"]
        if exc.field:
            loc.append(exc.field)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return _body(exc.status_code, [{"loc": loc, "msg": exc.message, "type": exc.kind}], headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc.detail, list):
            return _body(exc.status_code, exc.detail, getattr(exc, "headers", None))
        return _body(
            exc.status_code,
            [{"loc": ["request"], "msg": str(exc.detail), "type": "http_error"}],
            getattr(exc, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _is_page(request):
            from api.services.errors import InvalidInput

            first = exc.errors()[0] if exc.errors() else {}
            where = ".".join(str(p) for p in first.get("loc", ()))
            return error_page(request, InvalidInput(f"{where}: {first.get('msg', '')}"))
        items = [
            {
                "loc": list(e.get("loc", ())),
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
            for e in exc.errors()
        ]
        return _body(422, items)
