"""Every chapter can be downloaded as an executed notebook that runs top to
bottom in a fresh kernel, outside the repository."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest
from book_pages import is_notebook, source_of, toc_docs
from nbclient import NotebookClient

pytestmark = pytest.mark.book

NOTEBOOKS = [d for d in toc_docs() if is_notebook(source_of(d))]


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
