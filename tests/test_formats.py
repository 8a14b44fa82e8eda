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


# --- brat: files as brat's server saves them --------------------------------------------------


def brat_save(ann: str, norm_tail: str = "extra tab") -> str:
    """The `.ann` as brat's server writes it back after a save. Its normalization lines are
    re-serialised with their text field behind an added tab (`\\t\\tTEXT`), or followed by a
    trailing tab, or with the text field empty; every other line is written as read."""
    out = []
    for line in ann.splitlines():
        if line.startswith("N"):
            nid, body, text = line.split("\t")
            line = {"extra tab": f"{nid}\t{body}\t\t{text}", "trailing tab": f"{nid}\t{body}\t{text}\t",
                    "empty text": f"{nid}\t{body}\t", "no text": f"{nid}\t{body}"}[norm_tail]
        out.append(line)
    return "\n".join(out) + "\n"


def resave(folder: Path, norm_tail: str = "extra tab", edit=None) -> None:
    for ann in folder.glob("*.ann"):
        text = brat_save(ann.read_text(encoding="utf-8"), norm_tail)
        ann.write_text(edit(text) if edit else text, encoding="utf-8")


@pytest.mark.parametrize("norm_tail", ["extra tab", "trailing tab"])
def test_brat_save_and_reimport_is_identical(gold, tmp_path, norm_tail):
    export_brat(gold, tmp_path)
    resave(tmp_path, norm_tail)
    lines = (tmp_path / f"{gold.documents[0].id}.ann").read_text(encoding="utf-8").splitlines()
    assert sum(ln.startswith("N") for ln in lines) == len(gold.documents[0].mentions)
    same(import_brat(tmp_path), gold)


def test_brat_save_and_reimport_of_the_dev_split(tmp_path):
    from khabar.gold import load_split

    dev = load_split("dev")
    export_brat(dev, tmp_path)
    resave(tmp_path)
    same(import_brat(tmp_path), dev)


@pytest.mark.parametrize("norm_tail", ["empty text", "no text"])
def test_brat_normalizations_without_text_name_clusters_by_their_mentions(gold, tmp_path, norm_tail):
    export_brat(gold, tmp_path)
    resave(tmp_path, norm_tail)
    back = import_brat(tmp_path).documents[0]
    doc = gold.documents[0]
    assert [e.id for e in back.entities] == [e.id for e in doc.entities]
    for e, b in zip(doc.entities, back.entities):
        assert (b.type, b.name_ar) == (e.type, e.name_ar)
        assert b.name_en == doc.mentions_of(e.id)[0].text  # no English name: the first mention's text
    # a cluster keeps the name any one of its lines gives
    ann = tmp_path / f"{doc.id}.ann"
    first = next(ln for ln in ann.read_text(encoding="utf-8").splitlines() if ln.startswith("N"))
    ann.write_text(ann.read_text(encoding="utf-8").replace(first + "\n", first.rstrip("\t") + "\t\tU.N.\n"),
                   encoding="utf-8")
    assert import_brat(tmp_path).documents[0].entities[0].name_en == "U.N."


def test_brat_number_value_and_unit_are_free_text_in_notes(gold, tmp_path):
    export_brat(gold, tmp_path)
    doc = gold.documents[0]
    num = next(n for n in doc.numbers if n.unit is not None)
    ann = tmp_path / f"{doc.id}.ann"
    text = ann.read_text(encoding="utf-8")
    note = next(ln for ln in text.splitlines() if f"id={num.id};" in ln)
    assert f"value={json.dumps(num.value)}; unit={num.unit}" in note
    assert not re.search(r"^A\d+\t(Value|Unit) ", text, re.M)  # no closed-list attributes
    # what an annotator types in brat's Notes field, saved by brat
    typed = note.split("\t")[0] + "\t" + note.split("\t")[1] + f"\tid={num.id}; value = ٢٬٩٠٠ ; unit = security officer"
    ann.write_text(brat_save(text.replace(note, typed)), encoding="utf-8")
    back = next(n for n in import_brat(tmp_path).documents[0].numbers if n.id == num.id)
    assert (back.value, back.unit) == (2900, "security officer")
    ln = edit_ann(tmp_path, doc.id, rf"id={num.id};", lambda s: s.replace("٢٬٩٠٠", "many"))
    with pytest.raises(KhabarError) as e:
        import_brat(tmp_path)
    assert e.value.line == ln and "value 'many' is not a number" in one_line(e.value)
    edit_ann(tmp_path, doc.id, rf"id={num.id};", lambda s: s.replace("value = many ;", ""))
    with pytest.raises(KhabarError, match="needs a value: write value=NUMBER in its note"):
        import_brat(tmp_path)


