"""What a rebuild after an edit (``make book`` again) needs and Sphinx does not do.

* **Static files follow their source.** Sphinx copies ``html_static_path``
  (``book/_static``) only when it writes at least one page. After an edit to
  ``nnlearn-figures.js`` or ``nnlearn.css`` alone it reports "no targets are
  out of date" and the site keeps the old copy (Sphinx issue 1810,
  changed by Sphinx's pull request 13236 in January 2025; Jupyter Book 1 needs
  Sphinx 7, and the book pins 7.4.7). At the end of every HTML build
  this extension copies each static file whose copy in ``_static`` is missing
  or differs (a few milliseconds; nothing when Sphinx already copied). Template
  files (``*_t``), which Sphinx renders, are left to Sphinx. The KaTeX files
  are copied by ``katex_math`` at the end of every build.
* **Doctrees stay small.** myst-parser parses an ``{eval-rst}`` block (every
  API page is made of them) in a scratch document and moves the nodes into the
  page, but they still point at that scratch document, whose settings hold the
  whole build environment; pickled with the page, it made each API page's
  doctree about 10 MB, and every rebuild loads all doctrees (Sphinx numbers the
  figures book-wide). Each node is pointed at its own page before the doctree
  is pickled.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path, PurePosixPath

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.matching import Matcher

logger = logging.getLogger(__name__)


def _static_sources(app: Sphinx) -> list[tuple[Path, str]]:
    """Each file of ``html_static_path`` that Sphinx copies verbatim, with its
    path inside ``_static``."""
    excluded = Matcher([*app.config.exclude_patterns, "**/.*"])
    found = []
    for entry in app.config.html_static_path:
        root = Path(app.confdir, entry)
        if root.is_file():
            found.append((root, root.name))
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            parts = path.relative_to(root).parts
            # The file, or a folder it is in, may be excluded.
            prefixes = [PurePosixPath(*parts[:i]).as_posix() for i in range(1, len(parts) + 1)]
            if path.name.endswith("_t") or any(excluded(p) for p in prefixes):
                continue
            found.append((path, prefixes[-1]))
    return found


def stale_static_files(app: Sphinx) -> list[tuple[Path, Path]]:
    """(source, copy) for each static file whose copy in ``_static`` is missing or
    differs from its source."""
    static = Path(app.outdir) / "_static"
    stale = []
    for source, rel in _static_sources(app):
        target = static / rel
        if not target.is_file() or not filecmp.cmp(source, target, shallow=False):
            stale.append((source, target))
    return stale


def _refresh_static_files(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    stale = stale_static_files(app)
    for source, target in stale:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    if stale:
        logger.info("incremental_build: copied %d changed static file(s) into _static: %s",
                    len(stale), ", ".join(t.name for _, t in stale))


def _own_nodes(app: Sphinx, doctree: nodes.document) -> None:
    """Point every node at the page it is in (see the module docstring)."""
    for node in doctree.findall(include_self=False):
        if node.__dict__.get("_document") not in (None, doctree):
            node.document = doctree


def setup(app: Sphinx) -> dict:
    # Before the other build-finished handlers, which may read _static.
    app.connect("build-finished", _refresh_static_files, priority=400)
    app.connect("doctree-read", _own_nodes)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
