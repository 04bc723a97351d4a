"""WeChat public-account articles (mp.weixin.qq.com and their reprints): text in nested
``<section>``/``<span>`` with inline styles, the title in ``og:title`` / ``#activity-name``,
the date in ``#publish_time``. Their tables read like any other; the article's title names
the list a table without a heading of its own belongs to."""

from __future__ import annotations

from parsel import Selector


def is_wechat_article(selector: Selector) -> bool:
    return bool(selector.css("#js_content, #activity-name"))


def article_title(selector: Selector) -> str | None:
    """The article's title, for a WeChat-style article; None for other pages."""
    if not is_wechat_article(selector):
        return None
    for query in ("#activity-name ::text", "meta[property='og:title']::attr(content)"):
        text = " ".join(" ".join(selector.css(query).getall()).split())
        if text:
            return text
    return None
