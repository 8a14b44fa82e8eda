"""The error-analysis report: one self-contained right-to-left HTML page per set of systems.

For every system the article is shown once per task with the scorer's verdicts laid over it:
each item of the task's headline metric (strict NER, end-to-end quote attribution, end-to-end
numbers) becomes exactly one highlighted element carrying `data-outcome` = TP, FP or FN, so
the page's counts are the scorer's counts. A predicted item paired with a gold item but wrong
(boundaries, type, speaker, value or kind) counts once as FP and once as FN, as the scorer
counts it, and is drawn as two linked elements: the prediction (dashed box) and the gold
(double underline). Everything (CSS, script, plots) is inlined; the page loads nothing.
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Mapping, Sequence

from .errors import KhabarError
from .model import Document, Gold, Prediction, Span
from .scoring.tasks import HEADLINE_TEXT, REGISTRY, TASKS

TASK_TITLES = {name: t.title for name, t in REGISTRY.items()}


def headline_line(task: str) -> tuple[str, str, str]:
    """(subset, metric, label) of the task's headline line: the one its highlights show."""
    return REGISTRY[task].headline


GLYPH = {"TP": "✓", "FP": "+", "FN": "−", "partial": "≈", "wrong": "≠"}
OUTCOME_TEXT = {"TP": "true positive (TP)", "FP": "false positive (FP): not in the gold",
                "FN": "missed (FN): a gold item not found"}
KIND_TEXT = {
    "partial": "boundaries differ",
    "wrong_type": "wrong type",
    "wrong_speaker": "wrong speaker",
    "wrong_value": "wrong value",
    "wrong_kind": "wrong kind",
}


# --- highlighting -------------------------------------------------------------------------


@dataclass
class Mark:
    """One element to lay over the text: a scored item (`data-outcome` in `attrs`) or a quote's
    cue or source.

    `classes` and `attrs` go on the element; an item broken by a crossing neighbour continues
    in pieces that repeat its classes and `data-link` but not its `data-outcome`, so counting
    `[data-outcome]` counts items, not pieces.
    """

    start: int
    end: int
    classes: str
    attrs: dict[str, str] = field(default_factory=dict)
    id: str = ""


def _open_tag(m: Mark, head: bool) -> str:
    if head:
        attrs = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in m.attrs.items())
        ident = f' id="{m.id}"' if m.id else ""
        return f'<span class="{m.classes}"{ident}{attrs}>'
    link = m.attrs.get("data-link")
    extra = f' data-link="{html.escape(link, quote=True)}"' if link else ""
    return f'<span class="{m.classes} cont" data-head="{m.id}"{extra}>'


def highlight(text: str, marks: Sequence[Mark]) -> str:
    """HTML of `text` with every mark as a nested `<span>`, in one pass over sorted boundaries.

    Marks opening at the same offset nest longest first. When a mark ends while a mark opened
    inside it is still open (crossing spans), the inner ones are closed and reopened as
    continuation pieces, so the HTML stays well formed and every mark keeps exactly one head
    element. Cost: O(n log n) for the sort, plus one extra piece each time a mark ends inside
    another one that opened after it (a crossing pair; gold and predicted items of one task
    rarely cross more than one neighbour, so the output stays linear in practice).
    """
    n = len(text)
    for m in marks:
        if not 0 <= m.start < m.end <= n:
            raise ValueError(f"mark [{m.start}, {m.end}) is empty or outside the text (length {n})")
    good = list(marks)
    order = sorted(range(len(good)), key=lambda i: (good[i].start, -good[i].end, i))
    ends: dict[int, list[int]] = {}
    for i, m in enumerate(good):
        ends.setdefault(m.end, []).append(i)
    cuts = sorted({0, n, *(m.start for m in good), *ends})
    out: list[str] = []
    stack: list[int] = []
    pos = 0
    k = 0
    esc = html.escape
    for b in cuts:
        if b > pos:
            out.append(esc(text[pos:b], quote=False))
            pos = b
        closing = ends.get(b)
        if closing:
            want = set(closing)
            reopen = []
            while want:
                i = stack.pop()
                out.append("</span>")
                if i in want:
                    want.discard(i)
                else:
                    reopen.append(i)
            for i in reversed(reopen):
                out.append(_open_tag(good[i], head=False))
                stack.append(i)
        while k < len(order) and good[order[k]].start == b:
            i = order[k]
            out.append(_open_tag(good[i], head=True))
            stack.append(i)
            k += 1
    if pos < n:
        out.append(esc(text[pos:], quote=False))
    out.extend("</span>" for _ in stack)
    return "".join(out)


