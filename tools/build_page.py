"""Build one page of the book alone, for a quick look while writing it.

    python tools/build_page.py book/03-gradient-descent.md

The page becomes the root of a small book, together with the API reference
(all its pages, as in ``_toc.yml``, so warnings from the library's docstrings
and from the check that every module is on one API page show up too), built into
``_build/pages/<name>/_build/html``. Links to other chapters cannot resolve in
such a build, so warnings are printed but do not fail it: ``make book`` is the
strict build that counts.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
API = "book/api"


def api_entry(toc_path: Path = ROOT / "_toc.yml") -> dict:
    """The API reference's entry of the table of contents, with its pages."""
    toc = yaml.safe_load(toc_path.read_text())
    for part in toc.get("parts", []):
        for entry in part.get("chapters", []):
            if entry.get("file") == API:
                return entry
    raise SystemExit(f"{toc_path} has no entry for {API}")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    page = Path(argv[0]).resolve()
    if not page.is_file():
        print(f"no such page: {argv[0]}")
        return 2
    doc = page.relative_to(ROOT).with_suffix("").as_posix()
    out = ROOT / "_build" / "pages" / page.stem
    api = api_entry()
    if doc == API or doc.startswith(API + "/"):
        small = {"format": "jb-book", "root": API, "chapters": api.get("sections", [])}
    else:
        small = {"format": "jb-book", "root": doc, "chapters": [api]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as toc:
        yaml.safe_dump(small, toc, sort_keys=False)
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--toc", toc.name, "--path-output", str(out)]
    result = subprocess.run(cmd, cwd=ROOT)
    Path(toc.name).unlink()
    print(f"\nhtml: {out / '_build' / 'html' / (doc + '.html')}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
