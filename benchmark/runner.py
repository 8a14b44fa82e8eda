"""Running one system: predict the gold documents and write the predictions file."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import KhabarError


def run_system(name: str, output: str | Path, gold_path: str | Path | None = None, overwrite: bool = False,
               **options) -> int:
    """Run system `name` (with its keyword `options`) on the gold documents; write JSON Lines
    predictions to `output` (never over an existing file unless `overwrite`). Returns the
    number of documents predicted."""
    from khabar.baselines import get_system

    from .gold import load_gold
    from .predictions import write_predictions
    from .writer import check_target

    out = check_target(output, overwrite)
    gold = load_gold(gold_path)
    try:
        system = get_system(name, **options)
    except TypeError as e:
        raise KhabarError(f"system {name!r}: bad option ({e})") from None
    preds = system.predict(gold.documents)
    write_predictions(preds, out, overwrite=overwrite)
    summary = getattr(system, "summary", None)
    if callable(summary):
        text = summary()
        if text:
            print(text, file=sys.stderr)
    return len(preds)
