"""khabar's Arabic numeral parser: numbers written in words, digits or Arabic-Indic digits.

`find_numbers(text)` returns the number mentions of a text as token-aligned spans (the spec's
convention: numeral words only, attached clitics inside, the counted noun and qualifiers such as
أكثر من outside, a multi-word numeral one span) with value, kind and counted unit.
`parse_number(s)` reads one number from a string ("2,800", "٢٨٠٠", "ألفان وثمانمائة", "30%").

Words: cardinals 0 to trillions with masculine/feminine, case and dual forms (ألفان، مائتين),
definite forms and clitics (الأربعة، وثمانمائة، بألفين، للثلاثة), teens, compounds joined by و,
multipliers (ثلاث مائة، 1.2 مليار، نصف مليون، the dual construct ملياري), ordinals (الثاني،
الحادي عشر، الخامسة والعشرون; digits after a noun of rank: الدقيقة 23), fractions (نصف، ثلثان،
ثلثي، ثلاثة أرباع، واحد ونصف; with an attached pronoun: نصفهم), dozens, negatives (سالب، ناقص)
and decimals (فاصلة). Digits: Western, Arabic-Indic and Persian, thousands separators (2,800 / ١٬٢٣٤ /
١،٢٣٤ / 1 234 567), decimal separators (3.5 / ٣٫٥ / 4,8), slash fractions (3/4, 2 1/4) and
percent (30%، ٣٠٪، عشرين في المئة، ١٠ بالمائة; the percent words are inside the span).

`python -m khabar.numerals "TEXT"` prints the mentions found in a text; the check against the
Recognizers-Text Arabic number specs (an outside test suite) is `khabar.recognizers`.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from .model import OnSpan, Span
from .normalize import TATWEEL, normalize
from .tokens import Token, tokenize

__all__ = [
    "KINDS",
    "NumberMention",
    "find_numbers",
    "parse",
    "parse_number",
]

KINDS = ("cardinal", "ordinal", "year", "fraction", "percent", "money")

# Invisible format characters (bidi marks and embeddings) that writers and converters leave
# inside numbers: ignored when reading a value.
_FORMAT_CHARS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\ufeff"
_STRIP_FORMAT = str.maketrans("", "", _FORMAT_CHARS)
_DIGITS = "0-9٠-٩۰-۹"
_TO_WESTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")


def _norm(word: str) -> str:
    """A token's lexical key: format characters removed, then khabar's orthographic folding."""
    return normalize(word.translate(_STRIP_FORMAT))


# --- the lexicon -------------------------------------------------------------------------------
# General Arabic number vocabulary (standard grammar, Modern Standard Arabic spelling variants);
# written as usually spelled and folded with `normalize` when the tables are built.

@dataclass(frozen=True)
class _Word:
    cls: str  # zero unit teen_only ten tens hundred hundreds_pl scale scale_dual scale_pl
    #           dozen dozen_dual dozen_pl frac frac_dual frac_pl ord ord_teen
    value: float
    ambiguous: bool = False  # خمس 'five' or 'a fifth'; ثمن 'one eighth' or 'price'


_UNITS = {
    1: ["واحد", "واحدة", "واحدا", "واحدًا"],
    2: ["اثنان", "اثنين", "اثنتان", "اثنتين", "إثنان", "إثنين", "ثنتان", "ثنتين"],
    3: ["ثلاث", "ثلاثة"],
    4: ["أربع", "أربعة"],
    5: ["خمس", "خمسة"],
    6: ["ست", "ستة"],
    7: ["سبع", "سبعة"],
    8: ["ثمان", "ثماني", "ثمانى", "ثمانية"],
    9: ["تسع", "تسعة"],
}
_TEEN_ONLY = {1: ["أحد", "إحدى"], 2: ["اثنا", "اثني", "اثنتا", "اثنتي", "إثنا", "إثني"]}
_TEN = ["عشر", "عشرة"]
_TENS = {
    20: "عشر", 30: "ثلاث", 40: "أربع", 50: "خمس", 60: "ست", 70: "سبع", 80: "ثمان", 90: "تسع",
}
_HUNDRED_PREFIX = {3: ["ثلاث", "ثلث"], 4: ["أربع"], 5: ["خمس"], 6: ["ست"], 7: ["سبع"],
                   8: ["ثمان", "ثماني"], 9: ["تسع"]}
_SCALES = {  # value: (singular forms, dual forms, plural forms)
    1e3: (["ألف"], ["ألفان", "ألفين", "ألفي"], ["آلاف", "ألاف"]),
    1e6: (["مليون"], ["مليونان", "مليونين", "مليوني"], ["ملايين"]),
    1e9: (["مليار", "بليون"], ["ملياران", "مليارين", "ملياري", "بليونان", "بليونين"], ["مليارات", "بلايين"]),
    1e12: (["تريليون", "ترليون"], ["تريليونان", "تريليونين"], ["تريليونات", "ترليونات"]),
}
_FRACTIONS = {  # denominator: (singular, dual, plural)
    2: (["نصف"], ["نصفان", "نصفين"], []),
    3: (["ثلث"], ["ثلثان", "ثلثين", "ثلثا", "ثلثي"], ["أثلاث"]),
    4: (["ربع"], ["ربعان", "ربعين"], ["أرباع"]),
    5: (["خمس"], [], ["أخماس"]),
    6: (["سدس"], [], ["أسداس"]),
    7: (["سبع"], [], ["أسباع"]),
    8: (["ثمن"], [], ["أثمان"]),
    9: (["تسع"], [], ["أتساع"]),
    10: (["عشر"], [], ["أعشار"]),
}
_ORDINALS = {
    1: ["أول", "أولى", "أولا", "أوّل"],
    2: ["ثاني", "ثانية", "ثانيا"],
    3: ["ثالث", "ثالثة", "ثالثا"],
    4: ["رابع", "رابعة", "رابعا"],
    5: ["خامس", "خامسة", "خامسا"],
    6: ["سادس", "سادسة", "سادسا"],
    7: ["سابع", "سابعة", "سابعا"],
    8: ["ثامن", "ثامنة", "ثامنا"],
    9: ["تاسع", "تاسعة", "تاسعا"],
    10: ["عاشر", "عاشرة", "عاشرا"],
}
_ORD_TEEN_ONLY = {1: ["حادي", "حادية"]}
_DOZEN = (["دزينة", "دستة"], ["دزينتان", "دزينتين", "دستتان", "دستتين"], ["دزينات", "دستات"])


def _build_lexicon() -> dict[str, list[_Word]]:
    lex: dict[str, list[_Word]] = {}

    def add(word: str, w: _Word) -> None:
        key = normalize(word)
        if w not in lex.setdefault(key, []):
            lex[key].append(w)

    add("صفر", _Word("zero", 0))
    for v, words in _UNITS.items():
        for w in words:
            add(w, _Word("unit", v))
    for v, words in _TEEN_ONLY.items():
        for w in words:
            add(w, _Word("teen_only", v))
    for w in _TEN:
        add(w, _Word("ten", 10))
    for v, stem in _TENS.items():
        add(stem + "ون", _Word("tens", v))
        add(stem + "ين", _Word("tens", v))
    for h in ("مائة", "مئة", "مائه", "مئه"):
        add(h, _Word("hundred", 100))
    for w in ("مائتان", "مائتين", "مئتان", "مئتين", "مائتا", "مئتا"):
        add(w, _Word("hundred", 200))
    for v, prefixes in _HUNDRED_PREFIX.items():
        for p in prefixes:
            for h in ("مائة", "مئة"):
                add(p + h, _Word("hundred", v * 100))
    add("مئات", _Word("hundreds_pl", 100))
    for v, (sing, dual, plural) in _SCALES.items():
        for w in sing:
            add(w, _Word("scale", v))
        for w in dual:
            add(w, _Word("scale_dual", v))
        for w in plural:
            add(w, _Word("scale_pl", v))
    # ألفا / مليونا: accusative 'a thousand' after a multiplier, dual construct 'two thousand'
    # when alone; resolved in the grammar (tanwin, when written, settles it).
    add("ألفا", _Word("scale", 1e3))
    add("مليونا", _Word("scale", 1e6))
    add("مليارا", _Word("scale", 1e9))
    sing, dual, plural = _DOZEN
    for w in sing:
        add(w, _Word("dozen", 12))
    for w in dual:
        add(w, _Word("dozen_dual", 12))
    for w in plural:
        add(w, _Word("dozen_pl", 12))
    for d, (sing, dual, plural) in _FRACTIONS.items():
        for w in sing:
            add(w, _Word("frac", 1 / d, ambiguous=d in (5, 7, 8, 9, 10)))
        for w in dual:
            add(w, _Word("frac_dual", 2 / d))
        for w in plural:
            add(w, _Word("frac_pl", 1 / d))
    for v, words in _ORDINALS.items():
        for w in words:
            add(w, _Word("ord", v))
    for v, words in _ORD_TEEN_ONLY.items():
        for w in words:
            add(w, _Word("ord_teen", v))
    return lex


_LEX = _build_lexicon()

# Attached clitics: conjunction و/ف, preposition ب/ل/ك, article ال (ل + ال is written لل).
_PREFIXES = sorted(
    {"", "و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ول", "وب", "وك",
     "فب", "فل", "فك", "وبال", "فبال", "ولل", "فلل", "وكال", "فكال"},
    key=len,
)

_PERCENT_SIGNS = {"%", "٪", "﹪"}
_PERCENT_WORDS = {normalize(w) for w in ("بالمائة", "بالمئة", "بالمائه", "بالمئه")}
_PERCENT_AFTER_FI = {normalize(w) for w in ("المائة", "المئة", "المائه", "المئه")}
_NEGATIVE_WORDS = {normalize(w) for w in ("سالب", "ناقص")}
_DECIMAL_WORDS = {normalize(w) for w in ("فاصلة", "فاصله")}
_AND = "و"
_NOT_NUMBER_BEFORE_ONE = {normalize(w) for w in ("أي", "أيّ", "كل")}  # أي واحد 'which one'

# Qualifiers before a number (general Arabic): outside the span, reported as `qualifier`.
_QUALIFIERS = [
    (("أكثر", "من"), "more_than"), (("اكثر", "من"), "more_than"), (("ما", "يزيد", "عن"), "more_than"),
    (("ما", "يزيد", "على"), "more_than"), (("أزيد", "من"), "more_than"), (("ما", "يفوق"), "more_than"),
    (("أقل", "من"), "less_than"), (("اقل", "من"), "less_than"), (("ما", "يقل", "عن"), "less_than"),
    (("حوالي",), "approximately"), (("حوالى",), "approximately"), (("نحو",), "approximately"),
    (("قرابة",), "approximately"), (("زهاء",), "approximately"), (("ما", "يقرب", "من"), "approximately"),
    (("ما", "يناهز"), "approximately"), (("تقريبا",), "approximately"),
    # comparatives and verbs of exceeding: أكبر من ٤٥٦٥، فوق الثلاثين، تحت ١٧٠، يتجاوز ٣٠٠٠، >٣٠
    (("أكبر", "من"), "more_than"), (("أعلى", "من"), "more_than"), (("يزيد", "عن"), "more_than"),
    (("يزيد", "على"), "more_than"), (("تزيد", "عن"), "more_than"), (("تزيد", "على"), "more_than"),
    (("يتجاوز",), "more_than"), (("تتجاوز",), "more_than"), (("يفوق",), "more_than"),
    (("تفوق",), "more_than"), (("فوق",), "more_than"), ((">",), "more_than"),
    (("أصغر", "من"), "less_than"), (("أدنى", "من"), "less_than"), (("يقل", "عن"), "less_than"),
    (("تقل", "عن"), "less_than"), (("تحت",), "less_than"), (("<",), "less_than"),
]
# A negation before a comparative turns it round: لا أقل من ٣٠ 'no less than 30' is a lower
# bound (khabar has no 'at least': the nearest qualifier is more_than).
_NEGATIONS = {normalize(w) for w in ("لا", "ولا", "فلا", "لن", "لم")}
_FLIP = {"more_than": "less_than", "less_than": "more_than"}
# Symbols after which a hyphen is a minus sign: <-30, (-5)
_SIGN_AFTER = {"<", ">", "=", "(", "[", "≤", "≥"}

# Counted nouns (general news vocabulary, singular, accusative, dual-free plural forms) and the
# English singular khabar records as `unit`.
_UNIT_NOUNS = {
    "person": ["شخص", "شخصا", "أشخاص", "اشخاص", "نسمة", "فرد", "فردا", "أفراد"],
    "civilian": ["مدني", "مدنيا", "مدنيين", "مدنيون"],
    "soldier": ["جندي", "جنديا", "جنود"],
    "fighter": ["مقاتل", "مقاتلا", "مقاتلين", "مقاتلون"],
    "child": ["طفل", "طفلا", "أطفال"],
    "woman": ["امرأة", "نساء"],
    "man": ["رجل", "رجلا", "رجال"],
    "refugee": ["لاجئ", "لاجئا", "لاجئين", "لاجئون"],
    "migrant": ["مهاجر", "مهاجرا", "مهاجرين", "مهاجرون"],
    "day": ["يوم", "يوما", "أيام"],
    "week": ["أسبوع", "أسبوعا", "أسابيع"],
    "month": ["شهر", "شهرا", "أشهر", "شهور"],
    "year": ["عام", "عاما", "أعوام", "سنة", "سنوات", "سنين"],
    "hour": ["ساعة", "ساعات"],
    "minute": ["دقيقة", "دقائق"],
    "country": ["دولة", "دول", "بلد", "بلدان"],
    "city": ["مدينة", "مدن"],
    "time": ["مرة", "مرات"],
    "kilometre": ["كيلومتر", "كيلومترا", "كيلومترات", "كم"],
    "metre": ["متر", "مترا", "أمتار"],
    "tonne": ["طن", "طنا", "أطنان"],
}
_CURRENCIES = {
    "dollar": ["دولار", "دولارا", "دولارات"],
    "euro": ["يورو"],
    "dinar": ["دينار", "دينارا", "دنانير"],
    "riyal": ["ريال", "ريالا", "ريالات"],
    "pound": ["جنيه", "جنيها", "جنيهات"],
    "dirham": ["درهم", "درهما", "دراهم"],
    "lira": ["ليرة", "ليرات"],
    "rouble": ["روبل", "روبلا"],
    "yuan": ["يوان"],
    "yen": ["ين"],
    "rupee": ["روبية", "روبيات"],
    "shekel": ["شيكل", "شيكلا", "شواكل"],
    "franc": ["فرنك", "فرنكا", "فرنكات"],
}
_CURRENCY_SIGNS = {"$": "dollar", "€": "euro", "£": "pound"}
_UNIT_LEX = {normalize(w): u for u, ws in _UNIT_NOUNS.items() for w in ws}
_CURRENCY_LEX = {normalize(w): u for u, ws in _CURRENCIES.items() for w in ws}
_YEAR_NOUNS = {normalize(w) for w in ("عام", "سنة", "العام", "السنة")}
# Definite nouns of rank after which digits are an ordinal (الدقيقة 23 'the 23rd minute').
_ORDINAL_NOUNS = {normalize(w) for w in (
    "الدقيقة", "المركز", "المرتبة", "الجولة", "الدورة", "النسخة", "المادة", "البند", "الفقرة",
    "الطابق", "الحلقة", "المرحلة", "الأسبوع", "الشوط", "الصف")}
# Definite plural nouns after which a definite tens numeral is a cardinal (الأيام العشرين).
_PLURAL_NOUNS = {normalize(w) for ws in _UNIT_NOUNS.values() for w in ws if len(w) > 2} | {
    normalize(w) for w in ("ناس", "أطراف", "دول", "قتلى", "جرحى", "ضحايا", "سكان")}


def _strip_prefix(norm: str) -> list[tuple[str, str]]:
    """(prefix, stem) readings of a folded word, the bare word first."""
    out = []
    for p in _PREFIXES:
        if norm.startswith(p) and len(norm) > len(p):
            stem = norm[len(p):]
            if p and p not in ("و", "ال") and len(stem) < 3:
                continue  # لست 'I am not' is not ل + ست
            out.append((p, stem))
    return out


def _is_definite(prefix: str) -> bool:
    return prefix.endswith("ال") or prefix.endswith("لل")


# --- digits ------------------------------------------------------------------------------------

_DIGIT_TOKEN = re.compile(
    rf"^(?P<pre>(?:[وفبلك]|وب|ول|فب|فل|وك)?(?:ال)?)(?P<sign>[$€£])?"
    rf"(?P<num>[{_DIGITS}]+(?:[.,٫٬][{_DIGITS}]+)*)"
    rf"(?P<pct>[%٪﹪])?(?P<suf>م|هـ|ه)?$"
)
_PLAIN_DIGITS = re.compile(rf"^[{_DIGITS}]+$")
_GROUP_SPACES = {" ", "\u00a0", "\u202f", "\u2009"}  # 1 234 567 (plain, no-break, thin)


def digits_value(s: str) -> float | None:
    """The value of a digit string with separators: '2,800' 2800, '٣٫٥' 3.5, '4,8' 4.8,
    '1.234,5' 1234.5, '١،٢٣٤' 1234. A comma before exactly three digits groups thousands;
    before anything else it is a decimal comma. None when the separators make no number."""
    s = s.translate(_STRIP_FORMAT).translate(_TO_WESTERN).replace("،", "\u0000")
    if not s or not re.fullmatch(r"[0-9.,\u0000]+", s) or not s[0].isdigit() and s[0] != ".":
        return None
    if s.startswith("."):
        return float(s) if re.fullmatch(r"\.[0-9]+", s) else None
    arabic_groups = s.split("\u0000")
    if len(arabic_groups) > 1:  # the Arabic comma only ever groups thousands
        head, tail = arabic_groups[0], arabic_groups[1:]
        last = tail[-1]
        if not re.fullmatch(r"[0-9]{1,3}", head) or not all(re.fullmatch(r"[0-9]{3}", g) for g in tail[:-1]):
            return None
        m = re.fullmatch(r"([0-9]{3})(?:[.,]([0-9]+))?", last)
        if not m:
            return None
        whole = head + "".join(tail[:-1]) + m.group(1)
        return float(whole + ("." + m.group(2) if m.group(2) else ""))
    seps = [c for c in s if c in ".,"]
    if not seps:
        return float(s)
    groups = re.split(r"[.,]", s)
    if len(set(seps)) == 2:  # the last separator is the decimal one
        dec = seps[-1]
        thou = "," if dec == "." else "."
        body, _, frac = s.rpartition(dec)
        parts = body.split(thou)
        if not re.fullmatch(r"[0-9]{1,3}", parts[0]) or not all(re.fullmatch(r"[0-9]{3}", p) for p in parts[1:]):
            return None
        return float("".join(parts) + "." + frac)
    sep = seps[0]
    thousands = (
        re.fullmatch(r"[1-9][0-9]{0,2}", groups[0]) is not None
        and all(len(g) == 3 for g in groups[1:])
    )
    if len(seps) > 1:
        return float("".join(groups)) if thousands else None
    if sep == "," and thousands:
        return float("".join(groups))
    return float(groups[0] + "." + groups[1])


# --- mentions ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class NumberMention(OnSpan):
    """One number found in a text: its token-aligned span, value, kind, counted unit and the
    qualifier before it (more_than / less_than / approximately / exact)."""

    span: Span
    value: float
    kind: str
    unit: str | None = None
    qualifier: str = "exact"


@dataclass
class _Atom:
    """One numeral token (or digit group) as the grammar sees it."""

    first: int  # token index range [first, last]
    last: int
    word: _Word | None  # None for digits
    value: float
    prefix: str = ""
    conj: bool = False  # joined to the previous atom by و
    digits: bool = False
    percent: bool = False
    sign: str | None = None  # currency sign written on the digits
    year_suffix: bool = False
    slash: bool = False  # a slash fraction 3/4
    raw: str = ""
    entries: tuple = ()  # the lexicon readings of a word


@dataclass
class _Acc:
    """The value being built while atoms are read left to right."""

    total: float = 0.0  # closed scale groups
    group: float = 0.0  # the group below the smallest scale so far
    last_scale: float = math.inf
    part: float = 0.0  # the last additive part (numerator of a following أخماس)
    part_cls: str = ""
    has_unit: bool = False
    has_tens: bool = False
    has_hundred: bool = False
    needs_teen: bool = False
    teen: bool = False
    ordinal: bool = False
    fraction: bool = False
    closed: bool = False  # a fraction part ends the number
    atoms: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.atoms

    @property
    def value(self) -> float:
        return self.total + self.group

    def new_group(self) -> None:
        self.group = 0.0
        self.has_unit = self.has_tens = self.has_hundred = self.teen = False

    def copy(self, **changes) -> "_Acc":
        """A copy with its own atom list, and `changes` applied (what a rule reads into it)."""
        c = _Acc(**{**{k: v for k, v in self.__dict__.items() if k != "atoms"}, **changes})
        c.atoms = list(self.atoms)
        return c


# --- the grammar: how a number grows one atom at a time ---------------------------------------
# Each rule reads atom `a` as a reading of class `cls` with `value` after the number so far
# (`acc`) and returns the extended accumulator, or None when the rule does not apply.

_StepRule = Callable[[_Acc, _Atom, str, float], "_Acc | None"]

# Readings that cannot start a number: they need a count or a unit before them.
_NEVER_FIRST = frozenset({"teen_suffix", "frac_pl", "hundreds_pl", "scale_pl", "dozen_pl"})
# Readings that follow the number so far with no joining و (ثلاثة عشر، ثلاث مائة، خمسة آلاف).
_UNJOINED = frozenset({"teen_suffix", "hundred_mult", "scale", "scale_pl", "dozen", "dozen_pl",
                       "frac_pl", "frac_whole", "hundreds_pl"})


def _may_extend(acc: _Acc, a: _Atom, cls: str) -> bool:
    """Whether any reading of class `cls` may come next: never after a closed number, joined by
    و unless it attaches directly, and only عشر or a joined ten after أحد / الحادي."""
    if acc.closed:
        return False
    if acc.empty:
        if cls in _NEVER_FIRST:
            return False
    elif not a.conj and cls not in _UNJOINED:
        return False
    # أحد / الحادي only before عشر or a joined ten: أحد عشر، الحادي والعشرون
    return not (acc.needs_teen and cls != "teen_suffix" and not (cls == "tens" and a.conj))


def _unit(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """A unit, أحد / اثنا or an ordinal: first, or joined after tens or a round group (خمسة وعشرون)."""
    n = acc.copy()
    if acc.empty:
        n.group = value
    elif a.conj and not acc.has_unit and not acc.teen and (acc.has_tens or acc.group % 100 == 0):
        n.group += value
    else:
        return None
    n.has_unit = True
    n.part, n.part_cls = value, cls
    n.needs_teen = cls in ("teen_only", "ord_teen")
    n.ordinal |= cls in ("ord", "ord_teen")
    return n


def _ten(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """عشرة: first, or joined after a round hundred or scale with no unit (مائة وعشرة)."""
    if not (acc.empty or (a.conj and acc.group % 100 == 0 and not acc.has_unit)):
        return None
    return acc.copy(group=acc.group + 10, has_unit=True, teen=True, part=10, part_cls="ten")


def _teen_suffix(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """عشر right after a unit makes a teen (ثلاثة عشر، اثنا عشر، الحادي عشر)."""
    if acc.part_cls not in ("unit", "ord", "ord_teen", "teen_only") or acc.teen or acc.has_tens \
            or acc.part > 9 or a.conj:
        return None
    return acc.copy(group=acc.group + 10, part=acc.part + 10, teen=True, needs_teen=False, part_cls="teen")


def _tens(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """Twenty to ninety: first, or joined after a unit or a round group (ثلاثة وعشرون، مائة وعشرون)."""
    n = acc.copy()
    if acc.empty:
        n.group = value
    elif a.conj and not acc.has_tens and not acc.teen and (acc.group % 100) < 10 and acc.part_cls != "ten":
        n.group += value
    else:
        return None
    n.has_tens = True
    n.needs_teen = False
    n.part, n.part_cls = value, "tens"
    return n


def _hundred(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """مائة to تسعمائة: first, or joined after a larger scale with nothing below it (ألف وثلاثمائة)."""
    if not (acc.empty or (a.conj and acc.group == 0 and value < acc.last_scale)):
        return None
    return acc.copy(group=value, has_hundred=True, part=value, part_cls="hundred")


def _hundred_times(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """ثلاث مائة / 3 مئة / 322 مائة: the last part (a unit or digits) times a hundred."""
    if acc.empty or a.conj or acc.has_hundred or acc.teen or acc.part_cls not in ("unit", "digits") \
            or (acc.part_cls == "unit" and acc.part > 9):
        return None
    group = acc.group - acc.part + acc.part * 100
    return acc.copy(group=group, has_hundred=True, has_unit=False, part=group, part_cls="hundred")


def _closed_by_scale(n: _Acc, value: float) -> _Acc:
    """`n` after a scale word of `value`: the scale closes the group below it."""
    n.last_scale = value
    n.new_group()
    n.part, n.part_cls = n.total, "scale"
    return n


def _scale_of_all(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """ألف مليار، مائة ألف تريليون: a larger scale multiplies the whole number so far."""
    if not (value > acc.last_scale and not a.conj and cls == "scale" and not acc.fraction and acc.value > 0):
        return None
    n = acc.copy()
    n.total = acc.value * value
    return _closed_by_scale(n, value)


def _scale_first(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """ألف، مليونان: a singular or dual scale word starting a number."""
    if not acc.empty or value >= acc.last_scale or cls == "scale_pl":
        return None
    n = acc.copy()
    n.total = value * (2 if cls == "scale_dual" else 1)
    return _closed_by_scale(n, value)


def _scale_joined(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """مليون وألفان: a smaller singular or dual scale joined by و after a closed group."""
    if acc.empty or not a.conj or value >= acc.last_scale or acc.group != 0 or cls == "scale_pl":
        return None
    n = acc.copy()
    n.total += value * (2 if cls == "scale_dual" else 1)
    return _closed_by_scale(n, value)


def _scale_counted(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """ثلاثة آلاف، عشرين ألفا، نصف مليون: the group (or a fraction) before a scale counts it."""
    if acc.empty or a.conj or value >= acc.last_scale or cls == "scale_dual":
        return None
    mult = acc.part if acc.part_cls == "frac" else acc.group
    if mult <= 0 or (cls == "scale_pl" and mult < 2):
        return None
    n = acc.copy()
    if acc.part_cls == "frac":
        n.fraction = False
    n.total += mult * value
    return _closed_by_scale(n, value)


def _dozen_first(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """دزينة، دزينتان: a dozen or two dozen starting a number."""
    if not acc.empty or cls == "dozen_pl":
        return None
    group = value * (2 if cls == "dozen_dual" else 1)
    return acc.copy(group=group, part=group, part_cls="dozen")


def _dozen_joined(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """ثلاثة ودزينة: a dozen or two dozen joined by و."""
    if acc.empty or not a.conj or cls == "dozen_pl":
        return None
    group = acc.group + value * (2 if cls == "dozen_dual" else 1)
    return acc.copy(group=group, part=group, part_cls="dozen")


def _dozen_counted(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """ثلاث دزينات، نصف دزينة: the group (or a fraction) before a dozen counts it."""
    if acc.empty or a.conj or cls == "dozen_dual":
        return None
    mult = acc.part if acc.part_cls == "frac" else acc.group
    if mult <= 0:
        return None
    return acc.copy(group=mult * value, fraction=False, part=mult * value, part_cls="dozen")


def _fraction_first(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """نصف، ثلثان: a fraction starting a number (a scale or a dozen may follow: نصف مليون)."""
    if not acc.empty:
        return None
    return acc.copy(group=value, fraction=True, part=value, part_cls="frac")


def _fraction_joined(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """واحد ونصف، مليون ونصف: a joined fraction ends the number (of the last scale when nothing is below it)."""
    if acc.empty or not a.conj:
        return None
    n = acc.copy()
    n.closed = True
    if acc.group == 0 and acc.last_scale < math.inf:
        n.total += value * acc.last_scale  # مليون ونصف 1.5 million
    else:
        n.group += value  # واحد ونصف، مائة وثلاثة وثلثان
        n.fraction = True
    return n


def _fraction_of_whole(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """ثلاثة وعشرون خمس: a singular fraction after a number of eleven or more divides it."""
    whole = acc.value
    if a.conj or whole < 11 or acc.part_cls == "frac":
        return None
    return acc.copy(total=0.0, group=whole * value, fraction=True, closed=True)


def _fraction_plural(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """ثلاثة أرباع، عشرون وثلاثة أخماس (a count of 2-10 before it), مئة وثلاثون أخماس (the whole)."""
    if a.conj or acc.part_cls == "frac":
        return None
    n = acc.copy()
    if acc.part_cls in ("unit", "ten", "digits") and 2 <= acc.part <= 10:
        n.group = acc.group - acc.part + acc.part * value
    else:
        n.total, n.group = 0.0, acc.value * value
    n.fraction = n.closed = True
    return n


def _zero(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """صفر: zero, alone; it ends the number."""
    if not acc.empty:
        return None
    n = acc.copy()
    n.group = 0.0
    n.closed = True
    n.part, n.part_cls = 0.0, "zero"
    return n


def _digits(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """Digits: first, or a whole number joined after a larger scale or a round hundred (ألف و500)."""
    n = acc.copy()
    if acc.empty:
        n.group = value
    elif a.conj and value == int(value) and (
        (acc.group == 0 and value < acc.last_scale)
        or (acc.has_hundred and not acc.has_tens and not acc.has_unit and acc.group % 100 == 0 and value < 100)
    ):
        n.group += value
    else:
        return None
    n.part, n.part_cls = value, "digits"
    if a.slash:
        n.fraction = n.closed = True
    return n


class _Rule(NamedTuple):
    """One rule of the number grammar: its name, the reading classes it reads, and the rule."""

    name: str
    classes: frozenset[str]
    apply: _StepRule


def _rule(name: str, classes: str, apply: _StepRule) -> _Rule:
    """A `_Rule` with its classes written as one space-separated string."""
    return _Rule(name, frozenset(classes.split()), apply)


# The number grammar, tried in order on a reading's class: the first rule that returns an
# accumulator wins; when none does, the number ends before the atom.
_STEP_RULES: tuple[_Rule, ...] = (
    _rule("unit", "unit ord ord_teen teen_only", _unit),
    _rule("ten", "ten", _ten),
    _rule("teen", "teen_suffix", _teen_suffix),
    _rule("tens", "tens", _tens),
    _rule("hundred", "hundred", _hundred),
    _rule("times a hundred", "hundred_mult hundreds_pl", _hundred_times),
    _rule("scale of the whole number", "scale", _scale_of_all),
    _rule("scale first", "scale scale_dual scale_pl", _scale_first),
    _rule("scale joined", "scale scale_dual scale_pl", _scale_joined),
    _rule("scale counted", "scale scale_dual scale_pl", _scale_counted),
    _rule("dozen first", "dozen dozen_dual dozen_pl", _dozen_first),
    _rule("dozen joined", "dozen dozen_dual dozen_pl", _dozen_joined),
    _rule("dozen counted", "dozen dozen_dual dozen_pl", _dozen_counted),
    _rule("fraction first", "frac frac_dual", _fraction_first),
    _rule("fraction joined", "frac frac_dual", _fraction_joined),
    _rule("fraction of the whole", "frac_whole", _fraction_of_whole),
    _rule("plural fraction", "frac_pl", _fraction_plural),
    _rule("zero", "zero", _zero),
    _rule("digits", "digits", _digits),
)
_RULES_BY_CLASS: dict[str, tuple[_StepRule, ...]] = {
    cls: tuple(r.apply for r in _STEP_RULES if cls in r.classes)
    for cls in sorted({c for r in _STEP_RULES for c in r.classes})
}


def _step(acc: _Acc, a: _Atom, cls: str, value: float) -> _Acc | None:
    """`acc` extended by atom `a` read as (`cls`, `value`), or None when that is not Arabic
    number grammar (the number then ends before `a`)."""
    if not _may_extend(acc, a, cls):
        return None
    for apply in _RULES_BY_CLASS.get(cls, ()):
        n = apply(acc, a, cls, value)
        if n is not None:
            return n
    return None


def _readings(a: _Atom, acc: _Acc, nxt_norm: str | None) -> list[tuple[str, float]]:
    """The grammatical readings of an atom to try, most likely first."""
    if a.digits:
        return [("digits", a.value)]
    out: list[tuple[str, float]] = []
    for cand in a.entries:
        cls, v = cand.cls, cand.value
        if cls == "ten":
            if not acc.empty and not a.conj:
                out.append(("teen_suffix", 10))
            out.append(("ten", 10))
        elif cls == "hundred" and v == 100:
            if not acc.empty and not a.conj:
                out.append(("hundred_mult", 100))
            out.append(("hundred", 100))
        elif cls == "frac":
            if cand.ambiguous:
                if acc.empty:
                    # خمس الفطيرة 'a fifth of the pie'; خمس سنوات 'five years'; ثمن alone is 'price'
                    definite_next = nxt_norm is not None and nxt_norm.startswith("ال") and nxt_norm not in _LEX
                    if v == 1 / 8 or not definite_next:
                        continue
                    out.insert(0, ("frac", v))
                    continue
            if not acc.empty and not a.conj:
                if cand.ambiguous and _is_multiplier(nxt_norm):
                    continue  # ألف خمس مائة: خمس is 'five' before مائة, not 'a fifth'
                out.append(("frac_whole", v))
            else:
                out.append(("frac", v))
        else:
            out.append((cls, v))
    return out


def _is_multiplier(norm: str | None) -> bool:
    """Whether a folded word is مائة or a scale word (ألف، مليون ...), bare or with و/ال."""
    if norm is None:
        return False
    return any(stem in _LEX and any(e.cls in ("hundred", "scale", "scale_pl") for e in _LEX[stem])
               for _, stem in _strip_prefix(norm))


def _word_atom(tok: Token, i: int, first: bool, after_and: bool = False) -> _Atom | None:
    norm = _norm(tok.text)
    readings = _strip_prefix(norm)
    if not first and not after_and:  # a leading و inside a number joins: وأحد عشر, وواحد
        readings.sort(key=lambda r: r[0] != "و")
    for prefix, stem in readings:
        if stem in _LEX:
            if not first and prefix not in ("", "و", "ال", "وال"):
                continue  # inside a number only the conjunction and the article attach
            entries = tuple(_LEX[stem])
            return _Atom(i, i, entries[0], entries[0].value, prefix=prefix,
                         conj=prefix.startswith("و") and not first, raw=stem, entries=entries)
    return _suffixed_fraction(i, readings) if first else None


# Pronouns attached to a fraction word (نصفهم 'half of them', ثلثها 'a third of it').
_PRONOUN_SUFFIXES = ("هما", "هم", "هن", "ها", "كم", "ه")


def _suffixed_fraction(i: int, readings: list[tuple[str, str]]) -> _Atom | None:
    """A fraction word with an attached pronoun (نصفهم، ثلثاها), read as the fraction alone;
    only unambiguous fraction words (not خمس 'five' or ثمن 'price')."""
    for prefix, stem in readings:
        for suffix in _PRONOUN_SUFFIXES:
            base = stem[:-len(suffix)]
            if not stem.endswith(suffix) or base not in _LEX:
                continue
            entries = tuple(e for e in _LEX[base] if e.cls in ("frac", "frac_dual") and not e.ambiguous)
            if entries and len(entries) == len(_LEX[base]):
                return _Atom(i, i, entries[0], entries[0].value, prefix=prefix, raw=base, entries=entries)
    return None


@dataclass
class _DigitRead:
    """A digit group being read from token `first` to token `last`: the digits as written in the
    first token (`num`), the clitics, currency sign, percent sign and year suffix on them, and
    the value read so far."""

    first: int
    last: int
    num: str
    pre: str = ""
    sign: str | None = None
    pct: str | None = None
    suf: str | None = None
    value: float | None = None
    slash: bool = False  # a slash fraction 3/4 or a mixed number 2 1/4
    date: bool = False  # a group of a date 5/17/2018: plain digits, no currency sign

    def atom(self) -> _Atom:
        """The digit group as the grammar's atom."""
        return _Atom(self.first, self.last, None, self.value, prefix=self.pre, conj=False, digits=True,
                     percent=bool(self.pct), sign=None if self.date else self.sign,
                     year_suffix=bool(self.suf), slash=self.slash, raw=self.num)


