"""Speed benchmark: one epoch of an MLP 784-256-128-10 in nnlearn and in PyTorch (CPU).

The task: 60,000 synthetic float32 samples with 784 features and 10 classes
(labels from a fixed random linear "teacher", so there is something to learn),
ReLU hidden layers, softmax cross-entropy, Adam (lr 1e-3), batch 128, shuffled
every epoch. Both libraries start from the same weights and see the same data,
on the same CPUs with the same number of threads.

Each library runs in its own child process (so the peak memory of one does not
hide the other's), pinned to the same CPUs (like ``taskset``) with
``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS``/``MKL_NUM_THREADS`` and
``torch.set_num_threads`` set to ``--threads``. Every child first trains a few
warm-up batches, then times ``--epochs`` full epochs; the runs of the two
libraries alternate (``--rounds`` times) so that a busy machine slows both
alike. Reported: the median epoch time, samples per second, the peak resident
memory of the child while it trains (``VmHWM`` after a reset) and how much of
it is above the memory the child held once the data and model existed, and
the ratio nnlearn/PyTorch of the epoch times.

Usage::

    .venv/bin/python bench/train_mlp.py               # all CPUs, both libraries
    .venv/bin/python bench/train_mlp.py --threads 1
    .venv/bin/python bench/train_mlp.py --no-torch

This is a benchmark, not a test: it prints numbers and checks nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

SIZES = (784, 256, 128, 10)


def parse_args(argv=None) -> argparse.Namespace:
    cpus = sorted(os.sched_getaffinity(0))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--samples", type=int, default=60_000, help="training samples (60000)")
    p.add_argument("--batch-size", type=int, default=128, help="rows per batch (128)")
    p.add_argument("--epochs", type=int, default=2, help="timed epochs per child (2)")
    p.add_argument("--rounds", type=int, default=2,
                   help="alternating child runs per library (2)")
    p.add_argument("--threads", type=int, default=len(cpus),
                   help=f"threads and CPUs to use (default: all {len(cpus)} available)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    p.add_argument("--child", choices=("nnlearn", "torch"), help=argparse.SUPPRESS)
    return p.parse_args(argv)


def pin(threads: int) -> None:
    """Use the first ``threads`` CPUs and as many BLAS/OpenMP threads (set before numpy)."""
    cpus = sorted(os.sched_getaffinity(0))[:threads]
    os.sched_setaffinity(0, cpus)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)


def _status_mib(key: str) -> float:
    """A memory figure from /proc/self/status (Linux), in MiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0          # the file says kB
    raise KeyError(key)


