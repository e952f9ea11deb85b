"""The MyST -> plain Jupyter converter (book/_ext/plain_notebooks.py), on small
notebooks written here; tests/test_notebooks.py checks the book's own."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import folded_source  # noqa: E402
import plain_notebooks as pn  # noqa: E402
import project_info  # noqa: E402

import nnlearn  # noqa: E402
from nnlearn import descent  # noqa: E402

SITE = "https://someone.github.io/book/"


def _context(site_url: str = "", **kw) -> pn.Context:
    base = dict(
        docname="book/03-gradient-descent",
        source_dir=ROOT / "book",
        version="9.9.9",
        site_url=site_url,
        chapter="3",
        labels={"ch3-condition": pn.Target("book/03-gradient-descent", "ch3-condition",
                                           "The condition number", "The condition number"),
                "ch2-median": pn.Target("book/02-loss-functions", "ch2-median", "",
                                        "Exercise 2.1 (Median)")},
        terms={"gradient": pn.Target("book/glossary", "term-gradient"),
               "loss function": pn.Target("book/glossary", "term-loss-function")},
        citations={"kingma2015adam": ("Kingma and Ba (2015)", "Kingma and Ba, 2015"),
                   "he2015delving": ("He et al. (2015)", "He et al., 2015")},
        notebook_docs={"book/02-loss-functions", "book/03-gradient-descent"},
        substitutions={"version": "9.9.9"},
    )
    base.update(kw)
    return pn.Context(**base)


def _notebook(*cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                  "language": "python"},
                   "jupytext": {"text_representation": {"format_name": "myst"}}}
    for kind, source, *tags in cells:
        cell = (nbformat.v4.new_markdown_cell(source) if kind == "md"
                else nbformat.v4.new_code_cell(source))
        if tags:
            cell.metadata["tags"] = tags[0]
        nb.cells.append(cell)
    return nb


def _markdown(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


LITERALINCLUDE = """Here it is:

```{literalinclude} ../code/nnlearn/descent.py
:pyobject: gradient_descent
:emphasize-lines: 2
```
"""


def test_literalinclude_becomes_the_source_it_shows():
    nb = pn.convert(_notebook(("md", LITERALINCLUDE), ("code", "x = 1")), _context())
    text = _markdown(nb)
    # Docstring folded to its summary, as on the page (book/_ext/folded_source.py).
    shown = folded_source.fold_docstrings(inspect.getsource(descent.gradient_descent))
    assert shown.rstrip() in text
    assert "```python\ndef gradient_descent(" in text
    assert "`nnlearn.descent.gradient_descent`" in text
    assert "literalinclude" not in text
    # Shown as markdown, never as a code cell that would redefine the library.
    assert all("def gradient_descent" not in c.source for c in nb.cells
               if c.cell_type == "code")


def test_literalinclude_options_cut_the_source_like_sphinx():
    source = """```{literalinclude} ../code/nnlearn/descent.py
:pyobject: gradient_descent
:start-at: path = np.empty
:dedent: 4
```"""
    text = _markdown(pn.convert(_notebook(("md", source)), _context()))
    full = inspect.getsource(descent.gradient_descent)
    tail = full[full.index("    path = np.empty"):]
    expected = "\n".join(line[4:] for line in tail.rstrip().splitlines())
    assert f"```python\n{expected}\n```" in text


def test_roles_become_text_locally_and_site_links_when_deployed():
    source = ("The {term}`gradient` of the {term}`loss <loss function>`, see "
              "{ref}`ch3-condition` and {ref}`the median <ch2-median>`; Adam "
              "{cite:p}`kingma2015adam`, as {cite:t}`he2015delving` showed, "
              "{math}`x^2`. Version {{ version }}. [Chapter 2](02-loss-functions.md), "
              "[the glossary](glossary.md), `{term}` in code stays.")
    local = _markdown(pn.convert(_notebook(("md", source)), _context()))
    assert local == (
        "The gradient of the loss, see [The condition number](#The-condition-number) and "
        "[the median](02-loss-functions.ipynb#Exercise-2.1-(Median)); Adam "
        "(Kingma and Ba, 2015), as He et al. (2015) showed, $x^2$. Version 9.9.9. "
        "[Chapter 2](02-loss-functions.ipynb), the glossary, `{term}` in code stays.")
    deployed = _markdown(pn.convert(_notebook(("md", source)), _context(SITE)))
    assert f"[gradient]({SITE}book/glossary.html#term-gradient)" in deployed
    assert f"[loss]({SITE}book/glossary.html#term-loss-function)" in deployed
    assert f"[The condition number]({SITE}book/03-gradient-descent.html#ch3-condition)" \
        in deployed
    assert f"[(Kingma and Ba, 2015)]({SITE}book/references.html)" in deployed
    assert f"[Chapter 2]({SITE}book/02-loss-functions.html)" in deployed
    assert f"[the glossary]({SITE}book/glossary.html)" in deployed


ADMONITION = """(ch3-label)=
## A section

