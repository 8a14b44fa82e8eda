"""The Hugging Face adapter: sub-word to character alignment, by hand and with a tiny randomly
initialised BERT built on disk (nothing is downloaded)."""

from __future__ import annotations

from importlib.util import find_spec

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.baselines import transformers_adapter as ta
from khabar.errors import KhabarError
from khabar.tokens import boundaries, sentences, tokenize

FINE_LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-GPE", "I-GPE", "B-NORP", "I-NORP", "B-MISC", "I-MISC"]
ANER_LABELS = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]

# --- alignment by hand ----------------------------------------------------------------------------

TEXT = "وقال بمعمر القذافي، «نعم». والروس"
#       0123456789...: وقال 0-4, بمعمر 5-10, القذافي 11-18, ، 18-19, « 20-21, نعم 21-24, » 24-25,
#       . 25-26, والروس 27-33


def test_hand_built_tokens_are_what_the_offsets_assume():
    assert [(t.start, t.end) for t in tokenize(TEXT)] == [
        (0, 4), (5, 10), (11, 18), (18, 19), (20, 21), (21, 24), (24, 25), (25, 26), (27, 33)]


def test_first_subword_labels_the_word():
    tokens = tokenize(TEXT)
    offsets = [(0, 0),  # [CLS]
               (0, 1), (1, 4),  # و ##قال
               (5, 6), (6, 10),  # ب ##معمر
               (11, 13), (13, 18),  # ال ##قذافي
               (18, 19), (20, 21), (21, 24), (24, 25), (25, 26),
               (27, 30), (30, 33),  # وال ##روس
               (0, 0)]  # [SEP]
    labels = ["O",
              "O", "B-PERS",  # a later sub-word's label is ignored
              "B-PERS", "O",
              "I-PERS", "B-LOC",
              "O", "O", "B-ORG", "O", "O",
              "B-NORP", "I-NORP",
              "O"]
    words = ta.align_subwords(tokens, offsets, labels)
    assert words == ["O", "B-PERS", "I-PERS", "O", "O", "B-ORG", "O", "O", "B-NORP"]
    spans = ta.word_spans(TEXT, tokens, words)
    assert [(s.text, lab) for s, lab in spans] == [("بمعمر القذافي", "PERS"), ("نعم", "ORG"), ("والروس", "NORP")]
    for s, _ in spans:
        assert s.text == TEXT[s.start:s.end]


def test_subword_starting_in_white_space_and_across_boundaries():
    tokens = tokenize(TEXT)
    # a sentencepiece-like tokenizer: pieces carry their leading space, and one piece glues
    # القذافي to the comma after it
    offsets = [(0, 4), (4, 10), (10, 19), (19, 21), (21, 24), (24, 26), (26, 33)]
    labels = ["O", "B-PER", "I-PER", "O", "B-ORG", "O", "O"]
    words = ta.align_subwords(tokens, offsets, labels)
    # «(20) gets the piece that begins in the space before it; . is covered by »'s piece
    assert words == ["O", "B-PER", "I-PER", "I-PER", "O", "B-ORG", "O", "O", "O"]
    assert [(s.text, lab) for s, lab in ta.word_spans(TEXT, tokens, words)] == [
        ("بمعمر القذافي،", "PER"), ("نعم", "ORG")]


def test_tokens_no_subword_reaches_are_outside():
    tokens = tokenize(TEXT)
    words = ta.align_subwords(tokens, [(0, 0), (5, 10), (0, 0)], ["B-PER", "B-PER", "I-PER"])
    assert words == ["O", "B-PER"] + ["O"] * 7


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_subword_segmentation_gives_first_piece_labels(data):
    """Cut every khabar token of the seed-like text into random pieces with random labels:
    each word gets its first piece's label, and the spans are whole tokens."""
    tokens = tokenize(TEXT)
    offsets, labels, expected = [(0, 0)], ["O"], []
    for t in tokens:
        n = len(t.text)
        cuts = sorted(data.draw(st.sets(st.integers(1, n - 1), max_size=n - 1)) if n > 1 else [])
        bounds = [t.start] + [t.start + c for c in cuts] + [t.end]
        piece_labels = data.draw(st.lists(st.sampled_from(["O", "B-PER", "I-PER", "B-ORG"]),
                                          min_size=len(bounds) - 1, max_size=len(bounds) - 1))
        offsets += list(zip(bounds, bounds[1:]))
        labels += piece_labels
        expected.append(piece_labels[0])
    words = ta.align_subwords(tokens, offsets + [(0, 0)], labels + ["O"])
    assert words == expected
    starts, ends = boundaries(TEXT)
    for span, _ in ta.word_spans(TEXT, tokens, words):
        assert span.start in starts and span.end in ends and span.text == TEXT[span.start:span.end]


