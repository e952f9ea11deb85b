"""A listing whose main work happens in a private helper shows the helper too.

The learner review found listings that only checked their arguments and then
called a helper the page never showed (``focal_loss`` and ``_focal_parts``,
for example). Each row below names a listing a chapter shows, the helpers that
do its work, and the test checks two things that can each go wrong: the
listing still calls those helpers (so the row is true of the library), and the
chapter shows every one of them with ``literalinclude`` + ``:pyobject:``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from book_pages import ROOT

INCLUDE = re.compile(r"^```+\{literalinclude\}\s+(\S+)\s*\n((?::[^\n]*\n)*)", re.MULTILINE)

# (chapter, library file, listing as in :pyobject:, helpers it hands its work to)
HELPERS = [
    ("book/01-everything-is-numbers.md", "preprocessing/scaling.py", "MinMaxScaler.fit",
     ["_Scaler._set_map"]),
    ("book/01-everything-is-numbers.md", "preprocessing/encoding.py",
     "TargetEncoder.fit_transform", ["_fold_ids", "_smoothed_means"]),
    ("book/02-loss-functions.md", "linear.py", "fit_line_mse", ["_weighted_line"]),
    ("book/02-loss-functions.md", "linear.py", "fit_line_mae",
     ["_irls", "_best_line_through_pairs"]),
    ("book/02-loss-functions.md", "losses.py", "focal_loss", ["_focal_parts"]),
    ("book/03-gradient-descent.md", "descent.py", "linear_regression_grad",
     ["_grad", "_residual"]),
]


def _shown(chapter: str) -> list[tuple[Path, str]]:
    """(library file, :pyobject:) of every literalinclude, in page order."""
    page = ROOT / chapter
    shown = []
    for match in INCLUDE.finditer(page.read_text()):
        objects = re.findall(r"^:pyobject:\s*(\S+)", match.group(2), re.MULTILINE)
        if objects:
            shown.append(((page.parent / match.group(1)).resolve(), objects[0]))
    return shown


def _definition(path: Path, dotted: str) -> ast.AST:
    node: ast.AST = ast.parse(path.read_text())
    for name in dotted.split("."):
        node = next(child for child in ast.iter_child_nodes(node)
                    if isinstance(child, (ast.FunctionDef, ast.ClassDef)) and child.name == name)
    return node


def _called_names(node: ast.AST) -> set[str]:
    """Names called inside ``node``: ``f(...)`` gives f, ``self.f(...)`` gives f."""
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            if isinstance(call.func, ast.Name):
                names.add(call.func.id)
            elif isinstance(call.func, ast.Attribute):
                names.add(call.func.attr)
    return names


@pytest.mark.parametrize("chapter, module, listing, helpers", HELPERS,
                         ids=[row[2] for row in HELPERS])
def test_helpers_that_do_the_work_are_shown_with_their_listing(chapter, module, listing,
                                                               helpers):
    path = (ROOT / "code" / "nnlearn" / module).resolve()
    reached = _called_names(_definition(path, listing))
    pending = list(helpers)
    while any(h.split(".")[-1] in reached for h in pending):   # helpers of helpers
        helper = next(h for h in pending if h.split(".")[-1] in reached)
        pending.remove(helper)
        reached |= _called_names(_definition(path, helper))
    assert pending == [], f"{listing} no longer calls {pending}: update this table"

    shown = _shown(chapter)
    assert (path, listing) in shown, f"{chapter} does not show {listing}"
    for helper in helpers:
        assert (path, helper) in shown, (
            f"{chapter} shows {listing} but not the helper {helper} that does its "
            f"work: add a literalinclude with :pyobject: {helper}")
