"""Small input checks shared by every module.

Every public function in :mod:`nnlearn` validates its arguments with these
helpers so that a wrong call fails at once with a message that names the
argument and says what was expected, instead of failing later (or silently).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence

import numpy as np


def as_float_array(x, name: str, ndim: int | tuple[int, ...] | None = None,
                   allow_nonfinite: bool = False) -> np.ndarray:
    """Return ``x`` as a floating-point array, checking its rank and values.

    Floating inputs keep their dtype (float32 stays float32); integer and
    boolean inputs become float64.

    Parameters
    ----------
    x : array_like
        The value to check.
    name : str
        The argument name used in error messages.
    ndim : int or tuple of int, optional
        Allowed number(s) of dimensions.
    allow_nonfinite : bool, default False
        If False, NaN or infinity raises ``ValueError``.
    """
    try:
        arr = np.asarray(x)
    except Exception as exc:  # pragma: no cover - numpy raises many types
        raise TypeError(f"{name} must be array-like, got {type(x).__name__}") from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number)
                                   or arr.dtype == np.bool_):
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must be {want}-dimensional, got shape {arr.shape}")
    if not allow_nonfinite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity")
    return arr


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise ``ValueError`` naming both shapes if ``a`` and ``b`` differ in shape."""
    if np.shape(a) != np.shape(b):
        raise ValueError(f"{name_a} and {name_b} must have the same shape, "
                         f"got {np.shape(a)} and {np.shape(b)}")


INT64_MIN, INT64_MAX = int(np.iinfo(np.int64).min), int(np.iinfo(np.int64).max)


