"""`make pdf`: the book PDF and a chapter PDF are printed and hold the whole book.

Runs tools/build_pdf.py (single-page build from the jupyter cache, then
Chromium prints) once per session into _build/pdf-test/, for the whole book
and chapter 3, and checks the PDFs with pypdf: pages, outline, chapter
titles, every figure (its number in the text, 3-D figures as pictures, 2-D
figures as vector drawings), the contents' page numbers, the API reference's
pages listed and printed as its sections, fonts embedded, no solutions left
inline, the chapter's own page numbers.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import time
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_pdf  # noqa: E402

from book_pages import source_of, toc_docs  # noqa: E402
from test_site import _chromium_or_skip  # noqa: E402  (skips without Chromium, fails on CI)

pytestmark = pytest.mark.site
OUT = ROOT / "_build" / "pdf-test"
CHAPTER = "book/03-gradient-descent"


@pytest.fixture(scope="module")
def printed(book_build):
    _chromium_or_skip()
    assert book_build.returncode == 0, "the book did not build; see test_book"
    start = time.time()
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "build_pdf.py"),
                           "--out", str(OUT), "--chapter", CHAPTER],
                          cwd=ROOT, capture_output=True, text=True)
    log = proc.stdout + proc.stderr
    (ROOT / "_build" / "pdf-test.log").write_text(log)
    assert proc.returncode == 0, log[-4000:]
    from pypdf import PdfReader

    book = OUT / build_pdf.BOOK_PDF
    chapter = OUT / (Path(CHAPTER).name + ".pdf")
    return {"seconds": time.time() - start, "log": log,
            "book_bytes": book.read_bytes(), "book": PdfReader(book),
            "chapter": PdfReader(chapter)}


THREE_D = {"surface", "scatter3d", "mesh3d", "cone", "volume", "isosurface", "streamtube"}


def _html_figures() -> tuple[int, int]:
    """(all figures, 3-D figures) of the single page that was printed."""
    html = (build_pdf.SINGLE / build_pdf.PAGE).read_text(encoding="utf8")
    specs = re.findall(r'<script[^>]*class="nnlearn-figure-data"[^>]*>(.*?)</script>', html,
                       flags=re.S)
    scenes = sum(1 for spec in specs
                 if THREE_D & {t.get("type") for t in json.loads(spec).get("data", [])})
    return len(specs), scenes


def _images(resources, seen=None) -> set:
    """Image XObjects of a page's resources, inside form XObjects too."""
    seen = set() if seen is None else seen
    found = set()
    for ref in resources.get("/XObject", {}).values():
        key = getattr(ref, "idnum", id(ref))
        if key in seen:
            continue
        seen.add(key)
        x = ref.get_object()
        if x.get("/Subtype") == "/Image":
            found.add(key)
        elif x.get("/Subtype") == "/Form" and "/Resources" in x:
            found |= _images(x["/Resources"], seen)
    return found


def _texts(reader) -> list[str]:
    # NFKC undoes the ligatures of the PDF's text ("ﬀ" in "differentiation").
    return [unicodedata.normalize("NFKC", p.extract_text() or "") for p in reader.pages]


def _chapter_figures() -> int:
    """Figures on the pages the PDF numbers: the chapters and "Mathematics you need"."""
    pages = [*(ROOT / "_build" / "html" / "book").glob("[0-9][0-9]-*.html"),
             ROOT / "_build" / "html" / "book" / "mathematics.html"]
    return sum(p.read_text(encoding="utf8").count('class="nnlearn-figure-data"') for p in pages)


def _lines(page) -> list[tuple[float, float, str]]:
    """(y, x, text) of each piece of text on a PDF page, in page coordinates."""
    pieces = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            pieces.append((y, x, unicodedata.normalize("NFKC", text).strip()))

    page.extract_text(visitor_text=visit)
    return pieces


def _rows(page) -> list[tuple[float, list[str]]]:
    """(y, pieces left to right) of each line of text on a PDF page, top first."""
    rows: list[list] = []
    for y, x, text in sorted(_lines(page), key=lambda p: (-p[0], p[1])):
        if rows and abs(rows[-1][0] - y) < 3:
            rows[-1][1].append((x, text))
        else:
            rows.append([y, [(x, text)]])
    return [(y, [t for _, t in sorted(pieces)]) for y, pieces in rows]


