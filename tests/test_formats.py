"""CoNLL, brat and Label Studio: the gold survives the round trip, and broken files are refused."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khabar.errors import KhabarError
from khabar.formats import export, import_gold
from khabar.formats.brat import esc, export_brat, import_brat
from khabar.formats.conll import export_conll, import_conll
from khabar.formats.labelstudio import export_labelstudio, import_labelstudio
from khabar.gold import content_hash, from_dict, load_gold, to_dict
from khabar.schema import SCHEMES, map_type


def same(a, b) -> None:
    assert json.dumps(to_dict(a), sort_keys=True, ensure_ascii=False) == json.dumps(
        to_dict(b), sort_keys=True, ensure_ascii=False)
    assert a.sha256 == b.sha256


def one_line(e: KhabarError) -> str:
    s = str(e)
    assert "\n" not in s
    return s


# --- round trips ------------------------------------------------------------------------------


def test_brat_round_trip_is_identical(gold, tmp_path):
    written = export_brat(gold, tmp_path)
    assert {p.name for p in written} >= {f"{d.id}.ann" for d in gold.documents} | {"annotation.conf"}
    for d in gold.documents:
        with open(tmp_path / f"{d.id}.txt", encoding="utf-8", newline="") as f:
            assert f.read() == d.text
    same(import_brat(tmp_path), gold)
    same(import_brat(tmp_path / f"{gold.documents[0].id}.ann"), gold)


def test_brat_layout_is_what_brat_reads(gold, tmp_path):
    """Every line is a brat line; each T line's text is the slice its offsets name."""
    export_brat(gold, tmp_path)
    doc = gold.documents[0]
    lines = (tmp_path / f"{doc.id}.ann").read_text(encoding="utf-8").splitlines()
    kinds = {ln[0] for ln in lines}
    assert kinds == {"T", "A", "N", "#", "E"}
    for ln in lines:
        if ln.startswith("T"):
            _, mid, text = ln.split("\t")
            label, s, e = mid.split(" ")
            assert doc.text[int(s):int(e)] == text
    assert sum(ln.startswith("E") for ln in lines) == len(doc.quotes)
    assert sum(ln.startswith("N") for ln in lines) == len(doc.mentions)
    corrupted = sum(m.form == "corrupted" for m in doc.mentions)
    assert sum(" corrupted" in ln for ln in lines if ln.startswith("A")) == corrupted


def test_labelstudio_round_trip_is_identical(gold, tmp_path):
    export_labelstudio(gold, tmp_path / "a")
    same(import_labelstudio(tmp_path / "a" / "tasks.json"), gold)
    export_labelstudio(gold, tmp_path / "p", as_predictions=True)
    tasks = json.loads((tmp_path / "p" / "tasks.json").read_text(encoding="utf-8"))
    assert "predictions" in tasks[0] and "annotations" not in tasks[0]
    same(import_labelstudio(tmp_path / "p"), gold)


def test_labelstudio_config_names_every_control_the_tasks_use(gold, tmp_path):
    import xml.etree.ElementTree as ET

    export_labelstudio(gold, tmp_path)
    root = ET.parse(tmp_path / "label_config.xml").getroot()
    controls = {el.get("name"): el for el in root.iter() if el.get("toName")}
    tasks = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    for r in tasks[0]["annotations"][0]["result"]:
        if r["type"] == "relation":
            assert r["labels"][0] in {el.get("value") for el in root.iter("Relation")}
            continue
        ctrl = controls[r["from_name"]]
        assert ctrl.tag.lower() == r["type"]
        for key in ("labels", "choices"):
            for v in r["value"].get(key, []):
                assert v in {c.get("value") for c in ctrl}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_conll_round_trip_gives_the_ner_spans(gold, tmp_path, scheme):
    export_conll(gold, tmp_path)
    back = import_conll(tmp_path / f"ner.{scheme}.conll")
    assert back.version == gold.version
    for d, b in zip(gold.documents, back.documents, strict=True):
        assert b.id == d.id and b.text == d.text
        want = sorted((m.start, m.end, m.text, map_type(m.type, scheme)) for m in d.ner_mentions
                      if map_type(m.type, scheme))
        assert sorted((m.start, m.end, m.text, m.type) for m in b.ner_mentions) == want


def test_conll_without_comments_or_with_extra_columns(tmp_path):
    p = tmp_path / "plain.conll"
    p.write_text("-DOCSTART- -X- O O\n\nقال NN O\nغسان NNP B-PER\nسلامة NNP I-PER\n\n"
                 "في IN O\nليبيا NNP B-GPE\n", encoding="utf-8")
    with pytest.raises(KhabarError, match="3 columns: say which one holds the gold tags with --column"):
        import_conll(p)  # the last column could be a system's predictions
    g = import_conll(p, column=3)
    assert len(g.documents) == 1  # the leading -DOCSTART- opens the document, it adds no empty one
    d = g.documents[0]
    assert d.text == "قال غسان سلامة\nفي ليبيا"
    assert [(m.text, m.type) for m in d.ner_mentions] == [("غسان سلامة", "PER"), ("ليبيا", "GPE")]


