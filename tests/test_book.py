"""The strict build: zero warnings, every page there, every figure in its page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from book_pages import ROOT, is_notebook, source_of, toc_docs

pytestmark = pytest.mark.book

ANSI = re.compile(r"\x1b\[[0-9;]*m")
PLOTLY_MIME = "application/vnd.plotly.v1+json"
MAX_PAGE_BYTES = 2 * 1024 * 1024


def test_build_has_no_warnings_and_no_errors(book_build):
    output = ANSI.sub("", book_build.output)
    # Sphinx's "path:line: WARNING: ..." and "ERROR: ..." lines (a kernel's own
    # "[IPKernelApp] WARNING | ..." log line is not a build warning).
    problems = [line for line in output.splitlines()
                if re.search(r"\b(WARNING|ERROR|CRITICAL|SEVERE):", line) or "Traceback" in line]
    assert book_build.returncode == 0, "book build failed:\n" + "\n".join(
        problems or output.splitlines()[-40:])
    assert problems == []
    assert "build succeeded." in output  # Sphinx says "build succeeded, N warnings." otherwise


@pytest.mark.parametrize("doc", toc_docs())
def test_every_toc_page_is_built(book_build, doc):
    source_of(doc)  # the source exists
    assert (book_build.html / f"{doc}.html").is_file()


def _executed_notebook(doc):
    path = ROOT / "_build" / "jupyter_execute" / f"{doc}.ipynb"
    assert path.is_file(), f"no executed notebook for {doc}"
    return json.loads(path.read_text())


@pytest.mark.parametrize("doc", [d for d in toc_docs() if is_notebook(source_of(d))])
def test_every_figure_of_a_chapter_is_in_its_page(book_build, doc):
    nb = _executed_notebook(doc)
    outputs = [o for cell in nb["cells"] if cell["cell_type"] == "code"
               for o in cell.get("outputs", []) if PLOTLY_MIME in o.get("data", {})]
    for output in outputs:
        html_part = output["data"].get("text/html", "")
        if isinstance(html_part, list):  # nbformat may store text as a list of lines
            html_part = "".join(html_part)
        assert "nnlearn-figure" in html_part, (
            f"{doc}: a plotly figure has no HTML for the book; does the chapter "
            "import nnlearn.viz?")
    html = (book_build.html / f"{doc}.html").read_text()
    divs = len(re.findall(r'<div class="nnlearn-figure"', html))
    scripts = re.findall(
        r'<script type="application/json" class="nnlearn-figure-data"[^>]*>(.*?)</script>',
        html, flags=re.S)
    assert divs == len(outputs) == len(scripts)
    for text in scripts:
        fig = json.loads(text)
        assert fig["data"], f"{doc}: a figure without traces"


@pytest.mark.parametrize("doc", toc_docs())
def test_pages_load_nothing_from_other_hosts_and_stay_small(book_build, doc):
    path = book_build.html / f"{doc}.html"
    html = path.read_text()
    assert path.stat().st_size < MAX_PAGE_BYTES
    remote = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(?:https?:)?//[^"]+"',
                        html)
    assert remote == []


def test_offline_assets_are_served_by_the_site(book_build):
    static = book_build.html / "_static"
    # Every plotly.js bundle a figure names is in the site; the full bundle only if named.
    named = set()
    for page in book_build.html.rglob("*.html"):
        named |= set(re.findall(r'data-plotly="([^"]+)"', page.read_text()))
    assert named and all((static / name).stat().st_size > 1_000_000 for name in named)
    # The book's figures never need the full plotly.min.js (4.8 MB): their traces
    # are in the partial bundles (tools/plotly_bundles/package.json).
    assert named == {"plotly-2d.min.js", "plotly-3d.min.js"}
    assert (static / "plotly.min.js").is_file() == ("plotly.min.js" in named)
    assert (static / "nnlearn-figures.js").is_file()
    css = (static / "katex" / "katex.min.css").read_text()
    fonts = re.findall(r"url\((fonts/[^)]+)\)", css)
    assert fonts and all(f.endswith(".woff2") for f in fonts)
    for font in fonts:
        assert (static / "katex" / font).is_file(), font


def test_committed_plotly_bundles_are_built_from_the_plotly_js_of_the_plotly_package():
    """book/_static's partial bundles come from tools/plotly_bundles (make
    plotly-bundles), pinned to the plotly.js that the plotly package ships, each
    with the trace types that its package.json lists for it."""
    import plotly

    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    version = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", full.read_text()[:300]).group(1)
    tools = json.loads((ROOT / "tools" / "plotly_bundles" / "package.json").read_text())
    lock = json.loads((ROOT / "tools" / "plotly_bundles" / "package-lock.json").read_text())
    assert tools["dependencies"]["plotly.js"] == version
    assert lock["packages"]["node_modules/plotly.js"]["version"] == version
    bundles = tools["nnlearn"]["bundles"]
    assert sorted(bundles) == ["plotly-2d.min.js", "plotly-3d.min.js"]
    for name, traces in bundles.items():
        head = (ROOT / "book" / "_static" / name).read_text()[:400]
        kind = name.removeprefix("plotly-").removesuffix(".min.js")
        assert f"plotly.js ({kind} - minified) v{version}" in head
        assert "Built by tools/plotly_bundles (esbuild " in head
        assert f"traces: {', '.join(traces)}\n" in head


@pytest.mark.parametrize("doc", toc_docs())
def test_formulas_are_typeset_when_the_book_is_built(book_build, doc):
    """Every formula arrives as KaTeX HTML with MathML for screen readers; no page
    loads a script to typeset math (book/_ext/katex_math.py, with Node.js)."""
    html = (book_build.html / f"{doc}.html").read_text()
    formulas = re.findall(r'<(?:span|div) class="math notranslate nohighlight"[^>]*>', html)
    assert html.count('<span class="katex-mathml"><math') == html.count('class="katex"') \
        >= len(formulas)
    assert "katex-source" not in html and "katex-error" not in html
    assert "mathjax" not in html.lower().replace("mathjax_ignore", "")
    if formulas:
        assert "_static/katex/katex.min.css" in html
