"""nnlearn: the tested NumPy code behind the book *How neural networks learn*.

Each module holds one topic of the book and depends on NumPy only
(:mod:`nnlearn.viz` also needs plotly). Rows are samples; a dense layer's
weight ``W`` has shape ``(n_out, n_in)`` like ``torch.nn.Linear.weight``, so a
batch moves forward as ``Z = A @ W.T + b``.
"""

__version__ = "0.1.0"
