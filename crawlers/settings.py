"""Scrapy settings for scenehub crawls (crawl.md §2.6): polite to small gov servers by default.

Loopback runs (tests, the benchmark, the demo against the sample portal) switch politeness
off with :data:`LOOPBACK_OVERRIDES` (``scenehub crawl --fast``); never use it on real portals.
"""

from __future__ import annotations

BOT_NAME = "scenehub"
USER_AGENT = "scenehub/0.1 (+https://github.com/scenehub; list crawler for public scene lists)"

ROBOTSTXT_OBEY = True  # a source may override, with a reason that is recorded in each report
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 1.0  # seconds, doubled per retry; 0 disables the pause
RETRY_BACKOFF_MAX = 30.0
RETRY_AFTER_MAX = 120.0  # a Retry-After longer than this gives the request up

DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024  # attachments can be large; anything bigger is refused
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024
DOWNLOAD_FAIL_ON_DATALOSS = True  # a truncated page is a failure (retried), not half a list

HTTPCACHE_ENABLED = False
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "WARNING"
FEED_EXPORT_ENCODING = "utf-8"
LOG_FORMATTER = "crawlers.logformatter.QuietDropsLogFormatter"

DOWNLOADER_MIDDLEWARES = {
    # first of all: no request to a loopback/private/link-local/metadata address (netguard.py)
    "crawlers.middlewares.netguard.NetGuardMiddleware": 10,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawlers.middlewares.robots.QuietRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.retry.BackoffRetryMiddleware": 550,
    "crawlers.middlewares.encoding.EncodingMiddleware": 950,
}

SPIDER_MIDDLEWARES = {
    "crawlers.reliable.InflightTracker": 50,  # distributed workers only
    "crawlers.middlewares.limits.StartPagesMiddleware": 60,  # after HttpErrorMiddleware (50)
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "crawlers.middlewares.limits.CountingDepthMiddleware": 900,
}

#: the resolver every connection goes through: it never hands out a refused address
DNS_RESOLVER = "crawlers.middlewares.netguard.GuardedResolver"
#: networks a crawl may reach although not public (CIDRs); filled from
#: SCENEHUB_CRAWL_ALLOW_NETWORKS, --allow-network and the source's allow_networks
SCENEHUB_ALLOW_NETWORKS: list[str] = []

ITEM_PIPELINES = {
    # one path from a row to a record, shared with `scenehub ingest` (core.ingest.build)
    "crawlers.pipelines.build_record.BuildRecordPipeline": 100,
    "crawlers.pipelines.validate.ValidatePipeline": 700,
    "crawlers.pipelines.dedupe.DedupePipeline": 800,
    "crawlers.pipelines.store.StorePipeline": 900,
}

SCENEHUB_STORE_BATCH = 200  # records per upsert transaction
SCENEHUB_PROGRESS = False  # a progress line on stderr (scenehub crawl on a terminal)

#: OCR of scanned lists (image-only PDF pages, images of tables): crawlers/extraction/ocr.py
SCENEHUB_OCR = True
SCENEHUB_TESSERACT = "tesseract"  # the binary (on PATH, or a path)

SCENEHUB_IDLE_CLOSE = 0.0  # distributed workers: seconds to wait on an empty shared queue

EXTENSIONS = {
    "crawlers.extensions.progress.ProgressExtension": 500,
    "crawlers.extensions.idle_close.IdleCloseExtension": 510,
    "crawlers.reliable.ReliableWorker": 520,  # distributed workers only (SCENEHUB_WORKER_ID)
}
SCENEHUB_HEARTBEAT_TTL = 15  # seconds without a heartbeat before a worker's requests are requeued
SCENEHUB_CRAWL_KEYS_TTL = 2 * 24 * 3600  # a distributed crawl's Redis keys expire this long after

#: politeness off, for loopback only (tests, benchmark, demo against the sample portal)
LOOPBACK_OVERRIDES: dict[str, object] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "RETRY_BACKOFF_BASE": 0,
    "RETRY_AFTER_MAX": 5,
    "DOWNLOAD_TIMEOUT": 15,
}
