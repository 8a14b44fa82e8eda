"""Speed, cold start and memory of `khabar score`, against seqeval and nervaluate, as a user runs them.

Every number is a whole process (interpreter start, imports, reading the file, printing), and
every ratio is taken inside this one run, from the medians of interleaved rounds, so the load
of a shared machine moves the absolute times but hardly the ratios. `khabar` is the console
script pip installed, as a user types it. Three parts:

1. Speed. A synthetic conlleval corpus of N tokens (default 2,000,000; well-formed IOB2 gold
   and predictions, about 8 entities per 100 tokens, a system of roughly 0.85-0.9 F1) scored by

       khabar           `khabar score --conll F --json --n-boot 0`   all four modes, micro, macro, per type
       khabar+CI        `khabar score --conll F --json`              the same with the default 1,000-resample intervals
       seqeval          classification_report, default (conlleval) mode
       seqeval strict   classification_report(mode='strict', scheme=IOB2)
       nervaluate       Evaluator(...).evaluate(), all four modes

   and the numbers checked: khabar strict micro/macro/per-type P/R/F1 against both seqeval
   modes, every mode's five counts (micro and per type) against nervaluate, and khabar+CI's
   point numbers against khabar's. Exits 1 if any differs.
2. Cold start. `khabar score` on the shipped gold (oracle predictions, table output, default
   intervals) against `python -c "import numpy"`, and `khabar --help` against
   `python -c "import typer"`: the floor each command stands on. Beside them, `python -c
   "import numpy, numpy.random, typer"`: the imports `khabar score` cannot do without (its
   command line, its counts, the bootstrap's generator), with numpy on one OpenBLAS thread as
   `khabar` runs it, so what khabar itself adds is the rest.
3. Memory. Peak RSS of `khabar score --conll F --json` (default intervals) on a corpus ten
   times larger (default 20,000,000 tokens), with LF, CRLF and CR line ends, beside the
   peak on N tokens: the file is streamed and the bootstrap grouped, so it does not grow.

    python benchmarks/score_speed.py                 # all three parts (about 5 minutes)
    python benchmarks/score_speed.py --tokens 500000 --rounds 1 --memory-tokens 0
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile

from processes import khabar, run_one  # this folder's, beside the script

TYPES = ("PER", "ORG", "LOC", "MISC")
PEERS = ("seqeval", "seqeval-strict", "nervaluate")
NAMES = {"khabar": "khabar", "khabar-ci": "khabar+CI", "seqeval": "seqeval", "seqeval-strict": "seqeval strict",
         "nervaluate": "nervaluate"}


def write_corpus(path: str, n_tokens: int, seed: int = 0, newline: str = "\n") -> int:
    """A synthetic conlleval file: `word gold pred` lines, blank line between sentences."""
    rng = random.Random(seed)
    n = 0
    with open(path, "w", encoding="utf-8", newline=newline) as f:
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


# --- the peers' children: each reads and scores the file, prints one JSON line -------------------


def peer_child(tool: str, path: str) -> dict:
    if tool.startswith("seqeval"):
        from seqeval.metrics import classification_report
        from seqeval.scheme import IOB2

        y_true, y_pred = read_lists(path)
        kw = {"mode": "strict", "scheme": IOB2} if tool == "seqeval-strict" else {}
        d = classification_report(y_true, y_pred, output_dict=True, **kw)
        return {k: [float(v["precision"]), float(v["recall"]), float(v["f1-score"]), int(v["support"])]
                for k, v in d.items()}
    if tool == "nervaluate":
        from nervaluate import Evaluator

        y_true, y_pred = read_lists(path)
        res = Evaluator(y_true, y_pred, tags=list(TYPES), loader="list").evaluate()
        out = {}
        for mode, v in res["overall"].items():
            out[f"{mode}/micro"] = [v.correct, v.incorrect, v.partial, v.missed, v.spurious]
        for label, modes in res["entities"].items():
            for mode, v in modes.items():
                out[f"{mode}/{label}"] = [v.correct, v.incorrect, v.partial, v.missed, v.spurious]
        return out
    raise SystemExit(f"unknown tool {tool}")


# --- running whole processes ---------------------------------------------------------------------


ENV = dict(os.environ, PYTHONWARNINGS="ignore")
"""The children's environment: Python's bytecode cache on, in a folder of this run
(`PYTHONPYCACHEPREFIX`), as for an installed package; a PYTHONDONTWRITEBYTECODE=1 would make
every process compile khabar's modules from source again (set in `main`)."""


