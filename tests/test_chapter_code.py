"""Chapters call the library; they never define algorithms of their own.

A code cell that defines a function or a class fails this test, unless the cell
is tagged ``exercise`` or ``solution`` (a reader's exercise may ask for one).
Algorithms live in code/nnlearn and are shown with literalinclude + :pyobject:.
"""

from __future__ import annotations

import ast
import re

import pytest

from book_pages import ROOT, code_cells, is_notebook, source_of, toc_docs

ALLOWED_TAGS = {"exercise", "solution"}
NOTEBOOKS = [d for d in toc_docs() if is_notebook(source_of(d))]


@pytest.mark.parametrize("doc", NOTEBOOKS)
def test_no_cell_defines_a_function_or_class(doc):
    offenders = []
    for line, tags, cell_source in code_cells(source_of(doc)):
        if ALLOWED_TAGS & set(tags):
            continue
        source = "\n".join(text for text in cell_source.splitlines()
                           if not text.lstrip().startswith(("%", "!")))
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                offenders.append(f"line {line}: {type(node).__name__} {node.name!r}")
    assert offenders == [], (
        f"{doc} defines code in a cell; move it to code/nnlearn and show it with "
        f"literalinclude :pyobject: ({offenders})")


INCLUDE = re.compile(r"```\{literalinclude\}\s+(\S+)\s*\n((?::[^\n]*\n)*)")


@pytest.mark.parametrize("doc", toc_docs())
def test_literalincludes_show_library_objects(doc):
    path = source_of(doc)
    for target, options in INCLUDE.findall(path.read_text()):
        file = (path.parent / target).resolve()
        assert file.is_file(), f"{doc}: literalinclude of missing {target}"
        assert ((ROOT / "code" / "nnlearn") in file.parents
                or file.parent == ROOT / "examples"), (    # tested examples (PyTorch)
            f"{doc}: literalinclude must show code from code/nnlearn or examples/, "
            f"not {target}")
        assert ":pyobject:" in options, f"{doc}: include {target} with :pyobject:"


def test_cell_parser_reads_tags_and_sources(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("# T\n```{code-cell} ipython3\n:tags: [exercise]\ndef f(x):\n"
                    "    return x\n```\n\n```{code-cell} ipython3\n---\ntags: [hide-input]\n"
                    "---\nx = 1\n```\n")
    cells = code_cells(page)
    assert [c[1] for c in cells] == [["exercise"], ["hide-input"]]
    assert cells[0][2].startswith("def f(x):") and cells[1][2] == "x = 1"