@functools.cache
def _numbered_lines(reader, before: int) -> tuple[tuple[str, int], ...]:
    """(text, page number) of each line ending in a number, on pages < ``before``."""
    found = []
    for page in reader.pages[:before - 1]:
        for _, words in _rows(page):
            if len(words) > 1 and words[-1].isdigit():
                found.append((re.sub(r"\s+", " ", " ".join(words[:-1])).strip(), int(words[-1])))
    return tuple(found)


def _contents_pages(reader, title: str, before: int) -> list[int]:
    """Page numbers printed on the contents line of ``title`` (pages < ``before``)."""
    return [number for line, number in _numbered_lines(reader, before) if line == title]


def test_book_pdf_is_a_book(printed):
    reader = printed["book"]
    outline = build_pdf.outline_pages(printed["book_bytes"])
    titles = [t for _, t, _ in outline]
    assert 150 < len(reader.pages) < 1500
    assert titles[0] == "How neural networks learn"
    for part in ("Contents", "About this book", "Notation", "Solutions to the exercises",
                 "Glossary", "References"):
        assert part in titles, part
    chapters = [(t, p) for d, t, p in outline if re.match(r"\d+\. ", t) and d <= 1]
    numbers = [int(t.split(".")[0]) for t, _ in chapters]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 8
    pages = [p for _, p in chapters]
    assert pages == sorted(pages) and len(set(pages)) == len(pages)
    # Each chapter starts on a new page that carries its title; sections nest below.
    texts = _texts(reader)
    for title, page in chapters:
        head = texts[page - 1]
        assert title.split(". ", 1)[1] in head, title
        assert not texts[page - 2].rstrip().endswith(title), title
    assert sum(1 for d, _, _ in outline if d >= 2) > 50
    # The contents give each chapter and part the page it starts on, on its own
    # line (the first such line: the solutions appendix lists some titles again).
    first_part = next(p for _, t, p in outline if t == "About this book")
    parts = [(t, p) for d, t, p in outline if d <= 1 and p >= first_part]
    assert len(parts) >= len(chapters) + 6
    for title, page in parts:
        assert _contents_pages(reader, title, first_part)[:1] == [page], title
    # The sections of chapter 3 too (titles that occur once and fit on a line).
    start = next(i for i, (_, t, _) in enumerate(outline) if t.startswith("3. "))
    depth = outline[start][0]
    sections = []
    for d, t, p in outline[start + 1:]:
        if d <= depth:
            break
        if d == depth + 1 and len(t) < 45 and sum(o[1] == t for o in outline) == 1:
            sections.append((t, p))
    assert len(sections) >= 5
    for title, page in sections:
        assert _contents_pages(reader, title, first_part) == [page], title
    printed["texts"] = texts


def _api_pages() -> list[str]:
    """Titles of the API reference's pages, in the order of ``_toc.yml``."""
    return [source_of(doc).read_text(encoding="utf8").split("\n", 1)[0].removeprefix("# ")
            for doc in toc_docs() if doc.startswith("book/api/")]


def test_api_pages_are_sections_of_the_api_reference(printed):
    reader = printed["book"]
    outline = build_pdf.outline_pages(printed["book_bytes"])
    titles = _api_pages()
    assert len(titles) == 8
    # The outline and the contents list each page under "API reference".
    start = next(i for i, (d, t, _) in enumerate(outline) if t == "API reference" and d == 1)
    end = next(i for i, (d, _, _) in enumerate(outline) if i > start and d <= 1)
    under = [(t, p) for d, t, p in outline[start + 1:end] if d == 2]
    # Only the eight pages: the package's own docstring on the part's first
    # page ("nnlearn") is no entry of its own.
    assert [t for t, _ in under] == titles
    # Below a page come its modules, never the section headings of a docstring
    # ("Checkpoints" of nnlearn.optimizers; "Parameters", "Examples", ...).
    deeper = [t for d, t, _ in outline[start + 1:end] if d > 2]
    assert len(deeper) > 30
    assert [t for t in deeper if not re.fullmatch(r"nnlearn(\.\w+)+", t)] == []
    unlisted = re.search(r"(\d+) API headings not in the outline", printed["log"])
    assert unlisted and int(unlisted.group(1)) >= 2
    first_part = next(p for _, t, p in outline if t == "About this book")
    pages = dict(under)
    for title in titles:
        assert _contents_pages(reader, title, first_part) == [pages[title]], title
    # The part starts a page; its pages follow one another like sections: most
    # begin below the end of the one before, not on a page of their own.
    assert _rows(reader.pages[outline[start][2] - 1])[0][1] == ["API reference"]
    below_text = []
    for title in titles:
        rows = _rows(reader.pages[pages[title] - 1])
        at = next(i for i, (_, words) in enumerate(rows) if " ".join(words) == title)
        below_text.append(at > 0)
    assert sum(below_text) >= 5, below_text
    # The headings left out of the outline still print, as text.
    page = pages["Optimizers, schedules and regularization"]
    near = " ".join(p.extract_text() for p in reader.pages[page - 1:page + 2])
    assert re.search(r"^Checkpoints$", near, flags=re.M)
    first = outline[start][2]
    assert "the tested NumPy code behind the book" in " ".join(
        p.extract_text() for p in reader.pages[first - 1:first + 1])


