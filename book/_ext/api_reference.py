"""The API reference and the links to it.

The reference is split into pages, one per part of the book (``book/api.md``
and the pages under it, ``book/api/*.md``). Each page names its modules in the
argument of ``{nnlearn-api}``, in the order they are shown::

    ```{nnlearn-api} nnlearn.losses nnlearn.activations
    ```

A name ending in ``.*`` stands for every public module below a package
(``nnlearn.viz.*``). Each module becomes an ``automodule`` section.

The public modules of :mod:`nnlearn` are found by walking the package, and
after reading, the build checks that each is on exactly one page: a module
that is on no page, or on two, is a warning, which the strict build turns into
an error. So a new module cannot be forgotten.

Inline code in the chapters that names a documented object, such as
```nnlearn.losses.cross_entropy``` (optionally with ``()``), becomes a link to
its entry in the reference, on whichever page that is.
"""

from __future__ import annotations

import fnmatch
import importlib
import pkgutil

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

logger = logging.getLogger(__name__)


def public_modules(package: str = "nnlearn") -> list[str]:
    """Every public module of ``package`` (no part of the name starts with ``_``), sorted."""
    pkg = importlib.import_module(package)
    names = [m.name for m in pkgutil.walk_packages(pkg.__path__, prefix=package + ".")
             if not any(part.startswith("_") for part in m.name.split("."))]
    return [package] + sorted(names)


def select(patterns: list[str], modules: list[str]) -> list[str]:
    """The modules that ``patterns`` name, in the order of the patterns.

    A pattern is a module name or ``package.*`` (every module below
    ``package``, sorted, so a subpackage's modules follow it). Raises
    ValueError for a pattern that names no module in ``modules``.
    """
    chosen: list[str] = []
    for pattern in patterns:
        found = [m for m in modules if fnmatch.fnmatchcase(m, pattern)]
        if not found:
            raise ValueError(f"{pattern!r} names no public module of nnlearn")
        chosen += [m for m in found if m not in chosen]
    return chosen


def documented_by_parent(name: str) -> bool:
    """True if the package above module ``name`` re-exports all its public names.

    Such a module (``nnlearn.preprocessing.scaling``) gets its docstring in
    the reference, and its objects are documented once, under the package
    name that the chapters import them from (``nnlearn.preprocessing``).
    """
    parent_name, _, _ = name.rpartition(".")
    if "." not in parent_name:
        return False
    module, parent = importlib.import_module(name), importlib.import_module(parent_name)
    exported = set(getattr(parent, "__all__", ()))
    names = getattr(module, "__all__", None)
    return bool(names) and all(n in exported and getattr(parent, n) is getattr(module, n)
                               for n in names)


class NnlearnApi(SphinxDirective):
    """Document the modules named in the argument (see the module docstring)."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = False

    def run(self) -> list[nodes.Node]:
        try:
            names = select(self.arguments[0].split(), public_modules())
        except ValueError as error:
            raise self.error(f"nnlearn-api: {error}") from None
        pages = _pages(self.env)
        pages[self.env.docname] = pages.get(self.env.docname, []) + names
        # The page is MyST markdown, so the generated content is too.
        lines = []
        for name in names:
            if documented_by_parent(name):
                parent = name.rpartition(".")[0]
                lines += [f"### `{name}`", "", "```{eval-rst}", f".. automodule:: {name}",
                          "   :no-members:", "```", "",
                          f"Its objects are listed under {{py:mod}}`{parent}`.", ""]
                continue
            lines += [f"## `{name}`", "", "```{eval-rst}", f".. automodule:: {name}",
                      "   :members:", "   :member-order: bysource", "```", ""]
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines, source="nnlearn-api"),
                                 container)
        return container.children


def _pages(env: BuildEnvironment) -> dict[str, list[str]]:
    """The API pages read so far: docname -> the modules it documents."""
    if not hasattr(env, "nnlearn_api_pages"):
        env.nnlearn_api_pages = {}
    return env.nnlearn_api_pages


def _purge_page(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _pages(env).pop(docname, None)


def _merge_pages(app: Sphinx, env: BuildEnvironment, docnames, other: BuildEnvironment) -> None:
    _pages(env).update({d: m for d, m in _pages(other).items() if d in docnames})


def _reread_if_modules_changed(app: Sphinx, env: BuildEnvironment, added, changed,
                               removed) -> list[str]:
    """A module added or removed since the last build: read the API pages again, so the
    check below runs even when no page changed."""
    placed = {m for names in _pages(env).values() for m in names}
    if placed and placed != set(public_modules()):
        return sorted(_pages(env))
    return []


def _check_every_module_on_one_page(app: Sphinx, env: BuildEnvironment) -> None:
    where: dict[str, list[str]] = {}
    for docname, names in sorted(_pages(env).items()):
        for name in names:
            where.setdefault(name, []).append(docname)
    for name in public_modules():
        pages = where.get(name, [])
        if not pages:
            logger.warning("the public module %s is on no API page: add it to the "
                           "{nnlearn-api} argument of one page under book/api", name,
                           type="nnlearn", subtype="api")
        elif len(pages) > 1:
            logger.warning("the module %s is on %d API pages (%s): keep it on one",
                           name, len(pages), ", ".join(pages),
                           location=pages[-1], type="nnlearn", subtype="api")


def _link_api_names(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    py = app.env.get_domain("py")
    targets = {name: (entry.docname, entry.node_id) for name, entry in py.objects.items()}
    targets.update({name: (entry.docname, entry.node_id)
                    for name, entry in py.modules.items()})
    for literal in list(doctree.findall(nodes.literal)):
        parent = literal.parent
        if isinstance(parent, (nodes.reference, nodes.title)) or "xref" in literal["classes"]:
            continue
        name = literal.astext().strip().removesuffix("()")
        if not name.startswith("nnlearn.") or name not in targets:
            continue
        target_doc, anchor = targets[name]
        if target_doc == docname:
            continue
        uri = app.builder.get_relative_uri(docname, target_doc) + "#" + anchor
        ref = nodes.reference("", "", internal=True, refuri=uri, reftitle=name)
        parent.replace(literal, ref)
        ref.append(literal)


def setup(app: Sphinx) -> dict:
    app.add_directive("nnlearn-api", NnlearnApi)
    app.connect("env-purge-doc", _purge_page)
    app.connect("env-merge-info", _merge_pages)
    app.connect("env-get-outdated", _reread_if_modules_changed)
    app.connect("env-check-consistency", _check_every_module_on_one_page)
    app.connect("doctree-resolved", _link_api_names)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
