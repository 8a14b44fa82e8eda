"""Time `khabar leaderboard` as a user runs it: without the model cache, first runs with an empty
cache (a fresh machine), and repeat runs on the cache the first run filled; check that all
of them write the same files, and say which systems ran.

Every number is a whole process (`khabar leaderboard --out DIR`, the console script as a user
types it: interpreter start, imports, fitting or reading the models, scoring, charts), and
every ratio is taken inside this one run, against a peer measured beside it (`python -c
"import sklearn"`, the floor of any scikit-learn program, and the uncached run), so the load
of a shared machine moves the absolute times more than the ratios. The cache is a folder of
this run (`KHABAR_CACHE`), never the user's.

Identical outputs: every file the uncached run wrote (predictions, scores, leaderboard.json,
.csv and .md, the three charts) must be byte for byte the same in the cached runs, except the
per-system `seconds` in leaderboard.json (wall time) and the manifest's checksum of that
file. Exits 1 if anything else differs.

    python benchmarks/leaderboard_speed.py                # uncached, 3 first runs, 3 repeats (about 2 minutes)
    python benchmarks/leaderboard_speed.py --first-runs 1 --repeats 1 --peer-rounds 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from processes import khabar, run_one  # this folder's, beside the script

FIRST_TARGET = 15.0
"""Issue 15's target for a first run on a fresh machine, in seconds."""
REPEAT_TARGET = 8.0
"""Issue 15's target for a repeat run, in seconds."""
IGNORED = {"leaderboard.json": "seconds", ".khabar-manifest": "leaderboard.json"}
"""What may differ between runs: the wall times in leaderboard.json, and the manifest's checksum of it."""


def run(cmd: list[str], env: dict) -> tuple[float, float]:
    """Run `cmd` to the end (`run_one`): its wall seconds and its CPU seconds, the processes it
    forked included. Exits the script if it fails."""
    r = run_one(cmd, env)
    if r["code"] != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {r['code']}:\n{r['stderr'][-2000:]}")
    return r["wall"], r["cpu"]


def leaderboard(out: Path, cache: str, env: dict) -> tuple[float, float]:
    """One whole `khabar leaderboard --out OUT` with `KHABAR_CACHE=cache`; its wall and CPU seconds."""
    return run([*khabar(), "leaderboard", "--out", str(out)], {**env, "KHABAR_CACHE": cache})


def comparable(path: Path) -> bytes | object:
    """A file's content with what may legitimately differ between runs (`IGNORED`) taken out."""
    data = path.read_bytes()
    if path.name == "leaderboard.json":
        board = json.loads(data)
        for s in board["systems"]:
            s.pop("seconds")
        return board
    if path.name == ".khabar-manifest":
        manifest = json.loads(data)
        manifest["files"].pop("leaderboard.json")
        return manifest
    return data


def differences(a: Path, b: Path) -> list[str]:
    """Every file that is missing from either folder or differs (beyond `IGNORED`)."""
    names_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    names_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    bad = [f"only in {a.name}: {n}" for n in sorted(names_a - names_b)]
    bad += [f"only in {b.name}: {n}" for n in sorted(names_b - names_a)]
    bad += [f"differs: {n}" for n in sorted(names_a & names_b) if comparable(a / n) != comparable(b / n)]
    return bad


def cache_size(folder: Path) -> str:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return f"{len(files)} entries, {sum(p.stat().st_size for p in files) / 1e6:.0f} MB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--first-runs", type=int, default=3,
                    help="First runs, each on an empty cache of its own (median reported).")
    ap.add_argument("--repeats", type=int, default=3, help="Repeat runs on the filled cache (median reported).")
    ap.add_argument("--peer-rounds", type=int, default=3, help="Runs of the peer `python -c \"import sklearn\"`.")
    args = ap.parse_args()
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    bad: list[str] = []
    with tempfile.TemporaryDirectory(prefix="khabar-lb-speed-") as tmp:
        root = Path(tmp)
        env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")  # bytecode cached, as for an installed package
        run([*khabar(), "--help"], env)  # fill the bytecode cache, untimed
        run([sys.executable, "-c", "import sklearn"], env)
        peer = statistics.median(run([sys.executable, "-c", "import sklearn"], env)[0] for _ in range(args.peer_rounds))
        uncached = leaderboard(root / "uncached", "off", env)
        firsts = [leaderboard(root / f"first{i}", str(root / f"cache{i}"), env) for i in range(args.first_runs)]
        cache = root / "cache0"
        filled = cache_size(cache)
        repeats = [leaderboard(root / f"repeat{i}", str(cache), env) for i in range(args.repeats)]
        for name in [*(f"first{i}" for i in range(args.first_runs)), *(f"repeat{i}" for i in range(args.repeats))]:
            bad += [f"{name} vs uncached: {d}" for d in differences(root / "uncached", root / name)]
        n_files = sum(1 for p in (root / "uncached").rglob("*") if p.is_file())
        board = json.loads((root / "uncached" / "leaderboard.json").read_bytes())
    first = (statistics.median(w for w, _ in firsts), statistics.median(c for _, c in firsts))
    repeat = (statistics.median(w for w, _ in repeats), statistics.median(c for _, c in repeats))
    print(f"khabar leaderboard (whole process; {os.cpu_count()} cores; python {sys.version.split()[0]}, "
          f"bytecode cached)")
    print(f"{'':24} {'wall s':>7} {'cpu s':>6} {'x uncached':>11} {'x import sklearn':>17}   target")
    for label, (t, cpu), target in (("uncached (cache off)", uncached, None),
                                    ("first run (median)", first, FIRST_TARGET),
                                    ("repeat run (median)", repeat, REPEAT_TARGET)):
        goal = "" if target is None else f"< {target:.0f} s: {'met' if t < target else 'NOT met'}"
        print(f"{label:24} {t:7.2f} {cpu:6.1f} {t / uncached[0]:10.2f}x {t / peer:16.1f}x   {goal}")
    print(f"peer: python -c \"import sklearn\" {peer:.2f} s (median of {args.peer_rounds}); first runs: "
          + ", ".join(f"{w:.2f}" for w, _ in firsts) + " s; repeats: " + ", ".join(f"{w:.2f}" for w, _ in repeats)
          + f" s; cache after a first run: {filled}")
    skipped = board.get("skipped", {})
    print(f"systems run: {', '.join(s['system'] for s in board['systems'])}; skipped: "
          + ("; ".join(f"{k} ({v.split(':')[0]})" for k, v in skipped.items()) or "none"))
    if bad:
        print(f"MISMATCH ({len(bad)}):")
        for line in bad[:20]:
            print("  " + line)
        sys.exit(1)
    print(f"identical outputs: all {n_files} files of the first and every repeat run = the uncached run's "
          "(leaderboard.json's per-system seconds aside)")


if __name__ == "__main__":
    main()
