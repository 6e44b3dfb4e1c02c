document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  var key = function (text) {
    var t = text.trim(), n = t.replace(/\./g, "").replace(",", ".");
    return /^-?\d+(\.\d+)?$/.test(n) ? [0, parseFloat(n)] : [1, t.toLowerCase()];
  };
  each(document.querySelectorAll("table[data-search]"), function (table) {
    var body = table.tBodies[0];
    if (!body || !table.tHead) { return; }
    var heads = table.tHead.rows[0].cells, width = heads.length, filters = [];
    var person = function (tr) { return tr.cells.length === width; };
    var bar = document.createElement("div");
    bar.className = "tools noprint";
    var search = document.createElement("input");
    search.type = "search";
    search.placeholder = table.getAttribute("data-search") || "";
    bar.appendChild(search);
    each(heads, function (th, i) {
      if (!th.hasAttribute("data-filter")) { return; }
      var seen = {};
      each(body.rows, function (tr) { if (person(tr)) { seen[tr.cells[i].textContent] = true; } });
      var select = document.createElement("select");
      select.appendChild(new Option(th.textContent + ": " + (table.getAttribute("data-all") || ""), ""));
      Object.keys(seen).sort().forEach(function (v) { select.appendChild(new Option(v, v)); });
      select.setAttribute("data-col", i);
      bar.appendChild(select);
      filters.push(select);
    });
    table.parentNode.insertBefore(bar, table);
    var apply = function () {
      var q = search.value.toLowerCase();
      each(body.rows, function (tr) {
        if (!person(tr)) { return; }
        var show = !q || tr.textContent.toLowerCase().indexOf(q) >= 0;
        filters.forEach(function (s) {
          if (s.value && tr.cells[+s.getAttribute("data-col")].textContent !== s.value) { show = false; }
        });
        tr.hidden = !show;
      });
    };
    search.addEventListener("input", apply);
    filters.forEach(function (s) { s.addEventListener("change", apply); });
    each(heads, function (th, i) {
      th.classList.add("sortable");
      th.addEventListener("click", function () {
        var up = th.getAttribute("data-dir") !== "asc";
        each(heads, function (h) { h.removeAttribute("data-dir"); });
        th.setAttribute("data-dir", up ? "asc" : "desc");
        var rows = Array.prototype.filter.call(body.rows, person);
        each(Array.prototype.slice.call(body.rows), function (tr) { if (!person(tr)) { tr.hidden = true; } });
        rows.sort(function (a, b) {
          var x = key(a.cells[i].textContent), y = key(b.cells[i].textContent);
          var c = x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0);
          return up ? c : -c;
        });
        rows.forEach(function (tr) { body.appendChild(tr); });
      });
    });
  });
});
