"""Small fixes to the HTML that Sphinx and docutils write, for assistive technology.

* docutils gives each bibliography entry ``role="doc-biblioentry"``, a role
  that DPUB-ARIA 1.1 deprecated, inside a ``role="list"`` container, whose
  children must then be list items. Each entry becomes ``role="listitem"``
  (axe-core rules aria-deprecated-role and aria-required-children).
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _fix_roles(app: Sphinx, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _fix_roles)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
