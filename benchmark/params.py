"""Checking the parameters of every public entry point (as scikit-learn's metrics do): one
checker per parameter, each a one-line `KhabarError` naming the parameter (and its CLI option).

`score(..., n_boot=-5)` is refused here; `khabar score --n-boot -5` is refused earlier, by the
parser, with the same range (cli.py declares the bounds and choices; tests/test_cli.py keeps
them equal to these).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .errors import KhabarError

MAX_RESAMPLES = 1_000_000
"""Most bootstrap resamples or permutations a run may ask for."""
MAX_SEED = 2**32 - 1
"""numpy's seeds are unsigned 32-bit integers."""


def _name(param: str) -> str:
    return f"{param} (--{param.replace('_', '-')})"


def _integer(value, param: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise KhabarError(f"expected an integer from {low} to {high}, got {value!r}", field=_name(param))
    return value


def check_n_boot(n_boot) -> int:
    """Bootstrap resamples: 0 (no intervals) or up to `MAX_RESAMPLES`."""
    return _integer(n_boot, "n_boot", 0, MAX_RESAMPLES)


def check_resamples(n, param: str = "n") -> int:
    """Resamples or permutations of a significance test: at least 1 (a p-value needs one)."""
    return _integer(n, param, 1, MAX_RESAMPLES)


def check_seed(seed) -> int:
    """A random seed: 0 to 2**32 - 1."""
    return _integer(seed, "seed", 0, MAX_SEED)


def check_fraction(value, param: str, *, open_low: bool = False) -> float:
    """A finite number in [0, 1] (in (0, 1] with `open_low`)."""
    ok = not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value) \
        and (0 < value if open_low else 0 <= value) and value <= 1
    if not ok:
        raise KhabarError(f"expected a number {'above' if open_low else 'from'} 0 {'and up ' if open_low else ''}"
                          f"to 1, got {value!r}", field=_name(param))
    return float(value)


def check_choice(value, allowed: Sequence[str], param: str) -> str:
    """One of `allowed`, or an error listing them (with a "did you mean")."""
    if value not in allowed:
        from .errors import did_you_mean

        what = param[:-1] if param.endswith("s") else param
        raise KhabarError(f"unknown {what} {value!r}{did_you_mean(str(value), allowed)}; expected one of "
                          f"{', '.join(allowed)}", field=_name(param))
    return value


def check_tasks(tasks, known: Sequence[str]) -> tuple[str, ...] | None:
    """`tasks` (a comma-separated string or a sequence) as a tuple in registry order; None
    means "the default". An empty selection or an unknown task is an error."""
    if tasks is None:
        return None
    if isinstance(tasks, str):
        tasks = [t.strip() for t in tasks.split(",")]
    if not isinstance(tasks, (list, tuple)) or not all(isinstance(t, str) for t in tasks):
        raise KhabarError(f"expected task names, got {tasks!r}", field=_name("tasks"))
    tasks = [t for t in tasks if t]
    if not tasks:
        raise KhabarError(f"no task given; expected some of {', '.join(known)}", field=_name("tasks"))
    for t in tasks:
        check_choice(t, known, "tasks")
    return tuple(t for t in known if t in tasks)
