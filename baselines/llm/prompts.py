"""Prompts for the LLM systems: task definitions (English and Arabic), JSON schemas, few-shot.

The definitions condense ANNOTATION_SPEC.md (the binding annotation decisions) into what a
model needs to answer in khabar's terms. The few-shot examples are short Arabic news sentences
INVENTED for this file (the people named in them do not exist); none is taken from, or derived
from, the seed article or its gold annotations.

`python -m baselines.llm.prompts --task ner --lang ar` prints the messages for the seed.
"""

from __future__ import annotations

import json

from khabar.schema import FINE_TYPES, NUMBER_KINDS, QUOTE_TYPES
from khabar.scoring.tasks import TASKS
LANGS = ("en", "ar")
LIST_KEY = {"ner": "entities", "quotes": "quotes", "numbers": "numbers"}

# --- task definitions ----------------------------------------------------------------------

COMMON = {
    "en": (
        "You annotate Arabic news text for an information-extraction benchmark. "
        "Copy every span exactly as it is written in the text, character for character: keep "
        "attached clitics (و ف ب ل ك ال), diacritics and misspellings; never correct, translate "
        "or normalise. List items in their order of appearance. Answer with one JSON object "
        "and nothing else."
    ),
    "ar": (
        "أنت توسم نصوصًا إخبارية عربية لمعيار استخراج المعلومات. "
        "انسخ كل مقطع كما هو مكتوب في النص حرفًا بحرف: أبقِ السوابق المتصلة (و ف ب ل ك ال) "
        "والتشكيل والأخطاء الإملائية، ولا تصحّح ولا تترجم ولا توحّد الكتابة. "
        "اذكر العناصر بترتيب ظهورها في النص. أجب بكائن JSON واحد فقط دون أي كلام آخر."
    ),
}

