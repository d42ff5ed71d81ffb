(function () {
  var table = document.getElementById("cases"), body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var q = document.getElementById("q"), fs = document.getElementById("f-state"),
      fd = document.getElementById("f-district"), fp = document.getElementById("f-disp"),
      fk = document.getElementById("f-kind"), count = document.getElementById("count"),
      none = document.getElementById("none");
  // The case details and the review rows of a case follow the case list's filter.
  var details = {};
  Array.prototype.forEach.call(document.querySelectorAll("details.case"), function (d) { details[d.id] = d; });
  var reviews = Array.prototype.slice.call(document.querySelectorAll("tr[data-case]")).filter(function (r) {
    return r.parentNode !== body;
  });
  function norm(s) { return s.toLowerCase().replace(/\s+/g, ""); }
  rows.forEach(function (r) { r._text = norm(r.getAttribute("data-text")); });
  function apply() {
    var words = q.value.trim().toLowerCase().split(/\s+/).filter(Boolean).map(norm), shown = 0, visible = {};
    rows.forEach(function (r) {
      var kinds = " " + r.getAttribute("data-kinds") + " ";
      var ok = words.every(function (w) { return r._text.indexOf(w) >= 0; }) &&
               (!fs.value || r.getAttribute("data-state") === fs.value) &&
               (!fd.value || r.getAttribute("data-district") === fd.value) &&
               (!fp.value || r.getAttribute("data-disp") === fp.value) &&
               (!fk.value || kinds.indexOf(" " + fk.value + " ") >= 0);
      r.style.display = ok ? "" : "none"; if (ok) { shown++; visible[r.getAttribute("data-case")] = true; }
    });
    Object.keys(details).forEach(function (id) { details[id].style.display = visible[id] ? "" : "none"; });
    reviews.forEach(function (r) { r.style.display = visible[r.getAttribute("data-case")] ? "" : "none"; });
    count.textContent = "显示 " + shown + " / " + rows.length + " 个案例";
    if (none) none.hidden = shown > 0;
  }
  [q, fs, fd, fp, fk].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    th.addEventListener("click", function () {
      var asc = !th.classList.contains("asc");
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.classList.remove("asc", "desc"); });
      th.classList.add(asc ? "asc" : "desc");
      rows.sort(function (a, b) {
        var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny) && /^\d+$/.test(x + y)) ? nx - ny : x.localeCompare(y, "zh-CN");
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  document.addEventListener("click", function (e) {
    var a = e.target.closest("a[data-open]");
    if (a) { var d = document.getElementById(a.getAttribute("data-open")); if (d) d.open = true; }
  });
  // Printing shows every visible case in full.
  window.addEventListener("beforeprint", function () {
    Object.keys(details).forEach(function (id) { var d = details[id]; d._was = d.open; d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    Object.keys(details).forEach(function (id) { var d = details[id]; d.open = d._was; });
  });
  apply();
})();
