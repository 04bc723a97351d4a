"""The rendering fallback: list pages fetched through Chromium (scrapy-playwright), for
columns whose list only a browser builds. Off by default; a source switches it on with
``browser = true``. Debian's own ``chromium`` package is used, never a downloaded browser.

Only requests marked ``playwright`` go through the browser (the list pages); detail pages
and attachments keep Scrapy's plain downloader. Scrapy ≥ 2.13 already runs the asyncio
reactor that scrapy-playwright needs.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Any

from scrapy.settings import BaseSettings

from crawlers.middlewares.netguard import policy_from_settings
from crawlers.netguard import NetworkPolicy

CHROMIUM = "/usr/bin/chromium"  # apt-get install chromium
HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
#: milliseconds to wait for a rendered page's scripts and requests to settle
RENDER_TIMEOUT_MS = 15_000


class BrowserUnavailable(RuntimeError):
    """The source asks for a browser and none can be used; the message says how to fix it."""


def chromium_path(settings: BaseSettings) -> str:
    """The Chromium executable to drive, or :class:`BrowserUnavailable`."""
    path = str(settings.get("SCENEHUB_CHROMIUM") or CHROMIUM)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise BrowserUnavailable(
            f"no Chromium at {path}: install Debian's package (apt-get install chromium) "
            "or set SCENEHUB_CHROMIUM=/path/to/chromium with --set"
        )
    try:
        import scrapy_playwright  # noqa: F401
    except ImportError as exc:
        raise BrowserUnavailable(f"scrapy-playwright is not installed: {exc}") from exc
    return path


def enable_browser(settings: BaseSettings) -> None:
    """Route marked requests through Chromium (settings must not be frozen yet)."""
    path = chromium_path(settings)
    reactor = settings.get("TWISTED_REACTOR")
    if reactor and reactor != ASYNCIO_REACTOR:
        raise BrowserUnavailable(f"scrapy-playwright needs {ASYNCIO_REACTOR}, not {reactor}")
    settings.set(
        "DOWNLOAD_HANDLERS",
        {**settings.getdict("DOWNLOAD_HANDLERS"), "http": HANDLER, "https": HANDLER},
        priority="spider",
    )
    settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", priority="spider")
    settings.set(
        "PLAYWRIGHT_LAUNCH_OPTIONS",
        {"executable_path": path, "headless": True, "args": ["--no-sandbox"]},
        priority="spider",
    )
    settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", RENDER_TIMEOUT_MS, priority="spider")
    # the browser's own sub-requests and redirects never pass Scrapy's downloader: the same
    # address guard decides each of them here
    settings.set(
        "PLAYWRIGHT_ABORT_REQUEST",
        refusing_guard(policy_from_settings(settings)),
        priority="spider",
    )


def refusing_guard(policy: NetworkPolicy) -> Callable[[Any], Awaitable[bool]]:
    """scrapy-playwright's abort predicate: True for a request to an address the policy refuses
    (resolved off the event loop; a name that does not resolve is refused too)."""

    async def abort(request: Any) -> bool:
        return await asyncio.to_thread(policy.url_refusal, request.url) is not None

    return abort


def render_meta() -> dict[str, Any]:
    """Request meta that sends a list page through the browser and waits for its scripts."""
    from scrapy_playwright.page import PageMethod

    return {
        "playwright": True,
        "playwright_page_methods": [
            PageMethod("wait_for_load_state", "networkidle", timeout=RENDER_TIMEOUT_MS)
        ],
    }