# --- from the scorer's details to marks ---------------------------------------------------


def _fmt_value(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return f"{v:g}" if isinstance(v, float) else str(v)


def _span_text(d: dict | None) -> str:
    if not d:
        return ""
    return f"{d.get('text', '')} [{d.get('start')}–{d.get('end')})"


class _Speakers:
    """Names entities, and tells which entity a predicted source span names (as the scorer judges
    a speaker: token overlap with any mention of the cluster)."""

    def __init__(self, doc: Document):
        from .scoring.overlap import OVERLAP_THRESHOLD, TokenIndex

        self.doc = doc
        self.threshold = OVERLAP_THRESHOLD
        self.tokens = TokenIndex(doc.text)
        self.entities = doc.entity_by_id
        self.mentions = sorted(doc.mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.longest = max((m.end - m.start for m in self.mentions), default=0)

    def name(self, entity_id: str | None) -> str:
        e = self.entities.get(entity_id or "")
        return f"{e.name_en} · {e.name_ar}" if e else (entity_id or "—")

    def short(self, entity_id: str | None) -> str:
        e = self.entities.get(entity_id or "")
        return e.name_en if e else "?"

    def of_span(self, span: dict | None) -> str | None:
        """The entity whose mention best matches `span` (token Dice >= threshold), if any."""
        if not span:
            return None
        from bisect import bisect_left

        s = Span(span["start"], span["end"], span.get("text", ""))
        best, best_id = 0.0, None
        lo = bisect_left(self.starts, s.start - self.longest)
        hi = bisect_left(self.starts, s.end)
        for m in self.mentions[lo:hi]:
            if m.end <= s.start:
                continue
            d = self.tokens.dice(m.span, s)
            if d > best:
                best, best_id = d, m.entity
        return best_id if best >= self.threshold else None


@dataclass
class TaskView:
    """What one system's section shows for one task of one document: marks and table rows."""

    marks: list[Mark] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)


class _Ids:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, prefix: str = "m") -> str:
        self.n += 1
        return f"{prefix}{self.n}"


def _kind_of(outcome: str) -> str:
    return outcome if outcome in KIND_TEXT else ""


def _badge(outcome: str, kind: str, label: str) -> str:
    glyph = GLYPH["partial"] if kind == "partial" else GLYPH["wrong"] if kind else GLYPH[outcome]
    return f"{glyph} {label}".strip()


def _classes(task: str, outcome: str, kind: str) -> str:
    cls = f"hl t-{task} o-{outcome.lower()}"
    if kind == "partial":
        cls += " k-partial"
    elif kind:
        cls += f" k-wrong k-{kind}"
    return cls


def _item_fields(task: str, d: dict | None, speakers: _Speakers, predicted: bool) -> dict:
    """The fields of one gold or predicted item shown in the details panel."""
    if not d:
        return {}
    if task == "ner":
        out = {"text": d.get("text"), "span": f"{d.get('start')}–{d.get('end')}", "type": d.get("type")}
        if d.get("predicted_type"):
            out["label as predicted"] = d["predicted_type"]
        if d.get("entity"):
            out["entity"] = speakers.name(d["entity"])
        if d.get("form"):
            out["form"] = d["form"]
        return out
    if task == "quotes":
        spk = speakers.of_span(d.get("source")) if predicted else d.get("speaker")
        return {
            "cue": _span_text(d.get("cue")),
            "content": _span_text(d.get("content") or d),
            "source": _span_text(d.get("source")),
            "speaker": speakers.name(spk) if spk else ("no entity matches the source" if predicted else "—"),
            "type": d.get("type"),
        }
    return {
        "text": d.get("text"),
        "span": f"{d.get('start')}–{d.get('end')}",
        "value": _fmt_value(d.get("value")),
        "kind": d.get("kind"),
        "unit": d.get("unit"),
        **({"qualifier": d.get("qualifier")} if "qualifier" in d else {}),
    }


