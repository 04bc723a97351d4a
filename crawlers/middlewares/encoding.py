"""Re-decode pages whose declared charset is wrong or missing (GBK served as UTF-8, etc.)."""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse

from crawlers.extraction.encoding import detect_encoding, normalize_encoding


class EncodingMiddleware:
    def process_response(self, request: Request, response: Response, spider: Spider) -> Response:
        if not isinstance(response, TextResponse) or not response.body:
            return response
        forced = normalize_encoding(getattr(getattr(spider, "source", None), "encoding", None))
        declared = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        charset = (
            declared.split("charset=", 1)[1].strip(" ;\"'") if "charset=" in declared else None
        )
        encoding = forced or detect_encoding(response.body, charset)
        if normalize_encoding(response.encoding) != encoding:
            spider.crawler.stats.inc_value("scenehub/encoding/corrected")  # type: ignore[union-attr]
            return response.replace(encoding=encoding)
        return response
