"""The command line's conventions: `-h`, `-o -`, choices and bounds in the parser, progress
and styles only on a terminal, no colour under NO_COLOR."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from typing import get_args

import pytest

from khabar import cli
from khabar.cli import command

KHABAR = [sys.executable, "-m", "khabar"]


def khabar(*argv: str, cwd=None, stdin=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([*KHABAR, *argv], capture_output=True, cwd=cwd, input=stdin, env=env)


def test_choices_are_the_librarys():
    from khabar.formats import EXPORT_FORMATS, IMPORT_FORMATS
    from khabar.formats.labelstudio import USES
    from khabar.harness import HARNESSES
    from khabar.params import MAX_RESAMPLES, MAX_SEED
    from khabar.schema import SCHEMES
    from khabar.scoring.compare import METHODS

    pairs = [(cli.Scheme, SCHEMES), (cli.Method, METHODS), (cli.ExportFormat, EXPORT_FORMATS),
             (cli.ImportFormat, IMPORT_FORMATS), (cli.LabelStudioUse, USES), (cli.Harness, HARNESSES)]
    for literal, library in pairs:
        assert set(get_args(literal)) == set(library), (literal, library)
    assert (cli.MAX_RESAMPLES, cli.MAX_SEED) == (MAX_RESAMPLES, MAX_SEED)


def test_dash_h_is_help_everywhere():
    assert khabar("-h").stdout == khabar("--help").stdout
    for name in command().commands:
        short, long = khabar(name, "-h"), khabar(name, "--help")
        assert short.returncode == 0 and short.stdout == long.stdout and b"-h, --help" in short.stdout, name


def test_help_shows_choices_and_bounds():
    out = khabar("score", "-h").stdout.decode()
    assert "<fine|coarse>" in out and "0<=x<=1000000" in out
    assert "<bootstrap|ar>" in khabar("compare", "-h").stdout.decode()


@pytest.mark.parametrize("argv,words", [
    (["score", "p.jsonl", "--scheme", "corse"], "'corse' is not one of 'fine', 'coarse' (did you mean 'coarse'?)"),
    (["compare", "a", "b", "--method", "boot"], "(did you mean 'bootstrap'?)"),
    (["export", "out", "--format", "cnll"], "(did you mean 'conll'?)"),
    (["import", "x", "--format", "brat2", "-o", "y"], "is not one of 'brat', 'labelstudio', 'conll'"),
    (["import", "x", "--format", "labelstudio", "--use", "annotation", "-o", "y"], "(did you mean 'annotations'?)"),
    (["harness-path", "lmeval"], "(did you mean 'lm-eval'?)"),
    (["score", "p.jsonl", "--n-boot", "-1"], "expected an integer from 0 to 1000000, got -1"),
    (["score", "p.jsonl", "--seed", "4294967296"], "expected an integer from 0 to 4294967295"),
    (["compare", "a", "b", "--n", "0"], "expected an integer from 1 to 1000000, got 0"),
    (["import", "x", "--format", "conll", "--column", "0", "-o", "y"], "expected an integer of at least 1, got 0"),
    (["check", "p", "--baseline", "b", "--tolerance", "2"], "'--tolerance'"),
])
def test_the_parser_refuses_in_one_line(argv, words, tmp_path):
    proc = khabar(*argv, cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.startswith("error: Invalid value for") and words in err, err
    assert err.count("\n") == 1 and not list(tmp_path.iterdir())


def test_run_to_stdout_pipes_into_score(tmp_path):
    run = khabar("run", "oracle", "-o", "-", cwd=tmp_path)
    assert run.returncode == 0 and run.stderr.decode().startswith("<stdout>: 1 document(s) predicted by oracle")
    assert json.loads(run.stdout.decode().splitlines()[0])["id"]
    scored = khabar("score", "-", "--json", "--n-boot", "0", cwd=tmp_path, stdin=run.stdout)
    assert scored.returncode == 0
    assert {t: m["f1"] for t, m in json.loads(scored.stdout)["headline"].items()} == \
        {"ner": 1.0, "quotes": 1.0, "numbers": 1.0}
    assert not list(tmp_path.iterdir())  # nothing written, not even a file called "-"


def test_import_and_report_to_stdout(tmp_path):
    assert khabar("export", "out", "--format", "brat", cwd=tmp_path).returncode == 0
    imported = khabar("import", "out", "--format", "brat", "-o", "-", cwd=tmp_path)
    assert imported.returncode == 0 and json.loads(imported.stdout)["documents"]
    assert imported.stderr.decode().startswith("<stdout>: valid gold")
    assert khabar("run", "oracle", "-o", "o.jsonl", cwd=tmp_path).returncode == 0
    page = khabar("report", "o.jsonl", "-o", "-", "--n-boot", "0", cwd=tmp_path)
    assert page.returncode == 0 and page.stdout.lstrip().lower().startswith(b"<!doctype html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.jsonl", "out"]


def in_terminal(argv: list[str], env: dict, cwd) -> bytes:
    """What `khabar ARGV` writes to a pseudo-terminal (stdout and stderr both)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: its stdio is the terminal
        os.chdir(cwd)
        os.execve(sys.executable, [*KHABAR, *argv], env)
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, out[-500:]
    return out


