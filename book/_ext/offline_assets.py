"""Serve every script the book needs from the site itself.

* plotly.js is copied from the installed ``plotly`` package into ``_static``
  (it is never committed). A figure is drawn with one of the book's partial
  bundles of plotly.js when its traces allow (:func:`partial_bundles`):
  ``plotly-2d.min.js`` for the 2-D traces the book draws (scatter, bar, box,
  contour, heatmap, histogram) and ``plotly-3d.min.js`` for its 3-D ones
  (scatter3d, surface); the full ``plotly.min.js`` only draws a figure that
  needs both or other traces (and is in the site only when a page has such a
  figure). The two are committed in ``book/_static``, built by ``make
  plotly-bundles`` (``tools/plotly_bundles``: plotly.js's own sources, MIT
  licence, bundled and minified by esbuild; its ``package.json`` lists each
  bundle's traces) from exactly the plotly.js version the ``plotly`` package
  ships: the build checks that. A browser runs the 2-D one in about half the
  time that plotly.js's ``dist/plotly-cartesian.min.js`` takes. After
  upgrading plotly, set that version in ``tools/plotly_bundles/package.json``
  and run ``make plotly-bundles``.
  Each figure's data says which bundle draws it (``data-plotly``), so a
  chapter with one 3-D figure draws its 2-D ones with the small bundle. No
  page loads plotly.js in its ``<head>``: the page preloads the bundle of its
  first figure at low priority, and ``nnlearn-figures.js`` (in
  ``book/_static``, added with ``async`` only to pages that hold a figure)
  runs it once the page has painted, then draws each figure that
  :mod:`nnlearn.viz` wrote into the page when it comes near the viewport,
  keeping it legible in the light and the dark theme;
* formulas are typeset at build time (``katex_math``), so no page loads a
  math script;
* files no browser asks for are removed from ``_static`` (source maps, the
  theme's message catalogues, TrueType copies of the woff2 icon font), and
  the theme's 1.5 MB ``fontawesome.js`` (it turns ``<i class="fa-...">`` into
  SVG) is replaced by a stub: the theme's CSS draws the same icons with the
  woff2 icon font;
* pydata-sphinx-theme loads the search index (``searchindex.js``, 200 kB)
  and Sphinx's search script in the ``<head>`` of every page, for its
  search-as-you-type, which the book leaves off (the search box opens
  ``search.html``, which loads them itself): every other page drops them;
* the site gets a ``404.html``, and ``favicon.svg`` comes from ``book/_static``.

It also makes every chapter downloadable as an executed ``.ipynb``: it writes
``_build/jupyter_execute/<page>.ipynb`` with the executed outputs (myst-nb 1.4
writes that file without outputs when the notebook came from the jupyter
cache: its cache client swaps in a new notebook object after the original was
handed to the writer) and adds the page's notebook to the theme's download
menu; ``plain_notebooks`` writes the plain notebook offered there. When any file of ``code/nnlearn``
changed since the last build, every chapter is executed again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.fileutil import copy_asset_file


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionError(f"offline_assets: the package {name!r} is not installed "
                             "(pip install -r requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations)))


def plotly_js() -> Path:
    """Path of the plotly.min.js that ships with the installed plotly package."""
    path = _package_dir("plotly") / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise ExtensionError(f"offline_assets: {path} not found")
    return path


#: tools/plotly_bundles/package.json: how ``make plotly-bundles`` builds the partial bundles.
BUNDLES_JSON = Path(__file__).resolve().parents[2] / "tools" / "plotly_bundles" / "package.json"


def partial_bundles() -> dict[str, frozenset[str]]:
    """Each partial bundle committed in book/_static -> the trace types it draws,
    smallest first, as ``make plotly-bundles`` built it (``nnlearn.bundles`` in
    :data:`BUNDLES_JSON`)."""
    bundles = json.loads(BUNDLES_JSON.read_text(encoding="utf8"))["nnlearn"]["bundles"]
    return {name: frozenset(traces) for name, traces in bundles.items()}


#: The full bundle of the plotly package, copied into the site only if a figure needs it.
FULL_JS = "plotly.min.js"


def _plotly_version(path: Path) -> str:
    head = path.read_bytes()[:300].decode("utf8", "replace")
    match = re.search(r"plotly\.js (?:\([a-z0-9 -]+\) )?v(\d+\.\d+\.\d+)", head)
    return match.group(1) if match else "unknown"


def check_vendored_bundles(static_dir: Path) -> None:
    """Check that the committed partial bundles are the plotly package's plotly.js version."""
    want = _plotly_version(plotly_js())
    for name in partial_bundles():
        path = static_dir / name
        have = _plotly_version(path) if path.is_file() else "missing"
        if have != want:
            raise ExtensionError(
                f"offline_assets: {path} is plotly.js {have}, the plotly package ships {want}: "
                f'set "plotly.js": "{want}" in tools/plotly_bundles/package.json and run '
                "`make plotly-bundles` (it needs Node.js and npm)")


