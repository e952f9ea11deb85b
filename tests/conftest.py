"""Shared fixtures: the book is built once per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
HTML = BUILD / "html"


@dataclass
class BookBuild:
    returncode: int
    output: str
    html: Path


@pytest.fixture(scope="session")
def book_build() -> BookBuild:
    """Build the whole book strictly, re-reading every page.

    ``--all`` makes Sphinx read every page again so every warning is seen;
    executed notebooks still come from the jupyter cache when their code is
    unchanged, so this is fast after ``make book``.
    """
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--all", "-W", "-n", "--keep-going"]
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    output = proc.stdout + proc.stderr
    (BUILD).mkdir(exist_ok=True)
    (BUILD / "test-build.log").write_text(output)
    return BookBuild(proc.returncode, output, HTML)
