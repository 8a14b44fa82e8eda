"""The report in a real browser: Debian's headless Chromium, driven over the DevTools protocol.

The page is opened with the flags CI uses (--headless --no-sandbox --disable-gpu
--disable-background-networking ...), its scripts run, and the DOM is asked: are the counts of
highlighted TP, FP and FN items the scorer's counts, is the page right to left, is the Arabic
drawn with a shaping font, do hover details, tabs and the side-by-side view work, and does a page
of five systems and a thousand names load. Screenshots go to $KHABAR_SCREENSHOTS (default: a
temporary folder, printed). Skipped when no Chromium is installed.

The DevTools client talks to Chromium over `--remote-debugging-pipe` (fd 3 in, fd 4 out,
NUL-separated JSON), so it needs nothing beyond the standard library.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from khabar.report import render_report
from khabar.scoring import score

from test_report import N_BOOT, gold_total, noisy_predictions, synthetic

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (apt-get install -y chromium)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
AR_FONTS = {"Noto Naskh Arabic", "Amiri", "Scheherazade New", "Noto Sans Arabic", "DejaVu Sans"}


class Browser:
    """A headless Chromium with one page, driven over the DevTools protocol on a pipe."""

    def __init__(self, width: int = 1400, height: int = 1000, timeout: float = 60):
        self.profile = tempfile.mkdtemp(prefix="khabar-chromium-")
        self.timeout = timeout
        cmd_r, cmd_w = os.pipe()
        res_r, res_w = os.pipe()

        def child() -> None:  # the protocol's fds are 3 (commands) and 4 (responses)
            a = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(res_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.closerange(5, 4096)

        self.proc = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe",
             f"--window-size={width},{height}", "about:blank"],
            preexec_fn=child, close_fds=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(cmd_r)
        os.close(res_w)
        self.w, self.r = cmd_w, res_r
        self.buf = b""
        self.n = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Runtime.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=True)

    def call(self, method: str, params: dict | None = None, session: bool = False) -> dict:
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read()
            if m.get("id") == self.n:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def _read(self) -> dict:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer")
            if select.select([self.r], [], [], left)[0]:
                chunk = os.read(self.r, 1 << 16)
                if not chunk:
                    raise EOFError("chromium closed the DevTools pipe")
                self.buf += chunk
        raw, _, self.buf = self.buf.partition(b"\0")
        return json.loads(raw)

    def wait(self, method: str) -> dict:
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        while True:
            m = self._read()
            if m.get("method") == method:
                return m
            self.events.append(m)

    def open(self, path: Path, fragment: str = "") -> None:
        """Load `path` afresh (a new query each time, so a changed #fragment is a new load too)."""
        self.events.clear()
        url = f"{path.resolve().as_uri()}?load={self.n}{fragment}"
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait("Page.loadEventFired")

    def js(self, expression: str):
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                           "awaitPromise": True}, session=True)
        if "exceptionDetails" in r:
            raise RuntimeError(r["exceptionDetails"])
        return r["result"].get("value")

    def errors(self) -> list[dict]:
        return [e for e in self.events if e.get("method") == "Runtime.exceptionThrown"]

    def mouse(self, kind: str, x: float, y: float) -> None:
        params = {"type": kind, "x": x, "y": y, "button": "left" if kind != "mouseMoved" else "none",
                  "clickCount": 1 if kind != "mouseMoved" else 0}
        self.call("Input.dispatchMouseEvent", params, session=True)

    def screenshot(self, path: Path, full: bool = False) -> Path:
        params: dict = {"format": "png"}
        if full:
            params["captureBeyondViewport"] = True
            h = self.js("document.documentElement.scrollHeight")
            w = self.js("document.documentElement.scrollWidth")
            params["clip"] = {"x": 0, "y": 0, "width": w, "height": min(h, 6000), "scale": 1}
        data = self.call("Page.captureScreenshot", params, session=True)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.w)
        os.close(self.r)
        shutil.rmtree(self.profile, ignore_errors=True)


