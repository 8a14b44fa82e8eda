"""The numeral parser against an outside test suite: Recognizers-Text's Arabic number specs.

The specs (MIT, microsoft/Recognizers-Text) are read from ../shared/external when present;
the repo ships none of their text. Each file's pass rate over the cases judged is printed and
held to a floor at what the parser achieves, so a regression fails. Cases that follow a
convention khabar does not share are excluded, each with its reason.
"""

from __future__ import annotations

import pytest

from benchmark.numerals import judge_recognizers

from tests.conftest import SHARED

FOLDER = SHARED / "external" / "recognizers-text-arabic"

# (floor on the pass rate, least number of cases judged): measured, rounded down.
FLOORS = {
    "NumberModel": (0.91, 190),
    "OrdinalModel": (0.93, 29),
    "PercentModel": (1.0, 22),
}
KNOWN_REASONS = (
    "range: comparators",
    "relative position word",
    "exponent notation",
    "the spec's Text does not match",
    "span cuts inside a token",
    "'X من/على/جزء من Y' read as one ratio",
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
        assert r["pass_rate"] >= floor, f"{f}: pass rate {r['pass_rate']:.1%} fell below {floor:.0%}"


def test_every_exclusion_has_a_known_reason(report):
    for c in report.cases:
        if c.status == "excluded":
            assert any(k in c.reason for k in KNOWN_REASONS), c.reason
    # the range file is about comparators inside spans: none of it is judged
    assert not [c for c in report.cases if c.file == "NumberRangeModel" and c.status != "excluded"]


def test_judged_cases_cover_each_kind(report):
    """Cardinals, fractions, ordinals and percent are all judged, and cases expecting no
    number (digits glued to a unit, words that are not numerals) count too."""
    judged = [c for c in report.cases if c.status != "excluded"]
    assert any(not c.expected for c in judged)
    values = {v for c in judged for _, _, v in c.expected if v is not None}
    assert any(v != int(v) for v in values)  # fractions and decimals
    assert {c.file for c in judged} == set(FLOORS)
