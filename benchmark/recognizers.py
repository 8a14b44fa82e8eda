"""The Recognizers-Text harness: khabar's numeral parser against an outside test suite.

Recognizers-Text (MIT, microsoft/Recognizers-Text) ships Arabic number specs: texts with the
numbers, ordinals, percents and ranges expected in them. `judge_recognizers(folder)` runs
`khabar.numerals.find_numbers` over every case and reports the pass rate per file; cases whose
expectations follow a convention khabar does not share are excluded, each with its reason.
The repo ships none of the specs' text: they are read from a folder given at run time.

`python -m khabar.recognizers PATH` prints the pass rate per file (`--failures` also lists
the judged cases that fail).
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .normalize import normalize
from .numerals import _DECIMAL_WORDS, _DIGITS, _FORMAT_CHARS, _PERCENT_WORDS, NumberMention, _norm, find_numbers
from .tokens import tokenize

__all__ = ["RECOGNIZERS_FILES", "CaseResult", "RecognizersReport", "judge_recognizers"]

RECOGNIZERS_FILES = ("NumberModel", "OrdinalModel", "PercentModel", "NumberRangeModel")
# Which of khabar's kinds each spec file is about (the others are ignored in that file).
_FILE_KINDS = {
    "NumberModel": {"cardinal", "year", "money", "fraction"},
    "OrdinalModel": {"ordinal"},
    "PercentModel": {"percent"},
}
# Cases whose expected type does not fit the text (Recognizers-Text marks cardinal numbers as
# ordinals in its ordinal file); judged by a reading of the Arabic, listed with the reason.
_MISLABELLED = {
    "ثلاثة تريليون": "a cardinal (three trillion) labelled ordinal",
    "مائة تريليون": "a cardinal (a hundred trillion) labelled ordinal",
    "تريليون": "a cardinal (a trillion) labelled ordinal",
    "واحد و عشرون تريليون و ثلاثمائة و اثنان و عشرون": "a cardinal labelled ordinal",
}


@dataclass
class CaseResult:
    """One spec case as judged: where it comes from, its status, and the spans (with values) expected and found."""

    file: str
    index: int
    input: str
    status: str  # pass / fail / excluded
    reason: str = ""
    expected: list = field(default_factory=list)
    got: list = field(default_factory=list)


@dataclass
class RecognizersReport:
    """Per-file pass rates of the parser over the Recognizers-Text Arabic number specs."""

    cases: list[CaseResult]

    def rows(self) -> list[dict]:
        """One row per spec file present: cases, cases judged, cases passed and the pass rate."""
        out = []
        for f in RECOGNIZERS_FILES:
            cs = [c for c in self.cases if c.file == f]
            if not cs:
                continue
            judged = [c for c in cs if c.status != "excluded"]
            passed = [c for c in judged if c.status == "pass"]
            out.append({
                "file": f, "cases": len(cs), "judged": len(judged), "passed": len(passed),
                "pass_rate": len(passed) / len(judged) if judged else None,
            })
        return out

    def excluded_reasons(self) -> dict[str, int]:
        """How many cases each exclusion reason left out, most first."""
        out: dict[str, int] = {}
        for c in self.cases:
            if c.status == "excluded":
                out[c.reason] = out.get(c.reason, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    def table(self) -> str:
        """The per-file rows and the exclusion reasons as a plain-text table."""
        lines = [f"{'file':<18}{'cases':>7}{'judged':>8}{'passed':>8}{'pass rate':>11}"]
        for r in self.rows():
            rate = "-" if r["pass_rate"] is None else f"{r['pass_rate']:.1%}"
            lines.append(f"{r['file']:<18}{r['cases']:>7}{r['judged']:>8}{r['passed']:>8}{rate:>11}")
        lines.append("not judged (a convention khabar does not share):")
        for reason, n in self.excluded_reasons().items():
            lines.append(f"  {n:4}  {reason}")
        return "\n".join(lines)


def _exclusion(file: str, case: dict, starts: set[int], ends: set[int]) -> str | None:
    """Why a case is not judged (a convention khabar does not share), or None to judge it;
    `starts` / `ends` are the token boundaries a span may use."""
    text = case["Input"]
    results = case.get("Results", [])
    if file == "NumberRangeModel":
        return _range_exclusion(case)
    for r in results:
        sub = (r.get("Resolution") or {}).get("subtype")
        if r["TypeName"] == "ordinal.relative":
            return "relative position word (last / next / previous), not a numeral"
        if sub == "power" or re.search(r"[\^eE]", r["Text"]):
            return "exponent notation (1e10, 1.1^23)"
        if text[r["Start"]:r["End"] + 1] != r["Text"]:
            return "the spec's Text does not match its own offsets"
    for r in results:
        t = r["Text"]
        words = [normalize(w) for w in t.split()]
        if r["TypeName"] == "number" and _ratio_split(t) is not None:
            why = _ratio_exclusion(r)
            if why:
                return why
        if r["TypeName"] == "percentage" and (words[0] in {normalize("نسبة")} or words[0] in _PERCENT_WORDS):
            return "percent word or نسبة before the number (khabar: نسبة is a noun; percent follows the number)"
        if file == "OrdinalModel" and t in _MISLABELLED:
            return _MISLABELLED[t]
    for r in results:
        s, e = r["Start"], r["End"] + 1
        # invisible marks next to a span do not count against it
        while s > 0 and text[s - 1] in _FORMAT_CHARS:
            s -= 1
        while e < len(text) and text[e] in _FORMAT_CHARS:
            e += 1
        if s not in starts or e not in ends:
            return "span cuts inside a token (khabar spans are whole tokens, clitics inside)"
    return None


_RATIO_PARTS = {normalize(w) for w in ("جزء", "أجزاء", "اجزاء")}
_RATIO_LINKS = {normalize(w) for w in ("من", "على", "في")}
# Ratio cases whose expected value is not the ratio of the numerals written (checked by hand).
_RATIO_SPEC_ERRORS = {
    "واحد من مئة تريليونات": "the spec's value (1E-10) is not 1 / مئة تريليونات (10^14)",
    "جزء من مئة الف تريليونات": "the spec's value (1E-07) is not 1 / مئة ألف تريليونات (10^17)",
    "خمسة وتسعون مائة على خمسة": "'خمسة وتسعون مائة' (ninety-five hundred) is an English calque, "
                                 "not an Arabic numeral",
}


def _ratio_split(t: str) -> tuple[tuple[int, int] | None, tuple[int, int]] | None:
    """'X من/على/في Y' or 'X جزء من Y' (X may be absent before جزء): the character spans of X
    and Y inside `t`, or None when `t` is not written as a ratio."""
    toks = tokenize(t)
    words = [_norm(k.text) for k in toks]
    for j, w in enumerate(words[:-1]):
        if w in _RATIO_PARTS and words[j + 1] == normalize("من") and j + 2 < len(words):
            right = (toks[j + 2].start, toks[-1].end)
            return ((toks[0].start, toks[j - 1].end) if j else None), right
        if w in _RATIO_LINKS and j >= 1:
            return (toks[0].start, toks[j - 1].end), (toks[j + 1].start, toks[-1].end)
    return None


def _ratio_exclusion(r: dict) -> str | None:
    """Why a ratio result is not judged as the ratio of its numerals, or None."""
    t = r["Text"]
    if t in _RATIO_SPEC_ERRORS:
        return "ratio: " + _RATIO_SPEC_ERRORS[t]
    if (r.get("Resolution") or {}).get("subtype") == "decimal" or any(_norm(w) in _DECIMAL_WORDS for w in t.split()):
        return ("ratio: a whole plus hundredths ('مائتان وثلاثة جزء من مائة' = 200.03), "
                "not the ratio of the numerals written")
    return None


def _judge_ratio(r: dict, got: list[tuple[int, int, float]]) -> tuple[list[tuple[int, int]], bool]:
    """The spans khabar must find for a ratio result (X and Y, or Y alone after جزء من), and
    whether the values it reads there give the spec's ratio X / Y."""
    left, right = _ratio_split(r["Text"])
    base = r["Start"]
    spans = [(base + a, base + b) for a, b in ([left] if left else []) + [right]]
    by_span = {g[:2]: g[2] for g in got}
    if any(sp not in by_span for sp in spans):
        return spans, False
    num = by_span[spans[0]] if left else 1.0
    den = by_span[spans[-1]]
    v = _expected_value(r)
    ok = v is not None and den != 0 and math.isclose(num / den, v, rel_tol=1e-6, abs_tol=1e-12)
    return spans, ok


