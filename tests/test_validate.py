"""The validator accepts the shipped gold and rejects a dozen kinds of broken file, each with
one line naming file, line and field, exit code 1 and no traceback."""

import copy
import json
import subprocess
import sys

import pytest

from khabar.files import read_json
from khabar.gold import DEFAULT_GOLD, dumps
from khabar.validate import validate_file, validate_raw


def _first(raw, key, pred=lambda r: True):
    return next(r for r in raw["documents"][0][key] if pred(r))


def shift_offset(raw):
    m = _first(raw, "mentions")
    m["start"] += 1
    return "mentions[M1].text"


def wrong_text(raw):
    _first(raw, "numbers")["text"] = "ألفين وثمانمائة"
    return "numbers[N1].text"


def unknown_type(raw):
    _first(raw, "mentions")["type"] = "PERSON"
    return "mentions[M1].type"


def dangling_speaker(raw):
    _first(raw, "quotes")["speaker"] = "E999"
    return "quotes[Q1].speaker"


def overlapping_mentions(raw):
    d = raw["documents"][0]
    m = copy.deepcopy(_first(raw, "mentions", lambda r: r["text"] == "مطار طرابلس الدولي"))
    s = m["start"] + len("مطار ")
    m.update(id="M900", start=s, end=s + len("طرابلس"), text="طرابلس", type="GPE", entity="E2")
    d["mentions"].append(m)
    return "mentions[M900].start"


def non_numeric_value(raw):
    _first(raw, "numbers")["value"] = "2800"
    return "numbers[N1].value"


def out_of_range(raw):
    n = _first(raw, "numbers")
    n["start"], n["end"] = 2400, 2500
    return "numbers[N1].start"


def start_after_end(raw):
    n = _first(raw, "numbers")
    n["start"], n["end"] = n["end"], n["start"]
    return "numbers[N1].start"


def not_on_token_boundary(raw):
    m = _first(raw, "mentions")  # للأمم المتحدة: drop the clitic ل
    m["start"] += 1
    m["text"] = m["text"][1:]
    return "mentions[M1].start"


def duplicate_id(raw):
    raw["documents"][0]["numbers"][1]["id"] = "N1"
    return "numbers[N1].id"


def bad_enum(raw):
    _first(raw, "numbers")["qualifier"] = "roughly"
    return "numbers[N1].qualifier"


def source_not_a_speaker_mention(raw):
    q = _first(raw, "quotes")
    q["source"] = {"start": 50, "end": 56, "text": "طرابلس"}
    return "quotes[Q1].source"


def missing_field(raw):
    del _first(raw, "mentions")["entity"]
    return "mentions[M1].entity"


def dangling_entity(raw):
    _first(raw, "mentions")["entity"] = "E404"
    return "mentions[M1].entity"


BREAKERS = [shift_offset, wrong_text, unknown_type, dangling_speaker, overlapping_mentions,
            non_numeric_value, out_of_range, start_after_end, not_on_token_boundary, duplicate_id,
            bad_enum, source_not_a_speaker_mention, missing_field, dangling_entity]


def test_shipped_gold_is_valid():
    assert validate_file(DEFAULT_GOLD) == []


@pytest.mark.parametrize("breaker", BREAKERS, ids=lambda f: f.__name__)
def test_broken_gold_is_rejected_with_location(breaker, tmp_path):
    raw = read_json(DEFAULT_GOLD)
    field = breaker(raw)
    path = tmp_path / "broken.json"
    path.write_text(dumps(raw), encoding="utf-8")
    problems = validate_raw(raw, str(path), path.read_text(encoding="utf-8"))
    assert problems, "the broken file validated"
    assert any(p.field.endswith(field) for p in problems), [str(p) for p in problems]
    assert all(p.line is not None for p in problems if p.field.endswith(field))


@pytest.mark.parametrize("breaker", [shift_offset, dangling_speaker, overlapping_mentions, non_numeric_value],
                         ids=lambda f: f.__name__)
def test_cli_reports_one_line_per_problem(breaker, tmp_path):
    raw = read_json(DEFAULT_GOLD)
    field = breaker(raw)
    path = tmp_path / "broken.json"
    path.write_text(dumps(raw), encoding="utf-8")
    before = path.read_bytes()
    r = subprocess.run([sys.executable, "-m", "khabar", "validate", str(path)], capture_output=True, text=True)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("error: ")]
    hit = [ln for ln in lines if field in ln]
    assert hit and hit[0].startswith(f"error: {path}:"), r.stderr
    assert path.read_bytes() == before


def test_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "broken.json"
    text = DEFAULT_GOLD.read_text(encoding="utf-8").splitlines()
    text[5] = text[5][:-3]  # cut a record line short
    path.write_text("\n".join(text), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "khabar", "validate", str(path)], capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{path}:" in r.stderr and "invalid JSON" in r.stderr


def test_missing_file(tmp_path):
    r = subprocess.run([sys.executable, "-m", "khabar", "validate", str(tmp_path / "nope.json")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "file not found" in r.stderr and "Traceback" not in r.stderr


def test_validate_prints_counts():
    r = subprocess.run([sys.executable, "-m", "khabar", "validate"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    raw = json.loads(DEFAULT_GOLD.read_text(encoding="utf-8"))
    n_named = sum(m["kind"] == "name" for m in raw["documents"][0]["mentions"])
    assert f"ner          {n_named}" in r.stdout or f"ner {n_named}" in " ".join(r.stdout.split())
    assert "valid" in r.stdout
