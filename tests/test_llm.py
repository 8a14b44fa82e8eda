"""The `llm` system against a local OpenAI-compatible server started by the test.

The server (http.server on 127.0.0.1, ephemeral port) answers in the chat-completions wire
format with scripted answers: gold strings as a perfect model would write them, and malformed
answers (fenced JSON, truncated JSON, a name that is not in the text, Arabic-Indic digits, a
429 before success, a server that refuses structured output).
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from khabar.baselines import registry
from khabar.baselines.llm import prompts
from khabar.baselines.llm.cache import ResponseCache, cache_key
from khabar.baselines.llm.client import ChatClient, endpoint_url, retry_after_seconds
from khabar.baselines.llm.parse import extract_json, normalize_item, parse_value, task_list
from khabar.baselines.llm.system import LLMPrediction, LLMSystem
from khabar.align import unaligned_count
from khabar.errors import KhabarError
from khabar.predictions import dumps, parse_record
from khabar.schema import FINE_TYPES, NUMBER_KINDS
from khabar.tokens import boundaries

ENV = ("KHABAR_LLM_MODEL", "KHABAR_LLM_BASE_URL", "KHABAR_LLM_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_KEY")


# --- the fake server -----------------------------------------------------------------------


def task_of(body: dict) -> str:
    """Which prompt a request is: read from the system message the system sent."""
    system = body["messages"][0]["content"]
    found = [t for t, d in prompts.DEFINITIONS.items() if d["en"] in system or d["ar"] in system]
    return "joint" if len(found) > 1 else found[0]


class FakeOpenAI:
    """A chat-completions server. `script(task, body, n)` returns (status, headers, content);
    every request body is recorded."""

    def __init__(self, script):
        self.script = script
        self.bodies: list[dict] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # keep pytest output clean
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                if not raw:  # the client went away before sending (a cancelled run)
                    return
                body = json.loads(raw)
                with outer.lock:
                    outer.bodies.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
                    n = sum(1 for b in outer.bodies if task_of(b) == task_of(body))
                status, headers, content = outer.script(task_of(body), body, n)
                if status == 200:
                    payload = {
                        "id": "cmpl-test", "object": "chat.completion", "model": body["model"],
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": content}}],
                        "usage": {"prompt_tokens": len(json.dumps(body["messages"])) // 4,
                                  "completion_tokens": len(content) // 4},
                    }
                else:
                    payload = {"error": {"message": content, "type": "test"}}
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client cancelled while we answered
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def requests(self) -> int:
        return len(self.bodies)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for k in ENV:
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("KHABAR_CACHE", str(tmp_path / "default-cache"))


def gold_answer(doc, task: str) -> str:
    """What a perfect model would write: the gold as strings, in order of appearance."""
    if task == "ner":
        items = [{"text": m.text, "type": m.type} for m in sorted(doc.ner_mentions, key=lambda m: m.start)]
    elif task == "quotes":
        items = [{"cue": q.cue.text, "content": q.content.text, "source": q.source.text, "type": q.type}
                 for q in sorted(doc.quotes, key=lambda q: q.content.start)]
    else:
        items = [{"text": n.text, "value": n.value, "kind": n.kind, "unit": n.unit}
                 for n in sorted(doc.numbers, key=lambda n: n.start)]
    return json.dumps({prompts.LIST_KEY[task]: items}, ensure_ascii=False)


def system(server, tmp_path, **kw) -> LLMSystem:
    kw.setdefault("cache_dir", str(tmp_path / "cache"))
    return LLMSystem(model="test-model", base_url=server.url, backoff=0.0, **kw)


def assert_valid(pred, doc):
    """Every span slices the document and sits on token boundaries; values are valid."""
    starts, ends = boundaries(doc.text)
    spans = [e.span for e in pred.entities] + [n.span for n in pred.numbers]
    spans += [s for q in pred.quotes for s in (q.cue, q.content, q.source) if s is not None]
    for s in spans:
        assert doc.text[s.start:s.end] == s.text
        assert s.start in starts and s.end in ends, s
    assert all(e.type in FINE_TYPES for e in pred.entities)
    assert all(n.kind is None or n.kind in NUMBER_KINDS for n in pred.numbers)
    # the written record passes the strict predictions reader
    record = json.loads(dumps(pred))
    back = parse_record(record, {doc.id: doc}, skip=lambda b: (_ for _ in ()).throw(AssertionError(b.message)))
    assert len(back.entities) == len(pred.entities)


# --- end to end ----------------------------------------------------------------------------


@pytest.mark.parametrize("joint,lang", [(False, "en"), (True, "ar")])
def test_gold_strings_align_back_to_gold_offsets(doc, tmp_path, joint, lang):
    """A model that returns the gold's strings gets the gold's spans back, without offsets."""

    def script(task, body, n):
        if task == "joint":
            merged = {}
            for t in ("ner", "quotes", "numbers"):
                merged.update(json.loads(gold_answer(doc, t)))
            return 200, {}, json.dumps(merged, ensure_ascii=False)
        return 200, {}, gold_answer(doc, task)

    with FakeOpenAI(script) as srv:
        sysm = system(srv, tmp_path, joint=joint, prompt_lang=lang, few_shot=2)
        [pred] = sysm.predict([doc])
        assert srv.requests == (1 if joint else 3)
    assert_valid(pred, doc)
    assert {(e.span.key, e.type) for e in pred.entities} == {(m.span.key, m.type) for m in doc.ner_mentions}
    assert {(n.span.key, n.value, n.kind) for n in pred.numbers} == {(n.span.key, n.value, n.kind) for n in doc.numbers}
    got = {(q.content.key, q.cue.key, q.source.key) for q in pred.quotes}
    assert got == {(q.content.key, q.cue.key, q.source.key) for q in doc.quotes}
    assert pred.unaligned == [] and sysm.unaligned == []
    # the few-shot exchanges were sent, before the document
    msgs = srv.bodies[0]["messages"]
    assert len(msgs) == 1 + 2 * 2 + 1 and msgs[-1]["content"].endswith(doc.text)


def test_malformed_answers_repaired_reported_and_cached(doc, tmp_path):
    """Fenced JSON with prose, truncated JSON, a name not in the text, Arabic-Indic digits,
    renamed fields and a 429 before success: valid predictions, unaligned items reported and
    counted, and a second run served from the cache without any request."""
    ents = sorted(doc.ner_mentions, key=lambda m: m.start)
    nums = sorted(doc.numbers, key=lambda n: n.start)
    quotes = sorted(doc.quotes, key=lambda q: q.content.start)
    ghost = "أنطونيو غوتيريس"  # a correct spelling the text never uses
    assert ghost not in doc.text
    ner_items = [{"Entity": ents[0].text, "Label": "organization"}, {"text": ghost, "type": "PER"}] + [
        {"text": m.text, "type": m.type} for m in ents[1:4]
    ]
    ner_answer = "Here are the entities:\n```json\n" + json.dumps({"entities": ner_items}, ensure_ascii=False) + (
        "\n```\nLet me know if you need more.")
    big = next(n for n in nums if n.value >= 1000)
    arabic_indic = "".join("٠١٢٣٤٥٦٧٨٩"[int(c)] for c in str(int(big.value)))
    num_items = [{"numeral": big.text, "value": arabic_indic, "kind": big.kind, "unit": big.unit}]
    num_items += [{"text": n.text, "value": f"{int(n.value):,}", "kind": n.kind, "unit": n.unit}
                  for n in nums if n is not big]
    num_answer = json.dumps({"numbers": num_items}, ensure_ascii=False)
    num_answer = num_answer[: num_answer.rindex('{"text"') + 12]  # cut inside the last item
    q_items = [{"speaker": q.source.text, "verb": q.cue.text, "content": q.content.text, "type": q.type}
               for q in quotes[:2]]
    q_answer = json.dumps({"quotes": q_items}, ensure_ascii=False)

    def script(task, body, n):
        if task == "quotes" and n == 1:
            return 429, {"Retry-After": "0"}, "rate limited"
        return 200, {}, {"ner": ner_answer, "numbers": num_answer, "quotes": q_answer}[task]

    with FakeOpenAI(script) as srv:
        sysm = system(srv, tmp_path)
        [pred] = sysm.predict([doc])
        assert srv.requests == 4  # three prompts, one of them retried after the 429
        assert sysm.http_retries == 1
        assert_valid(pred, doc)

        # the name that is not in the text is reported, counted, and not predicted
        assert unaligned_count(pred, "ner") == 1 and unaligned_count(pred, "numbers") == 0
        [u] = pred.unaligned
        assert u["task"] == "ner" and u["text"] == ghost and "not found" in u["reason"]
        # placed in the paragraph of the item before it, for the paragraph bootstrap
        assert doc.paragraphs()[u["paragraph"]].start <= ents[0].start <= doc.paragraphs()[u["paragraph"]].end
        assert sysm.unaligned[0]["document"] == doc.id
        assert ghost in sysm.summary()
        # renamed fields and the synonym label were repaired
        assert (ents[0].span.key, "ORG") in {(e.span.key, e.type) for e in pred.entities}
        assert {e.span.key for e in pred.entities} == {m.span.key for m in ents[:4]}
        # Arabic-Indic digits and "2,800"-style strings became numbers; the cut item is gone
        got = {n.span.key: n.value for n in pred.numbers}
        assert got[big.span.key] == big.value
        assert len(pred.numbers) == len(nums) - 1
        assert all(got[n.span.key] == n.value for n in nums[:-1])
        assert any("truncated JSON" in k for k in sysm.notes)
        assert any("code fence" in k for k in sysm.notes)
        # quotes with renamed fields (speaker, verb)
        assert {(q.content.key, q.cue.key, q.source.key) for q in pred.quotes} == {
            (q.content.key, q.cue.key, q.source.key) for q in quotes[:2]}
        assert sysm.usage["ner"].prompt_tokens > 0 and sysm.usage["quotes"].completion_tokens > 0

        # second run: everything from the cache, no request, same predictions
        again = system(srv, tmp_path)
        [pred2] = again.predict([doc])
        assert srv.requests == 4 and again.http_requests == 0
        assert pred2 == pred
        assert all(r.cached == r.requests for r in again.usage.values())
        assert all(r.prompt_tokens == 0 for r in again.usage.values())  # fresh tokens only

        # --no-cache asks again (and refreshes the cache)
        forced = system(srv, tmp_path, no_cache=True)
        forced.predict([doc])
        assert srv.requests == 7


def test_structured_output_with_fallback(doc, tmp_path):
    """The JSON schema is sent as response_format; a server that answers 400 to it gets plain
    requests from then on, and the answers still parse."""

    def script(task, body, n):
        if "response_format" in body:
            return 400, {}, "response_format json_schema is not supported"
        return 200, {}, gold_answer(doc, task)

    with FakeOpenAI(script) as srv:
        sysm = system(srv, tmp_path, max_concurrency=1)
        [pred] = sysm.predict([doc])
        rejected = [b for b in srv.bodies if "response_format" in b]
        assert len(rejected) == 1  # remembered after the first refusal
        schema = rejected[0]["response_format"]["json_schema"]["schema"]
        assert set(schema["required"]) <= set(schema["properties"])
        assert srv.requests == 1 + 3
        assert len(pred.entities) == len(doc.ner_mentions)
        assert "rejected" in sysm.summary()

    def accepting(task, body, n):
        assert body["response_format"]["type"] == "json_schema"
        return 200, {}, gold_answer(doc, task)

    with FakeOpenAI(accepting) as srv:
        [pred] = system(srv, tmp_path / "b").predict([doc])
        assert srv.requests == 3 and len(pred.numbers) == len(doc.numbers)


def test_paragraph_unit_and_task_subset(doc, tmp_path):
    """unit='paragraph' sends one prompt per non-empty paragraph and restricts alignment to it."""
    paras = [p for p in doc.paragraphs() if p.text.strip()]

    def script(task, body, n):
        text = body["messages"][-1]["content"].split("\n", 1)[1]
        p = next(p for p in paras if p.text == text)
        ms = [m for m in doc.ner_mentions if p.start <= m.start < p.end]
        return 200, {}, json.dumps({"entities": [{"text": m.text, "type": m.type} for m in ms]}, ensure_ascii=False)

    with FakeOpenAI(script) as srv:
        sysm = system(srv, tmp_path, unit="paragraph", tasks="ner")
        [pred] = sysm.predict([doc])
        assert srv.requests == len(paras)
    assert pred.quotes is None and pred.numbers is None
    assert {e.span.key for e in pred.entities} == {m.span.key for m in doc.ner_mentions}


def test_server_errors_are_one_line(doc, tmp_path):
    with FakeOpenAI(lambda t, b, n: (500, {}, "boom")) as srv:
        with pytest.raises(KhabarError) as e:
            system(srv, tmp_path, max_retries=2).predict([doc])
        assert "HTTP 500 after 3 attempt(s)" in str(e.value) and "\n" not in str(e.value)
    with FakeOpenAI(lambda t, b, n: (401, {}, "bad key")) as srv:
        with pytest.raises(KhabarError, match="HTTP 401"):
            system(srv, tmp_path, api_key="sk-wrong").predict([doc])
        assert srv.bodies[0]["auth"] == "Bearer sk-wrong"
        assert srv.bodies[0]["path"] == "/v1/chat/completions"


# --- configuration and registry ------------------------------------------------------------


def test_unavailable_without_endpoint(monkeypatch):
    entry = registry()["llm"]
    why = entry.missing()
    assert why and "KHABAR_LLM_BASE_URL" in why and "\n" not in why
    assert LLMSystem.unavailable_reason(model="m", base_url="http://127.0.0.1:1/v1") is None
    with pytest.raises(KhabarError, match="no model configured"):
        LLMSystem(base_url="http://127.0.0.1:1/v1")
    monkeypatch.setenv("KHABAR_LLM_BASE_URL", "http://127.0.0.1:1/v1")
    monkeypatch.setenv("KHABAR_LLM_MODEL", "m")
    assert entry.missing() is None
    s = LLMSystem()
    assert s.client.url == "http://127.0.0.1:1/v1/chat/completions" and s.model == "m"
    with pytest.raises(KhabarError, match="prompt_lang"):
        LLMSystem(prompt_lang="fr")
    with pytest.raises(KhabarError, match="unknown task"):
        LLMSystem(tasks=["ner", "sentiment"])


def test_openai_key_alone_means_the_openai_api(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("KHABAR_LLM_MODEL", "gpt-test")
    s = LLMSystem()
    assert s.client.url == "https://api.openai.com/v1/chat/completions"
    assert s.client.api_key == "sk-test"


def test_cost_summary(doc, tmp_path):
    with FakeOpenAI(lambda t, b, n: (200, {}, gold_answer(doc, t))) as srv:
        s = system(srv, tmp_path, price_in=2.0, price_out=8.0)
        s.predict([doc])
        tin = sum(r.prompt_tokens for r in s.usage.values())
        tout = sum(r.completion_tokens for r in s.usage.values())
        assert s.cost()[0] == pytest.approx(tin * 2.0 / 1e6 + tout * 8.0 / 1e6)
        assert re.search(r"^ner\s+1\s+0\s+\d+\s+\d+$", s.summary(), re.M)
        assert "cost " in s.summary()
        s2 = system(srv, tmp_path, price_in=2.0, price_out=8.0)
        s2.predict([doc])
        fresh, uncached = s2.cost()
        assert fresh == 0 and uncached == pytest.approx(s.cost()[0])


# --- parts -----------------------------------------------------------------------------------


def test_client_retry_after_and_endpoint():
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
    assert endpoint_url("http://h:8000/v1/") == "http://h:8000/v1/chat/completions"
    assert endpoint_url("http://h/v1/chat/completions") == "http://h/v1/chat/completions"
    c = ChatClient("http://h/v1", "m", backoff=1.0, max_backoff=10.0)
    assert c._delay(0, 7.0) == 7.0 and c._delay(0, 99.0) == 10.0
    assert 0.5 <= c._delay(1, None) <= 2.0


def test_unreachable_server_retries_then_fails(tmp_path):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    slept = []
    c = ChatClient(f"http://127.0.0.1:{port}/v1", "m", max_retries=2, backoff=0.5, sleep=slept.append, timeout=2)
    with pytest.raises(KhabarError, match="no complete response after 3 attempt"):
        c.chat([{"role": "user", "content": "x"}])
    assert len(slept) == 2 and slept[1] > slept[0] * 0.9  # exponential, with jitter


@pytest.mark.parametrize("text,expected,note", [
    ('```json\n{"entities": []}\n```', {"entities": []}, "code fence removed"),
    ('Sure:\n{"entities": [{"text": "x", "type": "PER"}]}\nDone.', {"entities": [{"text": "x", "type": "PER"}]},
     "text after the JSON ignored"),
    ('{"entities": [{"text": "x", "type": "PER"},]}', {"entities": [{"text": "x", "type": "PER"}]}, "trailing commas"),
    ('{"entities": [{"text": "x", "type": "PER"}, {"text": "y", "ty', {"entities": [{"text": "x", "type": "PER"}]},
     "truncated JSON closed"),
    ('{"entities": [{"text": "x", "type": "PER"}, {"text": "حف', {"entities": [{"text": "x", "type": "PER"}]},
     "truncated JSON closed"),
    ('{"numbers": [', {"numbers": []}, "truncated JSON closed"),
])
def test_extract_json(text, expected, note):
    obj, notes = extract_json(text)
    assert obj == expected
    assert any(note in n for n in notes)


def test_extract_json_reports_what_it_cannot_read():
    assert extract_json("I could not find any entities.") == (None, ["no JSON object in the answer"])
    assert extract_json('{"entities": [}')[0] is None


@pytest.mark.parametrize("value,expected", [
    (2800, 2800.0), ("2,800", 2800.0), ("٢٨٠٠", 2800.0), ("٢٬٨٠٠", 2800.0), ("۲۸۰۰", 2800.0),
    ("3.5", 3.5), ("٣٫٥", 3.5), ("1/4", 0.25), ("12%", 12.0), (" 7 ", 7.0),
    ("2,5", None), ("many", None), (True, None), (None, None), (float("nan"), None),
    ("ألفان وثمانمائة", 2800.0), ("ثلاثين", 30.0),
])
def test_parse_value(value, expected):
    v, note = parse_value(value)
    assert v == expected
    if expected is None and value is not None:
        assert note  # a rejection is always explained


def test_field_names_and_labels_normalised():
    renames = []
    item, probs = normalize_item({"Entity": "س", "Label": "person"}, "ner", renames)
    assert item == {"text": "س", "type": "PER"} and not probs and len(renames) == 2
    item, probs = normalize_item({"text": "س", "type": "WEAPON"}, "ner")
    assert item is None and probs[0].dropped and "WEAPON" in probs[0].reason
    item, _ = normalize_item({"text": "س", "type": "MISC"}, "ner")
    assert item["type"] == "MISC"  # accepted and ignored by the scorer, as for every system
    item, probs = normalize_item({"numeral": "ثلاثة", "number": "٣", "type": "count"}, "numbers")
    assert item == {"text": "ثلاثة", "value": 3.0, "kind": "cardinal", "unit": None}
    item, probs = normalize_item(["حفتر", "PER"], "ner")
    assert item == {"text": "حفتر", "type": "PER"}
    items, notes = task_list({"PER": ["أ", "ب"], "GPE": ["ج"]}, "ner", joint=False)
    assert [i["type"] for i in items] == ["PER", "PER", "GPE"] and notes
    assert task_list({"result": [1]}, "ner", joint=False)[0] == [1]
    assert task_list({"result": [1]}, "ner", joint=True)[0] is None


def test_cache_keys_and_atomic_files(tmp_path):
    k1 = cache_key(endpoint="e", model="m", request={"messages": [1]}, document_sha256="d")
    assert k1 == cache_key(endpoint="e", model="m", request={"messages": [1]}, document_sha256="d")
    for other in (dict(endpoint="f", model="m", request={"messages": [1]}, document_sha256="d"),
                  dict(endpoint="e", model="n", request={"messages": [1]}, document_sha256="d"),
                  dict(endpoint="e", model="m", request={"messages": [2]}, document_sha256="d"),
                  dict(endpoint="e", model="m", request={"messages": [1]}, document_sha256="x")):
        assert cache_key(**other) != k1
    c = ResponseCache(tmp_path)
    assert c.get(k1) is None
    c.put(k1, {"text": "ا"})
    assert c.get(k1) == {"text": "ا"}
    assert ResponseCache(tmp_path, read=False).get(k1) is None
    (tmp_path / k1[:2] / f"{k1}.json").write_text("{broken")
    assert c.get(k1) is None  # a damaged entry is a miss, not a crash
    assert not list(tmp_path.rglob(".tmp-*"))


# --- prompts --------------------------------------------------------------------------------


def test_prompts_in_both_languages_carry_the_schema():
    for lang in prompts.LANGS:
        for tasks in (("ner",), ("quotes",), ("numbers",), prompts.TASKS):
            msgs = prompts.messages("نص قصير.", tasks, lang=lang, few_shot=3)
            assert msgs[0]["role"] == "system" and len(msgs) == 8
            for t in tasks:
                assert prompts.DEFINITIONS[t][lang] in msgs[0]["content"]
                assert prompts.LIST_KEY[t] in msgs[0]["content"]
            answer = json.loads(msgs[2]["content"])
            assert set(answer) == {prompts.LIST_KEY[t] for t in tasks}
    assert prompts.json_schema(prompts.TASKS)["required"] == ["entities", "quotes", "numbers"]
    with pytest.raises(ValueError):
        prompts.messages("x", ("ner",), few_shot=9)


def test_prediction_file_carries_unaligned_under_meta(doc):
    p = LLMPrediction(id=doc.id, entities=[], unaligned=[{"task": "ner", "part": "item", "text": "x",
                                                          "reason": "r", "paragraph": None, "item": {}}])
    rec = json.loads(dumps(p))
    assert rec["meta"]["unaligned"][0]["text"] == "x"
    parse_record(rec, {doc.id: doc}, skip=lambda b: (_ for _ in ()).throw(AssertionError(b.message)))
    assert unaligned_count(p, "ner") == 1 and unaligned_count(p, "quotes") == 0


def test_string_options_from_the_command_line():
    """`khabar run llm --opt KEY=VALUE` passes strings; they are read, or refused in one line."""
    s = LLMSystem(model="m", base_url="http://127.0.0.1:1/v1", joint="true", structured="no", few_shot="2",
                  max_concurrency="3", timeout="5", price_in="1.5", seed="none", tasks="ner,numbers")
    assert s.joint is True and s.structured is False and s.few_shot == 2 and s.max_concurrency == 3
    assert s.client.timeout == 5.0 and s.price_in == 1.5 and s.seed is None and s.tasks == ("ner", "numbers")
    with pytest.raises(KhabarError, match="option joint: expected true or false"):
        LLMSystem(model="m", base_url="http://127.0.0.1:1/v1", joint="maybe")
    with pytest.raises(KhabarError, match="option few_shot: expected an integer"):
        LLMSystem(model="m", base_url="http://127.0.0.1:1/v1", few_shot="two")


def test_unwritable_cache_is_a_note_not_a_crash(doc, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    with FakeOpenAI(lambda t, b, n: (200, {}, gold_answer(doc, t))) as srv:
        s = system(srv, tmp_path, cache_dir=str(blocker / "cache"), tasks="ner")
        [pred] = s.predict([doc])
    assert len(pred.entities) == len(doc.ner_mentions)
    assert any("cache not written" in k for k in s.notes)


@pytest.mark.parametrize("answer", ["I could not find any entities in this article.", "", "null",
                                    '{"entities": "none"}', '{"result": {"count": 0}}', '42'])
def test_unusable_answers_stop_the_run_and_are_not_cached(doc, tmp_path, answer):
    """Prose, an empty or null answer, or the wrong structure: exit 2 with one line, nothing
    cached (so the next run asks again); with lenient they count as predicting nothing, cached."""
    with FakeOpenAI(lambda t, b, n: (200, {}, answer)) as srv:
        with pytest.raises(KhabarError, match=r"1 of 1 answer\(s\) could not be read") as e:
            system(srv, tmp_path, tasks="ner").predict([doc])
        assert "\n" not in str(e.value)
        assert not list((tmp_path / "cache").rglob("*.json"))
        [pred] = system(srv, tmp_path, tasks="ner", lenient=True).predict([doc])
        assert pred.entities == []
        assert list((tmp_path / "cache").rglob("*.json"))
        assert srv.requests == 2


def test_summary_is_bounded_however_many_items_come_back(doc, tmp_path):
    many = json.dumps({"entities": [{"text": f"اسم{i}", "type": "PER"} for i in range(3000)]}, ensure_ascii=False)
    with FakeOpenAI(lambda t, b, n: (200, {}, many)) as srv:
        s = system(srv, tmp_path, tasks="ner")
        [pred] = s.predict([doc])
    assert len(pred.unaligned) == 3000
    lines = s.summary().splitlines()
    assert len(lines) < 60 and any("and 2980 more" in line for line in lines)


def test_api_key_option_on_the_command_line(doc, tmp_path, monkeypatch):
    from khabar.cli import run as cli

    monkeypatch.setenv("KHABAR_CACHE", str(tmp_path / "c"))
    with FakeOpenAI(lambda t, b, n: (200, {}, gold_answer(doc, t))) as srv:
        code = cli(["run", "llm", "-o", str(tmp_path / "p.jsonl"), "--model", "m", "--base-url", srv.url,
                    "--api-key", "sk-from-option", "--opt", "tasks=ner"])
    assert code == 0 and srv.bodies[0]["auth"] == "Bearer sk-from-option"
