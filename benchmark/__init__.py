"""khabar: an evaluation benchmark for Arabic news information extraction.

The library: the gold data model and reader (`gold`, `model`), the tokeniser (`tokens`), the
IOB2 view (`iob`), the validator (`validate`) and the scorer (`scoring`).
"""

from __future__ import annotations

from .version import __version__

from .errors import KhabarError
from .gold import load_gold, load_split
from .model import Document, Entity, Gold, Mention, Number, Prediction, Quote, Span



def load(name: str = "ner", split: str | None = None):
    """The gold as a `datasets.DatasetDict` of its `validation` (dev) and `test` splits (or one
    split's `Dataset`) for config `name`: 'ner', 'quotes', 'numbers' or 'documents'. See
    `khabar.hub.load`."""
    from .hub import load as _load

    return _load(name, split=split)


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
]
