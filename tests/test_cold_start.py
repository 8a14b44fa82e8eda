"""What a cold `khabar` imports, and that the shortcuts taken for it change no output.

No timing here (speed lives in benchmarks/score_speed.py): these tests check the causes. A cold
`khabar score` imports neither pydantic (typer would coerce options through it), rich (the
table is plain text when it is not a terminal) nor numpy.ma (np.percentile would); `khabar
--help` imports no numpy and no rich. The plain coercion gives typer's values and errors, and
the plain table is what rich prints, character for character.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from khabar.cli import _DirectParam, app, command

HEAVY = ("pydantic", "rich", "numpy.ma")


def modules_after(*argv: str) -> set[str]:
    """The modules loaded by one cold `khabar ARGV` (its output is thrown away)."""
    code = ("import io, contextlib, sys, json\n"
            "from khabar.cli import run\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    code = run({list(argv)!r})\n"
            "print(json.dumps([code, sorted(sys.modules)]))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    code, mods = json.loads(proc.stdout.strip().splitlines()[-1])
    assert code == 0
    return set(mods)


def loaded(mods: set[str], name: str) -> bool:
    return name in mods or any(m.startswith(name + ".") for m in mods)


@pytest.fixture(scope="module")
def oracle(tmp_path_factory, gold):
    from khabar.baselines import get_system
    from khabar.predictions import write_predictions

    return str(write_predictions(get_system("oracle").predict(gold.documents),
                                 tmp_path_factory.mktemp("cold") / "oracle.jsonl"))


def test_cold_score_imports_nothing_heavy(oracle):
    mods = modules_after("score", oracle)
    assert not [m for m in HEAVY if loaded(mods, m)]


def test_cold_conll_reads_no_gold_model(tmp_path):
    path = tmp_path / "c.conll"
    path.write_text("a B-PER B-PER\nb O O\n\nc B-LOC O\n", encoding="utf-8")
    mods = modules_after("score", "--conll", str(path), "--json")
    assert not [m for m in HEAVY + ("khabar.gold", "khabar.model", "khabar.scoring.scorer") if loaded(mods, m)]


def test_help_imports_no_numpy_or_rich():
    mods = modules_after("--help")
    assert not [m for m in ("numpy", "rich", "pydantic") if loaded(mods, m)]


def test_main_freezes_what_is_imported_before_it_runs():
    """`main` moves the import-time objects out of the collector's reach (`gc.freeze`), so no
    collection walks them again; `run`, the library entry, does not."""
    code = ("import gc, sys, atexit\n"
            "from khabar import cli\n"
            "before = gc.get_freeze_count()\n"
            "atexit.register(lambda: print(before, gc.get_freeze_count()))\n"
            "sys.argv = ['khabar', '--version']\n"
            "cli.main()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    before, after = map(int, proc.stdout.split()[-2:])
    assert before == 0 and after > 1000


def _glibc() -> bool:
    try:
        return sys.platform.startswith("linux") and bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError):
        return False


@pytest.mark.skipif(not _glibc(), reason="a glibc setting")
@pytest.mark.parametrize("env, kept", [({}, True), ({"MALLOC_ARENA_MAX": "2"}, False)])
def test_main_keeps_freed_heap_for_reuse_unless_told(env, kept):
    """`main` has glibc keep freed heap mapped for reuse (M_TOP_PAD); any MALLOC_ setting of
    the user's own leaves malloc as it was, handing a freed top of the heap back at once."""
    code = ("import atexit, os, sys\n"
            "from khabar import cli\n"
            "def rss():\n"
            "    return int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE') >> 20\n"
            "def probe():\n"
            "    blocks = [bytes([1]) * 100_000 for _ in range(400)]  # 40 MB in heap-sized pieces\n"
            "    peak = rss()\n"
            "    del blocks\n"
            "    print(peak - rss())\n"
            "atexit.register(probe)\n"
            "sys.argv = ['khabar', '--version']\n"
            "cli.main()\n")
    base = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "GLIBC_TUNABLES"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**base, **env})
    assert proc.returncode == 0, proc.stderr
    released = int(proc.stdout.split()[-1])
    assert (released < 5) if kept else (released > 30), released


LEAVING = ("import atexit, os, sys, weakref\n"
           "from khabar import cli\n"
           "class Loud:\n"
           "    def __del__(self):\n"
           "        os.write(1, b'teardown')\n"
           "cli.kept = Loud()  # a module's object: freed only by the interpreter's teardown\n"
           "class Held:\n"
           "    pass\n"
           "held = Held()\n"
           "weakref.finalize(held, print, 'finalized')\n"
           "atexit.register(print, 'atexit')\n"
           "sys.stdout.write('output')  # no newline: still in the buffer\n")