def check_scalar(value, name: str, *, low: float | None = None, high: float | None = None,
                 low_inclusive: bool = True, high_inclusive: bool = True,
                 integer: bool = False) -> float | int:
    """Check that ``value`` is a real number (or integer) inside a range.

    Returns the value as ``float`` (or ``int`` if ``integer=True``). An
    integer must also fit NumPy's int64 (:math:`-2^{63} \\le v < 2^{63}`), which every
    count, size and step number is computed in.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        kind = "an integer" if integer else "a real number"
        raise TypeError(f"{name} must be {kind}, got {value!r}")
    if integer:
        if not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be an integer, got {value!r}")
        value = int(value)
    else:
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value!r}")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        op = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {op} {low}, got {value!r}")
    if high is not None and (value > high or (value == high and not high_inclusive)):
        op = "<=" if high_inclusive else "<"
        raise ValueError(f"{name} must be {op} {high}, got {value!r}")
    if integer and not INT64_MIN <= value <= INT64_MAX:
        bound = f"<= {INT64_MAX}" if value > 0 else f">= {INT64_MIN}"
        raise ValueError(f"{name} must be {bound} (a 64-bit integer), got {value!r}")
    return value


def check_choice(value, name: str, choices) -> str:
    """Check that ``value`` is one of ``choices`` (a list, a set or a dict's keys)."""
    if isinstance(value, (np.ndarray, list, dict, set)):      # unhashable, or no truth value
        raise TypeError(f"{name} must be one of {sorted(choices)!r}, got a "
                        f"{type(value).__name__}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)!r}, got {value!r}")
    return value


def check_rng(rng) -> np.random.Generator:
    """Turn ``None``, an int seed or a Generator into a ``numpy.random.Generator``.

    A seed must be a non-negative integer (``True`` is not a seed).
    """
    if isinstance(rng, (bool, np.bool_)):
        raise TypeError(f"rng must be None, an int seed or a numpy.random.Generator, got {rng!r}")
    if isinstance(rng, numbers.Integral) and rng < 0:
        raise ValueError(f"rng must be a non-negative int seed, got {rng!r}")
    if rng is None or isinstance(rng, (numbers.Integral, np.random.SeedSequence)):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(f"rng must be None, an int seed or a numpy.random.Generator, "
                    f"got {type(rng).__name__}")


Bounds = tuple[tuple[float, float], tuple[float, float]]
"""A plot window ``((xmin, xmax), (ymin, ymax))``."""


def check_bounds(bounds, name: str = "bounds") -> Bounds:
    """Return ``bounds`` as ``((xmin, xmax), (ymin, ymax))`` of floats, checked.

    ``bounds`` must be finite numbers of shape ``(2, 2)`` with
    ``xmin < xmax`` and ``ymin < ymax`` (a plot window or a grid's extent);
    otherwise ``ValueError`` names ``name`` and what was expected.
    """
    arr = as_float_array(bounds, name)
    if arr.shape != (2, 2):
        raise ValueError(f"{name} must be ((xmin, xmax), (ymin, ymax)), got shape {arr.shape}")
    if not (arr[0, 0] < arr[0, 1] and arr[1, 0] < arr[1, 1]):
        raise ValueError(f"{name} must satisfy xmin < xmax and ymin < ymax, got {arr.tolist()}")
    return (float(arr[0, 0]), float(arr[0, 1])), (float(arr[1, 0]), float(arr[1, 1]))


def check_bool(value, name: str) -> bool:
    """Return ``value`` as ``bool``; raise ``TypeError`` naming ``name`` unless it is one.

    Only ``True``, ``False`` and NumPy booleans pass: a string such as
    ``"False"`` (which Python would treat as true) or a number is refused.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_dtype(dtype, name: str = "dtype") -> np.dtype:
    """Return ``dtype`` as a floating NumPy dtype; raise ``TypeError`` otherwise."""
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"{name} must be a floating dtype, got {dtype!r}") from exc
    if not np.issubdtype(dt, np.floating):
        raise TypeError(f"{name} must be a floating dtype, got {dt}")
    return dt


def all_finite(a: np.ndarray) -> bool:
    """True if ``a`` holds no NaN or infinity, without an array-sized temporary.

    NaN or an infinity makes the float64 sum non-finite; only then (or if a
    float64 sum overflows) is every entry checked.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.sum(a, dtype=np.float64)
    return bool(np.isfinite(total)) or bool(np.isfinite(a).all())


def check_batch(x, name: str, width: int | None, dtype: np.dtype | None,
                finite: bool = True) -> np.ndarray:
    """Return ``x`` as a 2-D array with ``width`` columns in ``dtype`` (finite if ``finite``).

    Integer input is converted to ``dtype``; floating input of another
    precision raises ``TypeError`` (no silent up- or down-casting).
    """
    arr = as_float_array(x, name, allow_nonfinite=True)
    if finite and not all_finite(arr):
        raise ValueError(f"{name} contains NaN or infinity")
    if arr.ndim == 1:
        raise ValueError(f"{name} must be 2-dimensional (n_samples, n_features), got shape "
                         f"{arr.shape}; for a single sample pass {name}.reshape(1, -1)")
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-dimensional (n_samples, n_features), "
                         f"got shape {arr.shape}")
    if width is not None and arr.shape[1] != width:
        raise ValueError(f"{name} must have {width} columns, got {arr.shape[1]} "
                         f"(shape {arr.shape})")
    if dtype is not None and arr.dtype != dtype:
        if np.issubdtype(np.asarray(x).dtype, np.floating):
            raise TypeError(f"{name} has dtype {arr.dtype} but the layer computes in {dtype}; "
                            f"cast {name} or build the model with dtype=np.{arr.dtype}")
        arr = arr.astype(dtype)
    return arr


