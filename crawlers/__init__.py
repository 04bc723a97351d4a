"""Crawlers: a Scrapy project that turns portal list pages and their attachments into records.

Layering: imports only ``core``. Spiders yield :class:`crawlers.items.RowItem`; one pipeline per
normalisation job turns them into :class:`core.records.Record`; the storage pipeline upserts
them in batches and records per-page state for incremental and resumable crawls.
"""
