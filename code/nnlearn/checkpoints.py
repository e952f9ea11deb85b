"""Checkpoints: save a training run to one ``.npz`` file and resume it.

:func:`save_checkpoint` stores the parameters, the optimizer's state, the
epoch, random-number states and, if asked, the schedule's and early
stopping's state; :func:`load_checkpoint` puts them back, so a run can be
stopped and resumed with the same result as an uninterrupted one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from nnlearn._checks import check_scalar, check_schedule
from nnlearn.protocols import check_model, check_optimizer
from nnlearn.regularization import EarlyStopping

__all__ = ["load_checkpoint", "save_checkpoint"]

_CHECKPOINT_FORMAT = "nnlearn-checkpoint-1"



def _rng_state(gen: np.random.Generator) -> str:
    return json.dumps(gen.bit_generator.state)


def _set_rng_state(gen: np.random.Generator, state: str, name: str) -> None:
    saved = json.loads(str(state))
    if saved.get("bit_generator") != gen.bit_generator.state["bit_generator"]:
        raise ValueError(f"{name} uses {gen.bit_generator.state['bit_generator']} but the "
                         f"checkpoint holds a {saved.get('bit_generator')} state")
    gen.bit_generator.state = saved


def save_checkpoint(path, model, optimizer, epoch: int, *, schedule=None,
                    rng: np.random.Generator | None = None,
                    early_stopping: EarlyStopping | None = None) -> Path:
    """Write model parameters, optimizer state and the epoch to one ``.npz`` file.

    Keys: ``"param.<i>"`` for ``model.params[i]``, ``"buffer.<i>"`` for
    ``model.buffers[i]`` (BatchNorm running statistics), ``"optimizer.<key>"`` for
    ``optimizer.state_dict()``, ``"schedule.<key>"`` for the scheduler's state,
    ``"early_stopping.<key>"`` for the early-stopping rule's counters and best
    weights, ``"epoch"``, and, as JSON strings, the bit-generator states of
    ``rng`` (the shuffling source given to :func:`~nnlearn.training.fit`) and of ``model.rng``
    (dropout masks) when present. With all of them, a resumed run repeats the
    uninterrupted run exactly, including where early stopping ends it.

    Parameters
    ----------
    path : str or os.PathLike
        File name; ``.npz`` is appended if missing.
    model : MLP or compatible
    optimizer : nnlearn.protocols.OptimizerLike
        Built on ``model.params`` (a :class:`~nnlearn.regularization.Penalized`
        wrapper too).
    epoch : int
        Number of epochs completed (>= 0).
    schedule : nnlearn.schedules.LRScheduler, optional
    rng : numpy.random.Generator, optional
    early_stopping : nnlearn.regularization.EarlyStopping, optional

    Returns
    -------
    pathlib.Path
        The file written.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name, got {type(path).__name__}")
    check_model(model)
    check_optimizer(optimizer, model=model)
    epoch = check_scalar(epoch, "epoch", low=0, integer=True)
    check_schedule(schedule, optimizer)
    _check_generator(rng)
    _check_stopper(early_stopping)
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    arrays = {"format": _CHECKPOINT_FORMAT, "epoch": epoch}
    for i, p in enumerate(model.params):
        arrays[f"param.{i}"] = p                   # W1, b1, W2, b2, ...
    for i, b in enumerate(getattr(model, "buffers", [])):
        arrays[f"buffer.{i}"] = b                  # BatchNorm running statistics
    for key, value in optimizer.state_dict().items():
        arrays[f"optimizer.{key}"] = value         # t, lr, buffers
    if schedule is not None:
        for key, value in schedule.state_dict().items():
            arrays[f"schedule.{key}"] = value
    if early_stopping is not None:
        arrays.update(_stopper_arrays(early_stopping))   # counters, best weights
    if rng is not None:
        arrays["rng"] = _rng_state(rng)                  # batch order
    if isinstance(getattr(model, "rng", None), np.random.Generator):
        arrays["model_rng"] = _rng_state(model.rng)      # dropout masks
    np.savez(path, **arrays)
    return path


def _section(data, prefix: str) -> dict:
    return {k[len(prefix):]: data[k] for k in data.files if k.startswith(prefix)}


def _check_generator(rng) -> None:
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")


def _check_stopper(early_stopping) -> None:
    if early_stopping is not None and not isinstance(early_stopping, EarlyStopping):
        raise TypeError(f"early_stopping must be an nnlearn.regularization.EarlyStopping, "
                        f"got {type(early_stopping).__name__}")


