"""The `rules` baseline: gazetteers, NER patterns, quote heuristics, and the end-to-end run on
the real gold (valid predictions, true positives counted against the loaded gold)."""

from __future__ import annotations

import math

import pytest

from khabar.baselines import get_system
from khabar.baselines import gazetteers as gz
from khabar.scoring.tasks import TASKS
from khabar.baselines.rules import Rules
from khabar.baselines.rules_ner import find_entities
from khabar.baselines.rules_numbers import predict_numbers
from khabar.baselines.rules_quotes import find_quotes
from khabar.model import Document
from khabar.predictions import read_predictions, write_predictions
from khabar.schema import FINE_TYPES
from khabar.tokens import boundaries


# --- gazetteers ------------------------------------------------------------------------------

def test_every_gazetteer_entry_has_provenance_and_a_fine_type():
    entries = gz.entries()
    assert len(entries) > 500
    for e in entries:
        assert e.source.startswith(("CLDR territory", "CLDR exemplar city", "nisba of CLDR territory",
                                    "nisba of CLDR language")), e
        assert e.type in FINE_TYPES
    by_name = {e.tokens: e for e in entries}
    assert by_name[("ليبيا",)].type == "GPE"
    assert by_name[("اوروبا",)].type == "LOC"  # UN M.49 region 150
    assert by_name[("الامم", "المتحده")].type == "ORG"  # CLDR 'UN'
    assert by_name[("القاهره",)].source == "CLDR exemplar city of Africa/Cairo"
    assert ("مالي",) not in by_name  # Mali collides with 'financial'


@pytest.mark.parametrize("name, forms", [
    ("ليبيا", {"ليبي", "ليبيه", "ليبيون", "ليبيين"}),
    ("فرنسا", {"فرنسي", "فرنسيه", "فرنسيا"}),
    ("مصر", {"مصري", "مصريه"}),
    ("الأردن", {"اردني"}),
])
def test_nisba_forms(name, forms):
    assert forms <= set(gz.nisba_forms(name))


def test_nisba_forms_skip_names_already_adjectival_or_multiword():
    assert gz.nisba_forms("مالي") == []
    assert gz.nisba_forms("الولايات المتحدة") == []


def test_clitic_readings():
    assert "الامم" in gz.clitic_readings("للامم")  # ل + ال written لل
    assert "ليبيا" in gz.clitic_readings("وبليبيا")
    assert gz.clitic_readings("واشنطن")[0] == "واشنطن"


# --- NER --------------------------------------------------------------------------------------

def _ents(text):
    return [(m.span.text, m.type) for m in find_entities(text)]


def test_ner_patterns_on_a_constructed_sentence():
    text = ("قال الرئيس الفرنسي ماكرون في باريس إن فرنسا ستعمل مع منظمة الصحة العالمية والاتحاد الأفريقي، "
            "ثم زار ماكرون مطار القاهرة الدولي.")
    assert _ents(text) == [
        ("الفرنسي", "NORP"), ("ماكرون", "PER"), ("باريس", "GPE"), ("فرنسا", "GPE"),
        ("منظمة الصحة العالمية", "ORG"), ("والاتحاد الأفريقي", "ORG"), ("ماكرون", "PER"),
        ("مطار القاهرة الدولي", "FAC"),
    ]


def test_ner_keeps_titles_and_descriptions_outside():
    got = _ents("التقى السيد غسان بالحكومة التي تتخذ من طرابلس مقرا لها في أوروبا.")
    assert ("غسان", "PER") in got and ("طرابلس", "GPE") in got and ("أوروبا", "LOC") in got
    assert not any(t.startswith("السيد") or "الحكومة" in t for t, _ in got)


def test_names_never_cross_a_paragraph():
    assert _ents("زار وفد الأمم\nالمتحدة ثم الأمم المتحدة") == [("الأمم المتحدة", "ORG")]


# --- quotes -----------------------------------------------------------------------------------

def _quotes(text):
    return [(q.cue.text, q.content.text, q.source.text if q.source else None, q.type)
            for q in find_quotes(text, find_entities(text))]


