"""robots.txt as Scrapy obeys it, minus the traceback when robots.txt cannot be fetched.

An unreachable portal already ends in the report (``connection``, ``dns`` ...) and in one
warning line per page; a Twisted traceback for its robots.txt only buries that message.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from twisted.python.failure import Failure

logger = logging.getLogger(__name__)


class QuietRobotsTxtMiddleware(RobotsTxtMiddleware):
    def _logerror(self, failure: Failure, request: Request, spider: Spider) -> Failure:
        logger.warning("robots.txt not fetched: %s (%s)", request.url, failure.value)
        return failure
