"""A listing shows every private helper it hands work to.

The learner review found listings that only checked their arguments and then
called a helper the page never showed (``focal_loss`` and ``_focal_parts``,
for example): a reader who copies such a listing cannot run it. So, for every
``literalinclude`` with ``:pyobject:`` on a chapter, each private function or
method of nnlearn (a name that starts with one underscore) that the listed
object calls or names must be listed on the same page too. That applies to
the helpers' listings in turn, so helpers of helpers are shown as well.

Two kinds of helper need no listing: argument checks, whose names are
``_check`` or start with ``_check_`` (``_checked_step`` is not one), and the
few in ``ALLOWED`` below, each with the reason.

What is followed: calls and references ``f`` to a module-level function
(found where it is defined, also through ``from nnlearn... import``) and
``self._m`` / ``cls._m`` to a method of the listed class or its nnlearn base
classes. Private names reached through other objects (``model._x``) are not.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

from book_pages import ROOT, source_of, toc_docs

PACKAGE = ROOT / "code" / "nnlearn"
INCLUDE = re.compile(r"^```+\{literalinclude\}\s+(\S+)\s*\n((?::[^\n]*\n)*)", re.MULTILINE)

# Helpers a listing may use without showing them: "file:object" -> why.
ALLOWED = {
    # argument checks and conversions whose names do not start with _check
    "losses.py:_pair": "converts and checks (input, target): same shape, not empty",
    "losses.py:_class_targets": "checks the targets and builds the one-hot (label-smoothed) "
                                "rows that the prose defines",
    "preprocessing/_base.py:_as_data_matrix": "checks X: finite, 2-D, not empty",
    "preprocessing/information.py:_as_labels": "checks the labels: 1-D, not empty, no NaN",
    "preprocessing/scaling.py:_Scaler._transform_input": "checks that the scaler is fitted "
                                                         "and X has its number of features",
    "preprocessing/features.py:_finish_power": "refuses an overflowed result; casts to x's dtype",
    "schedules.py:_result": "returns a float for a scalar t, an array otherwise",
    "perceptron.py:Perceptron._encode_labels": "checks y (1-D, one label per row, real) and "
                                               "codes it as -1/+1 (0 as -1), as the prose says",
    "autodiff.py:_as_data": "checks x (an array or a number, not a Tensor, str or None) and "
                            "converts it to a floating array",
    # error messages and printed lines, not part of the algorithm
    "training.py:_diverged": "builds the TrainingDiverged error: where, what, and a smaller lr "
                             "to try",
    "training.py:_report": "formats the line fit prints per epoch; computes nothing",
    # not algorithm
    "optimizers.py:Optimizer._update": "abstract (raises NotImplementedError); the chapter "
                                       "shows the subclasses' _update",
}


def _chapters() -> list[str]:
    """Pages of the table of contents that show library code."""
    pages = [source_of(doc) for doc in toc_docs()]
    return [str(p.relative_to(ROOT)) for p in pages
            if p.suffix == ".md" and ":pyobject:" in p.read_text()]


CHAPTERS = _chapters()


def _shown(chapter: str) -> list[tuple[Path, str]]:
    """(library file, :pyobject:) of every literalinclude, in page order."""
    page = ROOT / chapter
    shown = []
    for match in INCLUDE.finditer(page.read_text()):
        objects = re.findall(r"^:pyobject:\s*(\S+)", match.group(2), re.MULTILINE)
        if objects:
            shown.append(((page.parent / match.group(1)).resolve(), objects[0]))
    return shown


def _key(path: Path, dotted: str) -> str:
    return f"{path.relative_to(PACKAGE).as_posix()}:{dotted}"


@functools.cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text())


def _top_level(path: Path, name: str) -> ast.FunctionDef | ast.ClassDef | None:
    return next((node for node in _tree(path).body
                 if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name),
                None)


def _module_file(module: str, level: int, importer: Path) -> Path | None:
    """The file of an imported nnlearn module (``from .x`` or ``from nnlearn.x``)."""
    if level:
        base = importer.parent
        for _ in range(level - 1):
            base = base.parent
        parts = module.split(".") if module else []
    elif module == "nnlearn" or module.startswith("nnlearn."):
        base, parts = PACKAGE, module.split(".")[1:]
    else:
        return None
    target = base.joinpath(*parts)
    return target / "__init__.py" if target.is_dir() else target.with_suffix(".py")


def _resolve(path: Path, name: str) -> tuple[Path, ast.AST] | None:
    """Where the function or class ``name``, as module ``path`` sees it, is defined."""
    node = _top_level(path, name)
    if node is not None:
        return path, node
    for statement in _tree(path).body:
        if isinstance(statement, ast.ImportFrom):
            for alias in statement.names:
                if (alias.asname or alias.name) == name:
                    source = _module_file(statement.module or "", statement.level, path)
                    return None if source is None else _resolve(source, alias.name)
    return None


def _method(path: Path, cls: str, name: str) -> tuple[Path, str] | None:
    """(file, "Class.name") of the method ``name`` that class ``cls`` uses."""
    found = _resolve(path, cls)
    if found is None or not isinstance(found[1], ast.ClassDef):
        return None
    where, node = found
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and item.name == name:
            return where, f"{node.name}.{name}"
    for base in node.bases:
        if isinstance(base, ast.Name):
            method = _method(where, base.id, name)
            if method is not None:
                return method
    return None


def _definition(path: Path, dotted: str) -> ast.AST:
    node: ast.AST = _tree(path)
    for name in dotted.split("."):
        node = next(child for child in ast.iter_child_nodes(node)
                    if isinstance(child, (ast.FunctionDef, ast.ClassDef)) and child.name == name)
    return node


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name != "_"


def private_helpers(path: Path, dotted: str) -> set[tuple[Path, str]]:
    """The private nnlearn functions and methods that the object ``dotted`` uses."""
    cls = dotted.split(".")[0]
    in_class = isinstance(_top_level(path, cls), ast.ClassDef)
    helpers = set()
    for node in ast.walk(_definition(path, dotted)):
        if isinstance(node, ast.Name) and _private(node.id):
            found = _resolve(path, node.id)
            if found is not None:
                helpers.add((found[0], found[1].name))
        elif (in_class and isinstance(node, ast.Attribute) and _private(node.attr)
              and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            method = _method(path, cls, node.attr)
            if method is not None:
                helpers.add(method)
    return helpers


def _is_shown(helper: tuple[Path, str], shown: list[tuple[Path, str]]) -> bool:
    """Listed itself, or inside a listed class."""
    path, dotted = helper
    parts = dotted.split(".")
    return any((path, ".".join(parts[:n])) in shown for n in range(1, len(parts) + 1))


def _needs_listing(helper: tuple[Path, str]) -> bool:
    name = helper[1].split(".")[-1]
    is_check = name == "_check" or name.startswith("_check_")    # not _checked_step
    return not is_check and _key(*helper) not in ALLOWED


def _missing(chapter: str) -> dict[str, set[str]]:
    """helper key -> the listings of ``chapter`` that use it without the page showing it."""
    shown = _shown(chapter)
    missing: dict[str, set[str]] = {}
    for path, dotted in shown:
        for helper in private_helpers(path, dotted):
            if _needs_listing(helper) and not _is_shown(helper, shown):
                missing.setdefault(_key(*helper), set()).add(dotted)
    return missing


def test_the_reader_finds_helpers_of_every_kind():
    """The search itself: a module function, an imported one, a base-class method."""
    scaling = PACKAGE / "preprocessing" / "scaling.py"
    assert (scaling, "_Scaler._set_map") in private_helpers(scaling, "MinMaxScaler.fit")
    assert (PACKAGE / "preprocessing" / "_base.py", "_check_fitted") in \
        private_helpers(scaling, "_Scaler._transform_input")
    features = PACKAGE / "preprocessing" / "features.py"
    assert {(features, "_maximize_lambda"), (features, "_box_cox_values")} <= \
        private_helpers(features, "box_cox")
    optimizers = PACKAGE / "optimizers.py"
    assert (optimizers, "Optimizer._l2_grad") in private_helpers(optimizers, "Adam._update")
    assert len(CHAPTERS) >= 9


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_listings_show_the_private_helpers_they_use(chapter):
    missing = {helper: sorted(users) for helper, users in _missing(chapter).items()}
    assert not missing, (
        f"{chapter} shows listings that use private helpers it does not show "
        f"(helper: listings): {missing}. Show each helper with a literalinclude "
        f"(:pyobject:) and one sentence of prose, or, if it is not algorithm, add it "
        f"to ALLOWED in this file with the reason")


def test_allowed_helpers_are_still_used():
    used = {_key(*helper) for chapter in CHAPTERS for path, dotted in _shown(chapter)
            for helper in private_helpers(path, dotted)}
    assert sorted(set(ALLOWED) - used) == [], "no listing uses these: delete them from ALLOWED"