def test_brat_older_export_with_value_and_unit_attributes_still_reads(gold, tmp_path):
    export_brat(gold, tmp_path)
    doc = gold.documents[0]
    ann = tmp_path / f"{doc.id}.ann"
    lines, k = [], 900
    for ln in ann.read_text(encoding="utf-8").splitlines():
        m = re.match(r"(#\d+\tAnnotatorNotes (T\d+)\tid=[^;]+); value=([^;]+)(?:; unit=(.*))?$", ln)
        if m:
            lines.append(m[1])
            lines.append(f"A{k}\tValue {m[2]} {m[3]}")
            if m[4]:
                lines.append(f"A{k + 1}\tUnit {m[2]} {esc(m[4])}")
            k += 2
        else:
            lines.append(ln)
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    same(import_brat(tmp_path), gold)
    edit_ann(tmp_path, doc.id, r"^#\d+\tAnnotatorNotes T\d+\tid=N1$", lambda s: s + "; value=1")
    with pytest.raises(KhabarError, match="in its note and a Value attribute"):
        import_brat(tmp_path)


def test_brat_link_to_another_documents_cluster_is_refused(tmp_path):
    from khabar.gold import load_split

    dev = load_split("dev")
    export_brat(dev, tmp_path)
    a, b = dev.documents[0].id, dev.documents[1].id
    ln = edit_ann(tmp_path, a, r"^N\d+\t", lambda s: s.replace(f"khabar:{a}/", f"khabar:{b}/"))
    with pytest.raises(KhabarError) as e:
        import_brat(tmp_path)
    assert e.value.line == ln and f"is a cluster of document '{b}'" in one_line(e.value)


def test_brat_normalization_with_two_texts_is_refused(brat_dir, gold):
    ln = edit_ann(brat_dir, gold.documents[0].id, r"^N\d+\t", lambda s: s + "\tsecond")
    with pytest.raises(KhabarError) as e:
        import_brat(brat_dir)
    assert e.value.line == ln and "2 text fields" in one_line(e.value)


def test_brat_configuration_files(gold, tmp_path):
    export_brat(gold, tmp_path)
    conf = {n: (tmp_path / n).read_text(encoding="utf-8") for n in ("annotation.conf", "visual.conf", "tools.conf")}
    # tools.conf declares the normalization DB (brat drops links to an undeclared DB on edit)
    norm = conf["tools.conf"].split("[normalization]")[1]
    assert re.search(r"^khabar\tDB:khabar, <URL>:https://github\.com/khabar-benchmark/khabar$", norm, re.M)
    assert "Sentences\tsplitter:newline" in conf["tools.conf"]
    # visual.conf lays the text out right to left, names and colours every label
    labels = conf["visual.conf"].split("[labels]")[1].split("[drawing]")[0]
    for t in ("PER", "ORG", "GPE", "LOC", "FAC", "NORP", "Number", "Quote", "Content", "Addressee"):
        assert re.search(rf"^{t} \| [^|]+ \| \S+$", labels, re.M), t
        assert re.search(rf"^{t}\tbgColor:#[0-9a-f]{{6}}$", conf["visual.conf"], re.M), t
    options = conf["visual.conf"].split("[options]")[1].split("[labels]")[0]
    assert re.search(r"^Text direction:rtl$", options, re.M)
    # no closed list of the gold's values or units
    attrs = conf["annotation.conf"].split("[attributes]")[1]
    assert not re.search(r"^(Value|Unit)\t", attrs, re.M) and "2800" not in attrs and "person" not in attrs
    # the DB source: one line per cluster, whose id is what the N lines use
    doc = gold.documents[0]
    rows = [ln.split("\t") for ln in (tmp_path / "khabar.tsv").read_text(encoding="utf-8").splitlines()]
    assert [r[0] for r in rows] == [f"{doc.id}/{e.id}" for e in doc.entities]
    assert rows[0][1:3] == [f"name:Name:{doc.entities[0].name_en}", f"name:Arabic:{doc.entities[0].name_ar}"]
    ann = (tmp_path / f"{doc.id}.ann").read_text(encoding="utf-8")
    used = set(re.findall(r"^N\d+\tReference T\d+ khabar:(\S+)\t", ann, re.M))
    assert used == {r[0] for r in rows}


