"""Thin site spiders: a source names one with ``spider = "crawlers.spiders.sites.x.XSpider"``
when its portal needs more than the declarative keys. Keep them to a few overrides."""
