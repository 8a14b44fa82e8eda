"""Speed and memory of khabar's NER scorer against seqeval and nervaluate, on one synthetic corpus.

Writes a conlleval-format corpus of N tokens (default 4,000,000; well-formed IOB2 gold and
predictions, about 8 entities per 100 tokens, a system of roughly 0.85-0.9 F1), then scores it
in separate child processes, each reading the same file:

    khabar       `score_conll(path)`: all four modes, micro, macro and per type, streamed
    seqeval      classification_report, default (conlleval) mode
    seqeval-strict  classification_report(mode='strict', scheme=IOB2)
    nervaluate   Evaluator(...).evaluate(), all four modes

and checks that the numbers agree: khabar strict micro/macro P/R/F1 and per-type against both
seqeval runs, and every mode's five counts (micro and per type) against nervaluate. It prints
wall time (reading included), tokens per second, peak memory (max RSS of the child) and
khabar's speed-up over each peer (by wall time, and by CPU time, which the load of a shared
machine disturbs less), and khabar's peak memory on a quarter of the corpus beside the whole,
to show that it does not grow. Exits 1 if any number differs.

    python benchmarks/score_speed.py                      # 4M tokens
    python benchmarks/score_speed.py --tokens 1000000 --boot --cold
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

TYPES = ("PER", "ORG", "LOC", "MISC")


def write_corpus(path: str, n_tokens: int, seed: int = 0) -> int:
    """A synthetic conlleval file: `word gold pred` lines, blank line between sentences."""
    rng = random.Random(seed)
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        while n < n_tokens:
            size = rng.randint(8, 40)
            gold = ["O"] * size
            ents = []
            i = 0
            while i < size:
                if rng.random() < 0.08:
                    k = min(rng.choice((1, 1, 1, 2, 2, 3)), size - i)
                    t = rng.choice(TYPES)
                    ents.append((i, i + k, t))
                    for j in range(i, i + k):
                        gold[j] = ("B-" if j == i else "I-") + t
                    i += k + 1
                else:
                    i += 1
            pred = ["O"] * size
            for s, e, t in ents:
                r = rng.random()
                if r < 0.05:
                    continue  # missed
                if r < 0.09:
                    t = rng.choice([x for x in TYPES if x != t])  # wrong type
                elif r < 0.12 and e < size and gold[e] == "O":
                    e += 1  # boundary too long
                elif r < 0.15 and e - s > 1:
                    e -= 1  # boundary too short
                for j in range(s, e):
                    pred[j] = ("B-" if j == s else "I-") + t
            for j in range(size):
                if gold[j] == "O" and pred[j] == "O" and rng.random() < 0.006:
                    pred[j] = "B-" + rng.choice(TYPES)  # spurious
            f.write("".join(f"w{rng.randint(0, 99999)} {g} {p}\n" for g, p in zip(gold, pred)) + "\n")
            n += size
    return n


def read_lists(path: str):
    """The tag sequences of a conlleval file, as seqeval and nervaluate take them."""
    y_true, y_pred, g, p = [], [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.split()
            if not cols:
                if g:
                    y_true.append(g)
                    y_pred.append(p)
                    g, p = [], []
                continue
            g.append(cols[-2])
            p.append(cols[-1])
    if g:
        y_true.append(g)
        y_pred.append(p)
    return y_true, y_pred


# --- the children: each scores the file and prints one JSON line ----------------------------------


def child(tool: str, path: str) -> dict:
    t0 = time.perf_counter()
    c0 = time.process_time()
    out: dict = {}
    if tool == "khabar":
        from khabar.scoring.conll import score_conll

        r = score_conll(path, n_boot=0)
        for row in r.rows:
            out[f"{row.metric}/{row.label}"] = [row.score.correct, row.score.incorrect, row.score.partial,
                                                row.score.missed, row.score.spurious, row.score.p, row.score.r,
                                                row.score.f1]
    elif tool == "khabar-boot":
        from khabar.scoring.conll import score_conll

        r = score_conll(path, n_boot=1000, seed=0)
        m = r.get("ner", "strict")
        out["strict/micro"] = [m.f1, m.ci_low, m.ci_high]
    elif tool.startswith("seqeval"):
        from seqeval.metrics import classification_report
        from seqeval.scheme import IOB2

        y_true, y_pred = read_lists(path)
        kw = {"mode": "strict", "scheme": IOB2} if tool == "seqeval-strict" else {}
        d = classification_report(y_true, y_pred, output_dict=True, **kw)
        out = {k: [float(v["precision"]), float(v["recall"]), float(v["f1-score"]), int(v["support"])]
               for k, v in d.items()}
    elif tool == "nervaluate":
        from nervaluate import Evaluator

        y_true, y_pred = read_lists(path)
        res = Evaluator(y_true, y_pred, tags=list(TYPES), loader="list").evaluate()
        for mode, v in res["overall"].items():
            out[f"{mode}/micro"] = [v.correct, v.incorrect, v.partial, v.missed, v.spurious]
        for label, modes in res["entities"].items():
            for mode, v in modes.items():
                out[f"{mode}/{label}"] = [v.correct, v.incorrect, v.partial, v.missed, v.spurious]
    else:
        raise SystemExit(f"unknown tool {tool}")
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"tool": tool, "wall": wall, "cpu": cpu, "peak_mb": peak, "numbers": out}


def run_child(tool: str, path: str) -> dict:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run([sys.executable, __file__, "--child", tool, path], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{tool} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def baseline_mb() -> float:
    """Peak RSS of a child that only imports numpy (the floor under every measurement)."""
    proc = subprocess.run([sys.executable, "-c", "import numpy, resource; "
                           "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"],
                          capture_output=True, text=True)
    return float(proc.stdout.strip())


def cold_start(repeats: int = 5) -> str:
    """Wall time of the whole `khabar score` command on the shipped gold (oracle predictions),
    a fresh interpreter each time, bootstrap on (1,000 resamples)."""
    from khabar.baselines import get_system
    from khabar import load_gold
    from khabar.predictions import write_predictions

    gold = load_gold()
    with tempfile.TemporaryDirectory() as tmp:
        pred = write_predictions(get_system("oracle").predict(gold.documents), os.path.join(tmp, "p.jsonl"))
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", "from khabar.cli import main; main()", "score", str(pred)],
                           check=True, capture_output=True)
            times.append(time.perf_counter() - t)
    return (f"khabar score on the shipped gold, cold start: median {sorted(times)[len(times) // 2]:.2f} s, "
            f"max {max(times):.2f} s over {repeats} runs")


def check(results: dict[str, dict]) -> list[str]:
    """Every disagreement between khabar and the peers, as readable lines."""
    bad = []
    k = results["khabar"]["numbers"]
    for tool in ("seqeval", "seqeval-strict"):
        s = results[tool]["numbers"]
        for key, (p, r, f, _support) in s.items():
            label = {"micro avg": "micro", "macro avg": "macro"}.get(key, key)
            if key == "weighted avg":
                continue
            mine = k.get(f"strict/{label}")
            if mine is None or any(abs(a - b) > 1e-9 for a, b in zip(mine[5:8], (p, r, f))):
                bad.append(f"{tool} {key}: {(p, r, f)} vs khabar {mine and mine[5:8]}")
    n = results["nervaluate"]["numbers"]
    for key, counts in n.items():
        mode, label = key.split("/")
        mine = k.get(f"{'type' if mode == 'ent_type' else mode}/{label}")
        if mine is None or list(mine[:5]) != counts:
            bad.append(f"nervaluate {key}: {counts} vs khabar {mine and mine[:5]}")
    return bad


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tokens", type=int, default=4_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--boot", action="store_true", help="Also time khabar with 1,000 bootstrap resamples.")
    ap.add_argument("--cold", action="store_true", help="Also time `khabar score` on the shipped gold, cold.")
    ap.add_argument("--child", nargs=2, metavar=("TOOL", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "corpus.conll")
        n = write_corpus(path, args.tokens, args.seed)
        size = os.path.getsize(path) / 1e6
        print(f"corpus: {n:,} tokens, {size:.1f} MB, conlleval format ({path})")
        tools = ["khabar", "seqeval", "seqeval-strict", "nervaluate"] + (["khabar-boot"] if args.boot else [])
        results = {t: run_child(t, path) for t in tools}
        small = os.path.join(tmp, "quarter.conll")
        n_small = write_corpus(small, n // 4, args.seed + 1)
        quarter = run_child("khabar", small)
    floor = baseline_mb()
    kw, kc = results["khabar"]["wall"], results["khabar"]["cpu"]
    print(f"{'tool':16} {'wall s':>8} {'Mtok/s':>8} {'cpu s':>8} {'peak MB':>8} {'speed-up (wall)':>16} "
          f"{'(cpu)':>7}")
    for t in tools:
        r = results[t]
        print(f"{t:16} {r['wall']:8.2f} {n / r['wall'] / 1e6:8.2f} {r['cpu']:8.2f} {r['peak_mb']:8.0f} "
              f"{r['wall'] / kw:15.1f}x {r['cpu'] / kc:6.1f}x")
    print(f"(wall and cpu include imports and reading the file; peak MB is the child's max RSS, and a "
          f"child that only imports numpy peaks at {floor:.0f} MB)")
    print(f"khabar's peak memory does not grow with the corpus: {quarter['peak_mb']:.0f} MB on {n_small:,} tokens, "
          f"{results['khabar']['peak_mb']:.0f} MB on {n:,}")
    if args.cold:
        print(cold_start())
    bad = check(results)
    if bad:
        print(f"MISMATCH ({len(bad)}):")
        for line in bad[:20]:
            print("  " + line)
        sys.exit(1)
    print("identical numbers: khabar strict = seqeval (default and strict, micro, macro, per type); "
          "khabar counts = nervaluate (4 modes, micro and per type)")


if __name__ == "__main__":
    main()
