"""Show library code with its docstrings folded to their summary line.

A chapter shows a library object with ``literalinclude`` and ``:pyobject:``
so that the code comes from ``code/nnlearn``. The full numpy-style docstring
(parameters, shapes, raw math markup) is for the API reference; in a chapter it
buries the few lines that carry the formula, which the prose has just
explained. This extension adds an option to ``literalinclude``::

    ```{literalinclude} ../code/nnlearn/losses.py
    :pyobject: mse
    :docstring: full
    ```

``:docstring: summary`` (the default for an include with ``:pyobject:``)
replaces the docstring of every function, class and method in the shown code by
its summary (its first paragraph); ``:docstring: full`` shows it unchanged.
Includes without ``:pyobject:`` are never folded. :func:`fold_docstrings` is
shared with the notebook converter (``plain_notebooks.py``), so the downloaded
notebook shows the same lines as the page.
"""

from __future__ import annotations

import ast
import re
import textwrap

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.directives.code import LiteralInclude

MODES = ("summary", "full")
_OPENING = re.compile(r"^(\s*)([rRuUbB]{0,2})(\"\"\"|'''|\"|')")


def docstring_mode(options: dict) -> str:
    """The folding an include's options ask for ("full" when there is no ``:pyobject:``)."""
    if "docstring" in options:
        return options["docstring"]
    return "summary" if options.get("pyobject") else "full"


def _docstring_nodes(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                yield body[0].value


def fold_docstrings(code: str, mode: str = "summary") -> str:
    """``code`` with every docstring cut to its first paragraph (``mode="summary"``).

    Lines other than docstrings are kept byte for byte. A docstring that is
    already its summary is left alone. Code that does not parse is returned
    unchanged.
    """
    if mode not in MODES:
        raise ValueError(f"docstring mode must be one of {MODES}, got {mode!r}")
    if mode == "full":
        return code
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        return code
    lines = code.split("\n")
    # Bottom-up, so that earlier line numbers stay valid while lines are removed.
    for doc in sorted(_docstring_nodes(tree), key=lambda n: n.lineno, reverse=True):
        first, last = doc.lineno - 1, doc.end_lineno - 1
        if first == last:
            continue
        opening = _OPENING.match(lines[first])
        if opening is None:  # e.g. a docstring that starts on the line after its quotes
            continue
        indent, prefix, quote = opening.groups()
        paragraph = doc.value.strip().split("\n\n")[0].split("\n")
        paragraph = [line.strip() for line in paragraph if line.strip()]
        if not paragraph:
            continue
        folded = [f"{indent}{prefix}{quote}{paragraph[0]}"]
        folded += [f"{indent}{line}" for line in paragraph[1:]]
        folded[-1] += quote
        lines[first:last + 1] = folded
    return "\n".join(lines)


class FoldedLiteralInclude(LiteralInclude):
    """``literalinclude`` with a ``:docstring: summary|full`` option."""

    option_spec = dict(LiteralInclude.option_spec,
                       docstring=lambda arg: directives.choice(arg, MODES))

    def run(self):
        mode = docstring_mode(self.options)
        result = super().run()
        if mode == "full":
            return result
        for node in result:
            for block in node.findall(nodes.literal_block):
                folded = fold_docstrings(block.astext(), mode)
                block.rawsource = folded
                block.children = [nodes.Text(folded)]
        return result


def setup(app):
    app.add_directive("literalinclude", FoldedLiteralInclude, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
