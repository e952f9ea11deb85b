"""Turn an executed MyST notebook into a plain Jupyter notebook.

A chapter is written in MyST: its markdown cells hold directives
(``literalinclude``, admonitions, exercises, solutions, dropdowns), roles
(``{term}``, ``{ref}``, ``{cite:p}`` ...), labels and substitutions, which
only Sphinx understands. The notebook a reader downloads must read well in
plain Jupyter, so :func:`convert` rewrites every markdown cell:

* ``literalinclude`` becomes the library source it shows, as a markdown code
  block (the notebook shows the library's code but does not redefine it),
  docstrings folded as on the page (``folded_source.py``);
* roles become their text, linked to the site when its address is known
  (``site_url``), otherwise plain text; links to other chapters point to the
  site or, locally, to the sibling ``.ipynb`` (the notebooks zip holds them
  all);
* admonitions and dropdowns become block quotes / collapsed cells;
* an exercise becomes a heading ("Exercise 3.1: title"); its solution gets a
  heading and its cells (text and code) are collapsed
  (``metadata.jupyter.source_hidden``, which JupyterLab honours);
* labels are dropped and ``{{ version }}`` substitutions filled in.

Code cells and their outputs (figures included) are kept; cells the page
hides (``remove-input``, ``remove-cell``, ``hide-input``) are collapsed. A
figure keeps its plotly mimetype, which Jupyter draws, but not the book's HTML
of it (a ``<div>`` that only the site's script draws): :func:`plain_output`.
The notebook is written with its figures' JSON on one line each
(:func:`dumps`), so the download is about a third of an indented one. A first
code cell is added that installs nnlearn from the wheel beside the notebook,
otherwise from the site (or from PyPI for a local build), unless the right
version is already installed.

The Sphinx extension (:func:`setup`) writes the plain notebook of every
executed page to ``_sources/<page>.ipynb`` at the end of the build; the
converter itself depends only on :mod:`nbformat` and the standard library
(:class:`Context` carries what Sphinx knows: labels, glossary terms,
citations, exercise numbers), and :func:`myst_leftovers` checks a notebook.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

# ---------------------------------------------------------------------------
# What must not be left in a plain notebook's markdown.

_LEFTOVER = {
    "role": re.compile(r"\{[A-Za-z][\w:.-]*\}`"),
    "directive": re.compile(r"^\s*(`{3,}|~{3,})\s*\{", re.MULTILINE),
    "colon fence": re.compile(r"^\s*:::", re.MULTILINE),
    "label": re.compile(r"^\s*\([\w.:-]+\)=\s*$", re.MULTILINE),
    "substitution": re.compile(r"\{\{[^}]*\}\}"),
}


def _without_code_blocks(text: str) -> str:
    """Markdown without its fenced code blocks (directives stay)."""
    lines, kept, i = text.split("\n"), [], 0
    while i < len(lines):
        opened = re.match(r"^\s*(`{3,}|~{3,})(.*)$", lines[i])
        if opened and not opened.group(2).strip().startswith("{"):
            i = _find_close(lines, i + 1, opened.group(1)) + 1
            continue
        kept.append(lines[i])
        i += 1
    return "\n".join(kept)


def _without_inline_code(text: str) -> str:
    """Inline code removed, but not the backticks of a role ({term}`x` stays)."""
    return re.sub(r"(?<![}`])(`+)(?!`)[^\n]*?(?<!`)\1(?!`)", "", text)


def myst_leftovers(notebook) -> list[str]:
    """Every MyST construct left in the markdown cells, as readable strings.

    Code blocks and inline code are not looked at: a library docstring shown in
    the notebook may well contain ``:math:`x``` or a Python set ``{a}``.
    """
    found = []
    for i, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        blocks = _without_code_blocks(source)
        inline = _without_inline_code(blocks)
        for kind, pattern in _LEFTOVER.items():
            text = inline if kind in ("role", "substitution") else blocks
            for match in pattern.finditer(text):
                found.append(f"cell {i}: {kind} {match.group(0).strip()!r}")
    return found


# ---------------------------------------------------------------------------
# What the converter needs to know about the book.


@dataclass
class Target:
    """Where a label, term or page lives: its page, anchor (on the site) and title.

    ``heading`` is the text of the heading it names in the notebook, whose
    anchor in JupyterLab is that text with spaces replaced by ``-``.
    """

    docname: str
    anchor: str = ""
    title: str = ""
    heading: str = ""


@dataclass
class Context:
    """Everything :func:`convert` needs besides the notebook.

    ``docname`` is the page (``book/03-gradient-descent``), ``source_dir`` the
    folder of its source (literalinclude paths are relative to it),
    ``site_url`` the deployed site's address ending in ``/`` (``""`` locally),
    ``notebook_docs`` the pages that are offered as notebooks (links to them
    become sibling ``.ipynb`` links locally).
    """

    docname: str
    source_dir: Path
    version: str
    site_url: str = ""
    chapter: str = ""
    labels: dict[str, Target] = field(default_factory=dict)
    terms: dict[str, Target] = field(default_factory=dict)
    citations: dict[str, tuple[str, str]] = field(default_factory=dict)
    references_doc: str = "book/references"
    doc_titles: dict[str, str] = field(default_factory=dict)
    notebook_docs: set[str] = field(default_factory=set)
    substitutions: dict[str, str] = field(default_factory=dict)

    # -- links --------------------------------------------------------------
    def page_url(self, docname: str, anchor: str = "", heading: str = "") -> str:
        """A link to a page: absolute on the site, a sibling notebook locally, or ``""``."""
        if self.site_url:
            return f"{self.site_url}{docname}.html" + (f"#{anchor}" if anchor else "")
        if docname in self.notebook_docs:
            anchor = _heading_anchor(heading)
            fragment = f"#{anchor}" if heading else ""
            if docname == self.docname:
                return fragment
            return f"{_relative(docname, self.docname)}.ipynb{fragment}"
        return ""

    def link(self, text: str, target: Target) -> str:
        url = self.page_url(target.docname, target.anchor, target.heading)
        return f"[{text}]({url})" if url else text


def _heading_anchor(heading: str) -> str:
    """JupyterLab's id of a heading (its text, spaces as ``-``), safe in a markdown link."""
    anchor = re.sub(r"\s", "-", heading.strip())
    # Balanced parentheses are fine in a CommonMark link; anything else is escaped.
    safe = "-.,:/?!'*+;=&$@~_" + ("()" if anchor.count("(") == anchor.count(")") else "")
    return quote(anchor, safe=safe)


