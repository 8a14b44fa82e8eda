"""The gold as Hugging Face `datasets`: typed configs, a hub-ready folder with its card, and push.

Four configs, each with one `test` split: `ner` (one row per paragraph: tokens, IOB2 tags as
`ClassLabel` in the fine and coarse schemes, and the entity spans), `quotes` (one row per speech
cue), `numbers` (one row per numeral) and `documents` (one row per article: the text with every
standoff record, mirroring the gold JSON, from which the gold is rebuilt exactly).

datasets >= 4 has no loading scripts, so the folder is parquet files plus a README whose YAML
names the configs and their files; `datasets.load_dataset(folder, name)` reads it offline.
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import KhabarError
from .gold import DATA_DIR, content_hash, from_dict, load_gold, to_dict
from .model import Gold
from .schema import FINE_TYPES, FORMS, NUMBER_KINDS, QUALIFIERS, QUOTE_TYPES, types_of

CONFIGS: tuple[str, ...] = ("ner", "quotes", "numbers", "documents")
SPLIT = "test"
DEFAULT_CONFIG = "ner"
LICENSE = "cc-by-4.0"
PRETTY_NAME = "khabar: Arabic news NER, quote attribution and number extraction"
AGREEMENT_FILE = DATA_DIR / "agreement.json"


def tag_names(scheme: str = "fine") -> list[str]:
    """The IOB2 label inventory of `scheme`: O, then B-/I- per type in schema order."""
    return ["O"] + [f"{p}-{t}" for t in types_of(scheme) for p in ("B", "I")]


def _span_feature():
    from datasets import Value

    return {"start": Value("int32"), "end": Value("int32"), "text": Value("string")}


def features(config: str):
    """The typed `datasets.Features` of one config."""
    from datasets import ClassLabel, Features, List, Value

    span = _span_feature()
    if config == "ner":
        return Features(
            {
                "id": Value("string"),
                "document_id": Value("string"),
                "paragraph": Value("int32"),
                "offset": Value("int32"),
                "text": Value("string"),
                "tokens": List(Value("string")),
                "token_starts": List(Value("int32")),
                "token_ends": List(Value("int32")),
                "ner_tags": List(ClassLabel(names=tag_names("fine"))),
                "coarse_ner_tags": List(ClassLabel(names=tag_names("coarse"))),
                "entities": List(
                    {
                        "id": Value("string"),
                        **span,
                        "type": ClassLabel(names=list(FINE_TYPES)),
                        "entity": Value("string"),
                        "form": ClassLabel(names=list(FORMS)),
                    }
                ),
            }
        )
    if config == "quotes":
        return Features(
            {
                "id": Value("string"),
                "document_id": Value("string"),
                "paragraph": Value("int32"),
                "cue": span,
                "content": span,
                "source": span,
                "speaker": Value("string"),
                "speaker_name_en": Value("string"),
                "addressee": span,
                "type": ClassLabel(names=list(QUOTE_TYPES)),
            }
        )
    if config == "numbers":
        return Features(
            {
                "id": Value("string"),
                "document_id": Value("string"),
                "paragraph": Value("int32"),
                **span,
                "value": Value("float64"),
                "kind": ClassLabel(names=list(NUMBER_KINDS)),
                "unit": Value("string"),
                "qualifier": ClassLabel(names=list(QUALIFIERS)),
                "in_name": Value("bool"),
            }
        )
    if config == "documents":
        return Features(
            {
                "id": Value("string"),
                "text": Value("string"),
                "entities": List(
                    {"id": Value("string"), "type": Value("string"), "name_en": Value("string"),
                     "name_ar": Value("string")}
                ),
                "mentions": List(
                    {"id": Value("string"), **span, "type": Value("string"), "entity": Value("string"),
                     "form": Value("string"), "kind": Value("string")}
                ),
                "quotes": List(
                    {"id": Value("string"), "cue": span, "content": span, "source": span,
                     "speaker": Value("string"), "addressee": span, "type": Value("string")}
                ),
                "numbers": List(
                    {"id": Value("string"), **span, "value": Value("float64"), "kind": Value("string"),
                     "unit": Value("string"), "qualifier": Value("string"), "in_name": Value("bool")}
                ),
                "gold_version": Value("string"),
                "gold_sha256": Value("string"),
            }
        )
    raise KhabarError(f"unknown config {config!r}; expected one of {', '.join(CONFIGS)}", field="name",
                      exit_code=2)


def _paragraph_of(doc, offset: int) -> int:
    for i, p in enumerate(doc.paragraphs()):
        if p.start <= offset <= p.end:
            return i
    return len(doc.paragraphs()) - 1


def rows(gold: Gold, config: str) -> list[dict]:
    """The examples of one config as plain Python dicts (labels as strings)."""
    from .iob import iob2

    features(config)  # rejects an unknown config
    out: list[dict] = []
    for doc in gold.documents:
        if config == "ner":
            fine, coarse = iob2(doc, "fine"), iob2(doc, "coarse")
            for i, (para, (toks, tags), (_, ctags)) in enumerate(zip(doc.paragraphs(), fine, coarse)):
                out.append(
                    {
                        "id": f"{doc.id}-p{i}",
                        "document_id": doc.id,
                        "paragraph": i,
                        "offset": para.start,
                        "text": para.text,
                        "tokens": [t.text for t in toks],
                        "token_starts": [t.start for t in toks],
                        "token_ends": [t.end for t in toks],
                        "ner_tags": tags,
                        "coarse_ner_tags": ctags,
                        "entities": [
                            {"id": m.id, **m.span.to_dict(), "type": m.type, "entity": m.entity, "form": m.form}
                            for m in sorted(doc.ner_mentions, key=lambda m: (m.start, m.end))
                            if para.start <= m.start and m.end <= para.end
                        ],
                    }
                )
        elif config == "quotes":
            names = {e.id: e.name_en for e in doc.entities}
            for q in doc.quotes:
                out.append(
                    {
                        "id": q.id,
                        "document_id": doc.id,
                        "paragraph": _paragraph_of(doc, q.cue.start),
                        "cue": q.cue.to_dict(),
                        "content": q.content.to_dict(),
                        "source": q.source.to_dict(),
                        "speaker": q.speaker,
                        "speaker_name_en": names.get(q.speaker, ""),
                        "addressee": q.addressee.to_dict() if q.addressee else None,
                        "type": q.type,
                    }
                )
        elif config == "numbers":
            for n in doc.numbers:
                out.append(
                    {
                        "id": n.id,
                        "document_id": doc.id,
                        "paragraph": _paragraph_of(doc, n.start),
                        **n.span.to_dict(),
                        "value": float(n.value),
                        "kind": n.kind,
                        "unit": n.unit,
                        "qualifier": n.qualifier,
                        "in_name": n.in_name,
                    }
                )
        else:
            raw = to_dict(Gold(gold.version, [doc]))["documents"][0]
            out.append({**raw, "gold_version": gold.version, "gold_sha256": gold.sha256})
    return out


def load(name: str = DEFAULT_CONFIG, split: str | None = None, gold: Gold | None = None):
    """One config of the gold as a `datasets.DatasetDict` with a `test` split.

    Like `datasets.load_dataset`, `split="test"` returns that split's `Dataset` instead. Built in
    memory from the in-repo gold (or `gold`), with the same features as the exported folder.
    """
    from datasets import Dataset, DatasetDict

    g = gold if gold is not None else load_gold()
    feats = features(name)
    ds = Dataset.from_list(rows(g, name), features=feats, split=SPLIT)
    if split is None:
        return DatasetDict({SPLIT: ds})
    if split != SPLIT:
        raise KhabarError(f"unknown split {split!r}; khabar has only {SPLIT!r}", field="split", exit_code=2)
    return ds


def _integral(v: float) -> int | float:
    """JSON numbers come back from parquet as floats; integral ones become ints again."""
    return int(v) if isinstance(v, float) and v.is_integer() else v


def gold_from_documents(dataset) -> Gold:
    """Rebuild the `Gold` from the `documents` config (a `Dataset`, `DatasetDict` or row list).

    Inverse of the `documents` rows: integral values come back as ints, the way the gold JSON
    writes them, so the content hash matches the exported gold's.
    """
    if hasattr(dataset, "keys") and SPLIT in dataset:
        dataset = dataset[SPLIT]
    records = list(dataset)
    if not records:
        raise KhabarError("the documents config has no rows", field="documents")
    versions = {r["gold_version"] for r in records}
    if len(versions) != 1:
        raise KhabarError(f"rows disagree on the gold version: {sorted(versions)}", field="gold_version")
    docs = []
    for r in records:
        doc = {k: r[k] for k in ("id", "text", "entities", "mentions", "quotes", "numbers")}
        doc["numbers"] = [{**n, "value": _integral(n["value"])} for n in r["numbers"]]
        docs.append(doc)
    raw = {"format": "khabar-gold/1", "version": versions.pop(), "documents": docs}
    from .validate import validate_raw

    problems = validate_raw(raw, "<documents config>")
    if problems:
        v = problems[0]
        raise KhabarError(v.message, file=v.file, field=v.field)
    return from_dict(raw, sha256=content_hash(raw))


# --- the hub folder ---------------------------------------------------------------------------


def data_path(config: str) -> str:
    """The parquet file of `config` inside the folder (the hub's shard naming)."""
    return f"{config}/{SPLIT}-00000-of-00001.parquet"


def export_hub(out_dir: str | Path, gold: Gold | None = None, overwrite: bool = False) -> list[Path]:
    """Write a push-ready folder: parquet per config and split, README.md card, croissant.json.

    Refuses a non-empty folder unless `overwrite`; with it, only the files this function writes
    (and stale shards of its configs) are replaced. Returns the written paths.
    """
    from datasets import Dataset
    from datasets.info import DatasetInfo, DatasetInfosDict
    from datasets.splits import SplitDict, SplitInfo
    from huggingface_hub import DatasetCardData

    g = gold if gold is not None else load_gold()
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise KhabarError("exists and is not a folder", file=str(out))
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise KhabarError("folder is not empty; refusing to overwrite it (use --force)", file=str(out))
    out.mkdir(parents=True, exist_ok=True)

    written: list[Path] = []
    infos = {}
    for cfg in CONFIGS:
        ds = Dataset.from_list(rows(g, cfg), features=features(cfg), split=SPLIT)
        cfg_dir = out / cfg
        if cfg_dir.exists():
            for stale in cfg_dir.glob(f"{SPLIT}-*.parquet"):
                stale.unlink()
        cfg_dir.mkdir(exist_ok=True)
        path = out / data_path(cfg)
        _quiet_parquet(ds, path)
        written.append(path)
        nbytes = ds._estimate_nbytes()
        infos[cfg] = DatasetInfo(
            features=ds.features,
            splits=SplitDict({SPLIT: SplitInfo(name=SPLIT, num_bytes=nbytes, num_examples=len(ds))}),
            download_size=path.stat().st_size,
            dataset_size=nbytes,
        )

    card = DatasetCardData(
        language=["ar"],
        license=LICENSE,
        pretty_name=PRETTY_NAME,
        size_categories=["n<1K"],
        task_categories=["token-classification"],
        task_ids=["named-entity-recognition"],
        annotations_creators=["machine-generated"],  # two AI-model passes, adjudicated (see the card)
        language_creators=["machine-generated"],
        multilinguality=["monolingual"],
        source_datasets=["original"],
        tags=["arabic", "news", "named-entity-recognition", "entity-linking", "quote-attribution",
              "number-extraction", "evaluation", "benchmark"],
        configs=[
            {"config_name": cfg, "data_files": [{"split": SPLIT, "path": f"{cfg}/{SPLIT}-*"}],
             **({"default": True} if cfg == DEFAULT_CONFIG else {})}
            for cfg in CONFIGS
        ],
    )
    DatasetInfosDict(infos).to_dataset_card_data(card)
    croissant = croissant_metadata(out, g)
    if croissant is not None:
        path = out / "croissant.json"
        path.write_text(json.dumps(croissant, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
        written.append(path)
    elif (out / "croissant.json").exists():
        (out / "croissant.json").unlink()  # stale: it would describe the old parquet files
    readme = out / "README.md"
    readme.write_text(f"---\n{card.to_yaml()}\n---\n\n{card_prose(g, infos, croissant is not None)}",
                      encoding="utf-8")
    written.append(readme)
    return written


def _quiet_parquet(ds, path: Path) -> None:
    """`Dataset.to_parquet` (which embeds the features in the schema) without a progress bar."""
    from datasets.utils import are_progress_bars_disabled, disable_progress_bars, enable_progress_bars

    was_disabled = are_progress_bars_disabled()
    disable_progress_bars()
    try:
        ds.to_parquet(str(path))
    finally:
        if not was_disabled:
            enable_progress_bars()


def read_agreement(path: Path | None = None) -> dict | None:
    """The inter-annotator agreement figures (`data/agreement.json`), if they have been written."""
    path = Path(path) if path is not None else AGREEMENT_FILE
    if not path.exists():
        return None
    from .gold import read_json

    return read_json(path)


def agreement_table(agreement: dict | None) -> str:
    """The card's agreement section: one row per task and measure of `data/agreement.json`."""
    if not agreement:
        return ("Pending: the inter-annotator agreement of the two passes has not been published yet "
                "(`data/agreement.json` is absent from the repository this folder was exported from).\n")
    docs = agreement.get("documents")
    if not isinstance(docs, dict):
        rows = [f"| {k} | {v} |" for k, v in _flatten(agreement)]
        return "| measure | value |\n| --- | --- |\n" + "\n".join(rows) + "\n"

    def shown(v) -> str:
        if isinstance(v, dict) and "f1" in v:
            extra = f" ({v['both']} shared; {v['a']} / {v['b']})" if {"a", "b", "both"} <= set(v) else ""
            return f"F1 {v['f1']:.2f}{extra}"
        return f"{v:.2f}" if isinstance(v, float) else str(v)

    scores = [v for k, v in _flatten(docs) if k.rsplit(".", 1)[-1] == "f1" or
              (isinstance(v, float) and k.rsplit(".", 1)[-1] not in ("a", "b", "both"))]
    perfect = bool(scores) and all(v == 1.0 for v in scores)
    rows = []
    for doc_id, tasks in docs.items():
        where = f"{doc_id}: " if len(docs) > 1 else ""
        for task, measures in tasks.items():
            for name, v in (measures.items() if isinstance(measures, dict) else [("", measures)]):
                rows.append(f"| {where}{task} | {name.replace('_', ' ')} | {shown(v)} |")
    passes = ", ".join(f"{k} `{v.get('version')}` (sha256 {str(v.get('sha256', ''))[:12]})"
                       for k, v in agreement.items() if k.startswith("pass") and isinstance(v, dict))
    return ("| task | measure | agreement |\n| --- | --- | --- |\n" + "\n".join(rows) + "\n\n"
            + (f"Passes compared: {passes}. " if passes else "")
            + "Read from `data/agreement.json` at export time. "
            + ("Perfect agreement between two instances of one model says the spec is precise enough to apply "
               "reproducibly, not that human annotators would agree this well.\n" if perfect else
               "Agreement between two instances of one model measures how reproducibly the spec is applied, "
               "not how well human annotators would agree.\n"))


def _flatten(d: dict, prefix: str = "") -> list[tuple[str, object]]:
    out = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.extend(_flatten(v, key + "."))
        else:
            out.append((key, v))
    return out


def card_prose(gold: Gold, infos: dict | None = None, croissant: bool = False) -> str:
    """The dataset card's Markdown body, with every count computed from `gold`."""
    from . import __version__
    from .stats import gold_counts

    counts = gold_counts(gold)
    corrupted = sorted(
        {(m.text, d.entity_by_id[m.entity].name_en) for d in gold.documents for m in d.ner_mentions
         if m.form == "corrupted"},
        key=lambda p: (p[1], p[0]),
    )
    variants = sorted({m.text for d in gold.documents for m in d.ner_mentions if m.form == "variant"})
    n_chars = sum(len(d.text) for d in gold.documents)
    n_paras = sum(len(d.paragraphs()) for d in gold.documents)
    unbalanced = sum(1 for d in gold.documents for p in d.paragraphs() if p.text.count('"') % 2)

    def counts_line(task: str) -> str:
        c = counts[task]
        parts = ", ".join(f"{k} {v}" for k, v in c.items() if k != "total")
        return f"{c['total']} ({parts})" if parts else str(c["total"])

    sizes = ""
    if infos:
        sizes = "\n".join(
            f"| `{cfg}` | {infos[cfg].splits[SPLIT].num_examples} | {_config_row_doc[cfg]} |" for cfg in CONFIGS
        )
        sizes = "| config | rows in `test` | one row is |\n| --- | --- | --- |\n" + sizes + "\n"

    agree = agreement_table(read_agreement())
    croissant_note = ("`croissant.json` describes the same files and fields as Croissant 1.1 metadata (written and "
                      "checked with mlcroissant).\n" if croissant else "")
    noise = "\n".join(f"  - `{t}` for {name}" for t, name in corrupted) or "  - none in this gold"
    return f"""# {PRETTY_NAME}

khabar is an evaluation benchmark for Arabic news information extraction: named entities with
linking of variant and corrupted spellings, quote attribution (cue, content, source, speaker) and
number extraction (span, value, kind, unit). It is a test set only: there is no train split.

## Gold version

| field | value |
| --- | --- |
| gold version | `{gold.version}` |
| gold sha256 (canonical JSON) | `{gold.sha256}` |
| exported by | khabar {__version__} |

The hash is `khabar.gold.content_hash` of the gold JSON; `gold_from_documents` in
`khabar.hub` rebuilds the gold from the `documents` config and reproduces it.

## What the data is

{len(gold.documents)} Arabic news article(s) ({n_paras} paragraphs, {n_chars:,} characters): a
machine-translated report (April 2019, Libya), kept byte for byte. Gold counts:

| task | count |
| --- | --- |
| named-entity mentions | {counts_line("ner")} |
| mention forms | {counts_line("ner forms")} |
| entities (clusters) | {counts_line("entities")} |
| quotes | {counts_line("quotes")} |
| numbers | {counts_line("numbers")} |

## Configs

{sizes}
All offsets are `[start, end)` Python string (Unicode code point) indices into the document text;
each span stores the text it covers. In `ner`, `ner_tags` are IOB2 over the fine types
({", ".join(FINE_TYPES)}) and `coarse_ner_tags` over the ANERcorp-style coarse types
({", ".join(types_of("coarse"))}; FAC and NORP are `O` there). Tokens are the annotation spec's
(punctuation split off, clitics attached), so tags decode back to the gold spans exactly.
Labels are `ClassLabel`s in the task configs and plain strings in `documents`, which mirrors the
gold JSON record for record.
{croissant_note}
```python
from datasets import load_dataset
ner = load_dataset("PATH_OR_REPO_ID", "ner", split="test")
ner.features["ner_tags"].feature.names  # the fine IOB2 label inventory
```

## How it was annotated

Two independent annotation passes over the text, each made with only the khabar annotation spec
and the text (flat, outermost names only; titles and generic heads outside the span; clitics
inside it; one quote record per speech cue; numerals without their counted noun), then
adjudication of every difference into this gold (`data/annotation/` and `docs/GUIDELINES.md` in
the khabar repository hold both passes, their notes and the adjudication record). Both passes
were made by instances of the same AI annotator model, independent in information (neither saw
the other) but not in training or judgement; no human annotation pass exists yet. Mentions are
linked to entity clusters with canonical English and Arabic names, and each records its `form`:
`canonical`, `variant` (an accepted alternative transliteration) or `corrupted` (a mis-rendering
of the name).

### Agreement

{agree}
## Known noise in the machine-translated text

The text is machine translation output and was not corrected:

- corrupted renderings of names, annotated as mentions of the right entity with form `corrupted`:
{noise}
- variant transliterations: {", ".join(f"`{v}`" for v in variants) or "none"}
- spacing around punctuation and conjunctions (`و وفقًا`, ` ، `), run-on sentences whose clauses
  the reported content may or may not cover, and {unbalanced} paragraph(s) with an odd number of
  quotation marks (an unclosed quote ends where its clause ends).

## How to score

```bash
pip install khabar          # or: pip install -e . in a checkout
khabar score predictions.jsonl --json
```

or, with the `evaluate` metric module shipped in the repository (`metrics/khabar`):

```python
import evaluate
metric = evaluate.load("/path/to/khabar/metrics/khabar")
metric.compute(predictions=[...], references=["<document id>", ...])
```

NER is scored strict (span and type), exact-span, partial and type-only, micro and macro, in the
fine and coarse schemes; quotes by content detection, speaker accuracy, end-to-end attribution,
cue F1 and type accuracy; numbers by span F1, value accuracy and end-to-end F1. Every F1 comes
with a bootstrap confidence interval, and every report with a signature naming the gold hash.

## Licence

The annotations are released under CC BY 4.0. The article text is third-party news content
(machine translated); its rights are unknown and are not granted by this licence. Use it for
research evaluation, and check your own rights before redistributing the text.

## Citation

```bibtex
@misc{{khabar,
  title        = {{khabar: an evaluation benchmark for Arabic news information extraction}},
  author       = {{{{khabar contributors}}}},
  howpublished = {{\\url{{https://github.com/khabar-benchmark/khabar}}}},
  note         = {{khabar {__version__}, gold {gold.version} (sha256 {gold.short_hash})}}
}}
```
"""


_config_row_doc = {
    "ner": "a paragraph: tokens, fine and coarse IOB2 tags, entity spans",
    "quotes": "a speech cue with its content, source, speaker and addressee",
    "numbers": "a numeral with its value, kind, unit, qualifier",
    "documents": "an article: the text with every standoff annotation",
}


# --- Croissant --------------------------------------------------------------------------------


def croissant_metadata(folder: Path, gold: Gold) -> dict | None:
    """Croissant 1.1 JSON-LD describing every config's parquet file and fields, or None.

    Built and checked with `mlcroissant` (MLCommons) when it is installed; nested `List({...})`
    columns become array fields with sub-fields read through JSON paths.
    """
    try:
        import mlcroissant as mlc
    except ImportError:
        return None
    import hashlib

    from datasets import ClassLabel, List, Value

    types = {"string": mlc.DataType.TEXT, "bool": mlc.DataType.BOOL, "float64": mlc.DataType.FLOAT,
             "int32": mlc.DataType.INTEGER, "int64": mlc.DataType.INTEGER}

    def leaf(fid: str, name: str, inner, file_id: str, column: str, path: str | None, **kw):
        desc = None
        if isinstance(inner, ClassLabel):
            dtype, desc = mlc.DataType.INTEGER, "class label: " + ", ".join(
                f"{i}={n}" for i, n in enumerate(inner.names))
        elif isinstance(inner, Value):
            dtype = types[inner.dtype]
        else:
            raise KhabarError(f"no Croissant type for feature {fid} ({inner!r})")
        source = mlc.Source(file_object=file_id, extract=mlc.Extract(column=column),
                            transforms=[mlc.Transform(json_path=path)] if path else [])
        return mlc.Field(id=fid, name=name, data_types=[dtype], source=source, description=desc, **kw)

    def flat(fid: str, name: str, inner: dict, file_id: str, column: str, path: str) -> list:
        # mlcroissant reads one level of sub-fields inside an array: deeper structs are
        # described as their leaves, e.g. quotes[].cue.start as the sub-field cue_start.
        out = []
        for k, v in inner.items():
            if isinstance(v, dict):
                out.extend(flat(f"{fid}_{k}", f"{name}_{k}", v, file_id, column, f"{path}.{k}"))
            else:
                out.append(leaf(f"{fid}_{k}", f"{name}_{k}", v, file_id, column, f"{path}.{k}"))
        return out

    def field(fid: str, name: str, feat, file_id: str, column: str):
        is_array = isinstance(feat, List)
        inner = feat.feature if is_array else feat
        kw = {"is_array": True, "array_shape": "-1"} if is_array else {}
        if not isinstance(inner, dict):
            return leaf(fid, name, inner, file_id, column, None, **kw)
        subs = []
        for k, v in inner.items():
            if isinstance(v, dict) and is_array:
                subs.extend(flat(f"{fid}/{k}", k, v, file_id, column, k))
            elif isinstance(v, dict):
                subs.append(mlc.Field(id=f"{fid}/{k}", name=k, sub_fields=[
                    leaf(f"{fid}/{k}/{k2}", k2, v2, file_id, column, f"{k}.{k2}") for k2, v2 in v.items()]))
            else:
                subs.append(leaf(f"{fid}/{k}", k, v, file_id, column, k))
        return mlc.Field(id=fid, name=name, sub_fields=subs, **kw)

    files, record_sets = [], []
    for cfg in CONFIGS:
        rel = data_path(cfg)
        file_id = f"{cfg}-parquet"
        digest = hashlib.sha256((folder / rel).read_bytes()).hexdigest()
        files.append(mlc.FileObject(id=file_id, name=file_id, content_url=rel, sha256=digest,
                                    encoding_formats=["application/x-parquet"]))
        record_sets.append(mlc.RecordSet(
            id=cfg, name=cfg, description=_config_row_doc[cfg],
            fields=[field(f"{cfg}/{k}", k, v, file_id, k) for k, v in features(cfg).items()]))
    md = mlc.Metadata(
        name="khabar",
        description=(f"{PRETTY_NAME}. Gold {gold.version}, sha256 {gold.sha256}. Annotations CC BY 4.0; the "
                     "machine-translated article text is third-party content whose rights are unknown."),
        url="https://github.com/khabar-benchmark/khabar",
        license=["https://creativecommons.org/licenses/by/4.0/"],
        version=_semver(gold.version),
        cite_as="khabar: an evaluation benchmark for Arabic news information extraction",
        in_language=["ar"],
        conforms_to="http://mlcommons.org/croissant/1.1",
        distribution=files,
        record_sets=record_sets,
    )
    errors = md.issues.errors
    if errors:
        raise KhabarError("Croissant metadata does not validate: " + sorted(errors)[0])
    return md.to_json()


def _semver(version: str) -> str:
    """Croissant wants MAJOR.MINOR.PATCH; a non-semver gold version becomes 0.0.0 (kept in the text)."""
    import re

    return version if re.fullmatch(r"\d+\.\d+\.\d+", version) else "0.0.0"


# --- push -------------------------------------------------------------------------------------


def check_repo_id(repo_id: str) -> str:
    """A hub repo id of the form OWNER/NAME, or a `KhabarError`."""
    import re

    if not re.fullmatch(r"[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*", repo_id or ""):
        raise KhabarError(f"repo id {repo_id!r} is not of the form OWNER/NAME", field="repo_id", exit_code=2)
    return repo_id


def push(folder: str | Path, repo_id: str, dry_run: bool = False, token: str | None = None,
         private: bool = False) -> list[tuple[str, int]]:
    """Upload an exported folder to the dataset repo `repo_id` with huggingface_hub.

    Returns the (relative path, size in bytes) of every file it uploads, or would upload with
    `dry_run` (which needs no network and no token).
    """
    check_repo_id(repo_id)
    root = Path(folder)
    readme = root / "README.md"
    if not readme.is_file():
        raise KhabarError("no README.md: not a folder written by `khabar export --format hub`", file=str(root))
    missing = [data_path(c) for c in CONFIGS if not (root / data_path(c)).is_file()]
    if missing:
        raise KhabarError(f"missing {', '.join(missing)}; re-run `khabar export --format hub`", file=str(root))
    files = sorted(
        (p.relative_to(root).as_posix(), p.stat().st_size)
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    if dry_run:
        return files
    from huggingface_hub import HfApi

    api = HfApi(token=token)
    api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
    api.upload_folder(
        folder_path=str(root),
        repo_id=repo_id,
        repo_type="dataset",
        commit_message="Upload khabar gold",
        ignore_patterns=[".*", "**/.*"],
    )
    return files
