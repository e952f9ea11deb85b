"""Count executable lines of ``code/nnlearn/viz``: docstrings, comments and blank lines excluded.

A line counts when it holds at least one token that is not a comment, a newline or indentation,
and is not part of a docstring (the first string statement of a module, class or function).

Usage: ``python tools/count_viz_lines.py`` prints one line per module and the total.
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from pathlib import Path

VIZ = Path(__file__).resolve().parents[1] / "code" / "nnlearn" / "viz"
SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
        tokenize.ENDMARKER}


def docstring_lines(tree: ast.AST) -> set[int]:
    """Line numbers covered by docstrings of the module, classes and functions in ``tree``."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def count_lines(source: str) -> int:
    """Number of executable lines in the Python ``source``."""
    skip = docstring_lines(ast.parse(source))
    code: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in SKIP:
            code.update(n for n in range(tok.start[0], tok.end[0] + 1) if n not in skip)
    return len(code)


def count_package(folder: Path = VIZ) -> dict[str, int]:
    """Executable lines per module of ``folder`` (sorted by name)."""
    return {p.name: count_lines(p.read_text()) for p in sorted(folder.glob("*.py"))}


def main() -> int:
    counts = count_package()
    for name, n in counts.items():
        print(f"{n:6d}  {name}")
    print(f"{sum(counts.values()):6d}  total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
