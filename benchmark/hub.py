"""The gold as Hugging Face `datasets`: typed configs, a hub-ready folder with its card, and push.

Each config (`ner`, `quotes`, `numbers`, `documents`) is one `HubConfig` in `CONFIGS`. datasets >= 4 has no
loading scripts, so the folder is parquet plus a README (prose from `hub_card.md`) whose YAML names the configs.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Callable

from .errors import KhabarError
from .gold import DATA_DIR, FORMAT, SPLITS, build_gold, load_split, split_name, to_dict
from .model import Document, Gold
from .schema import FINE_TYPES, FORMS, NUMBER_KINDS, QUALIFIERS, QUOTE_TYPES, types_of

TEST = "test"
DEFAULT_CONFIG = "ner"
LICENSE = "other"
LICENSE_NAME = "cc-by-4.0-annotations-third-party-text"
"""The card's licence: `other`, as conll2003's: the annotations are CC BY 4.0, the test text is not."""
PRETTY_NAME = "khabar: Arabic news NER, quote attribution and number extraction"
AGREEMENT_FILE = DATA_DIR / "agreement.json"
DEV_AGREEMENT_FILE = DATA_DIR / "dev_agreement.json"
CARD_TEMPLATE = Path(__file__).with_name("hub_card.md")


def tag_names(scheme: str = "fine") -> list[str]:
    """The IOB2 label inventory of `scheme`: O, then B-/I- per type in schema order."""
    return ["O"] + [f"{p}-{t}" for t in types_of(scheme) for p in ("B", "I")]


def _span_feature():
    """The `{start, end, text}` struct every span column shares."""
    from datasets import Value

    return {"start": Value("int32"), "end": Value("int32"), "text": Value("string")}


def _paragraph_of(doc, offset: int) -> int:
    """The index of the paragraph of `doc` holding `offset` (the last one if none does)."""
    for i, p in enumerate(doc.paragraphs()):
        if p.start <= offset <= p.end:
            return i
    return len(doc.paragraphs()) - 1


# --- the four configs: features and rows ------------------------------------------------------


def _ner_features():
    """One paragraph: tokens, fine and coarse IOB2 tags as `ClassLabel`s, and its entity spans."""
    from datasets import ClassLabel, Features, List, Value

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
                    **_span_feature(),
                    "type": ClassLabel(names=list(FINE_TYPES)),
                    "entity": Value("string"),
                    "form": ClassLabel(names=list(FORMS)),
                }
            ),
        }
    )


def _ner_rows(gold: Gold, doc: Document, schemes: tuple[str, str] = ("fine", "coarse")) -> list[dict]:
    """One row per paragraph of `doc`, tagged in the fine and coarse `schemes`."""
    from .iob import iob2

    fine, coarse = (iob2(doc, s) for s in schemes)
    mentions = sorted(doc.ner_mentions, key=lambda m: (m.start, m.end))
    return [
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
                for m in mentions
                if para.start <= m.start and m.end <= para.end
            ],
        }
        for i, (para, (toks, tags), (_, ctags)) in enumerate(zip(doc.paragraphs(), fine, coarse))
    ]


def _quote_features():
    """One speech cue with its content, source, speaker and addressee spans."""
    from datasets import ClassLabel, Features, Value

    span = _span_feature()
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


def _quote_rows(gold: Gold, doc: Document) -> list[dict]:
    """One row per quote of `doc`, with the speaker's English name beside its entity id."""
    names = {e.id: e.name_en for e in doc.entities}
    return [
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
        for q in doc.quotes
    ]


def _number_features():
    """One numeral: its span, value, kind, unit and qualifier."""
    from datasets import ClassLabel, Features, Value

    return Features(
        {
            "id": Value("string"),
            "document_id": Value("string"),
            "paragraph": Value("int32"),
            **_span_feature(),
            "value": Value("float64"),
            "kind": ClassLabel(names=list(NUMBER_KINDS)),
            "unit": Value("string"),
            "qualifier": ClassLabel(names=list(QUALIFIERS)),
            "in_name": Value("bool"),
        }
    )