def test_verb_cue_with_complementiser_and_vso_source():
    assert _quotes("قال السيد ماكرون إن المحادثات ستستأنف، وأضاف أن الوفد وصل.") == [
        ("قال", "المحادثات ستستأنف", "ماكرون", "indirect"),
        ("وأضاف", "الوفد وصل", "ماكرون", "indirect"),  # implicit subject: the name before
    ]
    # a described speaker after the verb: the words there
    assert _quotes("قال وزير الخارجية إن المحادثات ستستأنف.") == [
        ("قال", "المحادثات ستستأنف", "وزير الخارجية", "indirect")]


def test_call_verb_content_after_ila_and_direct_quote():
    assert _quotes("دعت فرنسا إلى وقف إطلاق النار.") == [("دعت", "وقف إطلاق النار", "فرنسا", "indirect")]
    assert _quotes('وأكدت روسيا أن "الحل سياسي".') == [("وأكدت", '"الحل سياسي"', "روسيا", "direct")]


def test_according_to_and_implicit_speaker():
    assert _quotes("وفقًا لرويترز، قتل عشرة أشخاص.") == [("وفقًا", "قتل عشرة أشخاص", "لرويترز", "indirect")]
    # no subject after the verb: the nearest named mention before it
    assert _quotes("وصل السيد ماكرون إلى المؤتمر. وقال إن الاتفاق قريب.") == [
        ("وقال", "الاتفاق قريب", "ماكرون", "indirect")]


def test_passive_reporting_is_not_a_quote():
    assert _quotes("يشار إلى أن الاجتماع تأجل.") == []


def test_gazetteer_short_forms_language_nationalities_and_group_adjectives():
    by_name = {e.tokens: e for e in gz.entries()}
    assert by_name[("السعوديه",)].type == "GPE"  # short form of CLDR's المملكة العربية السعودية
    assert by_name[("كردي",)].source.startswith("nisba of CLDR language")  # CLDR الكردية
    assert by_name[("فلسطيني",)].type == "NORP"  # nisba ending CLDR's الأراضي الفلسطينية
    assert by_name[("الجنوب", "افريقي")].type == "NORP"  # direction + place: جنوب أفريقيا
    assert "خليجيه" in gz.group_adjectives()


def test_cue_lexicon_kinds_and_lemmas():
    forms = gz.cue_forms()
    assert forms["واكدت"] == ("say", "اكد") and forms["فقالت"] == ("say", "قال")
    assert forms["مشيره"][0] == "say_participle" and forms["وداعيا"][0] == "call_participle"
    assert forms["بحسب"][0] == "according" and forms["نقلت"][0] == "transmit"
    assert "يشار" not in forms and "يذكر" not in forms  # sourceless reporting is no cue


# --- NER: general patterns (invented sentences) --------------------------------------------------

def test_person_names_by_apposition_role_and_family_name():
    text = ("وقال وزير المالية، أحمد سالم الكبيسي، في مؤتمر صحفي، إن العجز سيتراجع. "
            "وقال المتحدث باسم الحكومة سامي يوسف العتيبي في بيان إن الطرق أغلقت. وأضاف الكبيسي أن الموازنة متوازنة.")
    got = _ents(text)
    assert ("أحمد سالم الكبيسي", "PER") in got and ("سامي يوسف العتيبي", "PER") in got
    assert ("الكبيسي", "PER") in got  # the family name alone, found again
    assert not any(t.startswith(("وزير", "المتحدث")) for t, _ in got)  # roles stay outside


def test_person_name_variants_up_to_vowel_letters():
    got = _ents("وقال السيد أندريا ماتيو إن الاتفاق قريب. وأكد أندريه ماتيو أن الوفد وصل.")
    assert ("أندريا ماتيو", "PER") in got and ("أندريه ماتيو", "PER") in got


def test_organisation_heads_with_genitives_and_acronyms():
    got = _ents('أعلنت وزارة التربية والتعليم والاتحاد الوطني للمعلمين، ونقلت وكالة الأنباء العمانية "عونا" ذلك.')
    assert ("وزارة التربية والتعليم", "ORG") in got
    assert ("والاتحاد الوطني للمعلمين", "ORG") in got
    assert ("وكالة الأنباء العمانية", "ORG") in got and ("عونا", "ORG") in got
    assert _ents("ذكرت صحيفة الأيام أن الوفد وصل.") == [("الأيام", "ORG")]  # the head stays outside
    # a weak head makes a name only with a nationality or place: الحكومة المؤقتة is a description
    assert _ents("قالت الحكومة المؤقتة إن الجيش السوري انسحب.") == [("الجيش السوري", "ORG")]