def check_grad_out(grad_out, like, dtype: np.dtype | None) -> np.ndarray:
    """Check a layer's ``grad_out`` against its last forward output.

    Parameters
    ----------
    grad_out : array_like
        :math:`\\partial L / \\partial \\text{output}`; NaN and infinity pass
        (a diverged loss flows on).
    like : ndarray, tuple of int or None
        The last forward output (or its shape); ``None`` if ``forward`` has
        not run, which raises ``RuntimeError``.
    dtype : numpy dtype or None
        The layer's dtype, if it has one.
    """
    if like is None:
        raise RuntimeError("backward called before forward: run forward(x) first")
    expected_shape = like.shape if isinstance(like, np.ndarray) else tuple(like)
    grad = as_float_array(grad_out, "grad_out", allow_nonfinite=True)   # NaN: diverged
    if grad.shape != expected_shape:
        raise ValueError(f"grad_out must have the shape of the forward output "
                         f"{expected_shape}, got {grad.shape}")
    if dtype is not None and grad.dtype != dtype:
        raise TypeError(f"grad_out has dtype {grad.dtype}, expected {dtype}")
    return grad


def check_params(params, name: str = "params", *, in_place: bool = False,
                 allow_nonfinite: bool = False) -> list[np.ndarray]:
    """Check that ``params`` is a list or tuple of floating NumPy arrays (kept as they are).

    Parameters
    ----------
    params : list or tuple of ndarray
        The arrays, returned in a new list (the arrays themselves, not copies).
    name : str
        The argument name used in error messages.
    in_place : bool, default False
        The arrays will be updated in place (by an optimizer): there must be
        at least one, each writeable, and no array may appear twice.
    allow_nonfinite : bool, default False
        If False, an array holding NaN or infinity raises ``ValueError``.
    """
    if isinstance(params, (np.ndarray, str, bytes)) or not isinstance(params, (list, tuple)):
        raise TypeError(f"{name} must be a list or tuple of arrays (wrap a single array as "
                        f"[W]), got {type(params).__name__}")
    if in_place and len(params) == 0:
        raise ValueError(f"{name} must hold at least one array, got an empty list")
    for i, p in enumerate(params):
        if not isinstance(p, np.ndarray):
            raise TypeError(f"{name}[{i}] must be a NumPy array"
                            f"{' (updated in place)' if in_place else ''}, "
                            f"got {type(p).__name__}")
        if not np.issubdtype(p.dtype, np.floating):
            raise TypeError(f"{name}[{i}] must have a floating dtype, got {p.dtype}")
        if not allow_nonfinite and not all_finite(p):
            raise ValueError(f"{name}[{i}] contains NaN or infinity")
        if in_place and not p.flags.writeable:
            raise ValueError(f"{name}[{i}] must be writeable, got a read-only array")
    if in_place and len({id(p) for p in params}) != len(params):
        raise ValueError(f"{name} must not hold the same array twice")
    return list(params)


MAX_ENTRIES = 2 ** 28
"""The most entries (about 2.7e8, 2 GiB of float64) of an array built from a size argument."""


def check_size(value, name: str, *, low: int = 1, per_item: int = 1) -> int:
    """Check an integer size argument whose output has ``value * per_item`` entries.

    Raises ``TypeError`` unless ``value`` is an integer, and ``ValueError``
    naming ``name`` if it is below ``low`` or the output would hold more than
    :data:`MAX_ENTRIES` entries: an astronomically large size is refused at
    once, instead of a long wait and a ``MemoryError``.
    """
    value = check_scalar(value, name, low=low, integer=True)
    if value * max(int(per_item), 1) > MAX_ENTRIES:
        raise ValueError(f"{name}={value} would build an array of {value * max(per_item, 1):.3g} "
                         f"entries; at most {MAX_ENTRIES} ({MAX_ENTRIES:.3g}) are allowed")
    return value


def check_model(model, *needs: str, name: str = "model") -> None:
    """Raise ``TypeError`` naming ``name`` unless ``model`` has every attribute in ``needs``."""
    missing = [attr for attr in needs if not hasattr(model, attr)]
    if missing:
        raise TypeError(f"{name} must be a model with {', '.join(needs)} (like "
                        f"nnlearn.network.MLP); {type(model).__name__} has no {missing[0]}")


