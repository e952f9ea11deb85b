"""Every line of a code cell the reader sees fits its code box, as listings do:
no sideways scrolling to read a cell.

The widths are the listings' (tests/test_shown_code_width.py says how they were
measured in headless Chromium at 1280 px): a code cell's box is as wide as a
listing's, 77 characters, and a solution cell sits in its dropdown, 73.
"""

from __future__ import annotations

import pytest

from book_pages import code_cells, is_notebook, source_of, toc_docs
from test_shown_code_width import NESTED_WIDTH as SOLUTION_WIDTH
from test_shown_code_width import WIDTH

HIDDEN = {"remove-input", "remove-cell"}
NOTEBOOKS = [d for d in toc_docs() if is_notebook(source_of(d))]


def too_wide(doc: str) -> list[str]:
    wide = []
    for line_no, tags, source in code_cells(source_of(doc)):
        if HIDDEN & set(tags):
            continue
        limit = SOLUTION_WIDTH if "solution" in tags else WIDTH
        for k, line in enumerate(source.splitlines()):
            if len(line) > limit:
                wide.append(f"{doc}.md, cell at line {line_no}, line {k + 1}: "
                            f"{len(line)} > {limit} characters")
    return wide


@pytest.mark.parametrize("doc", NOTEBOOKS)
def test_code_cells_fit_the_code_box(doc):
    assert too_wide(doc) == []


def test_a_wide_line_is_found(tmp_path, monkeypatch):
    """The check itself: a line one character too wide is reported."""
    page = tmp_path / "page.md"
    page.write_text("```{code-cell} ipython3\n" + "x" * (WIDTH + 1) + "\n```\n"
                    "```{code-cell} ipython3\n:tags: [solution]\n"
                    + "y" * (SOLUTION_WIDTH + 1) + "\n```\n")
    monkeypatch.setattr(f"{__name__}.source_of", lambda doc: page)
    assert len(too_wide("page")) == 2