_DigitRule = Callable[[_DigitRead, list[Token], str], bool]
_SEPARATED_GROUP = re.compile(rf"[{_DIGITS}]+(?:[.,٫٬][{_DIGITS}]+)?[%٪]?")
_SHORT_GROUP = re.compile(rf"[{_DIGITS}]{{1,3}}")
_GROUP_OF_THREE = re.compile(rf"[{_DIGITS}]{{3}}")
_LAST_GROUP_OF_THREE = re.compile(rf"[{_DIGITS}]{{3}}(?:[.٫][{_DIGITS}]+)?")


def _gap(text: str, tokens: list[Token], a: int, b: int) -> str:
    """The text between tokens a and b."""
    return text[tokens[a].end:tokens[b].start]


def _digits_in_token(tokens: list[Token], i: int) -> _DigitRead | None:
    """Digits written in token i, with clitics, a currency sign, % or a year suffix (و2011، $5، ٣٠٪، 2011م)."""
    m = _DIGIT_TOKEN.match(tokens[i].text.translate(_STRIP_FORMAT).replace(TATWEEL, ""))
    if m is None:
        return None
    return _DigitRead(i, i, m.group("num"), m.group("pre"), m.group("sign"), m.group("pct"), m.group("suf"))


def _leading_dot(tokens: list[Token], i: int) -> _DigitRead | None:
    """.25: a dot starting a word, with digits right after it."""
    tok = tokens[i]
    if tok.text == "." and i + 1 < len(tokens) and tokens[i + 1].start == tok.end \
            and _PLAIN_DIGITS.match(tokens[i + 1].text.translate(_STRIP_FORMAT)) \
            and (i == 0 or tokens[i - 1].end < tok.start):
        return _DigitRead(i, i + 1, "." + tokens[i + 1].text.translate(_STRIP_FORMAT))
    return None