@pytest.mark.parametrize("ending, teardown", [
    ("cli._leave(3)", False),
    ("sys.setprofile(lambda *a: None)\ncli._leave(3)", True),  # a profiler reports at teardown
    ("sys.exit(3)", True),  # the interpreter's own exit, for contrast
])
def test_leave_runs_the_exit_handlers_and_skips_the_teardown(ending, teardown):
    """`_leave` (how `main` ends) keeps the exit code, runs atexit handlers and
    `weakref.finalize` callbacks and flushes stdout, without the interpreter's teardown,
    unless a profiler or tracer is set."""
    proc = subprocess.run([sys.executable, "-c", LEAVING + ending + "\n"], capture_output=True, text=True)
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout.startswith("outputatexit\nfinalized\n"), proc.stdout
    assert ("teardown" in proc.stdout) is teardown


def test_leave_waits_for_a_thread_still_running():
    code = ("import threading, time\n"
            "from khabar import cli\n"
            "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()\n"
            "cli._leave(0)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "thread done"


@pytest.mark.parametrize("env, want", [({}, 1), ({"OPENBLAS_NUM_THREADS": "2"}, 2)])
def test_main_keeps_numpy_blas_on_one_thread_unless_told(tmp_path, env, want):
    """`main` runs numpy's OpenBLAS on one thread (its pool spun against the main thread); a
    user's own OPENBLAS_NUM_THREADS stands."""
    path = tmp_path / "c.conll"
    path.write_text("a B-PER B-PER\nb O O\n", encoding="utf-8")
    code = ("import sys, atexit, os\n"
            "from khabar import cli\n"
            "def threads():\n"
            "    from threadpoolctl import threadpool_info\n"
            "    blas = [i['num_threads'] for i in threadpool_info() if i['internal_api'] == 'openblas']\n"
            "    print(os.environ['OPENBLAS_NUM_THREADS'], blas)\n"
            "atexit.register(threads)\n"
            f"sys.argv = ['khabar', 'score', '--conll', {str(path)!r}, '--json']\n"
            "cli.main()\n")
    base = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**base, **env})
    assert proc.returncode == 0, proc.stderr
    setting, blas = proc.stdout.strip().splitlines()[-1].split(" ", 1)
    assert int(setting) == want
    if want == 1:  # numpy's own OpenBLAS, where it has one (a wheel from PyPI does)
        assert set(json.loads(blas)) <= {1}


def test_help_lists_every_command_in_full():
    out = subprocess.run([sys.executable, "-m", "khabar", "--help"], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "80"}).stdout
    flat = "".join(out.split())  # wrapped lines (also at a hyphen) joined
    for name, cmd in command().commands.items():
        summary = "".join((cmd.help or "").split("\n\n")[0].split())
        assert name in out and summary in flat, name  # never cut with "..."
    assert "..." not in out.replace("[ARGS]...", "")


# --- the plain coercion gives typer's own values and errors -------------------------------------


VALUES = {
    str: ["x", "", " a b ", "-", "ü", "--json", "0"],
    int: ["0", "7", "-3", "007", "-0", "1000000", "999999999999999999", "1.5", "abc", "", " 7", "+5", "1_000",
          "٣", "1e3", "0x10", "9" * 25, 12, True],
    Path: ["p.jsonl", "-", "/", ".", "a b/c", "~/x", "", "a\0b", "/root/nowhere/x"],
    bool: [True, False],
}


def outcome(f):
    try:
        v = f()
        return ("ok", type(v).__name__, v)
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return ("error", type(e).__name__, str(e))


CHOICES = ["fine", "coarse", "bootstrap", "ar", "Fine", "corse", "", "x"]


def plain_params():
    """Every parameter of score and compare with `_DirectParam` coercion: str, int with and
    without bounds, a choice, a path, a flag."""
    for name in ("score", "compare"):
        cmd = typer.main.get_command(app).commands[name]
        for p in cmd.params:
            ann = p.type_descriptor.annotation
            if ann in VALUES or getattr(ann, "__origin__", None) is not None and str(ann).startswith("typing.Literal"):
                yield pytest.param(name, p.name, id=f"{name}-{p.name}")


