"""nnlearn.optimizers and nnlearn.schedules against torch.optim (skipped without torch)."""

import itertools

import numpy as np
import pytest

from nnlearn import optimizers as ours
from nnlearn import schedules

torch = pytest.importorskip("torch", exc_type=ImportError)  # also skip a broken install
torch.set_num_threads(1)  # tiny tensors: threads only add overhead on a 2-core machine

N_STEPS = 200
SHAPES = [(3, 4), (5,), ()]


def grid(**options):
    """All combinations of the given option values, as a list of dicts."""
    keys = list(options)
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*options.values())]


SGD_CASES = [c for c in grid(momentum=[0.0, 0.9], dampening=[0.0, 0.3],
                             nesterov=[False, True], weight_decay=[0.0, 0.05])
             if not (c["nesterov"] and (c["momentum"] == 0.0 or c["dampening"] != 0.0))]
# eps is paired with one other option instead of multiplying the number of cases
ADAGRAD_CASES = [dict(c, eps=1e-10 if c["lr_decay"] == 0.0 else 1e-3)
                 for c in grid(lr_decay=[0.0, 0.01], weight_decay=[0.0, 0.05],
                               initial_accumulator_value=[0.0, 0.5])]
RMSPROP_CASES = [dict(c, eps=1e-8 if c["alpha"] == 0.99 else 1e-3)
                 for c in grid(alpha=[0.99, 0.8], momentum=[0.0, 0.9], centered=[False, True],
                               weight_decay=[0.0, 0.05])]
ADAM_CASES = [dict(c, eps=1e-8 if c["betas"][0] == 0.9 else 1e-3)
              for c in grid(betas=[(0.9, 0.999), (0.5, 0.8)], weight_decay=[0.0, 0.05],
                            amsgrad=[False, True])]
ADAMW_CASES = grid(betas=[(0.9, 0.999), (0.5, 0.8)], weight_decay=[0.0, 0.01, 0.3],
                   amsgrad=[False, True])

CASES = ([("SGD", "SGD", 0.05, c) for c in SGD_CASES]
         + [("AdaGrad", "Adagrad", 0.1, c) for c in ADAGRAD_CASES]
         + [("RMSProp", "RMSprop", 0.01, c) for c in RMSPROP_CASES]
         + [("Adam", "Adam", 0.01, c) for c in ADAM_CASES]
         + [("AdamW", "AdamW", 0.01, c) for c in ADAMW_CASES])


def case_id(case):
    name, _, _, opts = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in opts.items())


def torch_opt(torch_name, tensors, lr, opts):
    # foreach=False selects torch's single-tensor loop, the reference formulas
    return getattr(torch.optim, torch_name)(tensors, lr=lr, foreach=False, **opts)


def run_both(name, torch_name, lr, opts, dtype, n_steps, seed=0):
    """Run both optimizers on the same random gradients.

    Returns both optimizers and, per parameter, the stacked trajectories
    (n_steps, *shape) of ours and of torch.
    """
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=s).astype(dtype) for s in SHAPES]
    tensors = [torch.tensor(p.copy(), requires_grad=True) for p in params]
    mine = getattr(ours, name)(params, lr=lr, **opts)
    theirs = torch_opt(torch_name, tensors, lr, opts)
    traj_mine, traj_torch = [[] for _ in SHAPES], [[] for _ in SHAPES]
    for _ in range(n_steps):
        grads = [rng.normal(size=s) for s in SHAPES]
        mine.step(grads)
        with torch.no_grad():
            for t, g in zip(tensors, grads, strict=True):
                t.grad = torch.from_numpy(g).to(t.dtype)
        theirs.step()
        for i, (p, t) in enumerate(zip(params, tensors, strict=True)):
            traj_mine[i].append(p.copy())
            traj_torch[i].append(t.detach().numpy().copy())
    return mine, theirs, [np.array(a) for a in traj_mine], [np.array(a) for a in traj_torch]


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_matches_torch_for_200_float64_steps(case):
    name, torch_name, lr, opts = case
    mine, theirs, traj, reference = run_both(name, torch_name, lr, opts, np.float64, N_STEPS)
    for p, r in zip(traj, reference, strict=True):
        assert p.shape == r.shape == (N_STEPS, *p.shape[1:])
        np.testing.assert_allclose(p, r, rtol=1e-10, atol=1e-10)
    # the buffers carry torch's names and values
    for i, tensor in enumerate(theirs.param_groups[0]["params"]):
        torch_state = theirs.state[tensor]
        assert set(mine.state[i]) <= set(torch_state)
        for buf_name, buf in mine.state[i].items():
            np.testing.assert_allclose(buf, torch_state[buf_name].numpy(),
                                       rtol=1e-10, atol=1e-10)
        assert int(torch_state.get("step", mine.t)) == mine.t


FLOAT32_CASES = [("SGD", "SGD", 0.05, {"momentum": 0.9, "nesterov": True}),
                 ("AdaGrad", "Adagrad", 0.1, {"lr_decay": 0.01}),
                 ("RMSProp", "RMSprop", 0.01, {"momentum": 0.5, "centered": True}),
                 ("Adam", "Adam", 0.01, {"amsgrad": True}),
                 ("AdamW", "AdamW", 0.01, {"weight_decay": 0.1})]