def _not_glued(d: _DigitRead, tokens: list[Token], text: str) -> bool:
    """180ميلي، ١مليون: digits glued to letters are no number (the tokeniser split them)."""
    nxt = tokens[d.last + 1] if d.last + 1 < len(tokens) else None
    return not (nxt is not None and nxt.start == tokens[d.last].end and nxt.text[0].isalpha())


def _separator_groups(d: _DigitRead, tokens: list[Token], text: str) -> bool:
    """١،٢٣٤،٥٦٧ / 26،013‪,94: digit groups joined by separator tokens with no space, kept when
    the whole makes a number."""
    j = d.last
    while not d.pct and not d.suf and j + 2 < len(tokens) and tokens[j + 1].text in ("،", ",", ".") \
            and _gap(text, tokens, j, j + 1) == "" and _gap(text, tokens, j + 1, j + 2) == "" \
            and _SEPARATED_GROUP.fullmatch(tokens[j + 2].text.translate(_STRIP_FORMAT)):
        j += 2
    if j > d.last:
        tail = "".join(t.text for t in tokens[d.last + 1:j + 1]).translate(_STRIP_FORMAT)
        tail_pct = tail[-1] in _PERCENT_SIGNS
        d.value = digits_value(d.num + (tail[:-1] if tail_pct else tail))
        if d.value is not None:
            d.last, d.pct = j, d.pct or ("%" if tail_pct else None)
    return True


