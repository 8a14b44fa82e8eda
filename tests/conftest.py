"""Shared fixtures: the real shipped gold and the repo root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from khabar.gold import DEFAULT_GOLD, load_gold

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """Every test (and every process a test starts) caches models in a folder of this session,
    never in the user's `~/.cache/khabar`."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KHABAR_CACHE", str(tmp_path_factory.mktemp("khabar-cache")))
        yield


@pytest.fixture(scope="session")
def gold():
    return load_gold(DEFAULT_GOLD)


@pytest.fixture(scope="session")
def doc(gold):
    return gold.documents[0]


# Tests that skip where an optional tool or outside file is missing (a developer's machine)
# must not skip in CI, which installs them all: there a skip for one of these reasons fails.
REQUIRED_IN_CI = ("chromium", "torch", "transformers", "Wojood", "Recognizers-Text", "oldest datasets", "lm_eval",
                  "inspect_ai", "KHABAR_SLOW_TESTS")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if os.environ.get("CI") and rep.skipped:
        reason = str(rep.longrepr[2] if isinstance(rep.longrepr, tuple) else rep.longrepr)
        if any(k in reason for k in REQUIRED_IN_CI):
            rep.outcome = "failed"
            rep.longrepr = f"skipped in CI, where it must run: {reason}"