def test_places_after_generic_and_natural_heads_and_coordination():
    got = _ents("وغمرت المياه مدينة الزاوية قرب نهر الفرات والبحر المتوسط، وتبادل البلدان السفراء بين طهران وزنجان.")
    assert ("الزاوية", "GPE") in got  # مدينة stays outside
    assert ("نهر الفرات", "LOC") in got  # a natural feature keeps its head
    assert ("وزنجان", "GPE") in got  # coordinated with a known city
    assert _ents("تضررت 40 قرية صغيرة في مدينة كبيرة.") == []  # counted nouns and adjectives


def test_nationality_or_country_by_position_and_unannotated_names():
    got = _ents("ووقعت مصر والسعودية اتفاقا لتمويل المشاريع السعودية في الأحزاب الكردية.")
    assert ("والسعودية", "GPE") in got and ("السعودية", "NORP") in got and ("الكردية", "NORP") in got
    assert _ents("وفاز الفريق بدوري أبطال أوروبا وبلغت الجائزة مليون دينار أردني.") == []


# --- quotes: general patterns (invented sentences) -----------------------------------------------

def test_apposition_source_participle_and_implicit_speaker():
    assert _quotes("وقال وزير المالية، أحمد سالم الكبيسي، في مؤتمر صحفي، إن العجز سيتراجع، "
                   "مشيرا إلى أن الإيرادات ارتفعت. وتابع أن الموازنة متوازنة.") == [
        ("وقال", "العجز سيتراجع", "أحمد سالم الكبيسي", "indirect"),
        ("مشيرا", "الإيرادات ارتفعت", "أحمد سالم الكبيسي", "indirect"),
        ("وتابع", "الموازنة متوازنة", "أحمد سالم الكبيسي", "indirect"),
    ]


def test_implicit_subject_is_the_speaker_mentioned_last():
    text = "وقال السيد سامي العتيبي إن الوفد وصل. والتقى السيد ماجد الحربي بالوفد، وقال إن الاتفاق قريب. وأضاف أن التوقيع غدا."
    assert [q[2] for q in _quotes(text)] == ["سامي العتيبي", "ماجد الحربي", "ماجد الحربي"]


def test_content_runs_over_coordination_and_stops_at_a_new_subject():
    assert _quotes("وقال الوزير إن المحادثات انتهت، وإن الوفد غادر، لكن الخلافات ما زالت قائمة.") == [
        ("وقال", "المحادثات انتهت، وإن الوفد غادر", "الوزير", "indirect")]
    assert _quotes("وقال الوزير إن الوضع مستقر وهو ما ينفيه السكان.")[0][1] == "الوضع مستقر"


def test_call_object_and_preverbal_subjects():
    assert _quotes("وطالبت النقابة بزيادة الأجور.") == [("وطالبت", "بزيادة الأجور", "النقابة", "indirect")]
    assert _quotes("ونفت الشركة، في بيان، وجود أي خلل.") == [("ونفت", "وجود أي خلل", "الشركة", "indirect")]
    assert _quotes("غير أن خبراء حذروا من أن الأزمة ستطول.") == [("حذروا", "الأزمة ستطول", "خبراء", "indirect")]
    assert _quotes("ولم يكشف المسؤول أن الاتفاق وقع.") == []  # a negated verb reports nothing


def test_according_to_fronted_trailing_and_passing_on():
    assert _quotes("وبحسب الأمم المتحدة، نزح مليون شخص، وأن نصفهم أطفال، فيما تستمر المعارك.") == [
        ("وبحسب", "نزح مليون شخص، وأن نصفهم أطفال", "الأمم المتحدة", "indirect")]
    got = _quotes("أعلنت الحكومة خطة جديدة للإسكان، وفقا لوكالة الأنباء الرسمية.")
    assert ("وفقا", "أعلنت الحكومة خطة جديدة للإسكان", "لوكالة الأنباء", "indirect") in got
    assert _quotes('ونقلت صحيفة "الأيام" عن مصدر مطلع أن الاتفاق قريب.')[0][1:3] == ("الاتفاق قريب", "مصدر")
    # a document's issuer named with it is the source
    assert _quotes("وأشار التقرير الصادر عن البنك الدولي إلى أن النمو سيتباطأ.")[0][2] == "البنك الدولي"


