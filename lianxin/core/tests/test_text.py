"""Long texts fold on pages; short ones do not; the text stays escaped either way."""

from lianxin.core.templatetags.lianxin_text import FOLD_CHARS, FOLD_LINES, folded


def test_short_texts_are_not_folded():
    assert folded("一句话\n两行") == "一句话<br>两行"
    assert folded(None) == ""


def test_long_texts_fold_and_escape_their_html():
    html = folded("<b>" + "字" * FOLD_CHARS + "</b>")
    assert "data-fold" in html and "&lt;b&gt;" in html and "<b>" not in html
    assert f"共 {FOLD_CHARS + 7} 字" in html
    assert "data-fold" in folded("一行\n" * (FOLD_LINES + 1))
