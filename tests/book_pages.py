"""What the book is made of: the pages listed in ``_toc.yml``."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def toc_docs(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """Every document named in the table of contents, root first (no suffix)."""
    toc = yaml.safe_load(toc_path.read_text())
    docs = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                docs.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [str(Path(d).with_suffix("")) for d in docs]


def source_of(doc: str) -> Path:
    """The source file of a document (``.md`` or ``.ipynb``)."""
    for suffix in (".md", ".ipynb"):
        path = ROOT / (doc + suffix)
        if path.exists():
            return path
    raise FileNotFoundError(f"no source for {doc!r} listed in _toc.yml")


def is_notebook(path: Path) -> bool:
    """True for an executable MyST notebook (it has a jupytext/kernelspec header)."""
    if path.suffix == ".ipynb":
        return True
    head = path.read_text().split("\n---", 1)[0]
    return path.read_text().startswith("---") and "kernelspec" in head


def code_cells(path: Path) -> list[tuple[int, list[str], str]]:
    """The ``{code-cell}`` blocks of a MyST notebook: (line, tags, source).

    Cell options may be given as ``:tags: [a, b]`` lines or as a YAML block
    between ``---`` lines at the top of the cell, as MyST allows.
    """
    lines = path.read_text().splitlines()
    cells = []
    i = 0
    while i < len(lines):
        fence = lines[i].strip()
        if fence.startswith("```{code-cell}"):
            ticks = fence[: len(fence) - len(fence.lstrip("`"))]
            start, body, i = i + 1, [], i + 1
            while i < len(lines) and lines[i].strip() != ticks:
                body.append(lines[i])
                i += 1
            options = {}
            if body and body[0].strip() == "---":
                end = body.index("---", 1)
                options = yaml.safe_load("\n".join(body[1:end])) or {}
                body = body[end + 1:]
            else:
                while body and body[0].startswith(":"):
                    key, _, value = body.pop(0)[1:].partition(":")
                    options[key.strip()] = yaml.safe_load(value.strip())
            tags = options.get("tags") or []
            cells.append((start, list(tags), "\n".join(body)))
        i += 1
    return cells
