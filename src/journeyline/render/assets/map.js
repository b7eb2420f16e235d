(function () {
  "use strict";
  var root = document.currentScript.closest(".jl-root") || document;
  var svg = root.querySelector("svg.jl-map");
  if (!svg) return;
  var W = parseFloat(svg.getAttribute("width")), H = parseFloat(svg.getAttribute("height"));
  var viewport = root.querySelector(".viewport");
  var zoomOut = root.querySelector("[data-zoom-value]");
  var zoom = 1, visibleH = H, gridTop = 0, gridH = 0;
  function applyZoom(z) {
    zoom = Math.max(0.1, Math.min(3, z));
    svg.setAttribute("width", (W * zoom).toFixed(1));
    svg.setAttribute("height", (visibleH * zoom).toFixed(1));
    if (zoomOut) zoomOut.textContent = Math.round(zoom * 100) + "%";
  }
  root.querySelectorAll("[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () {
      var k = b.getAttribute("data-zoom");
      if (k === "in") applyZoom(zoom * 1.25);
      else if (k === "out") applyZoom(zoom / 1.25);
      else if (k === "fit") applyZoom(viewport.clientWidth / W);
      else applyZoom(1);
    });
  });
  viewport.addEventListener("wheel", function (e) {
    if (!e.ctrlKey) return;
    e.preventDefault();
    applyZoom(zoom * (e.deltaY < 0 ? 1.1 : 1 / 1.1));
  }, { passive: false });

  // Lane toggles: hide a row and move the rows below it up.
  var rows = Array.prototype.slice.call(svg.querySelectorAll("g.grid > g.row"));
  var labels = svg.querySelectorAll("g.row-label");
  var legend = svg.querySelector("g.legend");
  function relayout() {
    var top = rows.length ? parseFloat(rows[0].getAttribute("data-y")) : 0, hidden = 0;
    rows.forEach(function (row, i) {
      var h = parseFloat(row.getAttribute("data-h"));
      var off = row.getAttribute("data-hidden") === "1";
      row.style.display = off ? "none" : "";
      labels[i].style.display = off ? "none" : "";
      if (off) { hidden += h; return; }
      row.setAttribute("transform", "translate(0 " + top + ")");
      labels[i].setAttribute("transform", "translate(0 " + top + ")");
      top += h;
    });
    gridTop = rows.length ? parseFloat(rows[0].getAttribute("data-y")) : 0;
    gridH = top - gridTop;
    if (legend) legend.setAttribute("transform", "translate(0 " + (-hidden) + ")");
    visibleH = H - hidden;
    svg.setAttribute("viewBox", "0 0 " + W + " " + visibleH);
    applyZoom(zoom);
  }
  root.querySelectorAll("input[data-lane-toggle]").forEach(function (box) {
    box.addEventListener("change", function () {
      var lane = box.getAttribute("data-lane-toggle");
      rows.forEach(function (row) {
        if (row.getAttribute("data-lane") === lane) row.setAttribute("data-hidden", box.checked ? "0" : "1");
      });
      relayout();
    });
  });

  // Hover and focus details per step.
  var panel = root.querySelector(".detail");
  var body = panel && panel.querySelector(".detail-body");
  var highlight = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  highlight.setAttribute("class", "col-highlight");
  highlight.style.display = "none";
  svg.querySelector("g.grid").appendChild(highlight);
  // Nothing is hidden yet and the SVG already has every row in place: only measure the
  // grid (writing the same transforms again would just invalidate the map's layout).
  gridTop = rows.length ? parseFloat(rows[0].getAttribute("data-y")) : 0;
  rows.forEach(function (row) { gridH += parseFloat(row.getAttribute("data-h")); });
  // Every step's details travel as JSON (html.py: details_data); the panel is built on demand.
  var island = root.querySelector("script.jl-data");
  var data = island ? JSON.parse(island.textContent) : { columns: [], steps: [] };
  var current = null;
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }
  function show(step) {
    if (!panel || step === current) return;
    var d = data.steps[step - 1];
    if (!d || !d.length) return;
    current = step;
    body.textContent = "";
    body.appendChild(el("h2", null, step + ". " + d[0]));
    var tags = el("p");
    d[1].forEach(function (t) { tags.appendChild(el("span", "tag " + t[0], t[1])); });
    body.appendChild(tags);
    var dl = el("dl");
    d[2].forEach(function (f) { dl.appendChild(el("dt", null, f[0])); dl.appendChild(el("dd", null, f[1])); });
    body.appendChild(dl);
    panel.hidden = false;
    var c = data.columns[step - 1];
    highlight.setAttribute("x", c[0]); highlight.setAttribute("width", c[1]);
    highlight.setAttribute("y", gridTop); highlight.setAttribute("height", gridH);
    highlight.style.display = "";
  }
  function stepOf(target) {
    var g = target.closest && target.closest("[data-step]");
    return g ? parseInt(g.getAttribute("data-step"), 10) : null;
  }
  svg.addEventListener("mouseover", function (e) { var s = stepOf(e.target); if (s) show(s); });
  svg.addEventListener("focusin", function (e) { var s = stepOf(e.target); if (s) show(s); });
  svg.querySelectorAll("g.step-card").forEach(function (g) {
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "button");
    g.setAttribute("aria-label", "Step " + g.getAttribute("data-step") + ": details");
  });
  var close = root.querySelector(".detail .close");
  if (close) close.addEventListener("click", function () { panel.hidden = true; highlight.style.display = "none"; current = null; });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && panel && !panel.hidden) { panel.hidden = true; highlight.style.display = "none"; current = null; }
  });
  root.setAttribute("data-ready", "1");
})();