@pytest.fixture(scope="module")
def oracle(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tty")
    assert khabar("run", "oracle", "-o", "o.jsonl", cwd=folder).returncode == 0
    return folder


def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    return {**env, "TERM": "xterm-256color", "COLUMNS": "160", **extra}


def test_styles_on_a_terminal_none_under_no_color(oracle):
    styled = in_terminal(["score", "o.jsonl", "--n-boot", "0"], clean_env(), oracle)
    assert b"\x1b[1m" in styled  # the headline line in bold: the test can see a style
    plain = in_terminal(["score", "o.jsonl", "--n-boot", "0"], clean_env(NO_COLOR="1"), oracle)
    assert b"\x1b[" not in plain and b"signature: " in plain


def test_nothing_but_text_in_a_pipe(oracle):
    for argv in (["score", "o.jsonl", "--n-boot", "0"], ["robustness", "oracle", "-p", "tatweel", "--n-boot", "0"]):
        proc = khabar(*argv, cwd=oracle, env=clean_env())
        assert proc.returncode == 0 and b"\x1b" not in proc.stdout + proc.stderr, argv


def test_progress_on_a_terminal_only(oracle):
    argv = ["robustness", "oracle", "-p", "tatweel", "-p", "tatweel", "--n-boot", "0"]
    on_tty = in_terminal(argv, clean_env(), oracle)
    assert "━".encode() in on_tty  # rich's bar, drawn then erased
    assert "━".encode() not in khabar(*argv, cwd=oracle, env=clean_env()).stderr


def test_one_bar_at_a_time(capsys):
    from khabar.terminal import Progress

    with Progress("outer", 2, enabled=True) as outer:
        with Progress("inner", 3, enabled=True) as inner:
            assert inner._bar is None  # silent inside another bar
        assert outer._bar is not None
    assert Progress._active == 0


def test_cache_command_shows_and_clears(tmp_path):
    env = {**os.environ, "KHABAR_CACHE": str(tmp_path / "c")}
    from khabar import cache

    (tmp_path / "c" / "crf").mkdir(parents=True)
    (tmp_path / "c" / "crf" / f"k{cache.SUFFIX}").write_bytes(b"x" * 2_000_000)
    (tmp_path / "c" / "mine.txt").write_text("a user's file", encoding="utf-8")
    shown = khabar("cache", env=env)
    assert shown.returncode == 0 and shown.stdout.decode() == f"{tmp_path / 'c'}: 1 entries, 2.0 MB\n"
    cleared = khabar("cache", "--clear", env=env)
    assert cleared.returncode == 0 and cleared.stdout.decode().startswith("removed ")
    assert khabar("cache", env=env).stdout.decode() == f"{tmp_path / 'c'}: 0 entries, 0.0 MB\n"
    assert (tmp_path / "c" / "mine.txt").read_text(encoding="utf-8") == "a user's file"
    off = khabar("cache", env={**env, "KHABAR_CACHE": "off"})
    assert off.stdout.decode().startswith("cache off")


def test_commands_are_made_when_named():
    """`khabar score` makes only the score command; every command, made, is typer's own."""
    import typer

    lazy = cli._Commands(cli.app.registered_commands)
    full = typer.main.get_command(cli.app).commands
    assert list(lazy) == list(full) and not lazy.made
    score = lazy["score"]
    assert list(lazy.made) == ["score"] and lazy.get("nosuch") is None
    assert [p.name for p in score.params] == [p.name for p in full["score"].params]
    assert all(isinstance(p._runtime_param, cli._DirectParam) for p in score.params if p.name in ("seed", "conll"))


def test_a_reader_that_leaves_early_ends_the_command_quietly():
    """`khabar systems | head -1`: the pipe's reader leaves before khabar writes; typer would exit
    1 (a failed check, in khabar's codes), khabar ends with 0 and says nothing."""
    proc = subprocess.Popen([sys.executable, "-c", "from khabar.cli import main; main()", "systems"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # before the child writes: it starts slower than this line runs
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0 and err == b"", err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [["--help"], ["systems"]])
def test_a_full_disk_is_one_line_not_an_internal_error(argv):
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-c", "from khabar.cli import main; main()", *argv],
                              stdout=full, stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 2
    assert proc.stderr == "error: output: No space left on device\n", proc.stderr

