"""The hub folder: every config loads offline with `datasets.load_dataset` and gives back the gold."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from khabar import hub
from khabar.errors import KhabarError
from khabar.gold import from_dict, to_dict, content_hash
from khabar.schema import map_type
from khabar.tokens import sentences


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """The hub is unreachable here; make sure nothing tries it."""
    import datasets.config
    import huggingface_hub.constants

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True, raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True, raising=False)


SPLITS = ["validation", "test"]


@pytest.fixture(scope="module")
def splits():
    """The shipped splits: validation (the dev articles) and test (the seed)."""
    return hub.as_splits()


@pytest.fixture(scope="module")
def folder(tmp_path_factory, splits):
    out = tmp_path_factory.mktemp("hub") / "khabar"
    hub.export_hub(out)
    return out


def load_folder(folder: Path, cfg: str, cache: Path):
    from datasets import load_dataset

    return load_dataset(str(folder), name=cfg, cache_dir=str(cache))


def front_matter(folder: Path) -> dict:
    text = (folder / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def decode(tags: list[str], starts: list[int], ends: list[int]) -> list[tuple[int, int, str]]:
    spans = []
    for i, tag in enumerate(tags):
        if tag.startswith("B-"):
            spans.append([starts[i], ends[i], tag[2:]])
        elif tag.startswith("I-"):
            assert spans and spans[-1][2] == tag[2:], "I- without its B-"
            spans[-1][1] = ends[i]
    return [tuple(s) for s in spans]


def test_configs_are_objects():
    assert hub.CONFIG_NAMES == ("ner", "quotes", "numbers", "documents")
    assert all(isinstance(c, hub.HubConfig) for c in hub.CONFIGS)
    assert [c.name for c in hub.CONFIGS if c.default] == [hub.DEFAULT_CONFIG] == ["ner"]
    quotes = hub.get_config("quotes")
    assert quotes.data_path() == hub.data_path("quotes") == "quotes/test-00000-of-00001.parquet"
    assert quotes.data_path("validation") == "quotes/validation-00000-of-00001.parquet"
    assert quotes.card_entry() == {"config_name": "quotes",
                                   "data_files": [{"split": "test", "path": "quotes/test-*"}]}
    assert quotes.card_entry(SPLITS)["data_files"] == [{"split": "validation", "path": "quotes/validation-*"},
                                                       {"split": "test", "path": "quotes/test-*"}]
    assert hub.get_config("ner").card_entry()["default"] is True
    with pytest.raises(KhabarError, match="unknown config 'sentiment'; expected one of ner, quotes"):
        hub.get_config("sentiment")


def test_card_is_the_hubs_template_filled(splits):
    """Every section of huggingface_hub's dataset-card template is filled from hub_card.md, every
    `$placeholder` gets a value, and the template itself holds no computed text."""
    from huggingface_hub import DatasetCard

    template = hub.CARD_TEMPLATE.read_text(encoding="utf-8")
    assert "$gold_sha256" in template and splits["test"].sha256 not in template
    sections = hub.card_sections(splits)
    default = DatasetCard.default_template_path.read_text(encoding="utf-8")
    hub_keys = set(re.findall(r"\{\{ (\w+) \|", default))
    assert set(sections) <= hub_keys | {"pretty_name"}, set(sections) - hub_keys
    card = str(hub.dataset_card(splits))
    assert "[More Information Needed]" not in card and "$" not in card.split("```")[0]
    assert card.count("# Dataset Card for " + hub.PRETTY_NAME) == 1
    assert "@misc{khabar," in card and "{{khabar contributors}}" in card
    assert "pip install khabar" not in card  # not on PyPI: the card installs from source


def test_card_describes_every_field_and_shows_an_example(splits):
    for cfg in hub.CONFIGS:
        assert set(hub.FIELD_DOCS[cfg.name]) == set(cfg.features()), cfg.name
    card = str(hub.dataset_card(splits))
    for cfg in hub.CONFIGS:
        for field in cfg.features():
            assert f"| `{field}` |" in card
    assert card.count("```json") == 3 and "run_ner.py" in card


def test_layout(folder):
    for cfg in hub.CONFIG_NAMES:
        for sp in SPLITS:
            assert (folder / cfg / f"{sp}-00000-of-00001.parquet").is_file()
    meta = front_matter(folder)
    assert meta["language"] == ["ar"] and meta["license"] == "other"
    assert meta["task_ids"] == ["named-entity-recognition"] and meta["size_categories"] == ["n<1K"]
    assert meta["annotations_creators"] == ["machine-generated"]  # two AI-model passes, said in the card
    from huggingface_hub import DatasetCard

    card = DatasetCard((folder / "README.md").read_text(encoding="utf-8"))
    assert card.data.pretty_name and card.data.license == "other"
    assert card.data.license_name and "LICENSES.md" in card.data.license_link
    for heading in ("## Uses", "## Dataset Structure", "#### Personal and Sensitive Information",
                    "## Bias, Risks, and Limitations", "#### Annotation process"):
        assert heading in card.text
    configs = {c["config_name"]: c for c in meta["configs"]}
    assert set(configs) == set(hub.CONFIG_NAMES)
    assert [c for c, v in configs.items() if v.get("default")] == ["ner"]
    assert configs["quotes"]["data_files"] == [{"split": "validation", "path": "quotes/validation-*"},
                                               {"split": "test", "path": "quotes/test-*"}]


def test_card_counts_match_the_data(folder, gold, splits):
    meta = front_matter(folder)
    infos = {i["config_name"]: i for i in meta["dataset_info"]}
    for i, (sp, g) in enumerate(splits.items()):
        expected = {
            "ner": sum(len(d.paragraphs()) for d in g.documents),
            "quotes": sum(len(d.quotes) for d in g.documents),
            "numbers": sum(len(d.numbers) for d in g.documents),
            "documents": len(g.documents),
        }
        for cfg, n in expected.items():
            got = infos[cfg]["splits"][i]
            assert got == {"name": sp, "num_bytes": got["num_bytes"], "num_examples": n}
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "`validation` (dev): 12 synthetic articles" in card and "fictional" in card
    assert gold.sha256 in card and f"`{gold.version}`" in card
    corrupted = {m.text for d in gold.documents for m in d.ner_mentions if m.form == "corrupted"}
    assert corrupted and all(f"`{t}`" in card for t in corrupted)
    assert "CC BY 4.0" in card and "rights are unknown" in card


@pytest.mark.parametrize("cfg", hub.CONFIG_NAMES)
def test_each_config_loads_offline_with_typed_features(folder, cfg, tmp_path):
    dd = load_folder(folder, cfg, tmp_path / "cache")
    assert list(dd) == SPLITS
    mem = hub.load(cfg)
    for sp in SPLITS:
        assert dd[sp].features == hub.get_config(cfg).features()
        assert dd[sp].to_list() == mem[sp].to_list()


def test_default_config_is_ner(folder, tmp_path):
    from datasets import load_dataset

    dd = load_dataset(str(folder), cache_dir=str(tmp_path / "cache"))
    assert dd["test"].features == hub.get_config("ner").features()


@pytest.mark.parametrize("split", SPLITS)
def test_ner_config_round_trips(folder, tmp_path, splits, split):
    ds = load_folder(folder, "ner", tmp_path / "cache")[split]
    gold = splits[split]
    fine = ds.features["ner_tags"].feature
    coarse = ds.features["coarse_ner_tags"].feature
    etype = ds.features["entities"].feature["type"]
    eform = ds.features["entities"].feature["form"]
    for doc in gold.documents:
        rows = sorted((r for r in ds if r["document_id"] == doc.id), key=lambda r: r["paragraph"])
        assert "\n".join(r["text"] for r in rows) == doc.text
        for r, toks in zip(rows, sentences(doc.text)):
            assert r["tokens"] == [t.text for t in toks]
            assert all(doc.text[s:e] == t for s, e, t in zip(r["token_starts"], r["token_ends"], r["tokens"]))
        for scheme, col, names in (("fine", "ner_tags", fine), ("coarse", "coarse_ner_tags", coarse)):
            got = sorted(s for r in rows for s in decode(names.int2str(r[col]), r["token_starts"], r["token_ends"]))
            want = sorted((m.start, m.end, map_type(m.type, scheme)) for m in doc.ner_mentions
                          if map_type(m.type, scheme))
            assert got == want
        got = [{**e, "type": etype.int2str(e["type"]), "form": eform.int2str(e["form"])}
               for r in rows for e in r["entities"]]
        want = [{"id": m.id, **m.span.to_dict(), "type": m.type, "entity": m.entity, "form": m.form}
                for m in sorted(doc.ner_mentions, key=lambda m: (m.start, m.end))]
        assert got == want


@pytest.mark.parametrize("split", SPLITS)
def test_quotes_and_numbers_configs_round_trip(folder, tmp_path, splits, split):
    gold = splits[split]
    quotes = load_folder(folder, "quotes", tmp_path / "q")[split]
    qtype = quotes.features["type"]
    got = [{"id": r["id"], "cue": r["cue"], "content": r["content"], "source": r["source"], "speaker": r["speaker"],
            "addressee": r["addressee"], "type": qtype.int2str(r["type"])} for r in quotes]
    assert got == [q for d in to_dict(gold)["documents"] for q in d["quotes"]]

    numbers = load_folder(folder, "numbers", tmp_path / "n")[split]
    kind, qual = numbers.features["kind"], numbers.features["qualifier"]
    got = [{"id": r["id"], "start": r["start"], "end": r["end"], "text": r["text"], "value": r["value"],
            "kind": kind.int2str(r["kind"]), "unit": r["unit"], "qualifier": qual.int2str(r["qualifier"]),
            "in_name": r["in_name"]} for r in numbers]
    assert got == [n for d in to_dict(gold)["documents"] for n in d["numbers"]]


@pytest.mark.parametrize("split", SPLITS)
def test_documents_config_rebuilds_the_gold_exactly(folder, tmp_path, splits, split):
    gold = splits[split]
    ds = load_folder(folder, "documents", tmp_path / "cache")
    rebuilt = hub.gold_from_documents(ds, split)
    assert json.dumps(to_dict(rebuilt), sort_keys=True) == json.dumps(to_dict(gold), sort_keys=True)
    assert rebuilt.sha256 == gold.sha256 == ds[split][0]["gold_sha256"]


def test_rewritten_folder_reloads_with_the_new_counts(gold, tmp_path):
    """A changed gold re-exported over the folder: the card's num_examples follow the data."""
    out = tmp_path / "hub"
    hub.export_hub(out, gold)
    raw = to_dict(gold)
    raw["documents"][0]["quotes"] = raw["documents"][0]["quotes"][:-1]
    smaller = from_dict(raw, sha256=content_hash(raw))
    with pytest.raises(KhabarError, match="not empty"):
        hub.export_hub(out, smaller)
    hub.export_hub(out, smaller, overwrite=True)
    ds = load_folder(out, "quotes", tmp_path / "fresh-cache")["test"]
    assert len(ds) == len(raw["documents"][0]["quotes"])
    assert smaller.sha256 in (out / "README.md").read_text(encoding="utf-8")


