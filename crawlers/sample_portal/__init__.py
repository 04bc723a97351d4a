"""An offline, realistic portal to crawl: used by the demo, the tests and the benchmark.

It publishes, deterministically (``data.py`` holds the truth): a GBK news list with detail
pages (some titled in four or five characters, 智慧水务-style), a paginated HTML-table list,
an attachment list (xlsx, xls, docx, PDF), a Hanweb jpage column with dataproxy groups, a
column filled from a JSON endpoint, and a script-built column only a browser can read.

>>> portal = serve_in_thread()          # doctest: +SKIP
>>> portal.url, portal.stop()           # doctest: +SKIP
"""

from __future__ import annotations

from crawlers.sample_portal.server import DEFAULT_PORT, RunningPortal, serve_in_thread

__all__ = ["DEFAULT_PORT", "RunningPortal", "serve_in_thread"]
