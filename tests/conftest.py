"""Shared fixtures: the real shipped gold and the repo root."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmark.gold import DEFAULT_GOLD, load_gold

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def gold():
    return load_gold(DEFAULT_GOLD)


@pytest.fixture(scope="session")
def doc(gold):
    return gold.documents[0]
