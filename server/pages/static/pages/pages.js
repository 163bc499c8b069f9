// Light JavaScript for the planner pages: sortable tables and photos that open large.
(function () {
  "use strict";
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th").forEach(function (th, col) {
      th.tabIndex = 0;
      th.classList.add("sort");
      function sort() {
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        var numeric = th.dataset.type === "num", up = th.getAttribute("aria-sort") !== "ascending";
        rows.sort(function (a, b) {
          var x = a.cells[col], y = b.cells[col];
          var u = x.dataset.v !== undefined ? x.dataset.v : x.textContent.trim();
          var v = y.dataset.v !== undefined ? y.dataset.v : y.textContent.trim();
          var c = numeric ? parseFloat(u) - parseFloat(v) : u.localeCompare(v, "sv");
          return up ? c : -c;
        });
        table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
    });
  });
  // While newer data are computed the page shows the previous numbers: follow the
  // recompute's progress, and load the page again when it is done.
  var computed = document.querySelector("[data-status-url]");
  if (computed && window.fetch) {
    var bar = computed.querySelector("progress");
    var poll = function () {
      fetch(computed.dataset.statusUrl, {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s) { return; }
          if (!s.running && s.computed_version === s.version) { window.location.reload(); return; }
          if (s.progress !== null && bar) { bar.value = s.progress; }
          window.setTimeout(poll, 2000);
        });
    };
    window.setTimeout(poll, 1000);
  }
  // The plan's equity frontier is made on the task queue: ask for it until it is ready
  // (or failed), then put the page's new frontier section in place of the note, leaving
  // the rest of the page (a half-typed plan name, a download) alone.
  var frontier = document.querySelector("[data-frontier-url]");
  if (frontier && window.fetch && window.DOMParser) {
    var swap = function () {
      fetch(window.location.href, {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          var section = document.getElementById("frontier");
          if (!html || !section) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("frontier");
          if (fresh) { section.replaceWith(document.importNode(fresh, true)); }
        });
    };
    var ask = function () {
      fetch(frontier.dataset.frontierUrl, {credentials: "same-origin"})
        .then(function (r) { return r.ok || r.status === 202 ? r.json() : null; })
        .then(function (f) {
          if (!f) { return; }
          var status = Array.isArray(f) ? "ready" : f.status;
          if (status === "ready" || status === "failed") { swap(); return; }
          window.setTimeout(ask, 3000);
        });
    };
    window.setTimeout(ask, 2000);
  }
  var dialog = document.getElementById("photo-dialog");
  if (dialog && dialog.showModal) {
    document.querySelectorAll("a.thumb").forEach(function (a) {
      a.addEventListener("click", function (e) {
        e.preventDefault();
        dialog.querySelector("img").src = a.href;
        dialog.querySelector("img").alt = a.querySelector("img").alt;
        dialog.showModal();
      });
    });
  }
})();
