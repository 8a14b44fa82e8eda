"""khabar inside the LLM evaluation harnesses: EleutherAI's lm-evaluation-harness and the UK
AISI's inspect-ai run khabar's three tasks with khabar's prompts, khabar's alignment of answers
to offsets and khabar's scorer, and write a khabar predictions file as they go, so `khabar
score`, `compare`, `report` and the leaderboard (`register_run`) take a harness run as a system.

- `lmeval`: the lm-eval task group `khabar` (YAMLs in `lm_eval_tasks/`, the folder
  `khabar harness-path lm-eval` prints for `--include_path`); needs the `lm_eval` extra.
- `inspect_tasks`: the inspect tasks `khabar/ner`, `khabar/quotes`, `khabar/numbers` (an
  `inspect_ai` entry point); needs the `inspect` extra.
- `common`: what both share (gold, records, corpus score, the predictions file);
  `replay`: a harness run's predictions files as a registered system.

Nothing here is imported by `import khabar`; neither harness is needed to score their files.
See docs/LLM.md.
"""

from __future__ import annotations

from pathlib import Path

HARNESSES = ("lm-eval", "inspect")


def harness_path(harness: str) -> Path:
    """What a harness needs to find khabar's tasks: for `lm-eval`, the folder to pass as
    `--include_path`; for `inspect`, the tasks file (`inspect eval FILE@ner`)."""
    from khabar.errors import KhabarError

    here = Path(__file__).resolve().parent
    paths = {"lm-eval": here / "lm_eval_tasks", "inspect": here / "inspect_tasks.py"}
    if harness not in paths:
        raise KhabarError(f"unknown harness {harness!r}; expected {' or '.join(HARNESSES)}")
    return paths[harness]


def register_run(name: str, test, dev=None, description: str = ""):
    """Register a harness run (its predictions files on the test split and, optionally, on dev)
    as the system `name`, so `khabar.leaderboard.leaderboard(systems=[..., name])` shows it."""
    from .replay import register_run as _register

    return _register(name, test, dev, description)


__all__ = ["HARNESSES", "harness_path", "register_run"]
