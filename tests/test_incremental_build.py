"""A rebuild after an edit (book/_ext/incremental_build.py, and katex_math without Node.js).

Each test builds a tiny Sphinx project in a temporary folder with the book's
extensions, twice: the full book build takes minutes, these take seconds.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "book" / "_ext"


def make_project(tmp_path: Path, extensions: list[str], index: str) -> Path:
    src = tmp_path / "src"
    (src / "_static").mkdir(parents=True)
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(EXT)!r})\n"
        f"extensions = {extensions!r}\n"
        "html_static_path = ['_static']\n"
        "html_math_renderer = 'katex' if 'katex_math' in extensions else None\n",
        encoding="utf8")
    name = "index.md" if "myst_parser" in extensions else "index.rst"
    (src / name).write_text(index, encoding="utf8")
    return src


def build(src: Path, **env: str) -> str:
    """Build the project into src/_build/html (warnings fail) and return the log."""
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-b", "html", str(src), str(src / "_build" / "html"),
         "-d", str(src / "_build" / "doctrees")],
        capture_output=True, text=True, env={**os.environ, **env})
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_an_edited_static_file_reaches_the_site_when_no_page_changed(tmp_path):
    src = make_project(tmp_path, ["incremental_build"], "Title\n=====\n\nText.\n")
    script = src / "_static" / "figures.js"
    script.write_text("draw(1);\n", encoding="utf8")
    (src / "_static" / "fonts").mkdir()
    (src / "_static" / "fonts" / "a.woff2").write_bytes(b"old")
    build(src)
    site = src / "_build" / "html" / "_static"
    assert (site / "figures.js").read_text(encoding="utf8") == "draw(1);\n"

    script.write_text("draw(2);\n", encoding="utf8")
    (src / "_static" / "fonts" / "a.woff2").write_bytes(b"new")
    (src / "_static" / "new.css").write_text("p {}\n", encoding="utf8")
    (src / "_static" / ".hidden").write_text("secret\n", encoding="utf8")
    log = build(src)
    assert "no targets are out of date" in log  # Sphinx wrote no page and copied nothing
    assert (site / "figures.js").read_text(encoding="utf8") == "draw(2);\n"
    assert (site / "fonts" / "a.woff2").read_bytes() == b"new"
    assert (site / "new.css").is_file()
    assert not (site / ".hidden").exists()  # excluded, as Sphinx excludes it
    assert "copied 3 changed static file(s)" in log

    log = build(src)
    assert "copied" not in log


def test_doctrees_do_not_carry_the_scratch_document_of_eval_rst(tmp_path):
    # myst-parser parses {eval-rst} in a scratch document whose settings hold
    # the build environment; nodes that point at it pickle it with the page.
    src = make_project(tmp_path, ["myst_parser", "incremental_build"],
                       "# Title\n\n```{eval-rst}\n* one *item*\n\n  * nested\n```\n")
    build(src)
    doctree = pickle.loads((src / "_build" / "doctrees" / "index.doctree").read_bytes())
    strays = [n for n in doctree.findall() if n.document is not doctree]
    assert not strays, strays[:3]
    assert "nested" in doctree.astext()


def test_the_browser_katex_script_survives_an_unchanged_rebuild_without_node(tmp_path):
    src = make_project(tmp_path, ["katex_math"], "Title\n=====\n\nA formula :math:`x^2`.\n")
    no_node = {"NNLEARN_NODE": "no-such-node-program"}
    script = src / "_build" / "html" / "_static" / "katex" / "katex.min.js"
    build(src, **no_node)
    assert script.is_file()
    assert "no targets are out of date" in build(src, **no_node)
    assert script.is_file()
    assert (script.parent / "katex.min.css").is_file()


def test_the_book_uses_the_extension():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf8"))
    assert "incremental_build" in config["sphinx"]["config"]["extensions"]
    assert config["sphinx"]["local_extensions"]["incremental_build"] == "book/_ext"
