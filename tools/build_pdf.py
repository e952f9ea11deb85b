"""Print the book to PDF: the whole book and one PDF per chapter.

    python tools/build_pdf.py               # after `make book`; what `make pdf` runs
    python tools/build_pdf.py --no-build    # reuse _build/singlehtml as it is
    python tools/build_pdf.py --chapter book/03-gradient-descent   # the book and one chapter
    python tools/build_pdf.py --no-book --chapter book/03-gradient-descent

How: Jupyter Book's single-page HTML build (``--builder singlehtml``, strict,
reusing the executed notebooks of ``make book`` from the jupyter cache) is
opened in Debian's Chromium through Playwright, with the print stylesheet
(``book/_static/print.css``). ``nnlearn-print.js`` waits until every figure is
drawn, shows animations at their last frame and swaps 3-D (WebGL) figures for
PNG pictures; ``tools/build_pdf.js`` moves an animation that opens at a chosen
frame back to it (the caption names the frame), opens the dropdowns, adds the
title page, the contents, figure numbers and the solutions appendix, and keeps
docstring headings out of the outline. Once nothing on the page changes with
time (``settle``), Chromium prints: 2-D figures stay vector graphics
(plotly's SVG), text and math stay text, fonts are embedded, and headings
become the PDF outline. The contents get their page numbers after printing:
the page of every heading is read from the PDF and the numbers are drawn into
its contents pages (``stamp_toc_pages``). The same single page prints to the
same PDF, page for page (only the creation date and the tag tree's node ids
differ).

Writes ``_build/pdf/how-neural-networks-learn.pdf`` and
``_build/pdf/<page>.pdf`` for each chapter (``03-gradient-descent.pdf``, ...).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from sitecheck import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

SINGLE = ROOT / "_build" / "singlehtml"
OUT = ROOT / "_build" / "pdf"
BOOK_PDF = "how-neural-networks-learn.pdf"
BOOK_JS = ROOT / "tools" / "build_pdf.js"
PAGE = "book-print.html"
JPEG_QUALITY = 0.9  # the 3-D figures' pictures (tools/build_pdf.js, jpegStills)

# A4 with the margins below: the text block is 180 mm wide. The page is laid
# out (and every figure drawn) at that width, so the figures print unscaled.
MM = 96 / 25.4
MARGIN = {"top": "14mm", "bottom": "16mm", "left": "15mm", "right": "15mm"}
# Chromium's PDFs make pypdf warn about their cross-reference tables; harmless.
logging.getLogger("pypdf").setLevel(logging.ERROR)
TEXT_WIDTH_PX = round((210 - 30) * MM)
FOOTER = ('<div style="width:100%;font:8pt sans-serif;color:#555;text-align:center">'
          '<span class="pageNumber"></span></div>')
# A chapter PDF is a document of its own: it numbers its own pages, so "page 5"
# is the page a PDF viewer shows as 5 (the book's page numbers would not be).
CHAPTER_FOOTER = ('<div style="width:100%;font:8pt sans-serif;color:#555;text-align:center">'
                  '{title} · page <span class="pageNumber"></span> of '
                  '<span class="totalPages"></span></div>')


def build_single_page() -> None:
    """Strict single-page HTML build; executed notebooks come from the cache."""
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--builder", "singlehtml", "-W", "-n", "--keep-going"]
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-6000:] + proc.stderr[-6000:])
        raise SystemExit("build_pdf: the single-page build failed (see above)")


def book_meta() -> dict:
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf8"))
    try:
        import nnlearn
        version = getattr(nnlearn, "__version__", "")
    except ImportError:
        version = ""
    return {
        "title": config.get("title", "How neural networks learn"),
        "subtitle": "with the tested NumPy library its code comes from",
        "author": config.get("author", ""),
        "version": version,
        "date": dt.date.today().isoformat(),
        "site": ("The online edition has interactive figures, runnable notebooks "
                 "and this PDF by chapter."),
        "prefaceTitle": "About this book",
    }


def _pdf_options(footer: str = FOOTER) -> dict:
    opts = dict(format="A4", margin=MARGIN, print_background=True, outline=True,
                tagged=True, display_header_footer=True,
                header_template="<span></span>", footer_template=footer,
                prefer_css_page_size=False)
    return opts


def heading_pages(pdf: bytes) -> dict[str, int]:
    """Page (1-based) of every named destination in ``pdf``."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages = {}
    for name, dest in reader.named_destinations.items():
        try:
            pages[str(name).removeprefix("/")] = reader.get_destination_page_number(dest) + 1
        except Exception:  # a destination without a page
            continue
    return pages