COUNTS_JS = """(() => {
  const out = {};
  for (const s of document.querySelectorAll('section.system')) {
    const t = out[s.dataset.system] = {};
    for (const d of s.querySelectorAll('div.task')) {
      const c = t[d.dataset.task] = {};
      for (const o of ['TP', 'FP', 'FN']) c[o] = d.querySelectorAll('[data-outcome="' + o + '"]').length;
    }
  }
  return out;
})()"""


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    d = Path(os.environ.get("KHABAR_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    d.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {d}")
    return d


@pytest.fixture(scope="module")
def systems(gold):
    from khabar.baselines import get_system

    return {"noisy": noisy_predictions(gold), "oracle": get_system("oracle").predict(gold.documents),
            "empty": get_system("empty").predict(gold.documents)}


@pytest.fixture(scope="module")
def reports(gold, systems):
    return {n: score(gold, p, n_boot=N_BOOT) for n, p in systems.items()}


@pytest.fixture(scope="module")
def report_file(tmp_path_factory, gold, systems, reports):
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report(systems, gold, reports=reports), encoding="utf-8")
    return path


def test_dom_counts_equal_the_scorers_counts(browser, report_file, reports, gold, shots):
    browser.open(report_file)
    assert browser.js("document.body.classList.contains('js')"), "the page's script did not run"
    assert browser.errors() == []
    counts = browser.js(COUNTS_JS)
    for name, rep in reports.items():
        for task in rep.tasks:
            m = rep.headline(task)
            assert counts[name][task] == {"TP": m.tp, "FP": m.fp, "FN": m.fn}, (name, task)
    # the oracle has no FP or FN highlight; the empty system marks every gold item as missed
    for task in ("ner", "quotes", "numbers"):
        assert counts["oracle"][task] == {"TP": gold_total(gold, task), "FP": 0, "FN": 0}
        assert counts["empty"][task] == {"TP": 0, "FP": 0, "FN": gold_total(gold, task)}
    browser.screenshot(shots / "report_top.png")


def test_page_is_right_to_left_with_shaped_arabic(browser, report_file):
    browser.open(report_file)
    assert browser.js("document.documentElement.dir") == "rtl"
    assert browser.js("document.documentElement.lang") == "ar"
    assert browser.js("getComputedStyle(document.body).direction") == "rtl"
    assert browser.js("getComputedStyle(document.querySelector('article.doc')).direction") == "rtl"
    # the article's text is drawn with a font of the page's Arabic list
    doc = browser.call("DOM.getDocument", {"depth": 0}, session=True)["root"]["nodeId"]
    node = browser.call("DOM.querySelector", {"nodeId": doc, "selector": "section.system.active article.doc"},
                        session=True)["nodeId"]
    browser.call("CSS.enable", session=True)
    fonts = browser.call("CSS.getPlatformFontsForNode", {"nodeId": node}, session=True)["fonts"]
    used = max(fonts, key=lambda f: f["glyphCount"])["familyName"]
    assert used in AR_FONTS, fonts
    # shaping: letters joined in a word take other glyphs (another width) than the same letters
    # kept apart by zero-width non-joiners
    widths = browser.js("""(() => {
      const a = document.querySelector('section.system.active article.doc');
      const m = (s) => { const e = document.createElement('span'); e.textContent = s; a.appendChild(e);
                         const w = e.getBoundingClientRect().width; e.remove(); return w; };
      return [m('\u0628\u0646\u063a\u0627\u0632\u064a'), m('\u0628\u200c\u0646\u200c\u063a\u200c\u0627\u200c\u0632\u200c\u064a')];
    })()""")
    assert abs(widths[0] - widths[1]) > 1, widths