def _label(task: str, d: dict | None, speakers: _Speakers, predicted: bool) -> str:
    """The badge text of an item: its type, its speaker, or its value."""
    if not d:
        return ""
    if task == "ner":
        return str(d.get("type", ""))
    if task == "quotes":
        spk = speakers.of_span(d.get("source")) if predicted else d.get("speaker")
        return speakers.short(spk) if spk else "?"
    return _fmt_value(d.get("value"))


def task_view(task: str, details: Sequence, doc: Document, system: str, ids: _Ids,
              speakers: _Speakers | None = None) -> TaskView:
    """Marks and table rows of one task for one document, from the scorer's detail records of
    that task's headline metric (one record per gold/predicted item or matched pair)."""
    speakers = speakers or _Speakers(doc)
    view = TaskView()
    ordered = sorted(details, key=lambda d: (d.start, (d.pred or {}).get("start", -1)))
    for det in ordered:
        cat = det.category
        kind = _kind_of(det.outcome)
        g, p = det.gold, det.pred
        gf = _item_fields(task, g, speakers, predicted=False)
        pf = _item_fields(task, p, speakers, predicted=True)
        if task == "quotes" and cat == "correct" and pf:
            pf["speaker"] = gf["speaker"]  # the scorer found the predicted source names the gold speaker
        if cat == "correct":
            sides = [("TP", g or p)]
        elif cat == "spurious":
            sides = [("FP", p)]
        elif cat == "missed":
            sides = [("FN", g)]
        elif cat in ("incorrect", "partial"):
            sides = [("FP", p), ("FN", g)]
        else:
            raise ValueError(f"unknown outcome category {cat!r} in the scorer's details")
        pair = ids("p") if len(sides) == 2 else ""
        heads = []
        for outcome, item in sides:
            mid = ids()
            key = "k" + mid
            heads.append(mid)
            predicted = outcome == "FP"
            label = _label(task, item, speakers, predicted)
            if kind:
                title = f"{KIND_TEXT[kind]}: the {'prediction' if predicted else 'gold item'} ({outcome})"
            else:
                title = OUTCOME_TEXT[outcome]
            info = {"title": title, "system": system, "task": task, "mode": headline_line(task)[1],
                    "gold": gf, "pred": pf}
            attrs = {
                "data-outcome": outcome,
                "data-kind": kind or "none",
                "data-task": task,
                "data-badge": _badge(outcome, kind, label),
                "data-link": f"{key} {pair}".strip(),
                "data-d": json.dumps(info, ensure_ascii=False, separators=(",", ":")),
                "title": title + (f": {label}" if label else ""),
            }
            span = item.get("content") if task == "quotes" and item.get("content") else item
            view.marks.append(Mark(span["start"], span["end"], _classes(task, outcome, kind), attrs, mid))
            if task == "quotes":
                for role in ("cue", "source"):
                    r = item.get(role)
                    if r and (r["start"], r["end"]) != (span["start"], span["end"]):
                        rid = ids("r")
                        view.marks.append(Mark(r["start"], r["end"], f"role r-{role}", {
                            "data-role": role, "data-link": f"{key} {pair}".strip(), "data-of": mid,
                            "data-d": json.dumps({**info, "title": f"{role} of: {title}"}, ensure_ascii=False,
                                                 separators=(",", ":")),
                            "title": f"{role} ({'predicted' if predicted else 'gold'})",
                        }, rid))
        view.rows.append({"category": cat, "outcome": det.outcome, "kind": kind, "gold": g, "pred": p,
                          "gold_fields": gf, "pred_fields": pf, "anchor": heads[-1] if heads else "",
                          "sides": [s for s, _ in sides]})
    return view


# --- scoring ------------------------------------------------------------------------------


def score_systems(gold: Gold, predictions_by_system: Mapping[str, Sequence[Prediction]], *, scheme: str = "fine",
                  n_boot: int = 1000, seed: int = 0) -> dict:
    """One scorer `Report` per system (every task the system predicted)."""
    from .scoring import score

    return {name: score(gold, list(preds), scheme=scheme, n_boot=n_boot, seed=seed)
            for name, preds in predictions_by_system.items()}


def _details_by(report, task: str) -> dict[str, list]:
    """The detail records of the task's headline line, by document."""
    subset, metric, _ = headline_line(task)
    out: dict[str, list] = {}
    for d in report.details:
        if d.task == task and d.metric == metric and d.subset == subset:
            out.setdefault(d.doc_id, []).append(d)
    return out