_RANGE_VALUE = re.compile(r"^([\[(])\s*([-+0-9.eE]*)\s*,\s*([-+0-9.eE]*)\s*([\])])$")
_RANGE_GLUED = re.compile(rf"[{_DIGITS}][~=]|[~=][{_DIGITS}]")


def _range_exclusion(case: dict) -> str | None:
    """Why a NumberRangeModel case is not judged, or None."""
    text = case["Input"]
    results = case.get("Results", [])
    if not results:
        return "range: the spec expects no range here (khabar has no range type: nothing to judge)"
    for r in results:
        if r["Start"] < 0 or text[r["Start"]:r["End"] + 1] != r["Text"] or not r["Text"]:
            return "the spec's Text does not match its own offsets"
    for r in results:
        t = r["Text"]
        if re.search(rf"[{_DIGITS}]\s+(?:في|من|على)\s+[{_DIGITS}]", t):
            return "range: an end computed as the ratio 'X في/من/على Y' (khabar reads the numerals in it)"
        if _RANGE_GLUED.search(t):
            return "range: an end glued to a symbol in one token (٢٠~١٠٠، >=٣٠): khabar spans are whole tokens"
        if re.search(r"[٠-٩]/[٠-٩]", t):
            return ("range: '٢/١' read as ½ goes against the spec's own NumberModel reading "
                    "('٣/٤' = 0.75: numerator first)")
        if not _RANGE_VALUE.match(str((r.get("Resolution") or {}).get("value", ""))):
            return "range: no interval in the spec's value"
    return None


