"""CoNLL (IOB2) export and import of the NER layer.

One token per line, `TOKEN<TAB>TAG`, a blank line after each paragraph (khabar's sentence unit),
and CoNLL-U style comments that make the file self-contained:

    # doc_id = 000_dcb0768725cbb8f8
    # gold_version = 1.0.0
    # text = و وفقًا للأمم المتحدة ، فر ...
    و	O
    وفقًا	O
    للأمم	B-ORG

The `# text` line gives the paragraph's exact text, so import recovers character offsets by
locating each token in it; without it the paragraph is the tokens joined by spaces. On import
the first column is the token and the last the tag, so files with extra columns (POS, chunk) and
space-separated files read too. CoNLL carries no linking, quotes or numbers: an import makes each
mention its own entity cluster, named by its text.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import KhabarError
from ..iob import iob2
from ..model import Gold
from ..schema import FINE_TYPES, SCHEMES, types_of
from .common import FORMAT, IMPORTED_VERSION, Origins, check_folder, read_text, validated, write_text


def file_name(scheme: str) -> str:
    return f"ner.{scheme}.conll"


def dumps(gold: Gold, scheme: str = "fine") -> str:
    """The CoNLL text of the gold's NER layer in `scheme`."""
    types_of(scheme)
    lines = []
    for doc in gold.documents:
        lines.append(f"# doc_id = {doc.id}")
        lines.append(f"# gold_version = {gold.version}")
        for para, (toks, tags) in zip(doc.paragraphs(), iob2(doc, scheme)):
            lines.append(f"# text = {para.text}")
            lines.extend(f"{t.text}\t{tag}" for t, tag in zip(toks, tags))
            lines.append("")
    return "\n".join(lines)


def export_conll(gold: Gold, out: str | Path, overwrite: bool = False,
                 schemes: tuple[str, ...] = SCHEMES) -> list[Path]:
    """Write `ner.<scheme>.conll` per scheme into the folder `out`."""
    out = Path(out)
    check_folder(out, [file_name(s) for s in schemes], overwrite)
    return [write_text(out / file_name(s), dumps(gold, s), overwrite) for s in schemes]


def _decode(tags: list[tuple[str, int]], file: str) -> list[tuple[int, int, str]]:
    """IOB2 tags (with their line numbers) to (first, last, type) token index triples; strict."""
    spans, cur = [], None
    for i, (tag, ln) in enumerate(tags):
        if tag == "O":
            cur = None
            continue
        m = re.fullmatch(r"([BI])-(.+)", tag)
        if not m:
            raise KhabarError(f"tag {tag!r} is not O, B-TYPE or I-TYPE", file=file, line=ln, field="tag")
        bio, typ = m.groups()
        if typ not in FINE_TYPES:
            raise KhabarError(f"unknown label {typ!r}; expected one of {', '.join(FINE_TYPES)}", file=file, line=ln,
                              field="tag")
        if bio == "B" or cur is None or cur[2] != typ:
            if bio == "I":
                prev = tags[i - 1][0] if i else "the paragraph start"
                raise KhabarError(f"{tag} follows {prev}: not IOB2 (an entity starts with B-)", file=file, line=ln,
                                  field="tag")
            cur = [i, i, typ]
            spans.append(cur)
        else:
            cur[1] = i
    return [tuple(s) for s in spans]


def import_conll(path: str | Path) -> Gold:
    """Read a CoNLL IOB2 file into a validated `Gold` (NER only; one cluster per mention)."""
    p = Path(path)
    file = str(p)
    source = read_text(p)
    docs: list[dict] = []
    version = None
    origins = Origins()
    state = {"doc": None, "para": None}

    def new_doc(doc_id: str | None) -> None:
        flush()
        d = {"id": doc_id or f"doc{len(docs) + 1}", "paras": []}
        docs.append(d)
        state["doc"] = d
        origins.add_doc(d["id"], file)

    def flush() -> None:
        para = state["para"]
        state["para"] = None
        if para is not None and (para["tokens"] or para["text"] is not None):
            if state["doc"] is None:
                new_doc(None)
            state["doc"]["paras"].append(para)

    def para() -> dict:
        if state["para"] is None:
            state["para"] = {"text": None, "tokens": [], "line": None}
        return state["para"]

    for ln, line in enumerate(source.split("\n"), start=1):
        line = line.rstrip("\r")
        if line.startswith("-DOCSTART-"):
            new_doc(None)
        elif line.startswith("#"):
            key, eq, value = line[1:].lstrip().partition("=")
            key = key.strip()
            value = value[1:] if value.startswith(" ") else value
            if not eq:
                continue
            if key == "doc_id":
                new_doc(value.strip())
            elif key == "gold_version":
                version = version or value.strip()
            elif key == "text":
                flush()
                para()["text"] = value
                state["para"]["line"] = ln
        elif not line.strip():
            flush()
        else:
            cols = line.split("\t") if "\t" in line else line.split()
            if len(cols) < 2:
                raise KhabarError("a token line needs a token and a tag", file=file, line=ln)
            pr = para()
            pr["line"] = pr["line"] or ln
            pr["tokens"].append((cols[0], cols[-1].strip(), ln))
    flush()
    if not docs:
        raise KhabarError("no tokens found", file=file)

    out_docs = []
    for d in docs:
        texts, mentions = [], []
        offset = 0
        for pr in d["paras"]:
            ptext = pr["text"] if pr["text"] is not None else " ".join(t for t, _, _ in pr["tokens"])
            starts, pos = [], 0
            for tok, _, ln in pr["tokens"]:
                at = ptext.find(tok, pos)
                if at < 0 or ptext[pos:at].strip():
                    raise KhabarError(f"token {tok!r} does not follow the previous token in the # text line",
                                      file=file, line=ln, field="token")
                starts.append(at)
                pos = at + len(tok)
            for first, last, typ in _decode([(tag, ln) for _, tag, ln in pr["tokens"]], file):
                s = offset + starts[first]
                e = offset + starts[last] + len(pr["tokens"][last][0])
                mid = f"M{len(mentions) + 1}"
                mentions.append({"id": mid, "start": s, "end": e, "text": None, "type": typ,
                                 "entity": f"E{len(mentions) + 1}", "form": "canonical", "kind": "name"})
                origins.add(d["id"], mid, file, pr["tokens"][first][2])
            texts.append(ptext)
            offset += len(ptext) + 1
        text = "\n".join(texts)
        for m in mentions:
            m["text"] = text[m["start"]:m["end"]]
        entities = [{"id": m["entity"], "type": m["type"], "name_en": m["text"], "name_ar": m["text"]}
                    for m in mentions]
        out_docs.append({"id": d["id"], "text": text, "entities": entities, "mentions": mentions,
                         "quotes": [], "numbers": []})
    raw = {"format": FORMAT, "version": version or IMPORTED_VERSION, "documents": out_docs}
    return validated(raw, origins, file)
