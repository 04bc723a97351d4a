"""Generic extraction: pure functions over bytes, HTML and attachment files (no Scrapy state)."""