```{admonition} Common mistake: the sign
:class: danger
A loss that *rises* means the {term}`gradient` was added.
```

```{note}
Short.
```
"""


def test_admonitions_become_block_quotes_and_labels_vanish():
    text = _markdown(pn.convert(_notebook(("md", ADMONITION)), _context()))
    assert text == ("## A section\n\n> **Common mistake: the sign**\n>\n"
                    "> A loss that *rises* means the gradient was added.\n\n"
                    "> **Note**\n>\n> Short.")


EXERCISES = [
    ("md", """## Exercises

````{exercise} The largest step
:label: ch3-one
Find $\\eta$.
````

```{solution-start} ch3-one
:class: dropdown
```
It is $2/L$.
"""),
    ("code", "print(2 / 10)", ["solution"]),
    ("md", """```{solution-end}
```

````{exercise}
:label: ch3-two
Second.
````

````{solution} ch3-two
:class: dropdown
Answer two.
````

Text after."""),
]


def test_exercises_become_headings_and_solutions_collapsed_cells():
    nb = pn.convert(_notebook(*EXERCISES), _context())
    cells = [(c.cell_type, c.source, c.metadata.get("jupyter", {})) for c in nb.cells]
    hidden = {"source_hidden": True}
    assert cells[0] == ("markdown", "## Exercises\n\n### Exercise 3.1 (The largest step)\n\n"
                        "Find $\\eta$.", {})
    # Collapsed from the first line on (JupyterLab previews that line).
    assert cells[1] == ("markdown", "#### Solution to exercise 3.1\n\nIt is $2/L$.", hidden)
    assert cells[2][0] == "code" and cells[2][1].startswith("# Installs")  # install cell
    assert cells[3] == ("code", "# Solution to exercise 3.1\nprint(2 / 10)",
                        {"source_hidden": True, "outputs_hidden": True})
    assert cells[4] == ("markdown", "### Exercise 3.2\n\nSecond.", {})
    assert cells[5] == ("markdown", "#### Solution to exercise 3.2\n\nAnswer two.", hidden)
    assert cells[6] == ("markdown", "Text after.", {})
    assert pn.myst_leftovers(nb) == []


def test_dropdown_becomes_a_collapsed_cell_and_hidden_code_stays_hidden():
    source = ":::{dropdown} The source\n" + LITERALINCLUDE + ":::\n\nAfter."
    nb = pn.convert(_notebook(("md", source), ("code", "fig", ["remove-input"])), _context())
    md = [c for c in nb.cells if c.cell_type == "markdown"]
    assert md[0].metadata["jupyter"] == {"source_hidden": True}
    assert md[0].source.startswith("**The source**\n\nHere it is:")
    assert "def gradient_descent(" in md[0].source
    assert md[1].source == "After." and "jupyter" not in md[1].metadata
    assert nb.cells[-1].metadata["jupyter"] == {"source_hidden": True}


def test_outputs_are_kept_and_the_notebook_is_plain_and_valid():
    nb = _notebook(("md", "# Title"), ("code", "1 + 1"))
    nb.cells[1].outputs = [nbformat.v4.new_output(
        "execute_result", data={"text/plain": "2"}, execution_count=1)]
    plain = pn.convert(nb, _context())
    nbformat.validate(plain)
    assert "jupytext" not in plain.metadata
    assert plain.metadata["kernelspec"]["name"] == "python3"
    assert plain.cells[2].outputs == nb.cells[1].outputs
    assert plain.cells[1].metadata["tags"] == [pn.INSTALL_TAG]


def test_figures_keep_the_plotly_mimetype_and_are_written_on_one_line():
    figure = {"data": [{"type": "scatter", "y": [1.5, 2.5]}], "layout": {"title": {"text": "t"}}}
    nb = _notebook(("md", "# Title"), ("code", "fig"))
    nb.cells[1].outputs = [nbformat.v4.new_output("display_data", data={
        pn.PLOTLY_MIME: figure, "text/html": '<div class="nnlearn-figure"></div>'})]
    plain = pn.convert(nb, _context())
    # Jupyter draws the mimetype; the book's <div> needs the site's script.
    assert plain.cells[2].outputs[0]["data"] == {pn.PLOTLY_MIME: figure}
    assert "text/html" in nb.cells[1].outputs[0]["data"]  # the input is left alone
    text = pn.dumps(plain)
    assert '{"data":[{"type":"scatter","y":[1.5,2.5]}],"layout":{"title":{"text":"t"}}}' in text
    assert "\n   \"cell_type\"" in text  # the rest stays indented
    assert nbformat.reads(text, as_version=4) == plain


@pytest.mark.parametrize("leftover", [
    "see {ref}`x`", "```{note}\nx\n```", ":::{dropdown} a\nb\n:::", "(lab)=\n# T",
    "v{{ version }}",
])
def test_leftovers_are_found(leftover):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(leftover)])
    assert pn.myst_leftovers(nb) != []


def test_code_is_not_mistaken_for_myst():
    text = "```python\nx = {a}`b`\n```\n\nUse `{term}` and $\\mathbf{x}$."
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
    assert pn.myst_leftovers(nb) == []


def _run_install_cell(source: str, monkeypatch, tmp_path) -> list:
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a[0]))
    monkeypatch.chdir(tmp_path)
    exec(compile(source, "install-cell", "exec"), {})
    return calls


def test_install_cell_does_nothing_when_the_version_is_installed(monkeypatch, tmp_path):
    source = pn.install_cell_source(nnlearn.__version__, SITE)
    assert _run_install_cell(source, monkeypatch, tmp_path) == []


def test_install_cell_prefers_the_wheel_beside_the_notebook(monkeypatch, tmp_path):
    source = pn.install_cell_source("9.9.9", SITE)
    calls = _run_install_cell(source, monkeypatch, tmp_path)
    assert calls[0][-1] == f"nnlearn[book] @ {SITE}dist/nnlearn-9.9.9-py3-none-any.whl"
    assert calls[0][:4] == [sys.executable, "-m", "pip", "install"]
    (tmp_path / "nnlearn-9.9.9-py3-none-any.whl").write_bytes(b"")
    calls = _run_install_cell(source, monkeypatch, tmp_path)
    wheel = (tmp_path / "nnlearn-9.9.9-py3-none-any.whl").resolve().as_uri()
    assert calls[0][-1] == f"nnlearn[book] @ {wheel}"
    local_build = pn.install_cell_source("9.9.9", "")
    (tmp_path / "nnlearn-9.9.9-py3-none-any.whl").unlink()
    assert _run_install_cell(local_build, monkeypatch, tmp_path)[0][-1] == "nnlearn[book]==9.9.9"


@pytest.mark.parametrize("environ, url", [
    ({}, ""),
    ({"NNLEARN_REPOSITORY": "Ann/how-nn"}, "https://ann.github.io/how-nn/"),
    ({"NNLEARN_REPOSITORY": "ann/ann.github.io"}, "https://ann.github.io/"),
    ({"NNLEARN_REPOSITORY": "ann/b", "NNLEARN_SITE_URL": "https://book.example"},
     "https://book.example/"),
])
def test_site_url_from_the_repository(environ, url):
    assert project_info.site_url(environ) == url


def test_buttons_and_base_url_only_when_deployed():
    from types import SimpleNamespace

    config = SimpleNamespace(myst_substitutions={}, html_theme_options={"a": 1},
                             html_baseurl="", version="", release="")
    project_info.configure(config, ROOT, environ={})
    assert config.version == config.release == nnlearn.__version__
    assert config.myst_substitutions == {"version": nnlearn.__version__}
    assert config.html_theme_options == {"a": 1} and config.html_baseurl == ""
    project_info.configure(config, ROOT, environ={"NNLEARN_REPOSITORY": "ann/how-nn"})
    assert config.html_baseurl == "https://ann.github.io/how-nn/"
    options = config.html_theme_options
    assert options["repository_url"] == "https://github.com/ann/how-nn"
    assert options["use_edit_page_button"] and options["use_issues_button"]
    assert options["use_repository_button"] and options["a"] == 1
    with pytest.raises(Exception, match="owner/name"):
        project_info.configure(config, ROOT, environ={"NNLEARN_REPOSITORY": "not a repo"})
