"""The hostile-input suite: every command and the library API against input classes a hostile
or careless user produces. For each case: no traceback, the documented exit code (0 done,
1 a check found something, 2 bad input or usage) with one line `error: WHERE: what` for 2,
and no file that existed before the command changed.

The command cases run in process through `khabar.cli.run` (the entry point `khabar` uses), so
several hundred of them take seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from khabar.cli import run
from khabar.errors import KhabarError
from khabar.gold import default_gold_path, load_gold
from tests.conftest import REPO

GOLD = load_gold()
DOC = GOLD.documents[0]
SEED_TEXT = DOC.text


def good_prediction() -> dict:
    m = DOC.ner_mentions[0]
    n = DOC.numbers[0]
    return {"id": DOC.id, "entities": [{"start": m.start, "end": m.end, "text": m.text, "type": m.type}],
            "numbers": [{"start": n.start, "end": n.end, "text": n.text, "value": n.value, "kind": n.kind}]}


def _gold_raw() -> dict:
    return json.loads(default_gold_path().read_text(encoding="utf-8"))


# ---- input classes: name -> bytes of a file (the same bytes are given to every command) ----

def _with(mutate) -> bytes:
    rec = good_prediction()
    mutate(rec)
    return (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8")


def _gold_with(mutate) -> bytes:
    raw = _gold_raw()
    mutate(raw)
    return json.dumps(raw, ensure_ascii=False).encode("utf-8", "surrogatepass")


INPUTS: dict[str, bytes] = {
    "empty": b"",
    "blank lines": b"\n\n   \n\t\n",
    "CR only blank": b"\r\r\r",
    "NUL bytes": b"\x00" * 100_000,
    "binary": bytes(range(256)) * 64,
    "invalid UTF-8": b'{"id": "\xff\xfe"}\n',
    "UTF-16": '{"id": "x"}\n'.encode("utf-16"),
    "truncated JSON": b'{"id": "000_dcb0768725cbb8f8", "entities": [{"start": 8',
    "top-level array": b"[1, 2, 3]\n",
    "top-level string": b'"hello"\n',
    "top-level null": b"null\n",
    "deep nesting": b"[" * 200_000 + b"]" * 200_000 + b"\n",
    "huge integer": b'{"id": "000_dcb0768725cbb8f8", "numbers": [{"start": 27, "end": 42, "text": "x", "value": '
                    + b"9" * 5000 + b"}]}\n",
    "huge float": b'{"id": "000_dcb0768725cbb8f8", "numbers": [{"start": 1, "end": 2, "text": "x", "value": 1e999}]}\n',
    "NaN": b'{"id": "000_dcb0768725cbb8f8", "numbers": [{"start": 1, "end": 2, "text": "x", "value": NaN}]}\n',
    "lone surrogate": b'{"id": "\\ud800"}\n',
    "unknown top field": _with(lambda r: r.update(entites=[])),
    "unknown item field": _with(lambda r: r["entities"][0].update(label="PER")),
    "case typo": _with(lambda r: r["numbers"][0].update(Kind=r["numbers"][0].pop("kind"))),
    "id is a list": _with(lambda r: r.update(id=[DOC.id])),
    "id is a dict": _with(lambda r: r.update(id={"x": 1})),
    "offsets are strings": _with(lambda r: r["entities"][0].update(start="8")),
    "offset is bool": _with(lambda r: r["entities"][0].update(start=True)),
    "negative offset": _with(lambda r: r["entities"][0].update(start=-5)),
    "offset past the end": _with(lambda r: r["entities"][0].update(end=10**9)),
    "text mismatch": _with(lambda r: r["entities"][0].update(text="غلط")),
    "unknown document": _with(lambda r: r.update(id="nope")),
    "entities not a list": _with(lambda r: r.update(entities={"a": 1})),
    "item not an object": _with(lambda r: r.update(entities=[5])),
    "duplicate record": _with(lambda r: None) * 2,
    "bad unaligned": _with(lambda r: r.update(meta={"unaligned": [{"task": "ner"}]})),
    "meta not an object": _with(lambda r: r.update(meta=[1])),
    "CRLF good": _with(lambda r: None).replace(b"\n", b"\r\n"),
    "CR good": _with(lambda r: None).replace(b"\n", b"\r"),
    "gold: list id": _gold_with(lambda g: g["documents"][0].update(id=["x"])),
    "gold: dict entity ref": _gold_with(lambda g: g["documents"][0]["mentions"][0].update(entity={"a": 1})),
    "gold: lone surrogate text": _gold_with(lambda g: g["documents"][0].update(text="\ud800" + SEED_TEXT[1:])),
    "gold: documents a dict": _gold_with(lambda g: g.update(documents={"a": 1})),
    "gold: no documents": _gold_with(lambda g: g.update(documents=[])),
    "gold: unknown field": _gold_with(lambda g: g["documents"][0]["numbers"][0].update(valeu=1)),
    "conll: untyped tags": b"a B B\nb I I\nc O O\n",
    "conll: one column": b"a\nb\n",
    "conll: bad tag": b"a X-PER O\n",
    "conll: comments only": b"# just a comment\n# another\n",
    "conll: docstart only": b"-DOCSTART- -X- O O\n\n",
    "labelstudio: annotations object": json.dumps(
        [{"data": {"text": SEED_TEXT}, "annotations": {"result": []}}]).encode(),
    "labelstudio: relation to nowhere": json.dumps(
        [{"data": {"text": SEED_TEXT}, "annotations": [{"result": [
            {"type": "relation", "from_id": "a", "to_id": "b", "labels": ["speaker"]}]}]}]).encode(),
    "labelstudio: value a list": json.dumps(
        [{"data": {"text": SEED_TEXT}, "annotations": [{"result": [
            {"id": "r1", "type": "labels", "from_name": "ner", "to_name": "text", "value": [1]}]}]}]).encode(),
}
"""Every input class; each is given to each file-reading command below."""

EXPECT_OK = {"CRLF good", "CR good"}
"""Inputs that are valid predictions (every other one must be refused by the predictions reader)."""


@dataclass(frozen=True)
class Command:
    """A command line with `{f}` where the hostile file goes, the exit codes it may end with,
    and whether a valid predictions file should make it succeed."""

    name: str
    argv: tuple[str, ...]
    reads_predictions: bool = False


BASELINE = {"ner": 0.5}

COMMANDS = [
    Command("validate", ("validate", "{f}")),
    Command("score", ("score", "{f}", "--n-boot", "0"), reads_predictions=True),
    Command("score --json", ("score", "{f}", "--n-boot", "0", "--json"), reads_predictions=True),
    Command("score --lenient", ("score", "{f}", "--n-boot", "0", "--lenient")),
    Command("score --conll", ("score", "--conll", "{f}", "--n-boot", "0")),
    Command("check", ("check", "{f}", "--baseline", "{baseline}"), reads_predictions=True),
    Command("check --baseline", ("check", "{good}", "--baseline", "{f}")),
    Command("compare", ("compare", "{f}", "{good}", "--n", "10"), reads_predictions=True),
    Command("report", ("report", "{f}", "-o", "{out}/r.html", "--n-boot", "0"), reads_predictions=True),
    Command("report --leaderboard", ("report", "{good}", "-o", "{out}/r.html", "--n-boot", "0",
                                     "--leaderboard", "{f}")),
    Command("import brat", ("import", "{f}", "--format", "brat", "-o", "{out}/g.json")),
    Command("import labelstudio", ("import", "{f}", "--format", "labelstudio", "-o", "{out}/g.json")),
    Command("import conll", ("import", "{f}", "--format", "conll", "-o", "{out}/g.json")),
    Command("score --gold", ("score", "{good}", "--gold", "{f}", "--n-boot", "0")),
]


def _argv(cmd: Command, tmp: Path, f: Path) -> list[str]:
    good = tmp / "good.jsonl"
    good.write_text(json.dumps(good_prediction(), ensure_ascii=False) + "\n", encoding="utf-8")
    base = tmp / "baseline.json"
    base.write_text(json.dumps(BASELINE), encoding="utf-8")
    (tmp / "out").mkdir(exist_ok=True)
    return [a.format(f=f, good=good, baseline=base, out=tmp / "out") for a in cmd.argv]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def run_case(argv: list[str], capsys, root: Path) -> tuple[int, str, str]:
    """Run `khabar ARGV`; assert nothing under `root` that existed before has changed."""
    before = _snapshot(root)
    code = run(argv)
    out, err = capsys.readouterr()
    after = _snapshot(root)
    changed = [k for k, v in before.items() if after.get(k) != v]
    assert not changed, f"files changed: {changed}"
    return code, out, err


def assert_clean(code: int, out: str, err: str, allowed=(0, 1, 2)) -> None:
    assert "Traceback" not in out + err, err
    assert "internal error" not in err, err
    assert code in allowed, (code, err)
    if code == 2:
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), err


CASES = [(c, i) for c in COMMANDS for i in INPUTS]


@pytest.mark.parametrize("cmd,name", CASES, ids=[f"{c.name}|{i}" for c, i in CASES])
def test_hostile_file(cmd, name, tmp_path, capsys):
    f = tmp_path / "input.dat"
    f.write_bytes(INPUTS[name])
    code, out, err = run_case(_argv(cmd, tmp_path, f), capsys, tmp_path)
    if cmd.name == "score --lenient":
        assert_clean(code, out, err, allowed=(0, 2))  # bad records are skipped and counted
    elif cmd.name == "validate":
        assert_clean(code, out, err, allowed=(1, 2))  # 1: a gold that breaks invariants
    elif (cmd.reads_predictions and name in EXPECT_OK) or (cmd.name, name) in VALID_ELSEWHERE:
        assert_clean(code, out, err, allowed=(0, 1))
    else:
        assert_clean(code, out, err, allowed=(2,))


VALID_ELSEWHERE = {("score --conll", "conll: untyped tags"), ("validate", "gold: unknown field")}
"""(command, input) pairs where the input is valid for that command (`validate` exits 1 on a
gold that parses but breaks an invariant)."""


# ---- paths: where a file cannot be read or written ----

PATH_CASES = {
    "missing file": lambda t: ("score", str(t / "nope.jsonl")),
    "a directory as input": lambda t: ("score", str(t)),
    "a directory as gold": lambda t: ("validate", str(t)),
    "output is a directory": lambda t: ("run", "empty", "-o", str(t)),
    "output parent is a file": lambda t: ("run", "empty", "-o", str(t / "good.jsonl" / "x.jsonl")),
    "details parent is a file": lambda t: ("score", str(t / "good.jsonl"), "--n-boot", "0", "--details",
                                           str(t / "good.jsonl" / "d.jsonl")),
    "details exists": lambda t: ("score", str(t / "good.jsonl"), "--n-boot", "0", "--details",
                                 str(t / "good.jsonl")),
    "run output exists": lambda t: ("run", "empty", "-o", str(t / "good.jsonl")),
    "report output exists": lambda t: ("report", str(t / "good.jsonl"), "-o", str(t / "good.jsonl"), "--n-boot", "0"),
    "report output a directory": lambda t: ("report", str(t / "good.jsonl"), "-o", str(t), "--n-boot", "0"),
    "export into a file": lambda t: ("export", "--format", "conll", str(t / "good.jsonl")),
    "export --force into a file": lambda t: ("export", "--format", "conll", str(t / "good.jsonl"), "--force"),
    "export brat into a file": lambda t: ("export", "--format", "brat", str(t / "good.jsonl")),
    "export hub into a file": lambda t: ("export", "--format", "hub", str(t / "good.jsonl")),
    "export under a file": lambda t: ("export", "--format", "labelstudio", str(t / "good.jsonl" / "sub")),
    "export unknown format": lambda t: ("export", "--format", "xml", str(t / "new")),
    "import output exists": lambda t: ("import", str(t / "g.conll"), "--format", "conll", "-o", str(t / "good.jsonl")),
    "import output a directory": lambda t: ("import", str(t / "g.conll"), "--format", "conll", "-o", str(t)),
    "leaderboard out is a file": lambda t: ("leaderboard", "-s", "empty", "--out", str(t / "good.jsonl")),
    "leaderboard over a user's file": lambda t: ("leaderboard", "-s", "empty", "--out", str(t / "mine")),
    "export --force over a user's README": lambda t: ("export", "--format", "hub", str(t / "hub"), "--force"),
    "export --force over a user's conll": lambda t: ("export", "--format", "conll", str(t / "mine"), "--force"),
    "unknown system": lambda t: ("run", "nope", "-o", str(t / "new.jsonl")),
    "variants into a file": lambda t: ("export", "--variants", str(t / "good.jsonl")),
}


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "good.jsonl").write_text(json.dumps(good_prediction(), ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "g.conll").write_text("a B-PER\nb O\n", encoding="utf-8")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "leaderboard.json").write_text("my own notes", encoding="utf-8")
    (mine / "ner.fine.conll").write_text("my own tags", encoding="utf-8")
    hub = tmp_path / "hub"
    hub.mkdir()
    (hub / "README.md").write_text("my own card", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("name", list(PATH_CASES))
def test_hostile_path(name, workdir, capsys):
    code, out, err = run_case(list(PATH_CASES[name](workdir)), capsys, workdir)
    assert_clean(code, out, err, allowed=(2,))


# ---- options: values outside their range ----

OPTION_CASES = {
    "--n-boot -1": ("score", "{good}", "--n-boot", "-1"),
    "--n-boot -5": ("score", "{good}", "--n-boot", "-5"),
    "--n-boot abc": ("score", "{good}", "--n-boot", "abc"),
    "--n-boot huge": ("score", "{good}", "--n-boot", str(10**12)),
    "--n-boot -1 --conll": ("score", "--conll", "{conll}", "--n-boot", "-1"),
    "--seed -1": ("score", "{good}", "--seed", "-1"),
    "--seed 2**40": ("score", "{good}", "--seed", str(2**40)),
    "--seed -1 --conll": ("score", "--conll", "{conll}", "--seed", "-1"),
    "--tasks empty": ("score", "{good}", "--tasks", ""),
    "--tasks comma": ("score", "{good}", "--tasks", ","),
    "--tasks typo": ("score", "{good}", "--tasks", "nerr"),
    "--scheme x": ("score", "{good}", "--scheme", "medium"),
    "--tolerance nan": ("check", "{good}", "--baseline", "{baseline}", "--tolerance", "nan"),
    "--tolerance inf": ("check", "{good}", "--baseline", "{baseline}", "--tolerance", "inf"),
    "--tolerance -1": ("check", "{good}", "--baseline", "{baseline}", "--tolerance", "-1"),
    "--tolerance 2": ("check", "{good}", "--baseline", "{baseline}", "--tolerance", "2"),
    "compare --n 0": ("compare", "{good}", "{good}", "--n", "0"),
    "compare --n -3": ("compare", "{good}", "{good}", "--n", "-3"),
    "compare --method x": ("compare", "{good}", "{good}", "--method", "t-test"),
    "compare --seed -1": ("compare", "{good}", "{good}", "--seed", "-1"),
    "leaderboard --n-boot -1": ("leaderboard", "-s", "empty", "--n-boot", "-1", "--out", "{out}/lb"),
    "leaderboard --seed -1": ("leaderboard", "-s", "empty", "--seed", "-1", "--out", "{out}/lb"),
    "leaderboard unknown system": ("leaderboard", "-s", "nope", "--out", "{out}/lb"),
    "robustness --n-boot -1": ("robustness", "empty", "--n-boot", "-1"),
    "robustness --seed -1": ("robustness", "empty", "--seed", "-1"),
    "robustness unknown perturbation": ("robustness", "empty", "-p", "nope"),
    "report --n-boot -1": ("report", "{good}", "-o", "{out}/r.html", "--n-boot", "-1"),
    "report --names short": ("report", "{good}", "{good}", "-o", "{out}/r.html", "--names", "a", "--n-boot", "0"),
    "run --opt bad": ("run", "empty", "-o", "{out}/p.jsonl", "--opt", "novalue"),
    "import --use x": ("import", "{good}", "--format", "labelstudio", "--use", "x", "-o", "{out}/g.json"),
    "import unknown format": ("import", "{good}", "--format", "xml", "-o", "{out}/g.json"),
    "push bad repo id": ("push", "not a repo", "--dry-run"),
    "harness-path unknown harness": ("harness-path", "helm"),
    "harness-path missing harness": ("harness-path",),
    "unknown command": ("frobnicate",),
    "unknown option": ("score", "{good}", "--frobnicate"),
    "missing argument": ("check", "{good}"),
}


@pytest.mark.parametrize("name", list(OPTION_CASES))
def test_hostile_option(name, tmp_path, capsys):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(good_prediction(), ensure_ascii=False) + "\n", encoding="utf-8")
    base = tmp_path / "baseline.json"
    base.write_text(json.dumps(BASELINE), encoding="utf-8")
    conll = tmp_path / "c.conll"
    conll.write_text("a B-PER B-PER\nb O O\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    argv = [a.format(good=good, baseline=base, conll=conll, out=tmp_path / "out") for a in OPTION_CASES[name]]
    code, out, err = run_case(argv, capsys, tmp_path)
    assert_clean(code, out, err, allowed=(2,))


# ---- the gate: what it cannot compare is refused, a vanished task is a regression ----

GATE_BASELINES = {
    "{}": {}, "no rows": {"rows": []}, "NaN F1": {"ner": float("nan")}, "-inf F1": {"ner": float("-inf")},
    "F1 a string": {"ner": "0.5"}, "F1 above 1": {"ner": 1.5}, "rows missing keys": {"rows": [{"task": "ner"}]},
    "row not an object": {"rows": [3]}, "unknown task": {"nerr": 0.5}, "rows a dict": {"rows": {"a": 1}},
    "row F1 null": {"rows": [{"task": "ner", "subset": "all", "metric": "strict", "label": "micro", "f1": None}]},
}


@pytest.mark.parametrize("name", list(GATE_BASELINES))
def test_gate_refuses_what_it_cannot_compare(name, tmp_path, capsys):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(good_prediction(), ensure_ascii=False) + "\n", encoding="utf-8")
    base = tmp_path / "b.json"
    base.write_text(json.dumps(GATE_BASELINES[name]), encoding="utf-8")
    code, out, err = run_case(["check", str(good), "--baseline", str(base)], capsys, tmp_path)
    assert_clean(code, out, err, allowed=(2,))
    with pytest.raises(KhabarError):
        from khabar.scoring.check import check

        check(str(good), GATE_BASELINES[name])


def test_gate_fails_a_task_the_predictions_no_longer_fill(tmp_path, capsys):
    only_numbers = {"id": DOC.id, "numbers": good_prediction()["numbers"]}
    p = tmp_path / "p.jsonl"
    p.write_text(json.dumps(only_numbers, ensure_ascii=False) + "\n", encoding="utf-8")
    base = tmp_path / "b.json"
    base.write_text(json.dumps({"ner": 0.02, "numbers": 0.1}), encoding="utf-8")
    code, out, err = run_case(["check", str(p), "--baseline", str(base)], capsys, tmp_path)
    assert code == 1 and "ner" in out, (code, out, err)


def test_interrupt_is_one_line_and_130(monkeypatch, capsys):
    import khabar.commands as commands

    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(commands, "score_command", interrupted)
    code = run(["score", str(default_gold_path())])
    err = capsys.readouterr().err
    assert code == 130 and err == "error: interrupted\n"


def test_internal_error_is_one_line_with_a_hint(monkeypatch, capsys):
    import khabar.commands as commands

    def broken(**kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(commands, "score_command", broken)
    monkeypatch.delenv("KHABAR_DEBUG", raising=False)
    code = run(["score", str(default_gold_path())])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "internal error (ZeroDivisionError: boom)" in err
    assert "KHABAR_DEBUG=1" in err
    monkeypatch.setenv("KHABAR_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        run(["score", str(default_gold_path())])


def test_case_count():
    """The suite's size, as the issue asks (at least 300 generated cases)."""
    total = len(CASES) + len(PATH_CASES) + len(OPTION_CASES) + len(GATE_BASELINES) + len(API_CASES)
    assert total >= 300, total


