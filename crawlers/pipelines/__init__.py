"""Item pipelines, one job per file; priorities in ``crawlers.settings.ITEM_PIPELINES``.

Pipelines only touch :class:`~crawlers.items.RowItem`; :class:`~crawlers.items.PageDone`
markers pass through untouched to the storage pipeline.
"""