def _judge_range(r: dict, mentions: list[NumberMention]) -> tuple[list, bool]:
    """A range result holds when the numbers khabar finds inside its span are exactly its finite
    ends, and an open one-sided range's end carries the matching qualifier ('(x,' more_than,
    ',x)' less_than; closed ends such as 'at least' have no qualifier of their own in khabar)."""
    lo_b, lo, hi, hi_b = _RANGE_VALUE.match(str(r["Resolution"]["value"])).groups()
    s, e = r["Start"], r["End"] + 1
    inside = [m for m in mentions if s <= m.start and m.end <= e]
    crossing = [m for m in mentions if m.start < e and m.end > s and m not in inside]
    ends = sorted({float(x) for x in (lo, hi) if x})
    got = sorted(m.value for m in inside)
    ok = not crossing and len(got) == len(ends) and all(
        math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9) for a, b in zip(got, ends))
    if ok and bool(lo) != bool(hi):
        want = ("more_than" if lo_b == "(" else None) if lo else ("less_than" if hi_b == ")" else None)
        if want is not None and inside[0].qualifier != want:
            ok = False
    return [(m.start, m.end, m.value, m.qualifier) for m in inside + crossing], ok


def _expected_value(r: dict) -> float | None:
    """The spec's value of a result as a float (a trailing % dropped), or None when it has none."""
    res = r.get("Resolution") or {}
    v = res.get("value")
    if v is None:
        return None
    try:
        return float(str(v).rstrip("%"))
    except ValueError:
        return None


def _trim_span(text: str, s: int, e: int) -> tuple[int, int]:
    """The span (s, e) clipped to the text, without invisible format characters at its edges."""
    s, e = max(0, min(s, len(text))), max(0, min(e, len(text)))
    while s < e and text[s] in _FORMAT_CHARS:
        s += 1
    while e > s and text[e - 1] in _FORMAT_CHARS:
        e -= 1
    return s, e