def test_chunking_respects_budget():
    assert ta.chunk_tokens([3, 3, 3, 3], 6) == [(0, 2), (2, 4)]
    assert ta.chunk_tokens([10, 1, 1], 4) == [(0, 1), (1, 3)]
    assert ta.chunk_tokens([], 4) == []


def test_unavailable_without_a_model(monkeypatch):
    monkeypatch.delenv(ta.MODEL_ENV, raising=False)
    why = ta.TransformersNER.unavailable_reason()
    assert why == ta.HOW_TO_CONFIGURE and "KHABAR_HF_MODEL=" in why and "`khabar run transformers --model" in why \
        and "\n" not in why
    assert ta.TransformersNER.unavailable_reason(model="some/model") is None
    with pytest.raises(KhabarError, match="no model configured"):
        ta.TransformersNER()
    monkeypatch.setenv(ta.MODEL_ENV, "some/model")
    assert ta.TransformersNER.unavailable_reason() is None


# --- a tiny model on disk ---------------------------------------------------------------------------

needs_hf = pytest.mark.skipif(find_spec("torch") is None or find_spec("transformers") is None,
                              reason="needs the transformers extra (pip install khabar[transformers])")


def build_tiny_model(path, text, labels, max_positions=64, seed=0):
    """A 1-layer, 32-wide BERT with a WordPiece vocabulary trained on `text`, saved to `path`."""
    import torch
    from tokenizers import BertWordPieceTokenizer
    from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

    wp = BertWordPieceTokenizer(lowercase=False, strip_accents=False, clean_text=True)
    wp.train_from_iterator(text.split("\n"), vocab_size=200, min_frequency=1, show_progress=False)
    tok = BertTokenizerFast(tokenizer_object=wp._tokenizer, unk_token="[UNK]", sep_token="[SEP]",
                            pad_token="[PAD]", cls_token="[CLS]", mask_token="[MASK]",
                            model_max_length=max_positions)
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=37, max_position_embeddings=max_positions,
                        id2label=dict(enumerate(labels)), label2id={lab: i for i, lab in enumerate(labels)})
    BertForTokenClassification(config).save_pretrained(path)
    tok.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def offline():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        yield


@pytest.fixture(scope="module")
def fine_model(tmp_path_factory, doc, offline):
    return build_tiny_model(tmp_path_factory.mktemp("fine"), doc.text, FINE_LABELS)


@pytest.fixture(scope="module")
def fine_system(fine_model):
    system = ta.TransformersNER(model=str(fine_model), batch_size=3)
    system._load()
    return system


@needs_hf
def test_tiny_model_end_to_end(gold, fine_system):
    preds = fine_system.predict(gold.documents)
    assert [p.id for p in preds] == [d.id for d in gold.documents]
    assert fine_system.label_map.name == "generic"
    for d, p in zip(gold.documents, preds):
        starts, ends = boundaries(d.text)
        assert p.entities, "the random model predicted no entity: the test would prove nothing"
        for e in p.entities:
            assert e.span.start in starts and e.span.end in ends
            assert e.span.text == d.text[e.span.start:e.span.end]
            assert e.type in {"PER", "ORG", "GPE", "NORP"}  # MISC is ignored by the map