def _number_rows(gold: Gold, doc: Document) -> list[dict]:
    """One row per numeral of `doc` (values as floats, the parquet column type)."""
    return [
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
        for n in doc.numbers
    ]


def _document_features():
    """One article with every standoff record, labels as plain strings like the gold JSON."""
    from datasets import Features, List, Value

    span = _span_feature()
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


def _document_rows(gold: Gold, doc: Document) -> list[dict]:
    """The gold JSON record of `doc` with the gold version and hash, for `gold_from_documents`."""
    raw = to_dict(Gold(gold.version, [doc]))["documents"][0]
    return [{**raw, "gold_version": gold.version, "gold_sha256": gold.sha256}]


@dataclass(frozen=True)
class HubConfig:
    """One config of the hub folder: its name, card line, typed features and row builder in one place."""

    name: str
    description: str  # what one row is: the card's config table and the Croissant record set
    build_features: Callable[[], object]
    build_rows: Callable[[Gold, Document], list[dict]]

    def data_path(self, split: str = TEST) -> str:
        """The parquet file of this config's `split` inside the folder (the hub's shard naming)."""
        return data_path(self.name, split)

    @property
    def default(self) -> bool:
        """Whether `load_dataset(folder)` without a name gives this config."""
        return self.name == DEFAULT_CONFIG

    def features(self):
        """The typed `datasets.Features` of this config."""
        return self.build_features()

    def rows(self, gold: Gold) -> list[dict]:
        """The examples as plain Python dicts (labels as strings), document by document."""
        return [r for doc in gold.documents for r in self.build_rows(gold, doc)]

    def dataset(self, gold: Gold, split: str = TEST):
        """One split as a typed `datasets.Dataset`."""
        from datasets import Dataset

        return Dataset.from_list(self.rows(gold), features=self.features(), split=split)

    def card_entry(self, splits=(TEST,)) -> dict:
        """This config's entry in the card YAML's `configs:` list."""
        return {"config_name": self.name,
                "data_files": [{"split": sp, "path": f"{self.name}/{sp}-*"} for sp in splits],
                **({"default": True} if self.default else {})}


CONFIGS: tuple[HubConfig, ...] = (
    HubConfig("ner", "a paragraph: tokens, fine and coarse IOB2 tags, entity spans", _ner_features,
              _ner_rows),
    HubConfig("quotes", "a speech cue with its content, source, speaker and addressee", _quote_features,
              _quote_rows),
    HubConfig("numbers", "a numeral with its value, kind, unit, qualifier", _number_features, _number_rows),
    HubConfig("documents", "an article: the text with every standoff annotation", _document_features,
              _document_rows),
)
CONFIG_NAMES: tuple[str, ...] = tuple(c.name for c in CONFIGS)


def get_config(name: str) -> HubConfig:
    """The `HubConfig` called `name`, or a `KhabarError` naming the valid ones."""
    for cfg in CONFIGS:
        if cfg.name == name:
            return cfg
    raise KhabarError(f"unknown config {name!r}; expected one of {', '.join(CONFIG_NAMES)}", field="name")


def as_splits(gold: Gold | dict | None = None) -> dict[str, Gold]:
    """`{split: Gold}` in the shipped order: None gives the shipped splits (`validation`, the dev
    articles, and `test`, the seed); one `Gold` is a `test` split alone (a user's own gold)."""
    if gold is None:
        return {name: load_split(name) for name in SPLITS}
    if isinstance(gold, Gold):
        return {TEST: gold}
    named = {split_name(k): v for k, v in gold.items()}
    return {k: named[k] for k in SPLITS if k in named}


def load(name: str = DEFAULT_CONFIG, split: str | None = None, gold: Gold | dict | None = None):
    """One config as a `DatasetDict` of the shipped splits (or of `gold`, see `as_splits`), or
    one split's `Dataset` (`split="validation"` or `"test"`).

    Built in memory, like `datasets.load_dataset` on the exported folder and with the same features.
    """
    from datasets import DatasetDict

    cfg = get_config(name)
    if split is not None:
        split = split_name(split)
    golds = as_splits(gold) if split is None or gold is not None else {split: load_split(split)}
    if split is not None and split not in golds:
        raise KhabarError(f"no {split!r} split here; expected one of {', '.join(golds)}", field="split")
    dd = DatasetDict({sp: cfg.dataset(g, sp) for sp, g in golds.items() if split in (None, sp)})
    return dd if split is None else dd[split]