class Launcher:
    """A small process, started first, that starts every measured command. A child's peak RSS
    counts the memory of the process it was forked from (Linux keeps the high-water mark
    across exec), so children forked from this script, grown by numpy, khabar and a 16 MB
    copy buffer, would report its size instead of their own."""

    def __init__(self) -> None:
        self.p = subprocess.Popen([sys.executable, __file__, "--launcher"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)

    def run(self, cmd: list[str]) -> dict:
        self.p.stdin.write(json.dumps({"cmd": cmd, "env": ENV}) + "\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def close(self) -> None:
        self.p.stdin.close()
        self.p.wait()


def launcher() -> None:
    for line in sys.stdin:
        job = json.loads(line)
        print(json.dumps(run_one(job["cmd"], job["env"])), flush=True)


LAUNCHER: Launcher | None = None


def measured(cmd: list[str]) -> dict:
    """Run `cmd` through the launcher: wall and CPU seconds, peak RSS (MB) and stdout of that process alone."""
    r = LAUNCHER.run(cmd)
    if r["code"] != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {r['code']}:\n{r['stderr'][-2000:]}")
    return r


ONE_BLAS_THREAD = "import os; os.environ.setdefault('OPENBLAS_NUM_THREADS', '1'); "
"""A floor imports numpy as `khabar` does: with one OpenBLAS thread unless told otherwise."""


def commands(path: str) -> dict[str, list[str]]:
    py = sys.executable
    return {"khabar": [*khabar(), "score", "--conll", path, "--json", "--n-boot", "0"],
            "khabar-ci": [*khabar(), "score", "--conll", path, "--json"],
            "floor": [py, "-c", ONE_BLAS_THREAD + "import numpy, typer"],
            **{t: [py, __file__, "--child", t, path] for t in PEERS}}


def khabar_numbers(stdout: str) -> dict:
    """`mode/label` -> five counts, P, R, F1 (and the interval) from `khabar score --json`."""
    out = {}
    for row in json.loads(stdout)["rows"]:
        out[f"{row['metric']}/{row['label']}"] = [row["correct"], row["incorrect"], row["partial"], row["missed"],
                                                  row["spurious"], row["p"], row["r"], row["f1"]]
    return out


def check(k: dict, k_ci: dict, peers: dict[str, dict]) -> list[str]:
    """Every disagreement between khabar and the peers (and between khabar with and without
    intervals), as readable lines."""
    bad = [f"khabar+CI {key}: {k_ci.get(key)} vs khabar {v}" for key, v in k.items() if k_ci.get(key) != v]
    for tool in ("seqeval", "seqeval-strict"):
        for key, (p, r, f, _support) in peers[tool].items():
            if key == "weighted avg":
                continue
            label = {"micro avg": "micro", "macro avg": "macro"}.get(key, key)
            mine = k.get(f"strict/{label}")
            if mine is None or any(abs(a - b) > 1e-9 for a, b in zip(mine[5:8], (p, r, f))):
                bad.append(f"{tool} {key}: {(p, r, f)} vs khabar {mine and mine[5:8]}")
    for key, counts in peers["nervaluate"].items():
        mode, label = key.split("/")
        mine = k.get(f"{'type' if mode == 'ent_type' else mode}/{label}")
        if mine is None or list(mine[:5]) != counts:
            bad.append(f"nervaluate {key}: {counts} vs khabar {mine and mine[:5]}")
    return bad


def blas() -> str:
    """numpy's BLAS and the kernel it runs (what the bootstrap's product uses, on one thread)."""
    try:
        import numpy  # noqa: F401
        from threadpoolctl import threadpool_info

        for lib in threadpool_info():
            if lib.get("user_api") == "blas":
                return (f"{lib.get('internal_api')} {lib.get('version')}, {lib.get('architecture')} kernel, "
                        f"{lib.get('num_threads')} threads (the bootstrap's product: 1)")
    except ImportError:
        pass
    return "unknown"


def fmt_tokens(n: int) -> str:
    return f"{n:,}"


# --- the three parts -----------------------------------------------------------------------------


def speed(path: str, n: int, rounds: int, warm: str) -> tuple[list[str], list[str], dict]:
    for c in commands(warm).values():  # fill the bytecode cache, untimed
        measured(c)
    cmds = commands(path)
    runs: dict[str, list[dict]] = {t: [] for t in cmds}
    for _ in range(rounds):
        for tool in ("khabar", "khabar-ci", "floor", "seqeval-strict", "khabar", "khabar-ci", "floor", "seqeval",
                     "khabar", "khabar-ci", "floor", "nervaluate"):
            runs[tool].append(measured(cmds[tool]))
    med = {t: {k: statistics.median(r[k] for r in rs) for k in ("wall", "cpu", "peak_mb")} for t, rs in runs.items()}
    k, k_ci = khabar_numbers(runs["khabar"][0]["stdout"]), khabar_numbers(runs["khabar-ci"][0]["stdout"])
    peers = {t: json.loads(runs[t][0]["stdout"]) for t in PEERS}
    bad = check(k, k_ci, peers)
    bad += [f"{t}: numbers differ between rounds" for t in cmds if t != "floor"
            and any(json.loads(r["stdout"]) != json.loads(runs[t][0]["stdout"]) for r in runs[t])]
    lines = [f"{'':16} {'wall s':>7} {'cpu s':>7} {'peak MB':>8}   {'khabar is faster':>16} {'khabar+CI is':>13}"]
    for t in ("khabar", "khabar-ci", "seqeval-strict", "seqeval", "nervaluate"):
        m = med[t]
        ratio = "" if t.startswith("khabar") else (
            f"{m['wall'] / med['khabar']['wall']:15.1f}x {m['wall'] / med['khabar-ci']['wall']:12.1f}x")
        lines.append(f"{NAMES[t]:16} {m['wall']:7.2f} {m['cpu']:7.2f} {m['peak_mb']:8.0f}   {ratio}")
    lines.append(f"(whole processes, medians of {len(runs['khabar'])} khabar and {len(runs['seqeval'])} peer runs, "
                 "interleaved; ratios by wall time)")
    floor = med["floor"]["wall"]
    lines.append(f"khabar's floor: python -c \"import numpy, typer\" {floor:.2f} s (its command line and its counts, "
                 "numpy on one BLAS thread as khabar runs it); "
                 f"above it khabar takes {med['khabar']['wall'] - floor:.2f} s, khabar+CI "
                 f"{med['khabar-ci']['wall'] - floor:.2f} s")
    return lines, bad, med


def cold_start(repeats: int) -> list[str]:
    """Cold `khabar score` on the shipped gold and `khabar --help`, each against its floor."""
    from khabar import load_gold
    from khabar.baselines import get_system
    from khabar.predictions import write_predictions

    py = sys.executable
    gold = load_gold()
    with tempfile.TemporaryDirectory() as tmp:
        pred = str(write_predictions(get_system("oracle").predict(gold.documents), os.path.join(tmp, "p.jsonl")))
        cmds = {"score": [*khabar(), "score", pred], "numpy": [py, "-c", "import numpy"],
                "floor": [py, "-c", ONE_BLAS_THREAD + "import numpy, numpy.random, typer"],
                "help": [*khabar(), "--help"], "typer": [py, "-c", "import typer"]}
        times: dict[str, list[float]] = {k: [] for k in cmds}
        for c in cmds.values():  # fill the bytecode cache, untimed
            measured(c)
        for _ in range(repeats):
            for k, c in cmds.items():
                times[k].append(measured(c)["wall"])
    med = {k: statistics.median(v) for k, v in times.items()}
    return [f"khabar score ORACLE (shipped gold)  {med['score']:5.2f} s  = {med['score'] / med['numpy']:.2f}x "
            f"python -c \"import numpy\" ({med['numpy']:.2f} s)",
            f"  its floor: python -c \"import numpy, numpy.random, typer\" {med['floor']:5.2f} s = "
            f"{med['floor'] / med['numpy']:.2f}x (what `khabar score` cannot do without, numpy on one BLAS thread)",
            f"khabar --help                       {med['help']:5.2f} s  = {med['help'] / med['typer']:.2f}x "
            f"python -c \"import typer\" ({med['typer']:.2f} s)",
            f"(medians of {repeats} interleaved runs)"]


def memory(tmp: str, n_tokens: int, seed: int, small_peak: float, n_small: int) -> tuple[list[str], list[str]]:
    """Peak RSS of `khabar score --conll F --json` (default intervals) on a large corpus, per line end."""
    lf = os.path.join(tmp, "large.conll")
    n = write_corpus(lf, n_tokens, seed + 2)
    size = os.path.getsize(lf) / 1e6
    cmd = [*khabar(), "score", "--json", "--conll"]
    results, bad = {}, []
    for name, ending in (("LF", b"\n"), ("CRLF", b"\r\n"), ("CR", b"\r")):
        path = lf
        if ending != b"\n":
            path = os.path.join(tmp, f"large-{name}.conll")
            with open(lf, "rb") as src, open(path, "wb") as dst:
                while chunk := src.read(1 << 24):
                    dst.write(chunk.replace(b"\n", ending))
        r = measured(cmd + [path])
        if path != lf:
            os.remove(path)
        results[name] = r
    os.remove(lf)
    rows = {k: json.loads(r["stdout"])["rows"] for k, r in results.items()}
    for k, got in rows.items():
        counts = [{f: v for f, v in row.items() if not f.startswith("ci_")} for row in got]
        if counts != [{f: v for f, v in row.items() if not f.startswith("ci_")} for row in rows["LF"]]:
            bad.append(f"{k}: counts differ from LF")
        elif got != rows["LF"]:
            bad.append(f"{k}: intervals differ from LF")
    peaks = ", ".join(f"{k} {r['peak_mb']:.0f} MB" for k, r in results.items())
    return ([f"{fmt_tokens(n)} tokens ({size:.0f} MB): {peaks}; {fmt_tokens(n_small)} tokens (LF): {small_peak:.0f} MB",
             "(peak RSS of the whole process, default intervals; the same numbers for every line end)"], bad)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tokens", type=int, default=2_000_000, help="Corpus size for the speed part.")
    ap.add_argument("--rounds", type=int, default=3, help="Rounds of the speed part (each runs every tool).")
    ap.add_argument("--cold-repeats", type=int, default=15, help="Runs of each cold-start command (0: skip).")
    ap.add_argument("--memory-tokens", type=int, default=20_000_000, help="Corpus size for the memory part (0: skip).")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--child", nargs=2, metavar=("TOOL", "PATH"), help=argparse.SUPPRESS)
    ap.add_argument("--launcher", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(peer_child(*args.child)))
        return
    if args.launcher:
        launcher()
        return
    global LAUNCHER
    LAUNCHER = Launcher()  # before this process grows
    bad: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = os.path.join(tmp, "pycache")
        path, warm = os.path.join(tmp, "corpus.conll"), os.path.join(tmp, "warm.conll")
        n = write_corpus(path, args.tokens, args.seed)
        write_corpus(warm, 2000, args.seed + 3)
        size = os.path.getsize(path) / 1e6
        import numpy

        print(f"speed: {fmt_tokens(n)} tokens, {size:.1f} MB conlleval, all four NER modes; "
              f"python {sys.version.split()[0]} (bytecode cached), numpy {numpy.__version__}, BLAS {blas()}")
        lines, bad_speed, med = speed(path, n, args.rounds, warm)
        bad += bad_speed
        print("\n".join(lines))
        if args.cold_repeats:
            print("cold start:")
            print("\n".join(cold_start(args.cold_repeats)))
        if args.memory_tokens:
            print("memory:")
            lines, bad_mem = memory(tmp, args.memory_tokens, args.seed, med["khabar-ci"]["peak_mb"], n)
            bad += bad_mem
            print("\n".join(lines))
    LAUNCHER.close()
    if bad:
        print(f"MISMATCH ({len(bad)}):")
        for line in bad[:20]:
            print("  " + line)
        sys.exit(1)
    print("identical numbers: khabar strict = seqeval (default and strict; micro, macro, per type); khabar counts "
          "= nervaluate (4 modes, micro and per type); khabar+CI = khabar")


if __name__ == "__main__":
    main()
