"""A download handler for the netguard tests: it records every URL Scrapy asks it to fetch
(the moment a connection would be opened) and refuses, without any network traffic, to
fetch anything that is not on 127.0.0.0/8 — so a broken guard still sends nothing out.

Loaded in the crawl's child process with ``--set DOWNLOAD_HANDLERS=...``; the log file is
named by the environment variable ``SCENEHUB_TEST_PROBE_LOG``.
"""

from __future__ import annotations

import ipaddress
import os
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from twisted.internet import defer
from twisted.internet.error import ConnectionRefusedError

SETTING = '{"http": "netguard_probe.ProbeHandler", "https": "netguard_probe.ProbeHandler"}'


class ProbeHandler(HTTP11DownloadHandler):
    def download_request(self, request: Request, spider: Spider) -> Any:
        with open(os.environ["SCENEHUB_TEST_PROBE_LOG"], "a", encoding="utf-8") as log:
            log.write(request.url + "\n")
        host = urlsplit(request.url).hostname or ""
        try:
            loopback = ipaddress.ip_address(host) in ipaddress.ip_network("127.0.0.0/8")
        except ValueError:
            loopback = False
        if not loopback:
            return defer.fail(ConnectionRefusedError(f"probe: not connecting to {host}"))
        return super().download_request(request, spider)
