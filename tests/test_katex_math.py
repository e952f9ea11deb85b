"""Formulas are typeset at build time by KaTeX in Node.js (book/_ext/katex_math.py).

tests/test_book.py checks the built pages; these tests check the pieces: the
TeX a display formula becomes, the stylesheet the site ships, and the Node.js
renderer itself (KaTeX output with MathML, and an error for TeX it cannot
typeset, which the build turns into a warning).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from docutils import nodes

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import katex_math as km  # noqa: E402


def block(text: str, nowrap: bool = False) -> nodes.math_block:
    node = nodes.math_block(text, text)
    node["nowrap"] = nowrap
    return node


def test_display_tex_aligns_blank_line_separated_equations_and_splits_long_ones():
    assert km.display_tex(block("a = b")) == "a = b"
    assert km.display_tex(block("a &= b \\\\ &= c")) == r"\begin{split}a &= b \\ &= c\end{split}"
    assert km.display_tex(block("a = b\n\nc = d")) == r"\begin{aligned}a = b\\c = d\end{aligned}"
    assert km.display_tex(block("x \\\\ y\n\nz", nowrap=True)) == "x \\\\ y\n\nz"


def test_the_site_stylesheet_names_woff2_fonts_only_and_each_exists():
    css = km.woff2_only((km.VENDOR / "katex.min.css").read_text(encoding="utf8"))
    fonts = re.findall(r"url\(([^)]+)\)", css)
    assert len(fonts) == 20
    assert all(f.startswith("fonts/") and f.endswith(".woff2") for f in fonts)
    assert all((km.VENDOR / f).is_file() for f in fonts)
    assert 'format("woff")' not in css and ".ttf" not in css


@pytest.fixture(scope="module")
def katex():
    node = shutil.which(os.environ.get("NNLEARN_NODE", "node"))
    if node is None:
        reason = "Node.js (node) is not installed"
        if os.environ.get("CI"):
            pytest.fail(reason + " on CI, where the book's formulas need it")
        pytest.skip(reason)
    process = km.KatexProcess(node)
    yield process
    process.close()


def test_katex_renders_html_with_mathml_for_screen_readers(katex):
    inline = katex.render(r"\hat{\mathbf{y}}^{(i)} = \sigma(z)", False)["html"]
    assert inline.startswith('<span class="katex">')
    assert '<span class="katex-mathml"><math' in inline
    assert 'aria-hidden="true"' in inline          # the visual HTML is hidden from them
    assert "<mi>σ</mi>" in inline
    display = katex.render(r"\frac{dL}{dx}", True)["html"]
    assert display.startswith('<span class="katex-display">')
    assert 'display="block"' in display


def test_katex_reports_tex_it_cannot_typeset(katex):
    answer = katex.render(r"\frac{1}{", False)
    assert "html" not in answer and "parse error" in answer["error"]
    answer = katex.render(r"\notacommand{x}", False)
    assert "notacommand" in answer["error"]
    # The process goes on after an error.
    assert "html" in katex.render("x^2", False)