@needs_hf
def test_paragraphs_are_chunked_to_fit_the_model(doc, fine_system):
    paras = [t for t in sentences(doc.text) if t]
    tok = fine_system._tok
    longest = max(paras, key=len)
    n_sub = len(tok(doc.text[longest[0].start:longest[-1].end], add_special_tokens=False, verbose=False)["input_ids"])
    assert n_sub > fine_system.max_length  # the seed's paragraphs do not fit in 64 positions
    runs = fine_system._chunks(doc.text, longest)
    assert len(runs) > 1 and runs[0][0] == 0 and runs[-1][1] == len(longest)
    assert all(a < b for a, b in runs) and all(runs[k][1] == runs[k + 1][0] for k in range(len(runs) - 1))
    for a, b in runs:
        enc = tok(doc.text[longest[a].start:longest[b - 1].end])
        assert len(enc["input_ids"]) <= fine_system.max_length


@needs_hf
def test_alignment_matches_word_ids_reference(doc, fine_system):
    """Independent reference: the same chunks fed as pre-split words; the label of each word's
    first sub-word (transformers' word_ids) must be what the offset alignment gives."""
    import torch

    tok, model = fine_system._tok, fine_system._model
    paras = [t for t in sentences(doc.text) if t]
    got = fine_system.tag_paragraphs(doc.text, paras)
    for p, toks in enumerate(paras):
        for a, b in fine_system._chunks(doc.text, toks):
            words = [t.text for t in toks[a:b]]
            enc = tok(words, is_split_into_words=True, return_tensors="pt")
            raw = tok(doc.text[toks[a].start:toks[b - 1].end], return_tensors="pt")
            assert enc["input_ids"].tolist() == raw["input_ids"].tolist()  # same input either way
            with torch.no_grad():
                ids = model(**enc).logits.argmax(-1)[0].tolist()
            expected, seen = ["O"] * len(words), set()
            for k, w in enumerate(enc.word_ids()):
                if w is not None and w not in seen:
                    seen.add(w)
                    expected[w] = model.config.id2label[ids[k]]
            assert got[p][a:b] == expected


@needs_hf
def test_batch_size_does_not_change_predictions(gold, fine_model, fine_system):
    one = ta.TransformersNER(model=str(fine_model), batch_size=1).predict(gold.documents)
    many = fine_system.predict(gold.documents)
    assert [p.to_dict() for p in one] == [p.to_dict() for p in many]


@needs_hf
def test_coarse_scheme_and_label_maps(gold, tmp_path, doc, offline):
    aner = build_tiny_model(tmp_path / "aner", doc.text, ANER_LABELS)
    with pytest.raises(KhabarError, match="scheme=coarse"):
        ta.TransformersNER(model=str(aner)).predict(gold.documents)  # ANERcorp LOC has countries
    system = ta.TransformersNER(model=str(aner), scheme="coarse")
    preds = system.predict(gold.documents)
    assert system.label_map.name == "anercorp" and system.scheme == "coarse"
    assert preds[0].entities and {e.type for e in preds[0].entities} <= {"PER", "ORG", "LOC"}
    # a fine map asked for coarse output: GPE becomes LOC, NORP has no place
    fine = ta.TransformersNER(model=str(tmp_path / "aner"), scheme="coarse",
                              label_map={"PERS": "PER", "LOC": "GPE", "ORG": "NORP"})
    types = {e.type for e in fine.predict(gold.documents)[0].entities}
    assert types <= {"PER", "LOC"} and "LOC" in types
    with pytest.raises(KhabarError, match="none of the model's labels"):
        ta.TransformersNER(model=str(aner), label_map={"FOO": "PER"}).predict(gold.documents)


@needs_hf
def test_unloadable_model_is_one_line(tmp_path, offline, gold):
    with pytest.raises(KhabarError, match="model directory not found") as e:
        ta.TransformersNER(model=str(tmp_path / "no-model")).predict(gold.documents)
    assert e.value.file == str(tmp_path / "no-model")
    (tmp_path / "empty").mkdir()
    with pytest.raises(KhabarError) as e:  # a directory that holds no model
        ta.TransformersNER(model=str(tmp_path / "empty")).predict(gold.documents)
    assert "cannot load the model" in str(e.value) and "\n" not in str(e.value)
