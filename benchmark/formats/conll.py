"""CoNLL (IOB2) export and import of the NER layer.

The export is what CoNLL readers expect (CoNLL-2003's reader, `spacy convert`, seqeval via any
token-per-line reader): one token per line, `TOKEN<TAB>TAG`, a blank line after each paragraph
(khabar's sentence unit), and `-DOCSTART- -X- O O` (spaCy's document delimiter, exactly) then a
blank line before each document. There are no comment lines: readers take them for tokens.

    -DOCSTART- -X- O O

    و	O
    وفقًا	O
    للأمم	B-ORG
    المتحدة	I-ORG

What a token-per-line file cannot hold, the document ids, the gold version and each document's
exact text, goes in `khabar-conll.json` beside it; the import reads it when present and
recovers exact character offsets by locating each token in the document's text. Without it a
paragraph is its tokens joined by spaces and documents are named doc1, doc2 ... Older exports
with CoNLL-U style comments (`# doc_id = `, `# gold_version = `, `# text = `) still read.

On import the first column is the token and the last the tag, so files with extra columns
(POS, chunk) and space-separated files read too. CoNLL carries no linking, quotes or numbers: an
import makes each mention its own entity cluster, named by its text.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import KhabarError
from .. import iob
from ..files import read_json
from ..model import Gold
from ..schema import FINE_TYPES, SCHEMES, types_of
from .common import FORMAT, IMPORTED_VERSION, Origins, OutFolder, read_text, validated

DOCSTART = "-DOCSTART- -X- O O"
"""The document delimiter of CoNLL-2003 files as `spacy convert` splits on it (the whole line)."""
SIDECAR = "khabar-conll.json"
SIDECAR_FORMAT = "khabar-conll/1"


def file_name(scheme: str) -> str:
    return f"ner.{scheme}.conll"


def dumps(gold: Gold, scheme: str = "fine") -> str:
    """The CoNLL text of the gold's NER layer in `scheme` (no comments; see the module docstring)."""
    types_of(scheme)
    lines = []
    for doc in gold.documents:
        lines.extend([DOCSTART, ""])
        for toks, tags in iob.iob2(doc, scheme):
            if not toks:
                continue
            for t, tag in zip(toks, tags):
                if not t.text or any(c.isspace() for c in t.text):
                    raise KhabarError(f"token {t.text!r} has whitespace; a token-per-line file cannot hold it",
                                      field=f"{doc.id}.text")
                lines.append(f"{t.text}\t{tag}")
            lines.append("")
    return "\n".join(lines)


def sidecar(gold: Gold) -> str:
    """`khabar-conll.json`: the gold version and each document's id and exact text."""
    body = {"format": SIDECAR_FORMAT, "version": gold.version,
            "documents": [{"id": d.id, "text": d.text} for d in gold.documents]}
    return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


def export_conll(gold: Gold, out: str | Path, overwrite: bool = False,
                 schemes: tuple[str, ...] = SCHEMES) -> list[Path]:
    """Write `ner.<scheme>.conll` per scheme and `khabar-conll.json` into the folder `out`."""
    folder = OutFolder(out, replace=overwrite)
    folder.check([file_name(s) for s in schemes] + [SIDECAR])
    texts = [dumps(gold, s) for s in schemes]  # fail before writing anything
    written = [folder.write_text(file_name(s), t) for s, t in zip(schemes, texts)]
    return written + [folder.write_text(SIDECAR, sidecar(gold))]


def _read_sidecar(p: Path) -> dict | None:
    """The `khabar-conll.json` beside the file `p` (checked), or None when there is none."""
    side = p.parent / SIDECAR
    if not side.is_file():
        return None
    raw = read_json(side)
    docs = raw.get("documents")
    if (raw.get("format") != SIDECAR_FORMAT or not isinstance(docs, list)
            or not all(isinstance(d, dict) and isinstance(d.get("id"), str) and d["id"]
                       and isinstance(d.get("text"), str) for d in docs)
            or not isinstance(raw.get("version", ""), str)):
        raise KhabarError(f"not a {SIDECAR_FORMAT} file (format, version, documents: [{{id, text}}]); "
                          "move it away to import the tokens alone", file=str(side))
    return {"file": str(side), "version": raw.get("version"), "documents": docs}


