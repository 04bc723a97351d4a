"""ASP.NET WebForms pagers: ``javascript:__doPostBack('ctl00$…$Pager','2')`` links.

Pages 2…N of such a list exist only as answers to the form posted back with its hidden
fields (``__VIEWSTATE``, ``__EVENTVALIDATION`` …) and the event (``__EVENTTARGET``,
``__EVENTARGUMENT``). A pager is recognised by what it does, not its control's name only:
a numbered event argument (``2``, GridView's ``Page$2``), a 下一页/尾页 text, or a control
named like a pager or a next button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsel import Selector

_POSTBACK = re.compile(r"__doPostBack\(\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]*)['\"]\s*\)")
_PAGE_ARGUMENT = re.compile(r"^(?:Page\$)?(\d{1,4})$", re.I)
_FORWARD_WORDS = ("下一页", "下页", "尾页", "末页", "next", "»", ">>")
_BACK_WORDS = ("上一页", "上页", "首页", "prev", "«", "<<")
_PAGER_NAMES = re.compile(r"pager|page|next|fenye", re.I)


@dataclass(frozen=True)
class Postback:
    target: str  # __EVENTTARGET: the control's unique id
    argument: str  # __EVENTARGUMENT: the page number, or empty for a next button
    text: str

    @property
    def page(self) -> int | None:
        """The page it asks for, when its argument says (``2``, ``Page$2``)."""
        match = _PAGE_ARGUMENT.match(self.argument)
        return int(match.group(1)) if match else None


def postback_call(href: str, onclick: str = "") -> tuple[str, str] | None:
    """(target, argument) of a ``__doPostBack`` link (in its href or onclick)."""
    match = _POSTBACK.search(href) or _POSTBACK.search(onclick)
    return (match.group(1), match.group(2)) if match else None


def is_pager(target: str, argument: str, text: str, backward: bool = False) -> bool:
    """A pager link; ``backward``: a 上一页/首页 button without a page number counts too (it
    is pagination, though never followed: the pages it leads to are reached forwards)."""
    text = text.strip().lower()
    if any(word in text for word in _BACK_WORDS):
        return backward or bool(_PAGE_ARGUMENT.match(argument))  # 上一页 naming a page
    if _PAGE_ARGUMENT.match(argument) and (text.isdigit() or _PAGER_NAMES.search(target)):
        return True
    return any(word in text for word in _FORWARD_WORDS) or (
        not argument and bool(re.search(r"next", target, re.I))
    )


def has_view_state(selector: Selector) -> bool:
    return bool(selector.css("form input[name=__VIEWSTATE]"))


def pager_postbacks(selector: Selector) -> list[Postback]:
    """The page's pager postbacks, in page order, each (target, argument) once; a page
    without a WebForms form has none."""
    if not has_view_state(selector):
        return []
    found: dict[tuple[str, str], Postback] = {}
    for anchor in selector.css("a"):
        call = postback_call(anchor.attrib.get("href") or "", anchor.attrib.get("onclick") or "")
        if call is None:
            continue
        text = " ".join(" ".join(anchor.css("::text").getall()).split())
        if is_pager(*call, text) and call not in found:
            found[call] = Postback(call[0], call[1], text)
    return list(found.values())


def view_state_form_xpath(selector: Selector) -> str | None:
    """An XPath to the form that holds the view state (``FormRequest.from_response``)."""
    if not has_view_state(selector):
        return None
    return "//form[.//input[@name='__VIEWSTATE']]"