def check_model_batch(model, X, y=None, *, needs: tuple[str, ...] = ("forward",),
                      names: tuple[str, str] = ("X", "y"), loss=None):
    """Check ``model`` and a batch for it, naming the caller's arguments.

    ``X`` must be a finite 2-D array with the model's input width and dtype
    (when the model has ``sizes``/``dtype``, as an MLP does); ``y``, if
    given, is checked by :func:`check_targets` (as many rows as ``X``, in
    the form ``loss`` expects). Returns ``X`` as an array, or ``(X, y)``
    when ``y`` is given. A bad batch is reported as ``X`` or ``y``, not
    under the name some inner layer or loss uses.
    """
    check_model(model, *needs)
    sizes = getattr(model, "sizes", None)
    X = check_batch(X, names[0], None if sizes is None else sizes[0],
                    getattr(model, "dtype", None))
    if X.shape[0] == 0:
        raise ValueError(f"{names[0]} must hold at least one sample, got shape {X.shape}")
    if y is None:
        return X
    return X, check_targets(model, y, X.shape[0], names[1], loss_name(loss), names[0])


def loss_name(loss) -> str | None:
    """The ``LOSSES`` name of ``loss`` (a name or one of its pairs), else None."""
    from nnlearn import losses

    if loss is None or isinstance(loss, str):
        return loss
    for name, spec in losses.LOSSES.items():
        if spec.pair == tuple(loss):
            return name
    return None


def check_targets(model, y, n: int, name: str, loss: str | None,
                  inputs: str = "the inputs") -> np.ndarray:
    """``y`` with ``n`` rows (like ``inputs``), in the form the loss named ``loss`` expects.

    Class labels must be integers below the model's output width; the targets
    of an elementwise loss must have the shape of the model's output (and are
    cast to its dtype). A custom loss (``loss=None``) only fixes the rows.
    """
    arr = np.asarray(y)
    if arr.ndim == 0 or arr.shape[0] != n:
        raise ValueError(f"{name} must have {n} rows to match {inputs}, got shape {arr.shape}")
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity")
    sizes = getattr(model, "sizes", None)
    n_out = None if sizes is None else sizes[-1]
    dtype = getattr(model, "dtype", None)
    from nnlearn import losses

    target = getattr(losses.LOSSES.get(loss), "target", None)
    if target == "labels" and arr.ndim == 1:
        if not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"{name} must hold integer class labels for {loss}, "
                            f"got dtype {arr.dtype}")
        if n_out is not None and (arr.min() < 0 or arr.max() >= n_out):
            raise ValueError(f"{name} must hold class labels in [0, {n_out - 1}] for a model "
                             f"with {n_out} outputs, got values from {arr.min()} to {arr.max()}")
    elif target == "labels" and n_out is not None and arr.shape != (n, n_out):
        raise ValueError(f"{name} must be {n} integer labels or class probabilities of "
                         f"shape {(n, n_out)} for loss {loss!r}, got shape {arr.shape}")
    elif target == "same_shape" and n_out is not None:
        if arr.shape != (n, n_out):
            raise ValueError(f"{name} must have shape {(n, n_out)} like the model's output "
                             f"for loss {loss!r}, got {arr.shape}")
        if dtype is not None:
            arr = arr.astype(dtype, copy=False)      # once here, not in every batch
    return arr


def scalar_entry(state_dict, key: str):
    """``state_dict[key]`` as a Python scalar (a 0-d array from ``np.load`` is unwrapped)."""
    arr = np.asarray(state_dict[key])
    if arr.size != 1:
        raise ValueError(f"state_dict[{key!r}] must be a single value, got shape {arr.shape}")
    return arr.item()


