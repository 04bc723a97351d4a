"""Scrapy extensions: progress lines for a crawl started from a terminal."""
