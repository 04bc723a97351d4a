"""Portals built on the TRS WCM CMS (most Chinese government sites): the article body sits in
``.TRS_Editor`` and list entries in ``ul.list`` / ``.xxgk_list``; attachments are linked with
``appendix`` in the path. An example of a thin site spider: selectors, nothing else."""

from __future__ import annotations

from crawlers.spiders.list_detail import ListDetailSpider

ITEM_LINKS = "ul.list a[href], .xxgk_list a[href], .news_list a[href]"


class TrsGovSpider(ListDetailSpider):
    name = "trs_gov"
    default_item_selector = ITEM_LINKS  # a source's own item_selector still wins
