import json

from khabar.agreement import agreement
from khabar.gold import load_gold
from tests.conftest import REPO


def test_agreement_file_is_what_the_passes_give():
    a = load_gold(REPO / "data/annotation/pass_a.json")
    b = load_gold(REPO / "data/annotation/pass_b.json")
    stored = json.loads((REPO / "data/agreement.json").read_text(encoding="utf-8"))
    assert agreement(a, b) == stored


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
