"""The task registry: one common test over every task scorer (as scikit-learn runs one common
test over all its metrics), and the constants derived from it."""

from __future__ import annotations

import dataclasses

import pytest

from khabar.baselines import get_system
from khabar.fields import Bad
from khabar.model import Prediction, Span
from khabar.scoring import score
from khabar.scoring.corpus import tally
from khabar.scoring.counts import Accumulator
from khabar.scoring.prf import SPU
from khabar.scoring.tasks import ACCURACY_LINES, HEADLINE, HEADLINE_TEXT, REGISTRY, TASKS, Context
from khabar.tokens import tokenize

TASK_NAMES = list(REGISTRY)


def test_constants_derive_from_the_registry():
    assert TASKS == ("ner", "quotes", "numbers") == tuple(REGISTRY)
    assert HEADLINE == {t.name: t.headline for t in REGISTRY.values()}
    assert set(HEADLINE_TEXT) == set(TASKS)
    assert ACCURACY_LINES == {(t.name, m) for t in REGISTRY.values() for m in t.accuracy}


@pytest.mark.parametrize("name", TASK_NAMES)
def test_declaration_is_consistent(name):
    t = REGISTRY[name]
    assert t.name == name and t.field in {f.name for f in dataclasses.fields(Prediction)}
    subset, metric, label = t.headline
    assert subset == "all" and label == "micro" and metric in t.metrics
    assert t.accuracy <= set(t.metrics) and metric not in t.accuracy
    assert t.title and t.short and t.headline_text


@pytest.mark.parametrize("name", TASK_NAMES)
def test_reader_refuses_a_non_object_naming_the_item(name):
    with pytest.raises(Bad) as e:
        REGISTRY[name].read(["not", "an", "object"], "نص", f"{REGISTRY[name].field}[0]")
    assert e.value.field == f"{REGISTRY[name].field}[0]"


@pytest.mark.parametrize("name", TASK_NAMES)
def test_oracle_scores_one_and_empty_zero_on_the_headline(gold, name):
    for system, want in (("oracle", 1.0), ("empty", 0.0)):
        report = score(gold, get_system(system).predict(gold.documents), tasks=[name], n_boot=0)
        assert report.headline(name).f1 == want, (system, name)
        assert report.tasks == (name,)


@pytest.mark.parametrize("name", TASK_NAMES)
def test_spurious_item_lands_as_one_false_positive_on_every_line(gold, name):
    t = REGISTRY[name]
    doc = gold.documents[0]
    empty = dataclasses.replace(doc, entities=[], mentions=[], quotes=[], numbers=[])
    acc = Accumulator()
    first = doc.paragraphs()[0]
    tok = tokenize(first.text, first.start)[0]
    at = Span(tok.start, tok.end, tok.text)
    t.tally(acc, empty, [t.spurious(at, {"item": {"type": "PER"}})], Context(lambda _: "p0", gold_labels=()))
    counts = acc.tally().totals()
    lines = {k: c for k, c in counts.items() if k[0] == name and k[3] == "micro" and c.sum()}
    assert lines and all(c[SPU] == c.sum() == 1 for c in lines.values()), lines
    assert all((name, k[2]) not in ACCURACY_LINES for k in lines)  # an accuracy has no false positives


def test_tallying_a_corpus_is_one_loop_over_the_registry(gold):
    preds = get_system("oracle").predict(gold.documents)
    keys = tally(gold, preds, tasks=list(TASKS)).keys
    assert [t for t in TASKS] == list(dict.fromkeys(k[0] for k in keys))