def test_stale_card_is_what_datasets_rejects(gold, tmp_path):
    """Why export rewrites the card: parquet with a stale num_examples does not load."""
    from datasets.exceptions import NonMatchingSplitsSizesError

    out = tmp_path / "hub"
    hub.export_hub(out, gold)
    card = (out / "README.md").read_text(encoding="utf-8")
    raw = to_dict(gold)
    raw["documents"][0]["quotes"] = raw["documents"][0]["quotes"][:-1]
    hub.export_hub(out, from_dict(raw, sha256=content_hash(raw)), overwrite=True)
    (out / "README.md").write_text(card, encoding="utf-8")
    with pytest.raises(NonMatchingSplitsSizesError):
        load_folder(out, "quotes", tmp_path / "cache")


def test_load_in_memory(gold):
    from datasets import Dataset, DatasetDict

    dd = hub.load("numbers", gold=gold)
    assert isinstance(dd, DatasetDict) and list(dd) == ["test"]
    assert isinstance(hub.load("quotes", split="test", gold=gold), Dataset)
    with pytest.raises(KhabarError, match="unknown config"):
        hub.load("sentiment", gold=gold)
    with pytest.raises(KhabarError, match="unknown split 'train'"):
        hub.load("ner", split="train", gold=gold)
    with pytest.raises(KhabarError, match="no 'validation' split here"):
        hub.load("ner", split="dev", gold=gold)
    assert list(hub.load("documents")) == SPLITS
    assert len(hub.load("documents", split="dev")) == 12 and len(hub.load("documents", split="test")) == 1