DEFINITIONS = {
    "ner": {
        "en": (
            "Task: named entities. List every mention of a named entity, each occurrence "
            "separately (a name that occurs three times is listed three times). Types: PER person; "
            "ORG organisation (including news agencies, armies and alliances); GPE country, city or "
            "state; LOC non-political region or continent; FAC named building or infrastructure "
            "(an airport, a bridge); NORP nationality or group, as an adjective or a noun "
            "(المصرية، والفرنسيون). A mention includes the clitics written on its first word "
            "(بالقاهرة، لجامعة الدول العربية). Names only: leave out titles and honorifics (الرئيس، "
            "الوزير، السيد), generic heads (مدينة، محافظة) and descriptions. Only the outermost "
            "name: in مطار القاهرة الدولي (one FAC) the city is not listed separately. Dates, days "
            "and numbers are never entities. A misspelled or garbled name is still an entity: copy "
            "it as written."
        ),
        "ar": (
            "المهمة: الكيانات المسماة. اذكر كل ذكر لكيان مسمى، كل ورود على حدة (الاسم الذي يرد "
            "ثلاث مرات يُذكر ثلاث مرات). الأنواع: PER شخص؛ ORG منظمة (ومنها وكالات الأنباء "
            "والجيوش والتحالفات)؛ GPE دولة أو مدينة أو ولاية؛ LOC منطقة غير سياسية أو قارة؛ FAC "
            "مبنى أو منشأة مسماة (مطار، جسر)؛ NORP جنسية أو جماعة صفةً أو اسمًا (المصرية، "
            "والفرنسيون). يشمل الذكر السوابق المكتوبة على كلمته الأولى (بالقاهرة، لجامعة الدول العربية). "
            "الأسماء فقط: لا تُدخل الألقاب (الرئيس، الوزير، السيد) ولا الكلمات العامة (مدينة، "
            "محافظة) ولا الأوصاف. الكيان الأوسع فقط: مطار القاهرة الدولي كيان FAC واحد ولا تُذكر "
            "المدينة داخله منفصلة. التواريخ والأيام والأعداد ليست كيانات. الاسم المكتوب بخطأ أو "
            "بتحريف يبقى كيانًا: انسخه كما كُتب."
        ),
    },
    "quotes": {
        "en": (
            "Task: quote attribution. One item per speech cue: a verb or construction of saying, "
            "stating, telling, quoting or calling for (قال، صرّح، أعلن، أكد، ذكر، أضاف، دعا، طالب …) or an "
            "'according to' construction (وفقًا لـ، وفقاً لـ، بحسب). Passive or sourceless reporting "
            "(يُذكر أن) and nouns such as طلب or بيان are not cues. Fields: cue = the whole "
            "token of the cue word as written, attached و/ف included (وأكد); in وفقًا لـ X the cue "
            "is وفقًا alone. content = everything the cue governs, coordinated clauses included, "
            "without the complementiser (أن، إن، and إلى after a verb of calling) and without the "
            "cue, the speaker and the addressee; quotation marks inside it stay; for 'according "
            "to' it is the clause it scopes over in the same sentence (the first clause only in a "
            "run-on sentence). source = the explicit mention naming the speaker nearest to the cue, "
            "copied as written (with لـ if it is attached); when the subject is implicit, the "
            "speaker's nearest explicit mention before the cue; a description (مسؤول حكومي) when "
            "the speaker is not named. type = direct (entirely inside quotation marks), indirect "
            "(no quotation marks) or mixed (reported speech containing a quoted fragment)."
        ),
        "ar": (
            "المهمة: إسناد الأقوال. عنصر واحد لكل دالّ قول: فعل أو تركيب للقول أو التصريح أو "
            "الإبلاغ أو النقل أو الدعوة (قال، صرّح، أعلن، أكد، ذكر، أضاف، دعا، طالب …) أو تركيب «وفقًا لـ» "
            "(وفقًا لـ، وفقاً لـ، بحسب). الإخبار المبني للمجهول أو بلا مصدر (يُذكر أن) والأسماء "
            "مثل طلب وبيان ليست دوالّ قول. الحقول: cue = الكلمة الدالة كاملة كما كُتبت مع و/ف "
            "المتصلة (وأكد)؛ وفي «وفقًا لـ X» الدالّ هو «وفقًا» وحدها. content = كل ما يحكمه "
            "الدالّ بما فيه الجمل المعطوفة، دون أداة الربط (أن، إن، وإلى بعد فعل الدعوة) ودون "
            "الدالّ والقائل والمخاطَب؛ تبقى علامات التنصيص داخله؛ وفي «وفقًا لـ» هو الجملة التي "
            "يشملها في الجملة نفسها (الجملة الأولى فقط في الجمل المتتابعة). source = الذكر الصريح "
            "الأقرب إلى الدالّ الذي يسمّي القائل، منسوخًا كما كُتب (مع لـ إن كانت متصلة)؛ وإذا كان "
            "الفاعل مضمرًا فأقرب ذكر صريح له قبل الدالّ؛ ووصفًا (مسؤول حكومي) إذا لم يُسمَّ القائل. "
            "type = direct (كله بين علامتي تنصيص) أو indirect (بلا علامات تنصيص) أو mixed (قول "
            "منقول يتضمن مقطعًا بين علامتي تنصيص)."
        ),
    },
    "numbers": {
        "en": (
            "Task: numbers. List every numeral written in digits or in words (cardinal, ordinal, "
            "fraction), numerals inside a name included (مجموعة العشرين). Dual nouns that are not "
            "numerals (الجانبان) are not numbers. Fields: text = the numeral words only, without the "
            "counted noun and without qualifiers (أكثر من، حوالي، أقل من); a multi-word numeral is "
            "one item (ثلاثة آلاف وخمسمائة). value = the number as a JSON number (3500). kind = "
            "cardinal, ordinal, year, fraction, percent or money. unit = the counted noun as an "
            "English singular (person, day), or null."
        ),
        "ar": (
            "المهمة: الأعداد. اذكر كل عدد مكتوب بالأرقام أو بالكلمات (أصلي، ترتيبي، كسر)، ومنها "
            "الأعداد داخل الأسماء (مجموعة العشرين). المثنى الذي ليس عددًا (الجانبان) ليس عددًا. "
            "الحقول: text = كلمات العدد فقط، دون المعدود ودون القيود (أكثر من، حوالي، أقل من)؛ "
            "والعدد المركب من عدة كلمات عنصر واحد (ثلاثة آلاف وخمسمائة). value = قيمة العدد رقمًا "
            "في JSON (3500). kind = cardinal أو ordinal أو year أو fraction أو percent أو money. "
            "unit = المعدود بالإنجليزية بصيغة المفرد (person، day) أو null."
        ),
    },
}

