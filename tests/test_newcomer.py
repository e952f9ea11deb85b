"""A newcomer downloads the notebooks and the offline site, far from this repository.

The dist is built (``make dist``'s steps, on the book the session built), the
notebooks zip is unzipped into a temporary folder, and a fresh virtual
environment with nothing but ``nbclient`` and ``ipykernel`` runs every chapter
to the end: each notebook's own first cell installs nnlearn, plotly and
scikit-learn from the wheel beside it (pip may fetch plotly, NumPy and
scikit-learn from the package index, using pip's cache). Then the unzipped site
is opened from ``file://`` in Chromium: a chapter draws all its figures and
renders its math, and search finds pages. Only the Chromium part skips, when
Chromium is missing, and never on CI.

Timings go to ``_build/newcomer-times.json``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "_build" / "dist"
TIMES = ROOT / "_build" / "newcomer-times.json"
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import make_dist  # noqa: E402
import plain_notebooks  # noqa: E402
import sitecheck  # noqa: E402

from test_site import _chromium_or_skip  # noqa: E402

pytestmark = pytest.mark.newcomer

CHAPTER = "03-gradient-descent"
_times: dict[str, float] = {}

RUNNER = r'''
import json, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient

folder = Path(sys.argv[1])
report = {}
for path in sorted(folder.glob("*.ipynb")):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    start = time.perf_counter()
    error = None
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(folder)}}).execute()
    except Exception as exc:  # the report says which cell failed
        error = f"{type(exc).__name__}: {str(exc)[-3000:]}"
    nbformat.write(nb, path)
    report[path.name] = {"seconds": time.perf_counter() - start, "error": error}
    print(path.name, round(report[path.name]["seconds"], 1), "s", flush=True)
json.dump(report, open(folder / "run-report.json", "w"), indent=1)
'''


def _pin(name: str) -> str:
    text = (ROOT / "requirements.txt").read_text()
    match = re.search(rf"^{re.escape(name)}==\S+$", text, re.MULTILINE | re.IGNORECASE)
    assert match, f"{name} is not pinned in requirements.txt"
    return match.group(0)


def _clean_env(**extra) -> dict[str, str]:
    """The environment of a newcomer's shell: no venv, no PYTHONPATH, no repo."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONSTARTUP")
           and not k.startswith("PYTEST_")}
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYDEVD_DISABLE_FILE_VALIDATION="1", **extra)
    return env


@pytest.fixture(scope="module", autouse=True)
def _write_times():
    yield
    if not _times:  # the slow parts did not run
        return
    TIMES.parent.mkdir(parents=True, exist_ok=True)
    TIMES.write_text(json.dumps({k: round(v, 1) for k, v in _times.items()}, indent=1) + "\n")


@pytest.fixture(scope="module")
def dist(book_build):
    assert book_build.returncode == 0, "the book did not build; see test_book"
    start = time.perf_counter()
    shutil.rmtree(DIST, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "build", "--quiet", "--outdir", str(DIST), str(ROOT)],
                   cwd=ROOT, check=True, capture_output=True, text=True)
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_dist.py")], cwd=ROOT, check=True,
                   capture_output=True, text=True)
    _times["dist (wheel, sdist, zips; book already built)"] = time.perf_counter() - start
    return DIST


@pytest.fixture(scope="module")
def far_away():
    """A temporary folder outside the repository."""
    folder = Path(tempfile.mkdtemp(prefix="nnlearn-newcomer-"))
    assert ROOT not in folder.parents
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _unzip(archive: Path, into: Path) -> Path:
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(into)
    return into / archive.name.removesuffix(".zip")


NETWORK = re.compile(r"\b(urlopen|urlretrieve|requests\.|http\.client|socket\.|fetch_\w+|"
                     r"load_dataset|hf_hub|torchvision\.datasets|openml)")
BUNDLED = {"load_digits", "load_diabetes", "load_iris", "load_wine", "load_breast_cancer",
           "load_linnerud"}