def test_hover_and_click_show_details_and_the_counterpart(browser, report_file, shots):
    browser.open(report_file, "#task=ner&system=noisy")
    rect = browser.js("""(() => {
      const el = document.querySelector('section.system.active div.task[data-task=ner] [data-outcome=FN][data-kind=wrong_type]');
      el.scrollIntoView({block: 'center'});
      const r = el.getBoundingClientRect();
      return {x: r.left + r.width / 2, y: r.top + r.height / 2, link: el.dataset.link};
    })()""")
    browser.mouse("mouseMoved", rect["x"], rect["y"])
    panel = browser.js("[document.getElementById('details').hidden, document.getElementById('details').innerText]")
    assert panel[0] is False
    assert "wrong type" in panel[1] and "gold" in panel[1] and "predicted" in panel[1]
    # the hovered item and its counterpart (the prediction with the wrong type) light up together
    lit = browser.js("[...document.querySelectorAll('.linked[data-outcome]')].map(e => e.dataset.outcome).sort()")
    assert lit == ["FN", "FP"]
    browser.mouse("mousePressed", rect["x"], rect["y"])
    browser.mouse("mouseReleased", rect["x"], rect["y"])
    assert browser.js("document.querySelectorAll('.pinned').length") == 1
    browser.screenshot(shots / "report_details.png")


def test_quotes_link_cue_and_source(browser, report_file, shots):
    browser.open(report_file, "#task=quotes&system=noisy")
    assert browser.js("getComputedStyle(document.querySelector('section.system.active div.task[data-task=quotes]')).display") == "block"
    assert browser.js("getComputedStyle(document.querySelector('section.system.active div.task[data-task=ner]')).display") == "none"
    rect = browser.js("""(() => {
      const el = document.querySelector('section.system.active [data-outcome=FP][data-kind=wrong_speaker]');
      el.scrollIntoView({block: 'center'});
      const r = el.getClientRects()[0];
      return {x: r.left + r.width / 2, y: r.top + r.height / 2};
    })()""")
    browser.mouse("mouseMoved", rect["x"], rect["y"])
    roles = browser.js("[...document.querySelectorAll('.linked[data-role]')].map(e => e.dataset.role).sort()")
    assert "source" in roles
    assert "speaker" in browser.js("document.getElementById('details').innerText")
    browser.screenshot(shots / "report_quotes.png")


def test_side_by_side_view(browser, report_file, shots):
    browser.open(report_file, "#task=numbers&compare=noisy,oracle")
    boxes = browser.js("""[...document.querySelectorAll('section.system')].map(s => {
      const r = s.getBoundingClientRect(); return [s.dataset.system, r.width > 0, r.left]; })""")
    shown = {name: (visible, left) for name, visible, left in boxes}
    assert shown["noisy"][0] and shown["oracle"][0] and not shown["empty"][0]
    assert shown["noisy"][1] < shown["oracle"][1]  # A on the left, B on the right
    browser.js("document.querySelector('button[data-show-system=empty]').click()")
    assert browser.js("document.querySelector('section.system[data-system=empty]').getBoundingClientRect().width") > 0
    assert browser.js("document.querySelector('section.system[data-system=noisy]').getBoundingClientRect().width") == 0
    browser.open(report_file, "#task=ner&compare=noisy,oracle")
    browser.js("document.querySelector('#systems').scrollIntoView()")
    browser.screenshot(shots / "report_side_by_side.png")


def test_five_systems_and_a_thousand_names(browser, tmp_path, doc, shots):
    gold, preds = synthetic(1000, 5, doc)
    reports = {n: score(gold, p, n_boot=0) for n, p in preds.items()}
    path = tmp_path / "big.html"
    path.write_text(render_report(preds, gold, reports=reports, plots=False), encoding="utf-8")
    browser.open(path, "#system=system5")
    assert browser.errors() == []
    counts = browser.js(COUNTS_JS)
    assert set(counts) == set(preds)
    for name, rep in reports.items():
        for task in rep.tasks:
            m = rep.headline(task)
            assert counts[name][task] == {"TP": m.tp, "FP": m.fp, "FN": m.fn}, (name, task)
    assert browser.js("document.querySelector('section.system.active').dataset.system") == "system5"
    # a hover still answers on the big page
    rect = browser.js("""(() => { const el = document.querySelector('section.system.active [data-outcome=TP]');
      el.scrollIntoView({block: 'center'}); const r = el.getBoundingClientRect();
      return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()""")
    browser.mouse("mouseMoved", rect["x"], rect["y"])
    assert browser.js("document.getElementById('details').hidden") is False
    browser.screenshot(shots / "report_five_systems.png")