def _written_value(d: _DigitRead, tokens: list[Token], text: str) -> bool:
    """The value of the digits in the first token, unless separator groups gave one."""
    if d.value is None:
        d.value = digits_value(d.num)
    return d.value is not None


def _space_groups(d: _DigitRead, tokens: list[Token], text: str) -> bool:
    """1 234 567 / 40 000: space-grouped thousands (a first group of 1-3 digits, then groups of 3)."""
    if d.pre or d.sign or d.pct or d.suf or not _SHORT_GROUP.fullmatch(d.num):
        return True
    k = d.last
    groups = [d.num]
    while k + 1 < len(tokens) and _gap(text, tokens, k, k + 1) in _GROUP_SPACES \
            and _LAST_GROUP_OF_THREE.fullmatch(tokens[k + 1].text):
        groups.append(tokens[k + 1].text)
        k += 1
        if not _GROUP_OF_THREE.fullmatch(tokens[k].text):
            break
    if k > d.last:
        v = digits_value("".join(groups).translate(_TO_WESTERN).replace(",", "."))
        if v is not None:
            d.value, d.last = v, k
    return True


def _slash_at(tokens: list[Token], text: str, k: int) -> int | None:
    """The index of the denominator when token k is followed by '/' and plain digits, no spaces."""
    if k + 2 < len(tokens) and tokens[k + 1].text == "/" and _gap(text, tokens, k, k + 1) == "" \
            and _gap(text, tokens, k + 1, k + 2) == "" and _PLAIN_DIGITS.match(tokens[k + 2].text):
        return k + 2
    return None