def outline_pages(pdf: bytes) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every outline entry, in order."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    rows: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                rows.append((depth, str(item.title), reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return rows


class IncrementalUpdate:
    """Changed and new objects appended to a PDF (PDF 1.7, 7.5.6).

    Rewriting the whole book with pypdf takes minutes; appending the few
    objects that change takes a moment and leaves the rest byte for byte.
    """

    def __init__(self, pdf: bytes, reader):
        self.pdf, self.reader = pdf, reader
        self.out = io.BytesIO()
        self.out.write(pdf if pdf.endswith(b"\n") else pdf + b"\n")
        self.offsets: dict[int, tuple[int, int]] = {}
        self.size = int(reader.trailer["/Size"])

    def new_ref(self):
        from pypdf.generic import IndirectObject

        self.size += 1
        return IndirectObject(self.size - 1, 0, None)

    def write(self, num: int, gen: int, obj) -> None:
        self.offsets[num] = (self.out.tell(), gen)
        self.out.write(f"{num} {gen} obj\n".encode())
        obj.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")

    def add(self, obj):
        ref = self.new_ref()
        self.write(ref.idnum, 0, obj)
        return ref

    def copy(self, obj, memo: dict):
        """Copy ``obj`` of another PDF, with every object it refers to."""
        from pypdf.generic import (
            ArrayObject,
            DictionaryObject,
            EncodedStreamObject,
            IndirectObject,
            NameObject,
            StreamObject,
        )

        if isinstance(obj, IndirectObject):
            if obj.idnum not in memo:
                memo[obj.idnum] = ref = self.new_ref()
                self.write(ref.idnum, 0, self.copy(obj.get_object(), memo))
            return memo[obj.idnum]
        if isinstance(obj, StreamObject):
            new = EncodedStreamObject()
            for k, v in obj.items():
                if k != "/Length":
                    new[NameObject(k)] = self.copy(v, memo)
            new._data = obj._data
            return new
        if isinstance(obj, DictionaryObject):
            return DictionaryObject({NameObject(k): self.copy(v, memo) for k, v in obj.items()})
        if isinstance(obj, ArrayObject):
            return ArrayObject(self.copy(v, memo) for v in obj)
        return obj

    def finish(self) -> bytes:
        from pypdf.generic import DictionaryObject, NameObject, NumberObject

        out, pdf, reader = self.out, self.pdf, self.reader
        xref = out.tell()
        out.write(b"xref\n")
        for num in sorted(self.offsets):
            offset, gen = self.offsets[num]
            out.write(f"{num} 1\n{offset:010d} {gen:05d} n \n".encode())
        trailer = DictionaryObject()
        for key in ("/Root", "/Info", "/ID"):
            if key in reader.trailer:
                trailer[NameObject(key)] = reader.trailer.raw_get(key)
        trailer[NameObject("/Size")] = NumberObject(self.size)
        trailer[NameObject("/Prev")] = NumberObject(int(pdf[pdf.rindex(b"startxref") + 9:]
                                                       .split()[0]))
        out.write(b"trailer\n")
        trailer.write_to_stream(out)
        out.write(f"\nstartxref\n{xref}\n%%EOF\n".encode())
        return out.getvalue()