def _integral(v: float) -> int | float:
    """JSON numbers come back from parquet as floats; integral ones become ints again."""
    return int(v) if isinstance(v, float) and v.is_integer() else v


def gold_from_documents(dataset, split: str = TEST) -> Gold:
    """Rebuild the `Gold` of `split` from the `documents` config (a `Dataset`, `DatasetDict` or row list).

    Integral values come back as ints, the way the gold JSON writes them, so the content hash matches.
    """
    if hasattr(dataset, "keys") and split in dataset:
        dataset = dataset[split]
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
    raw = {"format": FORMAT, "version": versions.pop(), "documents": docs}
    return build_gold(raw, "<documents config>")


# --- the hub folder ---------------------------------------------------------------------------


def data_path(config: str, split: str = TEST) -> str:
    """The parquet file of `config`'s `split` inside the folder (the hub's shard naming)."""
    return f"{config}/{split}-00000-of-00001.parquet"


def export_hub(out_dir: str | Path, gold: Gold | dict | None = None, overwrite: bool = False) -> list[Path]:
    """Write a push-ready folder (parquet per config and split, README.md card, croissant.json);
    returns the paths. `gold` as in `as_splits`: by default the shipped validation and test splits.

    Refuses a non-empty folder unless `overwrite`, which replaces only files this function
    wrote there before (its manifest) and removes its own stale shards; a file the user wrote
    (a README.md of their own, say) is never replaced.
    """
    from .writer import OutFolder

    golds = as_splits(gold)
    g = golds.get(TEST) or next(iter(golds.values()))
    out = _prepare_folder(Path(out_dir), overwrite)
    folder = OutFolder(out, replace=overwrite)
    folder.check([*(cfg.data_path(sp) for cfg in CONFIGS for sp in golds), "croissant.json", "README.md"])
    written: list[Path] = []
    infos = {}
    for cfg in CONFIGS:
        paths, infos[cfg.name] = _write_config(folder, cfg, golds)
        written.extend(paths)
    croissant = croissant_metadata(out, g, tuple(golds))
    if croissant is not None:
        written.append(folder.write_text("croissant.json",
                                         json.dumps(croissant, ensure_ascii=False, indent=2, default=str) + "\n"))
    else:
        folder.remove_stale("croissant.json", keep=())  # it would describe the old parquet files
    written.append(folder.write_text("README.md", str(dataset_card(golds, infos, croissant is not None)) + "\n"))
    return written


def _prepare_folder(out: Path, overwrite: bool) -> Path:
    """Create `out`, refusing a file or, unless `overwrite`, a non-empty folder."""
    if out.exists() and not out.is_dir():
        raise KhabarError("exists and is not a folder", file=str(out))
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise KhabarError("folder is not empty; refusing to overwrite it (use --force)", file=str(out))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise KhabarError(f"cannot create the folder: {e.strerror or e}", file=str(out)) from None
    return out


def _write_config(folder, cfg: HubConfig, golds: dict[str, Gold]):
    """Write the parquet shard of each split of `cfg` into the `OutFolder`, removing its stale
    ones; returns their paths and the config's `DatasetInfo`."""
    from datasets.info import DatasetInfo
    from datasets.splits import SplitDict, SplitInfo

    folder.remove_stale(f"{cfg.name}/*.parquet", keep=[cfg.data_path(sp) for sp in golds])
    paths, splits, features = [], {}, None
    for sp, gold in golds.items():
        ds = cfg.dataset(gold, sp)
        paths.append(folder.write_bytes(cfg.data_path(sp), _parquet_bytes(ds)))
        splits[sp] = SplitInfo(name=sp, num_bytes=ds._estimate_nbytes(), num_examples=len(ds))
        features = ds.features
    info = DatasetInfo(
        features=features,
        splits=SplitDict(splits),
        download_size=sum(p.stat().st_size for p in paths),
        dataset_size=sum(s.num_bytes for s in splits.values()),
    )
    return paths, info


