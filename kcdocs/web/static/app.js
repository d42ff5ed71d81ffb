/* kcdocs web pages: drag and drop, progress polling, no double submits. No network beyond this server. */
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }

  function setupDrop(zone) {
    var input = zone.querySelector("input[type=file]");
    var text = zone.querySelector(".drop-text");
    function show() {
      if (!input.files || !input.files.length) return;
      var names = [];
      for (var i = 0; i < input.files.length; i++) names.push(input.files[i].name);
      text.textContent = "已选择：" + names.join("、");
    }
    ["dragenter", "dragover"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (ev) {
      zone.addEventListener(ev, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(); }
    });
    input.addEventListener("change", show);
  }

  function poll(el) {
    var url = el.getAttribute("data-poll");
    var bar = el.querySelector("progress");
    var label = el.querySelector(".progress-text");
    var runId = el.closest("[data-run]").getAttribute("data-run");
    function tick() {
      fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
        var run = null;
        for (var i = 0; i < s.runs.length; i++) if (s.runs[i].id === runId) run = s.runs[i];
        if (!run) return;
        if (run.state === "done" || run.state === "failed") { window.location.reload(); return; }
        if (run.total) {
          bar.max = run.total; bar.value = run.done;
          label.textContent = "正在处理：已完成 " + run.done + " / " + run.total + "（" + run.seconds + " 秒）……";
        } else {
          label.textContent = "正在处理（" + run.seconds + " 秒）……页面会自动刷新，可以先做别的事。";
        }
        setTimeout(tick, 700);
      }).catch(function () { setTimeout(tick, 2000); });
    }
    setTimeout(tick, 400);
  }

  /* A week or month typed in any accepted form, read back by the server as the report will read it. */
  function setupPeriod(input) {
    var out = document.getElementById(input.getAttribute("data-period-out"));
    var url = input.getAttribute("data-period");
    var yearFrom = document.getElementById(input.getAttribute("data-year-from") || "");
    var timer = null, asked = 0;
    function show(text, cls) { out.textContent = text; out.className = "period-out " + cls; }
    function ask() {
      var text = input.value.trim();
      if (!text) { show(input.getAttribute("data-empty") || "", "muted"); return; }
      var q = url + (url.indexOf("?") < 0 ? "?" : "&") + "text=" + encodeURIComponent(text);
      if (yearFrom && yearFrom.value) q += "&year=" + encodeURIComponent(yearFrom.value.slice(0, 4));
      var n = ++asked;
      fetch(q, { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
        if (n !== asked) return;  // an older answer after a newer question
        if (s.ok) show(s.label + "，报送截止 " + s.due_text, "ok");
        else show(s.error + (s.hint ? " " + s.hint : ""), "err");
      }).catch(function () { show("", "muted"); });
    }
    var radio = document.getElementById(input.getAttribute("data-selects") || "");
    input.addEventListener("input", function () {
      if (radio) radio.checked = true;
      clearTimeout(timer); timer = setTimeout(ask, 250);
    });
    if (yearFrom) yearFrom.addEventListener("change", ask);
    ask();
  }

  ready(function () {
    document.querySelectorAll("[data-drop]").forEach(setupDrop);
    document.querySelectorAll("[data-period]").forEach(setupPeriod);
    document.querySelectorAll("[data-poll]").forEach(poll);
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        var button = e.submitter || form.querySelector("button[type=submit]");
        var all = form.querySelectorAll("button[type=submit]");
        setTimeout(function () {
          for (var i = 0; i < all.length; i++) all[i].disabled = true;
          if (button) button.textContent = "正在处理，请稍候……";
        }, 0);
      });
    });
    document.querySelectorAll("[data-check-all], [data-check-none]").forEach(function (a) {
      a.addEventListener("click", function (e) {
        e.preventDefault();
        var name = a.getAttribute("data-check-all") || a.getAttribute("data-check-none");
        var on = a.hasAttribute("data-check-all");
        var form = a.closest("form") || document;
        form.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (box) { box.checked = on; });
      });
    });
    document.querySelectorAll("[data-fill]").forEach(function (a) {
      a.addEventListener("click", function (e) {
        e.preventDefault();
        var target = document.getElementById(a.getAttribute("data-fill"));
        if (target) target.value = a.getAttribute("data-value");
      });
    });
  });
})();
