"""The project's papers agree with each other: one version string, both
licenses stated, a citation file, a changelog, and workflows that publish."""

from __future__ import annotations

import re
from pathlib import Path

import tomllib
import yaml

import nnlearn

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"


def _workflow(name):
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads "on" as True
    return data


def _steps(workflow):
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_one_version_string_read_by_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "nnlearn.__version__"
    assert re.fullmatch(r"\d+\.\d+\.\d+", nnlearn.__version__)


def test_citation_file_names_title_authors_version_license():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert cff["title"] == "How neural networks learn"
    assert cff["authors"] and all("name" in a or "family-names" in a for a in cff["authors"])
    assert cff["version"] == nnlearn.__version__
    assert set(cff["license"]) == {"MIT", "CC-BY-4.0"}


def test_changelog_starts_with_this_version_and_keeps_the_first():
    headings = re.findall(r"^## (\d+\.\d+\.\d+)", (ROOT / "CHANGELOG.md").read_text(),
                          re.MULTILINE)
    assert headings[0] == nnlearn.__version__
    assert headings[-1] == "0.1.0"


def test_license_states_mit_for_code_and_cc_by_for_text():
    text = (ROOT / "LICENSE").read_text()
    assert "MIT License" in text and "Permission is hereby granted, free of charge" in text
    assert "Creative Commons Attribution 4.0 International" in text
    assert "creativecommons.org/licenses/by/4.0/legalcode" in text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]


def test_book_extra_has_ranges_and_requirements_pin_exactly():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    book = project["optional-dependencies"]["book"]
    assert {re.split(r"[<>=!~]", r)[0] for r in book} == {"plotly", "scikit-learn"}
    assert not any("==" in r for r in book)
    pins = (ROOT / "requirements.txt").read_text()
    for name in ("build", "plotly", "scikit-learn"):
        assert re.search(rf"^{name}==\d", pins, re.MULTILINE), name


def test_landing_page_shows_the_version_and_appendix_lists_execution_status():
    assert "{{ version }}" in (ROOT / "book" / "index.md").read_text()
    assert "{nb-exec-table}" in (ROOT / "book" / "execution-status.md").read_text()
    assert "book/execution-status" in (ROOT / "_toc.yml").read_text()


def test_deploy_builds_dist_with_the_repository_name():
    wf = _workflow("deploy.yml")
    runs = [s.get("run", "").strip() for s in _steps(wf)]
    assert runs.index("make book") < runs.index("make dist")
    assert wf["jobs"]["build"]["env"]["NNLEARN_REPOSITORY"] == "${{ github.repository }}"


def test_release_on_tags_builds_everything_and_publishes():
    wf = _workflow("release.yml")
    assert wf["on"]["push"]["tags"] == ["v*"]
    runs = "\n".join(s.get("run", "") for s in _steps(wf))
    assert "make dist" in runs and "make pdf" in runs and "gh release create" in runs
    pypi = wf["jobs"]["pypi"]
    assert pypi["permissions"] == {"id-token": "write"}
    assert "vars.PYPI_PUBLISH" in pypi["if"]
    assert any(s.get("uses", "").startswith("pypa/gh-action-pypi-publish@")
               for s in pypi["steps"])
    assert "dist:" in (ROOT / "Makefile").read_text()