# --- HTML ---------------------------------------------------------------------------------


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("report_assets", name).read_text(encoding="utf-8")


def _e(s) -> str:
    return html.escape("" if s is None else str(s), quote=True)


def _ar(s) -> str:
    """A cell of document text: right to left, isolated from the surrounding table."""
    return f'<bdi lang="ar" dir="rtl">{_e(s)}</bdi>' if s else "—"


def _num(x, digits: int = 3) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        if x != x:
            return "—"
        if x.is_integer() and digits == 0:
            return str(int(x))
        return f"{x:.{digits}f}"
    return str(x)


def _count(x) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return _num(x, 1) if isinstance(x, float) else str(x)


def _ci(m) -> str:
    lo, hi = getattr(m, "ci_low", None), getattr(m, "ci_high", None)
    if lo is None or lo != lo:
        return ""
    return f" <span class=\"ci\">[{lo:.3f}, {hi:.3f}]</span>"


def _legend() -> str:
    items = [
        ("o-tp", "✓ PER", "true positive: found and right (green fill, solid underline)"),
        ("o-fp", "+ ORG", "false positive: predicted, not in the gold (dashed vermillion box)"),
        ("o-fn", "− GPE", "missed: a gold item not found (double blue underline, outlined badge)"),
        ("o-fp k-partial", "≈ PER", "boundaries differ: the prediction (dashed orange box, wavy line)"),
        ("o-fn k-partial", "≈ PER", "boundaries differ: its gold item (double orange underline, wavy line)"),
        ("o-fp k-wrong", "≠ ORG", "wrong type, speaker, value or kind: the prediction (dashed purple box, hatched)"),
        ("o-fn k-wrong", "≠ GPE", "wrong type, speaker, value or kind: its gold item (double purple underline, hatched)"),
    ]
    parts = []
    for cls, badge, text in items:
        parts.append(f'<span class="item"><span class="sw" lang="ar" dir="rtl"><span class="hl {cls}" '
                     f'data-badge="{_e(badge)}">نص</span></span><span>{_e(text)}</span></span>')
    parts.append('<span class="item"><span class="sw" lang="ar" dir="rtl"><span class="role r-cue">قال</span> '
                 '<span class="role r-source">المصدر</span></span><span>a quote\'s cue (bold) and source '
                 '(italic), linked to its content on hover</span></span>')
    return ('<div class="legend" lang="en" dir="ltr" role="note" aria-label="legend">' + "".join(parts) +
            '<span class="hint">Hover an item for its details and its counterpart; click to pin; Esc to '
            'close. A prediction paired with the wrong gold item counts once as FP and once as FN, as '
            'the scorer counts it.</span></div>')


def _metric_row(system: str, task: str, label: str, m, signature: str) -> str:
    return (f"<tr class=\"metric\"><td>{_e(system)}</td><td>{_e(task)}</td><td>{_e(label)}</td>"
            f"<td class=\"num\">{_num(m.p)}</td><td class=\"num\">{_num(m.r)}</td>"
            f"<td class=\"num\"><strong>{_num(m.f1)}</strong>{_ci(m)}</td>"
            f"<td class=\"num\">{_count(m.tp)}</td><td class=\"num\">{_count(m.fp)}</td>"
            f"<td class=\"num\">{_count(m.fn)}</td></tr>"
            f"<tr class=\"sigrow\"><td></td><td colspan=\"8\"><code class=\"sig\">{_e(signature)}</code></td></tr>")


_METRIC_HEAD = ("<tr><th>system</th><th>task</th><th>metric</th><th>P</th><th>R</th><th>F1 [95% CI]</th>"
                "<th>TP</th><th>FP</th><th>FN</th></tr>")


def _signature(report, task: str, mode: str) -> str:
    return report.signature_for(task, mode)


def _leaderboard_table(reports: Mapping, tasks_by_system: Mapping[str, set[str]]) -> str:
    rows = []
    for name, rep in reports.items():
        for task in TASKS:
            if task not in tasks_by_system[name]:
                continue
            rows.append(_metric_row(name, task, HEADLINE_TEXT[task], rep.headline(task),
                                    _signature(rep, task, headline_line(task)[1])))
    return f'<table class="grid leaderboard">{_METRIC_HEAD}{"".join(rows)}</table>'


