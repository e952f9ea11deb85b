"""Library listings fit their code box: no reader scrolls sideways.

A chapter shows library code with ``literalinclude`` and ``:pyobject:``, so
the listing is the library's source, line for line (docstrings folded to their
summary by book/_ext/folded_source.py). A line wider than the box hides its end
behind a horizontal scrollbar.

How the widths were measured: the built chapters opened in headless Chromium
(Debian's /usr/bin/chromium through Playwright, as tools/sitecheck.py does) at
the book's desktop width, a 1280 x 900 px viewport. A listing's ``pre`` has
``clientWidth`` 686 px, padding 16 px on each side, and its font (14 px
monospace, DejaVu Sans Mono here) is 8.43 px per character, so
(686 - 32) / 8.43 = 77.6: **77 characters** fit. A listing nested in a
directive (all of them are in dropdowns now) is 651 px wide:
(651 - 32) / 8.43 = 73.4, so **73 characters**. Measured, not assumed:
every listing whose longest line was at most these widths had
``scrollWidth == clientWidth``, every longer one scrolled. Other monospace
fonts of readers (Menlo, Consolas, Cascadia Code, Source Code Pro) are at
most as wide as DejaVu Sans Mono, so the limits hold for them too.

The test reads each listing the way Sphinx does (``LiteralIncludeReader``
with the include's ``:pyobject:``, ``:dedent:``, ``:start-at:``, ``:end-at:``)
and folds its docstrings as the page does, then measures every shown line.
"""

from __future__ import annotations

import re
import sys
from types import SimpleNamespace

import pytest
from sphinx.directives.code import LiteralIncludeReader

from book_pages import ROOT
from test_shown_helpers import CHAPTERS, INCLUDE

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import folded_source as fs  # noqa: E402

WIDTH = 77          # characters in a chapter's code box at 1280 px
NESTED_WIDTH = 73   # inside a dropdown (or another directive)

# Listings of files another helper owns, still too wide: "file:object" -> why.
ALLOWED: dict[str, str] = {}

_OPEN = re.compile(r"^(`{3,}|:{3,})\{[^}]+\}")
_CLOSE = re.compile(r"^(`{3,}|:{3,})\s*$")
_READ_OPTIONS = ("pyobject", "dedent", "start-at", "end-at", "start-after", "end-before",
                 "lines")


def _depth(text: str) -> int:
    """How many directives (``` or ::: fences) are open at the end of ``text``."""
    stack: list[str] = []
    for line in text.splitlines():
        opening, closing = _OPEN.match(line), _CLOSE.match(line)
        if opening:
            stack.append(opening.group(1))
        elif closing and stack and closing.group(1)[0] == stack[-1][0] \
                and len(closing.group(1)) >= len(stack[-1]):
            stack.pop()
    return len(stack)


def listings(chapter: str) -> list[tuple[str, str, int]]:
    """(``file:object``, shown text, width) of every ``:pyobject:`` include of a chapter."""
    page = ROOT / chapter
    source = page.read_text()
    shown = []
    for match in INCLUDE.finditer(source):
        options = dict(re.findall(r"^:([\w-]+):\s*(.*?)\s*$", match.group(2), re.MULTILINE))
        if "pyobject" not in options:
            continue
        path = (page.parent / match.group(1)).resolve()
        read = {key: value for key, value in options.items() if key in _READ_OPTIONS}
        if "dedent" in read:
            read["dedent"] = int(read["dedent"])
        text, _ = LiteralIncludeReader(str(path), read,
                                       SimpleNamespace(source_encoding="utf-8-sig")).read()
        text = fs.fold_docstrings(text, fs.docstring_mode(options))
        width = WIDTH if _depth(source[:match.start()]) == 0 else NESTED_WIDTH
        key = f"{path.relative_to(ROOT).as_posix()}:{options['pyobject']}"
        shown.append((key, text, width))
    return shown


def test_the_reader_sees_what_the_page_shows():
    """Folded, dedented, and nested listings get the narrower width."""
    found = {key: (text, width) for key, text, width in listings("book/05-backpropagation.md")}
    text, width = found["code/nnlearn/network.py:MLP.backward"]
    assert text.startswith("def backward(") and width == WIDTH
    assert "Parameters" not in text                      # the docstring is folded
    nested = [width for chapter in CHAPTERS for _, _, width in listings(chapter)]
    assert nested.count(NESTED_WIDTH) >= 5 and nested.count(WIDTH) >= 100


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_listing_lines_fit_the_code_box(chapter):
    wide = [f"{key}: {len(line)} > {width}: {line.strip()[:60]}"
            for key, text, width in listings(chapter) if key not in ALLOWED
            for line in text.split("\n") if len(line) > width]
    assert not wide, (
        f"{chapter} shows lines wider than its code box, so readers scroll sideways "
        f"(wrap them in the library: docstring, comment, PEP 8 continuation):\n"
        + "\n".join(wide))


def test_allowed_listings_are_still_shown_and_still_wide():
    wide = {key for chapter in CHAPTERS for key, text, width in listings(chapter)
            if any(len(line) > width for line in text.split("\n"))}
    assert sorted(set(ALLOWED) - wide) == [], "these fit now: delete them from ALLOWED"
