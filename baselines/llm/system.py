"""The `llm` system: any OpenAI-compatible chat model, prompted for khabar's three tasks.

For each document (or paragraph, `unit="paragraph"`) and each task (or once for all three,
`joint=True`) it sends one chat request; `answers.AnswerReader` parses the JSON answer
(`parse.py`), aligns every returned string to offsets (`khabar.align`) and builds predictions,
as it does for the lm-evaluation-harness and inspect-ai tasks. Items that cannot be
aligned or used are kept in `LLMPrediction.unaligned` and in `system.unaligned`, so they count
as false positives instead of vanishing. Responses are cached on disk (`cache.py`).
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from khabar.errors import KhabarError
from khabar.model import Document, Prediction
from khabar.scoring.tasks import TASKS
from khabar.terminal import Progress

from . import prompts
from .answers import AnswerReader, LLMPrediction, empty_prediction  # noqa: F401  (LLMPrediction: re-exported)
from .cache import ResponseCache, cache_key, document_hash
from .client import ChatClient, StructuredOutputRejected, endpoint_url

OPENAI_BASE_URL = "https://api.openai.com/v1"
JOINT = "joint"


def resolve_config(model: str | None = None, base_url: str | None = None, api_key: str | None = None):
    """(model, base_url, api_key) from the options, else the environment.

    model: KHABAR_LLM_MODEL; base URL: KHABAR_LLM_BASE_URL, then OPENAI_BASE_URL, then the
    OpenAI API when only OPENAI_API_KEY is set; key: KHABAR_LLM_API_KEY, then OPENAI_API_KEY
    (local servers need none).
    """
    env = os.environ
    model = model or env.get("KHABAR_LLM_MODEL") or None
    api_key = api_key or env.get("KHABAR_LLM_API_KEY") or env.get("OPENAI_API_KEY") or None
    base_url = base_url or env.get("KHABAR_LLM_BASE_URL") or env.get("OPENAI_BASE_URL") or None
    if base_url is None and env.get("OPENAI_API_KEY"):
        base_url = OPENAI_BASE_URL
    return model, base_url, api_key


@dataclass
class _Job:
    doc: int
    unit: tuple[int, int]
    group: str  # a task name, or "joint"
    tasks: tuple[str, ...]
    messages: list[dict]


@dataclass
class _Answer:
    text: str
    prompt_tokens: int | None
    completion_tokens: int | None
    finish_reason: str | None
    cached: bool
    structured: bool
    key: str = ""
    entry: dict | None = None  # what to cache, for a fresh answer: written once the answer proves usable


SHOWN_RECORDS = 20
"""Unaligned items and repairs listed one per line in the summary (the rest are counted)."""


@dataclass
class UsageRow:
    """Prompts sent (or answered from the cache) and tokens of one prompt group (a task, or the
    joint prompt). Fresh and cached tokens are kept apart."""

    requests: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    unreported: int = 0  # answers whose server reported no token usage
    cached_prompt_tokens: int = 0
    cached_completion_tokens: int = 0


class LLMSystem:
    """Extracts entities, quotes and numbers with a chat model behind an OpenAI-compatible API.

    Options (all keywords, also the `khabar run llm` options): `model`, `base_url`, `api_key`
    (else the environment, see `resolve_config`); `prompt_lang` "en" or "ar"; `joint` (one
    prompt for all tasks); `few_shot` (0-3 invented examples); `unit` "document" or
    "paragraph"; `structured` (ask for JSON-schema output, falling back to plain JSON when the
    server refuses); `cache_dir`, `no_cache`; `max_concurrency`, `timeout`, `max_retries`,
    `backoff`; `temperature`, `max_tokens`, `seed`; `price_in` / `price_out` (currency per
    million input / output tokens, for the cost line); `tasks` (a subset of the three).
    """

    name = "llm"
    tasks = TASKS

    def __init__(
        self,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        prompt_lang: str = "en",
        joint: bool = False,
        few_shot: int = 0,
        unit: str = "document",
        structured: bool = True,
        cache_dir: str | None = None,
        no_cache: bool = False,
        max_concurrency: int = 4,
        timeout: float = 120.0,
        max_retries: int = 5,
        backoff: float = 1.0,
        temperature: float = 0.0,
        max_tokens: int = 4096,
        seed: int | None = None,
        price_in: float | None = None,
        price_out: float | None = None,
        tasks: tuple[str, ...] | list[str] | str | None = None,
        lenient: bool = False,
    ):
        # options may arrive as strings (`khabar run llm --opt joint=true`)
        joint, structured, no_cache = _flag("joint", joint), _flag("structured", structured), _flag("no_cache", no_cache)
        self.lenient = _flag("lenient", lenient)
        few_shot, max_concurrency, max_retries, max_tokens = (
            _num("few_shot", few_shot, int), _num("max_concurrency", max_concurrency, int),
            _num("max_retries", max_retries, int), _num("max_tokens", max_tokens, int))
        timeout, backoff, temperature = _num("timeout", timeout, float), _num("backoff", backoff, float), _num(
            "temperature", temperature, float)
        seed, price_in, price_out = (_num("seed", seed, int, True), _num("price_in", price_in, float, True),
                                     _num("price_out", price_out, float, True))
        model, base_url, api_key = resolve_config(model, base_url, api_key)
        why = _missing(model, base_url)
        if why:
            raise KhabarError(f"system 'llm': {why}")
        if prompt_lang not in prompts.LANGS:
            raise KhabarError(f"prompt_lang must be one of {', '.join(prompts.LANGS)}, not {prompt_lang!r}")
        if unit not in ("document", "paragraph"):
            raise KhabarError(f"unit must be 'document' or 'paragraph', not {unit!r}")
        prompts.check_few_shot(few_shot)
        if isinstance(tasks, str):
            tasks = tuple(t.strip() for t in tasks.split(",") if t.strip())
        if tasks:
            bad = [t for t in tasks if t not in TASKS]
            if bad:
                raise KhabarError(f"unknown task(s) {', '.join(bad)}; expected {', '.join(TASKS)}")
            self.tasks = tuple(t for t in TASKS if t in tasks)
        self.model, self.base_url = model, base_url
        self.prompt_lang, self.joint, self.few_shot, self.unit = prompt_lang, bool(joint), int(few_shot), unit
        self.structured = bool(structured)
        self.temperature, self.max_tokens, self.seed = float(temperature), int(max_tokens), seed
        self.price_in, self.price_out = price_in, price_out
        self.max_concurrency = max(1, int(max_concurrency))
        self.client = ChatClient(
            base_url, model, api_key, timeout=float(timeout), max_retries=int(max_retries),
            backoff=float(backoff), max_concurrency=self.max_concurrency,
        )
        self.cache = ResponseCache(cache_dir, read=not no_cache)
        self._structured_rejected = False
        self._lock = threading.Lock()
        self._reset()

    # -- registry hook ----------------------------------------------------------------------

    @staticmethod
    def unavailable_reason(**options) -> str | None:
        """Why the system cannot run with these options (and the environment), or None."""
        model, base_url, _ = resolve_config(options.get("model"), options.get("base_url"), options.get("api_key"))
        return _missing(model, base_url)

    # -- the run ----------------------------------------------------------------------------

    def _reset(self) -> None:
        self.usage: dict[str, UsageRow] = defaultdict(UsageRow)
        # answers become predictions through the reader every way of running an LLM shares; its
        # records are the system's: every Unaligned record of the last predict (with its document),
        # the repairs that dropped nothing, JSON repairs and renames (counted), alignment views per task
        self.reader = AnswerReader()
        self.unaligned: list[dict] = self.reader.unaligned
        self.problems: list[dict] = self.reader.problems
        self.notes: Counter = self.reader.notes
        self.methods: dict[str, Counter] = self.reader.methods
        self.elapsed = 0.0

    def predict(self, documents: list[Document]) -> list[Prediction]:
        """One `LLMPrediction` per document for the tasks in `self.tasks`."""
        self._reset()
        t0 = time.perf_counter()
        requests0, retries0 = self.client.requests, self.client.retries
        jobs = self._jobs(documents)
        answers = self._run(jobs, documents)
        preds = [empty_prediction(d, self.tasks) for d in documents]
        unusable = []
        for job, ans in zip(jobs, answers):
            why = self.reader.read(documents[job.doc], preds[job.doc], ans.text, job.tasks, unit=job.unit,
                                   finish_reason=ans.finish_reason)
            if why:
                unusable.append((job, why))
            if ans.entry is not None and (not why or self.lenient):
                self._cache(ans)
        self.http_requests = self.client.requests - requests0
        self.http_retries = self.client.retries - retries0
        self.elapsed = time.perf_counter() - t0
        if unusable and not self.lenient:
            job, why = unusable[0]
            raise KhabarError(f"{len(unusable)} of {len(jobs)} answer(s) could not be read as the JSON asked for "
                              f"(first: document {documents[job.doc].id}, prompt {job.group}: {why[:120]}); "
                              "they were not cached; with --lenient they count as predicting nothing")
        return preds

    def _cache(self, ans: _Answer) -> None:
        try:
            self.cache.put(ans.key, ans.entry)
        except KhabarError as e:  # a paid answer is still used; the next run will ask again
            self.notes[f"cache not written ({self.cache.dir}: {e.message.removeprefix('cannot write: ')})"] += 1

    def _groups(self) -> list[tuple[str, tuple[str, ...]]]:
        if self.joint:
            return [(JOINT, self.tasks)]
        return [(t, (t,)) for t in self.tasks]

    def _jobs(self, documents: list[Document]) -> list[_Job]:
        jobs = []
        for i, d in enumerate(documents):
            if self.unit == "paragraph":
                units = [(p.start, p.end) for p in d.paragraphs() if p.text.strip()]
            else:
                units = [(0, len(d.text))]
            for s, e in units:
                for group, tasks in self._groups():
                    msgs = prompts.messages(d.text[s:e], tasks, lang=self.prompt_lang, few_shot=self.few_shot)
                    jobs.append(_Job(i, (s, e), group, tasks, msgs))
        return jobs

    def _run(self, jobs: list[_Job], documents: list[Document]) -> list[_Answer]:
        """Every job's answer, `max_concurrency` at a time. On Ctrl-C (or any failure) the client
        is cancelled first, so no request is sent after it and those in flight stop at once."""
        if not jobs:
            return []
        pool = ThreadPoolExecutor(max_workers=self.max_concurrency)
        futures = [pool.submit(self._complete, j, documents[j.doc]) for j in jobs]
        try:
            with Progress("model calls", len(futures)) as bar:
                for f in as_completed(futures):
                    f.result()  # the first failure stops the run
                    bar.advance()
            answers = [f.result() for f in futures]
        except BaseException:
            self.client.cancel()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return answers

    def _complete(self, job: _Job, doc: Document) -> _Answer:
        request = {
            "messages": job.messages,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "seed": self.seed,
            "structured": self.structured,
        }
        key = cache_key(endpoint=self.client.url, model=self.model, request=request, document_sha256=document_hash(doc.text))
        hit = self.cache.get(key)
        if hit is not None and isinstance(hit.get("text"), str):
            ans = _Answer(hit["text"], hit.get("prompt_tokens"), hit.get("completion_tokens"),
                          hit.get("finish_reason"), True, bool(hit.get("structured")))
        else:
            rf = prompts.response_format(job.tasks) if self.structured and not self._structured_rejected else None
            try:
                res = self.client.chat(job.messages, temperature=self.temperature, max_tokens=self.max_tokens,
                                       response_format=rf, seed=self.seed)
            except StructuredOutputRejected as e:
                with self._lock:
                    if not self._structured_rejected:
                        self.notes[f"server rejected structured output ({e}); plain JSON used"] += 1
                    self._structured_rejected = True
                rf = None
                res = self.client.chat(job.messages, temperature=self.temperature, max_tokens=self.max_tokens,
                                       seed=self.seed)
            entry = {
                "text": res.text, "prompt_tokens": res.prompt_tokens, "completion_tokens": res.completion_tokens,
                "finish_reason": res.finish_reason, "structured": rf is not None, "model": self.model,
                "endpoint": self.client.url, "document_sha256": document_hash(doc.text), "group": job.group,
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            ans = _Answer(res.text, res.prompt_tokens, res.completion_tokens, res.finish_reason, False,
                          rf is not None, key, entry)
        with self._lock:
            row = self.usage[job.group]
            row.requests += 1
            row.cached += ans.cached
            if ans.prompt_tokens is None and ans.completion_tokens is None:
                row.unreported += 1
            elif ans.cached:
                row.cached_prompt_tokens += ans.prompt_tokens or 0
                row.cached_completion_tokens += ans.completion_tokens or 0
            else:
                row.prompt_tokens += ans.prompt_tokens or 0
                row.completion_tokens += ans.completion_tokens or 0
        return ans

    # -- the report ---------------------------------------------------------------------------

    def cost(self) -> tuple[float, float] | None:
        """(cost of this run's fresh requests, cost had nothing been cached), or None without prices."""
        if self.price_in is None and self.price_out is None:
            return None
        pin, pout = (self.price_in or 0.0) / 1e6, (self.price_out or 0.0) / 1e6
        fresh = sum(r.prompt_tokens * pin + r.completion_tokens * pout for r in self.usage.values())
        cached = sum(r.cached_prompt_tokens * pin + r.cached_completion_tokens * pout for r in self.usage.values())
        return fresh, fresh + cached

    def summary(self) -> str:
        """What the last `predict` cost and what it could not use, as lines for the terminal."""
        lines = [f"llm {self.model} @ {endpoint_url(self.base_url)}  (prompt {self.prompt_lang}, "
                 f"{'joint' if self.joint else 'per task'}, few-shot {self.few_shot}, unit {self.unit}, "
                 f"structured output {'off' if not self.structured else 'rejected by server' if self._structured_rejected else 'on'})"]
        lines.append(f"{'prompt':8} {'prompts':>8} {'cached':>7} {'tokens in':>10} {'tokens out':>10}")
        for group, r in sorted(self.usage.items()):
            note = f"  ({r.unreported} without usage)" if r.unreported else ""
            lines.append(f"{group:8} {r.requests:8} {r.cached:7} {r.prompt_tokens:10} {r.completion_tokens:10}{note}")
        lines.append(f"http requests {getattr(self, 'http_requests', 0)} (retries {getattr(self, 'http_retries', 0)}); "
                     "tokens count fresh requests only")
        c = self.cost()
        if c is not None:
            lines.append(f"cost {c[0]:.4f} (would be {c[1]:.4f} without the cache)")
        for task, m in sorted(self.methods.items()):
            lines.append(f"aligned {task}: " + ", ".join(f"{k} {v}" for k, v in m.most_common()))
        by_task = Counter(u["task"] for u in self.unaligned if u["part"] == "item")
        lines.append(f"unaligned items (counted as false positives): {len(self.unaligned)} record(s); "
                     + (", ".join(f"{t} {n}" for t, n in sorted(by_task.items())) or "none dropped"))
        for u in self.unaligned[:SHOWN_RECORDS]:
            lines.append(f"  {u['document']} {u['task']}.{u['part']}: {str(u['text'])[:60]!r}: {u['reason']}")
        if len(self.unaligned) > SHOWN_RECORDS:
            lines.append(f"  ... and {len(self.unaligned) - SHOWN_RECORDS} more (all under meta.unaligned in the "
                         "predictions file)")
        if self.problems:
            lines.append(f"fields repaired or left empty (items kept): {len(self.problems)}")
        for p in self.problems[:SHOWN_RECORDS]:
            lines.append(f"  {p['document']} {p['task']}.{p['part']}: {str(p['text'])[:60]!r}: {p['reason']}")
        if len(self.problems) > SHOWN_RECORDS:
            lines.append(f"  ... and {len(self.problems) - SHOWN_RECORDS} more")
        for n, k in self.notes.most_common(SHOWN_RECORDS):
            lines.append(f"  note ({k}x): {n}")
        return "\n".join(lines)



def _flag(name: str, value) -> bool:
    if isinstance(value, str):
        v = value.strip().lower()
        if v in ("1", "true", "yes", "on"):
            return True
        if v in ("0", "false", "no", "off", ""):
            return False
        raise KhabarError(f"option {name}: expected true or false, not {value!r}")
    return bool(value)


def _num(name: str, value, kind, optional: bool = False):
    if optional and (value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "null"))):
        return None
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise KhabarError(f"option {name}: expected a{'n integer' if kind is int else ' number'}, not {value!r}") from None


def _missing(model: str | None, base_url: str | None) -> str | None:
    if not base_url and not model:
        return ("no endpoint configured: set KHABAR_LLM_BASE_URL and KHABAR_LLM_MODEL, or run "
                "`khabar run llm --base-url URL --model MODEL`")
    if not base_url:
        return ("no endpoint configured: set KHABAR_LLM_BASE_URL or OPENAI_BASE_URL, or run "
                "`khabar run llm --base-url URL`")
    if not model:
        return "no model configured: set KHABAR_LLM_MODEL, or run `khabar run llm --model MODEL`"
    return None
