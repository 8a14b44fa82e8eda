/* khabar report: tabs per system and task, a side-by-side view, and the details panel.
   The page is complete without this script (everything is shown); it only adds navigation. */
(function () {
  "use strict";
  var body = document.body;
  body.classList.add("js");
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.system"));
  var sysButtons = Array.prototype.slice.call(document.querySelectorAll("nav.bar button[data-show-system]"));
  var taskButtons = Array.prototype.slice.call(document.querySelectorAll("nav.bar button[data-show-task]"));
  var cmpButton = document.querySelector("nav.bar button[data-compare]");
  var selA = document.getElementById("cmp-a"), selB = document.getElementById("cmp-b");

  function press(buttons, pressed) {
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", b === pressed ? "true" : "false"); });
  }
  function showSystem(name) {
    body.classList.remove("compare");
    if (cmpButton) cmpButton.setAttribute("aria-pressed", "false");
    sections.forEach(function (s) { s.classList.toggle("active", s.getAttribute("data-system") === name); });
    press(sysButtons, sysButtons.filter(function (b) { return b.getAttribute("data-show-system") === name; })[0]);
  }
  function showPair() {
    body.classList.add("compare");
    press(sysButtons, null);
    if (cmpButton) cmpButton.setAttribute("aria-pressed", "true");
    var a = selA ? selA.value : "", b = selB ? selB.value : "";
    sections.forEach(function (s) {
      var n = s.getAttribute("data-system");
      if (n === a) s.setAttribute("data-slot", "a");
      else if (n === b) s.setAttribute("data-slot", "b");
      else s.removeAttribute("data-slot");
    });
  }
  function showTask(task) {
    body.setAttribute("data-task", task);
    press(taskButtons, taskButtons.filter(function (b) { return b.getAttribute("data-show-task") === task; })[0]);
  }
  sysButtons.forEach(function (b) { b.addEventListener("click", function () { showSystem(b.getAttribute("data-show-system")); }); });
  taskButtons.forEach(function (b) { b.addEventListener("click", function () { showTask(b.getAttribute("data-show-task")); }); });
  if (cmpButton) cmpButton.addEventListener("click", showPair);
  [selA, selB].forEach(function (s) { if (s) s.addEventListener("change", showPair); });
  /* the view is also read from the address: #task=quotes&system=NAME or #task=ner&compare=A,B */
  var want = {};
  location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
    var i = kv.indexOf("=");
    if (i > 0) want[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1));
  });
  var names = sections.map(function (s) { return s.getAttribute("data-system"); });
  if (want.compare && selA && selB) {
    var ab = want.compare.split(",");
    if (names.indexOf(ab[0]) >= 0) selA.value = ab[0];
    if (names.indexOf(ab[1]) >= 0) selB.value = ab[1];
    showPair();
  } else if (sections.length) {
    showSystem(names.indexOf(want.system) >= 0 ? want.system : names[0]);
  }
  var tasks = taskButtons.map(function (b) { return b.getAttribute("data-show-task"); });
  showTask(tasks.indexOf(want.task) >= 0 ? want.task : (tasks[0] || "ner"));

  /* linking: every element sharing a data-link key (an item, its counterpart, a quote's cue
     and source) lights up together. The index is built once, in one pass. */
  var groups = {};
  Array.prototype.forEach.call(document.querySelectorAll("[data-link]"), function (el) {
    el.getAttribute("data-link").split(" ").forEach(function (k) {
      if (k) (groups[k] = groups[k] || []).push(el);
    });
  });
  var lit = [];
  function light(el, cls) {
    lit.forEach(function (e) { e.classList.remove("linked"); });
    lit = [];
    if (!el) return;
    (el.getAttribute("data-link") || "").split(" ").forEach(function (k) {
      (groups[k] || []).forEach(function (e) { e.classList.add(cls); lit.push(e); });
    });
  }

  var panel = document.getElementById("details"), pinned = null;
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }
  function cell(v) {
    if (v === null || v === undefined || v === "") return "<td>—</td>";
    var s = String(v);
    var ar = /[\u0600-\u06FF]/.test(s);
    return ar ? '<td lang="ar" dir="rtl">' + esc(s) + "</td>" : "<td>" + esc(s) + "</td>";
  }
  function render(el) {
    var d;
    try { d = JSON.parse(el.getAttribute("data-d") || "{}"); } catch (e) { return; }
    var g = d.gold || {}, p = d.pred || {};
    var keys = [];
    Object.keys(g).concat(Object.keys(p)).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); });
    var html = '<button class="close" type="button" aria-label="close">×</button>' +
      "<strong>" + esc(d.title || "") + "</strong> <span class=\"hint\">" + esc(d.system || "") + " · " + esc(d.task || "") +
      (d.mode ? " · " + esc(d.mode) : "") + "</span>";
    if (d.note) html += "<p>" + esc(d.note) + "</p>";
    html += "<table><tr><th></th><th>gold</th><th>predicted</th></tr>";
    keys.forEach(function (k) { html += "<tr><th>" + esc(k) + "</th>" + cell(g[k]) + cell(p[k]) + "</tr>"; });
    html += "</table>";
    panel.innerHTML = html;
    panel.hidden = false;
  }
  function target(ev) {
    var t = ev.target;
    var el = t && t.closest ? t.closest(".hl, .role") : null;
    /* a piece of an item broken by a crossing neighbour stands for its head element */
    if (el && el.hasAttribute("data-head")) el = document.getElementById(el.getAttribute("data-head")) || el;
    return el && el.hasAttribute("data-d") ? el : null;
  }
  document.addEventListener("mouseover", function (ev) {
    var el = target(ev);
    if (!el || pinned) return;
    light(el, "linked");
    render(el);
  });
  document.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest("#details .close")) {
      if (pinned) pinned.classList.remove("pinned");
      pinned = null; light(null); panel.hidden = true; return;
    }
    var el = target(ev);
    if (!el) return;
    if (pinned) pinned.classList.remove("pinned");
    pinned = el; el.classList.add("pinned");
    light(el, "linked");
    render(el);
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { if (pinned) pinned.classList.remove("pinned"); pinned = null; light(null); panel.hidden = true; }
  });
})();
