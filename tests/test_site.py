"""Open every page in headless Chromium: figures drawn, math rendered, no console
errors, no request to another host. Screenshots land in _build/screenshots/."""

from __future__ import annotations

import os
import shutil
import sys
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
    assert r.math_rendered == r.math
    assert r.html_bytes < 2 * 1024 * 1024
    assert all(Path(p).stat().st_size > 10_000 for p in r.screenshots)


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
