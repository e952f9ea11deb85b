"""Every public object of nnlearn has a docstring (the API reference is made
from them), and every public module is on exactly one API reference page."""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from api_reference import public_modules, select  # noqa: E402

MODULES = public_modules()


def _public_objects(module):
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    for name in names:
        obj = getattr(module, name)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and \
                getattr(obj, "__module__", None) == module.__name__:
            yield name, obj


def _undocumented(module):
    missing = []
    if not inspect.getdoc(module):
        missing.append(module.__name__)
    for name, obj in _public_objects(module):
        if not (obj.__doc__ or "").strip():
            missing.append(f"{module.__name__}.{name}")
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_"):
                    continue
                if not isinstance(member, (property, staticmethod, classmethod)) and \
                        not inspect.isfunction(member):
                    continue
                # getdoc on the class attribute also finds a docstring inherited
                # from a base class (an override documented once is fine).
                if not inspect.getdoc(getattr(obj, attr)):
                    missing.append(f"{module.__name__}.{name}.{attr}")
    return missing


@pytest.mark.parametrize("name", MODULES)
def test_every_public_object_has_a_docstring(name):
    assert _undocumented(importlib.import_module(name)) == []


def test_the_checker_notices_a_missing_docstring():
    module = type(sys)("fake")
    module.__doc__ = "A module."

    def documented():
        """Yes."""

    def bare():
        pass

    documented.__module__ = bare.__module__ = "fake"
    module.documented, module.bare = documented, bare
    assert _undocumented(module) == ["fake.bare"]


def test_reference_page_lists_every_public_module():
    import nnlearn
    found = {p.relative_to(ROOT / "code").with_suffix("").as_posix().replace("/", ".")
             for p in Path(nnlearn.__file__).parent.rglob("*.py")
             if not any(part.startswith("_") and part != "__init__.py"
                        for part in p.relative_to(ROOT / "code").parts)}
    found = {name.removesuffix(".__init__") for name in found}
    assert set(MODULES) == found | {"nnlearn"}


def _api_pages():
    """{page: the modules its ``{nnlearn-api}`` directives name} for book/api.md and book/api/."""
    pages = {}
    for path in [ROOT / "book" / "api.md", *sorted((ROOT / "book" / "api").glob("*.md"))]:
        args = re.findall(r"^```\{nnlearn-api\}[ \t]+(.+)$", path.read_text(), re.M)
        page = path.relative_to(ROOT).as_posix()
        pages[page] = [m for a in args for m in select(a.split(), MODULES)]
    return pages


def test_every_public_module_is_on_exactly_one_api_page():
    placed = [m for names in _api_pages().values() for m in names]
    assert sorted(placed) == sorted(MODULES)   # none missing, none twice


def test_api_pages_are_in_the_table_of_contents():
    from book_pages import toc_docs

    docs = set(toc_docs())
    assert {p.removesuffix(".md") for p in _api_pages()} <= docs


def test_api_page_patterns():
    modules = ["nnlearn", "nnlearn.viz", "nnlearn.viz.lines", "nnlearn.viz.theme", "nnlearn.vizier"]
    assert select(["nnlearn.viz.*", "nnlearn.viz"], modules) == \
        ["nnlearn.viz.lines", "nnlearn.viz.theme", "nnlearn.viz"]
    assert select(["nnlearn"], modules) == ["nnlearn"]
    with pytest.raises(ValueError, match="'nnlearn.gone' names no public module"):
        select(["nnlearn.gone"], modules)


def test_every_object_is_documented_once_under_its_own_module():
    # automodule documents the names in __all__, imported or not: a module that
    # re-exports an object (nnlearn.training re-exports the checkpoint functions
    # and the metrics) must leave it out of its __all__, or it is listed twice.
    from api_reference import documented_by_parent

    seen = {}
    for name in MODULES:
        if documented_by_parent(name):
            continue
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                assert id(obj) not in seen, f"{name}.{attr} is also {seen[id(obj)]}"
                seen[id(obj)] = f"{name}.{attr}"


def test_moved_names_still_import_from_training():
    from nnlearn import checkpoints, metrics, training

    assert training.save_checkpoint is checkpoints.save_checkpoint
    assert training.load_checkpoint is checkpoints.load_checkpoint
    assert training.accuracy is metrics.accuracy
    assert training.confusion_matrix is metrics.confusion_matrix