def _published_table(board: Mapping) -> str:
    """The committed leaderboard (results/leaderboard.json), as the leaderboard wrote it."""
    rows = []
    for s in board.get("systems", []):
        for task, m in (s.get("tasks") or {}).items():
            lo, hi = m.get("ci_low"), m.get("ci_high")
            ok = isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and lo == lo
            ci = f' <span class="ci">[{lo:.3f}, {hi:.3f}]</span>' if ok else ""
            rows.append(f"<tr><td>{_e(s.get('system'))}</td><td>{_e(task)}</td>"
                        f"<td>{_e((board.get('headline') or {}).get(task, ''))}</td>"
                        f"<td class=\"num\">{_num(m.get('p'))}</td><td class=\"num\">{_num(m.get('r'))}</td>"
                        f"<td class=\"num\"><strong>{_num(m.get('f1'))}</strong>{ci}</td>"
                        f"<td class=\"num\">{_count(m.get('tp'))}</td><td class=\"num\">{_count(m.get('fp'))}</td>"
                        f"<td class=\"num\">{_count(m.get('fn'))}</td></tr>")
    gold = board.get("gold") or {}
    sig = board.get("signature", "")
    return (f'<p>Scores committed in <code>results/leaderboard.json</code> (gold {_e(gold.get("version"))}, '
            f'sha256 {_e(str(gold.get("sha256", ""))[:12])}); signature <code class="sig">{_e(sig)}</code></p>'
            '<table class="grid published"><tr><th>system</th><th>task</th><th>metric</th><th>P</th><th>R</th>'
            f'<th>F1 [95% CI]</th><th>TP</th><th>FP</th><th>FN</th></tr>{"".join(rows)}</table>')


def _all_lines(report, system: str) -> str:
    """Every metric line of one report, with its signature, in a collapsed block."""
    rows = []
    for r in report.rows:
        name = f"{r.metric} · {r.label}" + ("" if r.subset == "all" else f" · {r.subset} names")
        if r.score.kind == "accuracy":
            name += " (accuracy)"
        rows.append(_metric_row(system, r.task, name, r.score, _signature(report, r.task, r.metric)))
    if not rows:
        return ""
    return (f'<details><summary>all {len(rows)} metric lines of {_e(system)}</summary>'
            f'<table class="grid lines">{_METRIC_HEAD}{"".join(rows)}</table></details>')


def _system_scores(report, name: str, tasks: set[str]) -> str:
    rows = []
    for task in TASKS:
        if task not in tasks:
            continue
        rows.append(_metric_row(name, task, HEADLINE_TEXT[task], report.headline(task),
                                _signature(report, task, headline_line(task)[1])))
        if task == "ner":
            m = _line(report, "ner", "corrupted", "strict")
            if m is not None:
                rows.append(_metric_row(name, task, "strict, corrupted names only", m,
                                        _signature(report, "ner", "strict")))
    return f'<table class="grid scores">{_METRIC_HEAD}{"".join(rows)}</table>'


def _line(report, task: str, subset: str, metric: str, label: str = "micro"):
    try:
        return report.get(task, metric, label, subset)
    except KeyError:
        return None


def _row_outcome(r: dict) -> tuple[str, str]:
    """A table row's CSS class (by its outcome category) and its outcome in words."""
    oc = r["outcome"] if r["outcome"] in ("TP", "FP", "FN") else KIND_TEXT.get(r["outcome"], r["outcome"])
    cls = "row-tp" if r["category"] == "correct" else "row-fn" if r["category"] == "missed" else "row-fp"
    return cls, oc


def _quote_table(view: TaskView) -> str:
    rows = []
    for r in view.rows:
        g, p = r["gold_fields"], r["pred_fields"]
        cls, oc = _row_outcome(r)
        src = g or p
        rows.append(
            f'<tr class="{cls}"><td class="oc"><a href="#{r["anchor"]}">{_e(oc)}</a></td>'
            f'<td>{_ar(_strip_span(src.get("cue")))}</td><td>{_ar(_strip_span(src.get("content")))}</td>'
            f'<td>{_ar(_strip_span(src.get("source")))}</td>'
            f'<td>{_e(g.get("speaker", "—")) if g else "—"}</td><td>{_e(p.get("speaker", "—")) if p else "—"}</td>'
            f'<td>{_e(g.get("type") or "—") if g else "—"} / {_e(p.get("type") or "—") if p else "—"}</td></tr>')
    return ('<div lang="en" dir="ltr"><table class="grid quotes"><tr><th>outcome</th><th>cue</th><th>content</th>'
            '<th>source</th><th>gold speaker</th><th>predicted speaker</th><th>type gold / pred</th></tr>'
            + "".join(rows) + "</table>"
            '<p class="hint">cue, content and source are the gold quote\'s where there is one, else the '
            'prediction\'s; the predicted speaker is the entity whose mention matches the predicted source. '
            'A wrong speaker counts once as FP and once as FN.</p></div>')


