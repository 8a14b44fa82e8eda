"""Whole processes as the benchmark scripts measure them: the `khabar` command as a user types
it, and one run of a command with its wall and CPU seconds and peak memory (`score_speed.py`,
`leaderboard_speed.py`)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time


def khabar() -> list[str]:
    """The `khabar` command as a user types it: the console script pip installed beside this
    interpreter (`python -m khabar` where there is none, which also pays for runpy)."""
    script = os.path.join(os.path.dirname(sys.executable), "khabar")
    return [script] if os.access(script, os.X_OK) else [sys.executable, "-m", "khabar"]


def run_one(cmd: list[str], env: dict) -> dict:
    """Run `cmd` to the end: wall and CPU seconds (user and system, the process and every process
    it waited for), peak RSS (MB), exit code and output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "peak_mb": ru.ru_maxrss / 1024,
                "code": os.waitstatus_to_exitcode(status), "stdout": out.read().decode("utf-8"),
                "stderr": err.read().decode("utf-8", "replace")}