FORMAT = {
    "ner": '{"entities": [{"text": "...", "type": "PER|ORG|GPE|LOC|FAC|NORP"}]}',
    "quotes": '{"quotes": [{"cue": "...", "content": "...", "source": "..." or null, '
    '"type": "direct|indirect|mixed"}]}',
    "numbers": '{"numbers": [{"text": "...", "value": 0, "kind": "cardinal|ordinal|year|fraction|'
    'percent|money", "unit": "..." or null}]}',
}
FORMAT_INTRO = {"en": "Answer format:", "ar": "صيغة الإجابة:"}
TEXT_INTRO = {"en": "Text:", "ar": "النص:"}

# --- JSON schemas (for servers that support structured output) -----------------------------

_ITEM_SCHEMAS = {
    "ner": {
        "type": "object",
        "properties": {"text": {"type": "string"}, "type": {"type": "string", "enum": list(FINE_TYPES)}},
        "required": ["text", "type"],
        "additionalProperties": False,
    },
    "quotes": {
        "type": "object",
        "properties": {
            "cue": {"type": "string"},
            "content": {"type": "string"},
            "source": {"type": ["string", "null"]},
            "type": {"type": "string", "enum": list(QUOTE_TYPES)},
        },
        "required": ["cue", "content", "source", "type"],
        "additionalProperties": False,
    },
    "numbers": {
        "type": "object",
        "properties": {
            "text": {"type": "string"},
            "value": {"type": ["number", "null"]},
            "kind": {"type": "string", "enum": list(NUMBER_KINDS)},
            "unit": {"type": ["string", "null"]},
        },
        "required": ["text", "value", "kind", "unit"],
        "additionalProperties": False,
    },
}


def json_schema(tasks: tuple[str, ...]) -> dict:
    """The JSON schema of an answer covering `tasks` (one task, or all three for the joint prompt)."""
    keys = [LIST_KEY[t] for t in tasks]
    return {
        "type": "object",
        "properties": {LIST_KEY[t]: {"type": "array", "items": _ITEM_SCHEMAS[t]} for t in tasks},
        "required": keys,
        "additionalProperties": False,
    }


