"""Small fixes to the HTML that Sphinx and docutils write, for assistive technology.

* docutils gives each bibliography entry ``role="doc-biblioentry"``, a role
  that DPUB-ARIA 1.1 deprecated, inside a ``role="list"`` container, whose
  children must then be list items. Each entry becomes ``role="listitem"``
  (axe-core rules aria-deprecated-role and aria-required-children).
* myst-nb's execution table marks each page with the emoji ✅ or ❌, an
  empty box on a system without an emoji font: they become the words
  "succeeded" and "failed".
* The sidebar shows a page with pages under it (the API reference) with a
  ``<summary>`` that only holds a chevron icon, so it has no name (axe-core
  rule summary-name): it is named "Pages under <the page's title>".
"""

from __future__ import annotations

import html
import re

from sphinx.application import Sphinx

_NAMELESS_TOGGLE = re.compile(
    r'(<a class="[^"]*reference internal" href="[^"]*">(?P<title>[^<]*)</a>'
    r'<details[^>]*>)<summary>')


def _fix_roles(app: Sphinx, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if not body:
        return
    body = body.replace('role="doc-biblioentry"', 'role="listitem"')
    for mark, word in (("\u2705", "succeeded"), ("\u274c", "failed")):
        body = body.replace(f"<td><p>{mark}</p></td>", f"<td><p>{word}</p></td>")
    context["body"] = body


def _name_nav_toggles(app: Sphinx, pagename, templatename, context, doctree) -> None:
    generate = context.get("generate_toctree_html")
    if generate is None:
        return

    def named(*args, **kwargs):
        return _NAMELESS_TOGGLE.sub(
            lambda m: f'{m.group(1)}<summary aria-label="Pages under '
                      f'{html.escape(html.unescape(m.group("title")))}">',
            str(generate(*args, **kwargs)))

    context["generate_toctree_html"] = named


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _fix_roles)
    # After pydata-sphinx-theme puts generate_toctree_html in the context.
    app.connect("html-page-context", _name_nav_toggles, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
