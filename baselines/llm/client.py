"""A minimal client for OpenAI-compatible chat-completions endpoints, on the standard library.

Hosted APIs, vLLM, llama.cpp's server and Ollama all speak `POST {base}/chat/completions`.
The client adds what a benchmark run needs: a timeout per request, retries with exponential
backoff on 429 and 5xx (honouring `Retry-After`), a limit on concurrent requests, and a
distinct error when the server rejects structured output so the caller can fall back.
"""

from __future__ import annotations

import email.utils
import json
import random
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Callable

from khabar.errors import KhabarError

RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


@dataclass
class ChatResult:
    """The text of the first choice and the token usage the server reported (None if it did not)."""

    text: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str | None = None
    raw: dict = field(default_factory=dict, repr=False)


class StructuredOutputRejected(Exception):
    """The server answered 400/422 to a request carrying `response_format`."""


def endpoint_url(base_url: str) -> str:
    """The chat-completions URL for a base URL (`http://host:8000/v1` or the full URL)."""
    base = base_url.rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    return base + "/chat/completions"


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class ChatClient:
    """Sends chat-completion requests to one endpoint with retries and a concurrency limit."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        *,
        timeout: float = 120.0,
        max_retries: int = 5,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        max_concurrency: int = 4,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.url = endpoint_url(base_url)
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sleep = sleep
        self._slots = threading.Semaphore(max(1, int(max_concurrency)))
        self.requests = 0  # HTTP requests actually sent, retries included
        self.retries = 0
        self._lock = threading.Lock()

    def _headers(self) -> dict[str, str]:
        h = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            h["Authorization"] = f"Bearer {self.api_key}"
        return h

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_backoff)
        base = min(self.backoff * (2**attempt), self.max_backoff)
        return base * (0.5 + random.random() / 2)  # jitter: concurrent retries do not align

    def chat(
        self,
        messages: list[dict],
        *,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        response_format: dict | None = None,
        seed: int | None = None,
    ) -> ChatResult:
        """One chat completion. Raises `StructuredOutputRejected` when the server refuses
        `response_format`, and `KhabarError` (one line) for every other failure."""
        body: dict = {"model": self.model, "messages": messages, "temperature": temperature}
        if max_tokens:
            body["max_tokens"] = max_tokens
        if seed is not None:
            body["seed"] = seed
        if response_format is not None:
            body["response_format"] = response_format
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        with self._slots:
            return self._send(data, structured=response_format is not None)

    def _send(self, data: bytes, *, structured: bool) -> ChatResult:
        attempt = 0
        while True:
            req = urllib.request.Request(self.url, data=data, headers=self._headers(), method="POST")
            with self._lock:
                self.requests += 1
            status, retry_after, detail = None, None, ""
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    payload = resp.read()
                return _parse_response(payload, self.url)
            except urllib.error.HTTPError as e:
                status = e.code
                retry_after = retry_after_seconds(e.headers.get("Retry-After") if e.headers else None)
                detail = _error_detail(e)
                if structured and status in (400, 422):
                    raise StructuredOutputRejected(detail) from None
                if status in (401, 403):
                    raise KhabarError(
                        f"{self.url}: HTTP {status} (check the API key: --api-key or OPENAI_API_KEY): {detail}",
                    ) from None
                if status not in RETRY_STATUSES:
                    raise KhabarError(f"{self.url}: HTTP {status}: {detail}") from None
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as e:
                reason = getattr(e, "reason", e)
                detail = f"{type(reason).__name__}: {reason}"
            if attempt >= self.max_retries:
                what = f"HTTP {status}" if status else "no response"
                raise KhabarError(
                    f"{self.url}: {what} after {attempt + 1} attempt(s): {detail}"
                )
            with self._lock:
                self.retries += 1
            self._sleep(self._delay(attempt, retry_after))
            attempt += 1


def _error_detail(e: urllib.error.HTTPError) -> str:
    try:
        body = e.read().decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 (the body is only for the message)
        body = ""
    try:
        err = json.loads(body).get("error")
        body = err.get("message", body) if isinstance(err, dict) else (err or body)
    except (ValueError, AttributeError):
        pass
    return " ".join(str(body).split())[:200] or str(e.reason)


def _parse_response(payload: bytes, url: str) -> ChatResult:
    try:
        raw = json.loads(payload.decode("utf-8"))
        choice = raw["choices"][0]
        msg = choice.get("message") or {}
        text = msg.get("content")
        if text is None and "text" in choice:  # completions-style servers
            text = choice["text"]
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise KhabarError(
            f"{url}: not an OpenAI chat-completions response: {payload[:120]!r}"
        ) from None
    usage = raw.get("usage") or {}
    return ChatResult(
        text=text or "",
        prompt_tokens=usage.get("prompt_tokens"),
        completion_tokens=usage.get("completion_tokens"),
        finish_reason=choice.get("finish_reason"),
        raw=raw,
    )
