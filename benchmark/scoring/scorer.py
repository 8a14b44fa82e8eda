"""`score`: predictions against the gold into a `Report`, the one entry point every command uses."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Gold, Prediction
from .corpus import resolve_tasks, tally
from .details import Detail
from .overlap import OVERLAP_THRESHOLD
from .report import Report, build
from .signature import Signature, gold_id


def settings_for(gold: Gold, tasks: Sequence[str], scheme: str, n_boot: int, seed: int,
                 overlap: float = OVERLAP_THRESHOLD, unit: str = "paragraph") -> Signature:
    """The signature settings of a run over `gold`."""
    from ..version import __version__

    return Signature(__version__, gold_id(gold.version, gold.sha256), tuple(tasks), "all", scheme, overlap, unit,
                     n_boot, seed)


def score(gold: Gold, predictions: Sequence[Prediction], *, tasks=None, scheme: str = "fine", n_boot: int = 1000,
          seed: int = 0, overlap: float = OVERLAP_THRESHOLD, label_map: dict[str, str] | None = None) -> Report:
    """Score `predictions` against `gold` on `tasks` (default: the tasks the predictions fill).

    `scheme` is 'fine' or 'coarse' (NER); `n_boot` bootstrap resamples of paragraphs, seeded
    by `seed`, give the 95% intervals (0 turns them off); `overlap` is the token-Dice threshold
    of the overlap matches; `label_map` renames predicted NER labels before scoring.
    """
    from ..params import check_choice, check_fraction, check_n_boot, check_seed
    from ..predictions import check_predictions
    from ..schema import SCHEMES

    check_choice(scheme, SCHEMES, "scheme")
    check_n_boot(n_boot)
    check_seed(seed)
    check_fraction(overlap, "overlap", open_low=True)
    check_predictions(predictions, gold, label_map)
    tasks = resolve_tasks(tasks, predictions)
    details: list[Detail] = []
    notes: list[str] = []
    t = tally(gold, predictions, tasks=tasks, scheme=scheme, overlap=overlap, label_map=label_map,
              details=details, notes=notes)
    return build(t, settings_for(gold, tasks, scheme, n_boot, seed, overlap), details, notes)