def _whole_plain(d: _DigitRead) -> bool:
    """Whether the group is plain digits with a whole value and no % or year suffix."""
    return not d.pct and not d.suf and d.value == int(d.value) and _PLAIN_DIGITS.match(d.num) is not None


def _slash_fraction(d: _DigitRead, tokens: list[Token], text: str) -> bool:
    """3/4: a slash fraction (a zero denominator is no number); a group of a date 5/17/2018 stays
    plain digits."""
    if not _whole_plain(d):
        return True
    e = _slash_at(tokens, text, d.last)
    after_slash = d.first >= 1 and tokens[d.first - 1].text == "/" and tokens[d.first - 1].end == tokens[d.first].start
    if e is None and not after_slash:
        return True
    if after_slash or _slash_at(tokens, text, e) is not None \
            or (e + 1 < len(tokens) and tokens[e + 1].text == "/" and _gap(text, tokens, e, e + 1) == ""):
        d.date = True
        return True
    den = float(tokens[e].text.translate(_TO_WESTERN))
    if den == 0:
        return False
    d.value, d.last, d.slash = d.value / den, e, True
    return True


def _mixed_number(d: _DigitRead, tokens: list[Token], text: str) -> bool:
    """2 1/4: a whole number, one space, then a proper slash fraction that is not part of a date."""
    k = d.last + 1
    if d.date or d.slash or not _whole_plain(d) or d.last != d.first or k >= len(tokens) \
            or _gap(text, tokens, d.last, k) != " ":
        return True
    e = _slash_at(tokens, text, k)
    if e is not None and _PLAIN_DIGITS.match(tokens[k].text):
        num = float(tokens[k].text.translate(_TO_WESTERN))
        den = float(tokens[e].text.translate(_TO_WESTERN))
        if den and 0 < num < den and (e + 1 >= len(tokens) or tokens[e + 1].text != "/"):
            d.value, d.last, d.slash = d.value + num / den, e, True
    return True


