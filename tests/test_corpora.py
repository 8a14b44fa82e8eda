"""The CoNLL corpus reader, nested-tag decoding and the label maps onto khabar's schemes."""

from __future__ import annotations

import json

import pytest

from khabar.baselines.corpora import (
    ANERCORP,
    CAMELBERT,
    LABEL_MAPS,
    WOJOOD,
    decode_nested,
    is_nisba,
    load_label_map,
    project,
    project_corpus,
    read_conll,
    strip_clitics,
)
from khabar.errors import KhabarError
from khabar.iob import decode
from khabar.schema import FINE_TYPES

from tests.conftest import SHARED

WOJOOD_DIR = SHARED / "external" / "wojood-sample"

NESTED = """\
سكرتير B-OCC
اللجنة I-OCC B-ORG
القومية I-OCC I-ORG
في I-OCC
نابلس I-OCC B-GPE
$#$ O

مجلس B-ORG
الأمن I-ORG
ضد I-ORG
الأسد I-ORG B-PERS
والروس B-NORP
الفلسطينيين B-NORP
اللاجئين B-NORP
ثلاثة B-CARDINAL
عام B-DATE
2011 I-DATE
"""


def write(tmp_path, text, name="c.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_reader_splits_on_segments_and_blank_lines(tmp_path):
    corpus = read_conll(write(tmp_path, NESTED))
    assert [len(s.tokens) for s in corpus.sentences] == [5, 10]
    assert all("$#$" not in s.tokens for s in corpus.sentences)
    assert corpus.sentences[0].tags[1] == ("I-OCC", "B-ORG")
    assert corpus.sentences[1].line == 8


def test_outermost_kept_span_wins(tmp_path):
    s1, s2 = read_conll(write(tmp_path, NESTED)).sentences
    # OCC is dropped by the map, so the ORG and GPE nested in it survive
    assert project(s1, WOJOOD) == ["O", "B-ORG", "I-ORG", "O", "B-GPE"]
    # the PERS nested in an ORG is not annotated (khabar is flat: outermost only);
    # NORP survives only as a one-word nisba form; DATE and CARDINAL are no entities
    assert project(s2, WOJOOD) == ["B-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "B-NORP", "O", "O", "O", "O"]
    assert project(s2, WOJOOD, "numbers") == ["O"] * 7 + ["B-NUM", "O", "O"]


def test_outermost_does_not_depend_on_column_order(tmp_path):
    swapped = "\n".join(
        " ".join([ln.split()[0], *reversed(ln.split()[1:])]) if len(ln.split()) > 2 else ln
        for ln in NESTED.splitlines()
    )
    a = read_conll(write(tmp_path, NESTED, "a.txt"))
    b = read_conll(write(tmp_path, swapped, "b.txt"))
    assert a.sentences[0].tags != b.sentences[0].tags
    for sa, sb in zip(a.sentences, b.sentences):
        assert project(sa, WOJOOD) == project(sb, WOJOOD)


def test_decode_nested_spans():
    tags = [("B-ORG",), ("I-ORG", "B-PERS"), ("I-ORG", "I-PERS"), ("O",), ("I-GPE",)]
    got = {(s.start, s.end, s.label) for s in decode_nested(tags)}
    assert got == {(0, 3, "ORG"), (1, 3, "PERS"), (4, 5, "GPE")}


def test_anercorp_map_is_coarse_and_ignores_misc(tmp_path):
    corpus = read_conll(write(tmp_path, "-DOCSTART- O\n\nقال O\nغسان B-PERS\nسلامة I-PERS\nفي O\nليبيا B-LOC\n"
                                        "كأس B-MISC\nالعالم I-MISC\nرويترز B-ORG\n"))
    assert ANERCORP.scheme == "coarse" and CAMELBERT.entities == ANERCORP.entities
    words, tags = project_corpus(corpus, ANERCORP)
    assert tags == [["O", "B-PER", "I-PER", "O", "B-LOC", "O", "O", "B-ORG"]]
    assert words[0][0] == "قال"


@pytest.mark.parametrize(
    "text, line, field",
    [
        ("قال O\nغسان\n", 2, "tag"),
        ("قال O\nغسان X-PERS\n", 2, "tag"),
        ("قال O\nغسان B-PERS I\n", 2, "tag"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path, text, line, field):
    p = write(tmp_path, text)
    with pytest.raises(KhabarError) as e:
        read_conll(p)
    assert e.value.line == line and e.value.field == field and e.value.file == str(p)
    assert "\n" not in str(e.value)


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(KhabarError, match="not found"):
        read_conll(tmp_path / "nope.txt")
    with pytest.raises(KhabarError, match="no tokens"):
        read_conll(write(tmp_path, "\n\n$#$ O\n"))
    with pytest.raises(KhabarError, match="directory"):
        read_conll(tmp_path)


def test_clitics_and_nisba():
    assert strip_clitics("والروس") == "روس"
    assert strip_clitics("للأمم") == "أمم"
    assert strip_clitics("بمعمر") == "معمر"
    assert strip_clitics("ال") == "ال"  # never strips a word to nothing
    for w in ("الليبية", "الروسي", "فرنسيًا", "الفلسطينيين", "كالإريتريين", "الإيزيديون"):
        assert is_nisba(w), w
    for w in ("روسيا", "والروس", "اللاجئين", "الأطفال", "المساهمين"):
        assert not is_nisba(w), w


def test_label_maps_resolve(tmp_path):
    assert load_label_map(None, WOJOOD) is WOJOOD
    assert load_label_map("ANERcorp", WOJOOD) is ANERCORP
    flat = load_label_map({"PERSON": "PER", "GPE": "GPE", "MISC": None}, WOJOOD)
    assert flat.scheme == "fine" and flat.entity_type("PERSON") == "PER" and flat.entity_type("MISC") is None
    p = write(tmp_path, json.dumps({"scheme": "coarse", "entities": {"PER": "PER", "LOC": "LOC"}}), "m.json")
    m = load_label_map(str(p), WOJOOD)
    assert m.scheme == "coarse" and m.entity_type("LOC") == "LOC" and m.entity_type("GPE") is None
    with pytest.raises(KhabarError, match="not a fine type"):
        load_label_map({"PERS": "PERSON"}, WOJOOD)
    with pytest.raises(KhabarError, match="not a coarse type"):
        load_label_map({"scheme": "coarse", "entities": {"GPE": "GPE"}}, WOJOOD)
    with pytest.raises(KhabarError, match="unknown label map"):
        load_label_map("no-such-map", WOJOOD)
    for lm in LABEL_MAPS.values():
        assert all(t is None or t in FINE_TYPES for t in lm.entities.values())


@pytest.mark.skipif(not (WOJOOD_DIR / "train.txt").is_file(), reason="Wojood sample not present")
@pytest.mark.parametrize("split", ["train", "val", "test"])
def test_wojood_sample(split):
    path = WOJOOD_DIR / f"{split}.txt"
    raw = [ln.split() for ln in path.read_text(encoding="utf-8").splitlines()]
    n_tokens = sum(1 for p in raw if p and p[0] != "$#$")
    corpus = read_conll(path)
    assert corpus.n_tokens == n_tokens
    assert {"PERS", "ORG", "GPE", "NORP", "OCC"} <= corpus.labels()
    for sent in corpus.sentences:
        tags = project(sent, WOJOOD)
        assert len(tags) == len(sent.tokens)
        for k, t in enumerate(tags):  # valid IOB2: an I- continues its own type
            if t.startswith("I-"):
                assert tags[k - 1][2:] == t[2:], (sent.line, k)
        raw_spans = {(s.start, s.end) for s in sent.spans()}
        for s, e, label in decode(tags):
            assert (s, e) in raw_spans  # every kept span is one the file wrote
            if label == "NORP":
                assert e - s == 1 and is_nisba(sent.tokens[s])
