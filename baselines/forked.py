"""Work done in a forked copy of this process, its answer (bytes) back through a pipe: how the
learned baselines fit their models while the leaderboard runs the other systems.

A fork inherits everything this process built (features, a trainer holding a corpus), so no
work is pickled on the way in; the child leaves with `os._exit`, running none of the parent's
exit code. Forking is Linux only here (`available`): elsewhere the callers do the work in
place, with the same result.
"""

from __future__ import annotations

import os
import signal
import sys
import weakref
from collections.abc import Callable

from khabar.cores import usable_cores


def available() -> bool:
    """Whether work may be forked: on Linux, with more than one core this process may use."""
    return sys.platform.startswith("linux") and usable_cores() > 1


class Forked:
    """`work()` running in a forked child from construction on; `result()` waits for its bytes.
    A child that fails prints its traceback and `result` raises RuntimeError."""

    def __init__(self, work: Callable[[], bytes], what: str):
        self.what = what
        r, w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: work, write, leave without running any of the parent's exit code
            code = 1
            try:
                os.close(r)
                data = work()
                with os.fdopen(w, "wb") as f:
                    f.write(data)
                code = 0
            except (BrokenPipeError, KeyboardInterrupt):
                pass  # the parent stopped (an error, Ctrl-C) and says why itself
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                os._exit(code)
        os.close(w)
        self._read = r
        self._data: bytes | None = None
        self._stop = weakref.finalize(self, _stop, r, self.pid)
        """Abandoned before its result (the caller failed, say), or still running when the
        process exits: the child is stopped and reaped, not left fitting or blocked on a pipe
        nobody reads."""

    def result(self) -> bytes:
        """The child's bytes (read once; later calls give the same)."""
        if self._data is None:
            self._stop.detach()
            with os.fdopen(self._read, "rb") as f:
                data = f.read()
            self._read = None
            _, status = os.waitpid(self.pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                raise RuntimeError(f"{self.what} failed in a child process (status {status})")
            self._data = data
        return self._data


def _stop(read: int, pid: int) -> None:
    """Stop and reap an abandoned child (`Forked._stop`)."""
    try:
        os.close(read)
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except OSError:  # gone already
        pass


def pack(*parts: bytes) -> bytes:
    """Several byte strings as one (each after its length, 8 bytes big-endian): a child's
    answer of several models, or a cache entry of them."""
    return b"".join(len(p).to_bytes(8, "big") + p for p in parts)


def unpack(data: bytes | None, n: int) -> tuple[bytes, ...] | None:
    """The `n` byte strings `pack` joined, or None when `data` is not that (absent, cut short,
    too long)."""
    if data is None:
        return None
    parts, i = [], 0
    for _ in range(n):
        size = int.from_bytes(data[i:i + 8], "big")
        if i + 8 > len(data) or i + 8 + size > len(data):
            return None
        parts.append(data[i + 8:i + 8 + size])
        i += 8 + size
    return tuple(parts) if i == len(data) else None


def run(work: Callable[[], bytes], what: str) -> bytes:
    """`work()` done in a forked child, for its bytes: the child's changes to this process's
    objects (a trainer it extends, say) stay in the child."""
    return Forked(work, what).result()
