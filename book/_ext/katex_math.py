"""Formulas typeset when the book is built, not in the reader's browser.

Every ``$...$`` and ``$$...$$`` of the book is rendered to HTML by KaTeX
(https://katex.org, MIT licence, vendored in ``book/_ext/katex``) while Sphinx
writes the page, so a page arrives with its mathematics already laid out: no
script typesets it after load (MathJax needed one long task per chapter,
about 1 s on an idle 2-core laptop and up to 3 s on a busy one, during which
neither scrolling nor the figures could run), the text does not jump when
formulas appear, and printing needs no waiting. Each formula carries MathML
next to its HTML, which screen readers read; the HTML is hidden from them.

Rendering needs Node.js (``node`` on the PATH, or the program the environment
variable ``NNLEARN_NODE`` names; any version from 14 on): one
``node`` process, started at the first formula, renders them all
(``katex_render.js``). A formula KaTeX cannot render is a build warning (an
error in the strict build) that names the page. Without Node.js the build
still works: the formulas are written as TeX and ``katex.min.js`` renders
them in the browser (``nnlearn-katex.js``), and the build says so once.

The site gets ``_static/katex/katex.min.css`` (its ``@font-face`` rules keep
only the woff2 files, the only ones copied) and the fonts; a page links the
stylesheet, and ``nnlearn-katex.js`` (1 kB: a display formula wider than the
column takes the keyboard focus, so that it can be scrolled), only when it
holds a formula.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.fileutil import copy_asset_file
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

KATEX_VERSION = "0.16.47"
VENDOR = Path(__file__).resolve().parent / "katex"
RENDERER = Path(__file__).resolve().parent / "katex_render.js"


class KatexProcess:
    """A ``node`` process that renders TeX with KaTeX, one formula per request."""

    def __init__(self, node: str):
        self.proc = subprocess.Popen(
            [node, str(RENDERER), str(VENDOR / "katex.min.js")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf8")
        self.cache: dict[tuple[str, bool], dict] = {}

    def render(self, tex: str, display: bool) -> dict:
        """``{"html": ...}`` or ``{"error": message}`` for one formula."""
        key = (tex, display)
        if key not in self.cache:
            self.proc.stdin.write(json.dumps([tex, display]) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("katex_math: the node process stopped")
            self.cache[key] = json.loads(line)
        return self.cache[key]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)


_process: KatexProcess | None = None
_node_checked = False


def katex_process() -> KatexProcess | None:
    """The shared renderer, or None when Node.js is not installed."""
    global _process, _node_checked
    if not _node_checked:
        _node_checked = True
        node = shutil.which(os.environ.get("NNLEARN_NODE", "node"))
        if node is None:
            logger.info("katex_math: Node.js (node) not found: formulas are typeset in the "
                        "browser by katex.min.js. Install Node.js to typeset them at build time.")
        else:
            _process = KatexProcess(node)
    return _process


def display_tex(node: nodes.math_block) -> str:
    """The TeX of a display formula; blank-line separated equations are aligned
    (as Sphinx's MathJax renderer does), and one with ``\\\\`` is split."""
    if node["nowrap"]:
        return node.astext()
    parts = [p for p in node.astext().split("\n\n") if p.strip()]
    body = r"\\".join(rf"\begin{{split}}{p}\end{{split}}" if r"\\" in p else p for p in parts)
    if len(parts) > 1:
        return rf"\begin{{aligned}}{body}\end{{aligned}}"
    return body


def _typeset(node, tex: str, display: bool) -> str:
    katex = katex_process()
    if katex is None:
        return f'<span class="katex-source">{html.escape(tex)}</span>'
    answer = katex.render(tex, display)
    if "error" in answer:
        logger.warning("KaTeX cannot typeset %r: %s", tex, answer["error"], location=node,
                       type="katex", subtype="render")
        return f'<code class="katex-error">{html.escape(tex)}</code>'
    return answer["html"]


def visit_math(self, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(_typeset(node, node.astext(), display=False) + "</span>")
    raise nodes.SkipNode


def visit_displaymath(self, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    self.body.append(_typeset(node, display_tex(node), display=True) + "</div>\n")
    raise nodes.SkipNode


def woff2_only(css: str) -> str:
    """KaTeX's stylesheet with each ``@font-face`` pointing at its woff2 file only."""
    woff2 = r'(url\(fonts/[^)]+\.woff2\) format\("woff2"\))'
    return re.sub(woff2 + r'(,url\([^)]+\) format\("[a-z]+"\))+', r"\1", css)


def _add_stylesheet(app: Sphinx, pagename, templatename, context, doctree) -> None:
    domain = app.env.get_domain("math")
    # The single-page build (make pdf) holds every page's formulas in one page.
    docname = None if app.builder.name == "singlehtml" else pagename
    if app.builder.format != "html" or not domain.has_equations(docname):
        return
    app.add_css_file("katex/katex.min.css", priority=300)
    if katex_process() is None:
        app.add_js_file("katex/katex.min.js", priority=300, loading_method="defer")
    app.add_js_file("nnlearn-katex.js", priority=301, loading_method="defer")


def _copy_assets(app: Sphinx, exception: Exception | None) -> None:
    if _process is not None:
        _process.close()
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "katex"
    # The pages typeset in the browser need the script. A build that wrote no
    # page with a formula did not look for Node.js: the script stays if it was there.
    script = _process is None if _node_checked else (target / "katex.min.js").is_file()
    shutil.rmtree(target, ignore_errors=True)
    (target / "fonts").mkdir(parents=True)
    css = (VENDOR / "katex.min.css").read_text(encoding="utf8")
    (target / "katex.min.css").write_text(woff2_only(css), encoding="utf8")
    for font in sorted((VENDOR / "fonts").glob("*.woff2")):
        copy_asset_file(str(font), str(target / "fonts" / font.name))
    if script:
        copy_asset_file(str(VENDOR / "katex.min.js"), str(target / "katex.min.js"))


def setup(app: Sphinx) -> dict:
    app.add_html_math_renderer("katex", (visit_math, None), (visit_displaymath, None))
    app.connect("html-page-context", _add_stylesheet)
    app.connect("build-finished", _copy_assets)
    return {"version": KATEX_VERSION, "parallel_read_safe": True, "parallel_write_safe": True}
