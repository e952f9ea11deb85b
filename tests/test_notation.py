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


# One letter, one meaning for the losses: L is the data's loss (the mean of the
# per-sample losses l), R a penalty and L-tilde = L + R the penalized loss. An
# untilded L defined as a sum with a penalty (R, or a term with alpha, or l + ...)
# would give L a second meaning.
_L_DEFINED = re.compile(r"(?<![\\\w])(?<!\\tilde )(?<!\\tilde)L(\([^)]*\))?\s*=(?P<rhs>[^=]*)")
_PENALTY_TERM = re.compile(r"\+\s*R\b|\\alpha|\\ell\s*\+")


def penalized_losses_written_l(text: str) -> list[int]:
    """Lines whose math defines an untilded L as a loss with a penalty added."""
    return sorted(line for line, tex in math_spans(text)
            for m in _L_DEFINED.finditer(tex) if _PENALTY_TERM.search(m.group("rhs")))


def test_the_penalized_loss_detector():
    text = ("$L = \\ell + R$ and\n$$\nL = (a - y)^2 + \\alpha w^2\n$$\n"
            "$\\tilde L = \\ell + R$, $\\tilde L(\\boldsymbol\\theta) = L(\\boldsymbol\\theta)"
            " + \\frac{\\alpha}{2}w^2$, $\\nabla \\tilde L = \\nabla L + \\alpha \\mathbf{W}$,\n"
            "$L = \\frac{1}{B}\\sum_i \\ell^{(i)}$, $L_\\text{val} < L_\\text{best}$\n")
    assert penalized_losses_written_l(text) == [1, 2]


@pytest.mark.parametrize("doc", PAGES)
def test_a_loss_with_a_penalty_is_written_l_tilde(doc):
    lines = penalized_losses_written_l(source_of(doc).read_text())
    assert not lines, (f"{doc} writes L for a loss with a penalty added on lines {lines}; "
                       "the notation page writes it L-tilde = L + R")


# The Frobenius norm's subscript is its name, an upright F: an italic F would be
# the matrix F^(l) of activation slopes (chapter 5).
_ITALIC_F_NORM = re.compile(r"\\rVert\s*_\s*\{?\s*F\b")


def test_the_frobenius_norm_is_written_with_an_upright_f():
    assert _ITALIC_F_NORM.search("\\lVert \\mathbf{W} \\rVert_F^2")
    assert not _ITALIC_F_NORM.search("\\lVert \\mathbf{W} \\rVert_\\mathrm{F}^2")
    found = {}
    for path in [source_of(d) for d in PAGES] + sorted((ROOT / "code").rglob("*.py")):
        text = path.read_text()
        lines = [text.count("\n", 0, m.start()) + 1 for m in _ITALIC_F_NORM.finditer(text)]
        if lines:
            found[str(path.relative_to(ROOT))] = lines
    assert not found, f"the Frobenius norm written with an italic F (file: lines): {found}"