# How a digit group is read, in order: each rule extends the reading in place and returns
# False when the tokens make no number after all.
_DIGIT_RULES: tuple[tuple[str, _DigitRule], ...] = (
    ("not glued to letters", _not_glued),
    ("separator groups", _separator_groups),
    ("written value", _written_value),
    ("space groups", _space_groups),
    ("slash fraction", _slash_fraction),
    ("mixed number", _mixed_number),
)


def _digit_atom(tokens: list[Token], text: str, i: int) -> _Atom | None:
    """A digit group starting at token i, with the tokens it spans: 2,800 / ١،٢٣٤،٥٦٧ /
    1 234 567 / 3/4 / 2 1/4 / .25 / 30% / و2011."""
    d = _digits_in_token(tokens, i) or _leading_dot(tokens, i)
    if d is None:
        return None
    for _name, rule in _DIGIT_RULES:
        if not rule(d, tokens, text):
            return None
    return d.atom()


def _norm_at(tokens: list[Token], k: int) -> str | None:
    return _norm(tokens[k].text) if 0 <= k < len(tokens) else None


def _stem(norm: str | None) -> str | None:
    """A word without its article and attached prepositions/conjunctions (for noun look-ups)."""
    if norm is None:
        return None
    for p in reversed(_PREFIXES):
        if p and norm.startswith(p) and len(norm) - len(p) >= 2:
            return norm[len(p):]
    return norm


