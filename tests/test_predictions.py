"""Predictions files: round trip, the JSON Schema, IOB2 tags input, and one-line errors (exit 2)
for every kind of bad record, through the real `khabar score` command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from khabar.baselines import get_system
from khabar import KhabarError, load_gold
from khabar.iob import iob2
from khabar.predictions import SCHEMA_PATH, read_predictions, write_predictions
from khabar.schema import ENTITY_LABELS
from khabar.scoring import score


@pytest.fixture(scope="module")
def gold():
    return load_gold()


@pytest.fixture(scope="module")
def oracle(gold):
    return get_system("oracle").predict(gold.documents)


def test_round_trip(gold, oracle, tmp_path):
    path = write_predictions(oracle, tmp_path / "p.jsonl")
    back = read_predictions(path, gold)
    assert back == oracle and back.skipped == 0
    with pytest.raises(KhabarError) as e:
        write_predictions(oracle, path)
    assert e.value.exit_code == 2 and "refusing to overwrite" in str(e.value)
    write_predictions(oracle[:1], path, overwrite=True)
    assert len(read_predictions(path, gold)) == 1


def test_written_files_follow_the_json_schema(oracle, tmp_path):
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    path = write_predictions(oracle, tmp_path / "p.jsonl")
    for line in path.read_text(encoding="utf-8").splitlines():
        assert not list(validator.iter_errors(json.loads(line)))
    assert tuple(schema["$defs"]["entity_type"]["enum"]) == ENTITY_LABELS
    bad = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    bad["entities"][0]["type"] = "PERSON"
    assert list(validator.iter_errors(bad))


def test_iob2_tags_input_scores_like_spans(gold, tmp_path):
    lines = []
    for d in gold.documents:
        per_para = [tags for _, tags in iob2(d)]
        lines.append(json.dumps({"id": d.id, "tags": [t for p in per_para for t in p]}))
    flat = tmp_path / "flat.jsonl"
    flat.write_text("\n".join(lines) + "\n", encoding="utf-8")
    nested = tmp_path / "nested.jsonl"
    nested.write_text("\n".join(json.dumps({"id": d.id, "tags": [t for _, t in iob2(d)]}) for d in gold.documents)
                      + "\n", encoding="utf-8")
    for path in (flat, nested):
        r = score(gold, read_predictions(path, gold), n_boot=0)
        assert r.tasks == ("ner",)
        assert r.get("ner", "strict").f1 == 1.0


def _doc(gold):
    return gold.documents[0]


def _ent(d, i=0):
    m = d.ner_mentions[i]
    return {"start": m.start, "end": m.end, "text": m.text, "type": m.type}


def _line(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def bad_files(gold) -> dict[str, tuple[str, int, str]]:
    """name -> (file content, line of the error, field named in the message)."""
    d = _doc(gold)
    ok = _line({"id": d.id, "entities": [_ent(d)]})
    e = _ent(d)
    n = d.numbers[0] if d.numbers else None
    cases = {
        "invalid_json": ("{\"id\": 1,,}\n", 1, ""),
        "invalid_json_line_2": (ok + "\n{\"id\": \n", 2, ""),
        "unknown_document": (_line({"id": "no-such-doc", "entities": []}), 1, "id"),
        "missing_id": (_line({"entities": []}), 1, "id"),
        "out_of_range": (_line({"id": d.id, "entities": [{**e, "end": len(d.text) + 5}]}), 1, "entities[0].end"),
        "start_ge_end": (_line({"id": d.id, "entities": [{**e, "end": e["start"]}]}), 1, "entities[0].start"),
        "text_mismatch": (_line({"id": d.id, "entities": [{**e, "text": e["text"] + "x"}]}), 1, "entities[0].text"),
        "unknown_type": (_line({"id": d.id, "entities": [{**e, "type": "PERSON"}]}), 1, "entities[0].type"),
        "missing_field": (_line({"id": d.id, "entities": [{k: v for k, v in e.items() if k != "type"}]}), 1,
                          "entities[0].type"),
        "duplicate_span": (_line({"id": d.id, "entities": [e, {**e, "type": "ORG"}]}), 1, "entities[1]"),
        "offset_not_int": (_line({"id": d.id, "entities": [{**e, "start": str(e["start"])}]}), 1,
                           "entities[0].start"),
        "duplicate_document": (ok + "\n" + ok + "\n", 2, "id"),
        "unknown_field": (_line({"id": d.id, "entites": []}), 1, "entites"),
        "quote_missing_content": (_line({"id": d.id, "quotes": [{"cue": None, "source": None}]}), 1,
                                  "quotes[0].content"),
        "wrong_tag_count": (_line({"id": d.id, "tags": ["O"]}), 1, "tags"),
        "bad_tag": (_line({"id": d.id, "tags": ["X-PER"] + ["O"] * (sum(len(t) for t, _ in iob2(d)) - 1)}), 1,
                    "tags[0]"),
        "empty_file": ("", 1, ""),
    }
    if n is not None:
        cases["number_value_not_a_number"] = (
            _line({"id": d.id, "numbers": [{"start": n.start, "end": n.end, "text": n.text, "value": "many"}]}), 1,
            "numbers[0].value")
    return cases


def _run(*args, stdin=None):
    return subprocess.run([sys.executable, "-c", "from khabar.cli import main; main()", *args],
                          capture_output=True, text=True, input=stdin)


@pytest.mark.parametrize("name", sorted(bad_files(load_gold())))
def test_bad_file_is_one_line_exit_2(gold, tmp_path, name):
    content, line, field = bad_files(gold)[name]
    path = tmp_path / f"{name}.jsonl"
    path.write_text(content, encoding="utf-8")
    proc = _run("score", str(path))
    assert proc.returncode == 2, proc.stderr
    err = proc.stderr.strip()
    assert "Traceback" not in proc.stderr and len(err.splitlines()) == 1, proc.stderr
    assert err.startswith(f"error: {path}:{line}: "), err
    if field:
        assert f": {field}: " in err, err
    # the library raises the same error
    with pytest.raises(KhabarError) as e:
        read_predictions(path, gold)
    assert e.value.exit_code == 2 and e.value.line == line


def test_missing_file_is_one_line_exit_2(tmp_path):
    proc = _run("score", str(tmp_path / "nope.jsonl"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"error: {tmp_path / 'nope.jsonl'}: file not found"


def test_lenient_skips_and_counts(gold, tmp_path):
    d = _doc(gold)
    e = _ent(d)
    good = [_ent(d, i) for i in range(1, len(d.ner_mentions))]
    lines = [
        _line({"id": d.id, "entities": [{**e, "text": "zzz"}, *good]}),  # one bad item
        "{not json",  # one bad line
        _line({"id": "no-such-doc", "entities": []}),  # one bad line
    ]
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    preds = read_predictions(path, gold, lenient=True)
    assert preds.skipped == 3 and len(preds.problems) == 3
    assert [p.line for p in preds.problems] == [1, 2, 3]
    assert len(preds) == 1 and len(preds[0].entities) == len(good)
    proc = _run("score", str(path), "--lenient", "--n-boot", "0")
    assert proc.returncode == 0, proc.stderr
    assert "skipped 3 bad record(s)" in proc.stderr


def test_stdin_predictions(gold, oracle, tmp_path):
    path = write_predictions(oracle, tmp_path / "p.jsonl")
    proc = _run("score", "-", "--json", "--n-boot", "0", stdin=path.read_text(encoding="utf-8"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["headline"]["ner"]["f1"] == 1.0


def _bad_objects(gold):
    """Prediction objects a file could not hold: each is (name, predictions)."""
    from dataclasses import replace

    from khabar.model import PredEntity, PredNumber, Prediction, Span

    doc = gold.documents[0]
    m = doc.ner_mentions[0]
    good = PredEntity(Span(m.start, m.end, m.text), m.type)
    return [
        ("text does not match", [Prediction(doc.id, entities=[PredEntity(Span(m.start, m.end, "x" * len(m.text)), m.type)])]),
        ("offsets out of range", [Prediction(doc.id, entities=[PredEntity(Span(0, len(doc.text) + 5, "x"), "PER")])]),
        ("unknown type", [Prediction(doc.id, entities=[replace(good, type="WEAPON")])]),
        ("duplicate span", [Prediction(doc.id, entities=[good, good])]),
        ("infinite value", [Prediction(doc.id, numbers=[PredNumber(Span(m.start, m.end, m.text), float("inf"))])]),
        ("unknown document", [Prediction("no-such-doc", entities=[])]),
    ]


@pytest.mark.parametrize("case", range(6))
def test_score_checks_objects_as_the_reader_checks_files(gold, tmp_path, case):
    """`score()` refuses every Prediction object `khabar score` would refuse as a file, exit 2,
    with the reader's own message (the field named from `predictions[i]` instead of a line)."""
    name, preds = _bad_objects(gold)[case]
    with pytest.raises(KhabarError) as lib:
        score(gold, preds, n_boot=0)
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in preds), encoding="utf-8")
    with pytest.raises(KhabarError) as file:
        read_predictions(path, gold)
    assert lib.value.exit_code == file.value.exit_code == 2, name
    if name == "infinite value":  # json.dumps writes Infinity, which the file reader refuses as JSON
        assert file.value.message == "invalid JSON: Infinity is not a JSON number"
        return
    assert lib.value.message == file.value.message, name
    assert lib.value.field == f"predictions[0].{file.value.field}", name


def test_score_refuses_two_predictions_for_one_document(gold, oracle):
    with pytest.raises(KhabarError, match=r"duplicate document id .*first at predictions\[0\]") as e:
        score(gold, [oracle[0], oracle[0]], n_boot=0)
    assert e.value.field == "predictions[1].id" and e.value.exit_code == 2
