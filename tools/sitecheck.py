"""Open pages of the built book in headless Chromium and check them.

Used by ``tests/test_site.py``; also runnable by hand to get screenshots:

    python tools/sitecheck.py                 # every page of _build/html
    python tools/sitecheck.py book/index.html # some pages
    python tools/sitecheck.py --page book/03-gradient-descent.md
        # the one-page build of `make page` (_build/pages/<name>/_build/html)

For each page it records console errors, requests to any host other than the
local server (they are blocked, not sent), figures drawn, formulas rendered,
the size of the HTML, the WCAG violations that axe-core finds (in light and in
dark mode, with every figure drawn), and saves light and dark screenshots in
``_build/screenshots/``. Figures are drawn lazily (``nnlearn-figures.js``):
it records how many were drawn right after loading (only those near the
viewport should be), scrolls to the last figure to see that scrolling draws
it, then draws the rest with ``window.nnlearnFigures.drawAll()``. Chromium is
Debian's ``/usr/bin/chromium``, driven by Playwright; no browser is downloaded.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import sys
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    # WebGL (3-D figures) through the software rasterizer, as there is no GPU.
    "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
]


@dataclass
class PageReport:
    page: str
    html_bytes: int = 0
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    figures: int = 0
    figures_drawn: int = 0
    figures_drawn_at_load: int = 0
    figures_labelled: int = 0
    last_figure_drawn_on_scroll: bool = True
    plotly_loaded: bool = False
    #: plotly.js files the page loaded, and those its figures ask for (data-plotly).
    plotly_bundles: list[str] = field(default_factory=list)
    plotly_bundles_wanted: list[str] = field(default_factory=list)
    math: int = 0
    math_rendered: int = 0
    screenshots: list[str] = field(default_factory=list)
    #: "[mode] rule-id (impact): n elements, e.g. <selector>" for every WCAG violation.
    axe_violations: list[str] = field(default_factory=list)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``directory`` on 127.0.0.1 on a free port, in a daemon thread."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def html_pages(directory: Path = HTML) -> list[str]:
    """Content pages of the site (not Sphinx's search and index pages)."""
    skip = {"search.html", "genindex.html", "py-modindex.html", "index.html"}
    pages = []
    for path in sorted(directory.rglob("*.html")):
        rel = path.relative_to(directory).as_posix()
        if rel.startswith(("_static/", "_sources/", "_images/")) or rel in skip:
            continue
        pages.append(rel)
    return pages


_PROBE = """() => {
  const figs = Array.from(document.querySelectorAll('.nnlearn-figure'));
  const drawn = figs.filter(d => d.querySelector('svg.main-svg')).length;
  const labelled = figs.filter(d => d.getAttribute('role') === 'img'
    && (d.getAttribute('aria-label') || '').length > 10 && d.tabIndex === 0).length;
  const math = Array.from(document.querySelectorAll('.math'));
  const rendered = math.filter(m => m.querySelector('.katex')).length;
  const bundles = performance.getEntriesByType('resource')
    .map(e => e.name.split('?')[0].split('/').pop()).filter(n => /^plotly[^/]*\\.js$/.test(n));
  const wanted = Array.from(document.querySelectorAll('script.nnlearn-figure-data'))
    .map(s => s.dataset.plotly);
  return {figures: figs.length, drawn: drawn, labelled: labelled, math: math.length,
          rendered: rendered, plotly: bundles.length > 0,
          bundles: [...new Set(bundles)].sort(), wanted: [...new Set(wanted)].sort()};
}"""

#: axe-core rules of these tags are run; any violation fails the browser test.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: Best-practice rules run as well (a header cell that only holds a formula
#: has no text a screen reader can announce).
EXTRA_RULES = ["empty-table-header"]


def check_pages(pages: list[str], directory: Path = HTML, screenshots: bool = True,
                shot_dir: Path = SHOTS, axe: bool = True) -> list[PageReport]:
    from playwright.sync_api import sync_playwright

    server, base = serve(directory)
    reports = []
    shot_dir.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport={"width": 1280, "height": 900},
                                              color_scheme=scheme)
                for i, rel in enumerate(pages):
                    if scheme == "light":
                        reports.append(PageReport(rel, (directory / rel).stat().st_size))
                    report = reports[i]
                    _visit(context, base, rel, report, scheme, screenshots, shot_dir, axe)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return reports


