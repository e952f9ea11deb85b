# Two commands on a fresh machine:  make book  (build the site)  and  make test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB_FLAGS := -W -n --keep-going
PORT   ?= 8000

.PHONY: book test serve clean venv lint page dist pdf plotly-bundles

venv: $(STAMP)

# code/nnlearn/__init__.py holds the version: a new one reinstalls nnlearn's metadata.
$(STAMP): requirements.txt pyproject.toml code/nnlearn/__init__.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

## Build the whole book into _build/html (strict: warnings and cell errors fail).
book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)

## Print the book (builds it first): _build/pdf/how-neural-networks-learn.pdf
## and one PDF per chapter, with Debian's Chromium (tools/build_pdf.py).
pdf: book
	$(BIN)/python tools/build_pdf.py

## Run the whole test suite (unit tests, the strict book build, the browser check).
test: $(STAMP)
	$(BIN)/python -m pytest

## Build one page alone, fast, while writing it:  make page PAGE=book/03-gradient-descent.md
page: $(STAMP)
	$(BIN)/python tools/build_page.py $(PAGE)

## What readers download, in _build/dist: the nnlearn wheel and sdist, the chapter
## notebooks with the wheel (zip), the whole site for offline reading (zip).
## Also puts the wheel on the site (_build/html/dist/), where notebooks find it.
dist: book
	rm -rf _build/dist
	$(BIN)/python -m build --quiet --outdir _build/dist .
	$(BIN)/python tools/make_dist.py

## Rebuild the two plotly.js bundles committed in book/_static (needs Node.js and
## npm; only after a plotly upgrade: set its plotly.js in tools/plotly_bundles/package.json).
plotly-bundles:
	cd tools/plotly_bundles && npm ci --ignore-scripts --no-audit --no-fund
	cd tools/plotly_bundles && node build.mjs ../../book/_static

## Serve the built site on http://127.0.0.1:$(PORT)
serve:
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

## Lint every Python file of the repository (code, tests, tools, book/_ext,
## examples, bench; pyproject.toml excludes _build and .venv).
lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf _build
