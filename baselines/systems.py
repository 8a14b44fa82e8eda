"""Registers the built-in systems. One line per system; each lives in its own module."""

from __future__ import annotations

from .base import Entry, register

register(Entry("oracle", "baselines.sanity:Oracle", description="Reads the gold: must score 1.0 everywhere."))
register(Entry("empty", "baselines.sanity:Empty", description="Predicts nothing: must score recall 0."))