def card_data(infos: dict, splits=(TEST,)):
    """The card's YAML metadata: hub tags, the `configs:` list and each config's `dataset_info`."""
    from datasets.info import DatasetInfosDict
    from huggingface_hub import DatasetCardData

    card = DatasetCardData(
        language=["ar"],
        license=LICENSE,
        license_name=LICENSE_NAME,
        license_link="https://github.com/khabar-benchmark/khabar/blob/main/LICENSES.md",
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
        configs=[cfg.card_entry(splits) for cfg in CONFIGS],
    )
    DatasetInfosDict(infos).to_dataset_card_data(card)
    return card


def _parquet_bytes(ds) -> bytes:
    """`Dataset.to_parquet` (which embeds the features in the schema) without a progress bar."""
    from datasets.utils import are_progress_bars_disabled, disable_progress_bars, enable_progress_bars

    was_disabled = are_progress_bars_disabled()
    disable_progress_bars()
    buffer = io.BytesIO()
    try:
        ds.to_parquet(buffer)
    finally:
        if not was_disabled:
            enable_progress_bars()
    return buffer.getvalue()


def read_agreement(path: Path | None = None) -> dict | None:
    """The inter-annotator agreement figures (`data/agreement.json`), if they have been written."""
    path = Path(path) if path is not None else AGREEMENT_FILE
    if not path.exists():
        return None
    from .files import read_json

    return read_json(path)


def agreement_table(agreement: dict | None, source: str = "data/agreement.json") -> str:
    """The card's agreement section: one row per task and measure of an agreement file (`source`),
    pooled over its documents when it has a `corpus` section."""
    if not agreement:
        return ("Pending: the inter-annotator agreement of the two passes has not been published yet "
                f"(`{source}` is absent from the repository this folder was exported from).\n")
    docs = {"all documents": agreement["corpus"]} if isinstance(agreement.get("corpus"), dict) \
        else agreement.get("documents")
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
            + f"Read from `{source}` at export time. "
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


def dataset_card(golds: dict[str, Gold], infos: dict | None = None, croissant: bool = False):
    """The `huggingface_hub.DatasetCard`: the hub's own dataset-card template, its YAML from
    `card_data` and each section from `hub_card.md` filled with values computed from the gold."""
    import re

    from huggingface_hub import DatasetCard

    card = DatasetCard.from_template(card_data(infos or {}, tuple(golds)), **card_sections(golds, infos, croissant))
    # every section is filled, so the template's "[optional]" marks are noise
    card.text = re.sub(r"^(#+ .*?|- \*\*[^*]+?) \[optional\]", r"\1", card.text, flags=re.M)
    return card


def card_sections(golds: dict[str, Gold], infos: dict | None = None, croissant: bool = False) -> dict[str, str]:
    """Every section of `hub_card.md` (the `@@ name` blocks), its `$placeholders` filled."""
    values = _card_values(golds, infos, croissant)
    sections, name, lines = {}, None, []
    for line in CARD_TEMPLATE.read_text(encoding="utf-8").split("\n"):
        if line.startswith("@@ "):
            if name:
                sections[name] = "\n".join(lines).strip("\n")
            name, lines = line[3:].strip(), []
        elif name:
            lines.append(line)
    if name:
        sections[name] = "\n".join(lines).strip("\n")
    return {k: Template(v).substitute(values) for k, v in sections.items()}


def _dev_summary(dev: Gold | None) -> str:
    """The card's paragraph on the validation split, with its counts."""
    if dev is None:
        return "This export has no `validation` split (a gold of its own was exported).\n"
    from .stats import gold_counts

    c = gold_counts(dev)
    words = sum(len(d.text.split()) for d in dev.documents)
    return (f"`validation` (dev): {len(dev.documents)} synthetic articles ({words:,} words), written for "
            "khabar in Modern Standard Arabic news style and annotated under the same spec, two passes "
            "and adjudication. They are for developing and tuning systems only: the texts are invented, "
            "their people and quotes are fictional, and some imitate machine-translation noise on purpose. "
            f"Gold counts: {_counts_line(c['ner'])} named-entity mentions; {_counts_line(c['quotes'])} "
            f"quotes; {_counts_line(c['numbers'])} numbers.\n")


