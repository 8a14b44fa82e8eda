"""The task registry: NER, quotes and numbers as three objects of one protocol.

A task scorer says what a task is called, which prediction field fills it, which line is its
headline, which of its lines are accuracies, how to read one predicted item and how to tally
one document. `TASKS`, `HEADLINE` and `ACCURACY_LINES` derive from `REGISTRY`, and scoring a
corpus is one loop over it, so a fourth task is one module and one line below.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import ner, numbers, quotes
from .counts import Accumulator
from .details import Detail
from .overlap import OVERLAP_THRESHOLD

if TYPE_CHECKING:  # `khabar score --conll` reads the registry (rows, macros), not the gold model
    from ..model import PredEntity, PredNumber, PredQuote, Span


@dataclass
class Context:
    """What a document's tally needs besides the document and the items: settings of the run,
    the paragraph of an offset (`unit_of`) and where per-item outcomes go (`details`)."""

    unit_of: Callable[[int], str]
    scheme: str = "fine"
    overlap: float = OVERLAP_THRESHOLD
    label_map: dict[str, str] | None = None
    gold_labels: Sequence[str] = ()
    details: list[Detail] | None = None


@dataclass(frozen=True)
class TaskScorer:
    """One task: its name and prediction field, its headline (subset, metric, label) and what
    the headline measures, its metric lines and those that are accuracies, its item reader
    (`read(item, text, where, label_map)`), the key that makes two items duplicates, its
    document tally, the false positive an unplaceable item becomes (`spurious(span, rec)`), and
    its names for pages (`title`) and plot axes (`short`), and whether its per-label lines get
    a macro average (`macro`)."""

    name: str
    field: str
    headline: tuple[str, str, str]
    headline_text: str
    metrics: tuple[str, ...]
    accuracy: frozenset[str]
    read: Callable
    key: Callable[[object], tuple[int, ...]]  # starts with the item's (start, end)
    tally: Callable[[Accumulator, object, Sequence, Context], None]
    spurious: Callable[[Span, dict], object]
    title: str = ""
    short: str = ""
    macro: bool = False


def _spurious_entity(at: Span, rec: dict) -> PredEntity:
    from ..model import PredEntity

    return PredEntity(at, str(rec.get("type") or (rec.get("item") or {}).get("type") or ""))


def _spurious_quote(at: Span, rec: dict) -> PredQuote:
    from ..model import PredQuote

    return PredQuote(None, at, None)


def _spurious_number(at: Span, rec: dict) -> PredNumber:
    from ..model import PredNumber

    return PredNumber(at, None)


NER = TaskScorer(
    "ner", "entities", ("all", "strict", "micro"), "strict span+type micro F1", ner.MODES, frozenset(),
    ner.read_entity, lambda e: e.span.key,
    lambda acc, doc, items, c: ner.tally_document(acc, doc, items, c.scheme, c.unit_of, c.details, c.label_map,
                                                  c.gold_labels),
    _spurious_entity, title="Named entities", short="NER", macro=True)

QUOTES = TaskScorer(
    "quotes", "quotes", ("all", "attribution", "micro"), "end-to-end attribution F1 (content + speaker)",
    quotes.METRICS, quotes.ACCURACY, quotes.read_quote, quotes.duplicate_key,
    lambda acc, doc, items, c: quotes.tally_document(acc, doc, items, c.unit_of, c.details, c.overlap),
    _spurious_quote, title="Quotes", short="Quotes")

NUMBERS = TaskScorer(
    "numbers", "numbers", ("all", "end_to_end", "micro"), "end-to-end F1 (span + value + kind)",
    numbers.METRICS, numbers.ACCURACY, numbers.read_number, lambda n: n.span.key,
    lambda acc, doc, items, c: numbers.tally_document(acc, doc, items, c.unit_of, c.details, c.overlap),
    _spurious_number, title="Numbers", short="Numbers")

REGISTRY: dict[str, TaskScorer] = {t.name: t for t in (NER, QUOTES, NUMBERS)}
"""Every task, in khabar's task order."""

TASKS: tuple[str, ...] = tuple(REGISTRY)
HEADLINE: dict[str, tuple[str, str, str]] = {t.name: t.headline for t in REGISTRY.values()}
"""(subset, metric, label) of each task's headline line."""
HEADLINE_TEXT: dict[str, str] = {t.name: t.headline_text for t in REGISTRY.values()}
"""What each task's headline line measures, in words."""
ACCURACY_LINES: frozenset[tuple[str, str]] = frozenset((t.name, m) for t in REGISTRY.values() for m in t.accuracy)
"""(task, metric) of the lines that are accuracies over matched items (P = R = F1)."""


def task(name: str) -> TaskScorer:
    """The task scorer called `name`."""
    return REGISTRY[name]