# ---- the library API: every public entry point refuses bad values with KhabarError ----

def _api_cases():
    from khabar.model import Prediction
    from khabar.scoring import score
    from khabar.scoring.compare import compare
    from khabar.scoring.conll import score_conll, score_tags
    from khabar.predictions import read_prediction_lines
    from khabar.formats import export, import_gold
    from khabar.gold import build_gold

    good = [Prediction(DOC.id)]
    return {
        "score n_boot -1": lambda t: score(GOLD, good, n_boot=-1),
        "score n_boot float": lambda t: score(GOLD, good, n_boot=1.5),
        "score n_boot bool": lambda t: score(GOLD, good, n_boot=True),
        "score seed -1": lambda t: score(GOLD, good, seed=-1),
        "score seed str": lambda t: score(GOLD, good, seed="0"),
        "score scheme": lambda t: score(GOLD, good, scheme="x"),
        "score tasks empty": lambda t: score(GOLD, good, tasks=[]),
        "score tasks str empty": lambda t: score(GOLD, good, tasks=""),
        "score tasks unknown": lambda t: score(GOLD, good, tasks=["x"]),
        "score tasks not names": lambda t: score(GOLD, good, tasks=[1]),
        "score overlap 0": lambda t: score(GOLD, good, overlap=0),
        "score overlap nan": lambda t: score(GOLD, good, overlap=float("nan")),
        "score not predictions": lambda t: score(GOLD, [1, 2]),
        "score unknown doc": lambda t: score(GOLD, [Prediction("nope")]),
        "score duplicate doc": lambda t: score(GOLD, good * 2),
        "compare n 0": lambda t: compare(GOLD, good, good, n=0),
        "compare method": lambda t: compare(GOLD, good, good, method="t"),
        "compare seed": lambda t: compare(GOLD, good, good, seed=-2),
        "compare bad preds": lambda t: compare(GOLD, [5], good),
        "score_tags n_boot": lambda t: score_tags([["O"]], [["O"]], n_boot=-1),
        "score_tags seed": lambda t: score_tags([["O"]], [["O"]], seed=-1),
        "score_tags lengths": lambda t: score_tags([["O", "O"]], [["O"]]),
        "score_tags sentences": lambda t: score_tags([["O"]], [["O"], ["O"]]),
        "score_tags bad tag": lambda t: score_tags([["X-PER"]], [["O"]]),
        "score_tags not strings": lambda t: score_tags([[1]], [["O"]]),
        "score_conll missing": lambda t: score_conll(str(t / "nope")),
        "score_conll directory": lambda t: score_conll(str(t)),
        "score_conll n_boot": lambda t: score_conll(str(t), n_boot=-1),
        "read lines not JSON": lambda t: read_prediction_lines(["{"], GOLD),
        "read lines empty": lambda t: read_prediction_lines([], GOLD),
        "export unknown format": lambda t: export(fmt="xml", out=t / "x", gold=GOLD),
        "import unknown format": lambda t: import_gold(fmt="xml", path=t),
        "import missing": lambda t: import_gold(fmt="conll", path=t / "nope"),
        "import brat empty dir": lambda t: import_gold(fmt="brat", path=t),
        "build_gold empty": lambda t: build_gold({}),
        "build_gold documents str": lambda t: build_gold({"version": "1", "documents": "x"}),
        "load_gold missing": lambda t: load_gold(t / "nope.json"),
        "check tolerance nan": lambda t: __import__("khabar.scoring.check", fromlist=["check"]).check(
            good, {"ner": 0.5}, tolerance=float("nan"), gold=GOLD),
        "check empty baseline": lambda t: __import__("khabar.scoring.check", fromlist=["check"]).check(
            good, {}, gold=GOLD),
    }


