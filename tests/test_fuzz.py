"""Hypothesis fuzzing of every reader a user's file reaches: the predictions reader, the gold
validator and each importer. Whatever the input, the outcome is a result or one `KhabarError`
line, never another exception."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khabar.errors import KhabarError
from khabar.gold import build_gold, default_gold_path, load_gold
from khabar.predictions import read_prediction_lines
from khabar.validate import validate_raw

GOLD = load_gold()
DOC = GOLD.documents[0]
RAW = json.loads(default_gold_path().read_text(encoding="utf-8"))

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                    st.text(max_size=12), st.sampled_from([DOC.id, "O", "B-PER", "PER", "ner", "item"]))
json_values = st.recursive(scalars, lambda kids: st.one_of(
    st.lists(kids, max_size=4),
    st.dictionaries(st.sampled_from(["id", "entities", "quotes", "numbers", "tags", "meta", "start", "end", "text",
                                     "type", "value", "kind", "unit", "cue", "content", "source", "unaligned",
                                     "task", "part", "paragraph", "x"]), kids, max_size=5)), max_leaves=20)


def _only_khabar_errors(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except KhabarError as e:
        assert "\n" not in str(e)
        return None


@SETTINGS
@given(json_values)
def test_predictions_reader_on_any_json(value):
    line = json.dumps(value)
    _only_khabar_errors(read_prediction_lines, [line], GOLD)
    _only_khabar_errors(read_prediction_lines, [line], GOLD, lenient=True)


@SETTINGS
@given(st.text(max_size=200))
def test_predictions_reader_on_any_text(text):
    _only_khabar_errors(read_prediction_lines, text.splitlines() or [text], GOLD)


def _paths(obj, prefix=()):
    """Every (path, value) inside a JSON object, for picking what to mutate."""
    yield prefix, obj
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


PATHS = [p for p, _ in _paths(RAW) if p][:4000]


def _mutated(path, value):
    raw = copy.deepcopy(RAW)
    node = raw
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return raw


@SETTINGS
@given(st.sampled_from(PATHS), json_values)
def test_gold_validator_on_mutated_gold(path, value):
    raw = _mutated(path, value)
    problems = validate_raw(raw, "fuzz.json", json.dumps(raw, ensure_ascii=False, indent=1))
    assert isinstance(problems, list)
    _only_khabar_errors(build_gold, raw, "fuzz.json")


@SETTINGS
@given(json_values)
def test_gold_validator_on_any_json(value):
    raw = value if isinstance(value, dict) else {"documents": value}
    assert isinstance(validate_raw(raw, "fuzz.json", ""), list)
    _only_khabar_errors(build_gold, raw, "fuzz.json")


@SETTINGS
@given(st.lists(st.sampled_from(list("ab \t\n\r#-BIOESPERLOC=_") + ["-DOCSTART-", "# text = ab", "O O",
                                                                  "# doc_id = d", "\tB-PER", " I-GPE\n"]),
                max_size=60).map("".join))
def test_conll_importer_on_any_text(tmp_path_factory, text):
    from khabar.formats import import_gold

    p = tmp_path_factory.mktemp("c") / "f.conll"
    p.write_text(text, encoding="utf-8")
    _only_khabar_errors(import_gold, fmt="conll", path=p)
    _only_khabar_errors(import_gold, fmt="conll", path=p, column=2)


@SETTINGS
@given(json_values)
def test_labelstudio_importer_on_any_json(tmp_path_factory, value):
    from khabar.formats import import_gold

    p = tmp_path_factory.mktemp("l") / "tasks.json"
    p.write_text(json.dumps([{"data": {"text": DOC.text}, "annotations": [{"result": [value]}]}]), encoding="utf-8")
    _only_khabar_errors(import_gold, fmt="labelstudio", path=p)
    p.write_text(json.dumps(value), encoding="utf-8")
    _only_khabar_errors(import_gold, fmt="labelstudio", path=p)


@SETTINGS
@given(st.lists(st.one_of(
    st.from_regex(r"\AT[0-9]{1,2}\t(PER|ORG|GPE|Quote|Number|X) [0-9]{1,3} [0-9]{1,3}\t[a-z ]{0,5}\Z"),
    st.from_regex(r"\A(R|E|A|#)[0-9]{1,2}\t[A-Za-z]{1,8}( [A-Za-z0-9:]{1,8}){0,3}(\t[a-z]{0,4})?\Z"),
    st.text(max_size=30)), max_size=6), json_values)
def test_brat_importer_on_any_ann(tmp_path_factory, lines, manifest):
    from khabar.formats import import_gold

    d = tmp_path_factory.mktemp("b")
    (d / "doc.txt").write_text("قال غسان سلامة في ليبيا", encoding="utf-8")
    (d / "doc.ann").write_text("\n".join(lines), encoding="utf-8")
    _only_khabar_errors(import_gold, fmt="brat", path=d)
    (d / "khabar.json").write_text(json.dumps(manifest), encoding="utf-8")
    _only_khabar_errors(import_gold, fmt="brat", path=d)