def _relative(docname: str, from_doc: str) -> str:
    here = Path(from_doc).parent
    target = Path(docname)
    try:
        return target.relative_to(here).as_posix()
    except ValueError:
        up = len(here.parts)
        return "/".join([".."] * up + [target.as_posix()])


# ---------------------------------------------------------------------------
# Inline: roles, substitutions and links to other pages.

_ROLE = re.compile(r"\{(?P<name>[A-Za-z][\w:.-]*)\}(?P<ticks>`+)(?P<body>.+?)(?P=ticks)", re.DOTALL)
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
_SUBSTITUTION = re.compile(r"\{\{\s*(?P<name>[\w.-]+)\s*\}\}")
_MD_LINK = re.compile(r"\]\((?P<path>[^)#\s:]+)\.md(?P<anchor>#[^)\s]*)?\)")


def _split_explicit(body: str) -> tuple[str, str]:
    """``text <target>`` -> (text, target); ``target`` -> ("", target)."""
    match = _EXPLICIT.match(body.strip())
    if match and match.group("text"):
        return match.group("text").strip(), match.group("target").strip()
    return "", body.strip()


def _role(name: str, body: str, ctx: Context) -> str:
    text, target = _split_explicit(body)
    if name == "term":
        found = ctx.terms.get(target.lower())
        shown = text or target
        return ctx.link(shown, found) if found else shown
    if name in ("ref", "numref", "eq"):
        found = ctx.labels.get(target)
        shown = text or (found.title if found and found.title else target)
        if name == "eq" and not text:
            shown = f"({shown})"
        return ctx.link(shown, found) if found else shown
    if name == "doc":
        docname = _resolve_doc(target, ctx.docname)
        shown = text or ctx.doc_titles.get(docname, target)
        return ctx.link(shown, Target(docname))
    if name.startswith("cite"):
        keys = [k.strip() for k in target.split(",") if k.strip()]
        parts = [ctx.citations.get(k, (k, k)) for k in keys]
        if name in ("cite:t", "cite:ts"):
            shown = "; ".join(textual for textual, _ in parts)
        else:
            shown = "(" + "; ".join(paren for _, paren in parts) + ")"
        return ctx.link(shown, Target(ctx.references_doc))
    if name == "math":
        return f"${target}$"
    if name in ("sub", "subscript"):
        return f"<sub>{target}</sub>"
    if name in ("sup", "superscript"):
        return f"<sup>{target}</sup>"
    if name == "kbd":
        return f"<kbd>{target}</kbd>"
    if name in ("code", "literal", "samp", "file", "py:func", "py:class", "py:meth",
                "py:mod", "func", "class", "meth", "mod", "attr", "py:attr", "data"):
        return f"`{text or target}`"
    return text or target


