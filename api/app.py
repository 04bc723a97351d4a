"""The FastAPI application: ``uvicorn api.app:app`` or ``scenehub serve``."""

from __future__ import annotations

from fastapi import FastAPI

from api.routes import feeds, health, matches, rankings, records


def create_app() -> FastAPI:
    app = FastAPI(
        title="scenehub",
        description="Scene opportunity and capability lists, matching and contributor rankings.",
        version="0.1.0",
    )
    app.include_router(records.router)
    app.include_router(matches.router)
    app.include_router(rankings.router)
    app.include_router(feeds.router)
    app.include_router(health.router)

    return app


app = create_app()