def _same_line(text: str, tokens: list[Token], a: int, b: int) -> bool:
    return "\n" not in text[tokens[a].end:tokens[b].start]


def _fraction_part(acc: _Acc, a: _Atom, tokens: list[Token], text: str) -> _Acc | None:
    """ثلاثة وعشرون وثلاثة أخماس: a joined count of 2-10 with a plural fraction after a
    complete number adds that fraction (the count alone would not extend the number)."""
    if acc.empty or acc.closed or not a.conj or a.word is None or a.digits:
        return None
    if not any(e.cls in ("unit", "ten") and 2 <= e.value <= 10 for e in a.entries):
        return None
    k = a.last + 1
    if k >= len(tokens) or not _same_line(text, tokens, a.last, k):
        return None
    frac = _word_atom(tokens[k], k, first=False)
    if frac is None or frac.prefix or not any(e.cls == "frac_pl" for e in frac.entries):
        return None
    count = next(e.value for e in a.entries if e.cls in ("unit", "ten") and 2 <= e.value <= 10)
    per = next(e.value for e in frac.entries if e.cls == "frac_pl")
    n = acc.copy()
    n.group += count * per
    n.fraction = n.closed = True
    n.atoms += [a, frac]
    return n


def _parse_at(tokens: list[Token], text: str, i: int) -> tuple[_Acc, int, bool] | None:
    """The longest number starting at token i: (accumulator, last token index, negative)."""
    negative = False
    start = i
    t = tokens[i]
    if t.text == "-" and i + 1 < len(tokens) and tokens[i + 1].start == t.end \
            and (i == 0 or tokens[i - 1].end < t.start or tokens[i - 1].text in _SIGN_AFTER) \
            and (i == 0 or not any(ch.isdigit() for ch in tokens[i - 1].text)):
        negative, i = True, i + 1
    elif _norm(t.text) in _NEGATIVE_WORDS and i + 1 < len(tokens) and _same_line(text, tokens, i, i + 1):
        negative, i = True, i + 1
    first = _digit_atom(tokens, text, i) or _word_atom(tokens[i], i, first=True)
    if first is None:
        return None
    if negative and first.prefix:
        return None
    acc = _Acc()
    a = first
    last = start - 1
    while a is not None:
        nxt_norm = _norm_at(tokens, a.last + 1)
        new = None
        for cls, v in _readings(a, acc, nxt_norm):
            new = _step(acc, a, cls, v)
            if new is not None:
                break
        if new is None:
            new = _fraction_part(acc, a, tokens, text)
            if new is not None:
                acc, last = new, new.atoms[-1].last
            break
        new.atoms.append(a)
        acc, last = new, a.last
        if a.digits and (a.percent or a.year_suffix or a.slash and acc.closed):
            break
        # the next atom: a word or digits, after an optional standalone و
        k = a.last + 1
        conj = False
        if k < len(tokens) and tokens[k].text == _AND and _same_line(text, tokens, a.last, k):
            conj, k = True, k + 1
        if k >= len(tokens) or not _same_line(text, tokens, k - 1, k):
            break
        if tokens[k].start - tokens[k - 1].end > 3:
            break
        nxt = _digit_atom(tokens, text, k)
        if nxt is not None:
            if nxt.prefix not in ("", "و"):
                break
            nxt.conj = conj or nxt.prefix == "و"
            if conj and nxt.prefix:
                break
        else:
            nxt = _word_atom(tokens[k], k, first=False, after_and=conj)
            if nxt is None:
                break
            if conj:
                if nxt.prefix not in ("", "ال"):
                    break
                nxt.conj = True
            else:
                nxt.conj = nxt.prefix.startswith("و")
        a = nxt
    if acc.empty or acc.needs_teen:
        return None
    # اثنان فاصلة خمسة: a decimal point in words, then the decimals as a whole number
    k = last + 1
    if not acc.closed and not acc.fraction and k + 1 < len(tokens) and _norm(tokens[k].text) in _DECIMAL_WORDS \
            and _same_line(text, tokens, last, k + 1):
        sub = _parse_at(tokens, text, k + 1)
        if sub is not None and not sub[2] and not sub[0].fraction and sub[0].value == int(sub[0].value):
            decimals = int(sub[0].value)
            acc.group += decimals / 10 ** len(str(decimals))
            last = sub[1]
    return acc, last, negative


def _qualifier(tokens: list[Token], i: int) -> str:
    for words, q in _QUALIFIERS:
        n = len(words)
        if q == "approximately" and words == ("تقريبا",):
            continue
        if i - n < 0:
            continue
        first = _norm(tokens[i - n].text)
        w0 = normalize(words[0])
        # the first word may carry a conjunction: وأقل من ١٠
        if first != w0 and not (first[:1] in ("و", "ف") and first[1:] == w0 and len(w0) > 1):
            continue
        if all(_norm(tokens[i - n + k].text) == normalize(w) for k, w in enumerate(words) if k):
            if q in _FLIP and _norm_at(tokens, i - n - 1) in _NEGATIONS:
                return _FLIP[q]
            return q
    return "exact"


def find_numbers(text: str) -> list[NumberMention]:
    """Every number mention in `text`, left to right, as token-aligned spans."""
    tokens = tokenize(text)
    out: list[NumberMention] = []
    i = 0
    while i < len(tokens):
        parsed = _parse_at(tokens, text, i)
        if parsed is None:
            i += 1
            continue
        acc, last, negative = parsed
        m = _mention(tokens, text, i, last, acc, negative)
        if m is None:
            i += 1
            continue
        mention, last = m
        out.append(mention)
        i = last + 1
    return out


