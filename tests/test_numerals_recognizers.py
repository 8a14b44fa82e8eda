"""The numeral parser against an outside test suite: Recognizers-Text's Arabic number specs.

The specs (MIT, microsoft/Recognizers-Text) are read from ../shared/external when present;
the repo ships none of their text. Each file's pass rate over the cases judged is printed and
held to a floor at what the parser achieves, so a regression fails. Cases that follow a
convention khabar does not share are excluded, each with its reason.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from khabar.recognizers import judge_recognizers

from tests.conftest import SHARED

FOLDER = SHARED / "external" / "recognizers-text-arabic"

# (floor on the pass rate, least number of cases judged): measured, rounded down to 0.1 point.
# The least count is what is judged now, so excluding more cases cannot hide a regression.
FLOORS = {
    "NumberModel": (0.929, 241),  # 224 / 241
    "OrdinalModel": (0.931, 29),  # 27 / 29
    "PercentModel": (1.0, 22),  # 22 / 22
    "NumberRangeModel": (0.977, 88),  # 86 / 88
}
KNOWN_REASONS = (
    "range: the spec expects no range here",
    "range: an end computed as the ratio",
    "range: an end glued to a symbol in one token",
    "range: '٢/١' read as ½",
    "relative position word",
    "exponent notation",
    "the spec's Text does not match",
    "span cuts inside a token",
    "ratio: a whole plus hundredths",
    "ratio: the spec's value",
    "ratio: 'خمسة وتسعون مائة'",
    "percent word or نسبة before the number",
    "labelled ordinal",
)


@pytest.fixture(scope="module")
def report():
    if not FOLDER.is_dir():
        pytest.skip(f"{FOLDER} not present (the Recognizers-Text Arabic specs)")
    return judge_recognizers(FOLDER)


def test_pass_rate_per_file(report, capsys):
    with capsys.disabled():
        print("\nRecognizers-Text Arabic number specs, khabar's numeral parser:")
        print(report.table())
    rows = {r["file"]: r for r in report.rows()}
    for f, (floor, least) in FLOORS.items():
        r = rows[f]
        assert r["judged"] >= least, f"{f}: only {r['judged']} cases judged"
        assert r["pass_rate"] >= floor, f"{f}: pass rate {r['pass_rate']:.1%} fell below {floor:.1%}"


def test_every_exclusion_has_a_known_reason(report):
    for c in report.cases:
        if c.status == "excluded":
            assert any(k in c.reason for k in KNOWN_REASONS), c.reason


def test_ranges_and_ratios_are_judged_by_their_numerals(report):
    """Range cases are judged by the numerals at their ends (two-sided, one-sided open with the
    qualifier checked, one-sided closed), ratio cases 'X على Y' by the two numerals and X / Y."""
    ranges = [c for c in report.cases if c.file == "NumberRangeModel" and c.status != "excluded"]
    values = [str(v) for c in ranges for _, _, v in c.expected]
    assert any(v.startswith("(") and v.endswith(",)") for v in values)  # more than
    assert any(v.startswith("(,") and v.endswith(")") for v in values)  # less than
    assert any(v[1:-1].split(",")[0] and v[1:-1].split(",")[1] for v in values)  # both ends
    assert all(len(c.expected) > 0 for c in ranges)
    passed = {c.input for c in ranges if c.status == "pass"}
    assert "اكثر من ثلاثين" in passed and "عمرها فوق الثلاثين" in passed
    ratios = [c for c in report.cases if c.file == "NumberModel" and c.status != "excluded"
              and any(" على " in c.input[s:e] or " من " in c.input[s:e] for s, e, _ in c.expected)]
    assert len(ratios) >= 40
    for c in ratios:
        if c.status == "pass":
            assert len(c.got) >= 1 and all(g[1] - g[0] < max(e - s for s, e, _ in c.expected) for g in c.got)


def test_judged_cases_cover_each_kind(report):
    """Cardinals, fractions, ordinals and percent are all judged, and cases expecting no
    number (digits glued to a unit, words that are not numerals) count too."""
    judged = [c for c in report.cases if c.status != "excluded"]
    assert any(not c.expected for c in judged)
    values = {v for c in judged for _, _, v in c.expected if isinstance(v, float)}
    assert any(v != int(v) for v in values)  # fractions and decimals
    assert {c.file for c in judged} == set(FLOORS)


def test_cli_rejects_missing_folder(tmp_path):
    bad = subprocess.run([sys.executable, "-m", "khabar.recognizers", str(tmp_path / "nope")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "no such folder" in bad.stderr and "Traceback" not in bad.stderr