def test_agreement_is_read_when_present(gold, tmp_path, monkeypatch):
    monkeypatch.setattr(hub, "AGREEMENT_FILE", tmp_path / "missing.json")
    assert "Pending" in str(hub.dataset_card({"test": gold}))
    path = tmp_path / "agreement.json"
    path.write_text(json.dumps({"ner": {"f1": 0.913}, "passes": 2}), encoding="utf-8")
    monkeypatch.setattr(hub, "AGREEMENT_FILE", path)
    prose = str(hub.dataset_card({"test": gold}))
    assert "| ner.f1 | 0.913 |" in prose and "| passes | 2 |" in prose and "Pending" not in prose
    per_doc = {"documents": {"d1": {"ner": {"strict_span_type": {"a": 50, "b": 52, "both": 48, "f1": 0.9412},
                                            "token_kappa": 0.95}}}}
    table = hub.agreement_table(per_doc)
    assert "| ner | strict span type | F1 0.94 (48 shared; 50 / 52) |" in table
    assert "| ner | token kappa | 0.95 |" in table and "Perfect agreement" not in table


def test_croissant_describes_the_same_records(folder, gold, tmp_path):
    mlc = pytest.importorskip("mlcroissant")
    ds = mlc.Dataset(jsonld=str(folder / "croissant.json"))
    assert not ds.metadata.issues.errors

    def plain(v, depth=0):
        if isinstance(v, bytes):
            return v.decode("utf-8")
        if isinstance(v, dict):
            d = {k.rsplit("/", 1)[-1]: plain(x, depth + 1) for k, x in v.items()}
            # a null struct column (quotes.addressee) comes back as a struct of nulls
            return None if depth == 1 and all(x is None for x in d.values()) else d
        if isinstance(v, (list, tuple)) or type(v).__name__ == "ndarray":
            return [plain(x, depth + 1) for x in v]
        return v.item() if hasattr(v, "item") else v

    def flatten(item: dict, feats: dict) -> dict:
        """A list item's nested structs as leaves (quotes[].cue.start -> cue_start), the way
        hub.croissant_metadata describes them for mlcroissant."""
        out = {}
        for k, f in feats.items():
            if isinstance(f, dict):
                sub = item[k] or dict.fromkeys(f)
                out.update({f"{k}_{k2}": sub[k2] for k2 in f})
            else:
                out[k] = item[k]
        return out

    def key(row):
        return json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)

    for cfg in hub.CONFIG_NAMES:
        dd = load_folder(folder, cfg, tmp_path / cfg)
        feats = dd["test"].features
        want = [row for sp in SPLITS for row in dd[sp].to_list()]
        if cfg == "documents":
            want = [{k: [flatten(it, feats[k].feature) for it in v] if isinstance(v, list) else v
                     for k, v in row.items()} for row in want]
        got = [plain(r) for r in ds.records(cfg)]
        assert sorted(map(key, got)) == sorted(map(key, want)), cfg