def start_memory() -> float:
    """Reset the peak-RSS mark (Linux >= 4.0) and return the current RSS in MiB."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return _status_mib("VmRSS")


def peak_memory() -> float:
    """Peak resident memory since :func:`start_memory`, in MiB."""
    return _status_mib("VmHWM")


def make_data(n: int, seed: int):
    """Synthetic float32 inputs and int64 labels from a random linear teacher."""
    import numpy as np

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, SIZES[0]), dtype=np.float32)
    teacher = rng.standard_normal((SIZES[0], SIZES[-1]), dtype=np.float32)
    y = np.argmax(X @ teacher, axis=1).astype(np.int64)
    return X, y


def initial_weights(seed: int):
    """He-initialised float32 weights ``(n_out, n_in)`` and zero biases, from nnlearn."""
    import numpy as np

    from nnlearn.network import MLP

    net = MLP(list(SIZES), rng=seed, dtype=np.float32)
    return [p.copy() for p in net.params]


def run_nnlearn(args) -> dict:
    import time

    import numpy as np

    from nnlearn.network import MLP
    from nnlearn.optimizers import Adam
    from nnlearn.training import fit

    X, y = make_data(args.samples, args.seed)
    net = MLP(list(SIZES), rng=args.seed, dtype=np.float32)
    net.set_params(initial_weights(args.seed))
    opt = Adam(net.params, lr=1e-3)
    base = start_memory()
    fit(net, "cross_entropy", opt, X[:20 * args.batch_size], y[:20 * args.batch_size],
        epochs=1, batch_size=args.batch_size, rng=args.seed, verbose=False)   # warm-up
    times, losses = [], []
    for e in range(args.epochs):
        t0 = time.perf_counter()
        h = fit(net, "cross_entropy", opt, X, y, epochs=1, batch_size=args.batch_size,
                rng=args.seed + 1 + e, metrics=(), verbose=False)
        times.append(time.perf_counter() - t0)
        losses.append(h.loss[0])
    assert all(p.dtype == np.float32 for p in net.params)
    return {"times": times, "losses": losses, "base_mib": base, "peak_mib": peak_memory()}


def run_torch(args) -> dict:
    import time

    import numpy as np
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    X_np, y_np = make_data(args.samples, args.seed)
    X, y = torch.from_numpy(X_np), torch.from_numpy(y_np)
    layers = [torch.nn.Linear(a, b) for a, b in zip(SIZES[:-1], SIZES[1:], strict=True)]
    weights = initial_weights(args.seed)
    with torch.no_grad():
        for i, layer in enumerate(layers):
            layer.weight.copy_(torch.from_numpy(weights[2 * i]))
            layer.bias.copy_(torch.from_numpy(weights[2 * i + 1]))
    model = torch.nn.Sequential(layers[0], torch.nn.ReLU(), layers[1], torch.nn.ReLU(),
                                layers[2])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def epoch(Xe, ye, seed):
        gen = np.random.default_rng(seed)
        order = torch.from_numpy(gen.permutation(len(Xe)))
        total = 0.0
        for start in range(0, len(Xe), args.batch_size):
            idx = order[start:start + args.batch_size]
            xb, yb = Xe[idx], ye[idx]
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        return total / len(Xe)

    base = start_memory()
    epoch(X[:20 * args.batch_size], y[:20 * args.batch_size], args.seed)        # warm-up
    times, losses = [], []
    for e in range(args.epochs):
        t0 = time.perf_counter()
        losses.append(epoch(X, y, args.seed + 1 + e))
        times.append(time.perf_counter() - t0)
    return {"times": times, "losses": losses, "base_mib": base, "peak_mib": peak_memory()}


def child(args) -> None:
    result = run_nnlearn(args) if args.child == "nnlearn" else run_torch(args)
    print(json.dumps(result))


def spawn(which: str, argv: list[str]) -> dict | None:
    proc = subprocess.run([sys.executable, __file__, *argv, "--child", which],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(f"{which} failed:\n{proc.stderr.strip()}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    pin(args.threads)
    if args.child:
        child(args)
        return
    libs = ["nnlearn"]
    if not args.no_torch:
        try:
            import torch  # noqa: F401
            libs.append("torch")
        except Exception as exc:       # not installed or broken: benchmark nnlearn alone
            print(f"PyTorch not available ({exc}); timing nnlearn only")
    load_before = os.getloadavg()[0]
    runs = {lib: [] for lib in libs}
    for _ in range(args.rounds):
        for lib in libs:
            result = spawn(lib, argv)
            if result is not None:
                runs[lib].append(result)
    print(f"MLP {'-'.join(map(str, SIZES))}, {args.samples} float32 samples, batch "
          f"{args.batch_size}, Adam; {args.threads} thread(s) on CPUs "
          f"{sorted(os.sched_getaffinity(0))}; {args.rounds} x {args.epochs} timed epochs; "
          f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    medians = {}
    for lib, results in runs.items():
        if not results:
            continue
        times = [t for r in results for t in r["times"]]
        med = statistics.median(times)
        medians[lib] = med
        peak = max(r["peak_mib"] for r in results)
        extra = max(r["peak_mib"] - r["base_mib"] for r in results)
        print(f"{lib:>8}: epoch {med:6.2f} s median (best {min(times):.2f}, worst "
              f"{max(times):.2f}), {args.samples / med:8,.0f} samples/s, peak RSS "
              f"{peak:4.0f} MiB ({extra:.0f} MiB above the data), last loss "
              f"{results[-1]['losses'][-1]:.4f}")
    bests = {lib: min(t for r in res for t in r["times"]) for lib, res in runs.items() if res}
    if len(medians) == 2:
        print(f"   ratio nnlearn / PyTorch epoch time: {medians['nnlearn'] / medians['torch']:.2f} "
              f"(medians), {bests['nnlearn'] / bests['torch']:.2f} (best epochs)")


if __name__ == "__main__":
    main()
