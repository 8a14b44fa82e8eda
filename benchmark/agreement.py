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


def _speaker_key(doc: Document, quote) -> frozenset:
    """A quote's speaker entity identified by the spans of its mentions, comparable across passes."""
    return frozenset(m.span.key for m in doc.mentions_of(quote.speaker))


def document_agreement(a: Document, b: Document) -> dict:
    """Agreement of two passes over one document."""
    return pooled_agreement([(a, b)])


def pooled_agreement(pairs: list[tuple[Document, Document]]) -> dict:
    """Agreement of two passes over several documents at once: every unit (a mention, a cue, a
    number, a token) keyed by its document, so F1 is micro over the corpus and each kappa is
    over the pooled units, not a mean of per-document values."""
    ner_a, ner_b, tags_a, tags_b, form, coref = set(), set(), [], [], ([], []), ([], [])
    cue_a, cue_b, num_a, num_b = {}, {}, {}, {}
    for a, b in pairs:
        doc = a.id
        ner_a |= {(doc, m.start, m.end, m.type) for m in a.ner_mentions}
        ner_b |= {(doc, m.start, m.end, m.type) for m in b.ner_mentions}
        tags_a += [t for _, tags in iob2(a) for t in tags]
        tags_b += [t for _, tags in iob2(b) for t in tags]
        shared = sorted({m.span.key for m in a.ner_mentions} & {m.span.key for m in b.ner_mentions})
        forms = ({m.span.key: m.form for m in a.ner_mentions}, {m.span.key: m.form for m in b.ner_mentions})
        ents = ({m.span.key: m.entity for m in a.mentions}, {m.span.key: m.entity for m in b.mentions})
        for side in (0, 1):
            form[side].extend(forms[side][k] for k in shared)
            coref[side].extend(ents[side][x] == ents[side][y] for x, y in combinations(shared, 2))
        for d, cues in ((a, cue_a), (b, cue_b)):
            cues.update({(doc, *q.cue.key): (d, q) for q in d.quotes})
        num_a.update({(doc, *n.span.key): n for n in a.numbers})
        num_b.update({(doc, *n.span.key): n for n in b.numbers})
    out: dict = {}
    out["ner"] = {
        "strict_span_type": _f1(ner_a, ner_b),
        "span_only": _f1({s[:3] for s in ner_a}, {s[:3] for s in ner_b}),
        "token_kappa": _kappa(tags_a, tags_b),
        "form_kappa": _kappa(*form),
        "coreference_pair_agreement": _share(list(zip(*coref)), lambda x: x[0] == x[1]),
    }

    def quotes(cues: dict, what) -> set:
        return {(k, *what(d, q)) for k, (d, q) in cues.items()}

    both = sorted(set(cue_a) & set(cue_b))
    out["quotes"] = {
        "cue": _f1(set(cue_a), set(cue_b)),
        "content_exact": _f1(quotes(cue_a, lambda d, q: q.content.key), quotes(cue_b, lambda d, q: q.content.key)),
        "source": _f1(quotes(cue_a, lambda d, q: q.source.key), quotes(cue_b, lambda d, q: q.source.key)),
        "speaker_agreement_on_shared_cues": _share(
            both, lambda k: _speaker_key(*cue_a[k]) == _speaker_key(*cue_b[k])),
        "end_to_end": _f1(quotes(cue_a, lambda d, q: (q.content.key, _speaker_key(d, q))),
                          quotes(cue_b, lambda d, q: (q.content.key, _speaker_key(d, q)))),
        "type_kappa": _kappa([cue_a[k][1].type for k in both], [cue_b[k][1].type for k in both]),
    }
    nboth = sorted(set(num_a) & set(num_b))
    out["numbers"] = {
        "span": _f1(set(num_a), set(num_b)),
        "end_to_end": _f1({(k, n.value, n.kind) for k, n in num_a.items()}, {(k, n.value, n.kind) for k, n in num_b.items()}),
        "value_agreement_on_shared_spans": _share(nboth, lambda k: num_a[k].value == num_b[k].value),
        "kind_kappa": _kappa([num_a[k].kind for k in nboth], [num_b[k].kind for k in nboth]),
        "unit_agreement_on_shared_spans": _share(nboth, lambda k: num_a[k].unit == num_b[k].unit),
    }
    return out


def _share(units: list, same) -> float | None:
    """The share of `units` on which the passes agree (`same(unit)`), or None when there are none."""
    return round(sum(map(same, units)) / len(units), 4) if units else None


def agreement(a: Gold, b: Gold) -> dict:
    """Agreement of two passes (documents matched by id): per document, and pooled over the corpus
    when there are several documents."""
    pairs = [(d, b.document(d.id)) for d in a.documents]
    return {
        "pass_a": {"version": a.version, "sha256": a.sha256},
        "pass_b": {"version": b.version, "sha256": b.sha256},
        **({"corpus": pooled_agreement(pairs)} if len(pairs) > 1 else {}),
        "documents": {d.id: document_agreement(d, other) for d, other in pairs},
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
