"""An offline, realistic portal to crawl: used by the demo, the tests and the benchmark.

>>> portal = serve_in_thread()          # doctest: +SKIP
>>> portal.url, portal.stop()           # doctest: +SKIP
"""

from __future__ import annotations

from crawlers.sample_portal.server import DEFAULT_PORT, RunningPortal, serve_in_thread

__all__ = ["DEFAULT_PORT", "RunningPortal", "serve_in_thread"]
