"""Every line of a code cell the reader sees fits its code box, as listings do
(tests/test_shown_code_width.py): no sideways scrolling to read a cell.

Measured in headless Chromium at a 1280 x 900 viewport on the built chapters:
a code cell's ``pre`` is 684 px wide (16 px padding each side) with 14 px
DejaVu Sans Mono at 8.43 px per character, so 77 characters fit; a solution
cell (inside its dropdown) is 662 px wide, so 73 fit.
"""

from __future__ import annotations

import pytest

from book_pages import code_cells, is_notebook, source_of, toc_docs

WIDTH = 77
SOLUTION_WIDTH = 73
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
