"""How many CPU cores this process may use: one answer for the conlleval reader's second
thread (`scoring.conll`) and the learned baselines' forked fits (`baselines.forked`)."""

from __future__ import annotations

import os


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity where the system keeps one (a
    container or `taskset` may allow fewer than the machine has), else the machine's count."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
