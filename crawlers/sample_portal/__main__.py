"""``python -m crawlers.sample_portal [--port N] [--scale N]``: serve in the foreground."""

from __future__ import annotations

import argparse

from crawlers.sample_portal.server import DEFAULT_PORT, make_server, serve_until_interrupted


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m crawlers.sample_portal")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--warm", action="store_true", help="render every page before serving")
    args = parser.parse_args()
    server = make_server(args.host, args.port, args.scale)
    if args.warm:
        site = server.site  # type: ignore[attr-defined]
        for path in list(site.routes):
            site.get(path)
    print(f"http://{args.host}:{server.server_address[1]}", flush=True)
    serve_until_interrupted(server)


if __name__ == "__main__":
    main()