def test_cli_import_writes_a_valid_gold(gold, tmp_path):
    export(fmt="brat", out=tmp_path / "brat", gold=gold)
    r = subprocess.run([sys.executable, "-m", "khabar", "import", "--format", "brat", str(tmp_path / "brat"),
                        "-o", str(tmp_path / "g.json")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    same(load_gold(tmp_path / "g.json"), gold)
    again = subprocess.run([sys.executable, "-m", "khabar", "import", "--format", "brat", str(tmp_path / "brat"),
                            "-o", str(tmp_path / "g.json")], capture_output=True, text=True)
    assert again.returncode == 2 and "refusing to overwrite" in again.stderr and "Traceback" not in again.stderr


def test_exports_refuse_to_overwrite(gold, tmp_path):
    for fmt in ("brat", "labelstudio", "conll"):
        export(fmt, tmp_path / fmt, gold)
        with pytest.raises(KhabarError, match="refusing to overwrite"):
            export(fmt, tmp_path / fmt, gold)
        export(fmt, tmp_path / fmt, gold, overwrite=True)


# --- property: any valid sub-gold with awkward names survives brat and Label Studio ------------


@st.composite
def sub_golds(draw, gold):
    raw = to_dict(gold)
    doc = raw["documents"][0]
    keep = draw(st.sets(st.sampled_from([e["id"] for e in doc["entities"]]), min_size=1))
    names = st.text(alphabet=st.sampled_from(list("ab %;=\tx\u0627\u0644")), min_size=1, max_size=8)
    entities = [{**e, "name_en": draw(names), "name_ar": draw(names)} for e in doc["entities"] if e["id"] in keep]
    mentions = [m for m in doc["mentions"] if m["entity"] in keep]
    quotes = [q for q in doc["quotes"] if q["speaker"] in keep and draw(st.booleans())]
    numbers = [{**n, "value": draw(st.sampled_from([n["value"], 0.5, 12.0, -3]))}
               for n in doc["numbers"] if draw(st.booleans())]
    new = {**doc, "entities": entities, "mentions": mentions, "quotes": quotes, "numbers": numbers}
    out = {**raw, "version": draw(st.sampled_from(["1.0.0", "draft 2"])), "documents": [new]}
    return from_dict(out, sha256=content_hash(out))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_round_trips_hold_for_any_sub_gold(gold, tmp_path_factory, data):
    g = data.draw(sub_golds(gold))
    out = tmp_path_factory.mktemp("rt")
    export_brat(g, out / "brat")
    same(import_brat(out / "brat"), g)
    export_labelstudio(g, out / "ls")
    same(import_labelstudio(out / "ls"), g)


@given(st.text(max_size=30))
def test_brat_escaping_is_reversible(s):
    from urllib.parse import unquote

    for space in (True, False):
        e = esc(s, space=space)
        assert unquote(e) == s and "\t" not in e and "\n" not in e and ";" not in e
        assert (" " not in e) or not space


# --- rejection of broken files ----------------------------------------------------------------


@pytest.fixture
def brat_dir(gold, tmp_path):
    export_brat(gold, tmp_path)
    return tmp_path


def edit_ann(folder: Path, doc_id: str, pattern: str, repl) -> int:
    """Apply `repl` to the first line matching `pattern`; return its 1-based line number."""
    p = folder / f"{doc_id}.ann"
    lines = p.read_text(encoding="utf-8").split("\n")
    i = next(i for i, ln in enumerate(lines) if re.search(pattern, ln))
    lines[i] = repl(lines[i])
    p.write_text("\n".join(lines), encoding="utf-8")
    return i + 1


def test_brat_broken_offset_is_rejected_with_file_and_line(brat_dir, gold):
    doc = gold.documents[0]
    ln = edit_ann(brat_dir, doc.id, r"^T\d+\tORG ",
                  lambda s: re.sub(r"ORG (\d+) ", lambda m: f"ORG {int(m[1]) + 1} ", s))
    with pytest.raises(KhabarError) as e:
        import_brat(brat_dir)
    msg = one_line(e.value)
    assert e.value.line == ln and e.value.file.endswith(f"{doc.id}.ann")
    assert "does not equal the document slice" in msg and f":{ln}:" in msg


def test_brat_offset_past_the_end_is_rejected(brat_dir, gold):
    doc = gold.documents[0]
    n = len(doc.text)
    edit_ann(brat_dir, doc.id, r"^T\d+\tGPE ", lambda s: re.sub(r"GPE \d+ \d+", f"GPE {n - 2} {n + 5}", s))
    with pytest.raises(KhabarError, match="outside the text"):
        import_brat(brat_dir)


def test_brat_unknown_label_is_rejected(brat_dir, gold):
    doc = gold.documents[0]
    ln = edit_ann(brat_dir, doc.id, r"^T\d+\tPER ", lambda s: s.replace("\tPER ", "\tPERSON ", 1))
    with pytest.raises(KhabarError) as e:
        import_brat(brat_dir)
    assert e.value.line == ln and "unknown label 'PERSON'" in one_line(e.value)


def test_brat_unknown_attribute_value_is_rejected(brat_dir, gold):
    doc = gold.documents[0]
    ln = edit_ann(brat_dir, doc.id, r"\tKind T\d+ cardinal", lambda s: s.replace("cardinal", "dozens"))
    with pytest.raises(KhabarError) as e:
        import_brat(brat_dir)
    assert e.value.line == ln and "'dozens' is not one of" in one_line(e.value)


def test_brat_gold_invariant_is_reported_at_the_record_line(brat_dir, gold):
    """A violation found by the gold validator (overlapping NER mentions) points at the .ann line."""
    doc = gold.documents[0]
    m1, m2 = doc.ner_mentions[0], doc.ner_mentions[1]
    ln = edit_ann(brat_dir, doc.id, rf"^T\d+\t{m2.type} {m2.start} {m2.end}\t",
                  lambda s: s.split("\t")[0] + f"\t{m2.type} {m1.start} {m1.end}\t{m1.text}")
    with pytest.raises(KhabarError) as e:
        import_brat(brat_dir)
    assert "NER is flat" in one_line(e.value) and e.value.line == ln


def test_brat_dangling_quote_part_is_rejected(brat_dir, gold):
    p = brat_dir / f"{gold.documents[0].id}.ann"
    lines = [ln for ln in p.read_text(encoding="utf-8").splitlines()
             if not re.search(r"(^E1\t| E1(\t| |$))", ln)]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(KhabarError, match="is not an argument of any Quote event"):
        import_brat(brat_dir)


@pytest.fixture
def ls_file(gold, tmp_path):
    export_labelstudio(gold, tmp_path)
    return tmp_path / "tasks.json"


def rewrite(path: Path, change) -> None:
    tasks = json.loads(path.read_text(encoding="utf-8"))
    change(tasks[0]["annotations"][0]["result"])
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=2), encoding="utf-8")