def test_every_figure_is_printed(printed):
    texts = printed.get("texts") or _texts(printed["book"])
    figures, scenes = _html_figures()
    assert figures > 50
    numbers = re.findall(r"Figure (\d+|M)\.(\d+)", " ".join(texts))
    numbered = {(a, int(b)) for a, b in numbers}
    # Every chapter's figures are numbered 1..n without a gap ("Mathematics you
    # need": M.1, M.2, ...); only the one on the landing page has no number.
    assert any(a == "M" for a, _ in numbered)
    for ch in {a for a, _ in numbered}:
        ks = sorted(k for a, k in numbered if a == ch)
        assert ks == list(range(1, len(ks) + 1)), ch
    log = printed["log"]
    n_numbered = int(re.search(r"(\d+) numbered figures", log).group(1))
    assert len(numbered) == n_numbered == _chapter_figures()
    assert f"{figures} figures drawn" in log
    assert f"{scenes} 3-D figures as pictures" in log
    # 3-D figures are printed as pictures (WebGL does not print).
    images = sum(len(_images(page["/Resources"])) for page in printed["book"].pages)
    vector_pages = 0
    assert scenes > 0 and images >= scenes
    # 2-D figures stay vector drawings: a page with a figure number draws many paths.
    for page, text in zip(printed["book"].pages, texts, strict=True):
        if re.search(r"Figure (\d+|M)\.\d+", text):
            ops = page.get_contents().get_data()
            vector_pages += len(re.findall(rb"\b(?:l|c|re)\n", ops)) > 100
    assert vector_pages > 0.8 * len({t for t in texts if re.search(r"Figure (\d+|M)\.\d+", t)})


def _slider_states() -> list[str]:
    """What the caption of each figure with a slider must say it shows.

    The frame the page opens at (the slider's ``active`` step), unless that is
    the first (an animation to be played: its last frame, the result) or the
    figure is 3-D (a picture of its last frame).
    """
    html = (build_pdf.SINGLE / build_pdf.PAGE).read_text(encoding="utf8")
    states = []
    for spec in re.findall(r'<script[^>]*class="nnlearn-figure-data"[^>]*>(.*?)</script>', html,
                           flags=re.S):
        fig = json.loads(spec)
        slider = (fig.get("layout", {}).get("sliders") or [None])[0]
        if not slider or not slider.get("steps"):
            continue
        steps, last = slider["steps"], len(slider["steps"]) - 1
        active = slider.get("active", last)
        flat = not THREE_D & {t.get("type") for t in fig.get("data", [])}
        step = steps[active if flat and 0 < active < last else last]
        prefix = (slider.get("currentvalue") or {}).get("prefix", "")
        states.append(re.sub(r"\s+", " ", f"{prefix}{step['label']}").strip())
    return states


