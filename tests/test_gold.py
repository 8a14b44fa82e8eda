import hashlib
import json

import pytest

from khabar.errors import KhabarError
from khabar.files import read_json
from khabar.gold import content_hash, dumps, from_dict, load_gold, to_dict, write_gold
from tests.conftest import REPO, SHARED


def test_seed_is_byte_identical_and_metadata_matches():
    seed = REPO / "seeds" / "000_dcb0768725cbb8f8.txt"
    meta = json.loads((REPO / "seeds" / "000_dcb0768725cbb8f8.meta.json").read_text(encoding="utf-8"))
    data = seed.read_bytes()
    assert hashlib.sha256(data).hexdigest() == meta["sha256"]
    text = data.decode("utf-8")
    assert len(text) == meta["characters"] == 2409
    assert text.count("\n") + 1 == meta["paragraphs"] == 7
    assert not text.endswith("\n")
    shared = SHARED / "seeds" / "000_dcb0768725cbb8f8.txt"
    if shared.exists():
        assert shared.read_bytes() == data


def test_gold_text_is_the_seed(doc):
    assert doc.text == (REPO / "seeds" / f"{doc.id}.txt").read_text(encoding="utf-8")


def test_round_trip_is_identical(gold):
    raw = read_json(gold.path)
    assert to_dict(from_dict(raw)) == {k: v for k, v in raw.items() if k in ("format", "version", "documents")}
    assert json.loads(dumps(raw)) == raw


def test_content_hash_ignores_formatting(gold):
    raw = read_json(gold.path)
    assert content_hash(json.loads(json.dumps(raw, indent=4))) == gold.sha256
    raw["documents"][0]["numbers"][0]["value"] = 2801
    assert content_hash(raw) != gold.sha256


def test_every_quote_source_is_a_mention_of_its_speaker(doc):
    for q in doc.quotes:
        assert q.source.key in {m.span.key for m in doc.mentions_of(q.speaker)}


def test_corrupted_mentions_exist_for_the_spec_examples(doc):
    corrupted = {m.text for m in doc.ner_mentions if m.form == "corrupted"}
    assert {"دذرر", "حتر", "هوتر", "دوهر", "القدمة"} <= corrupted


def test_write_refuses_to_overwrite(tmp_path, gold):
    p = write_gold(gold, tmp_path / "g.json")
    before = p.read_bytes()
    with pytest.raises(KhabarError, match="refusing to overwrite"):
        write_gold(gold, p)
    assert p.read_bytes() == before
    assert load_gold(p).sha256 == gold.sha256
