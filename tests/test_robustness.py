"""The robustness run: scores on variants, drops, flipped items, exports, the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.baselines.sanity import Oracle
from khabar import load_gold
from khabar.errors import KhabarError
from khabar.gold import to_dict
from khabar.model import PredEntity, Prediction, Span
from khabar.perturb import PERTURBATIONS
from khabar.robustness import CHANGES, MANIFEST, export_variants, robustness, variants
from khabar.scoring import score
from khabar.tokens import boundaries
from khabar.validate import validate_raw

GOLD = load_gold()
N_BOOT = 0


class Lookup:
    """A test system: finds the original gold mention strings verbatim (on token boundaries)
    and also tags the first word of each paragraph as PER, which is usually spurious."""

    name = "lookup"
    tasks = ("ner",)

    def __init__(self, gold):
        self.names = sorted({(m.text, m.type) for d in gold.documents for m in d.ner_mentions}, key=lambda x: -len(x[0]))

    def predict(self, documents):
        out = []
        for d in documents:
            starts, ends = boundaries(d.text)
            taken: list[Span] = []
            for text, typ in self.names:
                for m in re.finditer(re.escape(text), d.text):
                    s = Span(m.start(), m.end(), text)
                    if s.start in starts and s.end in ends and not any(s.overlaps(t) for t in taken):
                        taken.append(s)
            ents = [PredEntity(s, dict(self.names)[s.text]) for s in taken]
            first = [re.match(r"\S+", p.text) for p in d.paragraphs() if p.text]
            for p, m in zip([p for p in d.paragraphs() if p.text], first):
                s = Span(p.start, p.start + m.end(), m.group())
                if not any(s.overlaps(t) for t in taken):
                    ents.append(PredEntity(s, "PER"))
            out.append(Prediction(id=d.id, entities=ents))
        return out


def test_oracle_scores_one_on_every_variant():
    vs = variants(GOLD)
    assert set(vs) <= set(PERTURBATIONS) and len(vs) >= 8
    for name, g in vs.items():
        assert validate_raw(to_dict(g)) == [], name
        rep = score(g, Oracle().predict(g.documents), n_boot=N_BOOT)
        for task in ("ner", "quotes", "numbers"):
            assert rep.headline(task).f1 == 1.0, (name, task)


def test_oracle_robustness_report():
    r = robustness("oracle", GOLD, n_boot=N_BOOT)
    assert r.tasks == ("ner", "quotes", "numbers")
    assert r.original == {"ner": 1.0, "quotes": 1.0, "numbers": 1.0}
    assert len(r.cells) == 3 * len(r.perturbations)
    for c in r.cells:
        assert c.f1_variant == 1.0 and c.drop == 0 and c.flips == ()
    assert all(r.worst(t) is None for t in r.tasks)
    assert "| original | 0 | 1.000 |" in r.markdown() and "ner change" in r.markdown()
    assert set(r.perturbations) | set(r.skipped) == set(PERTURBATIONS)


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_oracle_scores_one_for_any_seed(seed):
    r = robustness("oracle", GOLD, seed=seed, n_boot=N_BOOT)
    assert r.cells and all(c.f1_variant == 1.0 and c.flips == () for c in r.cells)
    assert not any(why.startswith("refused") for why in r.skipped.values()), r.skipped


def test_empty_system_never_flips():
    r = robustness("empty", GOLD, ["orthography", "punct_loose"], n_boot=N_BOOT)
    assert all(c.f1_variant == 0 and c.flips == () for c in r.cells)


def test_flips_are_exactly_the_respelt_mentions():
    system = Lookup(GOLD)
    base = score(GOLD, system.predict(GOLD.documents), n_boot=N_BOOT)
    tp = {d.gold["id"] for d in base.details if d.task == "ner" and d.metric == "strict" and d.subset == "all"
          and d.outcome == "TP"}
    fps = [d.pred for d in base.details if d.task == "ner" and d.metric == "strict" and d.subset == "all"
           and d.pred is not None and d.outcome != "TP"]
    assert tp and fps  # the test system finds names and makes spurious guesses
    r = robustness(system, GOLD, ["orthography", "punct_loose"], n_boot=N_BOOT)
    varied = variants(GOLD, ["orthography"])["orthography"]
    respelt = {a.id for d0, d1 in zip(GOLD.documents, varied.documents)
               for a, b in zip(d0.ner_mentions, d1.ner_mentions) if a.text != b.text}
    ortho = r.cell("ner", "orthography")
    assert {f.id for f in ortho.flips if f.change == "lost"} == respelt & tp
    assert ortho.count("gained") == 0
    # the first-word guesses are spurious on both sides; those whose text was respelt are
    # still recognised as the same item through the offset map, so none of them flips
    first_words = {m.group() for d in GOLD.documents for m in re.finditer(r"(?m)^\S+", d.text)}
    respelt_fps = [p for p in fps if p["text"] in first_words and re.search("[أإآىة]", p["text"])]
    lookup_fps = [p for p in fps if p["text"] not in first_words and re.search("[أإآىة]", p["text"])]
    assert ortho.count("new_fp") == 0 and ortho.count("fixed_fp") == len(lookup_fps)
    if not respelt_fps:
        pytest.skip("no paragraph of this gold starts with a word orthography respells")
    assert ortho.drop > 0 and r.worst("ner").perturbation == "orthography"
    # punctuation spacing shifts every offset but changes no name: nothing may flip, and the
    # spurious guesses are recognised on the variant through the offset map
    loose = r.cell("ner", "punct_loose")
    assert loose.n_edits > 0 and loose.flips == () and loose.f1_variant == pytest.approx(loose.f1_original)


def test_flips_account_for_every_count_change():
    """Gold flips explain the change in true positives, prediction flips the change in false
    positives, for every perturbation (the offset map pairs each prediction with itself)."""
    system = Lookup(GOLD)
    base = score(GOLD, system.predict(GOLD.documents), n_boot=N_BOOT).headline("ner")
    r = robustness(system, GOLD, n_boot=N_BOOT)
    for name, g in variants(GOLD).items():
        h = score(g, system.predict(g.documents), n_boot=N_BOOT).headline("ner")
        c = r.cell("ner", name)
        assert h.f1 == c.f1_variant
        assert h.tp - base.tp == c.count("gained") - c.count("lost"), name
        assert h.fp - base.fp == c.count("new_fp") - c.count("fixed_fp"), name


def test_report_is_deterministic_and_serialisable():
    a = robustness("oracle", GOLD, seed=3, n_boot=N_BOOT).to_dict()
    b = robustness("oracle", GOLD, seed=3, n_boot=N_BOOT).to_dict()
    assert a == b
    assert json.loads(json.dumps(a, ensure_ascii=False)) == a
    assert (a["format"], a["command"]) == ("khabar-score/1", "robustness") and "seed:3" in a["signature"]
    for cell in a["cells"]:
        assert set(CHANGES) <= set(cell)


def test_unknown_system_and_perturbation():
    with pytest.raises(KhabarError, match="unknown system"):
        robustness("no-such-system", GOLD)
    with pytest.raises(KhabarError, match="unknown perturbation"):
        robustness("oracle", GOLD, ["no-such-perturbation"])


def test_export_variants(tmp_path):
    out = tmp_path / "variants"
    written = export_variants(GOLD, out)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    names = [e["name"] for e in manifest["variants"]]
    assert set(names) == set(variants(GOLD))
    assert manifest["gold"]["version"] == GOLD.version
    for e in manifest["variants"]:
        g = load_gold(out / e["file"])  # reads and validates
        assert g.sha256 == e["sha256"] and e["n_edits"] > 0 and e["affects"]
    before = {p: p.read_bytes() for p in written}
    with pytest.raises(KhabarError, match="refusing to overwrite"):
        export_variants(GOLD, out)
    assert {p: p.read_bytes() for p in written} == before
    assert export_variants(GOLD, out, overwrite=True) == written


def test_cli_json_and_errors():
    from typer.testing import CliRunner

    from khabar.cli import app

    res = CliRunner().invoke(app, ["robustness", "oracle", "--json", "-p", "tatweel", "--seed", "2", "--n-boot", "0"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert [c["perturbation"] for c in data["cells"]] == ["tatweel"] * 3
    assert all(c["f1_variant"] == 1.0 for c in data["cells"])
    table = CliRunner().invoke(app, ["robustness", "oracle", "-p", "orthography", "--n-boot", "0"])
    assert table.exit_code == 0 and "orthography" in table.output and "most harmful" in table.output
    bad = subprocess.run([sys.executable, "-m", "khabar", "robustness", "oracle", "-p", "nope"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "unknown perturbation" in bad.stderr
    assert "Traceback" not in bad.stderr