@pytest.mark.parametrize("case", FLOAT32_CASES, ids=[c[0] for c in FLOAT32_CASES])
def test_float32_stays_float32_and_matches_torch_float32(case):
    name, torch_name, lr, opts = case
    _, _, traj, reference = run_both(name, torch_name, lr, opts, np.float32, 50)
    for p, r in zip(traj, reference, strict=True):
        assert p.dtype == r.dtype == np.float32
        np.testing.assert_allclose(p, r, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name, torch_name, names", [
    ("AdaGrad", "Adagrad", ["lr", "lr_decay", "weight_decay", "initial_accumulator_value",
                            "eps"]),
    ("RMSProp", "RMSprop", ["lr", "alpha", "eps", "weight_decay", "momentum", "centered"]),
    ("Adam", "Adam", ["lr", "betas", "eps", "weight_decay", "amsgrad"]),
    ("AdamW", "AdamW", ["lr", "betas", "eps", "weight_decay", "amsgrad"]),
    ("SGD", "SGD", ["momentum", "dampening", "nesterov", "weight_decay"]),
])
def test_defaults_match_torch(name, torch_name, names):
    kwargs = {"lr": 0.1} if name == "SGD" else {}
    mine = getattr(ours, name)([np.zeros(2)], **kwargs)
    theirs = getattr(torch.optim, torch_name)([torch.zeros(2, requires_grad=True)], **kwargs)
    for key in names:
        assert getattr(mine, key) == theirs.defaults[key], key


def test_plain_adam_step_matches_torch_adam_step_by_step():
    rng = np.random.default_rng(5)
    theta = rng.normal(size=6)
    m, v = np.zeros(6), np.zeros(6)
    tensor = torch.tensor(theta.copy(), requires_grad=True)
    theirs = torch_opt("Adam", [tensor], 0.01, {})
    for t in range(1, 201):
        g = rng.normal(size=6)
        theta, m, v = ours.adam_step(theta, g, m, v, t, lr=0.01)
        tensor.grad = torch.from_numpy(g)
        theirs.step()
        np.testing.assert_allclose(theta, tensor.detach().numpy(), rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(v, theirs.state[tensor]["exp_avg_sq"].numpy(), rtol=1e-13)


def test_two_arrow_nesterov_visits_the_points_torch_stores():
    # torch's SGD(nesterov=True) stores the look-ahead point and takes the gradient there
    lr, mu = 0.05, 0.9
    A = np.array([[4.0, 1.5], [1.5, 1.0]])
    theta, m = np.array([-2.5, 2.0]), np.zeros(2)
    tensor = torch.tensor(theta.copy(), requires_grad=True)
    theirs = torch_opt("SGD", [tensor], lr, {"momentum": mu, "nesterov": True})
    for _ in range(50):
        theta, m = ours.nesterov_step(lambda x: A @ x, theta, m, lr, mu)
        tensor.grad = torch.from_numpy(A @ tensor.detach().numpy())
        theirs.step()
        np.testing.assert_allclose(theta - lr * mu * m, tensor.detach().numpy(),
                                   rtol=1e-13, atol=1e-14)
    assert np.abs(theta - tensor.detach().numpy()).max() > 1e-4


# ---------------------------------------------------------------------------
# schedules

SCHEDULES = [
    ("StepLR", {"step_size": 7, "gamma": 0.5}, "StepLR", {"step_size": 7, "gamma": 0.5}),
    ("StepLR", {"step_size": 1}, "StepLR", {"step_size": 1}),
    ("ExponentialLR", {"gamma": 0.95}, "ExponentialLR", {"gamma": 0.95}),
    ("CosineAnnealingLR", {"T_max": 10}, "CosineAnnealingLR", {"T_max": 10}),
    ("CosineAnnealingLR", {"T_max": 17, "eta_min": 0.01}, "CosineAnnealingLR",
     {"T_max": 17, "eta_min": 0.01}),
    ("LinearWarmup", {"warmup_steps": 12, "start_factor": 0.1}, "LinearLR",
     {"start_factor": 0.1, "end_factor": 1.0, "total_iters": 12}),
    ("LinearWarmup", {"warmup_steps": 1, "start_factor": 0.5}, "LinearLR",
     {"start_factor": 0.5, "end_factor": 1.0, "total_iters": 1}),
]


@pytest.mark.parametrize("name, opts, torch_name, torch_opts", SCHEDULES,
                         ids=[f"{s[0]}-{i}" for i, s in enumerate(SCHEDULES)])
def test_schedule_matches_torch_lr_sequence(name, opts, torch_name, torch_opts):
    opt = ours.SGD([np.zeros(2)], lr=0.3)
    sched = getattr(schedules, name)(opt, **opts)
    tensor = torch.zeros(2, requires_grad=True)
    t_opt = torch.optim.SGD([tensor], lr=0.3)
    t_sched = getattr(torch.optim.lr_scheduler, torch_name)(t_opt, **torch_opts)
    mine, theirs = [opt.lr], [t_opt.param_groups[0]["lr"]]
    for _ in range(60):  # several cosine half-periods
        opt.step([np.zeros(2)])
        sched.step()
        tensor.grad = torch.zeros(2)
        t_opt.step()
        t_sched.step()
        mine.append(opt.lr)
        theirs.append(t_opt.param_groups[0]["lr"])
    np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sched.lr_at(np.arange(61)), theirs, rtol=1e-10, atol=1e-12)
