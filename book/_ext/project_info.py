"""The book's version and, when it is deployed, its address.

* ``version`` and ``release`` (shown on the landing page through the MyST
  substitution ``{{ version }}``, and on the PDF's title page) are
  ``nnlearn.__version__``: the library and the book share one version string.
* When ``NNLEARN_REPOSITORY`` is set (``owner/name``; the deploy and release
  workflows set it from ``GITHUB_REPOSITORY``), the site gets its canonical
  address (``html_baseurl``) and repository, edit and issue buttons, and the
  downloadable notebooks link to the site and install the wheel from it. A
  local build (or a fork's, before it deploys) has none of these, so nothing
  points to a repository that is not the reader's. ``NNLEARN_SITE_URL``
  overrides the address (for a custom domain); ``NNLEARN_BRANCH`` is the
  branch of the edit button (default ``main``).

It also loads ``nnlearn-file-url.js``, which keeps search working without
errors when the offline copy of the site is opened from ``file://``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def library_version(root: Path) -> str:
    """``__version__`` of ``code/nnlearn`` under ``root``, read without importing it."""
    text = (root / "code" / "nnlearn" / "__init__.py").read_text(encoding="utf8")
    match = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if match is None:
        raise ConfigError("project_info: no __version__ line in code/nnlearn/__init__.py")
    return match.group(1)


def site_url(environ=os.environ) -> str:
    """The deployed site's address, ending in ``/``, or ``""`` for a local build.

    ``NNLEARN_SITE_URL`` wins; otherwise GitHub Pages' address for
    ``NNLEARN_REPOSITORY`` (``owner/name`` -> ``https://owner.github.io/name/``,
    and ``owner/owner.github.io`` -> ``https://owner.github.io/``).
    """
    explicit = environ.get("NNLEARN_SITE_URL", "").strip()
    if explicit:
        return explicit.rstrip("/") + "/"
    repository = repository_name(environ)
    if not repository:
        return ""
    owner, name = repository.split("/")
    host = f"{owner.lower()}.github.io"
    return f"https://{host}/" if name.lower() == host else f"https://{host}/{name}/"


def repository_name(environ=os.environ) -> str:
    """``owner/name`` from ``NNLEARN_REPOSITORY``, or ``""`` when it is not set."""
    repository = environ.get("NNLEARN_REPOSITORY", "").strip()
    if repository and not _REPOSITORY.match(repository):
        raise ConfigError(f"project_info: NNLEARN_REPOSITORY must be 'owner/name', "
                          f"got {repository!r}")
    return repository


def configure(config: Config, root: Path, environ=os.environ) -> None:
    """Set version, substitutions, base URL and buttons on a Sphinx config."""
    version = library_version(root)
    config.version = config.release = version
    config.myst_substitutions = {**(config.myst_substitutions or {}), "version": version}
    repository = repository_name(environ)
    url = site_url(environ)
    config.nnlearn_site_url = url
    if url:
        config.html_baseurl = url
    if repository:
        config.html_theme_options = {
            **(config.html_theme_options or {}),
            "repository_url": f"https://github.com/{repository}",
            "repository_branch": environ.get("NNLEARN_BRANCH", "main"),
            "path_to_docs": "",
            "use_repository_button": True,
            "use_edit_page_button": True,
            "use_issues_button": True,
        }


def _config_inited(app: Sphinx, config: Config) -> None:
    configure(config, Path(app.srcdir))


def setup(app: Sphinx) -> dict:
    app.add_config_value("nnlearn_site_url", "", "env", [str])
    # The offline copy (make dist) is read from file://: search without fetch().
    app.add_js_file("nnlearn-file-url.js", priority=300)
    # Before myst-parser and the theme read the configuration.
    app.connect("config-inited", _config_inited, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