def _card_values(golds: dict[str, Gold], infos: dict | None, croissant: bool) -> dict[str, object]:
    """Every placeholder of `hub_card.md`, computed from the splits and the written configs' `infos`."""
    from .stats import gold_counts
    from .version import __version__

    gold = golds.get(TEST) or next(iter(golds.values()))
    dev = golds.get("validation")
    counts = gold_counts(gold)
    corrupted = sorted(
        {(m.text, d.entity_by_id[m.entity].name_en) for d in gold.documents for m in d.ner_mentions
         if m.form == "corrupted"},
        key=lambda p: (p[1], p[0]),
    )
    variants = sorted({m.text for d in gold.documents for m in d.ner_mentions if m.form == "variant"})
    return {
        "gold_version": gold.version,
        "gold_sha256": gold.sha256,
        "short_hash": gold.short_hash,
        "dev_version_row": f"| `validation` | `{dev.version}` | `{dev.sha256}` |\n" if dev else "",
        "khabar_version": __version__,
        "n_documents": len(gold.documents),
        "n_paragraphs": sum(len(d.paragraphs()) for d in gold.documents),
        "n_chars": f"{sum(len(d.text) for d in gold.documents):,}",
        "ner_counts": _counts_line(counts["ner"]),
        "config_table": config_table(infos),
        "field_tables": field_tables(),
        "example_rows": example_rows(gold),
        "dev_summary": _dev_summary(dev),
        "fine_types": ", ".join(FINE_TYPES),
        "coarse_types": ", ".join(types_of("coarse")),
        "number_kinds": ", ".join(NUMBER_KINDS),
        "qualifiers": ", ".join(QUALIFIERS),
        "croissant_note": ("`croissant.json` describes the same files and fields as Croissant 1.1 metadata "
                           "(written and checked with mlcroissant).\n" if croissant else ""),
        "agreement": agreement_table(read_agreement()),
        "dev_agreement": ("" if dev is None else "On the `validation` split (twelve documents, pooled):\n\n"
                          + agreement_table(read_agreement(DEV_AGREEMENT_FILE), "data/dev_agreement.json")),
        "corrupted_names": ("\n".join(f"  - `{t}` for {name}" for t, name in corrupted)
                            or "  - none in this gold"),
        "variants": ", ".join(f"`{v}`" for v in variants) or "none",
        "unbalanced": sum(1 for d in gold.documents for p in d.paragraphs() if p.text.count('"') % 2),
    }


FIELD_DOCS: dict[str, dict[str, str]] = {
    "ner": {
        "id": "paragraph id: document id and paragraph index", "document_id": "the article",
        "paragraph": "0-based paragraph index", "offset": "character offset of the paragraph in the article",
        "text": "the paragraph", "tokens": "the spec's tokens", "token_starts": "article offset of each token",
        "token_ends": "article offset just past each token", "ner_tags": "fine IOB2 tag of each token",
        "coarse_ner_tags": "coarse IOB2 tag of each token (FAC and NORP are O)",
        "entities": "the gold mentions in the paragraph: id, article offsets, text, type, entity cluster, form",
    },
    "quotes": {
        "id": "quote id within its article", "document_id": "the article", "paragraph": "paragraph of the content",
        "cue": "the speech cue's span", "content": "what the cue governs", "source": "the mention naming the speaker",
        "speaker": "the speaker's entity cluster id", "speaker_name_en": "the cluster's canonical English name",
        "addressee": "the recipient's span, or null", "type": "direct, indirect or mixed",
    },
    "numbers": {
        "id": "number id within its article", "document_id": "the article", "paragraph": "paragraph of the numeral",
        "start": "article offset of the numeral", "end": "article offset just past it", "text": "the numeral",
        "value": "its value", "kind": "cardinal, ordinal, year, fraction, percent or money",
        "unit": "the counted noun as an English singular, or null", "qualifier": "exact, more_than, less_than "
        "or approximately", "in_name": "whether the numeral is part of a name",
    },
    "documents": {
        "id": "article id", "text": "the article, byte for byte", "entities": "entity clusters: id, type, "
        "canonical English and Arabic names", "mentions": "name and nominal mentions with their cluster and form",
        "quotes": "quote records as in the gold", "numbers": "number records as in the gold",
        "gold_version": "version of the split's gold", "gold_sha256": "content hash of the split's gold",
    },
}
"""What each field of each config means: the card's field tables (a test keeps them complete)."""