def test_push_dry_run_lists_files(folder):
    files = hub.push(folder, "someone/khabar", dry_run=True)
    names = [n for n, _ in files]
    assert "README.md" in names and "ner/test-00000-of-00001.parquet" in names
    assert all(size == (folder / n).stat().st_size for n, size in files)


def test_push_uploads_the_folder_with_huggingface_hub(folder, monkeypatch):
    """No hub here: a stand-in HfApi records what push asks huggingface_hub to do."""
    import huggingface_hub

    calls = []

    class FakeApi:
        def __init__(self, token=None):
            calls.append(("init", token))

        def create_repo(self, repo_id, **kw):
            calls.append(("create_repo", repo_id, kw["repo_type"]))

        def upload_folder(self, **kw):
            calls.append(("upload_folder", kw["repo_id"], kw["repo_type"], kw["folder_path"]))

    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    hub.push(folder, "someone/khabar", token="t0k")
    assert calls == [("init", "t0k"), ("create_repo", "someone/khabar", "dataset"),
                     ("upload_folder", "someone/khabar", "dataset", str(folder))]


def test_push_rejects_bad_input(folder, tmp_path):
    with pytest.raises(KhabarError, match="OWNER/NAME"):
        hub.push(folder, "no-owner", dry_run=True)
    with pytest.raises(KhabarError, match="no README.md"):
        hub.push(tmp_path, "a/b", dry_run=True)


