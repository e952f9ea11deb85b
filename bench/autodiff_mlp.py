"""Speed benchmark: training with nnlearn.autodiff versus the hand-written backward pass.

Two networks, each trained for whole epochs by both methods from the same
initial weights, on the same data in the same order, with the same optimizer:

- ``ch8``: chapter 8's digits network, MLP 64-128-10 (ReLU), float64, Adam
  (lr 3e-3), batch 64, on the 1,257 standardised training digits;
- ``large``: the MLP 784-256-128-10 of ``bench/train_mlp.py``, float32, Adam
  (lr 1e-3), batch 128, on 60,000 synthetic samples (``--samples``).

"hand" is :func:`nnlearn.training.train_step` (what ``fit`` runs per batch:
``MLP.forward``, the loss, ``MLP.backward``, the optimizer step). "engine"
builds the same network from :class:`nnlearn.autodiff.Tensor` operations
(:func:`nnlearn.autodiff.mlp` and :func:`nnlearn.autodiff.cross_entropy`),
calls ``backward()`` and gives the ``.grad`` arrays to the same optimizer.
The two runs must end with the same loss (checked), so they do the same work.

Each method runs in its own child process, pinned to the same CPUs with the
same BLAS threads (``--threads``); the children alternate (``--rounds``
times) so that a busy machine slows both alike. Reported: the median and best
epoch times and the ratio engine / hand.

Usage::

    .venv/bin/python bench/autodiff_mlp.py                 # both networks, all CPUs
    .venv/bin/python bench/autodiff_mlp.py --network ch8 --threads 1

This is a benchmark, not a test: it prints numbers (and fails only if the two
methods disagree on the loss).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

from train_mlp import make_data, pin

NETWORKS = {
    "ch8": {"sizes": [64, 128, 10], "dtype": "float64", "lr": 3e-3, "batch": 64},
    "large": {"sizes": [784, 256, 128, 10], "dtype": "float32", "lr": 1e-3, "batch": 128},
}


def parse_args(argv=None) -> argparse.Namespace:
    cpus = sorted(os.sched_getaffinity(0))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--network", choices=("ch8", "large", "both"), default="both")
    p.add_argument("--samples", type=int, default=60_000, help="samples for 'large' (60000)")
    p.add_argument("--epochs", type=int, default=3, help="timed epochs per child (3)")
    p.add_argument("--rounds", type=int, default=3, help="alternating runs per method (3)")
    p.add_argument("--threads", type=int, default=len(cpus),
                   help=f"threads and CPUs to use (default: all {len(cpus)} available)")
    p.add_argument("--child", choices=("hand", "engine"), help=argparse.SUPPRESS)
    p.add_argument("--child-network", choices=tuple(NETWORKS), help=argparse.SUPPRESS)
    return p.parse_args(argv)


def load(network: str, samples: int):
    """Training inputs and labels of ``network``, in its dtype."""
    import numpy as np

    from nnlearn import datasets
    from nnlearn.preprocessing import StandardScaler

    if network == "large":
        return make_data(samples, 0)
    X, y = datasets.load_digits()
    X_train, _, _, y_train, _, _ = datasets.train_val_test_split(
        X, y, val=0.15, test=0.15, stratify=True, rng=0)
    return StandardScaler().fit(X_train).transform(X_train).astype(np.float64), y_train


def run(method: str, network: str, args) -> dict:
    """Train ``args.epochs`` epochs with ``method``; return the epoch times and losses."""
    import time

    import numpy as np

    from nnlearn.autodiff import Tensor, cross_entropy, mlp
    from nnlearn.network import MLP
    from nnlearn.optimizers import Adam
    from nnlearn.training import get_loss, train_step

    cfg = NETWORKS[network]
    X, y = load(network, args.samples)
    net = MLP(cfg["sizes"], rng=0, dtype=np.dtype(cfg["dtype"]))
    opt = Adam(net.params, lr=cfg["lr"])
    loss_pair = get_loss("cross_entropy")
    tensors = [Tensor(p, requires_grad=True) for p in net.params]    # share net's arrays

    def hand_step(xb, yb) -> float:
        return train_step(net, loss_pair, opt, xb, yb)[0]

    def engine_step(xb, yb) -> float:
        loss = cross_entropy(mlp(tensors, xb), yb)
        loss.backward()
        opt.step([t.grad for t in tensors])
        for t in tensors:
            t.zero_grad()
        return loss.item()

    step = hand_step if method == "hand" else engine_step

    def epoch(seed: int) -> float:
        order = np.random.default_rng(seed).permutation(len(X))
        total = 0.0
        for start in range(0, len(X), cfg["batch"]):
            idx = order[start:start + cfg["batch"]]
            total += step(X[idx], y[idx]) * len(idx)
        return total / len(X)

    epoch(0)                                   # warm-up (also moves the weights)
    times, losses = [], []
    for e in range(args.epochs):
        t0 = time.perf_counter()
        losses.append(epoch(1 + e))
        times.append(time.perf_counter() - t0)
    return {"times": times, "losses": losses}


def spawn(method: str, network: str, argv: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, *argv, "--child", method,
                           "--child-network", network],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(network: str, runs: dict[str, list[dict]], args) -> None:
    cfg = NETWORKS[network]
    n = args.samples if network == "large" else "1,257 digit"
    print(f"{network}: MLP {'-'.join(map(str, cfg['sizes']))}, {cfg['dtype']}, batch "
          f"{cfg['batch']}, {n} samples, {args.threads} thread(s), "
          f"{args.rounds} x {args.epochs} timed epochs")
    medians, bests = {}, {}
    for method, results in runs.items():
        times = [t for r in results for t in r["times"]]
        medians[method], bests[method] = statistics.median(times), min(times)
        print(f"  {method:>6}: epoch {medians[method] * 1e3:8.1f} ms median "
              f"(best {bests[method] * 1e3:.1f}), last loss {results[-1]['losses'][-1]:.6f}")
    hand, engine = runs["hand"][-1]["losses"], runs["engine"][-1]["losses"]
    rel = max(abs(a - b) / abs(a) for a, b in zip(hand, engine, strict=True))
    print(f"  ratio engine / hand: {medians['engine'] / medians['hand']:.2f} (medians), "
          f"{bests['engine'] / bests['hand']:.2f} (best epochs); epoch losses agree to "
          f"{rel:.1e} (relative)")
    if rel > (1e-2 if cfg["dtype"] == "float32" else 1e-10):    # float32: rounding drifts
        raise SystemExit("the two methods trained differently: the benchmark is invalid")


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    pin(args.threads)
    if args.child:
        print(json.dumps(run(args.child, args.child_network, args)))
        return
    networks = tuple(NETWORKS) if args.network == "both" else (args.network,)
    print(f"CPUs {sorted(os.sched_getaffinity(0))}, load average {os.getloadavg()[0]:.1f}")
    for network in networks:
        runs: dict[str, list[dict]] = {"hand": [], "engine": []}
        for _ in range(args.rounds):
            for method in runs:
                runs[method].append(spawn(method, network, argv))
        report(network, runs, args)


if __name__ == "__main__":
    main()
