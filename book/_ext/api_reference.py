"""The API reference and the links to it.

``{nnlearn-api}`` expands into an ``automodule`` section for every public
module of :mod:`nnlearn`, found by walking the package, so a new module is
documented without anyone remembering to list it. The order follows the book.

Inline code in the chapters that names a documented object, such as
```nnlearn.losses.cross_entropy``` (optionally with ``()``), becomes a link to
its entry in the reference.
"""

from __future__ import annotations

import importlib
import pkgutil

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

BOOK_ORDER = [
    "preprocessing", "signals", "losses", "activations", "linear", "surfaces", "descent",
    "network", "perceptron", "init", "gradcheck", "optimizers", "schedules",
    "regularization", "diagnostics", "training", "metrics", "checkpoints", "lr_finder", "datasets",
]


def public_modules(package: str = "nnlearn") -> list[str]:
    """Every public module of ``package`` (no part of the name starts with ``_``)."""
    pkg = importlib.import_module(package)
    names = [m.name for m in pkgutil.walk_packages(pkg.__path__, prefix=package + ".")
             if not any(part.startswith("_") for part in m.name.split("."))]

    def key(name: str):
        short = name.removeprefix(package + ".")
        top = short.split(".")[0]
        rank = BOOK_ORDER.index(top) if top in BOOK_ORDER else len(BOOK_ORDER)
        return (rank, top, short.count("."), short)     # a subpackage's modules follow it

    return [package] + sorted(names, key=key)


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
    """Document every public module of nnlearn."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        # The page is MyST markdown, so the generated content is too.
        lines = []
        for name in public_modules():
            if documented_by_parent(name):
                parent = name.rpartition(".")[0]
                lines += [f"### `{name}`", "", "```{eval-rst}", f".. automodule:: {name}",
                          "   :no-members:", "```", "",
                          f"Its objects are listed above, under `{parent}`.", ""]
                continue
            lines += [f"## `{name}`", "", "```{eval-rst}", f".. automodule:: {name}",
                      "   :members:", "   :member-order: bysource", "```", ""]
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines, source="nnlearn-api"),
                                 container)
        return container.children


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
    app.connect("doctree-resolved", _link_api_names)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
