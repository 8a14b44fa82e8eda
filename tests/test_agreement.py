import json

from khabar.agreement import agreement
from khabar.gold import load_gold
from tests.conftest import REPO


def test_agreement_file_is_what_the_passes_give():
    a = load_gold(REPO / "data/annotation/pass_a.json")
    b = load_gold(REPO / "data/annotation/pass_b.json")
    stored = json.loads((REPO / "data/agreement.json").read_text(encoding="utf-8"))
    assert agreement(a, b) == stored


def test_dev_agreement_file_is_what_the_dev_passes_give():
    a = load_gold(REPO / "data/annotation/dev_pass_a.json")
    b = load_gold(REPO / "data/annotation/dev_pass_b.json")
    stored = json.loads((REPO / "data/dev_agreement.json").read_text(encoding="utf-8"))
    got = agreement(a, b)
    assert got == stored
    # pooled, not averaged: the corpus F1 is the micro F1 of the summed counts
    ner = got["corpus"]["ner"]["strict_span_type"]
    docs = [v["ner"]["strict_span_type"] for v in got["documents"].values()]
    assert (ner["a"], ner["b"], ner["both"]) == tuple(sum(d[k] for d in docs) for k in ("a", "b", "both"))
    assert ner["f1"] == round(2 * ner["both"] / (ner["a"] + ner["b"]), 4)


def test_guidelines_quote_the_dev_agreement():
    corpus = json.loads((REPO / "data/dev_agreement.json").read_text(encoding="utf-8"))["corpus"]
    text = (REPO / "docs/GUIDELINES.md").read_text(encoding="utf-8")
    assert f"| {corpus['ner']['strict_span_type']['f1']:.3f} |" in text
    assert f"| {corpus['quotes']['end_to_end']['f1']:.3f} |" in text


def test_agreement_detects_a_disagreement(tmp_path):
    a = load_gold(REPO / "data/annotation/pass_a.json")
    b = load_gold(REPO / "data/annotation/pass_b.json")
    d = b.documents[0]
    d.mentions = [m for m in d.mentions if m.form != "corrupted"]
    d.numbers = d.numbers[1:]
    res = agreement(a, b)["documents"][d.id]
    assert res["ner"]["strict_span_type"]["f1"] < 1.0
    assert res["ner"]["token_kappa"] < 1.0
    assert res["numbers"]["span"]["f1"] < 1.0


def test_gold_matches_the_adjudicated_pass(gold):
    a = load_gold(REPO / "data/annotation/pass_a.json")
    assert [(m.span, m.type, m.form, m.entity) for m in a.documents[0].mentions] == \
           [(m.span, m.type, m.form, m.entity) for m in gold.documents[0].mentions]