def _strip_span(s: str | None) -> str:
    if not s:
        return ""
    return s.rsplit(" [", 1)[0]


def _number_table(view: TaskView) -> str:
    rows = []
    for r in view.rows:
        g, p = r["gold_fields"], r["pred_fields"]
        cls, oc = _row_outcome(r)
        rows.append(
            f'<tr class="{cls}"><td class="oc"><a href="#{r["anchor"]}">{_e(oc)}</a></td>'
            f'<td>{_ar(g.get("text"))}</td><td>{_ar(p.get("text"))}</td>'
            f'<td class="num">{_e(g.get("value", "—"))}</td><td class="num">{_e(p.get("value", "—"))}</td>'
            f'<td>{_e(g.get("kind", "—"))}</td><td>{_e(p.get("kind", "—"))}</td>'
            f'<td>{_e(g.get("unit") or "—")}</td><td>{_e(p.get("unit") or "—") if p else "—"}</td></tr>')
    return ('<div lang="en" dir="ltr"><table class="grid numbers"><tr><th>outcome</th><th>gold text</th>'
            '<th>predicted text</th><th>gold value</th><th>predicted value</th><th>gold kind</th>'
            '<th>predicted kind</th><th>gold unit</th><th>predicted unit</th></tr>' + "".join(rows) + "</table>"
            '<p class="hint">A wrong value or kind on an exactly matched span counts once as FP and once as FN.</p></div>')


def _img(png: bytes, alt: str, caption: str, wide: bool = False) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure{" class=wide" if wide else ""}><img alt="{_e(alt)}" src="data:image/png;base64,{data}">'
            f'<figcaption>{_e(caption)}</figcaption></figure>')


def _plots(gold: Gold, predictions_by_system: Mapping, reports: Mapping, scheme: str) -> str:
    from . import plots

    figs = []
    rows = plots.f1_rows(reports)
    if rows:
        figs.append(_img(plots.f1_png(rows, palette=list(reports)), "F1 per task and system",
                         "F1 of each task's headline metric, with 95% bootstrap intervals."))
    crow = plots.corrupted_rows(reports)
    if crow:
        figs.append(_img(plots.corrupted_png(crow, palette=list(reports)), "NER F1 on corrupted names",
                         "Strict NER F1 on every name and on the corrupted spellings only (95% intervals)."))
    pairs = {name: plots.ner_type_pairs(gold, preds, scheme) for name, preds in predictions_by_system.items()
             if "ner" in reports[name].tasks}
    if pairs:
        from .schema import types_of

        figs.append(_img(plots.confusion_png(pairs, types_of(scheme)), "confusion matrix of NER types",
                         "Gold type (rows) against predicted type (columns) for names paired by exact span; "
                         "(none): a name with no predicted span there, or "
                         "a predicted span with no gold name.", wide=len(pairs) > 1))
    return '<div class="plots">' + "".join(figs) + "</div>"


_DOC_TABLES = {"quotes": _quote_table, "numbers": _number_table}
"""The tasks whose items are also listed in a table under the articles, and the table of each."""


def _task_block(task: str, name: str, rep, gold: Gold, ids: _Ids, speakers: Mapping) -> list[str]:
    """One system's view of one task: the headline counts, every article with its marks, then the tables."""
    by_doc = _details_by(rep, task)
    m = rep.headline(task)
    parts = [f'<h3 lang="en" dir="ltr">{TASK_TITLES[task]} — {HEADLINE_TEXT[task]}: '
             f'TP {_count(m.tp)} · FP {_count(m.fp)} · FN {_count(m.fn)} · F1 {_num(m.f1)}</h3>']
    tables = []
    for doc in gold.documents:
        view = task_view(task, by_doc.get(doc.id, []), doc, name, ids, speakers[doc.id])
        parts.append(f'<article class="doc" lang="ar" dir="rtl" data-doc="{_e(doc.id)}">'
                     f'<h4 dir="ltr">{_e(doc.id)}</h4>{highlight(doc.text, view.marks)}</article>')
        if task in _DOC_TABLES:
            tables.append(_DOC_TABLES[task](view))
    return parts + tables


