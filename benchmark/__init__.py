"""khabar: an evaluation benchmark for Arabic news information extraction.

The library: the gold data model and reader (`gold`, `model`), the tokeniser (`tokens`), the
IOB2 view (`iob`), the validator (`validate`) and the scorer (`scoring`).
"""

from __future__ import annotations

from .lazy import lazy_names
from .version import __version__

from .errors import KhabarError

_WHERE = {"load_gold": "gold", "load_split": "gold", "Document": "model", "Entity": "model", "Gold": "model",
          "Mention": "model", "Number": "model", "Prediction": "model", "Quote": "model", "Span": "model"}
"""Names loaded on first use (PEP 562): `khabar --help` and `khabar score --conll` never read the
gold model."""


def load(name: str = "ner", split: str | None = None):
    """The gold as a `datasets.DatasetDict` of its `validation` (dev) and `test` splits (or one
    split's `Dataset`) for config `name`: 'ner', 'quotes', 'numbers' or 'documents'. See
    `khabar.hub.load`."""
    from .hub import load as _load

    return _load(name, split=split)


def metric_path() -> str:
    """The folder of khabar's `evaluate` metric, for `evaluate.load(khabar.metric_path())`: the
    copy the wheel ships (`khabar/metrics/khabar`) or, in a checkout, `metrics/khabar`. It is
    also a Hugging Face Space (app.py, README.md, requirements.txt), ready to push."""
    from pathlib import Path

    here = Path(__file__).resolve().parent
    for folder in (here / "metrics" / "khabar", here.parent / "metrics" / "khabar"):
        if (folder / "khabar.py").is_file():
            return str(folder)
    raise KhabarError("khabar's evaluate metric is missing from this install (no metrics/khabar/khabar.py)")


__all__ = [
    "__version__",
    "Document",
    "Entity",
    "Gold",
    "KhabarError",
    "Mention",
    "Number",
    "Prediction",
    "Quote",
    "Span",
    "load",
    "load_gold",
    "load_split",
    "metric_path",
]

__getattr__, __dir__ = lazy_names(__name__, _WHERE, __all__)