def test_labelstudio_broken_offset_is_rejected(ls_file, gold):
    mid = gold.documents[0].mentions[3].id

    def change(result):
        r = next(r for r in result if r.get("id") == mid and r["type"] == "labels")
        r["value"]["end"] += 2

    rewrite(ls_file, change)
    with pytest.raises(KhabarError) as e:
        import_labelstudio(ls_file)
    msg = one_line(e.value)
    assert "does not equal the document slice" in msg and str(ls_file) in msg
    assert ".value.text" in e.value.field and e.value.line is not None
    assert f'"id": "{mid}"' in ls_file.read_text(encoding="utf-8").splitlines()[e.value.line - 1]


def test_labelstudio_unknown_label_is_rejected(ls_file):
    def change(result):
        next(r for r in result if r["type"] == "labels")["value"]["labels"] = ["PERSON"]

    rewrite(ls_file, change)
    with pytest.raises(KhabarError, match="unknown label 'PERSON'"):
        import_labelstudio(ls_file)


def test_labelstudio_quote_without_source_is_rejected(ls_file):
    def change(result):
        result.remove(next(r for r in result if r["type"] == "relation" and r["labels"] == ["source"]))

    rewrite(ls_file, change)
    with pytest.raises(KhabarError, match="needs a source relation"):
        import_labelstudio(ls_file)


def test_labelstudio_invalid_json_names_the_line(tmp_path):
    p = tmp_path / "tasks.json"
    p.write_text('[\n  {"data": {"text": "x"}\n', encoding="utf-8")
    with pytest.raises(KhabarError) as e:
        import_labelstudio(p)
    assert "invalid JSON" in str(e.value) and e.value.line is not None


def test_conll_broken_iob_and_label_are_rejected(tmp_path):
    p = tmp_path / "bad.conll"
    p.write_text("# text = قال غسان سلامة\nقال\tO\nغسان\tI-PER\nسلامة\tI-PER\n", encoding="utf-8")
    with pytest.raises(KhabarError) as e:
        import_conll(p)
    assert e.value.line == 3 and "not IOB2" in one_line(e.value)
    p.write_text("قال\tO\nغسان\tB-PERSON\n", encoding="utf-8")
    with pytest.raises(KhabarError, match="unknown label 'PERSON'"):
        import_conll(p)
    p.write_text("# text = قال غسان\nقال\tO\nسلامة\tB-PER\n", encoding="utf-8")
    with pytest.raises(KhabarError, match="does not follow"):
        import_conll(p)


def test_import_dispatch_rejects_unknown_format(tmp_path):
    with pytest.raises(KhabarError, match="unknown format 'xml'"):
        import_gold("xml", tmp_path)


def test_cli_export_variants(tmp_path):
    """`khabar export --variants DIR` writes khabar.robustness's variants as valid gold files."""
    r = subprocess.run([sys.executable, "-m", "khabar", "export", "--variants", str(tmp_path / "v")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    files = sorted(p for p in (tmp_path / "v").glob("*.json") if p.name != "variants.json")
    assert files and (tmp_path / "v" / "variants.json").is_file()
    for p in files:
        assert load_gold(p).documents
