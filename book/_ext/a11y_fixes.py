"""Small fixes to the HTML that Sphinx and docutils write, for assistive technology.

* docutils gives each bibliography entry ``role="doc-biblioentry"``, a role
  that DPUB-ARIA 1.1 deprecated, inside a ``role="list"`` container, whose
  children must then be list items. Each entry becomes ``role="listitem"``
  (axe-core rules aria-deprecated-role and aria-required-children).
* myst-nb's execution table marks each page with the emoji ✅ or ❌, an
  empty box on a system without an emoji font: they become the words
  "succeeded" and "failed".
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _fix_roles(app: Sphinx, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if not body:
        return
    body = body.replace('role="doc-biblioentry"', 'role="listitem"')
    for mark, word in (("\u2705", "succeeded"), ("\u274c", "failed")):
        body = body.replace(f"<td><p>{mark}</p></td>", f"<td><p>{word}</p></td>")
    context["body"] = body


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _fix_roles)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
