"""The robustness run: a system on the original gold and on every perturbed variant.

Each variant's gold is exact by construction (`khabar.perturb`), so the same scorer applies
unchanged. Per task and perturbation the report gives the headline F1 on the variant, the drop
from the original, and the items that flipped: gold items matched on one side only (the same
gold id on both sides, since gold spans are carried through the edits) and false-positive
predictions present on one side only (the original's mapped onto the variant through the
offset map).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from .errors import KhabarError
from .model import Gold, Span
from .scoring.score_format import stamp

CHANGES = ("lost", "gained", "new_fp", "fixed_fp")
"""Flip kinds: a gold item matched on the original but not the variant (lost) or the reverse
(gained); a false-positive prediction (spurious, or wrong in boundaries, type, speaker or
value) only on the variant (new_fp) or only on the original (fixed_fp)."""


@dataclass(frozen=True)
class Flip:
    """One item whose outcome differs between the original and a variant."""

    doc_id: str
    task: str
    change: str
    id: str | None  # the gold item's id; None for a false-positive prediction
    original: str  # the item's text on the original (gold, else predicted)
    variant: str  # its text on the variant
    original_outcome: str
    variant_outcome: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Cell:
    """One task under one perturbation: headline F1 on the original and on the variant."""

    task: str
    perturbation: str
    f1_original: float
    f1_variant: float
    ci_low: float
    ci_high: float
    n_edits: int
    flips: tuple[Flip, ...] = ()

    @property
    def drop(self) -> float:
        """F1 lost to the perturbation (negative when the variant scores higher)."""
        return self.f1_original - self.f1_variant

    def count(self, change: str) -> int:
        return sum(f.change == change for f in self.flips)

    def to_dict(self) -> dict:
        return {"task": self.task, "perturbation": self.perturbation, "f1_original": self.f1_original,
                "f1_variant": self.f1_variant, "drop": self.drop, "ci_low": _json_num(self.ci_low),
                "ci_high": _json_num(self.ci_high),
                "n_edits": self.n_edits, **{c: self.count(c) for c in CHANGES},
                "flips": [f.to_dict() for f in self.flips]}


@dataclass
class RobustnessReport:
    """A system's headline F1 per task on the original and on every variant."""

    system: str
    seed: int
    gold: str
    tasks: tuple[str, ...]
    original: dict[str, float]
    cells: list[Cell]
    skipped: dict[str, str] = field(default_factory=dict)
    perturbations: dict[str, dict] = field(default_factory=dict)

    @property
    def signature(self) -> str:
        from .version import __version__
        from .perturb import VERSION

        names = ",".join(self.perturbations)
        return f"khabar:{__version__}|gold:{self.gold}|robust:{VERSION}|seed:{self.seed}|perturb:{names}"

    def cell(self, task: str, perturbation: str) -> Cell:
        for c in self.cells:
            if c.task == task and c.perturbation == perturbation:
                return c
        raise KeyError((task, perturbation))

    def worst(self, task: str) -> Cell | None:
        """The perturbation that costs `task` the most F1 (None if no variant lowers it)."""
        cells = [c for c in self.cells if c.task == task]
        if not cells:
            return None
        top = max(cells, key=lambda c: c.drop)
        return top if top.drop > 0 else None

    def to_dict(self) -> dict:
        return stamp("robustness", {
            "signature": self.signature,
            "system": self.system,
            "seed": self.seed,
            "gold": self.gold,
            "tasks": list(self.tasks),
            "original": self.original,
            "worst": {t: (w.perturbation if (w := self.worst(t)) else None) for t in self.tasks},
            "perturbations": self.perturbations,
            "skipped": self.skipped,
            "cells": [c.to_dict() for c in self.cells],
        })

    def to_frame(self):
        """One row per task and perturbation (without the flip lists), as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame([{k: v for k, v in c.to_dict().items() if k != "flips"} for c in self.cells])

    def to_table(self):
        """A rich table, one row per task and perturbation: F1 on the variant, the change from
        the original, and the flips (gold items lost / gained, spurious predictions new / fixed)."""
        from rich import box
        from rich.table import Table

        t = Table(title=f"robustness of {self.system} (gold {self.gold}, seed {self.seed})", box=box.SIMPLE_HEAD)
        for col in ("task", "perturbation", "F1", "change", "lost", "gained", "+FP", "-FP"):
            t.add_column(col, justify="left" if col in ("task", "perturbation") else "right")
        for task in self.tasks:
            t.add_row(task, "original", f"{self.original[task]:.3f}", "", "", "", "", "")
            names = list(self.perturbations)
            for i, name in enumerate(names):
                c = self.cell(task, name)
                t.add_row("", name, f"{c.f1_variant:.3f}", _signed(c.drop), *(str(c.count(k)) for k in CHANGES),
                          end_section=i == len(names) - 1)
        return t

    def markdown(self) -> str:
        """The table as GitHub Markdown: F1 on the variant and its change from the original
        (negative: the perturbation hurts) per task."""
        head = ["perturbation", "edits"] + [x for t in self.tasks for x in (f"{t} F1", f"{t} change")]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        orig = [x for t in self.tasks for x in (f"{self.original[t]:.3f}", "")]
        lines.append("| " + " | ".join(["original", "0"] + orig) + " |")
        for name in self.perturbations:
            cells = [self.cell(t, name) for t in self.tasks]
            vals = [x for c in cells for x in (f"{c.f1_variant:.3f}", _signed(c.drop))]
            lines.append("| " + " | ".join([name, str(cells[0].n_edits)] + vals) + " |")
        worst = [f"{t}: {w.perturbation} ({-w.drop:+.3f})" if (w := self.worst(t)) else f"{t}: none"
                 for t in self.tasks]
        lines.append("")
        lines.append("Most harmful: " + "; ".join(worst))
        return "\n".join(lines)


def _json_num(x: float) -> float | None:
    """NaN (no interval: bootstrap off) as JSON null."""
    return None if x != x else x


def _signed(x: float) -> str:
    return "0" if abs(x) < 5e-4 else f"{-x:+.3f}"


# --- variants --------------------------------------------------------------------------------


def _select(perturbations: Iterable[str] | None):
    from .perturb import PERTURBATIONS, get_perturbation

    names = list(perturbations) if perturbations else list(PERTURBATIONS)
    return [get_perturbation(n) for n in names]


def perturbed(gold: Gold | None = None, perturbations: Iterable[str] | None = None, seed: int = 0,
              keep_noop: bool = False):
    """(variants that change the text, {name: reason} for those that change nothing here)."""
    from .gold import load_gold
    from .perturb import PerturbationError, perturb

    gold = gold if gold is not None else load_gold()
    out, skipped = [], {}
    for p in _select(perturbations):
        why = p.unavailable()
        if why:
            skipped[p.name] = why
            continue
        try:
            v = perturb(gold, p, seed)
        except PerturbationError as e:  # refused by its own checks: reported, never shipped
            skipped[p.name] = f"refused: {e.message}"
            continue
        if v.n_edits == 0 and not keep_noop:
            skipped[p.name] = "changes nothing in this gold"
            continue
        out.append(v)
    return out, skipped


def variants(gold: Gold | None = None, perturbations: Iterable[str] | None = None, seed: int = 0
             ) -> dict[str, Gold]:
    """Every perturbed gold that differs from `gold`, by perturbation name (checked, valid)."""
    vs, _ = perturbed(gold, perturbations, seed)
    return {v.perturbation.name: v.gold for v in vs}


MANIFEST = "variants.json"


def export_variants(gold: Gold | None, out_dir: str | Path, overwrite: bool = False,
                    perturbations: Iterable[str] | None = None, seed: int = 0) -> list[Path]:
    """Write each variant as a gold file `OUT/<perturbation>.json` (the gold format) and a
    manifest `OUT/variants.json` (what each models, what it may change, seed, edits, sha256).
    Refuses, before writing anything, if a target file exists and `overwrite` is false."""
    from .gold import content_hash, dumps, load_gold, to_dict
    from .perturb import VERSION
    from .writer import OutFolder

    gold = gold if gold is not None else load_gold()
    vs, skipped = perturbed(gold, perturbations, seed)
    folder = OutFolder(out_dir, replace=overwrite)
    targets = [f"{v.perturbation.name}.json" for v in vs] + [MANIFEST]
    folder.check(targets)
    written, entries = [], []
    for v, name in zip(vs, targets):
        raw = to_dict(v.gold)
        path = folder.write_text(name, dumps(raw))
        written.append(path)
        p = v.perturbation
        entries.append({"name": p.name, "file": path.name, "models": p.models, "affects": dict(p.affects),
                        "may_change": sorted(p.may_change), "seeded": p.seeded, "n_edits": v.n_edits,
                        "version": v.gold.version, "sha256": content_hash(raw)})
    manifest = {"schema": "khabar-variants/1", "perturbations_version": VERSION, "seed": seed,
                "gold": {"version": gold.version, "sha256": gold.sha256 or content_hash(to_dict(gold))},
                "variants": entries, "skipped": skipped}
    written.append(folder.write_text(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"))
    return written


# --- the run ---------------------------------------------------------------------------------


def _outcomes(report, task: str) -> tuple[dict[tuple[str, str], tuple[str, dict]], list[tuple[str, dict, str]]]:
    """From a scoring report's headline details: {(doc, gold id): (outcome, gold)} and the
    predictions the headline does not count as correct [(doc, pred, outcome)]: spurious ones,
    and those with the wrong boundaries, type, speaker or value (each is a false positive)."""
    from .scoring.tasks import HEADLINE

    subset, metric, _ = HEADLINE[task]
    gold_items, spurious = {}, []
    for d in report.details:
        if d.task != task or d.metric != metric or d.subset != subset:
            continue
        if d.gold is not None:
            key = (d.doc_id, d.gold.get("id"))
            prev = gold_items.get(key)
            if prev is None or d.outcome == "TP":
                gold_items[key] = (d.outcome, d.gold)
        if d.pred is not None and d.outcome != "TP":
            spurious.append((d.doc_id, d.pred, d.outcome))
    return gold_items, spurious


def _pred_key(pred: dict) -> tuple:
    return (pred.get("start"), pred.get("end"), pred.get("type"))


def flips(original, variant, task: str, maps) -> list[Flip]:
    """The items of `task` whose headline outcome differs between two scoring reports; `maps`
    holds each document's offset map from the original to the variant."""
    g0, s0 = _outcomes(original, task)
    g1, s1 = _outcomes(variant, task)
    out: list[Flip] = []
    for key in sorted(set(g0) | set(g1), key=lambda k: (k[0], g0.get(k, g1.get(k))[1].get("start", 0))):
        o0, gold0 = g0.get(key, ("absent", {}))
        o1, gold1 = g1.get(key, ("absent", {}))
        if (o0 == "TP") != (o1 == "TP"):
            out.append(Flip(key[0], task, "lost" if o0 == "TP" else "gained", key[1],
                            gold0.get("text", ""), gold1.get("text", ""), o0, o1))
    mapped0 = {}
    for doc_id, pred, outcome in s0:
        m = maps.get(doc_id)
        span = Span(pred["start"], pred["end"], pred.get("text", ""))
        new = m.lenient_span(span) if m is not None else span
        mapped0[(doc_id, new.start, new.end, pred.get("type"))] = (pred, new, outcome)
    keys1 = {(doc_id, *_pred_key(pred)): (pred, outcome) for doc_id, pred, outcome in s1}
    for k, (pred, new, outcome) in mapped0.items():
        if k not in keys1:
            out.append(Flip(k[0], task, "fixed_fp", None, pred.get("text", ""), new.text, outcome, "absent"))
    for k, (pred, outcome) in keys1.items():
        if k not in mapped0:
            out.append(Flip(k[0], task, "new_fp", None, "", pred.get("text", ""), "absent", outcome))
    return out