def _mention(tokens: list[Token], text: str, i: int, last: int, acc: _Acc, negative: bool):
    atoms: list[_Atom] = acc.atoms
    a0 = atoms[0]
    value = acc.value
    prev = _norm_at(tokens, i - 1)
    nxt = _norm_at(tokens, last + 1)
    definite = _is_definite(a0.prefix)
    single = len(atoms) == 1
    w0 = a0.word
    # words that look like numerals but are not numbers here
    if w0 is not None and single:
        if w0.cls == "unit" and w0.value == 1 and prev in _NOT_NUMBER_BEFORE_ONE:
            return None
        if w0.cls == "unit" and w0.value == 2 and definite:
            return None  # الاثنين alone is mostly 'Monday' in news
        if w0.cls == "ord" and a0.raw == normalize("ثانية") and not definite and _ends_number(tokens, text, i - 1):
            return None  # 30 ثانية: the noun 'second'
        if w0.cls in ("hundreds_pl", "scale_pl", "dozen_pl"):
            return None
    if w0 is not None and w0.cls == "scale" and a0.raw in (normalize("ألفا"), normalize("مليونا"), normalize("مليارا")) \
            and single and "\u064b" not in tokens[a0.first].text:
        value *= 2  # ألفا شخص: dual construct 'two thousand'
    if negative:
        value = -value
    kind = "cardinal"
    unit = None
    if acc.fraction:
        kind = "fraction"
    if acc.ordinal:
        kind = "ordinal"
    elif single and a0.digits and not a0.percent and _after_rank_noun(prev):
        kind = "ordinal"
    elif definite and w0 is not None and not acc.fraction:
        first_cls = w0.cls
        has_tens = any(a.word is not None and a.word.cls == "tens" for a in atoms)
        ordinal_candidate = (
            first_cls == "tens"
            or (first_cls in ("hundred", "scale", "scale_dual") and (not single or _after_definite_noun(tokens, i)))
            or (first_cls == "unit" and w0.value in (1, 2) and has_tens)
        )
        if ordinal_candidate and not _after_plural_or_indefinite_noun(tokens, i):
            kind = "ordinal"
    # percent: a sign on the digits, a following % token, في المائة, بالمائة
    end_tok = last
    percent = any(a.percent for a in atoms)
    if not percent and kind in ("cardinal", "fraction"):
        if nxt is not None and tokens[last + 1].text in _PERCENT_SIGNS and tokens[last + 1].start - tokens[last].end <= 1:
            percent, end_tok = True, last + 1
        elif nxt in _PERCENT_WORDS and _same_line(text, tokens, last, last + 1):
            percent, end_tok = True, last + 1
        elif nxt == "في" and _norm_at(tokens, last + 2) in _PERCENT_AFTER_FI and _same_line(text, tokens, last, last + 2):
            percent, end_tok = True, last + 2
    after = _stem(_norm_at(tokens, end_tok + 1))
    after_raw = _norm_at(tokens, end_tok + 1)
    if percent:
        kind = "percent"
    elif kind == "ordinal":
        pass
    elif any(a.sign for a in atoms):
        kind, unit = "money", _CURRENCY_SIGNS[next(a.sign for a in atoms if a.sign)]
    elif after_raw in _CURRENCY_LEX or after in _CURRENCY_LEX:
        kind, unit = "money", _CURRENCY_LEX.get(after_raw) or _CURRENCY_LEX[after]
    elif kind == "cardinal" and value == int(value) and 1000 <= value <= 2100 and (
        any(a.year_suffix for a in atoms)
        or (_stem(prev) in _YEAR_NOUNS or prev in _YEAR_NOUNS) and not definite
        or (single and a0.digits and len(a0.raw) == 4 and 1900 <= value <= 2100
            and after not in _UNIT_LEX and after_raw not in _UNIT_LEX
            and _qualifier(tokens, i) == "exact")
    ):
        kind = "year"
    if kind in ("cardinal",):
        unit = _UNIT_LEX.get(after_raw) or _UNIT_LEX.get(after or "")
        if unit is None and (definite or (w0 is not None and w0.cls == "unit" and w0.value in (1, 2))):
            unit = _UNIT_LEX.get(_stem(prev) or "") or _UNIT_LEX.get(prev or "")
    start, end = tokens[i].start, tokens[end_tok].end
    return NumberMention(Span(start, end, text[start:end]), float(value), kind, unit,
                         _qualifier(tokens, i)), end_tok


def _after_rank_noun(prev: str | None) -> bool:
    """Whether the word before a number is a definite noun of rank (الدقيقة، بالمرتبة)."""
    stem = _stem(prev)
    return prev is not None and stem is not None and stem != prev and "ال" + stem in _ORDINAL_NOUNS \
        and ("ال" in prev[:4] or prev.startswith("لل"))


def _ends_number(tokens: list[Token], text: str, k: int) -> bool:
    """Whether token k is the end of a numeral (digits or a number word)."""
    if k < 0:
        return False
    if _digit_atom(tokens, text, k) is not None:
        return True
    a = _word_atom(tokens[k], k, first=True)
    return a is not None and a.word.cls not in ("ord", "ord_teen", "frac", "frac_pl")


def _is_arabic_word(tokens: list[Token], k: int) -> bool:
    return 0 <= k < len(tokens) and any("\u0600" <= c <= "\u06ff" and c.isalpha() for c in tokens[k].text)


def _after_definite_noun(tokens: list[Token], i: int) -> bool:
    prev = _norm_at(tokens, i - 1)
    return prev is not None and _is_arabic_word(tokens, i - 1) and (prev.startswith("ال") or prev.startswith("لل")
                                                                     or prev.startswith("بال") or prev.startswith("وال"))


_PREPOSITIONS_AND_PRONOUNS = {normalize(w) for w in ("في", "من", "إلى", "الى", "على", "عن", "هو", "هي", "مع", "و")}


def _after_plural_or_indefinite_noun(tokens: list[Token], i: int) -> bool:
    """الأيام العشرين, مجموعة العشرين: a definite tens numeral after these is a cardinal."""
    prev = _norm_at(tokens, i - 1)
    if prev is None or not _is_arabic_word(tokens, i - 1):
        return False
    if prev in _PREPOSITIONS_AND_PRONOUNS:
        return False
    if not _after_definite_noun(tokens, i):
        return True
    stem = _stem(prev) or prev
    return stem.endswith("ات") or stem.endswith("ين") or stem.endswith("ون") or stem in _PLURAL_NOUNS


def parse(s: str) -> NumberMention | None:
    """The one number that makes up the whole string `s` (surrounding spaces and punctuation
    aside), or None."""
    s2 = s.strip()
    if not s2:
        return None
    found = find_numbers(s2)
    if len(found) != 1:
        return None
    m = found[0]
    rest = (s2[:m.start] + s2[m.end:]).strip(" \t\n.,،؛:;!?؟\"'«»()[]")
    return m if not rest else None


def parse_number(s: str) -> float | None:
    """The value of a number written as a string: '2,800' 2800.0, '٢٨٠٠' 2800.0, 'ألفان
    وثمانمائة' 2800.0, '30%' 30.0, '3.5' 3.5, 'الأربعة' 4.0. None when `s` is not one number."""
    if not isinstance(s, str):
        return None
    m = parse(s)
    if m is not None:
        return m.value
    try:
        v = float(s.translate(_STRIP_FORMAT).translate(_TO_WESTERN).replace("،", "").strip())
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _main(argv: list[str] | None = None) -> int:
    """Print the number mentions found in a text, one a line (span, text, value, kind, unit)."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m khabar.numerals", description=__doc__.split("\n\n")[0])
    ap.add_argument("text", nargs="?", help="print the number mentions found in this text")
    args = ap.parse_args(argv)
    if args.text is None:
        ap.print_help()
        return 2
    for m in find_numbers(args.text):
        print(f"{m.start:5} {m.end:5}  {m.text!r:30} {m.value:g}  {m.kind}"
              + (f"  unit={m.unit}" if m.unit else "") + (f"  {m.qualifier}" if m.qualifier != "exact" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
