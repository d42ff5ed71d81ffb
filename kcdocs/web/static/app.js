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

  ready(function () {
    document.querySelectorAll("[data-drop]").forEach(setupDrop);
    document.querySelectorAll("[data-poll]").forEach(poll);
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        if (button) { setTimeout(function () { button.disabled = true; button.textContent = "正在处理，请稍候……"; }, 0); }
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