def fix_outline(pdf: bytes, titles: list[str]) -> bytes:
    """Give the outline entries the headings' own text.

    Chromium writes some outline titles with each text piece twice
    ("ContentsContents"); ``titles`` are the printed headings in order, one per
    outline entry.
    """
    from pypdf import PdfReader
    from pypdf.generic import NameObject, TextStringObject

    reader = PdfReader(io.BytesIO(pdf))
    items = []

    def walk(ref):
        while ref is not None:
            node = ref.get_object()
            items.append((ref.idnum, ref.generation, node))
            if "/First" in node:
                walk(node.raw_get("/First"))
            ref = node.raw_get("/Next") if "/Next" in node else None

    outlines = reader.trailer["/Root"].get("/Outlines")
    if outlines is not None and "/First" in outlines:
        walk(outlines.raw_get("/First"))
    if len(items) != len(titles):
        raise SystemExit(f"build_pdf: {len(items)} outline entries for {len(titles)} headings")
    update = IncrementalUpdate(pdf, reader)
    for (num, gen, node), title in zip(items, titles, strict=True):
        node[NameObject("/Title")] = TextStringObject(title)
        update.write(num, gen, node)
    return update.finish()


def _link_target(annot) -> str | None:
    """Name of the destination a link annotation jumps to."""
    dest = annot.get("/Dest")
    if dest is None and "/A" in annot:
        dest = annot["/A"].get_object().get("/D")
    if dest is None or isinstance(dest, list):
        return None
    return str(dest).removeprefix("/")


