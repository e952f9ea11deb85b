"""Open every page in headless Chromium: figures drawn (lazily: the first one
and those near the viewport at load, the others on scrolling, all before
printing), math rendered, no console errors, no request to another host, no
WCAG violation that axe-core finds in light or dark mode, every figure
labelled, animations playable from the keyboard. Screenshots land in _build/screenshots/."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

from book_pages import toc_docs

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import sitecheck  # noqa: E402

pytestmark = pytest.mark.site


def _chromium_or_skip():
    have = Path(sitecheck.CHROMIUM).exists() or shutil.which("chromium")
    try:
        import playwright  # noqa: F401
    except ImportError:
        have = False
    if not have:
        reason = f"Chromium ({sitecheck.CHROMIUM}) or the playwright package is missing"
        if os.environ.get("CI"):
            pytest.fail(reason + " on CI, where .ci/run installs it")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def reports(book_build):
    _chromium_or_skip()
    assert book_build.returncode == 0, "the book did not build; see test_book"
    pages = [f"{doc}.html" for doc in toc_docs()]
    return {r.page: r for r in sitecheck.check_pages(pages, book_build.html)}


@pytest.mark.parametrize("doc", toc_docs())
def test_page_in_browser(reports, doc):
    r = reports[f"{doc}.html"]
    assert r.console_errors == []
    assert r.external_requests == []
    assert r.failed_requests == []
    assert r.figures_drawn == r.figures
    assert r.last_figure_drawn_on_scroll
    assert r.figures_labelled == r.figures
    assert r.math_rendered == r.math
    assert r.html_bytes < 2 * 1024 * 1024
    assert all(Path(p).stat().st_size > 10_000 for p in r.screenshots)


@pytest.mark.parametrize("doc", toc_docs())
def test_page_has_no_wcag_violation_in_light_or_dark_mode(reports, doc):
    assert reports[f"{doc}.html"].axe_violations == []


@pytest.mark.parametrize("doc", toc_docs())
def test_figures_are_drawn_on_demand(reports, doc):
    r = reports[f"{doc}.html"]
    # Each figure names the smallest plotly.js bundle that draws it; the page
    # loads exactly those (the full plotly.min.js only if a figure needs it).
    assert r.plotly_bundles == r.plotly_bundles_wanted
    if r.figures == 0:
        assert not r.plotly_loaded, "a page without figures loaded plotly.js"
    elif r.figures >= 4:
        # Only the first figure and those near the first screen are drawn at load.
        assert r.figures_drawn_at_load < r.figures


def _browser_page(pw):
    browser = pw.chromium.launch(executable_path=sitecheck.CHROMIUM,
                                 args=sitecheck.CHROMIUM_ARGS)
    return browser, browser.new_page(viewport={"width": 1280, "height": 900})


def _animated_page(directory):
    for doc in toc_docs():
        html = directory / f"{doc}.html"
        if html.is_file() and '"frames":[{' in html.read_text():
            return f"{doc}.html"
    return None


def test_space_plays_and_pauses_an_animation_and_print_draws_every_figure(book_build):
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    rel = _animated_page(book_build.html)
    assert rel, "no page with an animated figure"
    server, base = sitecheck.serve(book_build.html)
    try:
        with sync_playwright() as pw:
            browser, page = _browser_page(pw)
            page.goto(f"{base}/{rel}", wait_until="load")
            page.wait_for_function("() => window.nnlearnFigures")
            page.evaluate("() => window.nnlearnFigures.loadPlotly()")
            # Printing draws every figure, also those far from the viewport.
            page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
            page.wait_for_function("() => document.querySelectorAll("
                                   "'.nnlearn-figure:not(:has(svg.main-svg))').length === 0",
                                   timeout=120_000)
            fig = page.locator(".nnlearn-figure:has(.slider-container)").first
            fig.focus()
            active = "el => el._fullLayout.sliders[0].active || 0"
            before = fig.evaluate(active)
            page.keyboard.press("Space")
            page.wait_for_function(f"el => ({active})(el) !== {before}", arg=fig.element_handle(),
                                   timeout=30_000)
            page.keyboard.press("Space")  # pause
            page.wait_for_timeout(1500)
            paused_at = fig.evaluate(active)
            page.wait_for_timeout(1500)
            assert fig.evaluate(active) == paused_at
            browser.close()
    finally:
        server.shutdown()


class _HeldPageHandler(sitecheck._QuietHandler):
    """Serves the site, but sends ``held`` (a page) in two parts: up to just past
    its first figure, then the rest only once ``/release`` was asked for (or
    after 30 s)."""

    held = ""
    release = None  # a threading.Event, set by the test

    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path == "/release":
            self.release.set()
            self.send_response(204)
            self.end_headers()
            return
        if self.path.lstrip("/") != self.held:
            return super().do_GET()
        body = Path(self.directory, self.held).read_bytes()
        first = body.index(b'class="nnlearn-figure-data"')
        cut = body.index(b"</script>", first) + 2000
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:cut])
        self.wfile.flush()
        self.release.wait(30)
        self.wfile.write(body[cut:])


_FIRST_DRAWN = """(() => {
  const watch = new MutationObserver(() => {
    if (!document.querySelector('.nnlearn-figure .main-svg')) return;
    watch.disconnect();
    window.__firstDrawnWhile = document.readyState;
    fetch('/release');
  });
  watch.observe(document, {childList: true, subtree: true});
})();"""


def test_first_figure_is_drawn_before_the_rest_of_the_page_arrives(book_build):
    # The page's first figure is drawn as soon as its data and its plotly.js
    # are here, even below the first screen: it does not wait for the rest of
    # a long chapter, nor for the reader to scroll.
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    rel = "book/08-training-loop.html"
    handler = type("Held", (_HeldPageHandler,), {"held": rel, "release": threading.Event()})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(book_build.html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as pw:
            browser, page = _browser_page(pw)
            page.add_init_script(_FIRST_DRAWN)
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{rel}",
                      wait_until="load", timeout=120_000)
            drawn_while = page.evaluate("() => window.__firstDrawnWhile || 'not drawn'")
            assert drawn_while == "loading", \
                f"first figure: {drawn_while} when the page had arrived (30 s after the rest)"
            first = page.locator(".nnlearn-figure").first
            assert first.evaluate("el => el.getBoundingClientRect().top") > 900, \
                "the first figure was on the first screen; the test wants one below it"
            browser.close()
    finally:
        server.shutdown()


def test_pagespeed_reports_each_missed_target():
    import pagespeed

    def page(rel, figures=3, fcp=300, first=1000, sent=1_000_000):
        return pagespeed.Speed(rel, figures, fcp, first, sent, bool(figures), 10)

    assert pagespeed.problems([page("book/03-gradient-descent.html")], 1_000) == []
    assert pagespeed.problems([page("book/03-gradient-descent.html", first=1600)], 1_000) == [
        "book/03-gradient-descent.html: first figure 1600 ms"]
    assert pagespeed.problems([page("book/03-gradient-descent.html", first=None)], 1_000) == [
        "book/03-gradient-descent.html: first figure None ms"]
    # The first-figure target is the chapters' (the landing page's figure is 3-D).
    assert pagespeed.problems([page("index.html -> book/index.html", first=2200)], 1_000) == []
    assert pagespeed.problems([page("book/glossary.html", 0, 900, None, 700_000)], 26e6) == [
        "book/glossary.html: first contentful paint 900 ms",
        "book/glossary.html: 0.70 MB transferred without a figure", "the site is 26.00 MB"]


def test_404_page_and_favicon(book_build):
    html = (book_build.html / "404.html").read_text()
    assert "Page not found" in html and 'lang="en"' in html
    page = (book_build.html / "book" / "index.html").read_text()
    assert 'rel="icon"' in page and "favicon.svg" in page


def test_404_page_links_below_the_base_url_when_deployed():
    from types import SimpleNamespace

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
    import offline_assets

    deployed = offline_assets.not_found_page(SimpleNamespace(
        html_title="T", project="T", html_baseurl="https://someone.github.io/book/"))
    assert 'href="/book/book/index.html"' in deployed and "<script>" not in deployed
    local = offline_assets.not_found_page(SimpleNamespace(
        html_title="T", project="T", html_baseurl=""))
    assert 'href="/book/index.html"' in local and "<script>" in local  # guesses the folder


def test_execution_table_says_succeeded_in_words(book_build):
    html = (book_build.html / "book" / "execution-status.html").read_text()
    assert "\u2705" not in html and "\u274c" not in html  # no emoji font needed
    assert "<td><p>succeeded</p></td>" in html


def test_landing_page_has_figure_and_math(reports):
    r = reports[f"{toc_docs()[0]}.html"]
    assert r.figures >= 1 and r.math >= 1


def test_search_works_offline(book_build):
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    server, base = sitecheck.serve(book_build.html)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=sitecheck.CHROMIUM,
                                         args=sitecheck.CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"{base}/search.html?q=backpropagation", wait_until="networkidle")
            page.wait_for_selector("#search-results ul.search li", timeout=30_000)
            hits = page.locator("#search-results ul.search li").count()
            browser.close()
    finally:
        server.shutdown()
    assert hits >= 1