def test_chapters_and_library_fetch_no_data_at_run_time():
    """Data comes from nnlearn's generators or the files scikit-learn ships."""
    from book_pages import code_cells

    offenders = []
    for doc in make_dist.chapter_docs():
        for line, _, source in code_cells(ROOT / f"{doc}.md"):
            offenders += [f"{doc}:{line}: {m}" for m in NETWORK.findall(source)]
            for name in re.findall(r"sklearn\.datasets import ([\w, ]+)", source):
                offenders += [f"{doc}:{line}: {n.strip()}" for n in name.split(",")
                              if n.strip() not in BUNDLED]
    for path in (ROOT / "code" / "nnlearn").rglob("*.py"):
        offenders += [f"{path.name}: {m}" for m in NETWORK.findall(path.read_text())]
    assert offenders == []


def test_dist_holds_wheel_sdist_and_both_zips(dist):
    version = make_dist.project_info.library_version(ROOT)
    names = {p.name for p in dist.iterdir()}
    assert {f"nnlearn-{version}-py3-none-any.whl", f"nnlearn-{version}.tar.gz",
            make_dist.NOTEBOOKS_ZIP, make_dist.SITE_ZIP} <= names
    with zipfile.ZipFile(dist / make_dist.NOTEBOOKS_ZIP) as zf:
        inside = {Path(n).name for n in zf.namelist()}
    chapters = {Path(d).name + ".ipynb" for d in make_dist.chapter_docs()}
    assert len(chapters) >= 8 and chapters <= inside
    assert f"nnlearn-{version}-py3-none-any.whl" in inside
    with zipfile.ZipFile(dist / f"nnlearn-{version}-py3-none-any.whl") as zf:
        wheel_files = zf.namelist()
        metadata = zf.read(f"nnlearn-{version}.dist-info/METADATA").decode()
    assert "nnlearn/datasets.py" in wheel_files and "nnlearn/viz/theme.py" in wheel_files
    assert not any(n.startswith(("tests/", "book/")) for n in wheel_files)
    assert f"Version: {version}" in metadata
    assert 'Requires-Dist: scikit-learn>=1.3; extra == "book"' in metadata
    assert (ROOT / "_build" / "html" / "dist" / f"nnlearn-{version}-py3-none-any.whl").is_file()


@pytest.fixture(scope="module")
def newcomer_run(dist, far_away):
    notebooks = _unzip(dist / make_dist.NOTEBOOKS_ZIP, far_away)
    venv = far_away / "venv"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=_clean_env())
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", _pin("nbclient"),
                    _pin("ipykernel")], check=True, env=_clean_env(), cwd=far_away)
    _times["fresh venv with nbclient and ipykernel"] = time.perf_counter() - start
    runner = far_away / "run_notebooks.py"
    runner.write_text(RUNNER)
    start = time.perf_counter()
    proc = subprocess.run([str(python), str(runner), str(notebooks)], env=_clean_env(),
                          cwd=far_away, capture_output=True, text=True)
    _times["run every notebook (install included)"] = time.perf_counter() - start
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((notebooks / "run-report.json").read_text())
    for name, entry in report.items():
        _times[f"  {name}"] = entry["seconds"]
    return notebooks, python, report


def test_every_notebook_runs_to_the_end_in_a_fresh_venv(newcomer_run):
    notebooks, _, report = newcomer_run
    failed = {name: entry["error"] for name, entry in report.items() if entry["error"]}
    assert failed == {}
    assert len(report) >= 8


