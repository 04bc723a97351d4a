"""``scenehub serve``: run the HTTP API."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
        with_scheduler: Annotated[
            bool,
            typer.Option("--with-scheduler", help="Also run `scenehub scheduler` in this process."),
        ] = False,
    ) -> None:
        """Serve the JSON API (OpenAPI docs at /docs)."""
        import uvicorn

        if with_scheduler:
            from api.commands.scheduler import start_background_scheduler

            start_background_scheduler()
        uvicorn.run("api.app:app", host=host, port=port)