def _type_name(feat) -> str:
    """A feature's type in a few words, for the card's field tables."""
    from datasets import ClassLabel, Value

    if isinstance(feat, ClassLabel):
        return f"class label ({len(feat.names)} names)"
    if isinstance(feat, Value):
        return feat.dtype
    if isinstance(feat, dict):
        return "struct {" + ", ".join(feat) + "}"
    inner = getattr(feat, "feature", None)
    return f"list of {_type_name(inner)}" if inner is not None else type(feat).__name__


def field_tables() -> str:
    """One table per config: every field, its type and what it means."""
    out = []
    for cfg in CONFIGS:
        rows = "\n".join(f"| `{k}` | {_type_name(v)} | {FIELD_DOCS[cfg.name][k]} |" for k, v in cfg.features().items())
        out.append(f"`{cfg.name}`:\n\n| field | type | meaning |\n| --- | --- | --- |\n{rows}\n")
    return "\n".join(out)


def _short(v, n: int = 60):
    """A value for the card's example rows: long strings and lists shortened."""
    if isinstance(v, str):
        return v if len(v) <= n else v[: n - 1] + "…"
    if isinstance(v, list):
        return [_short(x) for x in v[:4]] + (["…"] if len(v) > 4 else [])
    if isinstance(v, dict):
        return {k: _short(x) for k, x in v.items()}
    return v


def example_rows(gold: Gold) -> str:
    """The first row of each task config, as JSON."""
    out = []
    for cfg in CONFIGS:
        if cfg.name == "documents":
            continue
        row = _short(cfg.rows(gold)[0])
        out.append(f"`{cfg.name}`:\n\n```json\n{json.dumps(row, ensure_ascii=False)}\n```\n")
    return "\n".join(out)


def _counts_line(c: dict) -> str:
    """One count cell of the card: the total, then each breakdown in parentheses."""
    parts = ", ".join(f"{k} {v}" for k, v in c.items() if k != "total")
    return f"{c['total']} ({parts})" if parts else str(c["total"])


def config_table(infos: dict | None) -> str:
    """The card's table of configs with their row counts per split, or "" before any config is written."""
    if not infos:
        return ""
    splits = list(infos[CONFIGS[0].name].splits)
    lines = "\n".join(
        f"| `{cfg.name}` | " + " | ".join(str(infos[cfg.name].splits[sp].num_examples) for sp in splits)
        + f" | {cfg.description} |" for cfg in CONFIGS)
    head = " | ".join(f"rows in `{sp}`" for sp in splits)
    return f"| config | {head} | one row is |\n| --- | {' | '.join('---' for _ in splits)} | --- |\n" + lines + "\n"


# --- Croissant --------------------------------------------------------------------------------


def croissant_metadata(folder: Path, gold: Gold, splits=(TEST,)) -> dict | None:
    """Croissant 1.1 JSON-LD of every config's parquet file and fields, built and checked with `mlcroissant`.

    Returns None when mlcroissant is not installed.
    """
    try:
        import mlcroissant as mlc
    except ImportError:
        return None
    import hashlib

    files, record_sets = [], []
    for cfg in CONFIGS:
        file_id = f"{cfg.name}-parquet"
        for sp in splits:
            digest = hashlib.sha256((folder / cfg.data_path(sp)).read_bytes()).hexdigest()
            files.append(mlc.FileObject(id=f"{cfg.name}-{sp}", name=f"{cfg.name}-{sp}", content_url=cfg.data_path(sp),
                                        sha256=digest, encoding_formats=["application/x-parquet"]))
        files.append(mlc.FileSet(id=file_id, name=file_id, contained_in=[f"{cfg.name}-{sp}" for sp in splits],
                                 includes=[f"{cfg.name}/*.parquet"], encoding_formats=["application/x-parquet"]))
        record_sets.append(mlc.RecordSet(
            id=cfg.name, name=cfg.name, description=cfg.description,
            fields=[_croissant_field(mlc, f"{cfg.name}/{k}", k, v, file_id, k)
                    for k, v in cfg.features().items()]))
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