def _resolve_doc(target: str, from_doc: str) -> str:
    target = re.sub(r"\.(md|ipynb|rst)$", "", target)
    if target.startswith("/"):
        return target.lstrip("/")
    return (Path(from_doc).parent / target).as_posix()


def convert_inline(text: str, ctx: Context) -> str:
    """Roles, substitutions and page links of a run of markdown (no fences)."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "{":
            match = _ROLE.match(text, i)
            if match:
                out.append(_role(match.group("name"), match.group("body"), ctx))
                i = match.end()
                continue
        if text[i] == "`":  # an inline code span: copied as it is
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            end = text.find("`" * run, i + run)
            if end != -1:
                out.append(text[i:end + run])
                i = end + run
                continue
        out.append(text[i])
        i += 1
    result = "".join(out)
    result = _SUBSTITUTION.sub(lambda m: ctx.substitutions.get(m.group("name"), m.group(0)),
                               result)
    return _plain_links(result, ctx)


def _plain_links(text: str, ctx: Context) -> str:
    def replace(match):
        docname = _resolve_doc(match.group("path"), ctx.docname)
        anchor = (match.group("anchor") or "#")[1:]
        url = ctx.page_url(docname, anchor)
        return f"]({url})" if url else match.group(0)

    text = _MD_LINK.sub(replace, text)
    # A link that cannot point anywhere (a local build, a page with no notebook)
    # keeps its text: [Glossary](glossary.md) -> Glossary.
    return re.sub(r"\[(?P<text>[^\]]+)\]\((?P<path>[^)#\s:]+)\.md(#[^)\s]*)?\)",
                  lambda m: m.group("text"), text)


# ---------------------------------------------------------------------------
# Blocks: fences, directives and their options.


@dataclass
class _Directive:
    name: str
    argument: str
    options: dict[str, str]
    body: list[str]


_FENCE_OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_LABEL = re.compile(r"^\s*\([\w.:-]+\)=\s*$")
_ADMONITIONS = {"note", "warning", "tip", "important", "hint", "caution", "attention",
                "danger", "error", "seealso", "admonition"}


def _find_close(lines: list[str], start: int, fence: str) -> int:
    char, size = fence[0], len(fence)
    pattern = re.compile(rf"^\s*{re.escape(char)}{{{size},}}\s*$")
    for j in range(start, len(lines)):
        if pattern.match(lines[j]):
            return j
    return len(lines)


def _parse_directive(name: str, argument: str, body: list[str]) -> _Directive:
    options: dict[str, str] = {}
    if body and body[0].strip() == "---":
        end = next((k for k in range(1, len(body)) if body[k].strip() == "---"), None)
        if end is not None:
            import yaml

            loaded = yaml.safe_load("\n".join(body[1:end])) or {}
            options = {str(k): v for k, v in loaded.items()}
            body = body[end + 1:]
    else:
        while body and re.match(r"^\s*:[\w-]+:", body[0]):
            key, _, value = body.pop(0).strip()[1:].partition(":")
            options[key.strip()] = value.strip()
    return _Directive(name, argument.strip(), options, body)


# Output of the block converter: a list of pieces, each (markdown, hidden).
# A new piece starts where a collapsed region starts or ends.


class _Writer:
    def __init__(self, hidden: bool):
        self.pieces: list[list] = [["", hidden]]

    @property
    def hidden(self) -> bool:
        return self.pieces[-1][1]

    def write(self, text: str) -> None:
        self.pieces[-1][0] += text

    def block(self, text: str) -> None:
        """Write a block, separated from what comes before and after by a blank line."""
        current = self.pieces[-1][0]
        if current.strip() and not current.endswith("\n\n"):
            self.write("\n" if current.endswith("\n") else "\n\n")
        self.write(text.strip("\n") + "\n\n")

    def set_hidden(self, hidden: bool) -> None:
        if hidden != self.hidden:
            self.pieces.append(["", hidden])


class Converter:
    """Converts the markdown cells of one notebook, keeping the solution state."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.in_solution = False
        self.solution_heading = "Solution"
        self.exercises: dict[str, str] = {}  # label -> number ("3.1")
        self.count = 0

    # -- exercises ------------------------------------------------------------
    def exercise_number(self, label: str) -> str:
        if label not in self.exercises:
            self.count += 1
            prefix = f"{self.ctx.chapter}." if self.ctx.chapter else ""
            self.exercises[label] = f"{prefix}{self.count}"
        return self.exercises[label]

    def prepare(self, cells) -> None:
        """Number the exercises in page order (a solution may name one before it)."""
        titles = {}
        for cell in cells:
            if cell["cell_type"] != "markdown":
                continue
            pattern = r"^\s*(`{3,}|:{3,})\{exercise\}(.*)\n(?:\s*:[\w-]+:.*\n)*"
            for match in re.finditer(pattern, _source(cell) + "\n", re.MULTILINE):
                label = re.search(r":label:\s*(\S+)", match.group(0))
                key = label.group(1) if label else f"#{match.start()}"
                self.exercise_number(key)
                titles[key] = match.group(2).strip()
        for label, number in self.exercises.items():
            heading = _exercise_heading(number, titles.get(label, ""))
            self.ctx.labels[label] = Target(self.ctx.docname, label, f"Exercise {number}",
                                            heading)

    # -- blocks -------------------------------------------------------------
    def markdown(self, text: str) -> list[tuple[str, bool]]:
        writer = _Writer(self.in_solution)
        self._blocks(text.split("\n"), writer, depth=0)
        return [(t.strip("\n"), h) for t, h in writer.pieces if t.strip()]

    def _blocks(self, lines: list[str], w: _Writer, depth: int) -> None:
        i, prose = 0, []

        def flush():
            if prose:
                text = convert_inline("\n".join(prose), self.ctx) + "\n"
                w.write(text.lstrip("\n") if w.pieces[-1][0].endswith("\n\n") else text)
                prose.clear()

        while i < len(lines):
            line = lines[i]
            if _LABEL.match(line):
                i += 1
                continue
            opened = _FENCE_OPEN.match(line)
            if not opened or (opened.group("fence")[0] == ":" and "{" not in opened.group("info")
                              and opened.group("info").strip()):
                prose.append(line)
                i += 1
                continue
            fence, info = opened.group("fence"), opened.group("info").strip()
            close = _find_close(lines, i + 1, fence)
            body = lines[i + 1:close]
            directive = re.match(r"^\{(?P<name>[\w:.-]+)\}\s*(?P<arg>.*)$", info)
            flush()
            if directive is None:  # a plain code block: copied as it is
                w.block("\n".join(lines[i:close + 1]) + "\n")
            else:
                parsed = _parse_directive(directive.group("name"), directive.group("arg"), body)
                self._directive(parsed, w, depth)
            i = close + 1
        flush()

    def _sub(self, lines: list[str], depth: int) -> str:
        """Convert a directive's body on its own (for quoting it)."""
        inner = Converter(self.ctx)
        inner.exercises, inner.count = self.exercises, self.count
        writer = _Writer(False)
        inner._blocks(lines, writer, depth + 1)
        return "\n\n".join(t.strip("\n") for t, _ in writer.pieces if t.strip())

    def _directive(self, d: _Directive, w: _Writer, depth: int) -> None:
        name = d.name
        if name == "literalinclude":
            w.block(self._literalinclude(d) + "\n")
        elif name in ("code-block", "code", "sourcecode", "code-cell"):
            w.block(_code_block("\n".join(d.body), d.argument.split()[0] if d.argument else ""))
        elif name in ("math",):
            w.block("$$\n" + "\n".join(d.body).strip() + "\n$$\n")
        elif name in _ADMONITIONS:
            title = d.argument if name == "admonition" else (
                name.capitalize() + (f": {d.argument}" if d.argument else ""))
            w.block(_quote(f"**{convert_inline(title, self.ctx)}**\n\n"
                           + self._sub(d.body, depth)) + "\n")
        elif name == "exercise":
            label = d.options.get("label", "")
            number = self.exercise_number(label) if label else self.exercise_number(
                f"#anon{len(self.exercises)}")
            heading = _exercise_heading(number, convert_inline(d.argument, self.ctx))
            w.block(f"### {heading}\n\n" + self._sub(d.body, depth) + "\n")
        elif name in ("solution", "solution-start"):
            label = d.argument.strip()
            number = self.exercises.get(label)
            heading = f"Solution to exercise {number}" if number else "Solution"
            # Collapsed from its first line on: JupyterLab previews a collapsed
            # cell by its first line, which must not give the answer away.
            w.set_hidden(True)
            w.block(f"#### {heading}")
            self.solution_heading = heading
            if name == "solution":
                w.block(self._sub(d.body, depth) + "\n")
                w.set_hidden(False)
            else:
                self.in_solution = True
        elif name == "solution-end":
            self.in_solution = False
            w.set_hidden(False)
        elif name in ("dropdown", "toggle", "details"):
            title = convert_inline(d.argument or "Details", self.ctx)
            hidden = w.hidden
            w.set_hidden(True)
            w.block(f"**{title}**")
            w.block(self._sub(d.body, depth) + "\n")
            w.set_hidden(hidden)
        elif name in ("figure", "image"):
            alt = d.options.get("alt", "")
            url = d.argument
            if self.ctx.site_url and not re.match(r"^[a-z]+:", url):
                url = self.ctx.site_url + _resolve_doc(url, self.ctx.docname)
            caption = self._sub(d.body, depth)
            w.block(f"![{alt}]({url})\n" + (f"\n*{caption}*\n" if caption else ""))
        elif name in ("glossary", "bibliography", "toctree", "tableofcontents",
                      "nb-exec-table", "nnlearn-api"):
            pass  # page furniture that only the site can show
        else:  # unknown: keep the content, drop the markup
            title = f"**{convert_inline(d.argument, self.ctx)}**\n\n" if d.argument else ""
            w.block(title + self._sub(d.body, depth) + "\n")

    def _literalinclude(self, d: _Directive) -> str:
        from folded_source import FoldedLiteralInclude as LiteralInclude
        from folded_source import docstring_mode, fold_docstrings
        from sphinx.directives.code import LiteralIncludeReader

        path = (self.ctx.source_dir / d.argument).resolve()
        options = {}
        for key, value in d.options.items():
            spec = LiteralInclude.option_spec.get(key)
            options[key] = spec(str(value)) if spec is not None else value
        config = SimpleNamespace(source_encoding="utf-8-sig")
        text, _ = LiteralIncludeReader(str(path), options, config).read()
        text = fold_docstrings(text, docstring_mode(options))
        module = _module_name(path)
        what = options.get("pyobject")
        title = f"`{module}.{what}`" if what and module else f"`{path.name}`"
        caption = options.get("caption")
        source = "the library" if module else "the book's repository"
        note = f"*{caption}*" if caption else f"*From {source}: {title}*"
        language = options.get("language") or ("python" if path.suffix == ".py" else "")
        return note + "\n\n" + _code_block(text.rstrip("\n"), language)


