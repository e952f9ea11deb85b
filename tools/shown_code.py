"""Count the library code lines the built chapters show, and how many are docstring.

    python tools/shown_code.py [_build/html]

A chapter shows library code with ``literalinclude``: in the built HTML that is
a highlighted block outside any notebook cell (``div.highlight-default`` or
``div.highlight-python``); code cells sit in ``div.cell_input``. Pygments marks
docstrings with ``span.sd``. A line counts as docstring when any of its text
is inside such a span; blank lines are not counted. Prints one row per chapter
and the total; exits 1 when docstrings are more than ``--max`` (default 15) per
cent of the total.
"""

from __future__ import annotations

import argparse
import sys
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class _Blocks(HTMLParser):
    """Lines of every shown-library block: a list of (text, is_docstring) per block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[tuple[str, bool]]] = []
        self._stack: list[str] = []  # classes of the open divs/spans
        self._in_cell = 0
        self._block_depth = None
        self._in_pre = False
        self._line, self._doc = "", False

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "div":
            self._stack.append(classes)
            if "cell_input" in classes.split() or "cell_output" in classes.split():
                self._in_cell += 1
            if (self._block_depth is None and not self._in_cell
                    and classes.split()[:1] in (["highlight-default"], ["highlight-python"])):
                self._block_depth = len(self._stack)
                self.blocks.append([])
        elif tag == "span":
            self._stack.append(classes)
        elif tag == "pre" and self._block_depth is not None:
            self._in_pre = True

    def handle_endtag(self, tag):
        if tag == "pre" and self._in_pre:
            self._flush()
            self._in_pre = False
        elif tag in ("div", "span") and self._stack:
            if tag == "div":
                if self._block_depth == len(self._stack):
                    self._block_depth = None
                classes = self._stack[-1].split()
                if "cell_input" in classes or "cell_output" in classes:
                    self._in_cell -= 1
            self._stack.pop()

    def handle_data(self, data):
        if not self._in_pre:
            return
        doc = "sd" in self._stack[-1].split() if self._stack else False
        parts = data.split("\n")
        for i, part in enumerate(parts):
            if i:
                self._flush()
            self._line += part
            self._doc = self._doc or (doc and bool(part.strip()))

    def _flush(self):
        if self._line.strip():
            self.blocks[-1].append((self._line, self._doc))
        self._line, self._doc = "", False


def count(html: Path) -> tuple[int, int, int]:
    """(blocks, lines, docstring lines) of the library code shown on one page."""
    parser = _Blocks()
    parser.feed(html.read_text(encoding="utf-8"))
    lines = [line for block in parser.blocks for line in block]
    return len(parser.blocks), len(lines), sum(doc for _, doc in lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("html", nargs="?", default=ROOT / "_build" / "html", type=Path)
    ap.add_argument("--max", type=float, default=15.0, help="largest docstring share, per cent")
    args = ap.parse_args(argv)
    pages = sorted((args.html / "book").glob("0*.html"))
    if not pages:  # a single-page build (make page) puts the page at the top
        pages = sorted(args.html.glob("0*.html"))
    total_lines = total_doc = 0
    print(f"{'page':40} {'blocks':>6} {'lines':>6} {'docstring':>9} {'share':>6}")
    for page in pages:
        blocks, lines, doc = count(page)
        total_lines, total_doc = total_lines + lines, total_doc + doc
        share = 100 * doc / lines if lines else 0.0
        print(f"{page.stem:40} {blocks:6d} {lines:6d} {doc:9d} {share:5.1f}%")
    share = 100 * total_doc / total_lines if total_lines else 0.0
    print(f"{'all':40} {'':6} {total_lines:6d} {total_doc:9d} {share:5.1f}%")
    return 0 if share <= args.max else 1


if __name__ == "__main__":
    sys.exit(main())