def response_format(tasks: tuple[str, ...]) -> dict:
    """The `response_format` of an OpenAI structured-output request for `tasks`."""
    name = "khabar_" + "_".join(tasks)
    return {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": json_schema(tasks)}}


# --- few-shot examples (invented; see the module docstring) --------------------------------

FEW_SHOT: list[dict] = [
    {
        "text": "قال وزير المالية التونسي سامي الهادي للصحفيين في صفاقس إن الحكومة ستخصص ثلاثمائة "
        "مليون دينار لإصلاح الطرق في عام 2025.",
        "entities": [
            {"text": "التونسي", "type": "NORP"},
            {"text": "سامي الهادي", "type": "PER"},
            {"text": "صفاقس", "type": "GPE"},
        ],
        "quotes": [
            {
                "cue": "قال",
                "content": "الحكومة ستخصص ثلاثمائة مليون دينار لإصلاح الطرق في عام 2025",
                "source": "سامي الهادي",
                "type": "indirect",
            }
        ],
        "numbers": [
            {"text": "ثلاثمائة مليون", "value": 300000000, "kind": "money", "unit": "dinar"},
            {"text": "2025", "value": 2025, "kind": "year", "unit": None},
        ],
    },
    {
        "text": "وقالت ليلى حداد، الناطقة باسم الهلال الأحمر، لوكالة الأنباء الفرنسية إن المنظمة "
        '"تحتاج إلى مئة شاحنة يوميًا" لتوزيع المساعدات.',
        "entities": [
            {"text": "ليلى حداد", "type": "PER"},
            {"text": "الهلال الأحمر", "type": "ORG"},
            {"text": "لوكالة الأنباء الفرنسية", "type": "ORG"},
        ],
        "quotes": [
            {
                "cue": "وقالت",
                "content": 'المنظمة "تحتاج إلى مئة شاحنة يوميًا" لتوزيع المساعدات',
                "source": "ليلى حداد",
                "type": "mixed",
            }
        ],
        "numbers": [{"text": "مئة", "value": 100, "kind": "cardinal", "unit": "truck"}],
    },
    {
        "text": "وفقًا للجيش السوداني، أُصيب نحو خمسين مدنيًا في اشتباكات قرب الخرطوم، ودعا الجيش "
        "السكان للمرة الثانية إلى البقاء في منازلهم.",
        "entities": [
            {"text": "للجيش السوداني", "type": "ORG"},
            {"text": "الخرطوم", "type": "GPE"},
        ],
        "quotes": [
            {
                "cue": "وفقًا",
                "content": "أُصيب نحو خمسين مدنيًا في اشتباكات قرب الخرطوم",
                "source": "للجيش السوداني",
                "type": "indirect",
            },
            {"cue": "ودعا", "content": "البقاء في منازلهم", "source": "الجيش", "type": "indirect"},
        ],
        "numbers": [
            {"text": "خمسين", "value": 50, "kind": "cardinal", "unit": "civilian"},
            {"text": "الثانية", "value": 2, "kind": "ordinal", "unit": "time"},
        ],
    },
]


def system_prompt(tasks: tuple[str, ...], lang: str) -> str:
    """The system message: the common instructions, the definition of each task, the format."""
    if lang not in LANGS:
        raise ValueError(f"prompt language must be one of {', '.join(LANGS)}, not {lang!r}")
    parts = [COMMON[lang]] + [DEFINITIONS[t][lang] for t in tasks]
    if len(tasks) == 1:
        fmt = FORMAT[tasks[0]]
    else:
        fmt = "{" + ", ".join(FORMAT[t][1:-1] for t in tasks) + "}"
    parts.append(f"{FORMAT_INTRO[lang]} {fmt}")
    return "\n\n".join(parts)


def user_prompt(text: str, lang: str) -> str:
    return f"{TEXT_INTRO[lang]}\n{text}"


def example_answer(example: dict, tasks: tuple[str, ...]) -> str:
    return json.dumps({LIST_KEY[t]: example[LIST_KEY[t]] for t in tasks}, ensure_ascii=False)


def messages(text: str, tasks: tuple[str, ...], *, lang: str = "en", few_shot: int = 0) -> list[dict]:
    """The chat messages for one text: system, `few_shot` example exchanges, then the text."""
    if not 0 <= few_shot <= len(FEW_SHOT):
        raise ValueError(f"few_shot must be between 0 and {len(FEW_SHOT)}, not {few_shot}")
    out = [{"role": "system", "content": system_prompt(tasks, lang)}]
    for ex in FEW_SHOT[:few_shot]:
        out.append({"role": "user", "content": user_prompt(ex["text"], lang)})
        out.append({"role": "assistant", "content": example_answer(ex, tasks)})
    out.append({"role": "user", "content": user_prompt(text, lang)})
    return out


def _main(argv: list[str] | None = None) -> None:
    import argparse

    from khabar import load_gold

    ap = argparse.ArgumentParser(description="Print the LLM prompt for the seed document.")
    ap.add_argument("--task", choices=[*TASKS, "joint"], default="ner")
    ap.add_argument("--lang", choices=LANGS, default="en")
    ap.add_argument("--few-shot", type=int, default=0)
    args = ap.parse_args(argv)
    tasks = TASKS if args.task == "joint" else (args.task,)
    doc = load_gold().documents[0]
    for m in messages(doc.text, tasks, lang=args.lang, few_shot=args.few_shot):
        print(f"--- {m['role']} ---\n{m['content']}\n")


if __name__ == "__main__":
    _main()