def _system_section(si: int, name: str, rep, tasks: set[str], gold: Gold, ids: _Ids, speakers: Mapping) -> str:
    """One system's section: its scores, then one block per task (a note for a task it does not predict)."""
    parts = [f'<section class="system" id="sys-{si}" data-system="{_e(name)}">',
             f'<h2 lang="en" dir="ltr">{_e(name)}</h2>',
             f'<div lang="en" dir="ltr">{_system_scores(rep, name, tasks)}{_all_lines(rep, name)}</div>']
    for task in TASKS:
        parts.append(f'<div class="task" data-task="{task}" data-system="{_e(name)}">')
        if task not in tasks:
            parts.append(f'<p lang="en" dir="ltr" class="hint">{_e(name)} does not predict '
                         f'{TASK_TITLES[task].lower()}.</p></div>')
            continue
        parts.extend(_task_block(task, name, rep, gold, ids, speakers))
        parts.append("</div>")
    parts.append("</section>")
    return "".join(parts)


def _controls(names: Sequence[str]) -> dict[str, str]:
    """The view bar's HTML pieces: a button per system, the A/B pickers (B starts on the second) and task buttons."""
    return {
        "sys_buttons": "".join(f'<button type="button" data-show-system="{_e(n)}" aria-pressed="false">{_e(n)}</button>'
                               for n in names),
        "options": "".join(f'<option value="{_e(n)}">{_e(n)}</option>' for n in names),
        "opt_b": "".join(f'<option value="{_e(n)}"{" selected" if i == min(1, len(names) - 1) else ""}>{_e(n)}</option>'
                         for i, n in enumerate(names)),
        "task_buttons": "".join(f'<button type="button" data-show-task="{t}" aria-pressed="false">{TASK_TITLES[t]}</button>'
                                for t in TASKS),
    }


def _page(*, names: Sequence[str], gold: Gold, scheme: str, signature: str, notes: Sequence[str],
          sys_buttons: str, options: str, opt_b: str, task_buttons: str, reports: Mapping,
          tasks_by_system: Mapping[str, set[str]], published: str, plot_html: str, sections: Sequence[str]) -> str:
    """The page template: head with inlined CSS, header, view bar, overview, legend, systems, inlined script."""
    from .version import __version__

    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="khabar {_e(__version__)}">
