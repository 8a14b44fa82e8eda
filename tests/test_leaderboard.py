"""The leaderboard runs every available system, and the committed results are a regression gate:
a baseline that now scores lower than its committed scores fails here."""

import json
import subprocess
import sys

import pytest

from khabar.baselines import available_systems
from khabar.leaderboard import TASKS, leaderboard
from khabar.predictions import write_predictions
from tests.conftest import REPO

RESULTS = REPO / "results"
COMMITTED = sorted(p.stem for p in (RESULTS / "scores").glob("*.json"))


@pytest.fixture(scope="module")
def board(gold):
    return leaderboard(gold=gold, n_boot=200, seed=0, out_dir=None)


def test_every_runnable_system_is_on_the_board(board):
    ok, skipped = available_systems()
    assert [r.system for r in board.rows] == ok
    assert set(board.skipped) == set(skipped)
    assert {"oracle", "empty", "rules"} <= set(ok)


def test_sanity_systems(board):
    rows = {r.system: r for r in board.rows}
    for task in TASKS:
        for split in (rows["oracle"].metrics, rows["oracle"].dev):
            assert split[task]["f1"] == 1.0 and split[task]["p"] == 1.0
        assert rows["empty"].metrics[task]["r"] == 0.0 and rows["empty"].dev[task]["r"] == 0.0


def test_every_system_is_reported_on_dev_beside_test(board):
    """The protocol: each row carries the dev score, and the dev signature names the dev gold."""
    from khabar.gold import load_split

    dev = load_split("dev")
    assert board.dev_hash == dev.sha256 and dev.short_hash in board.dev_signature
    for r in board.rows:
        assert set(r.dev) == set(r.metrics), r.system
    md = board.to_markdown()
    assert "dev F1" in md and board.dev_signature in md
    frame = board.to_frame()
    assert set(frame["split"]) == {"test", "validation"}


def test_committed_leaderboard_matches_the_committed_scores():
    board = json.loads((RESULTS / "leaderboard.json").read_text(encoding="utf-8"))
    for row in board["systems"]:
        scores = json.loads((RESULTS / "scores" / f"{row['system']}.json").read_text(encoding="utf-8"))
        for task, m in row["tasks"].items():
            assert m["f1"] == round(scores["headline"][task]["f1"], 4)


@pytest.mark.parametrize("stem", COMMITTED)
def test_no_baseline_regressed(stem, gold, tmp_path):
    """Each committed score (`NAME.json` on test, `NAME.dev.json` on dev) is a regression gate."""
    from khabar.gold import split_path

    name, _, split = stem.partition(".")
    ok, skipped = available_systems()
    if name not in ok:
        pytest.skip(f"{name}: {skipped.get(name)}")
    from khabar.baselines import get_system
    from khabar.gold import load_split

    system = get_system(name)
    if getattr(system, "train_path", "") is None:  # crf on a clone without Wojood's sample: another model
        pytest.skip(f"{name}: trained here without Wojood's sample; its committed scores were trained with it")
    target = load_split("dev") if split == "dev" else gold
    preds = system.predict(target.documents)
    path = write_predictions(preds, tmp_path / f"{stem}.jsonl")
    r = subprocess.run([sys.executable, "-m", "khabar", "check", str(path), "--baseline",
                        str(RESULTS / "scores" / f"{stem}.json"), "--tolerance", "0.01",
                        "--gold", str(split_path("dev" if split == "dev" else "test"))],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_gate_catches_a_drop(gold, tmp_path):
    from khabar.baselines import get_system

    preds = get_system("rules").predict(gold.documents)
    for p in preds:
        p.entities = p.entities[::2]
    path = write_predictions(preds, tmp_path / "worse.jsonl")
    r = subprocess.run([sys.executable, "-m", "khabar", "check", str(path), "--baseline",
                        str(RESULTS / "scores" / "rules.json")], capture_output=True, text=True)
    assert r.returncode == 1
    assert "ner" in r.stdout + r.stderr


def test_readme_shows_the_committed_table():
    """The README's leaderboard is the committed one, cell for cell (no drift)."""
    from khabar.leaderboard import markdown_row

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    board = json.loads((RESULTS / "leaderboard.json").read_text(encoding="utf-8"))
    for row in board["systems"]:
        assert markdown_row(row) in readme, row["system"]
    assert board["gold"]["sha256"][:12] in readme and board["dev"]["sha256"][:12] in readme


def test_the_quick_start_changes_no_committed_file(tmp_path):
    """`khabar leaderboard` without --out writes ./khabar-results (git-ignored), never the
    committed results/ the README shows."""
    before = {p: p.read_bytes() for p in RESULTS.rglob("*") if p.is_file()}
    r = subprocess.run([sys.executable, "-m", "khabar", "leaderboard", "-s", "oracle", "-s", "empty", "--n-boot", "0"],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "khabar-results" / "leaderboard.json").is_file()
    assert {p: p.read_bytes() for p in RESULTS.rglob("*") if p.is_file()} == before
    assert "khabar-results/" in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