def _croissant_leaf(mlc, fid: str, name: str, inner, file_id: str, column: str, path: str | None, **kw):
    """A Croissant field for one `Value` or `ClassLabel` (as integers, its names in the description)."""
    from datasets import ClassLabel, Value

    types = {"string": mlc.DataType.TEXT, "bool": mlc.DataType.BOOL, "float64": mlc.DataType.FLOAT,
             "int32": mlc.DataType.INTEGER, "int64": mlc.DataType.INTEGER}
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


def _croissant_flat(mlc, fid: str, name: str, inner: dict, file_id: str, column: str, path: str) -> list:
    """A struct inside an array as its leaves (quotes[].cue.start as cue_start): mlcroissant reads one level."""
    out = []
    for k, v in inner.items():
        if isinstance(v, dict):
            out.extend(_croissant_flat(mlc, f"{fid}_{k}", f"{name}_{k}", v, file_id, column, f"{path}.{k}"))
        else:
            out.append(_croissant_leaf(mlc, f"{fid}_{k}", f"{name}_{k}", v, file_id, column, f"{path}.{k}"))
    return out


def _croissant_field(mlc, fid: str, name: str, feat, file_id: str, column: str):
    """The Croissant field of one column; `List({...})` columns become arrays with JSON-path sub-fields."""
    from datasets import List

    is_array = isinstance(feat, List)
    inner = feat.feature if is_array else feat
    kw = {"is_array": True, "array_shape": "-1"} if is_array else {}
    if not isinstance(inner, dict):
        return _croissant_leaf(mlc, fid, name, inner, file_id, column, None, **kw)
    subs = []
    for k, v in inner.items():
        if isinstance(v, dict) and is_array:
            subs.extend(_croissant_flat(mlc, f"{fid}/{k}", k, v, file_id, column, k))
        elif isinstance(v, dict):
            subs.append(mlc.Field(id=f"{fid}/{k}", name=k, sub_fields=[
                _croissant_leaf(mlc, f"{fid}/{k}/{k2}", k2, v2, file_id, column, f"{k}.{k2}")
                for k2, v2 in v.items()]))
        else:
            subs.append(_croissant_leaf(mlc, f"{fid}/{k}", k, v, file_id, column, k))
    return mlc.Field(id=fid, name=name, sub_fields=subs, **kw)


def _semver(version: str) -> str:
    """Croissant wants MAJOR.MINOR.PATCH; a non-semver gold version becomes 0.0.0 (kept in the text)."""
    import re

    return version if re.fullmatch(r"\d+\.\d+\.\d+", version) else "0.0.0"


# --- push -------------------------------------------------------------------------------------


def check_repo_id(repo_id: str) -> str:
    """A hub repo id of the form OWNER/NAME, or a `KhabarError`."""
    import re

    if not re.fullmatch(r"[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*", repo_id or ""):
        raise KhabarError(f"repo id {repo_id!r} is not of the form OWNER/NAME", field="repo_id")
    return repo_id


def push(folder: str | Path, repo_id: str, dry_run: bool = False, token: str | None = None,
         private: bool = False) -> list[tuple[str, int]]:
    """Upload an exported folder to the dataset repo `repo_id` with huggingface_hub.

    Returns the (relative path, size) of every file it uploads, or would with `dry_run` (no network or token).
    """
    check_repo_id(repo_id)
    root = Path(folder)
    readme = root / "README.md"
    if not readme.is_file():
        raise KhabarError("no README.md: not a folder written by `khabar export --format hub`", file=str(root))
    missing = [c.data_path() for c in CONFIGS if not (root / c.data_path()).is_file()]
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
