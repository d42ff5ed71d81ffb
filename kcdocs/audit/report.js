(function () {
  var table = document.getElementById("cases"), body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var q = document.getElementById("q"), fs = document.getElementById("f-state"),
      fd = document.getElementById("f-district"), fp = document.getElementById("f-disp"),
      count = document.getElementById("count");
  function apply() {
    var text = q.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (r) {
      var ok = (!text || r.getAttribute("data-text").toLowerCase().indexOf(text) >= 0) &&
               (!fs.value || r.getAttribute("data-state") === fs.value) &&
               (!fd.value || r.getAttribute("data-district") === fd.value) &&
               (!fp.value || r.getAttribute("data-disp") === fp.value);
      r.style.display = ok ? "" : "none"; if (ok) shown++;
    });
    count.textContent = "显示 " + shown + " / " + rows.length + " 个案例";
  }
  [q, fs, fd, fp].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });
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
  apply();
})();
