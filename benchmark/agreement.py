"""Inter-annotator agreement between two annotation passes of the same documents.

Per task: strict span F1 (one pass taken as reference; F1 is symmetric), and Cohen's kappa
where a categorical decision is made on shared units: token-level IOB2 tags for NER, form
and co-reference on matched mentions, quote type on matched cues, number kind on matched spans.
`python -m khabar.agreement A.json B.json` prints the table and can write it as JSON.
"""

from __future__ import annotations

import argparse
import json
from itertools import combinations
from pathlib import Path

from .gold import load_gold
from .iob import iob2
from .model import Document, Gold
from .scoring.prf import prf


def _f1(a: set, b: set) -> dict:
    """Pairwise F1 of two annotators' item sets (1.0 when both are empty: they agree)."""
    tp = len(a & b)
    f = 1.0 if not a and not b else prf(tp, 0, 0, len(a) - tp, len(b) - tp)[2]
    return {"a": len(a), "b": len(b), "both": tp, "f1": round(f, 4)}


def _kappa(x: list, y: list) -> float | None:
    """Cohen's kappa (scikit-learn); 1.0 when both label every unit identically with one label."""
    if not x:
        return None
    if x == y:
        return 1.0
    from sklearn.metrics import cohen_kappa_score

    return round(float(cohen_kappa_score(x, y)), 4)


def _speaker_key(doc: Document, entity_id: str) -> frozenset:
    """An entity identified by the spans of its mentions, comparable across passes."""
    return frozenset(m.span.key for m in doc.mentions_of(entity_id))


def document_agreement(a: Document, b: Document) -> dict:
    """Agreement of two passes over one document."""
    out: dict = {}
    ner_a = {(m.start, m.end, m.type) for m in a.ner_mentions}
    ner_b = {(m.start, m.end, m.type) for m in b.ner_mentions}
    tags_a = [t for _, tags in iob2(a) for t in tags]
    tags_b = [t for _, tags in iob2(b) for t in tags]
    shared = sorted({(m.start, m.end) for m in a.ner_mentions} & {(m.start, m.end) for m in b.ner_mentions})
    form_a = {m.span.key: m.form for m in a.ner_mentions}
    form_b = {m.span.key: m.form for m in b.ner_mentions}
    ent_a = {m.span.key: m.entity for m in a.mentions}
    ent_b = {m.span.key: m.entity for m in b.mentions}
    pairs = list(combinations([k for k in shared], 2))
    coref_a = [ent_a[x] == ent_a[y] for x, y in pairs]
    coref_b = [ent_b[x] == ent_b[y] for x, y in pairs]
    out["ner"] = {
        "strict_span_type": _f1(ner_a, ner_b),
        "span_only": _f1({s[:2] for s in ner_a}, {s[:2] for s in ner_b}),
        "token_kappa": _kappa(tags_a, tags_b),
        "form_kappa": _kappa([form_a[k] for k in shared], [form_b[k] for k in shared]),
        "coreference_pair_agreement": round(sum(x == y for x, y in zip(coref_a, coref_b)) / len(pairs), 4)
        if pairs else None,
    }

    def quote_key(d, q):
        return (q.cue.key, q.content.key)

    cue_a = {q.cue.key: q for q in a.quotes}
    cue_b = {q.cue.key: q for q in b.quotes}
    both = sorted(set(cue_a) & set(cue_b))
    out["quotes"] = {
        "cue": _f1(set(cue_a), set(cue_b)),
        "content_exact": _f1({quote_key(a, q) for q in a.quotes}, {quote_key(b, q) for q in b.quotes}),
        "source": _f1({(q.cue.key, q.source.key) for q in a.quotes}, {(q.cue.key, q.source.key) for q in b.quotes}),
        "speaker_agreement_on_shared_cues": round(
            sum(_speaker_key(a, cue_a[k].speaker) == _speaker_key(b, cue_b[k].speaker) for k in both) / len(both), 4)
        if both else None,
        "end_to_end": _f1(
            {(q.cue.key, q.content.key, _speaker_key(a, q.speaker)) for q in a.quotes},
            {(q.cue.key, q.content.key, _speaker_key(b, q.speaker)) for q in b.quotes},
        ),
        "type_kappa": _kappa([cue_a[k].type for k in both], [cue_b[k].type for k in both]),
    }
    num_a = {n.span.key: n for n in a.numbers}
    num_b = {n.span.key: n for n in b.numbers}
    nboth = sorted(set(num_a) & set(num_b))
    out["numbers"] = {
        "span": _f1(set(num_a), set(num_b)),
        "end_to_end": _f1({(k, n.value, n.kind) for k, n in num_a.items()}, {(k, n.value, n.kind) for k, n in num_b.items()}),
        "value_agreement_on_shared_spans": round(
            sum(num_a[k].value == num_b[k].value for k in nboth) / len(nboth), 4) if nboth else None,
        "kind_kappa": _kappa([num_a[k].kind for k in nboth], [num_b[k].kind for k in nboth]),
        "unit_agreement_on_shared_spans": round(
            sum(num_a[k].unit == num_b[k].unit for k in nboth) / len(nboth), 4) if nboth else None,
    }
    return out


def agreement(a: Gold, b: Gold) -> dict:
    """Agreement per document of two passes (matched by document id)."""
    return {
        "pass_a": {"version": a.version, "sha256": a.sha256},
        "pass_b": {"version": b.version, "sha256": b.sha256},
        "documents": {d.id: document_agreement(d, b.document(d.id)) for d in a.documents},
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("a", type=Path)
    ap.add_argument("b", type=Path)
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args(argv)
    from .writer import write_text

    result = agreement(load_gold(args.a), load_gold(args.b))
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.output:
        write_text(args.output, text + "\n", overwrite=True)
    print(text)


if __name__ == "__main__":
    main()