API_CASES = _api_cases()


@pytest.mark.parametrize("name", list(API_CASES))
def test_hostile_api(name, tmp_path):
    with pytest.raises(KhabarError) as e:
        API_CASES[name](tmp_path)
    assert "\n" not in str(e.value)


def test_no_case_left_a_temporary_file(tmp_path, capsys):
    """A refused write leaves no `.khabar-tmp` file behind."""
    (tmp_path / "good.jsonl").write_text(json.dumps(good_prediction()) + "\n", encoding="utf-8")
    run(["run", "empty", "-o", str(tmp_path / "good.jsonl")])
    capsys.readouterr()
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".khabar-tmp")]
    assert os.listdir(tmp_path) == ["good.jsonl"]


def test_exit_codes_are_documented_where_users_look():
    """The README's table and `khabar --help` state the codes the errors module defines."""
    import re

    from khabar.errors import BAD_INPUT, DONE, FOUND, INTERRUPTED

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (\d+) \| (.+?) \|$", readme, re.M))
    assert set(table) == {str(c) for c in (DONE, FOUND, BAD_INPUT, INTERRUPTED)}
    assert "check" in table[str(FOUND)] and "error: WHERE: what" in table[str(BAD_INPUT)]
    r = subprocess.run([sys.executable, "-m", "khabar", "--help"], capture_output=True, text=True,
                       env={**os.environ, "COLUMNS": "200"})
    assert r.returncode == 0
    assert f"{DONE} done" in r.stdout and f"{FOUND} a check found" in r.stdout and f"{INTERRUPTED} interrupted" in r.stdout
