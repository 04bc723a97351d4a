"""Portals built on the TRS WCM CMS (most Chinese government sites): the article body sits in
``.TRS_Editor`` and list entries in ``ul.list`` / ``.xxgk_list``; attachments are linked with
``appendix`` in the path. An example of a thin site spider: selectors, nothing else."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from crawlers.sources import Source
from crawlers.spiders.list_detail import ListDetailSpider
from crawlers.state import PageState

ITEM_LINKS = "ul.list a[href], .xxgk_list a[href], .news_list a[href]"


class TrsGovSpider(ListDetailSpider):
    name = "trs_gov"

    def __init__(
        self,
        source: Source,
        run_id: int | None = None,
        page_states: dict[str, PageState] | None = None,
        **kwargs: Any,
    ) -> None:
        if source.item_selector is None:
            source = replace(source, item_selector=ITEM_LINKS)
        super().__init__(source, run_id, page_states, **kwargs)