def _exercise_heading(number: str, title: str) -> str:
    """As the site numbers it: "Exercise 3.1 (The largest stable learning rate)"."""
    return f"Exercise {number} ({title})" if title else f"Exercise {number}"


def _module_name(path: Path) -> str:
    parts = path.with_suffix("").parts
    if "nnlearn" not in parts:
        return ""
    dotted = list(parts[parts.index("nnlearn"):])
    if dotted[-1] == "__init__":
        dotted.pop()
    return ".".join(dotted)


def _code_block(code: str, language: str = "") -> str:
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code}\n{fence}\n"


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.strip().split("\n"))


def _source(cell) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


# ---------------------------------------------------------------------------
# The notebook.

INSTALL_TAG = "nnlearn-install"


def install_cell_source(version: str, site_url: str = "") -> str:
    """The first code cell: install nnlearn unless this exact version is there."""
    wheel = f"nnlearn-{version}-py3-none-any.whl"
    remote = (f'"nnlearn[book] @ {site_url}dist/{wheel}"' if site_url
              else f'"nnlearn[book]=={version}"')
    where = "from the book's website" if site_url else "from PyPI"
    return f'''\
# Installs the book's library nnlearn {version} (and plotly, scikit-learn) into
# this notebook's Python, unless it is already there: from the wheel next to this
# notebook when there is one, otherwise {where}. Nothing happens on a second run.
import importlib
import importlib.metadata
import pathlib
import subprocess
import sys

try:
    _have = importlib.metadata.version("nnlearn")
except importlib.metadata.PackageNotFoundError:
    _have = None
if _have != "{version}":
    _wheel = pathlib.Path("{wheel}").resolve()
    _spec = f"nnlearn[book] @ {{_wheel.as_uri()}}" if _wheel.is_file() else {remote}
    print(f"installing {{_spec}} ...")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", _spec], check=True)
    importlib.invalidate_caches()'''


