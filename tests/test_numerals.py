"""khabar's Arabic numeral parser: values, kinds, span conventions, and invariants."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.numerals import KINDS, digits_value, find_numbers, parse, parse_number
from khabar.tokens import boundaries


@pytest.mark.parametrize("s, value", [
    # digits: separators, Arabic-Indic and Persian digits, decimals
    ("2800", 2800), ("2,800", 2800), ("٢٨٠٠", 2800), ("٢٬٨٠٠", 2800), ("۲۸۰۰", 2800),
    ("1,234,567", 1234567), ("١،٢٣٤،٥٦٧", 1234567), ("1 234 567", 1234567), ("40 000", 40000),
    ("3.5", 3.5), ("٣٫٥", 3.5), ("4,8", 4.8), ("0,08", 0.08), ("5,00", 5), ("1.234,5", 1234.5),
    ("1,234.5", 1234.5), (".25", 0.25), ("2011م", 2011),
    # cardinal words: gender, case, dual, definite, clitics, compounds
    ("ثلاثة", 3), ("ثلاث", 3), ("الأربعة", 4), ("والأربعة", 4), ("للثلاثة", 3), ("ستة عشر", 16),
    ("أحد عشر", 11), ("اثنا عشر", 12), ("اثني عشر", 12), ("ثلاثين", 30), ("ثلاثون", 30),
    ("خمسة وعشرون", 25), ("عشرون وواحد", 21), ("إحدى وعشرين", 21), ("مائة", 100), ("مئة", 100),
    ("مائتان", 200), ("مئتين", 200), ("ثمانمائة", 800), ("ثلاث مائة", 300), ("مائة وستة عشر", 116),
    ("ألف", 1000), ("ألفان", 2000), ("ألفين", 2000), ("بألفين ومائتين", 2200),
    ("ألفان وثمانمائة", 2800), ("وثمانمائة", 800), ("ثلاثة آلاف وخمسمائة", 3500),
    ("عشرين ألفًا", 20000), ("مائتين وإثنين ألف", 202000), ("مائة ألف", 100000),
    ("مليون", 1e6), ("مليونان", 2e6), ("ثلاثة ملايين", 3e6), ("اثني عشر مليار", 12e9),
    ("واحد وعشرون تريليون وثلاث مائة", 21e12 + 300), ("ألفين وأحد عشر", 2011), ("صفر", 0),
    # digits with number words
    ("1.2 مليار", 1.2e9), ("٣٫٥ مليون", 3.5e6), ("10 مليون", 1e7), ("٣ مئة و ٢١", 321),
    # fractions, halves of scales, dozens
    ("نصف", 0.5), ("ربع", 0.25), ("ثلث", 1 / 3), ("ثلثان", 2 / 3), ("ثلاثة أرباع", 0.75),
    ("خمسة أثمان", 0.625), ("واحد ونصف", 1.5), ("مائة وثلاثة أرباع", 100.75),
    ("عشرون وثلاثة أخماس", 20.6), ("نصف مليون", 5e5), ("مليون ونصف", 1.5e6),
    ("3/4", 0.75), ("2 1/4", 2.25), ("دزينة", 12), ("نصف دزينة", 6), ("ثلاث دزينات", 36),
    # percent, negatives, decimals in words
    ("30%", 30), ("٣٠٪", 30), ("عشرين في المئة", 20), ("١٠ بالمائة", 10), ("3.5 في المائة", 3.5),
    ("-5", -5), ("سالب واحد", -1), ("اثنان فاصلة خمسة", 2.5),
    # ordinals
    ("الأول", 1), ("الأولى", 1), ("أول", 1), ("الثاني", 2), ("الحادي عشر", 11), ("الحادية عشرة", 11),
    ("الخامسة والعشرون", 25), ("الحادي والعشرون", 21), ("العشرون", 20),
])
def test_parse_number(s, value):
    got = parse_number(s)
    assert got is not None, s
    assert math.isclose(got, value, rel_tol=1e-9), (s, got)


@pytest.mark.parametrize("s", [
    "", "لست", "الطرفان", "يومين", "الاثنين", "أي واحد", "ثمن", "180ميلي", "١مليون", "مئات",
    "آلاف", "الأخير", "ثلاثة أربعة", "hello", "192.168.1.2",
])
def test_not_one_number(s):
    assert parse_number(s) is None


@pytest.mark.parametrize("s, kind", [
    ("ثلاثة", "cardinal"), ("الأربعة", "cardinal"), ("الثاني", "ordinal"), ("الحادي عشر", "ordinal"),
    ("ثلاثة أرباع", "fraction"), ("3/4", "fraction"), ("30%", "percent"), ("عشرين في المئة", "percent"),
    ("2011م", "year"), ("ثلاثين ألف دولار", "money"), ("نصف مليون", "cardinal"),
])
def test_kind(s, kind):
    m = parse(s) or find_numbers(s)[0]
    assert m.kind == kind


def test_digits_value_rules():
    assert digits_value("2,800") == 2800  # comma before three digits groups thousands
    assert digits_value("0,800") == 0.8  # ... but not after a lone zero
    assert digits_value("2,80") == 2.8  # anything else is a decimal comma
    assert digits_value("1,23,4") is None
    assert digits_value("192.168.1.2") is None


def _mentions(text):
    return [(m.text, m.value, m.kind, m.unit, m.qualifier) for m in find_numbers(text)]


def test_span_convention_counted_noun_and_qualifier_outside():
    text = "فر أكثر من ألفان وثمانمائة شخص في الأيام الأربعة الماضية، وقتل نحو ٢٠٠ مدني."
    assert _mentions(text) == [
        ("ألفان وثمانمائة", 2800, "cardinal", "person", "more_than"),
        ("الأربعة", 4, "cardinal", "day", "exact"),
        ("٢٠٠", 200, "cardinal", "civilian", "approximately"),
    ]


@pytest.mark.parametrize("text, value, qualifier", [
    ("عدد السيارات أكبر من ٤٥٦٥", 4565, "more_than"), ("عمرها فوق الثلاثين", 30, "more_than"),
    ("طوله تحت ١٧٠", 170, "less_than"), ("عدد المرضى يتجاوز ٣٠٠٠", 3000, "more_than"),
    ("أسعار تفوق 50 دولارا", 50, "more_than"), ("هذا الرقم أصغر من 300", 300, "less_than"),
    ("عدد النساء وأقل من ١٠", 10, "less_than"),  # the comparative carries و
    ("x>10", 10, "more_than"), ("y <20", 20, "less_than"),
    # a negation turns the comparative round: 'no less than' is a lower bound
    ("قتل ما لا يقل عن 30 شخصا", 30, "more_than"), ("عمره لا أقل من ثلاثين", 30, "more_than"),
    ("لا يزيد عن 50", 50, "less_than"), ("أصيب ما يقل عن 30 شخصا", 30, "less_than"),
])
def test_comparative_qualifiers(text, value, qualifier):
    [m] = find_numbers(text)
    assert (m.value, m.qualifier) == (value, qualifier)
    assert not any(w in m.text for w in ("من", "فوق", "تحت", "<", ">"))  # the qualifier stays outside


def test_range_ends_are_separate_numerals():
    assert [(m.value, m.qualifier) for m in find_numbers("أكثر من ٤٠ وأقل من ١٠")] == [
        (40, "more_than"), (10, "less_than")]
    assert [m.value for m in find_numbers("بين سالب عشرة وخمسة عشر")] == [-10, 15]
    assert [m.value for m in find_numbers("نطاق العدد هو 1000-5000")] == [1000, 5000]
    assert [m.value for m in find_numbers("عندما <-30")] == [-30]  # a minus sign after <
    assert [m.value for m in find_numbers("(-5)")] == [-5]
    assert [m.value for m in find_numbers("5-3")] == [5, 3]  # a hyphen between numbers is no sign


def test_larger_scale_multiplies_and_five_before_hundred():
    assert parse_number("ألف مليار") == 1e12
    assert parse_number("مائة ألف تريليون") == 1e17
    assert parse_number("ثلاثة آلاف وخمسمائة مليون") == 3.5e9
    assert parse_number("مليون ألف") is None  # a smaller scale after a larger one does not multiply
    # خمس before مائة is 'five' (خمس مائة = 500), not 'a fifth' of the number before it
    assert [m.value for m in find_numbers("من ألف الى ألف خمس مائة")] == [1000, 1000, 500]
    assert parse_number("ثلاثة وعشرون خمس") == pytest.approx(4.6)


def test_numeral_in_a_name_and_years():
    text = "اجتمعت مجموعة السبع في عام 2011 ثم في عام ألفين وأحد عشر، ومن 2012 إلى 2014."
    got = _mentions(text)
    assert got[0][:3] == ("السبع", 7, "cardinal")
    assert [g[:3] for g in got[1:]] == [("2011", 2011, "year"), ("ألفين وأحد عشر", 2011, "year"),
                                       ("2012", 2012, "year"), ("2014", 2014, "year")]


def test_joined_numbers_split_when_not_one_numeral():
    # 300 and 200 cannot add up (a hundred after hundreds), nor can two digit groups
    assert [m.value for m in find_numbers("ثلاثمائة و مائتين")] == [300, 200]
    assert [m.value for m in find_numbers("300 و 212")] == [300, 212]
    assert [m.value for m in find_numbers("أربعة ألف و ثلاثمائة و صفر")] == [4300, 0]
    assert [m.value for m in find_numbers("5/17/2018")] == [5, 17, 2018]


def test_ordinal_or_cardinal_by_context():
    assert [(m.value, m.kind) for m in find_numbers("في القرن العشرين")] == [(20, "ordinal")]
    assert [(m.value, m.kind) for m in find_numbers("خلال الأيام العشرين الماضية")] == [(20, "cardinal")]
    assert [(m.value, m.kind) for m in find_numbers("قمة مجموعة العشرين")] == [(20, "cardinal")]
    assert [(m.text, m.kind) for m in find_numbers("قتل 30 شخصا خلال 30 ثانية")] == [
        ("30", "cardinal"), ("30", "cardinal")]  # ثانية after a number is the noun 'second'


def test_ambiguous_fraction_words():
    assert [(m.value, m.kind) for m in find_numbers("خمس سنوات")] == [(5, "cardinal")]
    assert [(m.value, m.kind) for m in find_numbers("أكلت خمس الفطيرة")] == [(0.2, "fraction")]
    assert find_numbers("دفع ثمن السلعة") == []  # ثمن alone is 'price'


def test_fraction_duals_and_attached_pronouns():
    assert [(m.text, m.value, m.kind) for m in find_numbers("وأن نصفهم من الأطفال")] == [("نصفهم", 0.5, "fraction")]
    assert [(m.text, m.kind) for m in find_numbers("ثلثي المصابين")] == [("ثلثي", "fraction")]
    assert parse_number("ثلثي") == pytest.approx(2 / 3)
    assert find_numbers("دفع ثمنه كاملا") == []  # ثمن 'price' with a pronoun is still no fraction
    assert [m.value for m in find_numbers("خصصت خمسه ملايين")] == [5e6]  # خمسه is five, not a fifth


def test_dual_construct_of_scales():
    assert [(m.text, m.value, m.kind, m.unit) for m in find_numbers("خصصت ملياري روبية")] == [
        ("ملياري", 2e9, "money", "rupee")]
    assert parse_number("ألفي") == 2000


def test_digits_after_a_noun_of_rank_are_ordinals():
    assert [(m.value, m.kind) for m in find_numbers("سجل في الدقيقة 23 من الجولة 5")] == [
        (23, "ordinal"), (5, "ordinal")]
    assert [(m.value, m.kind) for m in find_numbers("بعد 23 دقيقة")] == [(23, "cardinal")]


def test_gold_numbers_found(doc):
    """On the real gold: every predicted span is a token span, and the parser finds gold
    numbers with their values (counted against the loaded gold, not hard-coded)."""
    starts, ends = boundaries(doc.text)
    found = find_numbers(doc.text)
    for m in found:
        assert m.start in starts and m.end in ends and doc.text[m.start:m.end] == m.text
    gold = {(n.start, n.end): n.value for n in doc.numbers}
    hits = [m for m in found if (m.start, m.end) in gold and math.isclose(m.value, gold[(m.start, m.end)])]
    assert gold and len(hits) >= 1


def test_round_trip_through_pyarabic_number2text():
    """PyArabic's number-to-words writer as an outside oracle: every cardinal it writes, and
    every ordinal from 2 to 99, reads back to its value."""
    number = pytest.importorskip("pyarabic.number")
    for n in list(range(0, 1200)) + [2011, 2800, 10**6 + 1, 123456789, 999999999999]:
        assert parse_number(number.number2text(n)) == n, number.number2text(n)
    for n in range(2, 100):
        m = parse(number.number2ordinal(n))
        assert m is not None and (m.value, m.kind) == (n, "ordinal"), number.number2ordinal(n)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_round_trip_property(n):
    number = pytest.importorskip("pyarabic.number")
    assert parse_number(number.number2text(n)) == n


_PIECES = ["ثلاثة", "و", "عشرون", "الأربعة", "ألفان", "وثمانمائة", "مائة", "ألف", "نصف", "أرباع", "2,800",
           "٣٫٥", "30%", "في", "المئة", "-", "/", "3", "،", "الثاني", "عشر", "شخص", "مليون", "سالب", ".", " "]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14), st.lists(st.sampled_from([" ", "", "\n"]), max_size=14))
def test_mentions_are_valid_spans(pieces, seps):
    text = "".join(p + (seps[k] if k < len(seps) else " ") for k, p in enumerate(pieces))
    starts, ends = boundaries(text)
    found = find_numbers(text)
    prev_end = -1
    for m in found:
        assert m.start in starts and m.end in ends
        assert text[m.start:m.end] == m.text
        assert m.start >= prev_end  # sorted, never overlapping
        prev_end = m.end
        assert math.isfinite(m.value) and m.kind in KINDS
        assert "\n" not in m.text  # a numeral never crosses a paragraph


def test_cli_prints_mentions():
    out = subprocess.run([sys.executable, "-m", "khabar.numerals", "فر ألفان وثمانمائة شخص"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and "2800" in out.stdout and "person" in out.stdout


def test_every_reading_class_has_a_grammar_rule():
    """Each class a word or digit group can be read as has a rule in the number grammar (a class
    without one would silently end every number at it)."""
    from khabar import numerals

    lexicon = {w.cls for words in numerals._LEX.values() for w in words}
    readings = {"teen_suffix", "hundred_mult", "frac_whole", "digits"}
    assert lexicon | readings <= set(numerals._RULES_BY_CLASS)
    assert all(r.apply.__doc__ for r in numerals._STEP_RULES)
