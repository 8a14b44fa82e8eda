"""Mergeable counts: the five outcome counts of every metric line, kept per resampling unit.

A `Tally` is what scoring produces before any ratio is taken. Tallies of disjoint shards add up
(`a + b`), and the per-unit rows are what the bootstrap resamples, so the confidence intervals
of a merged tally equal those of scoring the whole at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .prf import CATEGORIES

Key = tuple[str, str, str, str]
"""(task, subset, metric, label): 'ner', 'all', 'strict', 'micro' for example."""


@dataclass
class Tally:
    """Counts of shape (units, keys, 5): one row per resampling unit, one column per metric line."""

    units: list[str]
    keys: list[Key]
    data: np.ndarray
    unit_kind: str = "paragraph"

    def __post_init__(self) -> None:
        assert self.data.shape == (len(self.units), len(self.keys), len(CATEGORIES)), self.data.shape

    @classmethod
    def empty(cls, unit_kind: str = "paragraph") -> "Tally":
        return cls([], [], np.zeros((0, 0, len(CATEGORIES)), dtype=np.int64), unit_kind)

    def totals(self) -> dict[Key, np.ndarray]:
        """Summed counts per metric line."""
        s = self.data.sum(axis=0)
        return {k: s[i] for i, k in enumerate(self.keys)}

    def column(self, key: Key) -> np.ndarray:
        """Per-unit counts (units, 5) of one line (zeros if the line is absent)."""
        try:
            return self.data[:, self.keys.index(key), :]
        except ValueError:
            return np.zeros((len(self.units), len(CATEGORIES)), dtype=np.int64)

    def with_keys(self, keys: list[Key]) -> "Tally":
        """The same counts laid out over `keys` (a superset), absent lines as zeros."""
        if keys == self.keys:
            return self
        out = np.zeros((len(self.units), len(keys), len(CATEGORIES)), dtype=self.data.dtype)
        pos = {k: i for i, k in enumerate(keys)}
        for i, k in enumerate(self.keys):
            out[:, pos[k], :] = self.data[:, i, :]
        return Tally(list(self.units), list(keys), out, self.unit_kind)

    def __add__(self, other: "Tally") -> "Tally":
        """Concatenate the units of two tallies over the union of their metric lines."""
        keys = list(self.keys) + [k for k in other.keys if k not in set(self.keys)]
        a, b = self.with_keys(keys), other.with_keys(keys)
        data = np.concatenate([a.data, b.data], axis=0)
        return Tally(a.units + b.units, keys, data, self.unit_kind if self.units else other.unit_kind)


@dataclass
class Accumulator:
    """Collects (unit, key, category) events and builds a `Tally`."""

    unit_kind: str = "paragraph"
    units: dict[str, int] = field(default_factory=dict)
    keys: dict[Key, int] = field(default_factory=dict)
    events: list[tuple[int, int, int]] = field(default_factory=list)

    def unit(self, name: str) -> int:
        return self.units.setdefault(name, len(self.units))

    def key(self, key: Key) -> int:
        return self.keys.setdefault(key, len(self.keys))

    def add(self, unit: str, key: Key, category: int, n: int = 1) -> None:
        u, k = self.unit(unit), self.key(key)
        self.events.extend([(u, k, category)] * n)

    def tally(self) -> Tally:
        data = np.zeros((len(self.units), len(self.keys), len(CATEGORIES)), dtype=np.int64)
        if self.events:
            idx = np.asarray(self.events, dtype=np.int64)
            np.add.at(data, (idx[:, 0], idx[:, 1], idx[:, 2]), 1)
        return Tally(list(self.units), list(self.keys), data, self.unit_kind)