def test_the_first_notebook_installed_nnlearn_from_the_wheel_beside_it(newcomer_run):
    import nbformat

    notebooks, python, report = newcomer_run
    first = sorted(report)[0]
    nb = nbformat.read(notebooks / first, as_version=4)
    install = next(c for c in nb.cells if c.cell_type == "code")
    assert plain_notebooks.INSTALL_TAG in install.metadata["tags"]
    printed = "".join(o.get("text", "") for o in install.outputs)
    assert "installing nnlearn[book] @ file://" in printed
    assert ".whl" in printed
    # The later notebooks found it installed and did nothing.
    for name in sorted(report)[1:]:
        nb = nbformat.read(notebooks / name, as_version=4)
        install = next(c for c in nb.cells if c.cell_type == "code")
        assert install.outputs == [], name
    where = subprocess.run(
        [str(python), "-c", "import nnlearn, plotly, sklearn; print(nnlearn.__file__)"],
        capture_output=True, text=True, env=_clean_env(), cwd=notebooks.parent, check=True)
    location = Path(where.stdout.strip())
    assert python.parent.parent in location.parents  # the venv, not the repository
    assert ROOT not in location.parents


def test_notebooks_draw_their_figures_again(newcomer_run, dist):
    import nbformat

    notebooks, _, _ = newcomer_run
    shipped = {}
    with zipfile.ZipFile(dist / make_dist.NOTEBOOKS_ZIP) as zf:
        for name in zf.namelist():
            if name.endswith(".ipynb"):
                shipped[Path(name).name] = nbformat.reads(zf.read(name).decode(), as_version=4)

    def figures(nb):
        return sum("application/vnd.plotly.v1+json" in o.get("data", {})
                   or "nnlearn-figure" in str(o.get("data", {}).get("text/html", ""))
                   for c in nb.cells if c.cell_type == "code" for o in c.outputs)

    for name, original in shipped.items():
        rerun = nbformat.read(notebooks / name, as_version=4)
        assert figures(original) > 0, name
        assert figures(rerun) == figures(original), name


# -- the offline site -------------------------------------------------------


@pytest.fixture(scope="module")
def offline_site(dist, far_away):
    return _unzip(dist / make_dist.SITE_ZIP, far_away / "site")


def _open(browser, url: str, report: dict):
    page = browser.new_page()

    def route(r):
        if r.request.url.startswith(("file://", "data:", "blob:")):
            r.continue_()
        else:
            report["external"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and report["console"].append(m.text))
    page.on("pageerror", lambda e: report["console"].append(str(e)))
    page.on("requestfailed", lambda r: report["failed"].append(r.url))
    page.goto(url, wait_until="load", timeout=120_000)
    return page


def test_offline_site_draws_a_chapter_from_file_urls(offline_site):
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
    report = {"external": [], "console": [], "failed": []}
    url = (offline_site / "book" / f"{CHAPTER}.html").as_uri()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=sitecheck.CHROMIUM,
                                     args=sitecheck.CHROMIUM_ARGS)
        page = _open(browser, url, report)
        sitecheck._wait_until_rendered(page)
        # Figures are drawn when they scroll into view: the last one must be
        # drawn by scrolling, then all of them.
        drawing = sitecheck.PageReport(url)
        sitecheck._draw_figures(page, drawing)
        probe = page.evaluate(sitecheck._PROBE)
        shot = ROOT / "_build" / "screenshots" / f"offline-{CHAPTER}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot))
        browser.close()
    _times["offline chapter in Chromium"] = time.perf_counter() - start
    assert drawing.last_figure_drawn_on_scroll
    assert probe["figures"] > 0 and probe["drawn"] == probe["figures"], probe
    assert probe["math"] > 0 and probe["rendered"] == probe["math"], probe
    assert report == {"external": [], "console": [], "failed": []}


def test_offline_site_search_finds_pages(offline_site):
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    report = {"external": [], "console": [], "failed": []}
    url = (offline_site / "search.html").as_uri() + "?q=backpropagation"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=sitecheck.CHROMIUM,
                                     args=sitecheck.CHROMIUM_ARGS)
        page = _open(browser, url, report)
        page.wait_for_selector("#search-results ul.search li", timeout=60_000)
        page.wait_for_timeout(1000)
        hits = page.locator("#search-results ul.search li").count()
        first = page.locator("#search-results ul.search li a").first.get_attribute("href")
        browser.close()
    assert hits >= 3
    assert first and not first.startswith("http")
    assert report == {"external": [], "console": [], "failed": []}