# --- CoNLL: what CoNLL readers read ------------------------------------------------------------


def conll_sentences(path: Path) -> list[list[str]]:
    """Tag sequences as CoNLL-2003's reader takes them: -DOCSTART- and blank lines end a
    sentence, the tag is the last whitespace-separated column."""
    sents, cur = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-") or not line.strip():
            if cur:
                sents.append(cur)
            cur = []
        else:
            cur.append(line.split()[-1])
    return sents + ([cur] if cur else [])


def ner_count(g, scheme: str) -> int:
    return sum(1 for d in g.documents for m in d.ner_mentions if map_type(m.type, scheme))


@pytest.fixture(scope="module")
def conll_exports(tmp_path_factory):
    from khabar.gold import load_split

    out = {}
    for split in ("test", "dev"):
        g = load_split(split)
        folder = tmp_path_factory.mktemp(f"conll-{split}")
        export_conll(g, folder)
        out[split] = (g, folder)
    return out


@pytest.mark.parametrize("split", ["test", "dev"])
def test_conll_export_has_docstart_and_no_comments(conll_exports, split):
    from seqeval.metrics.sequence_labeling import get_entities

    g, folder = conll_exports[split]
    for scheme in SCHEMES:
        lines = (folder / f"ner.{scheme}.conll").read_text(encoding="utf-8").split("\n")
        assert not any(ln.startswith("#") for ln in lines)
        assert lines.count("-DOCSTART- -X- O O") == len(g.documents)
        assert all(len(ln.split()) == 2 for ln in lines if ln and not ln.startswith("-DOCSTART-"))
        sents = conll_sentences(folder / f"ner.{scheme}.conll")
        assert sum(len(get_entities(s)) for s in sents) == ner_count(g, scheme)
    assert ner_count(g, "fine") == {"test": 53, "dev": 317}[split]