@pytest.mark.parametrize("command_name,param_name", list(plain_params()))
def test_direct_coercion_equals_typer(command_name, param_name):
    """Every value typer takes, the plain coercion takes as the same value; every value typer
    refuses, it refuses with typer's words, except a bound or a choice, where it says which
    values the option takes (and the nearest choice)."""
    from typer._coercion import build_runtime_param
    from typer._param_types import coerce_cli_path

    cmd = typer.main.get_command(app).commands[command_name]
    param = next(p for p in cmd.params if p.name == param_name)
    ann = param.type_descriptor.annotation
    info = param.type_descriptor.parameter_info
    bounded = getattr(info, "min", None) is not None or getattr(info, "max", None) is not None
    ctx = typer.Context(cmd)
    direct = _DirectParam(param.type_descriptor, build_runtime_param, coerce_cli_path)
    own = build_runtime_param(param.type_descriptor)
    values = VALUES.get(ann, CHOICES) + (["4294967295", "4294967296", "1000001"] if ann is int else [])
    for value in values + [None]:
        got = outcome(lambda: direct.coerce(value, param=param, ctx=ctx))
        want = outcome(lambda: own.coerce(value, param=param, ctx=ctx))
        if want[0] == "ok" or not (bounded or ann not in VALUES) or not isinstance(value, str) \
                or ann is int and not re.fullmatch(r"-?[0-9]{1,18}", value):
            assert got == want, (param_name, value)
        else:
            assert got[:2] == ("error", "BadParameter"), (param_name, value, got)
            assert ("expected an integer" if ann is int else "is not one of") in got[2], got


def test_every_plain_option_takes_the_direct_path():
    from khabar import cli

    if not hasattr(typer.core._TyperParameter, "get_runtime_param"):
        pytest.skip("this typer does not coerce through pydantic")
    cmd = cli.command()
    for name in ("score", "validate", "compare", "check"):
        for p in cmd.commands[name].params:
            ann = p.type_descriptor.annotation
            if ann in (str, int, bool, Path) or str(ann).startswith("typing.Literal"):  # a float stays typer's
                assert isinstance(p._runtime_param, _DirectParam), (name, p.name)


@pytest.mark.parametrize("argv,code,message", [
    (["score", "--n-boot", "abc", "p.jsonl"], 2, "error: Invalid value for '--n-boot'"),
    (["score", "--n-boot", "1.5", "p.jsonl"], 2, "error: Invalid value for '--n-boot'"),
    (["score", "--n-boot", "-1", "--conll", "x"], 2,
     "error: Invalid value for '--n-boot': expected an integer from 0 to 1000000, got -1"),
    (["score", "--scheme", "corse", "--conll", "x"], 2,
     "error: Invalid value for '--scheme': 'corse' is not one of 'fine', 'coarse' (did you mean 'coarse'?)"),
    (["score", "--seed", "٣", "--conll", "nowhere.conll"], 2, "error: Invalid value for '--seed'"),
])
def test_bad_values_still_one_line(argv, code, message):
    proc = subprocess.run([sys.executable, "-m", "khabar", *argv], capture_output=True, text=True)
    assert proc.returncode == code and proc.stderr.startswith(message), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


# --- the plain table is rich's, character for character -----------------------------------------


def reports(gold):
    from khabar.baselines import get_system
    from khabar.scoring import score, score_tags

    out = [score(gold, get_system(n).predict(gold.documents), n_boot=50) for n in ("oracle", "empty", "rules")]
    out.append(score(gold, get_system("rules").predict(gold.documents), n_boot=0, scheme="coarse"))
    tags = score_tags([["B-PER", "I-PER", "O", "B-LOC"], ["O", "B-ORG"]], [["B-PER", "O", "O", "B-LOC"], ["O", "O"]],
                      n_boot=20)
    tags.notes.append("lenient read: 2 bad record(s) skipped")
    out.append(tags)
    return out


def rich_text(report, full: bool) -> str:
    from rich.console import Console

    from khabar.scoring.render import print_report

    buf = io.StringIO()
    print_report(report, console=Console(file=buf, width=120), full=full)
    return buf.getvalue()


@pytest.mark.parametrize("full", [False, True])
def test_plain_table_is_rich_output(gold, full, monkeypatch):
    from khabar.scoring.render import _RICH_ENV, plain_report

    for v in _RICH_ENV:
        monkeypatch.delenv(v, raising=False)
    for rep in reports(gold):
        assert plain_report(rep, full=full) == rich_text(rep, full)


def test_plain_table_steps_aside_for_rich(gold, monkeypatch):
    from khabar.baselines import get_system
    from khabar.scoring import score
    from khabar.scoring.render import plain_report

    rep = score(gold, get_system("oracle").predict(gold.documents), n_boot=0)
    rep.notes.append("a [bold]note[/bold] rich would read as markup")
    assert plain_report(rep) is None
    rep.notes[-1] = "see :thumbs_up: here"
    assert plain_report(rep) is None
    rep.notes[-1] = "x " * 70  # rich would wrap it
    assert plain_report(rep) is None
    rep.notes.pop()
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert plain_report(rep) is None


def test_cli_table_unchanged(oracle, gold):
    """`khabar score` into a pipe prints what rich printed there before."""
    from khabar.predictions import read_predictions
    from khabar.scoring import score

    proc = subprocess.run([sys.executable, "-m", "khabar", "score", oracle, "--n-boot", "30"], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    rep = score(gold, read_predictions(oracle, gold), n_boot=30)
    assert proc.stdout == rich_text(rep, False)
