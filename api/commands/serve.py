"""``scenehub serve``: run the HTTP API."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    ) -> None:
        """Serve the JSON API (OpenAPI docs at /docs)."""
        import uvicorn

        uvicorn.run("api.app:app", host=host, port=port)