def _wait_until_rendered(page, timeout: int = 120_000) -> None:
    """Wait until the formulas are typeset and their fonts are loaded.

    The build typesets formulas (book/_ext/katex_math.py); only a book built
    without Node.js typesets them in the browser, after the page loaded. A
    timeout here is not an error: the probe that follows reports what did not
    render.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("() => !document.querySelector('.math .katex-source')",
                               timeout=timeout)
        page.evaluate("() => document.fonts.ready.then(() => true)")
    except PlaywrightTimeout:
        pass
    page.wait_for_timeout(300)


def _draw_figures(page, report: PageReport, timeout: int = 120_000) -> None:
    """Scroll to the last figure (it must get drawn), then draw all of them."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if not page.evaluate("() => !!document.querySelector('.nnlearn-figure')"):
        return
    try:
        page.evaluate("() => { const f = document.querySelectorAll('.nnlearn-figure');"
                      " f[f.length - 1].scrollIntoView(); }")
        page.wait_for_function("() => { const f = document.querySelectorAll("
                               "'.nnlearn-figure'); return !!f[f.length - 1]"
                               ".querySelector('svg.main-svg'); }", timeout=timeout)
    except PlaywrightTimeout:
        report.last_figure_drawn_on_scroll = False
    try:
        page.wait_for_function("() => window.nnlearnFigures", timeout=timeout)
        page.evaluate("() => window.nnlearnFigures.drawAll()")
        page.evaluate("() => window.scrollTo(0, 0)")
    except PlaywrightTimeout:
        pass
    page.wait_for_timeout(300)


def axe_violations(page) -> list[str]:
    """WCAG violations axe-core finds on the page, one line per rule."""
    from axe_playwright_python.sync_playwright import Axe

    # preload=False: axe would fetch the stylesheets again and resolve the
    # theme's relative @import against the page, asking for a file that does
    # not exist (a 404 in the console that no reader ever causes).
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS},
               "rules": {rule: {"enabled": True} for rule in EXTRA_RULES},
               "resultTypes": ["violations"], "preload": False}
    results = Axe().run(page, options=options)
    lines = []
    for v in results.response["violations"]:
        targets = ", ".join(str(n["target"][0]) for n in v["nodes"][:3])
        lines.append(f"{v['id']} ({v['impact']}): {len(v['nodes'])} elements, e.g. {targets}")
    return lines


def _visit(context, base, rel, report, scheme, screenshots, shot_dir, axe=True):
    page = context.new_page()
    local = urlparse(base).netloc

    def route(r):
        url = r.request.url
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob") or parsed.netloc == local:
            r.continue_()
        else:
            report.external_requests.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and report.console_errors.append(
        f"[{scheme}] {m.text}"))
    page.on("pageerror", lambda e: report.console_errors.append(f"[{scheme}] {e}"))
    page.on("requestfailed", lambda r: urlparse(r.url).netloc == local
            and report.failed_requests.append(r.url))
    page.goto(f"{base}/{rel}", wait_until="networkidle", timeout=120_000)
    _wait_until_rendered(page)
    at_load = page.evaluate(_PROBE)
    _draw_figures(page, report)
    probe = page.evaluate(_PROBE)
    if scheme == "light":
        report.figures, report.figures_drawn = probe["figures"], probe["drawn"]
        report.figures_drawn_at_load = at_load["drawn"]
        report.figures_labelled = probe["labelled"]
        report.plotly_loaded = probe["plotly"]
        report.plotly_bundles, report.plotly_bundles_wanted = probe["bundles"], probe["wanted"]
        report.math, report.math_rendered = probe["math"], probe["rendered"]
    else:
        report.figures_drawn = min(report.figures_drawn, probe["drawn"])
        report.math_rendered = min(report.math_rendered, probe["rendered"])
    if axe:
        # Open the figures' text descriptions, so that axe checks their text too.
        page.evaluate("() => document.querySelectorAll('details.nnlearn-figure-text')"
                      ".forEach(d => { d.open = true; })")
        report.axe_violations += [f"[{scheme}] {v}" for v in axe_violations(page)]
    if screenshots:
        name = rel.replace("/", "__").removesuffix(".html") + f"-{scheme}.png"
        page.screenshot(path=str(shot_dir / name), full_page=True, timeout=180_000)
        report.screenshots.append(str(shot_dir / name))
    page.close()


def main(argv: list[str]) -> int:
    directory, shots = HTML, SHOTS
    if argv[:1] == ["--page"] and len(argv) == 2:
        stem = Path(argv[1]).stem
        directory = ROOT / "_build" / "pages" / stem / "_build" / "html"
        shots = ROOT / "_build" / "pages" / stem / "screenshots"
        argv = [Path(argv[1]).with_suffix(".html").as_posix()]
    pages = argv or html_pages(directory)
    reports = check_pages(pages, directory, shot_dir=shots)
    bad = False
    for r in reports:
        print(json.dumps(asdict(r), indent=1))
        bad |= bool(r.console_errors or r.external_requests or r.failed_requests
                    or r.figures_drawn != r.figures or r.math_rendered != r.math
                    or r.figures_labelled != r.figures or r.axe_violations
                    or not r.last_figure_drawn_on_scroll)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