def test_animations_print_the_frame_their_caption_names(printed):
    texts = printed.get("texts") or _texts(printed["book"])
    outline = build_pdf.outline_pages(printed["book_bytes"])
    api = next(p for d, t, p in outline if t == "API reference" and d == 1)
    flat = re.sub(r"\s+", " ", " ".join(texts[:api - 1]))  # docstrings say "shown" too
    states = _slider_states()
    assert len(states) >= 10
    shown = re.findall(r"\(shown ((?:[^()]|\([^()]*\))*)\)", flat)
    assert shown == states
    # Some open at a frame of their own choosing (3 bits per sample, the
    # outlier at +40), which the text next to them describes.
    opening = re.search(r"(\d+) at the frame the page opens at", printed["log"])
    assert opening and int(opening.group(1)) >= 3


class _DropdownText(HTMLParser):
    """The text of each sphinx-design dropdown's body, formulas left out."""

    def __init__(self):
        super().__init__()
        self.bodies: list[list[str]] = []
        self.depth = 0  # open elements inside the current body
        self.skip = 0  # open elements inside a formula

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.depth:
            self.depth += tag not in VOID
            self.skip += bool(self.skip or "katex" in classes) and tag not in VOID
        elif "sd-summary-content" in classes:
            self.depth = 1
            self.bodies.append([])

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.bodies[-1].append(data)


VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "source"}


def test_dropdowns_print_open(printed):
    parser = _DropdownText()
    parser.feed((build_pdf.SINGLE / build_pdf.PAGE).read_text(encoding="utf8"))
    assert len(parser.bodies) >= 5
    texts = printed.get("texts") or _texts(printed["book"])
    flat = re.sub(r"\s+", " ", " ".join(texts))
    for body in parser.bodies:
        words = re.search(r"(?:[A-Za-z]{2,}[ ,]+){5}[A-Za-z]{2,}",
                          re.sub(r"\s+", " ", "".join(body)))
        assert words and words.group(0) in flat, (words and words.group(0))
    assert f"{len(parser.bodies)} dropdowns opened" in printed["log"]


def test_page_settles_before_printing(printed):
    # Nothing that changes with time (a CSS transition half-way, a font still
    # loading) is on the page when it prints: the same page prints the same.
    assert "settled: no CSS animation running, fonts loaded, every picture decoded" \
        in printed["log"]


def test_fonts_are_embedded(printed):
    missing = set()
    for reader in (printed["book"], printed["chapter"]):
        for page in reader.pages:
            for font in page["/Resources"].get("/Font", {}).values():
                font = font.get_object()
                if font.get("/Subtype") == "/Type3":
                    continue
                desc = font
                if font.get("/Subtype") == "/Type0":
                    desc = font["/DescendantFonts"][0].get_object()
                desc = desc.get("/FontDescriptor")
                if desc is None or not any(k in desc.get_object()
                                           for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    missing.add(str(font.get("/BaseFont")))
    assert not missing


def test_solutions_are_collected_not_inline(printed):
    texts = printed.get("texts") or _texts(printed["book"])
    outline = build_pdf.outline_pages(printed["book_bytes"])
    appendix = next(p for _, t, p in outline if t == "Solutions to the exercises")
    before = " ".join(texts[:appendix - 1])
    after = " ".join(texts[appendix - 1:])
    # Solutions ("Solution to Exercise 3.1", "... Exercise 1" of "Mathematics
    # you need") wait for the appendix.
    assert not re.search(r"Solution to\s*Exercise \d+", before)
    assert len(re.findall(r"Solution to\s*Exercise \d+\.\d+", after)) >= 8
    assert re.search(r"Solution to\s*Exercise 1\b(?!\.)", after)


def test_chapter_pdf(printed):
    reader = printed["chapter"]
    outline = [t for t in (o.title for o in reader.outline if not isinstance(o, list))]
    assert outline[0] == "3. Gradient descent"
    assert 5 < len(reader.pages) < len(printed["book"].pages) / 3
    text = " ".join(_texts(reader))
    assert "Gradient descent" in text and "Solutions" in text
    assert "Solution to Exercise 3.1" in text
    assert "Chapter 3 of" in text
    # The chapter numbers its own pages.
    n = len(reader.pages)
    for k in (1, n):
        assert f"page {k} of {n}" in _texts(reader)[k - 1], k


def test_book_pdf_size(printed):
    # 3-D figures as JPEG, no shadows: the book stays small enough to download.
    assert len(printed["book_bytes"]) < 30e6


def test_build_time(printed):
    # The budget of the issue: well under 15 minutes on the 2-core machine.
    assert printed["seconds"] < 15 * 60
