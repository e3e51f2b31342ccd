// staffing report: language switch and client-side searchable, sortable tables. No network.
"use strict";
(function () {
  var tables = [];
  function lang() { return document.documentElement.lang === "en" ? "en" : "zh"; }
  function text(cell) {
    if (cell === null || cell === undefined) return "";
    if (typeof cell === "object") return cell[lang()] || "";
    return String(cell);
  }
  function haystack(row) {
    return row.map(function (c) {
      return (c && typeof c === "object") ? (c.zh || "") + " " + (c.en || "") : String(c === null ? "" : c);
    }).join(" ").toLowerCase();
  }
  function tableData(root) {
    var element = document.getElementById(root.dataset.source);
    if (element.type !== "application/gzip+base64") {
      return Promise.resolve(JSON.parse(element.textContent));
    }
    var binary = atob(element.textContent.trim());
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }
  function DataTable(root, source) {
    var self = { root: root, columns: source.columns, rows: source.rows, query: "",
                 sortKey: -1, dir: 1, limit: source.page || 300, page: source.page || 300 };
    self.keys = self.rows.map(haystack);
    var tools = document.createElement("div");
    tools.className = "tools";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "search";
    var count = document.createElement("span");
    count.className = "count muted";
    tools.appendChild(input);
    tools.appendChild(count);
    var table = document.createElement("table");
    var thead = table.createTHead();
    var tbody = table.createTBody();
    var more = document.createElement("button");
    more.className = "more";
    root.appendChild(tools);
    root.appendChild(table);
    root.appendChild(more);
    input.addEventListener("input", function () {
      self.query = input.value.trim().toLowerCase(); self.limit = self.page; render();
    });
    more.addEventListener("click", function () { self.limit += self.page; render(); });
    function visible() {
      var words = self.query ? self.query.split(/\s+/) : [];
      var out = [];
      for (var i = 0; i < self.rows.length; i++) {
        var key = self.keys[i], ok = true;
        for (var w = 0; w < words.length; w++) { if (key.indexOf(words[w]) < 0) { ok = false; break; } }
        if (ok) out.push(self.rows[i]);
      }
      if (self.sortKey >= 0) {
        var k = self.sortKey, numeric = self.columns[k].type === "num", dir = self.dir;
        out.sort(function (a, b) {
          var x = a[k], y = b[k];
          if (numeric) {
            var nx = (x === "" || x === null) ? Infinity : Number(x);
            var ny = (y === "" || y === null) ? Infinity : Number(y);
            return dir * (nx - ny);
          }
          return dir * text(x).localeCompare(text(y), lang() === "zh" ? "zh-CN" : "en");
        });
      }
      return out;
    }
    function render() {
      input.placeholder = lang() === "zh" ? "搜索（工号、姓名、岗位、原因……）" : "Search (id, name, post, reason…)";
      thead.innerHTML = "";
      var head = thead.insertRow();
      self.columns.forEach(function (col, k) {
        var th = document.createElement("th");
        th.textContent = text(col.label);
        if (col.type === "num") th.className = "num";
        if (k === self.sortKey) th.setAttribute("aria-sort", self.dir > 0 ? "ascending" : "descending");
        th.addEventListener("click", function () {
          if (self.sortKey === k) { self.dir = -self.dir; } else { self.sortKey = k; self.dir = 1; }
          render();
        });
        head.appendChild(th);
      });
      var rows = visible();
      var shown = rows.slice(0, self.limit);
      var body = document.createDocumentFragment();
      shown.forEach(function (row) {
        var tr = document.createElement("tr");
        row.forEach(function (cell, k) {
          var td = document.createElement("td");
          var type = self.columns[k].type;
          if (type) td.className = type;
          td.textContent = text(cell);
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
      tbody.innerHTML = "";
      tbody.appendChild(body);
      count.textContent = lang() === "zh"
        ? "显示 " + shown.length + " / " + rows.length + " 行（共 " + self.rows.length + " 行）"
        : "showing " + shown.length + " of " + rows.length + " rows (" + self.rows.length + " in all)";
      more.hidden = shown.length >= rows.length;
      more.textContent = lang() === "zh" ? "显示更多" : "show more";
    }
    self.render = render;
    render();
    return self;
  }
  function setLang(l) {
    document.documentElement.lang = l;
    var button = document.getElementById("lang-switch");
    if (button) button.textContent = l === "zh" ? "English" : "中文";
    document.title = document.documentElement.dataset["title" + (l === "zh" ? "Zh" : "En")] || document.title;
    tables.forEach(function (t) { t.render(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var hash = (location.hash || "").replace("#", "");
    var initial = hash === "en" || hash === "zh" ? hash : lang();
    var button = document.getElementById("lang-switch");
    if (button) button.addEventListener("click", function () { setLang(lang() === "zh" ? "en" : "zh"); });
    setLang(initial);
    var roots = Array.prototype.slice.call(document.querySelectorAll(".datatable"));
    Promise.all(roots.map(function (root) {
      return tableData(root).then(function (source) { tables.push(DataTable(root, source)); });
    })).then(function () {
      if (window.performance && performance.mark) performance.mark("report-ready");
      document.body.dataset.ready = "1";
    });
  });
})();
