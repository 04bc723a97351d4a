"""Full-width/half-width folding and whitespace."""

from __future__ import annotations

from core.normalize.text import clean_text


def test_full_width_and_spaces() -> None:
    assert clean_text("ＡＩ＋医疗　 场景") == "AI+医疗 场景"
    assert clean_text("  第一行\r\n\r\n  第二行  ") == "第一行\n第二行"
    assert clean_text("杭州（滨江）") == "杭州(滨江)"


def test_empty() -> None:
    assert clean_text(None) is None
    assert clean_text(" \u3000 ") is None
