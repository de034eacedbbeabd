// Draws the Plotly charts of the follow-up pages. A chart is a <div class="js-plotly-chart"> whose
// data-figure holds the figure (data, layout) and data-config Plotly's config: the Content-Security-Policy
// allows no inline script, so the page carries data and this file, served from our origin, the code.
(function () {
  "use strict";

  function draw(root) {
    if (!window.Plotly) {
      return;
    }
    root.querySelectorAll("div.js-plotly-chart:not([data-drawn])").forEach(function (el) {
      el.setAttribute("data-drawn", "");
      var figure = JSON.parse(el.getAttribute("data-figure") || "{}");
      var config = JSON.parse(el.getAttribute("data-config") || "{}");
      window.Plotly.newPlot(el, figure.data || [], figure.layout || {}, config);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
  // content htmx swaps in
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
