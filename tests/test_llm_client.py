"""The chat client against a misbehaving server on 127.0.0.1: a total deadline per request,
bounded retries on cut-off bodies, a response-size limit, cancellation, and Ctrl-C on `khabar run`.

The server is a raw socket loop, so it can do what a real server should not: send a byte a
second, close in the middle of a body, or never answer.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from khabar.baselines.llm import client as client_mod
from khabar.baselines.llm.client import Cancelled, ChatClient
from khabar.errors import KhabarError

OK_BODY = json.dumps({"choices": [{"message": {"content": "{\"entities\": []}"}, "finish_reason": "stop"}]}).encode()


class RawServer:
    """Accepts connections on 127.0.0.1; `behave(n, conn)` answers the n-th (from 1) however it likes."""

    def __init__(self, behave):
        self.behave = behave
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"
        self.times: list[float] = []  # when each request arrived
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.times.append(time.monotonic())
            threading.Thread(target=self._serve, args=(len(self.times), conn), daemon=True).start()

    def _serve(self, n, conn):
        with conn:
            _read_request(conn)
            try:
                self.behave(n, conn, self.stop)
            except OSError:
                pass

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


def _read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), 0)
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return
        rest += chunk


def _ok(conn, body=OK_BODY):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)


def _trickle(conn, stop):
    """Headers at once, then the body a byte a second: each read is quick, the whole is not."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(OK_BODY))
    for b in OK_BODY:
        if stop.wait(1.0):
            return
        conn.sendall(bytes([b]))


def _cut_off(conn):
    """A body that promises more than it sends, then the connection closes."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (len(OK_BODY) + 50) + OK_BODY[:20])


def _silent(conn, stop):
    stop.wait(30)


def chat(c: ChatClient):
    return c.chat([{"role": "user", "content": "x"}])


def test_deadline_is_total_not_per_read():
    """A server sending a byte a second defeats a per-read timeout; the deadline holds."""
    with RawServer(lambda n, conn, stop: _trickle(conn, stop)) as srv:
        c = ChatClient(srv.url, "m", timeout=1.5, max_retries=1, backoff=0.0)
        t0 = time.monotonic()
        with pytest.raises(KhabarError, match=r"no complete response after 2 attempt\(s\).*1.5 s deadline"):
            chat(c)
        took = time.monotonic() - t0
    assert took < 2 * 1.5 + 1.5, took  # two attempts of 1.5 s, not the ~100 s the body would take
    assert c.requests == 2 and c.retries == 1


def test_cut_off_body_is_retried_then_succeeds():
    with RawServer(lambda n, conn, stop: _cut_off(conn) if n == 1 else _ok(conn)) as srv:
        c = ChatClient(srv.url, "m", timeout=5, max_retries=2, backoff=0.0)
        assert chat(c).text == '{"entities": []}'
    assert c.requests == 2 and c.retries == 1


def test_every_body_cut_off_is_one_line_after_bounded_retries():
    with RawServer(lambda n, conn, stop: _cut_off(conn)) as srv:
        c = ChatClient(srv.url, "m", timeout=5, max_retries=2, backoff=0.0)
        with pytest.raises(KhabarError) as e:
            chat(c)
    assert "after 3 attempt(s)" in str(e.value) and "IncompleteRead" in str(e.value) and "\n" not in str(e.value)
    assert c.requests == 3


def test_response_size_is_bounded(monkeypatch):
    monkeypatch.setattr(client_mod, "MAX_RESPONSE_BYTES", 1000)
    big = json.dumps({"choices": [{"message": {"content": "x" * 5000}}]}).encode()
    with RawServer(lambda n, conn, stop: _ok(conn, big)) as srv:
        c = ChatClient(srv.url, "m", timeout=5, max_retries=0)
        with pytest.raises(KhabarError, match="response larger than 1000 bytes"):
            chat(c)


def test_cancel_stops_requests_in_flight_and_refuses_new_ones():
    with RawServer(lambda n, conn, stop: _silent(conn, stop)) as srv:
        c = ChatClient(srv.url, "m", timeout=30, max_retries=5)
        threading.Timer(0.5, c.cancel).start()
        t0 = time.monotonic()
        with pytest.raises(Cancelled):
            chat(c)
        took = time.monotonic() - t0
        with pytest.raises(Cancelled):
            chat(c)
        time.sleep(0.2)
        assert len(srv.times) == 1  # nothing sent after cancel
    assert took < 2.0, took


def test_cancel_interrupts_a_backoff_wait():
    with RawServer(lambda n, conn, stop: conn.sendall(b"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n")) as srv:
        c = ChatClient(srv.url, "m", timeout=5, max_retries=5, backoff=20.0)
        threading.Timer(0.5, c.cancel).start()
        t0 = time.monotonic()
        with pytest.raises(Cancelled):
            chat(c)
        assert time.monotonic() - t0 < 2.0
        assert len(srv.times) == 1


def test_not_an_http_url_is_one_line():
    with pytest.raises(KhabarError, match="expected an http"):
        ChatClient("ftp://example/v1", "m")


def test_ctrl_c_on_run_exits_130_with_one_line_and_sends_nothing_after(tmp_path):
    """`khabar run llm` against a server that never answers: SIGINT stops it at once, exit 130,
    one line on stderr, and no request reaches the server after the signal."""
    with RawServer(lambda n, conn, stop: _silent(conn, stop)) as srv:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KHABAR_LLM", "OPENAI"))}
        env["KHABAR_CACHE"] = str(tmp_path / "cache")
        proc = subprocess.Popen(
            [sys.executable, "-m", "khabar", "run", "llm", "-o", str(tmp_path / "p.jsonl"), "--model", "m",
             "--base-url", srv.url, "--opt", "max_concurrency=2", "--opt", "timeout=60", "--opt", "unit=paragraph"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        deadline = time.monotonic() + 30
        while len(srv.times) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(srv.times) == 2, "the run never reached the server"
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
        took = time.monotonic() - sent
        time.sleep(0.3)
        after = [t for t in srv.times if t > sent]
    assert proc.returncode == 130, (proc.returncode, err)
    assert err.strip().splitlines() == ["error: interrupted"], err
    assert "Traceback" not in err and after == []
    assert took < 5.0, took
    assert not (tmp_path / "p.jsonl").exists()