PLOTLY_MIME = "application/vnd.plotly.v1+json"


def plain_output(output):
    """``output`` without the book's HTML of a figure when it carries the plotly mimetype."""
    data = output.get("data") or {}
    if PLOTLY_MIME in data and "text/html" in data:
        output = copy.deepcopy(output)
        del output["data"]["text/html"]
    return output


def dumps(notebook) -> str:
    """The notebook as JSON, indented, but each figure's JSON compact on one line."""
    figures: list[str] = []

    def stash(data: dict) -> dict:
        figures.append(json.dumps(data[PLOTLY_MIME], separators=(",", ":"), ensure_ascii=False))
        return {**data, PLOTLY_MIME: f"@@nnlearn-figure-{len(figures) - 1}@@"}

    nb = copy.copy(notebook)
    nb["cells"] = [{**c, "outputs": [{**o, "data": stash(o["data"])} if PLOTLY_MIME in
                                     o.get("data", {}) else o for o in c["outputs"]]}
                   if c.get("outputs") else c for c in notebook["cells"]]
    text = json.dumps(nb, indent=1, ensure_ascii=False)
    return re.sub(r'"@@nnlearn-figure-(\d+)@@"', lambda m: figures[int(m.group(1))], text) + "\n"


def convert(notebook, ctx: Context):
    """The plain version of an executed MyST notebook (a new notebook object)."""
    import nbformat

    nb = copy.deepcopy(notebook)
    converter = Converter(ctx)
    converter.prepare(nb.cells)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for text, hidden in converter.markdown(_source(cell)):
                new = nbformat.v4.new_markdown_cell(text)
                if hidden:
                    new.metadata["jupyter"] = {"source_hidden": True}
                cells.append(new)
            continue
        if cell.cell_type == "code":
            tags = set(cell.metadata.get("tags", []))
            hide = {"remove-input", "remove-cell", "hide-input", "hide-cell"} & tags
            if converter.in_solution or "solution" in tags:
                cell.metadata["jupyter"] = {"source_hidden": True, "outputs_hidden": True}
                if not cell.source.startswith("#"):  # the collapsed cell's preview
                    cell.source = f"# {converter.solution_heading}\n{cell.source}"
            elif hide:
                cell.metadata["jupyter"] = {"source_hidden": True}
            cell.outputs = [plain_output(o) for o in cell.outputs]
        cell.pop("id", None)
        cells.append(cell)
    first_code = next((i for i, c in enumerate(cells) if c.cell_type == "code"), len(cells))
    install = nbformat.v4.new_code_cell(install_cell_source(ctx.version, ctx.site_url))
    install.metadata["tags"] = [INSTALL_TAG]
    cells.insert(first_code, install)
    nb.cells = cells
    for cell in nb.cells:
        cell.pop("id", None)
    nb.metadata.pop("jupytext", None)
    nb.metadata.setdefault("language_info", {"name": "python"})
    nb.nbformat, nb.nbformat_minor = 4, 5
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    nbformat.validate(nb)
    return nb


