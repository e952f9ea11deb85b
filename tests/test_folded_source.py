"""The book shows library code with docstrings folded to their summary
(book/_ext/folded_source.py): the folded code is the library's code, line for
line, minus the docstring bodies, on the page and in the downloaded notebook."""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from sphinx.directives.code import LiteralIncludeReader

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import folded_source as fs  # noqa: E402
import plain_notebooks as pn  # noqa: E402

CODE = '''class Scaler:
    """Scale features.

    Parameters
    ----------
    x : array, shape (n, d)
    """

    def fit(self, x):
        r"""Learn the range of each column,
        one number per column.

        Details :math:`x_j`.
        """
        self.low = x.min(axis=0)  # """not a docstring"""
        return self

    def short(self):
        """Already one line."""
        return 1
'''


def _no_docstrings(code: str) -> str:
    tree = ast.parse(textwrap.dedent(code))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node):
            node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree)


def test_summary_keeps_first_paragraph_and_every_code_line():
    folded = fs.fold_docstrings(CODE)
    assert folded.split("\n")[:2] == ['class Scaler:', '    """Scale features."""']
    assert ('        r"""Learn the range of each column,\n'
            '        one number per column."""') in folded
    assert "Parameters" not in folded and ":math:" not in folded
    assert '"""Already one line."""' in folded
    assert '# """not a docstring"""' in folded
    assert _no_docstrings(folded) == _no_docstrings(CODE)  # same code, only docstrings changed
    assert len(folded.split("\n")) == len(CODE.split("\n")) - 8


def test_full_and_bad_modes():
    assert fs.fold_docstrings(CODE, "full") == CODE
    with pytest.raises(ValueError, match="docstring mode"):
        fs.fold_docstrings(CODE, "short")
    assert fs.docstring_mode({"pyobject": "f"}) == "summary"
    assert fs.docstring_mode({"pyobject": "f", "docstring": "full"}) == "full"
    assert fs.docstring_mode({}) == "full"


def test_library_object_folds_to_valid_python_with_the_same_code():
    path = ROOT / "code" / "nnlearn" / "losses.py"
    text, _ = LiteralIncludeReader(str(path), {"pyobject": "huber"},
                                   SimpleNamespace(source_encoding="utf-8-sig")).read()
    folded = fs.fold_docstrings(text)
    assert len(folded.split("\n")) < len(text.split("\n"))
    assert _no_docstrings(folded) == _no_docstrings(text)


def test_notebook_converter_folds_like_the_page():
    source = """```{literalinclude} ../code/nnlearn/losses.py
:pyobject: huber
```
"""
    nb = pn.convert(_notebook(source), _context())
    markdown = _markdown(nb)
    path = ROOT / "code" / "nnlearn" / "losses.py"
    text, _ = LiteralIncludeReader(str(path), {"pyobject": "huber"},
                                   SimpleNamespace(source_encoding="utf-8-sig")).read()
    assert fs.fold_docstrings(text).rstrip("\n") in markdown
    full = _markdown(pn.convert(_notebook(source.replace("huber\n", "huber\n:docstring: full\n")),
                                _context()))
    assert text.rstrip("\n") in full


def _markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _notebook(markdown: str):
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(markdown)]
    return nb


def _context():
    return pn.Context(docname="book/02-loss-functions", source_dir=ROOT / "book", version="9.9.9")