def robustness(system, gold: Gold | None = None, perturbations: Iterable[str] | None = None, seed: int = 0,
               *, n_boot: int = 1000, scheme: str = "fine", progress: bool = False) -> RobustnessReport:
    """Run `system` (a name or a `System`) on the original gold and on each variant; score
    every run with `khabar.scoring.score` and compare headline F1s and items.

    The system sees each variant corpus exactly as it sees the original: a cross-validated
    system retrains on the perturbed paragraphs it does not predict. `seed` picks the
    perturbations' random choices and the bootstrap resamples. `progress` shows a bar on a
    terminal's stderr.
    """
    from khabar.baselines import get_system

    from .gold import content_hash, load_gold, to_dict
    from .scoring import score
    from .terminal import Progress

    gold = gold if gold is not None else load_gold()
    sys_obj = get_system(system) if isinstance(system, str) else system
    name = getattr(sys_obj, "name", str(system))
    tasks = tuple(t for t in ("ner", "quotes", "numbers") if t in getattr(sys_obj, "tasks", ()))
    if not tasks:
        raise KhabarError(f"system {name!r} predicts none of the tasks")
    vs, skipped = perturbed(gold, perturbations, seed)

    def run(g: Gold):
        preds = sys_obj.predict(g.documents)
        return score(g, preds, tasks=list(tasks), scheme=scheme, n_boot=n_boot, seed=seed)

    cells: list[Cell] = []
    meta: dict[str, dict] = {}
    with Progress("original", 1 + len(vs), enabled=None if progress else False) as bar:
        base = run(gold)
        original = {t: base.headline(t).f1 for t in tasks}
        bar.advance()
        for v in vs:
            p = v.perturbation
            bar.describe(p.name)
            rep = run(v.gold)
            meta[p.name] = {"models": p.models, "affects": dict(p.affects), "n_edits": v.n_edits}
            for t in tasks:
                h = rep.headline(t)
                cells.append(Cell(t, p.name, original[t], h.f1, h.ci_low, h.ci_high, v.n_edits,
                                  tuple(flips(base, rep, t, v.maps))))
            bar.advance()
    gold_hash = (gold.sha256 or content_hash(to_dict(gold)))[:12]
    return RobustnessReport(name, seed, gold_hash, tasks, original, cells, skipped, meta)