# ---------------------------------------------------------------------------
# Sphinx: what the book knows, and writing the notebooks.


def _citations(bibfiles: list[Path]) -> dict[str, tuple[str, str]]:
    """key -> ("Rumelhart et al. (1986)", "Rumelhart et al., 1986")."""
    from pybtex.database import parse_file

    result = {}
    for path in bibfiles:
        for key, entry in parse_file(str(path)).entries.items():
            people = entry.persons.get("author") or entry.persons.get("editor") or []
            names = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in people]
            if len(names) >= 3:
                who = f"{names[0]} et al."
            elif len(names) == 2:
                who = f"{names[0]} and {names[1]}"
            else:
                who = names[0] if names else key
            year = entry.fields.get("year", "n.d.")
            result[key] = (f"{who} ({year})", f"{who}, {year}")
    return result


def context_from_sphinx(app, docname: str) -> Context:
    """A :class:`Context` for one page, filled from the built Sphinx environment."""
    env = app.env
    std = env.get_domain("std")
    labels = {name: Target(doc, anchor, title or "", title or "")
              for name, (doc, anchor, title) in std.labels.items()}
    terms = {}
    term_index = getattr(std, "_terms", None)
    if term_index:
        terms = {name.lower(): Target(doc, anchor) for name, (doc, anchor) in term_index.items()}
    else:
        terms = {name.lower(): Target(doc, anchor)
                 for (kind, name), (doc, anchor) in std.objects.items() if kind == "term"}
    srcdir = Path(app.srcdir)
    bibfiles = [srcdir / b for b in getattr(app.config, "bibtex_bibfiles", [])]
    references = next((d for d in env.found_docs if d.endswith("references")), "references")
    chapter = ".".join(str(n) for n in env.toc_secnumbers.get(docname, {}).get("", ()))
    titles = {doc: title.astext() for doc, title in env.titles.items()}
    return Context(
        docname=docname,
        source_dir=Path(env.doc2path(docname)).parent,
        version=app.config.release or app.config.version,
        site_url=getattr(app.config, "nnlearn_site_url", ""),
        chapter=chapter,
        labels=labels,
        terms=terms,
        citations=_cached_citations(app, tuple(bibfiles)),
        references_doc=references,
        doc_titles=titles,
        notebook_docs={d for d in env.found_docs if env.metadata.get(d, {}).get("kernelspec")},
        substitutions={k: str(v) for k, v in (app.config.myst_substitutions or {}).items()},
    )