def _decode(tags: list[tuple[str, int]], file: str) -> list[tuple[int, int, str]]:
    """IOB2 tags (with their line numbers) to (first, last, type) token index triples; strict."""
    try:
        spans = iob.decode([t for t, _ in tags], strict=True, scheme="IOB2", labels=FINE_TYPES)
    except iob.TagError as e:
        raise KhabarError(e.message, file=file, line=tags[e.index][1], field="tag") from None
    return [(s, e - 1, typ) for s, e, typ in spans]


def import_conll(path: str | Path, column: int | None = None) -> Gold:
    """Read a CoNLL IOB2 file into a validated `Gold` (NER only; one cluster per mention).

    The first column is the token; the gold tags are the second column, or, in a file with more
    columns (token, gold, predicted, say), the `column`-th (1-based), which must then be given:
    taking the last column would read a system's predictions as gold."""
    p = Path(path)
    file = str(p)
    if column is not None and (isinstance(column, bool) or not isinstance(column, int) or column < 2):
        raise KhabarError(f"expected a column number of 2 or more (the token is column 1), got {column!r}",
                          field="column (--column)")
    blocks = _Blocks(file, column)
    for ln, line in enumerate(read_text(p).split("\n"), start=1):
        blocks.feed(ln, line.rstrip("\r"))
    blocks.flush()
    if not blocks.docs:
        raise KhabarError("no tokens found", file=file)
    side = _read_sidecar(p) if p.parent.is_dir() else None
    if side is not None and not blocks.commented:
        _apply_sidecar(blocks, side, file)
        version = side["version"] or IMPORTED_VERSION
    else:
        version = blocks.version or IMPORTED_VERSION
    out_docs = [_document(d, file, blocks.origins) for d in blocks.docs]
    raw = {"format": FORMAT, "version": version, "documents": out_docs}
    return validated(raw, blocks.origins, file)


def _apply_sidecar(blocks: "_Blocks", side: dict, file: str) -> None:
    """Give each document of the file its id and exact text from `khabar-conll.json`."""
    docs = side["documents"]
    if len(docs) != len(blocks.docs):
        raise KhabarError(f"{len(blocks.docs)} document(s) here but {len(docs)} in {SIDECAR}; fix or move "
                          f"{SIDECAR} away to import the tokens alone", file=file)
    blocks.origins = Origins()
    for d, s in zip(blocks.docs, docs):
        d["id"], d["text"], d["sidecar"] = s["id"], s["text"], side["file"]
        blocks.origins.add_doc(d["id"], file)