_FIGURE_DATA = re.compile(r'<script type="application/json" class="nnlearn-figure-data"'
                          r'[^>]*>(.*?)</script>', re.DOTALL)


def trace_types(figure_json: str) -> set[str]:
    """The plotly trace types of a figure (frames included)."""
    fig = json.loads(figure_json)
    traces = list(fig.get("data") or [])
    for frame in fig.get("frames") or []:
        traces += frame.get("data") or []
    return {t.get("type", "scatter") for t in traces if isinstance(t, dict)}


def plotly_bundle(figure_json: str) -> str:
    """The smallest plotly.js bundle that can draw this figure."""
    types = trace_types(figure_json)
    for name, traces in partial_bundles().items():
        if types <= traces:
            return name
    return FULL_JS


def with_bundles(body: str) -> tuple[str, list[str]]:
    """``body`` with a ``data-plotly`` attribute on each figure's data, and the bundles
    in the order of the figures."""
    bundles: list[str] = []

    def mark(match: re.Match) -> str:
        bundles.append(plotly_bundle(match.group(1)))
        tag = match.group(0)
        return tag.replace(' class="nnlearn-figure-data"',
                           f' class="nnlearn-figure-data" data-plotly="{bundles[-1]}"', 1)

    return _FIGURE_DATA.sub(mark, body), bundles


_FONTAWESOME_STUB = """/* Replaced by book/_ext/offline_assets.py: the theme's CSS
   (pydata-sphinx-theme.css) draws every <i class="fa-..."> icon with the woff2
   icon font, so the 1.5 MB script that turns them into SVG is not needed. */
"""