def khabar(*args, cwd):
    return subprocess.run([sys.executable, "-m", "khabar", *args], cwd=cwd, capture_output=True, text=True)


def test_cli_export_and_push_dry_run(tmp_path):
    r = khabar("export", "--format", "hub", "out", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    for sp in SPLITS:  # without --gold: both shipped splits
        assert (tmp_path / "out" / "ner" / f"{sp}-00000-of-00001.parquet").is_file()
    assert "validation and test splits" in r.stdout
    again = khabar("export", "--format", "hub", "out", cwd=tmp_path)
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "use --force" in again.stderr
    assert "Traceback" not in again.stderr
    r = khabar("push", "someone/khabar", "--folder", "out", "--dry-run", cwd=tmp_path)
    assert r.returncode == 0 and "would upload" in r.stdout and "README.md" in r.stdout
    bad = khabar("export", "--format", "xml", "x", cwd=tmp_path)
    assert bad.returncode == 2 and "'xml' is not one of 'hub', 'conll', 'brat', 'labelstudio'" in bad.stderr


OLDEST_DATASETS = "4.0.0"
"""The oldest `datasets` khabar supports (pyproject: datasets>=4): the first with `List` features
and the `list:` card YAML that describe lists of structs; 3.x reads them as untyped lists."""


def test_oldest_supported_datasets_loads_the_export(folder, tmp_path):
    """The exported folder, loaded by datasets 4.0.0 in its own venv (CI makes it and sets
    KHABAR_OLDEST_DATASETS_PYTHON): the same splits, rows and typed label names as today's."""
    import os
    import subprocess

    python = os.environ.get("KHABAR_OLDEST_DATASETS_PYTHON")
    if not python:
        pytest.skip(f"no python with the oldest datasets ({OLDEST_DATASETS}); set KHABAR_OLDEST_DATASETS_PYTHON")
    script = (
        "import json, sys, datasets\n"
        "out = {'version': datasets.__version__}\n"
        "for cfg in sys.argv[2:]:\n"
        "    dd = datasets.load_dataset(sys.argv[1], cfg, cache_dir=sys.argv[1] + '-cache')\n"
        "    out[cfg] = {sp: len(ds) for sp, ds in dd.items()}\n"
        "ner = datasets.load_dataset(sys.argv[1], 'ner', cache_dir=sys.argv[1] + '-cache')['test']\n"
        "out['names'] = ner.features['ner_tags'].feature.names\n"
        "out['first'] = ner[0]['ner_tags'][:20]\n"
        "print(json.dumps(out))\n")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    r = subprocess.run([python, "-c", script, str(folder), *hub.CONFIG_NAMES], capture_output=True, text=True,
                       env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got["version"] == OLDEST_DATASETS
    now = {cfg: {sp: len(ds) for sp, ds in load_folder(folder, cfg, tmp_path / cfg).items()} for cfg in hub.CONFIG_NAMES}
    assert {cfg: got[cfg] for cfg in hub.CONFIG_NAMES} == now
    ner = load_folder(folder, "ner", tmp_path / "ner")["test"]
    assert got["names"] == ner.features["ner_tags"].feature.names and got["first"] == ner[0]["ner_tags"][:20]
