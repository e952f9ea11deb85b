"""The math symbols the book's pages use, for the notation test.

Math is what MyST renders as math: ``$$ ... $$`` blocks and ``$ ... $`` inline
spans in the prose (code cells, fenced code and inline code are not math). A
symbol is a single letter: a Latin letter, or a Greek letter written by its TeX
command (``\\lambda``). Decorations name the same symbol: bold, hat, bar,
tilde, subscripts and superscripts are dropped, so ``\\hat{\\mathbf{y}}_t``
counts as ``y`` and ``\\boldsymbol\\Delta^{(l)}`` as ``\\Delta``. Script and
blackboard letters (``\\mathcal{N}``, ``\\mathbb{R}``) are symbols of their
own. Words in ``\\text``, ``\\operatorname`` and ``\\mathrm`` (``softmax``,
``clip``, ``fan_in``) and commands such as ``\\frac`` or ``\\max`` are not
symbols.
"""

from __future__ import annotations

import re
from pathlib import Path

GREEK = (
    "alpha beta gamma Gamma delta Delta epsilon varepsilon zeta eta theta Theta "
    "vartheta iota kappa lambda Lambda mu nu xi Xi pi Pi rho varrho sigma Sigma "
    "tau upsilon phi Phi varphi chi psi Psi omega Omega ell"
).split()

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
_WORDS = re.compile(
    r"\\(?:text|textrm|textit|textbf|operatorname\*?|mathrm|mbox|label|tag|"
    r"begin|end|mathit|texttt)\s*\{[^{}]*\}"
)
_FONT = re.compile(r"\\(mathcal|mathbb|mathscr|mathfrak)\s*\{?\s*([A-Za-z])\s*\}?")
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_ROLE = re.compile(r"\{[a-z:-]+\}`[^`]*`")
_INLINE_CODE = re.compile(r"`+[^`]*`+")
_INLINE = re.compile(r"(?<![\\$])\$(?![\$\s])((?:[^$\n]|\n(?!\s*\n))+?)(?<![\\$\s])\$(?!\$)")


def prose(text: str) -> str:
    """The page without its code: code cells, listings and literal blocks.

    Directives whose body is prose (admonitions, dropdowns, exercises) keep
    their text.
    """
    out, code, open_prose = [], None, []
    for line in text.splitlines():
        match = _FENCE.match(line)
        if code is not None:
            if line.strip() == code:
                code = None
            out.append("")
            continue
        if match:
            ticks, info = match.group(2), match.group(3).strip()
            if open_prose and not info and ticks == open_prose[-1]:
                open_prose.pop()
            elif info.startswith("{") and not re.match(
                r"\{(code-cell|code-block|code|literalinclude|raw)\}", info
            ):
                open_prose.append(ticks)
            else:
                code = ticks
            out.append("")
            continue
        out.append(line)
    return "\n".join(out)


def math_spans(text: str) -> list[tuple[int, str]]:
    """(line, TeX) of every math span of a MyST page, display and inline."""
    body = prose(text)
    spans = []
    # Display math first, then inline math in what is left.
    parts = body.split("$$")
    rest = []
    for k, part in enumerate(parts):
        line = 1 + sum(p.count("\n") for p in parts[:k])
        if k % 2:
            spans.append((line, part))
            rest.append("\n" * part.count("\n"))
        else:
            rest.append(part)
    # Inline code and roles are not math; blank them without moving lines.
    remaining = "".join(rest)
    remaining = _INLINE_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), remaining)
    remaining = _ROLE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), remaining)
    for m in _INLINE.finditer(remaining):
        spans.append((1 + remaining.count("\n", 0, m.start()), m.group(1)))
    return spans


def symbols_of(tex: str) -> set[str]:
    """The symbols of one math span, each normalized to its base letter."""
    tex = _WORDS.sub(" ", tex)
    found = {f"\\{font}{{{letter}}}" for font, letter in _FONT.findall(tex)}
    tex = _FONT.sub(" ", tex)
    for name in _COMMAND.findall(tex):
        if name in GREEK:
            found.add("\\" + name)
    tex = _COMMAND.sub(" ", tex)
    found.update(re.findall(r"[A-Za-z]", tex))
    return found


def page_symbols(path: Path) -> dict[str, list[int]]:
    """Each symbol a page uses, with the lines it appears on."""
    where: dict[str, list[int]] = {}
    for line, tex in math_spans(path.read_text()):
        for symbol in symbols_of(tex):
            where.setdefault(symbol, []).append(line)
    return where


def printed_greek(text: str) -> dict[str, list[int]]:
    """Greek letters typed as Unicode anywhere on a page (figure titles, labels,
    printed output, prose), as TeX names: ``λ`` is ``\\lambda``."""
    import unicodedata

    where: dict[str, list[int]] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        for ch in line:
            if 0x391 <= ord(ch) <= 0x3C9 and ch != "ς":
                words = unicodedata.name(ch).split()   # GREEK SMALL LETTER LAMDA
                name = words[-1].lower().replace("lamda", "lambda")
                if words[1] == "CAPITAL":
                    name = name.capitalize()
                where.setdefault("\\" + name, []).append(n)
    return where
