"""The score format: every JSON khabar prints carries `format` and `command`, follows the
shipped JSON Schema, and counts whole items; readers refuse another format in one line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from khabar.cli import run
from khabar.scoring.score_format import COMMANDS, FORMAT, SCHEMA_PATH, schema

ROOT = Path(__file__).resolve().parent.parent
COUNTS = ("tp", "fp", "fn", "correct", "incorrect", "partial", "missed", "spurious", "support", "predicted")


@pytest.fixture(scope="module")
def validator():
    s = schema()
    jsonschema.Draft202012Validator.check_schema(s)
    return jsonschema.Draft202012Validator(s)


@pytest.fixture(scope="module")
def files(tmp_path_factory, gold):
    from khabar.baselines import get_system
    from khabar.predictions import write_predictions

    tmp = tmp_path_factory.mktemp("fmt")
    out = {}
    for name in ("oracle", "rules"):
        out[name] = str(write_predictions(get_system(name).predict(gold.documents), tmp / f"{name}.jsonl"))
    conll = tmp / "c.conll"
    conll.write_text("a B-PER B-PER\nb I-PER O\n\nc B-LOC B-ORG\n", encoding="utf-8")
    out["conll"] = str(conll)
    out["tmp"] = tmp
    return out


def printed(capsys, *argv: str) -> tuple[int, dict]:
    code = run(list(argv))
    return code, json.loads(capsys.readouterr().out)


def integers(obj, path="$"):
    """Every count field anywhere in `obj` that is not a JSON integer."""
    bad = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in COUNTS and type(v) is not int:
                bad.append(f"{path}.{k}={v!r}")
            bad += integers(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            bad += integers(v, f"{path}[{i}]")
    return bad


def conforms(validator, obj: dict, command: str) -> None:
    assert list(obj)[:2] == ["format", "command"] and obj["format"] == FORMAT and obj["command"] == command
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(obj)]
    assert not errors, errors[:5]
    assert not integers(obj)


def test_schema_ships_in_the_package():
    assert SCHEMA_PATH.is_file() and SCHEMA_PATH.parent.name == "benchmark"
    assert [r["$ref"].rsplit("/", 1)[1] for r in schema()["oneOf"]] == list(COMMANDS)


def test_score_json(capsys, validator, files):
    code, obj = printed(capsys, "score", files["rules"], "--json", "--n-boot", "20")
    assert code == 0
    conforms(validator, obj, "score")
    assert any(r["partial"] for r in obj["rows"])  # the partial-credit lines are in it, as integers


def test_score_json_without_intervals_has_null_bounds(capsys, validator, files):
    _, obj = printed(capsys, "score", files["oracle"], "--json", "--n-boot", "0")
    conforms(validator, obj, "score")
    assert obj["headline"]["ner"]["ci_low"] is None


def test_conll_json(capsys, validator, files):
    _, obj = printed(capsys, "score", "--conll", files["conll"], "--json", "--n-boot", "10")
    conforms(validator, obj, "score")
    assert obj["extra"]["tokens"] == 3


def test_compare_json(capsys, validator, files):
    _, obj = printed(capsys, "compare", files["oracle"], files["rules"], "--json", "--n", "20")
    conforms(validator, obj, "compare")


def test_check_json_pass_and_fail(capsys, validator, files):
    base = files["tmp"] / "base.json"
    code, obj = printed(capsys, "score", files["oracle"], "--json", "--n-boot", "0")
    base.write_text(json.dumps(obj), encoding="utf-8")
    code, ok = printed(capsys, "check", files["oracle"], "--baseline", str(base), "--json")
    assert code == 0 and ok["ok"]
    conforms(validator, ok, "check")
    code, bad = printed(capsys, "check", files["rules"], "--baseline", str(base), "--json")
    assert code == 1 and bad["drops"]
    conforms(validator, bad, "check")


def test_robustness_json(validator, gold):
    from khabar.robustness import robustness

    conforms(validator, robustness("oracle", gold, perturbations=["tatweel"], n_boot=10).to_dict(), "robustness")


def test_leaderboard_json(validator, gold, tmp_path):
    from khabar.leaderboard import leaderboard, read_leaderboard

    board = leaderboard(systems=["oracle", "empty"], gold=gold, n_boot=10, out_dir=tmp_path)
    conforms(validator, board.to_dict(), "leaderboard")
    conforms(validator, read_leaderboard(tmp_path / "leaderboard.json"), "leaderboard")
    for path in sorted((tmp_path / "scores").glob("*.json")):
        conforms(validator, json.loads(path.read_text(encoding="utf-8")), "score")


def test_committed_results_follow_the_schema(validator):
    conforms(validator, json.loads((ROOT / "results" / "leaderboard.json").read_text(encoding="utf-8")), "leaderboard")
    scores = sorted((ROOT / "results" / "scores").glob("*.json"))
    assert scores
    for path in scores:
        conforms(validator, json.loads(path.read_text(encoding="utf-8")), "score")


def test_another_format_is_refused_in_one_line(capsys, files):
    _, obj = printed(capsys, "score", files["oracle"], "--json", "--n-boot", "0")
    future = files["tmp"] / "future.json"
    future.write_text(json.dumps({**obj, "format": "khabar-score/2"}), encoding="utf-8")
    assert run(["check", files["oracle"], "--baseline", str(future)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "khabar-score/2" in err and str(future) in err and "format" in err


def test_a_leaderboard_is_not_a_baseline(capsys, files, tmp_path):
    board = tmp_path / "lb.json"
    board.write_text((ROOT / "results" / "leaderboard.json").read_text(encoding="utf-8"), encoding="utf-8")
    assert run(["check", files["oracle"], "--baseline", str(board)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "khabar leaderboard" in err and "khabar score --json" in err


def test_a_score_is_not_a_leaderboard(tmp_path, files, capsys):
    from khabar.errors import KhabarError
    from khabar.leaderboard import read_leaderboard

    _, obj = printed(capsys, "score", files["oracle"], "--json", "--n-boot", "0")
    path = tmp_path / "s.json"
    path.write_text(json.dumps(obj), encoding="utf-8")
    with pytest.raises(KhabarError, match="khabar score"):
        read_leaderboard(path)


def test_an_unstamped_score_still_gates(capsys, files, tmp_path):
    """Files written before the stamp (no `format`) are read as version 1."""
    _, obj = printed(capsys, "score", files["oracle"], "--json", "--n-boot", "0")
    old = tmp_path / "old.json"
    old.write_text(json.dumps({k: v for k, v in obj.items() if k not in ("format", "command")}), encoding="utf-8")
    assert run(["check", files["oracle"], "--baseline", str(old)]) == 0


@pytest.mark.parametrize("command", ["score", "compare", "robustness"])
def test_signature_is_one_line_in_a_pipe(command, files, capsys):
    """The printed signature (longer than the 120 columns of a pipe) is never wrapped."""
    import subprocess
    import sys

    argv = {"score": ["score", files["rules"], "--n-boot", "20"],
            "compare": ["compare", files["oracle"], files["rules"], "--n", "20"],
            "robustness": ["robustness", "oracle", "-p", "tatweel", "--n-boot", "10"]}[command]
    _, obj = printed(capsys, *argv, "--json")
    proc = subprocess.run([sys.executable, "-m", "khabar", *argv], capture_output=True, text=True, cwd=files["tmp"])
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("signature: ")]
    assert lines == [f"signature: {obj['signature']}"]
    assert command == "robustness" or len(lines[0]) > 120  # longer than the pipe's width
