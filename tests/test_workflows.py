"""The GitHub workflows are valid YAML and run the same make targets as CI."""

from __future__ import annotations

from pathlib import Path

import yaml

WORKFLOWS = Path(__file__).resolve().parents[1] / ".github" / "workflows"


def _load(name):
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the key "on" as True.
    data["on"] = data.pop(True, data.get("on"))
    return data


def _runs(workflow):
    return [step.get("run", "") for job in workflow["jobs"].values()
            for step in job.get("steps", [])]


def test_test_workflow_runs_make_test_on_push_and_pull_request():
    wf = _load("test.yml")
    assert {"push", "pull_request"} <= set(wf["on"])
    assert any(run.strip() == "make test" for run in _runs(wf))


def test_deploy_workflow_builds_with_make_book_and_deploys_pages_from_main():
    wf = _load("deploy.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    assert any(run.strip() == "make book" for run in _runs(wf))
    uses = [step.get("uses", "") for job in wf["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    upload = next(step for step in wf["jobs"]["build"]["steps"]
                  if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/html"
    assert wf["permissions"]["pages"] == "write"
