"""Pure functions behind the harder forms: postback pagers, frames, table images, OCR layout
and its switch. (End to end: test_crawl_sample_forms.py.)"""

from __future__ import annotations

import pytest
from parsel import Selector
from PIL import Image, ImageDraw

from crawlers.extraction.article import article_title
from crawlers.extraction.frames import frame_sources
from crawlers.extraction.images import table_image_urls
from crawlers.extraction.ocr import OcrSkipped, configure, image_tables, ocr_problem
from crawlers.extraction.ocr_layout import table_layout, without_seal
from crawlers.extraction.postback import pager_postbacks

FORM = (
    "<form method='post' action='./list.aspx'><input type='hidden' name='__VIEWSTATE' "
    "value='abc'/>{}</form>"
)


def _postbacks(links: str) -> list[tuple[str, str]]:
    return [(p.target, p.argument) for p in pager_postbacks(Selector(text=FORM.format(links)))]


def test_pager_postbacks_numbered_next_buttons_and_not_item_links() -> None:
    links = (
        "<a href=\"javascript:__doPostBack('ctl00$Pager','2')\">2</a>"
        "<a href=\"javascript:__doPostBack('ctl00$Pager','2')\">下一页</a>"
        "<a href=\"javascript:__doPostBack('GridView1','Page$3')\">3</a>"
        "<a href=\"javascript:__doPostBack('ctl00$lbtnNext','')\">下一页</a>"
        "<a href=\"javascript:__doPostBack('ctl00$lbtnPrev','')\">上一页</a>"
        "<a href=\"javascript:__doPostBack('ctl00$grid$ctl02$lnkTitle','')\">某场景</a>"
        "<a onclick=\"__doPostBack('ctl00$Pager','4')\" href='#'>4</a>"
    )
    assert _postbacks(links) == [
        ("ctl00$Pager", "2"),
        ("GridView1", "Page$3"),
        ("ctl00$lbtnNext", ""),
        ("ctl00$Pager", "4"),
    ]
    # without a view state there is nothing to post back
    assert (
        pager_postbacks(Selector(text="<a href=\"javascript:__doPostBack('P','2')\">2</a>")) == []
    )


def test_frames_on_the_page_are_list_candidates_files_are_not() -> None:
    page = Selector(
        text="<iframe src='/module/list.html?col=1'></iframe><frameset><frame src='left.html'>"
        "</frameset><iframe src='/pdfjs/web/viewer.html?file=/a/b.pdf'></iframe>"
        "<iframe src='about:blank'></iframe><iframe src='/files/x.pdf'></iframe>"
    )
    assert frame_sources(page, "http://h/col/index.html") == [
        "http://h/module/list.html?col=1",
        "http://h/col/left.html",
    ]


def test_images_that_say_they_are_a_list_and_wechat_titles() -> None:
    page = Selector(
        text="<div id='js_content'><h1 id='activity-name'> 第三批 清单 </h1>"
        "<section><img data-src='/mp/a.png?wx_fmt=png'><p>图：场景需求清单</p></section>"
        "<section><img src='/logo.png' alt='logo'></section>"
        "<p><a href='/f/mingdan.jpg'>入围名单（图片）</a></p></div>"
    )
    urls = [url for url, _ in table_image_urls(page, "http://h/mp/s/1.html")]
    assert urls == ["http://h/mp/a.png?wx_fmt=png", "http://h/f/mingdan.jpg"]
    assert article_title(page) == "第三批 清单"
    assert article_title(Selector(text="<h1>通知</h1>")) is None


def _grid_image(ruled: bool) -> Image.Image:
    image = Image.new("RGB", (900, 400), "white")
    draw = ImageDraw.Draw(image)
    for row in range(4):
        for col, x in enumerate((20, 320, 620)):
            draw.rectangle([x + 20, 40 + row * 80, x + 140 + col * 20, 70 + row * 80], fill="black")
    if ruled:
        for row in range(5):
            draw.line([(10, 20 + row * 80), (890, 20 + row * 80)], fill="black", width=3)
        for x in (10, 310, 610, 890):
            draw.line([(x, 20), (x, 340)], fill="black", width=3)
    draw.ellipse([600, 200, 800, 390], outline=(220, 30, 30), width=10)  # a seal
    return image


@pytest.mark.parametrize("ruled", [True, False])
def test_cells_from_ruling_lines_or_from_gaps(ruled: bool) -> None:
    layout = table_layout(without_seal(_grid_image(ruled)))
    assert layout is not None and layout.ruled is ruled
    assert len(layout.cells) == 4 and all(len(row) == 3 for row in layout.cells)
    first = layout.cells[0][0]
    assert first.left <= 40 and first.right >= 160  # the first cell holds its text block


def test_without_the_binary_ocr_is_skipped_with_how_to_enable() -> None:
    configure("/nonexistent/tesseract")
    try:
        assert "tesseract not found" in (ocr_problem() or "")
        with pytest.raises(OcrSkipped, match="tesseract-ocr-chi-sim"):
            image_tables(_grid_image(True), "x.png")
        configure(enabled=False)
        assert ocr_problem() == "OCR is switched off (SCENEHUB_OCR=false)"
    finally:
        configure()