@pytest.mark.parametrize("split", ["test", "dev"])
def test_spacy_convert_reads_every_entity_and_no_junk(conll_exports, split, tmp_path):
    """`spacy convert` (the CLI, no model needed) reads the documents and exactly the gold's entities."""
    pytest.importorskip("spacy", reason="spaCy is not installed (pip install -e '.[test]')")
    import spacy
    from spacy.tokens import DocBin

    from khabar import iob

    g, folder = conll_exports[split]
    r = subprocess.run([sys.executable, "-m", "spacy", "convert", str(folder / "ner.fine.conll"), str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    docs = list(DocBin().from_disk(tmp_path / "ner.fine.spacy").get_docs(spacy.blank("xx").vocab))
    assert len(docs) == len(g.documents)
    for d, gd in zip(docs, g.documents):
        want = []
        for toks, tags in iob.iob2(gd, "fine"):
            want += [(typ, " ".join(t.text for t in toks[s:e])) for s, e, typ in iob.decode(tags)]
        assert [(e.label_, e.text) for e in d.ents] == want
    assert sum(len(d.ents) for d in docs) == {"test": 53, "dev": 317}[split]


def test_conll_round_trip_of_the_dev_split(conll_exports):
    g, folder = conll_exports["dev"]
    back = import_conll(folder / "ner.fine.conll")
    assert back.version == g.version
    for d, b in zip(g.documents, back.documents, strict=True):
        assert (b.id, b.text) == (d.id, d.text)
        assert [(m.start, m.end, m.type) for m in b.ner_mentions] == [(m.start, m.end, m.type) for m in d.ner_mentions]


def test_conll_without_its_sidecar_still_imports(gold, tmp_path):
    export_conll(gold, tmp_path / "a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.conll").write_bytes((tmp_path / "a" / "ner.fine.conll").read_bytes())
    back = import_conll(tmp_path / "b" / "x.conll")
    assert [d.id for d in back.documents] == ["doc1"]
    assert len(back.documents[0].ner_mentions) == 53
    assert sorted(m.text for m in back.documents[0].ner_mentions) == sorted(m.text for m in gold.documents[0].ner_mentions)


def test_conll_sidecar_that_does_not_fit_is_refused(gold, tmp_path):
    export_conll(gold, tmp_path)
    side = tmp_path / "khabar-conll.json"
    raw = json.loads(side.read_text(encoding="utf-8"))
    side.write_text(json.dumps({**raw, "documents": raw["documents"] * 2}), encoding="utf-8")
    with pytest.raises(KhabarError, match="1 document\\(s\\) here but 2 in khabar-conll.json"):
        import_conll(tmp_path / "ner.fine.conll")
    raw["documents"][0]["text"] = raw["documents"][0]["text"].replace("طرابلس", "طرابلس ليبيا", 1)
    side.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(KhabarError) as e:
        import_conll(tmp_path / "ner.fine.conll")
    assert "khabar-conll.json" in one_line(e.value) and e.value.line is not None
    side.write_text('{"format": "khabar-conll/1", "documents": [{"id": 3}]}', encoding="utf-8")
    with pytest.raises(KhabarError, match="not a khabar-conll/1 file"):
        import_conll(tmp_path / "ner.fine.conll")


def test_conll_export_scores_with_score_conll(gold, tmp_path):
    """The export, its tag pasted as the prediction column, is conlleval input for `score --conll`."""
    from khabar.scoring import score_conll

    export_conll(gold, tmp_path)
    lines = (tmp_path / "ner.fine.conll").read_text(encoding="utf-8").split("\n")
    rows = [ln if not ln or ln.startswith("-DOCSTART-") else f"{ln}\t{ln.split()[-1]}" for ln in lines]
    (tmp_path / "oracle.conll").write_text("\n".join(rows), encoding="utf-8")
    micro = next(r for r in score_conll(tmp_path / "oracle.conll", n_boot=0).rows
                 if r.metric == "strict" and r.label == "micro").to_dict()
    assert (micro["support"], micro["f1"]) == (53, 1.0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tabs=st.lists(st.sampled_from(["", "\t", "\t\t", " "]), min_size=2, max_size=2),
       value=st.text(alphabet=st.sampled_from(list("0123456789٠١٢٬٫,.-eE xn[]{}\"%=;")), max_size=12),
       unit=st.text(alphabet=st.sampled_from(list("ab %;=\t")), max_size=6),
       key=st.sampled_from(["khabar:E1", "khabar:/E1", "khabar:x/", "khabar:", ":E1", "other:Q1", "khabar:a/b/c"]))
def test_brat_hostile_normalizations_and_notes_give_one_line_errors(gold, tmp_path_factory, tabs, value, unit, key):
    """Whatever brat or an annotator leaves in N lines and number notes: an import or one `KhabarError` line."""
    d = tmp_path_factory.mktemp("bh")
    export_brat(gold, d)
    doc = gold.documents[0]
    ann = d / f"{doc.id}.ann"
    lines = ann.read_text(encoding="utf-8").splitlines()
    n = next(i for i, ln in enumerate(lines) if ln.startswith("N"))
    nid, body, text = lines[n].split("\t")
    lines[n] = f"{nid}\t{' '.join(body.split(' ')[:2])} {key}{tabs[0]}{text}{tabs[1]}"
    k = next(i for i, ln in enumerate(lines) if "value=" in ln)
    lines[k] = lines[k].split("\t")[0] + "\t" + lines[k].split("\t")[1] + f"\tid=N1; value={value}; unit={unit}"
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        import_brat(d)
    except KhabarError as e:
        one_line(e)
