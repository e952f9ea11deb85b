"""The notation page lists every math symbol the book uses.

A symbol is a Latin letter or a Greek letter (by its TeX command), with bold,
hats, bars, tildes, subscripts and superscripts dropped, so that
``\\hat{\\mathbf{y}}^{(i)}`` counts as ``y`` (see ``book_math``). The test
fails, naming the page and line, when a page uses a symbol that the notation
page does not list: define it there (with its one meaning and where it is
introduced) or write the text without it. Greek letters typed as Unicode in
figure titles, labels and printed output are checked the same way.
"""

from __future__ import annotations

import re

import pytest

from book_math import math_spans, page_symbols, printed_greek, prose, symbols_of
from book_pages import ROOT, source_of, toc_docs

NOTATION = ROOT / "book" / "notation.md"
PAGES = [doc for doc in toc_docs() if source_of(doc).suffix == ".md"
         and source_of(doc) != NOTATION]


def notation_rows() -> list[list[str]]:
    """The table rows of the notation page, as lists of cells (header rows excluded)."""
    rows = []
    for line in prose(NOTATION.read_text()).splitlines():
        if line.startswith("|") and not re.match(r"^\|\s*-", line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.append(cells)
    return [r for r in rows if r[0] not in ("Symbol", "Letter")]


def listed_symbols() -> set[str]:
    """Symbols named in the first column of a notation table."""
    listed = set()
    for cells in notation_rows():
        for _, tex in math_spans(cells[0]):
            listed |= symbols_of(tex)
    return listed


def test_extraction_sees_what_a_reader_sees():
    text = (
        "Prose $\\hat{\\mathbf{y}}^{(i)}_t = \\lambda_{\\max}$ and\n"
        "$\\operatorname{softmax}(\\mathbf z)$, `$x$` in code,\n"
        "$$\n\\boldsymbol\\Delta^{(l)} + \\mathbb{E}[\\text{loss}]\n$$\n"
        "```{code-cell} ipython3\nprint('$q$')\n```\n"
        "```{admonition} Note\nInside a box, $\\omega$.\n```\n"
        "A price of 5 dollars and $\\sigma(z)\n+ z$ across lines.\n"
    )
    found = set()
    for _, tex in math_spans(text):
        found |= symbols_of(tex)
    assert found == {"y", "i", "t", "\\lambda", "z", "\\Delta", "l",
                     "\\mathbb{E}", "\\omega", "\\sigma"}


def test_every_row_of_the_notation_page_has_a_meaning():
    rows = notation_rows()
    assert len(rows) > 40
    for cells in rows:
        assert len(cells) >= 2 and cells[1], f"notation row without a meaning: {cells}"


@pytest.mark.parametrize("doc", PAGES)
def test_every_symbol_of_a_page_is_on_the_notation_page(doc):
    listed = listed_symbols()
    used = page_symbols(source_of(doc))
    missing = {s: lines[:5] for s, lines in used.items() if s not in listed}
    assert not missing, (
        f"{doc} uses symbols the notation page does not list "
        f"(symbol: first lines): {missing}"
    )


def test_the_notation_page_lists_only_symbols_the_book_uses():
    used = set()
    for doc in PAGES:
        used |= set(page_symbols(source_of(doc)))
    extra = listed_symbols() - used
    assert not extra, f"the notation page lists symbols no page uses: {sorted(extra)}"


@pytest.mark.parametrize("doc", PAGES)
def test_greek_letters_in_labels_and_output_are_on_the_notation_page(doc):
    """A figure title "λ = 0.1" for a weight decay would undo the renaming."""
    listed = listed_symbols()
    printed = printed_greek(source_of(doc).read_text())
    missing = {s: lines[:5] for s, lines in printed.items() if s not in listed}
    assert not missing, f"{doc} prints Greek letters the notation page does not list: {missing}"


def test_printed_greek_names():
    assert printed_greek("η = 0.1, λ_max, Δ\nκ") == {
        "\\eta": [1], "\\lambda": [1], "\\Delta": [1], "\\kappa": [2]}
