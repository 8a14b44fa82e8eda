"""Growth of `khabar validate` with the size of a gold file, against `json.loads` of the same file.

Builds gold files of 1,000 documents and fewer (copies of the shipped document under fresh ids,
so every record id repeats across documents as in any real multi-document gold), times the
validator (`validate_raw`, the parsed object and its source text) and `json.loads` on each, and
prints both times, the time per document and the ratio validate/json. A linear validator keeps
the ratio flat as the file doubles; a quadratic one doubles it. Exits 1 if the ratio at the
largest size is more than 3x the ratio at the smallest (the validator grew faster than linear).

    python benchmarks/validate_growth.py                 # 125 ... 1000 documents
    python benchmarks/validate_growth.py --sizes 50 100 200
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time


def gold_text(n_docs: int) -> str:
    """A gold file of `n_docs` documents, one record per line (as `write_gold` lays it out)."""
    from khabar.gold import default_gold_path

    raw = json.loads(default_gold_path().read_text(encoding="utf-8"))
    doc = raw["documents"][0]
    docs = []
    for i in range(n_docs):
        d = copy.deepcopy(doc)
        d["id"] = f"doc_{i:05d}"
        docs.append(d)
    return json.dumps({**raw, "documents": docs}, ensure_ascii=False, indent=1)


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[125, 250, 500, 1000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from khabar.validate import validate_raw

    print(f"{'documents':>9} {'MB':>6} {'validate s':>10} {'json s':>8} {'ms/doc':>7} {'validate/json':>13}")
    ratios = []
    for n in args.sizes:
        text = gold_text(n)
        raw = json.loads(text)
        tv = best_of(lambda: validate_raw(raw, "gold.json", text), args.repeat)
        tj = best_of(lambda: json.loads(text), args.repeat)
        problems = validate_raw(raw, "gold.json", text)
        if problems:
            print(f"unexpected problems: {problems[0]}")
            return 1
        ratios.append(tv / tj)
        print(f"{n:9} {len(text.encode()) / 1e6:6.1f} {tv:10.3f} {tj:8.3f} {1000 * tv / n:7.2f} {tv / tj:13.1f}")
    growth = ratios[-1] / ratios[0]
    print(f"ratio growth from {args.sizes[0]} to {args.sizes[-1]} documents: {growth:.2f}x "
          f"(linear: about 1x; quadratic: {args.sizes[-1] / args.sizes[0]:.0f}x)")
    return 0 if growth <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