def _stopper_arrays(early_stopping: EarlyStopping) -> dict:
    """:meth:`EarlyStopping.state_dict` as flat ``.npz`` entries.

    None is stored as "".
    """
    state = early_stopping.state_dict()
    best_params = state.pop("best_params") or []
    arrays = {f"early_stopping.{k}": ("" if v is None else v)
              for k, v in state.items()}
    for i, p in enumerate(best_params):
        arrays[f"early_stopping.best_params.{i}"] = p
    return arrays


def _stopper_state(data) -> dict:
    """The inverse of :func:`_stopper_arrays`, read from a checkpoint."""
    section = _section(data, "early_stopping.")
    if not section:
        raise ValueError("early_stopping was given but the checkpoint holds no "
                         "early-stopping state")
    n_best = len(_section(data, "early_stopping.best_params."))
    state = {k: v for k, v in section.items() if not k.startswith("best_params.")}
    if str(state.get("monitor", "")) == "":
        state["monitor"] = None
    state["best_params"] = ([section[f"best_params.{i}"] for i in range(n_best)]
                            if n_best else None)
    return state


def load_checkpoint(path, model, optimizer=None, *, schedule=None,
                    rng: np.random.Generator | None = None,
                    early_stopping: EarlyStopping | None = None) -> int:
    """Restore a checkpoint written by :func:`save_checkpoint`; return its epoch.

    The parameters are copied into ``model.params`` in place (an optimizer
    built on them keeps working). Every saved array must have the shape and
    dtype of the model's parameter, otherwise ``ValueError`` names the first
    mismatch and nothing is changed. ``optimizer`` (built on
    ``model.params``), ``schedule``, ``rng`` (a Generator, set to the saved
    state) and ``early_stopping`` are restored when given.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name, got {type(path).__name__}")
    check_model(model)
    if optimizer is not None:
        check_optimizer(optimizer, model=model)
    check_schedule(schedule, optimizer)
    _check_generator(rng)
    _check_stopper(early_stopping)
    try:
        data = np.load(path)
    except (OSError, ValueError) as err:
        raise ValueError(f"path {str(path)!r} is not an nnlearn checkpoint "
                         f"(it could not be read as an .npz file: {err})") from err
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise ValueError(f"path {str(path)!r} is not an nnlearn checkpoint (.npz file)")
    with data:
        if "format" not in data.files or str(data["format"]) != _CHECKPOINT_FORMAT:
            raise ValueError(f"path {str(path)!r} is not an nnlearn checkpoint")
        saved = [data[f"param.{i}"] for i in range(len(_section(data, "param.")))]
        params = model.params
        if len(saved) != len(params):
            raise ValueError(f"the checkpoint holds {len(saved)} parameter arrays but the "
                             f"model has {len(params)}")
        for i, (s, p) in enumerate(zip(saved, params, strict=True)):
            if s.shape != p.shape or s.dtype != p.dtype:
                raise ValueError(f"checkpoint parameter {i} has shape {s.shape} and dtype "
                                 f"{s.dtype}, but the model's params[{i}] has shape "
                                 f"{p.shape} and dtype {p.dtype}: the checkpoint belongs "
                                 f"to another architecture")
        saved_buffers = [data[f"buffer.{i}"] for i in range(len(_section(data, "buffer.")))]
        buffers = getattr(model, "buffers", [])
        if len(saved_buffers) != len(buffers) or any(
                s.shape != b.shape for s, b in zip(saved_buffers, buffers, strict=False)):
            raise ValueError(f"the checkpoint holds {len(saved_buffers)} buffers (running "
                             f"statistics) that do not match the model's {len(buffers)}")
        if rng is not None and "rng" not in data.files:
            raise ValueError("rng was given but the checkpoint holds no rng state")
        if schedule is not None and not _section(data, "schedule."):
            raise ValueError("schedule was given but the checkpoint holds no schedule state")
        if early_stopping is not None:
            stopper_state = _stopper_state(data)
            EarlyStopping().load_state_dict(stopper_state)     # check before changing
        if optimizer is not None:
            optimizer.load_state_dict(_section(data, "optimizer."))
        if schedule is not None:
            schedule.load_state_dict(_section(data, "schedule."))
        if early_stopping is not None:
            early_stopping.load_state_dict(stopper_state)
        for s, p in zip(saved, params, strict=True):
            np.copyto(p, s)
        for s, b in zip(saved_buffers, buffers, strict=True):
            np.copyto(b, s)
        if rng is not None:
            _set_rng_state(rng, data["rng"], "rng")
        if "model_rng" in data.files and isinstance(getattr(model, "rng", None),
                                                    np.random.Generator):
            _set_rng_state(model.rng, data["model_rng"], "model.rng")
        return int(data["epoch"])