def test_direct_quote_after_a_colon():
    assert _quotes("وقال السيد ماكرون: «لن نتراجع عن قرارنا». وأضاف: «الحوار مستمر».") == [
        ("وقال", "«لن نتراجع عن قرارنا»", "ماكرون", "direct"),
        ("وأضاف", "«الحوار مستمر»", "ماكرون", "direct"),
    ]


# --- numbers: khabar's span conventions on the parser -------------------------------------------

def _numbers(text):
    return [(n.span.text, n.value, n.kind) for n in predict_numbers(text)]


def test_percent_words_stay_outside_and_ranges_share_the_percent():
    assert _numbers("ارتفع التضخم بنسبة 12.5 في المئة.") == [("12.5", 12.5, "percent")]
    assert _numbers("تراوحت الزيادة من 10 إلى 15 في المئة.") == [("10", 10, "percent"), ("15", 15, "percent")]
    assert _numbers("بلغت 30٪ فقط") == [("30٪", 30, "percent")]  # a sign on the digits stays inside
    assert _numbers("دفع خمس مئة دينار") == [("خمس مئة", 500, "money")]  # مئة of a number is no percent


def test_plural_numeral_nouns_are_numbers():
    assert _numbers("تظاهر آلاف المحتجين") == [("آلاف", 1000, "cardinal")]
    assert _numbers("قتل ثلاثة آلاف شخص") == [("ثلاثة آلاف", 3000, "cardinal")]


# --- the whole system on the real gold ---------------------------------------------------------

@pytest.fixture(scope="module")
def predictions(gold):
    return Rules().predict(gold.documents)


def test_registered_and_predicts_every_task(predictions, gold):
    system = get_system("rules")
    assert system.tasks == TASKS
    assert [p.id for p in predictions] == [d.id for d in gold.documents]
    for p in predictions:
        assert p.entities is not None and p.quotes is not None and p.numbers is not None


def test_predictions_are_valid(predictions, gold, tmp_path):
    """Spans on token boundaries with text equal to the slice, and the strict predictions
    reader accepts the written file."""
    for p in predictions:
        text = gold.document(p.id).text
        starts, ends = boundaries(text)
        spans = [e.span for e in p.entities] + [n.span for n in p.numbers]
        spans += [s for q in p.quotes for s in (q.cue, q.content, q.source) if s is not None]
        for s in spans:
            assert text[s.start:s.end] == s.text
            assert s.start in starts and s.end in ends, s
    path = write_predictions(predictions, tmp_path / "rules.jsonl")
    back = read_predictions(path, gold)
    assert [len(b.entities) for b in back] == [len(p.entities) for p in predictions]


def test_reads_only_the_text(predictions, gold):
    """The system sees nothing of the gold but the text: stripping the annotations changes
    nothing, and two runs agree."""
    bare = [Document(id=d.id, text=d.text) for d in gold.documents]
    again = Rules().predict(bare)
    assert [p.to_dict() for p in again] == [p.to_dict() for p in predictions]


def _true_positives(predictions, gold):
    ner = numbers = cues = 0
    for p in predictions:
        d = gold.document(p.id)
        ner += len({(e.span.key, e.type) for e in p.entities} & {(m.span.key, m.type) for m in d.ner_mentions})
        gold_numbers = {n.span.key: n.value for n in d.numbers}
        numbers += sum(1 for n in p.numbers if n.span.key in gold_numbers
                       and n.value is not None and math.isclose(n.value, gold_numbers[n.span.key]))
        cues += len({q.cue.key for q in p.quotes if q.cue} & {q.cue.key for q in d.quotes})
    return ner, numbers, cues


def test_finds_true_positives_in_every_task(predictions, gold):
    ner, numbers, cues = _true_positives(predictions, gold)
    assert ner >= 1 and numbers >= 1 and cues >= 1


def test_scorer_agrees_with_a_plain_span_set_count(predictions, gold):
    scoring = pytest.importorskip("khabar.scoring")
    report = scoring.score(gold, predictions, n_boot=50)
    ner, _, _ = _true_positives(predictions, gold)
    assert report.headline("ner").tp == ner
    for task in TASKS:
        assert report.headline(task).f1 > 0