_NOT_FOUND = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Page not found - {title}</title>
<style>
  :root {{ color-scheme: light dark; }}
  body {{ font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial,
         sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5;
         color: #1f2328; background: #ffffff; }}
  a {{ color: #0b57d0; }}
  @media (prefers-color-scheme: dark) {{
    body {{ color: #e6edf3; background: #121212; }}
    a {{ color: #8ab4f8; }}
  }}
</style>
</head>
<body>
<main>
<h1>Page not found</h1>
<p>There is no page at this address in <em>{title}</em>. It may have moved when
the chapters were renumbered.</p>
<p><a id="home" href="{home}">Go to the start of the book</a>, or use its
search.</p>
</main>
{script}
</body>
</html>
"""

#: Without a known base URL (a local build), the 404 page guesses the site's folder.
_NOT_FOUND_GUESS = """<script>
  // The site may live below a folder (https://user.github.io/repo/): find the
  // start page there, on this host only.
  (function () {
    var first = location.pathname.split("/")[1];
    if (!first || first === "book") return;
    var url = "/" + first + "/book/index.html";
    fetch(url, { method: "HEAD" }).then(function (r) {
      if (r.ok) document.getElementById("home").href = url;
    }).catch(function () {});
  })();
</script>
"""


def _copy_assets(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    # The full bundle (4.7 MB) only when some page has a figure that needs it.
    full = static / FULL_JS
    if any(f'data-plotly="{FULL_JS}"' in page.read_text(encoding="utf8")
           for page in Path(app.outdir).rglob("*.html")):
        copy_asset_file(str(plotly_js()), str(full))
    else:
        full.unlink(missing_ok=True)
    for stale in set(static.glob("plotly-*.min.js")) - {static / n for n in partial_bundles()}:
        stale.unlink()  # a bundle of an earlier build (renamed or dropped)
    _drop_unused_theme_files(static)
    if app.builder.name == "html":
        _drop_search_scripts(Path(app.outdir))
    (Path(app.outdir) / "404.html").write_text(not_found_page(app.config), encoding="utf8")


def not_found_page(config) -> str:
    """The 404 page. Its link to the start page is absolute on the host, below the
    site's folder when ``html_baseurl`` says where the site lives (project_info sets
    it for a deployed site); otherwise a script guesses the folder."""
    title = config.html_title or config.project
    base = urlparse(config.html_baseurl or "").path
    if base:
        return _NOT_FOUND.format(title=title, home=base.rstrip("/") + "/book/index.html",
                                 script="")
    return _NOT_FOUND.format(title=title, home="/book/index.html",
                             script=_NOT_FOUND_GUESS.strip())


_SEARCH_SCRIPTS = re.compile(
    r'\n\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js'
    r'|searchindex\.js)"></script>')


def _drop_search_scripts(outdir: Path) -> None:
    """Remove the search index and search scripts from every page but the search page."""
    for path in outdir.rglob("*.html"):
        if path.name == "search.html":
            continue
        text = path.read_text(encoding="utf8")
        lean = _SEARCH_SCRIPTS.sub("", text)
        if lean != text:
            path.write_text(lean, encoding="utf8")


def _drop_unused_theme_files(static: Path) -> None:
    """Remove what no browser fetches; stub the theme's SVG-icon script."""
    for path in list(static.rglob("*.map")) + list(static.glob("vendor/**/*.ttf")):
        path.unlink()
    shutil.rmtree(static / "locales", ignore_errors=True)
    fontawesome = static / "scripts" / "fontawesome.js"
    if fontawesome.is_file():
        fontawesome.write_text(_FONTAWESOME_STUB, encoding="utf8")


def _figure_script(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Add the figure script (async: it never blocks the first paint) to pages
    that hold a figure, with the plotly.js bundle their traces need, preloaded at
    low priority; other pages load neither."""
    body = context.get("body", "")
    if 'class="nnlearn-figure"' not in body:
        return
    context["body"], bundles = with_bundles(body)
    app.add_js_file("nnlearn-figures.js", priority=410, loading_method="async")
    if not bundles:
        return
    href = context["pathto"](f"_static/{bundles[0]}", 1)
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="preload" as="script" href="{href}" fetchpriority="low">')


def _remember_docs_read(app: Sphinx, env, docnames: list[str]) -> None:
    app.nnlearn_docs_read = set(docnames)


def _write_executed_notebooks(app: Sphinx, env) -> None:
    """Write the executed notebook of each page read in this build (myst-nb has
    just written it, without outputs when they came from the cache), and of any
    page whose notebook is missing; the others are still the ones written when
    their page was last read."""
    if app.builder.format != "html":
        return
    import nbformat
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook

    config = app.env.mystnb_config
    if config.execution_mode != "cache":
        return
    cache = get_cache(config.execution_cache_path)
    out = Path(config.output_folder)
    for docname in sorted(app.env.found_docs):
        source = Path(app.env.doc2path(docname))
        if source.suffix != ".md" or not app.env.metadata[docname].get("kernelspec"):
            continue
        target = out / f"{docname}.ipynb"
        if docname not in getattr(app, "nnlearn_docs_read", ()) and target.is_file():
            continue
        notebook = read_myst_markdown_notebook(source.read_text(encoding="utf8"),
                                               path=source)
        try:
            _, notebook = cache.merge_match_into_notebook(notebook)
        except KeyError:  # not in the cache: nothing was executed
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(nbformat.writes(notebook), encoding="utf8")


def _offer_notebook_download(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is None or not app.env.metadata.get(pagename, {}).get("kernelspec"):
        return
    # The offered notebook is the plain version of the executed one, written
    # to _sources/<page>.ipynb by the plain_notebooks extension.
    from plain_notebooks import executed_notebook

    if not executed_notebook(app, pagename).is_file():
        return
    context["ipynb_source"] = f"{pagename}.ipynb"


def _library_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _rerun_notebooks_when_library_changes(app: Sphinx, env, added, changed, removed):
    """Re-execute every chapter when code/nnlearn changed since the last build.

    The jupyter cache is keyed on a notebook's own code cells, so without this
    an edited library function would leave stale outputs and figures behind.
    """
    library = Path(app.srcdir) / "code" / "nnlearn"
    stamp = Path(app.outdir).parent / ".nnlearn-library.sha256"
    digest = _library_digest(library)
    if stamp.is_file() and stamp.read_text() == digest:
        return []
    shutil.rmtree(env.mystnb_config.execution_cache_path, ignore_errors=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest)
    return sorted(d for d in env.found_docs if env.metadata.get(d, {}).get("kernelspec"))


def setup(app: Sphinx) -> dict:
    # The chapters multiply many small matrices: one BLAS thread is faster
    # there than threads competing for the cores. Kernels inherit this.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    # Fail early (at setup, not after a long build) if an asset is missing.
    plotly_js()
    check_vendored_bundles(Path(__file__).resolve().parents[1] / "_static")
    # Every page names its figures' bundles: rewrite them all when the bundles change.
    app.add_config_value("nnlearn_plotly_bundles",
                         {name: sorted(traces) for name, traces in partial_bundles().items()},
                         "html")
    app.connect("html-page-context", _figure_script)
    app.connect("build-finished", _copy_assets)
    app.connect("env-get-outdated", _rerun_notebooks_when_library_changes)
    app.connect("env-before-read-docs", _remember_docs_read)
    app.connect("env-updated", _write_executed_notebooks)
    # Before sphinx-book-theme builds its header buttons (priority 501).
    app.connect("html-page-context", _offer_notebook_download, priority=450)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