<title>khabar error analysis</title>
<style>
{_asset("report.css")}
</style>
</head>
<body data-task="ner">
<header class="top" lang="en" dir="ltr">
<h1>khabar error analysis: {_e(", ".join(names))}</h1>
<p>Gold {_e(gold.version)} (sha256 {_e(gold.short_hash)}), {len(gold.documents)} document(s); scheme {_e(scheme)};
khabar {_e(__version__)}. Report signature: <code class="sig">{_e(signature)}</code></p>
{"".join(f"<p class='note'>{_e(n)}</p>" for n in notes)}
</header>
<nav class="bar" lang="en" dir="ltr" aria-label="views">
<div class="group"><span>System</span>{sys_buttons}<button type="button" data-compare aria-pressed="false">side by side</button></div>
<div class="group pair"><label>A <select id="cmp-a">{options}</select></label><label>B <select id="cmp-b">{opt_b}</select></label></div>
<div class="group"><span>Task</span>{task_buttons}</div>
</nav>
<main>
<section id="overview" lang="en" dir="ltr">
<h2>Leaderboard</h2>
{_leaderboard_table(reports, tasks_by_system)}
{published}
<h2>Plots</h2>
{plot_html}
</section>
{_legend()}
<div id="systems">
{"".join(sections)}
</div>
</main>
<div id="details" hidden lang="en" dir="ltr" aria-live="polite"></div>
<script>
{_asset("report.js")}
</script>
</body>
</html>
"""


def render_report(predictions_by_system: Mapping[str, Sequence[Prediction]], gold: Gold | None = None,
                  leaderboard: Mapping | None = None, *, scheme: str = "fine", n_boot: int = 1000, seed: int = 0,
                  reports: Mapping | None = None, plots: bool = True, notes: Sequence[str] = ()) -> str:
    """The report as one self-contained HTML string.

    `predictions_by_system` maps a display name to that system's predictions. `leaderboard`
    is a leaderboard dict (the contents of `results/leaderboard.json`) shown next to the
    systems' own scores; `reports` reuses scorer reports already computed (else they are
    scored here with `scheme`, `n_boot` and `seed`).
    """
    from .gold import load_gold

    gold = gold if gold is not None else load_gold()
    if not predictions_by_system:
        raise KhabarError("nothing to report: give at least one predictions file")
    if reports is None:
        reports = score_systems(gold, predictions_by_system, scheme=scheme, n_boot=n_boot, seed=seed)
    tasks_by_system = {name: set(reports[name].tasks) for name in predictions_by_system}
    ids = _Ids()
    names = list(predictions_by_system)
    speakers = {doc.id: _Speakers(doc) for doc in gold.documents}
    sections = [_system_section(si, name, reports[name], tasks_by_system[name], gold, ids, speakers)
                for si, name in enumerate(names)]
    published = ("<h3>Committed baselines</h3>" + _published_table(leaderboard)) if leaderboard else ""
    plot_html = _plots(gold, predictions_by_system, reports, scheme) if plots else ""
    return _page(names=names, gold=gold, scheme=scheme, signature=next(iter(reports.values())).signature,
                 notes=notes, **_controls(names), reports=reports, tasks_by_system=tasks_by_system,
                 published=published, plot_html=plot_html, sections=sections)


def write_report(paths: Sequence[str | Path], out: str | Path, overwrite: bool = False, *,
                 names: Sequence[str] | None = None, gold: Gold | None = None, lenient: bool = False,
                 leaderboard: str | Path | None = None, scheme: str = "fine", n_boot: int = 1000,
                 seed: int = 0, notes: list[str] | None = None) -> Path:
    """Read predictions files, render the report, write it to `out` (never over an existing
    file unless `overwrite`). Names default to the files' stems; `leaderboard` defaults to
    the latest `khabar leaderboard` run (`khabar-results/leaderboard.json`), else the committed
    `results/leaderboard.json`, when one exists. With `lenient`, bad records are skipped
    and one line per file saying how many is appended to `notes` (and shown in the page)."""
    from .gold import load_gold
    from .writer import check_target, write_text
    from .leaderboard import DEFAULT_OUT, RESULTS_DIR, read_leaderboard
    from .predictions import read_predictions

    out = Path(out)
    check_target(out, overwrite)
    if not paths:
        raise KhabarError("give at least one predictions file")
    if names is None:
        names = [Path(p).stem for p in paths]
    names = [n.strip() for n in names]
    if len(names) != len(paths):
        raise KhabarError(f"{len(names)} name(s) for {len(paths)} predictions file(s)", field="--names")
    if len(set(names)) != len(names) or any(not n for n in names):
        raise KhabarError("system names must be distinct and non-empty (name them with --names A,B,...)",
                          field="--names")
    gold = gold if gold is not None else load_gold()
    notes = notes if notes is not None else []
    preds = {}
    for name, p in zip(names, paths):
        got = read_predictions(p, gold, lenient=lenient)
        if getattr(got, "skipped", 0):
            notes.append(f"{p}: skipped {got.skipped} bad record(s) (--lenient)")
        preds[name] = list(got)
    board = None
    latest = DEFAULT_OUT / "leaderboard.json"
    lb = Path(leaderboard) if leaderboard is not None else latest if latest.exists() else RESULTS_DIR / "leaderboard.json"
    if lb.exists():
        board = read_leaderboard(lb)
        their = str((board.get("gold") or {}).get("sha256", ""))
        if their and their != gold.sha256:
            notes.append(f"{lb}: computed on another gold (sha256 {their[:12]}, this gold {gold.short_hash}); "
                         "its scores are not comparable with this report's")
    elif leaderboard is not None:
        raise KhabarError("file not found", file=str(lb))
    page = render_report(preds, gold, board, scheme=scheme, n_boot=n_boot, seed=seed, notes=notes)
    return write_text(out, page, overwrite)