class _Blocks:
    """The documents and paragraphs of a CoNLL file, line by line: `-DOCSTART-` or `# doc_id`
    opens a document, `# text` gives a paragraph's exact text, a blank line ends a paragraph."""

    def __init__(self, file: str, column: int | None = None) -> None:
        self.file = file
        self.column = column
        self.pending: list[str | None] = []  # a document opened, created when a paragraph arrives
        self.docs: list[dict] = []
        self.version: str | None = None
        self.origins = Origins()
        self.doc: dict | None = None
        self.current: dict | None = None
        self.commented = False
        """Whether the file has khabar's older comments (doc_id, gold_version, text), which win."""

    def feed(self, ln: int, line: str) -> None:
        if line.startswith("-DOCSTART-"):
            self.new_doc(None)
        elif line.startswith("#"):
            self.comment(ln, line)
        elif not line.strip():
            self.flush()
        else:
            cols = line.split("\t") if "\t" in line else line.split()
            if len(cols) < 2:
                raise KhabarError("a token line needs a token and a tag", file=self.file, line=ln)
            if self.column is None and len(cols) > 2:
                raise KhabarError(f"{len(cols)} columns: say which one holds the gold tags with --column "
                                  f"(2 to {len(cols)})", file=self.file, line=ln)
            at = self.column or 2
            if at > len(cols):
                raise KhabarError(f"no column {at}: the line has {len(cols)}", file=self.file, line=ln,
                                  field="column")
            pr = self.para()
            pr["line"] = pr["line"] or ln
            pr["tokens"].append((cols[0], cols[at - 1].strip(), ln))

    def comment(self, ln: int, line: str) -> None:
        """`# key = value` lines: doc_id, gold_version and text; any other comment is ignored."""
        key, eq, value = line[1:].lstrip().partition("=")
        key = key.strip()
        value = value[1:] if value.startswith(" ") else value
        if not eq:
            return
        if key in ("doc_id", "gold_version", "text"):
            self.commented = True
        if key == "doc_id":
            self.new_doc(value.strip())
        elif key == "gold_version":
            self.version = self.version or value.strip()
        elif key == "text":
            self.flush()
            self.para()["text"] = value
            self.current["line"] = ln

    def new_doc(self, doc_id: str | None) -> None:
        """Open a document; it is created with its first paragraph, so a `-DOCSTART-` with no
        tokens after it (a leading one, say) adds no empty document."""
        self.flush()
        self.pending = [doc_id]

    def _create(self) -> None:
        doc_id = self.pending[0] if self.pending else None
        self.pending = []
        self.doc = {"id": doc_id or f"doc{len(self.docs) + 1}", "paras": [], "text": None}
        self.docs.append(self.doc)
        self.origins.add_doc(self.doc["id"], self.file)

    def flush(self) -> None:
        para, self.current = self.current, None
        if para is not None and (para["tokens"] or para["text"] is not None):
            if self.doc is None or self.pending:
                self._create()
            self.doc["paras"].append(para)

    def para(self) -> dict:
        if self.current is None:
            self.current = {"text": None, "tokens": [], "line": None}
        return self.current


def _locate(tokens: list, text: str, pos: int, file: str, where: str) -> tuple[list[int], int]:
    """The start of each token in `text` from `pos` on, only whitespace between them; and the end."""
    starts = []
    for tok, _, ln in tokens:
        at = text.find(tok, pos)
        if at < 0 or text[pos:at].strip():
            raise KhabarError(f"token {tok!r} does not follow the previous token in {where}",
                              file=file, line=ln, field="token")
        starts.append(at)
        pos = at + len(tok)
    return starts, pos


def _document(d: dict, file: str, origins: Origins) -> dict:
    """The raw gold document of one CoNLL document: its text (the sidecar's, the paragraphs'
    `# text` lines, or the tokens joined by spaces) and its decoded mentions."""
    texts, mentions = [], []
    offset, pos = 0, 0
    for pr in d["paras"]:
        if d.get("text") is not None:  # the document's exact text from khabar-conll.json
            ptext, base = d["text"], 0
            starts, pos = _locate(pr["tokens"], ptext, pos, file,
                                  f"the text of document {d['id']!r} in {SIDECAR} (fix or move it away)")
        else:
            ptext = pr["text"] if pr["text"] is not None else " ".join(t for t, _, _ in pr["tokens"])
            base = offset
            starts, _ = _locate(pr["tokens"], ptext, 0, file, "the # text line")
        for first, last, typ in _decode([(tag, ln) for _, tag, ln in pr["tokens"]], file):
            s = base + starts[first]
            e = base + starts[last] + len(pr["tokens"][last][0])
            mid = f"M{len(mentions) + 1}"
            mentions.append({"id": mid, "start": s, "end": e, "text": None, "type": typ,
                             "entity": f"E{len(mentions) + 1}", "form": "canonical", "kind": "name"})
            origins.add(d["id"], mid, file, pr["tokens"][first][2])
        texts.append(ptext)
        offset += len(ptext) + 1
    if d.get("text") is not None:
        text = d["text"]
        if text[pos:].strip():
            raise KhabarError(f"the text of document {d['id']!r} in {SIDECAR} goes on after the last token "
                              f"({text[pos:pos + 20]!r}...); fix or move {SIDECAR} away", file=file)
    else:
        text = "\n".join(texts)
    for m in mentions:
        m["text"] = text[m["start"]:m["end"]]
    entities = [{"id": m["entity"], "type": m["type"], "name_en": m["text"], "name_ar": m["text"]} for m in mentions]
    return {"id": d["id"], "text": text, "entities": entities, "mentions": mentions, "quotes": [], "numbers": []}
