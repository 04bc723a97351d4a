"""The FastAPI application: ``uvicorn api.app:app`` or ``scenehub serve``.

The JSON API lives under ``/api/v1``; the old ``/records``, ``/match`` and ``/rankings``
paths redirect there. With ``refresh=True`` (the served app) a background thread keeps the
matching index up to date; requests only read the index it last swapped in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from api import errors
from api.deps import get_reader
from api.routes import feeds, health, v1
from api.services.index import Refresher
from api.web import docs, loop_pages, pages
from api.web.rendering import HERE as WEB
from api.web.security import SecurityHeaders
from core.settings import get_settings


def create_app(*, refresh: bool = False) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        refresher = None
        if refresh:
            refresher = Refresher(get_reader(), get_settings().index_refresh_seconds)
            refresher.start()
        yield
        if refresher is not None:
            refresher.stop()

    app = FastAPI(
        title="scenehub",
        description=(
            "Scene opportunities (场景机会) and enterprise capabilities (企业能力): lists, "
            "matching, subscriptions, crawls and open-source contribution rankings. Errors "
            'are always `{"detail": [{"loc", "msg", "type"}]}`.'
        ),
        version="1.0.0",
        lifespan=lifespan,
        # /docs is ours (api.web.docs): vendored Swagger UI, no CDN; ReDoc is not served
        docs_url=None,
        redoc_url=None,
    )
    errors.install(app)
    app.add_middleware(SecurityHeaders)
    app.include_router(v1.router)
    app.include_router(feeds.router)
    app.include_router(health.router)
    app.include_router(docs.router)
    app.include_router(pages.router)
    app.include_router(loop_pages.router)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    _legacy_redirects(app)
    _document_bearer(app)
    return app


def _document_bearer(app: FastAPI) -> None:
    """Declare the bearer scheme the routes' ``security`` entries refer to."""
    from typing import Any

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            schema.setdefault("components", {})["securitySchemes"] = {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from POST /api/v1/auth/token.",
                }
            }
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _legacy_redirects(app: FastAPI) -> None:
    """The pre-v1 paths answer 308 to their /api/v1 equivalents."""

    def moved(request: Request, path: str) -> RedirectResponse:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/api/v1{path}{query}", status_code=308)

    @app.get("/rankings/{category}", include_in_schema=False)
    def old_ranking(request: Request, category: str) -> RedirectResponse:
        return moved(request, f"/rankings/{category}")

    def kind_of(record_id: str) -> str:
        from api.deps import get_store
        from api.services.errors import NotFound
        from core.store import RecordNotFound

        try:
            return get_store().get(record_id).kind.value
        except RecordNotFound as exc:
            raise NotFound(str(exc)) from exc

    @app.get("/records/{record_id}", include_in_schema=False)
    def old_record(request: Request, record_id: str) -> RedirectResponse:
        plural = {"scene": "scenes", "capability": "capabilities"}[kind_of(record_id)]
        return moved(request, f"/{plural}/{record_id}")

    @app.get("/match/record/{record_id}", include_in_schema=False)
    def old_match_record(request: Request, record_id: str) -> RedirectResponse:
        return moved(request, f"/match/{kind_of(record_id)}/{record_id}")

    @app.get("/match/text", include_in_schema=False)
    def old_match_text(request: Request) -> RedirectResponse:
        return moved(request, "/match/text")


app = create_app(refresh=True)
