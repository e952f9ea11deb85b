"""Package what a reader downloads, after ``make book`` and ``python -m build``.

    python tools/make_dist.py        (run by `make dist`)

Reads the built site (``_build/html``) and the wheel and sdist that
``python -m build`` wrote to ``_build/dist``, and writes to ``_build/dist``:

* ``how-neural-networks-learn-notebooks.zip``: the chapter notebooks (plain
  Jupyter, executed, each installing nnlearn from the wheel beside it) and the
  wheel, in one folder;
* ``how-neural-networks-learn-site.zip``: the whole site, readable from
  ``file://`` after unzipping (open ``index.html``);
* ``CITATION.cff`` with the repository's address filled in when
  ``NNLEARN_REPOSITORY`` is set.

It also copies the wheel to ``_build/html/dist/``, where the notebooks
downloaded from the site find it. Every notebook is checked first: no MyST
left, the install cell first, outputs kept.
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
HTML = BUILD / "html"
DIST = BUILD / "dist"
NOTEBOOKS_ZIP = "how-neural-networks-learn-notebooks.zip"
SITE_ZIP = "how-neural-networks-learn-site.zip"

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import plain_notebooks  # noqa: E402
import project_info  # noqa: E402

NOTEBOOKS_README = """\
How neural networks learn: the chapters as Jupyter notebooks (version {version})

Each chapter is a notebook with its outputs and figures already in it. To run
them, open this folder in JupyterLab (or Jupyter Notebook, VS Code, ...):

    python -m pip install jupyterlab
    jupyter lab

The first code cell of every notebook installs the book's library nnlearn
(with plotly and scikit-learn) from {wheel}, the wheel in this
folder, unless nnlearn {version} is already installed. Solutions to the
exercises are in collapsed cells: click the "..." to open one.

Text and figures: CC BY 4.0. Code: MIT.
"""

SITE_README = """\
How neural networks learn (version {version}): the whole website, offline.

Open index.html in a browser. Everything, search and interactive figures
included, works from the files in this folder, with no network.

Text and figures: CC BY 4.0. Code: MIT.
"""


def chapter_docs() -> list[str]:
    """The chapters (``book/NN-name``) in book order."""
    return sorted(p.with_suffix("").relative_to(ROOT).as_posix()
                  for p in (ROOT / "book").glob("[0-9][0-9]-*.md"))


def check_notebook(path: Path) -> None:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    problems = plain_notebooks.myst_leftovers(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not code or plain_notebooks.INSTALL_TAG not in code[0].metadata.get("tags", []):
        problems.append("the first code cell does not install nnlearn")
    if not any(c.get("outputs") for c in code):
        problems.append("no outputs")
    if problems:
        raise SystemExit(f"{path}: " + "; ".join(problems[:10]))


def _zip(target: Path, files: dict[str, Path]) -> None:
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, path in sorted(files.items()):
            zf.write(path, name)
    tmp.replace(target)


def _text_file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf8")
    return path


def citation(version: str) -> str:
    text = (ROOT / "CITATION.cff").read_text(encoding="utf8")
    repository = project_info.repository_name()
    if repository:
        url = project_info.site_url() or f"https://github.com/{repository}"
        text += f'repository-code: "https://github.com/{repository}"\nurl: "{url}"\n'
    return text


def main() -> int:
    version = project_info.library_version(ROOT)
    wheel = DIST / f"nnlearn-{version}-py3-none-any.whl"
    sdist = DIST / f"nnlearn-{version}.tar.gz"
    for path in (wheel, sdist):
        if not path.is_file():
            raise SystemExit(f"{path} is missing: run `python -m build --outdir {DIST}` first")
    if not (HTML / "index.html").is_file():
        raise SystemExit(f"{HTML} has no built site: run `make book` first")

    served = HTML / "dist"
    shutil.rmtree(served, ignore_errors=True)
    served.mkdir(parents=True)
    shutil.copy2(wheel, served / wheel.name)

    folder = NOTEBOOKS_ZIP.removesuffix(".zip")
    files = {f"{folder}/{wheel.name}": wheel}
    for doc in chapter_docs():
        notebook = HTML / "_sources" / f"{doc}.ipynb"
        if not notebook.is_file():
            raise SystemExit(f"{notebook} is missing: the book built no notebook for {doc}")
        check_notebook(notebook)
        files[f"{folder}/{notebook.name}"] = notebook
    extra = BUILD / "dist-extra"
    shutil.rmtree(extra, ignore_errors=True)
    extra.mkdir()
    files[f"{folder}/README.txt"] = _text_file(
        extra, "notebooks-README.txt", NOTEBOOKS_README.format(version=version, wheel=wheel.name))
    files[f"{folder}/LICENSE"] = ROOT / "LICENSE"
    _zip(DIST / NOTEBOOKS_ZIP, files)

    folder = SITE_ZIP.removesuffix(".zip")
    files = {f"{folder}/{p.relative_to(HTML).as_posix()}": p
             for p in HTML.rglob("*") if p.is_file() and p.name != ".buildinfo"}
    files[f"{folder}/README.txt"] = _text_file(extra, "site-README.txt",
                                               SITE_README.format(version=version))
    files[f"{folder}/LICENSE"] = ROOT / "LICENSE"
    _zip(DIST / SITE_ZIP, files)

    (DIST / "CITATION.cff").write_text(citation(version), encoding="utf8")
    shutil.rmtree(extra)
    for path in sorted(DIST.iterdir()):
        print(f"{path.stat().st_size / 1e6:8.2f} MB  {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
