"""Every chapter can be downloaded as an executed, plain Jupyter notebook: no
MyST left, the source of every library object the chapter includes shown in
it, outputs kept, an install cell first, and it runs top to bottom in a fresh
kernel. (tests/test_newcomer.py runs them outside the repository, in a
virtual environment that has nothing but Jupyter.)"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from nbclient import NotebookClient
from sphinx.directives.code import LiteralIncludeReader

from book_pages import ROOT, is_notebook, source_of, toc_docs

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import plain_notebooks  # noqa: E402
from folded_source import FoldedLiteralInclude, docstring_mode, fold_docstrings  # noqa: E402

pytestmark = pytest.mark.book

NOTEBOOKS = [d for d in toc_docs() if is_notebook(source_of(d))]
INCLUDE = re.compile(r"^```+\{literalinclude\}\s+(\S+)\s*\n((?::[^\n]*\n)*)", re.MULTILINE)


def _includes(doc: str) -> list[tuple[str, str]]:
    """(what, source text) of every literalinclude in a chapter, read as Sphinx reads it."""
    path = source_of(doc)
    found = []
    for match in INCLUDE.finditer(path.read_text()):
        options = {}
        for line in match.group(2).splitlines():
            key, _, value = line[1:].partition(":")
            options[key.strip()] = FoldedLiteralInclude.option_spec[key.strip()](value.strip())
        included = (path.parent / match.group(1)).resolve()
        text, _ = LiteralIncludeReader(str(included), options,
                                       SimpleNamespace(source_encoding="utf-8-sig")).read()
        text = fold_docstrings(text, docstring_mode(options))
        found.append((f"{match.group(1)} {options.get('pyobject', '')}", text.rstrip("\n")))
    return found


@pytest.mark.parametrize("doc", NOTEBOOKS)
def test_downloaded_notebook_is_plain_jupyter_and_shows_the_library_source(book_build, doc):
    built = book_build.html / "_sources" / f"{doc}.ipynb"
    nb = nbformat.read(built, as_version=4)
    nbformat.validate(nb)
    assert plain_notebooks.myst_leftovers(nb) == []
    assert "jupytext" not in nb.metadata
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    missing = [what for what, text in _includes(doc) if f"\n{text}\n```" not in markdown]
    assert missing == [], "library source missing from the notebook"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert plain_notebooks.INSTALL_TAG in code[0].metadata["tags"]
    # Nothing of the library is redefined in a code cell.
    assert not any(re.search(r"^(def|class) ", c.source, re.MULTILINE) for c in code
                   if "solution" not in c.metadata.get("tags", []))


@pytest.mark.parametrize("doc", NOTEBOOKS)
def test_downloaded_notebook_keeps_every_output_and_figure(book_build, doc):
    executed = nbformat.read(Path(book_build.html).parent / "jupyter_execute" / f"{doc}.ipynb",
                             as_version=4)
    plain = nbformat.read(book_build.html / "_sources" / f"{doc}.ipynb", as_version=4)

    def outputs(nb):  # a figure's book HTML is not in the notebook (plain_output)
        return [plain_notebooks.plain_output(o) for c in nb.cells if c.cell_type == "code"
                for o in c.outputs]

    assert outputs(plain) == outputs(executed)
    figures = [o for o in outputs(plain) if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert figures, "a page with figures lost them in its notebook"


@pytest.mark.parametrize("doc", toc_docs())
def test_page_source_is_downloadable(book_build, doc):
    suffix = source_of(doc).suffix
    assert (book_build.html / "_sources" / f"{doc}{suffix}").is_file()


@pytest.mark.parametrize("doc", NOTEBOOKS)
def test_downloaded_notebook_has_outputs_and_runs_in_a_fresh_kernel(book_build, doc, tmp_path):
    built = book_build.html / "_sources" / f"{doc}.ipynb"
    assert built.is_file(), "the page offers no .ipynb download"
    html = (book_build.html / f"{doc}.html").read_text()
    assert "download-notebook-button" in html
    saved = json.loads(built.read_text())
    code = [c for c in saved["cells"] if c["cell_type"] == "code"]
    assert any(c.get("outputs") for c in code), "the notebook was saved without outputs"

    notebook = tmp_path / built.name
    shutil.copy(built, notebook)
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []
