"""Gazetteers and general word lists for the `rules` baseline, built at run time.

Provenance of every list (nothing here is read off khabar's seed or its annotations):
- Territory names: Unicode CLDR through Babel (`babel.Locale('ar').territories`). Two-letter
  codes are countries and territories (GPE); UN M.49 numeric codes are continents and regions
  (LOC, e.g. 150 أوروبا، 015 شمال أفريقيا); CLDR's own `EU` and `UN` entries (الاتحاد الأوروبي،
  الأمم المتحدة) are organisations (ORG). A long official form headed by a word for a state
  (المملكة، جمهورية ...) also gives its final distinctive word as a short name.
- City names: CLDR exemplar cities of the IANA time zones, through Babel
  (`Locale('ar').time_zones[zone]['city']`), for Region/City zones of Africa, America, Asia,
  Australia and Europe.
- Nationality adjectives (NORP): derived by general Arabic nisba morphology (ليبيا → ليبي، ليبية،
  الليبيون ...) from the single-word CLDR country and continent names, from the nisba adjective
  that ends a multi-word CLDR name (الأراضي الفلسطينية → فلسطيني), and from the CLDR names of
  languages with a two-letter code, which Arabic writes as the feminine nisba (الكردية → كردي).
- Titles, role nouns, head nouns, adjectives that continue a name, function words, time words,
  speech verbs: general Modern Standard Arabic vocabulary written for khabar.
- `COLLISIONS`: CLDR names that are also common Arabic words, dropped (general vocabulary).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from khabar.normalize import normalize


def folded(*words: str) -> set[str]:
    """The folded (normalized) forms of general vocabulary words."""
    return {normalize(w) for w in words}


CLDR_SKIP = {"001", "ZZ", "EZ", "QO", "XA", "XB"}
"""CLDR codes that are not names: the world (العالم is a common noun), unknown region,
eurozone, outlying Oceania, pseudo-locales."""
CLDR_ORG = {"EU", "UN"}
"""CLDR territory codes that name organisations in khabar's scheme."""
CITY_REGIONS = ("Africa/", "America/", "Asia/", "Australia/", "Europe/")

COLLISIONS = folded(
    "مالي",  # Mali; also 'financial', 'my money'
    "بنين",  # Benin; also 'sons'
    "نوم",  # Nome; also 'sleep'
    "سمراء",  # Samara; also 'dark-skinned'
    "العيون",  # El Aaiún; also 'the eyes'
    "بلم",  # Belém
    "جوني",  # Juneau
    "مسقط",  # Muscat; also 'birthplace' (مسقط رأس)
    "سنتر",
    "ديلي",
    "ترك",  # also 'he left'
    "ماهي",  # Mahé; also 'what is'
    "واك",
    "بالي",  # nisba of Balinese; also 'worn out'
    "آني",  # also 'instant'
    "بيني",  # also 'between me'
)
"""Names and derived adjectives that are also common Arabic words (general vocabulary)."""

STATE_HEADS = folded("المملكة", "مملكة", "الجمهورية", "جمهورية", "دولة", "سلطنة", "إمارة", "الإمارات")
"""Words for a state that head a long official country name (general vocabulary)."""

PLAIN_ADJECTIVES = folded(
    "العربية", "المتحدة", "الديمقراطية", "الشعبية", "الشمالية", "الجنوبية", "الشرقية", "الغربية",
    "الوسطى", "الكبرى", "الجديدة", "الاستوائية", "الإسلامية", "الاتحادية", "النائية", "المركزية",
)
"""Adjectives that end country names without being a nationality (general vocabulary)."""

DIRECTIONS = folded("شمال", "جنوب", "شرق", "غرب", "وسط")
"""Compass words that open compound place names (general vocabulary)."""

GROUP_ADJECTIVES = ("خليجي", "عربي")
"""Supranational group adjectives annotated as NORP (Gulf, Arab): general vocabulary."""

TITLES = [normalize(w) for w in (
    "السيد", "السيدة", "الآنسة", "الجنرال", "اللواء", "المشير", "العقيد", "العميد", "الفريق",
    "النقيب", "الرائد", "الرئيس", "الرئيسة", "الوزير", "الوزيرة", "الدكتور", "الدكتورة", "د",
    "الشيخ", "الأمير", "الأميرة", "الملك", "الملكة", "المستشار", "المستشارة", "النائب", "القاضي",
    "الإمام", "البابا", "الحاج", "المبعوث", "السفير", "السفيرة", "المتحدث", "المتحدثة",
    "البروفيسور", "المهندس", "المحامي", "الأستاذ", "الأستاذة", "العقيدة", "الملازم",
)]
"""Titles and honorifics that come before a person's name (outside the name's span)."""

ROLE_NOUNS = folded(
    "وزير", "وزيرة", "رئيس", "رئيسة", "نائب", "نائبة", "مدير", "مديرة", "محافظ", "محافظة", "حاكم",
    "مدرب", "قائد", "متحدث", "متحدثة", "ناطق", "ناطقة", "أستاذ", "أستاذة", "باحث", "باحثة", "سفير",
    "سفيرة", "مبعوث", "مبعوثة", "مستشار", "مستشارة", "زعيم", "زعيمة", "كاتب", "عضو",
    "مسؤول", "مسؤولة", "مندوب", "مندوبة", "ممثل", "ممثلة", "مفوض", "مفوضة", "منسق", "منسقة",
    "لاعب", "مهاجم", "مدافع", "حارس", "بديل", "نجم", "قيادي", "قيادية", "مرشح", "مرشحة",
    "خبير", "خبيرة", "محلل", "محللة", "مراسل", "مراسلة", "صحفي", "صحفية", "رئيس الوزراء",
    "عمدة", "نقيب", "مؤسس", "مالك", "أمير", "ملك", "ولي", "قاضي", "قاضية", "محامي", "محامية",
    "طبيب", "طبيبة", "مهندس", "مهندسة", "مساعد", "مساعدة", "وكيل", "وكيلة", "ناشط", "ناشطة",
)
"""Nouns of office or occupation that describe a person before the name (read without clitics
and article: وزير، الوزير، لوزير)."""

DEFINITE_ROLES = folded("الأمين", "للأمين", "والأمين")
"""Role nouns only with the article (الأمين العام); bare أمين is also a first name."""

ORG_HEADS = [normalize(w) for w in (
    "الاتحاد", "اتحاد", "منظمة", "المنظمة", "وزارة", "الوزارة", "جيش", "الجيش", "حكومة", "الحكومة",
    "مجلس", "المجلس", "حزب", "الحزب", "حركة", "الحركة", "وكالة", "الوكالة", "جامعة", "الجامعة",
    "شركة", "الشركة", "بنك", "البنك", "مصرف", "المصرف", "مجموعة", "المجموعة", "محكمة", "المحكمة",
    "هيئة", "الهيئة", "جبهة", "الجبهة", "تحالف", "التحالف", "لجنة", "اللجنة", "مؤسسة", "المؤسسة",
    "صندوق", "الصندوق", "برلمان", "البرلمان", "قوات", "جماعة", "الجماعة", "رابطة", "الرابطة",
    "مفوضية", "المفوضية", "منتدى", "المنتدى", "الحرس", "البحرية",
    "ائتلاف", "الائتلاف", "تيار", "التيار", "جمعية", "الجمعية", "اتحادية", "الاتحادية", "نادي",
    "النادي", "شبكة", "الشبكة", "مركز", "المركز", "معهد", "المعهد", "مستشفى", "المستشفى",
    "غرفة", "الغرفة", "نقابة", "النقابة", "مجلة", "المجلة", "سلطة", "السلطة", "شرطة", "الشرطة",
    "خفر", "كلية", "الكلية", "أكاديمية", "الأكاديمية", "بلدية", "البلدية", "مديرية", "المديرية", "مكتب",
    "المكتب", "مرصد", "المرصد", "سفارة", "السفارة", "قنصلية", "القنصلية", "إذاعة",
)]
"""Head nouns of organisation names (a name is the head plus the words that qualify it)."""

MINISTRY_SHORT_HEADS = folded("الخارجية", "الداخلية", "الدفاع", "المالية")
"""Ministry portfolios that name a ministry alone when a nationality follows (الخارجية التركية)."""

WEAK_ORG_HEADS = folded("حكومة", "الحكومة", "قوات", "جيش", "الجيش", "البحرية", "الحرس", "سلطة", "السلطة", "شرطة",
                         "الشرطة", "سفارة", "السفارة", "قنصلية", "القنصلية", "المكتب")
"""Organisation heads that make a name only with a nationality or place after them (الجيش
السوداني); with other adjectives they are descriptions (الحكومة الفيدرالية)."""

MEDIA_HEADS = folded("صحيفة", "جريدة", "موقع", "يومية", "أسبوعية", "كتلة")
"""Heads of newspaper names and parliamentary blocs that stay outside the name (صحيفة الأهرام →
الأهرام), unless an adjective follows them (المجلة الطبية is one name)."""

FAC_HEADS = [normalize(w) for w in (
    "مطار", "ميناء", "فندق", "سجن", "جسر", "ملعب", "قصر", "سد", "مرفأ", "قاعدة", "معبر", "محطة",
    "استاد", "مجمع", "برج", "منفذ", "مبنى",
)]
"""Head nouns of facility names (airports, ports, prisons, bridges, border crossings ...)."""

PLACE_HEADS = {normalize(w): t for w, t in (
    ("مدينة", "GPE"), ("العاصمة", "GPE"), ("عاصمة", "GPE"), ("ولاية", "GPE"),
    ("محافظة", "GPE"), ("إقليم", "GPE"), ("بلدة", "GPE"), ("قرية", "GPE"), ("مقاطعة", "GPE"),
    ("منطقة", "LOC"), ("منطقتي", "LOC"), ("جزيرة", "LOC"), ("ساحل", "LOC"),
)}
"""Generic place heads that stay outside the name they introduce (مدينة بورتسودان → GPE), with
the type of that name."""

NATURAL_HEADS = folded("نهر", "حوض", "جبل", "جبال", "بحيرة", "خليج", "وادي", "صحراء", "هضبة", "سهل")
"""Heads of natural-feature names, part of the LOC name (نهر النيل، حوض البحر)."""

SEA_HEADS = folded("البحر", "المحيط")
"""Heads of sea and ocean names, which take an adjective (البحر الأحمر): LOC, head inside."""

NAME_STARTERS = folded("أم", "أبو", "أبي", "عين", "بئر", "رأس", "بني", "شمال", "جنوب", "شرق", "غرب",
                        "وسط", "سيدي", "دير", "تل", "كفر", "بيت", "شرم")
"""Words that open a compound place name and need the next word (أم درمان، شمال كردفان)."""

NAME_CONNECTORS = folded("عبد", "أبو", "أبي", "بن", "ابن", "بنت", "ولد", "آل", "أم", "عبدالله", "ابو")
"""Words inside a person's name that need the next word (عبد الله، بن علي، أبو بكر)."""

COMPETITION_HEADS = folded("دوري", "كأس", "بطولة", "أولمبياد", "مونديال", "مهرجان", "جائزة")
"""Heads of event and competition names: names of a type khabar does not annotate, whose
parts are not annotated either (spec: flat, outermost name only)."""

CURRENCY_WORDS = folded("ريال", "دينار", "درهم", "جنيه", "ليرة", "دولار", "فرنك", "روبية", "شيكل",
                         "الريال", "الدينار", "الدرهم", "الجنيه", "الليرة", "الدولار", "الفرنك")
"""Currency nouns: a nationality after one names the currency (ريال عماني), not a NORP mention."""

NAME_ADJECTIVES = {normalize(w) for w in (
    "الوطني", "الوطنية", "الدولي", "الدولية", "العربي", "العربية", "المتحدة", "الشعبي", "الشعبية",
    "الإسلامي", "الإسلامية", "العليا", "الأعلى", "الديمقراطي", "الديمقراطية", "الاشتراكي", "الحر",
    "الجمهوري", "الجمهورية", "الأوروبي", "الأوروبية", "الأفريقي", "الأفريقية", "الخارجية", "الداخلية",
    "الدفاع", "المالية", "العدل", "الصحة", "الأمن", "التعاون", "الوفاق", "الإنقاذ", "الثوري",
    "الثورية", "الاتحادي", "الاتحادية", "المركزي", "المركزية", "العالمي", "العالمية", "الجوية",
    "البحرية", "الأحمر", "الخليجي", "الاستقلال", "التحرير", "الشورى", "النواب", "الشيوخ", "العامة",
    "الموحدة", "الانتقالي", "الانتقالية", "الرئاسي", "الرئاسية", "المستقلة", "المستقل", "الأعلى",
    "العام", "الأوسط", "المتوسط", "الكبرى", "الحرة", "الأهلي", "الأهلية", "الخاص", "الخاصة",
)}
"""Definite adjectives and nouns that continue an organisation or facility name."""

NOT_NAME_ADJECTIVES = folded(
    "الحالي", "الحالية", "الماضي", "الماضية", "الثاني", "الثانية", "الأولي", "الأولية", "الذي",
    "التي", "المعنية", "المحلية", "الرسمية", "المقبلة", "النهائي", "النهائية", "اليومية", "السنوية",
    "الأخيرة", "الفعلي", "الفعلية", "الحقيقي", "الحقيقية", "الأساسي", "الأساسية", "الجزئي", "الكلي",
)
"""Definite words shaped like nisba adjectives that describe rather than name (الحالية, المحلية)."""

_STOPWORD_SPELLINGS = (
    "في", "من", "إلى", "الى", "على", "عن", "مع", "أن", "إن", "ان", "أنه", "إنه", "انه", "بأن", "لا",
    "لم", "لن", "قد", "لقد", "هذا", "هذه", "ذلك", "تلك", "هؤلاء", "التي", "الذي", "الذين", "اللذان",
    "اللتان", "اللاتي", "اللواتي", "و", "أو", "ثم", "بعد", "قبل", "بين", "حتى", "منذ", "عند", "كل",
    "بعض", "غير", "هو", "هي", "هم", "هن", "كان", "كانت", "يكون", "تكون", "ليس", "ليست", "كما", "لكن",
    "لكنه", "بينما", "حيث", "إذا", "اذا", "ما", "ماذا", "لماذا", "كيف", "أي", "أيضا", "فقط", "جدا",
    "خلال", "ضد", "نحو", "حول", "دون", "عبر", "لدى", "أمام", "وراء", "فوق", "تحت", "جميع", "أكثر",
    "أقل", "وحده", "نفسه", "نفسها", "ذاته", "أيضًا", "إلا", "الا", "بل", "أما", "إما", "سوف",
    "إنها", "أنها", "بأنه", "بأنها", "فإن", "وأن", "وإن", "فيما", "إذ", "لدى", "عقب", "إثر", "وسط",
    "ضمن", "بشأن", "لصالح", "تجاه", "وفق", "مثل", "باسم", "بسبب", "رغم", "ولكن", "وهو", "وهي",
    "كذلك", "عليه", "عليها", "فيه", "فيها", "منه", "منها", "له", "لها", "به", "بها", "عنه", "عنها",
)
"""General Arabic function words, as usually spelled."""

STOPWORDS = folded(*_STOPWORD_SPELLINGS)
"""General Arabic function words (folded): never part of a name."""

RAW_STOPWORDS = frozenset(_STOPWORD_SPELLINGS)
"""The same words as spelled: a token that only folds to one (علي, the name, folds like the
preposition على) may still be a name."""

PRONOUN_PREPOSITIONS = folded("عليه", "عليها", "عليهم", "فيه", "فيها", "منه", "منها", "له", "لها", "لهم",
                               "به", "بها", "عنه", "عنها", "إليه", "إليها")
"""Prepositions with an attached pronoun: after a verbal noun they are its complement
(للمصادقة عليها), so the noun does not continue a name."""

DOCUMENT_NOUNS = folded("بيان", "تقرير", "دراسة", "نص", "رسالة", "وثيقة", "تقديرات", "بيانات", "إحصاءات",
                         "أرقام", "نتائج", "مذكرة", "استطلاع")
"""Nouns of documents that report (بيان، تقرير): an issuer named with them is the source."""

ROLE_PREPOSITIONS = folded("باسم", "عن", "في", "إلى", "لدى")
"""Prepositions inside the description of a person's role (المتحدث باسم الحكومة، النائب عن الحزب)."""


TIME_WORDS = {normalize(w) for w in (
    "اليوم", "أمس", "غدا", "الليلة", "الآن", "حاليا", "الأسبوع", "الشهر", "العام", "السنة", "الماضي",
    "الماضية", "المقبل", "المقبلة", "القادم", "القادمة", "الجاري", "الحالي", "الحالية", "يوم", "صباح",
    "مساء", "السبت", "الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "مؤخرا",
    "ظهر", "عصر", "ليل", "ليلة", "فجر", "منتصف", "مطلع", "نهاية", "بداية", "أواخر", "أوائل",
)}
"""Time adverbs and weekdays: never part of a name."""

SAY_VERBS = [
    "قال قالت قالوا يقول تقول يقولون",
    "أكد أكدت أكدوا يؤكد تؤكد يؤكدون",
    "ذكر ذكرت ذكروا تذكر",
    "أبلغ أبلغت أبلغوا يبلغ تبلغ",
    "أعلن أعلنت أعلنوا يعلن تعلن يعلنون",
    "أوضح أوضحت أوضحوا يوضح توضح",
    "صرح صرحت صرحوا يصرح تصرح",
    "أشار أشارت أشاروا يشير تشير",
    "أضاف أضافت أضافوا يضيف تضيف",
    "أفاد أفادت أفادوا يفيد تفيد",
    "شدد شددت شددوا يشدد تشدد",
    "حذر حذرت حذروا يحذر تحذر يحذرون",
    "اعتبر اعتبرت اعتبروا يعتبر تعتبر",
    "نفى نفت نفوا ينفي تنفي",
    "أعرب أعربت أعربوا يعرب تعرب",
    "كشف كشفت كشفوا يكشف تكشف",
    "زعم زعمت زعموا يزعم تزعم",
    "أخبر أخبرت أخبروا يخبر تخبر",
    "تابع تابعت",
    "لفت لفتت",
    "نوه نوهت ينوه تنوه",
    "أقر أقرت أقروا يقر تقر",
    "اعترف اعترفت اعترفوا يعترف تعترف",
    "أورد أوردت",
    "نبه نبهت ينبه تنبه",
    "علق علقت علقوا",
    "تساءل تساءلت",
    "تعهد تعهدت تعهدوا يتعهد تتعهد",
    "وعد وعدت",
    "اتهم اتهمت اتهموا يتهم تتهم",
    "رد ردت",
]
"""Verbs of saying, stating, telling, promising and accusing (past and present, third person
m/f/pl). Passive and impersonal forms (يذكر، يشار) are left out: sourceless reporting is not a
quote."""

TRANSMIT_VERBS = ["نقل نقلت نقلوا ينقل تنقل"]
"""Verbs of passing on what someone said (نقلت الوكالة عن X أن): X after عن is the speaker."""

CALL_VERBS = [
    "دعا دعت دعوا يدعو تدعو يدعون",
    "أرجع أرجعت أرجعوا",
    "طالب طالبت طالبوا يطالب تطالب يطالبون",
    "حث حثت حثوا يحث تحث",
    "ناشد ناشدت ناشدوا يناشد تناشد",
    "طلب طلبت طلبوا يطلب تطلب",
]
"""Verbs of calling for (content after إلى, after بـ, or after أن), and أرجع (attributing to: its
content follows إلى too)."""

SAY_PARTICIPLES = [
    "مشيرا مشيرة", "مؤكدا مؤكدة", "موضحا موضحة", "لافتا لافتة", "قائلا قائلة", "مضيفا مضيفة",
    "معتبرا معتبرة", "محذرا محذرة", "منوها منوهة", "مشددا مشددة", "معربا معربة", "مبينا مبينة",
    "كاشفا كاشفة", "نافيا نافية", "معلنا معلنة", "متابعا متابعة", "منبها منبهة", "متسائلا متسائلة",
    "متعهدا متعهدة", "معترفا معترفة", "مؤكدين", "مشيرين",
]
"""Active participles of saying in the circumstantial accusative (مشيرا إلى أن): the subject is
the main clause's."""

CALL_PARTICIPLES = ["داعيا داعية", "مطالبا مطالبة", "مناشدا مناشدة", "حاثا حاثة"]
"""Active participles of calling for (داعيا إلى)."""

ACCORDING_TO = ["وفقا", "وفق", "طبقا", "بحسب", "حسب", "حسبما", "نقلا", "استنادا"]
"""'According to' words (وفقًا لـ، بحسب، نقلًا عن); tanwin is folded away by `normalize`."""

RELATIVE_AND_DEMONSTRATIVE = {normalize(w) for w in ("التي", "الذي", "الذين", "اللذان", "اللتان", "اللاتي", "اللواتي")}

_NISBA_SUFFIXES = ("ي", "ية", "يان", "يين", "يون", "يتان", "يتين", "يات", "يا")


@dataclass(frozen=True)
class Entry:
    """One gazetteer name: its folded tokens, khabar type and where it came from."""

    tokens: tuple[str, ...]
    type: str
    source: str
    name: str


def _name_variants(name: str) -> list[str]:
    """CLDR names with a qualifier: 'ميانمار (بورما)' gives both names; 'الكونغو - كينشاسا'
    also gives 'الكونغو'."""
    out = [name]
    m = re.match(r"^(.*?)\s*\((.*?)\)\s*$", name)
    if m:
        out = [m.group(1)]
        if len(m.group(2).split()) <= 2:
            out.append(m.group(2))
    out2 = []
    for n in out:
        out2.append(n)
        if " - " in n:
            out2.append(n.split(" - ")[0])
    return [n.strip() for n in out2 if n.strip()]


def _one_word_bare(word: str) -> str | None:
    """`word` normalised and without the article, or None when it is more than one word."""
    n = normalize(word)
    if " " in n:
        return None
    return n[2:] if n.startswith("ال") else n


def nisba_forms(name: str) -> list[str]:
    """Nationality adjective forms derived from a one-word place name by general nisba
    morphology: drop the article and a final -يا/-ا/-ة, add -ي and its inflections.
    Names already ending in -ي (مالي) are their own adjective and give nothing."""
    n = _one_word_bare(name)
    if n is None or n.endswith("ي"):
        return []
    if n.endswith("يا"):
        stem = n[:-2]
    elif n.endswith("ا") or n.endswith("ه"):
        stem = n[:-1]
    else:
        stem = n
    if len(stem) < 3:
        return []
    return [normalize(stem + s) for s in _NISBA_SUFFIXES]


def adjective_forms(adjective: str) -> list[str]:
    """The inflections of a nisba adjective given in any one form (الفلسطينية، كردية، عربي):
    its stem without the article and the -ي/-ية ending, with every nisba suffix."""
    n = _one_word_bare(adjective)
    if n is None:
        return []
    for suffix in ("يه", "ي"):
        if n.endswith(suffix) and len(n) - len(suffix) >= 3:
            stem = n[:-len(suffix)]
            return [normalize(stem + s) for s in _NISBA_SUFFIXES if s != "يا"]
    return []


def _final_nisba(name: str) -> str | None:
    """The nisba adjective ending a multi-word name (الأراضي الفلسطينية → الفلسطينية), if it is
    a nationality rather than a plain adjective (المتحدة، الشمالية)."""
    words = name.split()
    if len(words) < 2:
        return None
    last = normalize(words[-1])
    if not last.startswith("ال") or last in PLAIN_ADJECTIVES or not last.endswith(("يه", "ي")):
        return None
    return words[-1]


def _territories(ar) -> list[tuple[str, str, str]]:
    """(name, type, code) for every CLDR territory name and its variants."""
    out = []
    for code, name in ar.territories.items():
        if code in CLDR_SKIP:
            continue
        typ = "ORG" if code in CLDR_ORG else "LOC" if code.isdigit() else "GPE"
        out.extend((v, typ, code) for v in _name_variants(name))
    return out


def _short_name(name: str) -> str | None:
    """The short form of a long official name headed by a word for a state (المملكة X
    السعودية → السعودية): its final nationality word."""
    words = name.split()
    if len(words) >= 3 and normalize(words[0]) in STATE_HEADS:
        return _final_nisba(name)
    return None


def _directional_nisba(name: str) -> list[str]:
    """The two-word nationality of a name made of a direction and a place (جنوب أفريقيا →
    جنوب أفريقي، الجنوب الأفريقي، الجنوب أفريقي), in its masculine and feminine singular."""
    words = name.split()
    if len(words) != 2 or normalize(words[0]) not in DIRECTIONS:
        return []
    forms = [f for f in nisba_forms(words[1]) if f.endswith(("ي", "يه"))]
    return [f"{d} {a}{f}" for f in forms for d, a in ((words[0], ""), ("ال" + words[0], ""), ("ال" + words[0], "ال"))]


def _cities(ar) -> list[tuple[str, str]]:
    """(city, zone) for the CLDR exemplar cities of Region/City time zones."""
    out = []
    for zone, data in ar.time_zones.items():
        city = data.get("city") if hasattr(data, "get") else None
        if not city or not zone.startswith(CITY_REGIONS) or zone.count("/") != 1:
            continue
        if "،" in city or "(" in city:
            continue
        out.append((city, zone))
    return out


def _languages(ar) -> list[tuple[str, str]]:
    """(adjective, code) for CLDR language names that are one feminine nisba word (الكردية)."""
    return [(name, code) for code, name in ar.languages.items()
            if len(code) == 2 and " " not in name and name.startswith("ال") and name.endswith("ية")]


@lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    """Every gazetteer name (territories, regions, organisations, cities, nationality forms)."""
    from babel import Locale

    ar = Locale("ar")
    out: dict[tuple[str, ...], Entry] = {}

    def add(name: str, type_: str, source: str) -> None:
        toks = tuple(normalize(t) for t in name.split())
        if not toks or toks in out or (len(toks) == 1 and toks[0] in COLLISIONS):
            return
        out[toks] = Entry(toks, type_, source, name)

    territories = _territories(ar)
    for name, typ, code in territories:
        add(name, typ, f"CLDR territory {code}")
    for name, typ, code in territories:
        short = _short_name(name) if typ == "GPE" else None
        if short:
            add(short, "GPE", f"CLDR territory {code} (short form of {name})")
    for city, zone in _cities(ar):
        add(city, "GPE", f"CLDR exemplar city of {zone}")
    for name, typ, code in territories:
        if typ not in ("GPE", "LOC"):
            continue
        final = _final_nisba(name)
        for form in nisba_forms(name) + (adjective_forms(final) if final else []):
            add(form, "NORP", f"nisba of CLDR territory {code} ({name})")
    for name, typ, code in territories:
        for words in _directional_nisba(name) if typ in ("GPE", "LOC") else []:
            add(words, "NORP", f"nisba of CLDR territory {code} ({name})")
    for name, code in _languages(ar):
        for form in adjective_forms(name):
            add(form, "NORP", f"nisba of CLDR language {code} ({name})")
    return tuple(out.values())


@lru_cache(maxsize=1)
def index() -> dict[str, list[Entry]]:
    """Entries by their first folded token, longest names first."""
    idx: dict[str, list[Entry]] = {}
    for e in entries():
        idx.setdefault(e.tokens[0], []).append(e)
    for v in idx.values():
        v.sort(key=lambda e: -len(e.tokens))
    return idx


@lru_cache(maxsize=1)
def group_adjectives() -> frozenset[str]:
    """Every inflection of the supranational group adjectives (`GROUP_ADJECTIVES`)."""
    return frozenset(f for a in GROUP_ADJECTIVES for f in adjective_forms(a))


def clitic_readings(token_norm: str) -> list[str]:
    """A folded token and its readings without attached و/ف and ب/ل/ك (ل + ال written لل).
    The bare token comes first."""
    out = [token_norm]
    rest = [token_norm]
    if token_norm[:1] in ("و", "ف") and len(token_norm) > 3:
        rest.append(token_norm[1:])
    for r in list(rest):
        if r[:1] in ("ب", "ل", "ك") and len(r) > 3:
            rest.append(r[1:])
            if r.startswith("لل"):
                rest.append("ال" + r[2:])
    for r in rest:
        if r not in out:
            out.append(r)
    return out


def without_article(token_norm: str) -> str | None:
    """The token without ال (after its clitics), or None when it has no article."""
    for r in clitic_readings(token_norm):
        if r.startswith("ال") and len(r) > 3:
            return r[2:]
    return None


def strip_marks(word: str) -> str:
    """A word without diacritics and tatweel, its letters as written."""
    return "".join(c for c in word if c not in _MARKS)


_MARKS = set("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0654\u0655\u0670\u0640")


def bare(token_norm: str) -> str:
    """The token without clitics and article: the last, shortest reading (للوزارة → وزاره)."""
    art = without_article(token_norm)
    return art if art else clitic_readings(token_norm)[-1]


def in_vocabulary(token_norm: str, vocabulary: set[str] | frozenset[str] | list[str]) -> bool:
    """Whether the token, or a reading of it without clitics or article, is in `vocabulary`."""
    readings = clitic_readings(token_norm)
    art = without_article(token_norm)
    return any(r in vocabulary for r in readings) or (art is not None and art in vocabulary)


@lru_cache(maxsize=1)
def cue_forms() -> dict[str, tuple[str, str]]:
    """Every folded speech-cue form, with attached و/ف, and its (kind, lemma): the kind is say,
    transmit, call, say_participle, call_participle or according; the lemma is the first form
    of its table row (folded)."""
    tables = [("say", SAY_VERBS), ("transmit", TRANSMIT_VERBS), ("call", CALL_VERBS),
              ("say_participle", SAY_PARTICIPLES), ("call_participle", CALL_PARTICIPLES),
              ("according", [" ".join(ACCORDING_TO)])]
    out: dict[str, tuple[str, str]] = {}
    for kind, groups in tables:
        for group in groups:
            words = group.split()
            for w in words:
                lemma = normalize(words[0]) if kind != "according" else normalize(w)
                for p in ("", "و", "ف"):
                    out.setdefault(p + normalize(w), (kind, lemma))
    return out
