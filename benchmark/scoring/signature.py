"""The reproducibility signature of a score, in the spirit of sacrebleu.

    khabar:0.1.0|gold:1.0+352ac594e2ea|task:ner|mode:strict|scheme:fine|overlap:0.5|unit:paragraph|boot:1000|seed:0

Fields are `name:value` joined by `|`, always in this order. The report's own signature lists
every task and mode it holds (`task:ner,quotes,numbers|mode:all`); `Report.signature_for(task,
mode)` gives the line-level one. Same signature and same predictions: same numbers.

`gold` is `<version>+<hash12>` for a khabar gold file; for tag input (`--conll`, `score_tags`)
it is `conll+<hash12>` / `tags+<hash12>`, the hash of the gold column (sentence layout and
non-O gold tags), so two systems scored on the same gold share it. `boot:1000/poisson` marks
the streaming Poisson bootstrap used for conlleval files.
"""

from __future__ import annotations

from dataclasses import dataclass

FIELDS: tuple[str, ...] = ("khabar", "gold", "task", "mode", "scheme", "overlap", "unit", "boot", "seed")


@dataclass(frozen=True)
class Signature:
    version: str
    gold: str
    tasks: tuple[str, ...]
    mode: str
    scheme: str
    overlap: float
    unit: str
    n_boot: int
    seed: int
    resample: str = "multinomial"

    def format(self, task: str | None = None, mode: str | None = None) -> str:
        values = {
            "khabar": self.version,
            "gold": self.gold,
            "task": task or ",".join(self.tasks),
            "mode": mode or self.mode,
            "scheme": self.scheme,
            "overlap": f"{self.overlap:g}",
            "unit": self.unit,
            "boot": str(self.n_boot) + ("" if self.resample == "multinomial" else f"/{self.resample}"),
            "seed": str(self.seed),
        }
        return "|".join(f"{k}:{values[k]}" for k in FIELDS)

    def __str__(self) -> str:
        return self.format()


def parse(signature: str) -> dict[str, str]:
    """The fields of a signature string, as a dict."""
    out = {}
    for part in signature.split("|"):
        k, _, v = part.partition(":")
        out[k] = v
    return out


def gold_id(version: str, sha256: str) -> str:
    """`<version>+<first 12 hex digits of the content hash>`."""
    return f"{version}+{sha256[:12]}"
