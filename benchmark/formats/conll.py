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

from pathlib import Path

from ..errors import KhabarError
from .. import iob
from ..model import Gold
from ..schema import FINE_TYPES, SCHEMES, types_of
from .common import FORMAT, IMPORTED_VERSION, Origins, OutFolder, read_text, validated


def file_name(scheme: str) -> str:
    return f"ner.{scheme}.conll"


def dumps(gold: Gold, scheme: str = "fine") -> str:
    """The CoNLL text of the gold's NER layer in `scheme`."""
    types_of(scheme)
    lines = []
    for doc in gold.documents:
        lines.append(f"# doc_id = {doc.id}")
        lines.append(f"# gold_version = {gold.version}")
        for para, (toks, tags) in zip(doc.paragraphs(), iob.iob2(doc, scheme)):
            lines.append(f"# text = {para.text}")
            lines.extend(f"{t.text}\t{tag}" for t, tag in zip(toks, tags))
            lines.append("")
    return "\n".join(lines)


def export_conll(gold: Gold, out: str | Path, overwrite: bool = False,
                 schemes: tuple[str, ...] = SCHEMES) -> list[Path]:
    """Write `ner.<scheme>.conll` per scheme into the folder `out`."""
    folder = OutFolder(out, replace=overwrite)
    folder.check([file_name(s) for s in schemes])
    return [folder.write_text(file_name(s), dumps(gold, s)) for s in schemes]


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
    out_docs = [_document(d, file, blocks.origins) for d in blocks.docs]
    raw = {"format": FORMAT, "version": blocks.version or IMPORTED_VERSION, "documents": out_docs}
    return validated(raw, blocks.origins, file)


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
        self.doc = {"id": doc_id or f"doc{len(self.docs) + 1}", "paras": []}
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


def _document(d: dict, file: str, origins: Origins) -> dict:
    """The raw gold document of one CoNLL document: its paragraphs' text and decoded mentions."""
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
    entities = [{"id": m["entity"], "type": m["type"], "name_en": m["text"], "name_ar": m["text"]} for m in mentions]
    return {"id": d["id"], "text": text, "entities": entities, "mentions": mentions, "quotes": [], "numbers": []}
