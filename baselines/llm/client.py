"""A minimal client for OpenAI-compatible chat-completions endpoints, on the standard library.

Hosted APIs, vLLM, llama.cpp's server and Ollama all speak `POST {base}/chat/completions`.
The client adds what a benchmark run needs: a total deadline per request (not a timeout per
read, which a server sending a byte a second defeats), bounded retries with exponential backoff
on 429, 5xx, timeouts and cut-off bodies (honouring `Retry-After`), a limit on concurrent
requests and on the response size, cancellation that stops every request in flight at once
(Ctrl-C), and a distinct error when the server rejects structured output so the caller can
fall back. It is written on `http.client` because the socket of each request must be reachable
to enforce the deadline and to cancel.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import random
import socket
import threading
import time
import urllib.parse
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


MAX_RESPONSE_BYTES = 16 * 1024 * 1024
"""Largest response body read; a server sending more is refused (one line), not buffered."""


class Cancelled(KeyboardInterrupt):
    """The run was interrupted (Ctrl-C): no request starts after it."""


class _Retry(Exception):
    """A failure worth another attempt: a 429 or 5xx, a timeout, a body cut off."""

    def __init__(self, detail: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(detail)
        self.detail, self.status, self.retry_after = detail, status, retry_after


class ChatClient:
    """Sends chat-completion requests to one endpoint: a total deadline per attempt (`timeout`
    seconds from connecting to the last byte, however slowly the server sends), bounded retries
    with backoff on 429, 5xx, timeouts and cut-off bodies, a concurrency limit, and `cancel()`,
    which stops every attempt in flight and refuses new ones (what Ctrl-C calls)."""

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
        sleep: Callable[[float], None] | None = None,
    ):
        self.url = endpoint_url(base_url)
        parts = urllib.parse.urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise KhabarError(f"expected an http(s) URL, got {base_url!r}", field="base_url")
        self._parts = parts
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
        self.cancelled = threading.Event()
        self._open: set = set()

    def cancel(self) -> None:
        """Stop now: shut every socket in flight; no request is sent after this."""
        self.cancelled.set()
        with self._lock:
            socks = list(self._open)
        for sock in socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

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

    def _wait(self, seconds: float) -> None:
        if self._sleep is not None:
            self._sleep(seconds)
        elif self.cancelled.wait(seconds):
            raise Cancelled()

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
        `response_format`, `Cancelled` after `cancel()`, and `KhabarError` (one line) for every
        other failure."""
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
            if self.cancelled.is_set():
                raise Cancelled()
            with self._lock:
                self.requests += 1
            try:
                status, headers, payload = self._attempt(data)
            except _Retry as r:
                failure = r
            else:
                if status < 300:
                    return _parse_response(payload, self.url)
                detail = _error_detail(payload, status)
                if structured and status in (400, 422):
                    raise StructuredOutputRejected(detail) from None
                if status in (401, 403):
                    raise KhabarError(f"{self.url}: HTTP {status} (check the API key: --api-key, or "
                                      f"KHABAR_LLM_API_KEY / OPENAI_API_KEY): {detail}")
                if status not in RETRY_STATUSES:
                    raise KhabarError(f"{self.url}: HTTP {status}: {detail}")
                failure = _Retry(detail, status, retry_after_seconds(headers.get("Retry-After")))
            if self.cancelled.is_set():
                raise Cancelled()
            if attempt >= self.max_retries:
                what = f"HTTP {failure.status}" if failure.status else "no complete response"
                raise KhabarError(f"{self.url}: {what} after {attempt + 1} attempt(s): {failure.detail}")
            with self._lock:
                self.retries += 1
            self._wait(self._delay(attempt, failure.retry_after))
            attempt += 1

    def _attempt(self, data: bytes) -> tuple[int, dict, bytes]:
        """One request within the deadline: (status, headers, body), or `_Retry`."""
        deadline = time.monotonic() + self.timeout

        def left() -> float:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout("deadline")
            return remaining

        p = self._parts
        cls = http.client.HTTPSConnection if p.scheme == "https" else http.client.HTTPConnection
        conn = cls(p.hostname, p.port, timeout=self.timeout)
        sock = None
        try:
            if self.cancelled.is_set():
                raise Cancelled()
            conn.connect()
            sock = conn.sock  # kept: http.client drops conn.sock once the response owns it
            with self._lock:
                self._open.add(sock)
            if self.cancelled.is_set():
                raise Cancelled()
            sock.settimeout(left())
            path = p.path + (f"?{p.query}" if p.query else "")
            conn.request("POST", path or "/", body=data, headers=self._headers())
            sock.settimeout(left())
            resp = conn.getresponse()
            chunks, size = [], 0
            while True:
                sock.settimeout(left())
                chunk = resp.read1(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise KhabarError(f"{self.url}: response larger than {MAX_RESPONSE_BYTES} bytes")
                chunks.append(chunk)
            if resp.length:  # read1 meets an early close with b"", not IncompleteRead
                raise http.client.IncompleteRead(b"".join(chunks), resp.length)
            return resp.status, dict(resp.getheaders()), b"".join(chunks)
        except (socket.timeout, TimeoutError):
            if self.cancelled.is_set():
                raise Cancelled() from None
            raise _Retry(f"no complete response within the {self.timeout:g} s deadline") from None
        except (http.client.HTTPException, OSError) as e:
            if self.cancelled.is_set():
                raise Cancelled() from None
            raise _Retry(f"{type(e).__name__}: {e}" if str(e) else type(e).__name__) from None
        finally:
            with self._lock:
                self._open.discard(sock)
            conn.close()


def _error_detail(payload: bytes, status: int) -> str:
    """The server's error message from a JSON error body, else the body itself, on one line."""
    body = payload[:4096].decode("utf-8", "replace")
    try:
        err = json.loads(body).get("error")
        body = err.get("message", body) if isinstance(err, dict) else (err or body)
    except (ValueError, AttributeError):
        pass
    return " ".join(str(body).split())[:200] or f"status {status}"


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
    usage = raw.get("usage") if isinstance(raw.get("usage"), dict) else {}
    return ChatResult(
        text=text if isinstance(text, str) else "",
        prompt_tokens=usage.get("prompt_tokens"),
        completion_tokens=usage.get("completion_tokens"),
        finish_reason=choice.get("finish_reason") if isinstance(choice.get("finish_reason"), str) else None,
        raw=raw,
    )