def check_schedule(schedule, optimizer) -> None:
    """``schedule`` is None or a scheduler driving ``optimizer`` (or the one it wraps)."""
    if schedule is None:
        return
    if not all(callable(getattr(schedule, m, None))
               for m in ("step", "state_dict", "load_state_dict")):
        raise TypeError(f"schedule must be an nnlearn.schedules scheduler (step, state_dict, "
                        f"load_state_dict), got {type(schedule).__name__}")
    if optimizer is None:
        return
    driven = getattr(schedule, "optimizer", optimizer)
    inner = optimizer
    while inner is not None and driven is not inner:   # Penalized wraps an optimizer
        inner = getattr(inner, "optimizer", None)
    if inner is None:
        raise ValueError("schedule must drive the optimizer passed here (build it as "
                         "Scheduler(optimizer, ...))")


def check_grads(grads, params: list[np.ndarray]) -> list[np.ndarray]:
    """``grads`` as a new list of float arrays, one per parameter, each of its shape."""
    if not isinstance(grads, (list, tuple)):
        raise TypeError(f"grads must be a list of arrays, got {type(grads).__name__}")
    if len(grads) != len(params):
        raise ValueError(f"grads must hold one array per parameter: expected "
                         f"{len(params)}, got {len(grads)}")
    checked = []
    for i, (g, p) in enumerate(zip(grads, params, strict=True)):
        if not (isinstance(g, np.ndarray) and g.dtype.kind == "f"):  # fast path for floats
            g = as_float_array(g, f"grads[{i}]", allow_nonfinite=True)
        check_same_shape(g, p, f"grads[{i}]", f"params[{i}]")
        checked.append(g)
    return checked


def checked_gradient(grad: Callable, x0: np.ndarray, noise: float,
                     rng: np.random.Generator) -> Callable[[np.ndarray], np.ndarray]:
    """``grad`` as the descent loops use it: checked, noisy if asked, in x0's dtype.

    The loops are :func:`~nnlearn.descent.gradient_descent` and
    :func:`~nnlearn.optimizers.optimize_path`.

    At ``x0`` a bad gradient raises a ValueError that says what is wrong (an
    ``x0`` that ``grad`` refuses is reported as ``x0``). Later a NaN or
    infinite gradient is passed on, and the caller ends the run.
    """
    calls = 0

    def checked(x: np.ndarray) -> np.ndarray:
        nonlocal calls
        first, calls = calls == 0, calls + 1
        try:
            g = np.asarray(grad(x))
        except ValueError as exc:
            if first:
                raise ValueError(f"grad does not accept x0 of shape {x.shape}: {exc}") from exc
            raise
        if g.shape != x.shape:
            raise ValueError(f"grad must return an array of the shape of x0 {x.shape}, "
                             f"got {g.shape}")
        if first and not np.all(np.isfinite(g)):
            raise ValueError("grad returned NaN or infinity at x0")
        if noise > 0:
            g = g + noise * rng.standard_normal(x.shape)
        return np.asarray(g, dtype=x0.dtype)

    return checked


def check_layer_sizes(sizes) -> list[int]:
    """``sizes`` as a list of at least two layer widths, each an integer >= 1."""
    if isinstance(sizes, np.ndarray):
        sizes = sizes.tolist()
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"sizes must be a list of layer widths, got {type(sizes).__name__}")
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least 2 widths (n_in, ..., n_out), got {sizes!r}")
    return [check_scalar(n, "sizes", low=1, integer=True) for n in sizes]


def check_order(order, n: int) -> np.ndarray:
    """``order`` as a permutation of ``range(n)``."""
    arr = np.asarray(order)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"order must be an integer array (a permutation of the row "
                        f"indices), got dtype {arr.dtype}")
    if arr.shape != (n,):
        raise ValueError(f"order must have shape ({n},) like the rows of X, got {arr.shape}")
    if n and (arr.min() < 0 or arr.max() >= n or np.bincount(arr, minlength=n).max() > 1):
        raise ValueError(f"order must be a permutation of 0, ..., {n - 1} (every row once)")
    return arr
