"""Serve every script the book needs from the site itself.

* plotly.js is copied from the installed ``plotly`` package into ``_static``
  (it is never committed), and loaded once per page;
* MathJax 3 is copied from the installed ``sphinx-mathjax-offline`` package,
  so formulas render with no network;
* ``nnlearn-figures.js`` (in ``book/_static``) draws the figures that
  :mod:`nnlearn.viz` wrote into each page and keeps them legible when the
  reader switches between the light and dark theme.

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
import os
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.fileutil import copy_asset, copy_asset_file


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


def mathjax_dir() -> Path:
    """Folder of the MathJax 3 distribution shipped by sphinx-mathjax-offline."""
    path = _package_dir("sphinx-mathjax-offline") / "static" / "mathjax"
    if not (path / "tex-chtml.js").is_file():
        raise ExtensionError(f"offline_assets: no tex-chtml.js in {path}")
    return path


def _copy_assets(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    copy_asset_file(str(plotly_js()), str(static / "plotly.min.js"))
    copy_asset(str(mathjax_dir()), str(static / "mathjax"))


def _write_executed_notebooks(app: Sphinx, env) -> None:
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
        notebook = read_myst_markdown_notebook(source.read_text(encoding="utf8"),
                                               path=source)
        try:
            _, notebook = cache.merge_match_into_notebook(notebook)
        except KeyError:  # not in the cache: nothing was executed
            continue
        target = out / f"{docname}.ipynb"
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
    mathjax_dir()
    app.add_js_file("plotly.min.js", priority=400)
    app.add_js_file("nnlearn-figures.js", priority=410)
    app.connect("build-finished", _copy_assets)
    app.connect("env-get-outdated", _rerun_notebooks_when_library_changes)
    app.connect("env-updated", _write_executed_notebooks)
    # Before sphinx-book-theme builds its header buttons (priority 501).
    app.connect("html-page-context", _offer_notebook_download, priority=450)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