_CITATIONS: dict = {}


def _cached_citations(app, bibfiles: tuple[Path, ...]):
    if bibfiles not in _CITATIONS:
        _CITATIONS[bibfiles] = _citations([b for b in bibfiles if b.is_file()])
    return _CITATIONS[bibfiles]


def executed_notebook(app, docname: str) -> Path:
    """Where offline_assets writes the executed (MyST) notebook of a page."""
    return Path(app.env.mystnb_config.output_folder) / f"{docname}.ipynb"


def plain_notebook_path(app, docname: str) -> Path:
    """Where the site offers the plain notebook of a page."""
    return Path(app.outdir) / "_sources" / f"{docname}.ipynb"


def write_plain_notebook(app, docname: str) -> Path | None:
    """Convert the executed notebook of ``docname`` into ``_sources/<docname>.ipynb``."""
    import nbformat

    executed = executed_notebook(app, docname)
    if not executed.is_file():
        return None
    notebook = nbformat.read(executed, as_version=4)
    plain = convert(notebook, context_from_sphinx(app, docname))
    leftovers = myst_leftovers(plain)
    if leftovers:
        from sphinx.util import logging

        logging.getLogger(__name__).warning(
            "plain_notebooks: MyST left in %s: %s", docname, "; ".join(leftovers[:5]),
            location=docname)
    target = plain_notebook_path(app, docname)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dumps(plain), encoding="utf8")
    return target


def _write_all(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for docname in sorted(app.env.found_docs):
        if app.env.metadata.get(docname, {}).get("kernelspec"):
            write_plain_notebook(app, docname)


def setup(app) -> dict:
    # At the end of the build every page's notebook is written again, so a new
    # site address or converter reaches every notebook, rebuilt page or not.
    app.connect("build-finished", _write_all)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
