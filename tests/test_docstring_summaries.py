"""Every docstring of the library opens with a one-line summary (PEP 257, numpydoc).

A chapter's listing folds each docstring to its summary (book/_ext/folded_source.py),
and the API reference's tables show it, so the summary has to stand alone on its
first line: text right after the opening quotes, then a blank line or the closing
quotes. Detail (formula, shapes, conditions) goes in the description below it.
How wide a shown summary may be is checked by tests/test_shown_code_width.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "code" / "nnlearn").rglob("*.py"))
_DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def summary_problems(source: str) -> list[str]:
    """``"name (line n): problem"`` for every docstring without a one-line summary."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, _DOCUMENTED):
            continue
        doc = ast.get_docstring(node, clean=False)
        if doc is None:
            continue
        where = f"{getattr(node, 'name', '<module>')} (line {node.body[0].lineno})"
        lines = doc.split("\n")
        if not lines[0].strip():
            problems.append(f"{where}: the summary does not start on the first line")
        elif len(lines) > 1 and lines[1].strip():
            problems.append(f"{where}: the summary goes on to a second line: "
                            f"{lines[1].strip()[:50]!r}")
    return problems


def test_the_checker_notices_a_summary_on_two_lines():
    source = '''"""Module.

    More.
    """
def one():
    """One line."""
def two():
    """A summary that
    goes on.

    More.
    """
class Later:
    """
    Starts late."""
    def method(self):
        """A method's summary
        on two lines."""
'''
    assert [p.split(":")[0] for p in summary_problems(source)] == [
        "two (line 8)", "Later (line 14)", "method (line 17)"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(ROOT / "code").as_posix())
def test_every_docstring_opens_with_a_one_line_summary(path):
    problems = summary_problems(path.read_text())
    assert not problems, (
        f"{path.relative_to(ROOT)}: put a one-line summary first and the rest in the "
        "description below it:\n" + "\n".join(problems))