def toc_slots(pdf: bytes, ids: list[str]) -> tuple[list, dict[str, int]]:
    """Where the contents' page numbers go, and the page of every heading.

    Each contents entry is a link to its heading: its rectangle on the page
    is where the entry sits. Returns ([(page index, rect, id)], {id: page}).
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    named = heading_pages(pdf)
    pages = {i: named[i] for i in ids if i in named}
    if len(pages) < len(set(ids)):
        raise SystemExit(f"build_pdf: no page for {sorted(set(ids) - set(pages))}")
    # The contents come before the first part they list.
    slots = []
    for index in range(pages[ids[0]] - 1):
        for annot in reader.pages[index].get("/Annots") or []:
            annot = annot.get_object()
            target = annot.get("/Subtype") == "/Link" and _link_target(annot)
            if target in pages:
                slots.append((index, [float(v) for v in annot["/Rect"]], target))
    found = [t for _, _, t in slots]
    if sorted(found) != sorted(ids):
        raise SystemExit("build_pdf: the contents' links do not match its entries: "
                         f"{sorted(set(ids) ^ set(found))}")
    return slots, pages


def stamp_toc_pages(pdf: bytes, browser, slots, pages: dict[str, int], styles: dict) -> bytes:
    """Write the page numbers into the printed contents.

    Written into the page, the numbers would cost a second print of the
    whole book. Instead they are drawn into this very PDF: Chromium prints
    them alone, each at the place of its contents entry in the font of the
    contents, and that page is added on top of the contents page as a form
    XObject. The text stays text.
    """
    import zlib

    from pypdf import PdfReader
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        EncodedStreamObject,
        NameObject,
        NumberObject,
    )

    reader = PdfReader(io.BytesIO(pdf))
    px = 96 / 72
    sheets: dict[int, list[str]] = {}
    for index, (x1, y1, x2, y2), target in slots:
        style = styles[target]
        height = float(reader.pages[index].mediabox.height)
        left = max(x1, x2) * px - style["width"]
        top = (height - max(y1, y2)) * px + style["top"]
        sheets.setdefault(index, []).append(
            f'<div style="left:{left:.2f}px;top:{top:.2f}px;width:{style["width"]:.2f}px;'
            f'font-family:{html.escape(style["family"])};font-size:{style["size"]};'
            f'font-weight:{style["weight"]};line-height:{style["lineHeight"]};'
            f'color:{style["color"]}">{pages[target]}</div>')
    order = sorted(sheets)
    doc = ("<!doctype html><meta charset=utf-8><style>@page{size:A4;margin:0}"
           "body{margin:0}section{position:relative;width:210mm;height:297mm;"
           "overflow:hidden;break-after:page}div{position:absolute;text-align:right;"
           "white-space:nowrap;font-variant-numeric:tabular-nums}</style>"
           + "".join("<section>" + "".join(sheets[i]) + "</section>" for i in order))
    page = browser.new_page()
    page.set_content(doc)
    overlay = PdfReader(io.BytesIO(page.pdf(format="A4", margin={k: "0" for k in MARGIN},
                                            print_background=False)))
    page.close()
    if len(overlay.pages) < len(order):
        raise SystemExit("build_pdf: the contents' page numbers did not print")
    update = IncrementalUpdate(pdf, reader)
    memo: dict = {}
    for index, sheet in zip(order, overlay.pages, strict=False):
        form = EncodedStreamObject()
        form[NameObject("/Type")] = NameObject("/XObject")
        form[NameObject("/Subtype")] = NameObject("/Form")
        form[NameObject("/BBox")] = ArrayObject(NumberObject(round(float(v)))
                                                for v in sheet.mediabox)
        form[NameObject("/Resources")] = update.copy(sheet.raw_get("/Resources"), memo)
        form[NameObject("/Filter")] = NameObject("/FlateDecode")
        form._data = zlib.compress(sheet.get_contents().get_data())
        form_ref = update.add(form)
        target = reader.pages[index]
        resources = DictionaryObject(target["/Resources"])
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()))
        xobjects[NameObject("/NnlearnTocPages")] = form_ref
        resources[NameObject("/XObject")] = xobjects
        target[NameObject("/Resources")] = resources
        contents = target.raw_get("/Contents")
        contents = list(contents) if isinstance(contents, list) else [contents]
        head, tail = DecodedStreamObject(), DecodedStreamObject()
        head.set_data(b"q\n")
        tail.set_data(b"\nQ q /NnlearnTocPages Do Q\n")
        target[NameObject("/Contents")] = ArrayObject([update.add(head), *contents,
                                                       update.add(tail)])
        ref = target.indirect_reference
        update.write(ref.idnum, ref.generation, target)
    return update.finish()


def settle(page, timeout_s: float = 20) -> None:
    """Wait until nothing on the page changes with time (see ``unsettled`` in
    tools/build_pdf.js); what prints is then the same from print to print."""
    limit = time.time() + timeout_s
    while busy := page.evaluate("() => window.nnlearnBook.unsettled()"):
        if time.time() > limit:
            raise SystemExit("build_pdf: the page is still changing:\n  " + "\n  ".join(busy[:20]))
        page.wait_for_timeout(100)


def _print(page, path: Path, footer: str = FOOTER) -> bytes:
    """Print the page as it shows now, with the outline titles fixed."""
    settle(page)
    titles = page.evaluate("() => window.nnlearnBook.headings()")
    pdf = fix_outline(page.pdf(**_pdf_options(footer)), titles)
    path.write_bytes(pdf)
    return pdf


def _open_book(browser, base: str, log):
    context = browser.new_context(viewport={"width": TEXT_WIDTH_PX, "height": 1000},
                                  color_scheme="light", device_scale_factor=1)
    page = context.new_page()
    # page.pdf() fires beforeprint/afterprint: the handlers meant for Ctrl+P
    # (figures redrawn, zoomed, 3-D overlays) would change the page between
    # the passes. This listener runs first and stops them.
    page.add_init_script("['beforeprint', 'afterprint'].forEach(function (t) {"
                         " window.addEventListener(t, function (e) {"
                         " e.stopImmediatePropagation(); }, true); });")
    local = urlparse(base).netloc

    def route(r):
        url = urlparse(r.request.url)
        if url.path.endswith("/searchindex.js"):  # singlehtml writes no search index
            r.fulfill(status=200, content_type="text/javascript", body="")
        elif url.scheme in ("data", "blob") or url.netloc == local:
            r.continue_()
        else:  # nothing may come from other hosts
            r.abort()

    page.route("**/*", route)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    page.emulate_media(media="print", color_scheme="light")
    page.goto(f"{base}/{PAGE}", wait_until="load", timeout=300_000)
    # Formulas are typeset by the build (katex_math); without Node.js the page
    # typesets them itself after load.
    page.wait_for_function("() => window.nnlearnPrint"
                           " && !document.querySelector('.math .katex-source')", timeout=120_000)
    t = time.time()
    n = page.evaluate("() => window.nnlearnPrint.ready(240000)")
    log(f"  {n} figures drawn in {time.time() - t:.0f} s")
    stills = page.evaluate("() => window.nnlearnPrint.stills(3)")
    log(f"  stills: {stills['animated']} animations at their last frame, "
        f"{stills['threeD']} 3-D figures as pictures")
    page.add_script_tag(path=str(BOOK_JS))
    page.evaluate("q => window.nnlearnBook.jpegStills(q)", JPEG_QUALITY)
    sliders = page.evaluate("() => window.nnlearnBook.sliderCaptions()")
    log(f"  {sliders['sliders']} sliders replaced by their frame in the caption"
        f" ({sliders['opening']} at the frame the page opens at, the others at their last)")
    log(f"  {page.evaluate('() => window.nnlearnBook.vectorPatterns()')} hatched bars as vectors")
    info = page.evaluate("meta => window.nnlearnBook.prepare(meta)", book_meta())
    page.evaluate("() => document.fonts.ready.then(() => true)")
    settle(page)
    log("  settled: no CSS animation running, fonts loaded, every picture decoded")
    if errors:
        raise SystemExit("build_pdf: errors in the page:\n  " + "\n  ".join(errors))
    return page, info


def print_book(page, browser, target: Path, log) -> int:
    """Print the book, then write the page of every part and section into its contents."""
    from pypdf import PdfReader

    page.evaluate("() => window.nnlearnBook.show(null)")
    ids = page.evaluate("() => window.nnlearnBook.tocIds()")
    styles = page.evaluate("() => window.nnlearnBook.tocStyles()")
    settle(page)
    pdf = page.pdf(**_pdf_options())
    titles = page.evaluate("() => window.nnlearnBook.headings()")
    pdf = fix_outline(pdf, titles)
    slots, pages = toc_slots(pdf, ids)
    pdf = stamp_toc_pages(pdf, browser, slots, pages, styles)
    log(f"  contents: {len(slots)} entries numbered")
    target.write_bytes(pdf)
    return len(PdfReader(io.BytesIO(pdf)).pages)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-build", action="store_true",
                        help="reuse _build/singlehtml (skip the single-page build)")
    parser.add_argument("--chapter", action="append", default=[],
                        help="print only this chapter's PDF (e.g. book/03-gradient-descent); "
                             "repeatable; default: every chapter")
    parser.add_argument("--no-book", action="store_true", help="skip the whole-book PDF")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    start = time.time()

    def log(msg: str) -> None:
        print(f"[{time.time() - start:5.0f} s] {msg}", flush=True)

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"build_pdf: no Chromium at {CHROMIUM} (apt-get install chromium, "
                         "or set CHROMIUM)")
    if not args.no_build:
        log("single-page build")
        build_single_page()
    source = SINGLE / "book" / "index.html"
    if not source.is_file():
        raise SystemExit(f"build_pdf: {source} missing")
    # The page's links to _static/ are relative to the build's root folder.
    (SINGLE / PAGE).write_bytes(source.read_bytes())
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    server, base = serve(SINGLE)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            log("opening the single page")
            page, info = _open_book(browser, base, log)
            log(f"  {len(info['chapters'])} chapters, {info['figures']} numbered figures, "
                f"{info['solutions']} solutions, {info['dropdowns']} dropdowns opened, "
                f"{info['unlistedHeadings']} API headings not in the outline")
            wanted = [c.removesuffix(".md") for c in args.chapter]
            if not args.no_book:
                n = print_book(page, browser, args.out / BOOK_PDF, log)
                log(f"{BOOK_PDF}: {n} pages, "
                    f"{(args.out / BOOK_PDF).stat().st_size / 1e6:.1f} MB")
            for chapter in info["chapters"]:
                if wanted and chapter["doc"] not in wanted:
                    continue
                name = Path(chapter["doc"]).name + ".pdf"
                page.evaluate("id => window.nnlearnBook.show(id)", chapter["id"])
                footer = CHAPTER_FOOTER.format(title=html.escape(chapter["title"]))
                _print(page, args.out / name, footer)
                log(f"{name}: {(args.out / name).stat().st_size / 1e6:.1f} MB")
            page.evaluate("() => window.nnlearnBook.show(null)")
            browser.close()
    finally:
        server.shutdown()
    log(f"done: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