def judge_recognizers(folder: str | Path) -> RecognizersReport:
    """Run `find_numbers` over every case of the Recognizers-Text Arabic specs in `folder`.

    A judged case passes when the parser finds exactly the expected spans (of the kinds the
    file is about) with the expected values (spans only when the spec says IgnoreResolution).
    khabar keeps one span per numeral with qualifiers outside, so a ratio 'X على Y' passes when
    X and Y are found as the two spans with X / Y the spec's value, and a range when the numbers
    inside its span are exactly its finite ends (with more_than / less_than on an open one-sided
    range). Cases whose expectations follow a convention khabar does not share are excluded,
    each with its reason."""
    folder = Path(folder)
    cases: list[CaseResult] = []
    for f in RECOGNIZERS_FILES:
        p = folder / f"{f}.json"
        if not p.exists():
            continue
        data = json.loads(p.read_text(encoding="utf-8-sig"))
        for idx, case in enumerate(data):
            text = case["Input"]
            toks = tokenize(text)
            starts, ends = {t.start for t in toks}, {t.end for t in toks}
            # a span may also end before invisible marks inside a token
            for t in toks:
                s, e = _trim_span(text, t.start, t.end)
                starts.add(s)
                ends.add(e)
            reason = _exclusion(f, case, starts, ends)
            expected = [(*_trim_span(text, r["Start"], r["End"] + 1),
                         (r.get("Resolution") or {}).get("value") if f == "NumberRangeModel" else _expected_value(r))
                        for r in case.get("Results", [])]
            if reason:
                cases.append(CaseResult(f, idx, text, "excluded", reason, expected))
                continue
            mentions = find_numbers(text)
            if f == "NumberRangeModel":
                got, ok = [], True
                for r in case["Results"]:
                    g, r_ok = _judge_range(r, mentions)
                    got += g
                    ok = ok and r_ok
                cases.append(CaseResult(f, idx, text, "pass" if ok else "fail", "", expected, got))
                continue
            kinds = _FILE_KINDS[f]
            got = [(*_trim_span(text, m.start, m.end), m.value) for m in mentions if m.kind in kinds]
            ignore_value = bool(case.get("IgnoreResolution"))
            # a ratio 'X على Y' is judged as its two numerals: the spans of X and Y, and X / Y
            want, ok = [], True
            for r, x in zip(case.get("Results", []), expected):
                if r["TypeName"] == "number" and _ratio_split(r["Text"]) is not None:
                    spans, r_ok = _judge_ratio(r, got)
                    want += spans
                    ok = ok and (r_ok or ignore_value)
                else:
                    want.append(x[:2])
            ok = ok and sorted(g[:2] for g in got) == sorted(want)
            if ok and not ignore_value:
                by_span = {g[:2]: g[2] for g in got}
                for r, (s, e, v) in zip(case.get("Results", []), expected):
                    if r["TypeName"] == "number" and _ratio_split(r["Text"]) is not None:
                        continue
                    if v is None or not math.isclose(by_span[(s, e)], v, rel_tol=1e-6, abs_tol=1e-9):
                        ok = False
            cases.append(CaseResult(f, idx, text, "pass" if ok else "fail", "", expected, got))
    return RecognizersReport(cases)


def _main(argv: list[str] | None = None) -> int:
    """Print the pass rate per spec file of the specs in PATH (and the failures with --failures)."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m khabar.recognizers", description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", metavar="PATH", help="folder with the Recognizers-Text Arabic specs")
    ap.add_argument("--failures", action="store_true", help="also list the judged cases that fail")
    args = ap.parse_args(argv)
    if not Path(args.folder).is_dir():
        print(f"error: {args.folder}: no such folder", file=sys.stderr)
        return 2
    rep = judge_recognizers(args.folder)
    print(rep.table())
    if args.failures:
        for c in rep.cases:
            if c.status == "fail":
                print(f"FAIL {c.file}[{c.index}] {c.input!r}\n     expected {c.expected}\n     got      {c.got}")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
