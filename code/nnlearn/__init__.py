"""nnlearn: the tested NumPy code behind the book *How neural networks learn*.

Each module holds one topic of the book and depends on NumPy only
(:mod:`nnlearn.viz` also needs plotly). Rows are samples; a dense layer's
weight ``W`` has shape ``(n_out, n_in)`` like ``torch.nn.Linear.weight``, so a
batch moves forward as ``Z = A @ W.T + b``.
"""

# The one version string of the library and the book: pyproject.toml reads it
# (dynamic version), the book shows it, CITATION.cff and CHANGELOG.md repeat it
# (a test checks they agree).
__version__ = "0.2.0"
