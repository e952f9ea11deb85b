"""What the printed book needs from Sphinx.

* The single-page HTML build that ``make pdf`` prints
  (``tools/build_pdf.py``) renders every node. Sphinx gives a builder the node
  renderers registered under its own name or, when there are none, those of
  its format; sphinx-exercise registers renderers under ``singlehtml``, so
  every other extension's ``html`` renderers (sphinx-design's dropdowns, for
  one) would be missing there. The missing ones are copied.
* Each page's download menu offers the PDF that ``make pdf`` writes (the
  deploy workflow copies ``_build/pdf`` to ``pdf/`` in the site): its own
  chapter's PDF on a numbered chapter, the whole book elsewhere. It replaces
  the theme's ".pdf" entry, which only opened the browser's print dialog.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from sphinx.application import Sphinx

BOOK_PDF = "how-neural-networks-learn.pdf"
PDF_DIR = "pdf"


def _share_html_renderers(app: Sphinx) -> None:
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for node_name, visitors in handlers.get("html", {}).items():
        single.setdefault(node_name, visitors)


def pdf_name(app: Sphinx, pagename: str) -> str | None:
    """File name of the page's own PDF: numbered chapters only."""
    if app.env.toc_secnumbers.get(pagename):
        return PurePosixPath(pagename).name + ".pdf"
    return None


def _pdf_download_entry(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if app.builder.name != "html":
        return
    chapter = pdf_name(app, pagename)
    target = f"{PDF_DIR}/{chapter or BOOK_PDF}"
    entry = {
        "type": "link",
        "url": context["pathto"](target, 1),
        "text": ".pdf" if chapter else "book .pdf",
        "tooltip": "Download this chapter as PDF" if chapter else "Download the book as PDF",
        "icon": "fas fa-file-pdf",
        "label": "download-pdf-button",
    }
    for button in context.get("header_buttons", []):
        if button.get("label") != "download-buttons":
            continue
        button["buttons"] = [b for b in button["buttons"]
                             if b.get("label") != "download-pdf-button"] + [entry]


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _share_html_renderers)
    # After sphinx-book-theme builds the header buttons (priority 501).
    app.connect("html-page-context", _pdf_download_entry, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
