"""`baselines.forked`: work in a forked child comes back whole, a failure is an error, and
`pack`/`unpack` round-trip and refuse what is not theirs."""

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khabar.baselines import forked

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forking is Linux only here")


@given(st.lists(st.binary(max_size=50), max_size=4))
def test_pack_round_trips(parts):
    assert forked.unpack(forked.pack(*parts), len(parts)) == tuple(parts)


def test_unpack_refuses_what_pack_did_not_write():
    data = forked.pack(b"abc", b"de")
    assert forked.unpack(None, 2) is None
    assert forked.unpack(data[:-1], 2) is None  # cut short
    assert forked.unpack(data + b"x", 2) is None  # too long
    assert forked.unpack(data, 3) is None and forked.unpack(data, 1) is None
    assert forked.unpack(b"\xff" * 8, 1) is None


@linux
def test_a_child_answers_with_its_bytes_and_keeps_its_changes():
    box = [1]

    def work() -> bytes:
        box.append(os.getpid())
        return b"x" * 200_000  # more than a pipe holds at once

    child = forked.Forked(work, "test work")
    assert child.pid != os.getpid()
    assert child.result() == b"x" * 200_000 and child.result() == b"x" * 200_000
    assert box == [1]  # the child's change stayed in the child
    assert forked.run(lambda: b"", "empty") == b""


@linux
def test_a_failing_child_is_an_error(capfd):
    def work() -> bytes:
        raise ValueError("boom")

    with pytest.raises(RuntimeError, match="test work failed in a child process"):
        forked.Forked(work, "test work").result()
    assert "ValueError: boom" in capfd.readouterr().err


@linux
def test_a_child_whose_parent_stopped_reading_leaves_quietly(capfd):
    child = forked.Forked(lambda: b"x" * 1_000_000, "test work")
    child._stop.detach()  # the parent gives up (an error elsewhere, say) and, here, still waits
    os.close(child._read)
    _, status = os.waitpid(child.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1 and "Traceback" not in capfd.readouterr().err


@linux
def test_an_abandoned_child_is_stopped_and_reaped():
    import gc
    import time

    child = forked.Forked(lambda: (time.sleep(60), b"")[1], "test work")
    pid = child.pid
    t = time.perf_counter()
    del child
    gc.collect()
    assert time.perf_counter() - t < 5  # not waited out
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # reaped already: no zombie left


@linux
def test_a_child_still_working_when_the_process_leaves_is_stopped():
    """`khabar` ends without the interpreter's teardown (`cli._leave`); a child still working
    then is stopped and reaped by its finalizer, not left to run on."""
    import subprocess

    code = ("import time\n"
            "from khabar import cli\n"
            "from khabar.baselines import forked\n"
            "child = forked.Forked(lambda: (time.sleep(60), b'')[1], 'test work')\n"
            "print(child.pid, flush=True)\n"
            "cli._leave(0)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    pid = int(proc.stdout.split()[0])
    assert not os.path.exists(f"/proc/{pid}")  # stopped and reaped before the parent left
