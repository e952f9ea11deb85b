/* Draw the figures that nnlearn.viz wrote into the page, with the plotly.js
 * served from this site, and keep them legible in light and dark mode.
 * Each figure is <div class="nnlearn-figure" id=...> followed by
 * <script type="application/json" class="nnlearn-figure-data" data-target=id>. */
(function () {
  "use strict";
  var COLORS = {
    light: { font: "#1f2328", grid: "#d8dee4", zeroline: "#8c959f", line: "#57606a" },
    dark: { font: "#e6edf3", grid: "#3a424c", zeroline: "#768390", line: "#adbac7" }
  };
  var CONFIG = { responsive: true, displaylogo: false,
                 modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"] };

  function mode() {
    return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
  }

  /* Layout changes that recolour text, grids and axis lines of every subplot. */
  function themeUpdate(layout, c) {
    var u = { "font.color": c.font, paper_bgcolor: "rgba(0,0,0,0)",
              plot_bgcolor: "rgba(0,0,0,0)" };
    Object.keys(layout).forEach(function (key) {
      if (/^[xy]axis\d*$/.test(key)) {
        u[key + ".gridcolor"] = c.grid;
        u[key + ".zerolinecolor"] = c.zeroline;
        u[key + ".linecolor"] = c.line;
        u[key + ".tickcolor"] = c.line;
      } else if (/^scene\d*$/.test(key)) {
        ["xaxis", "yaxis", "zaxis"].forEach(function (ax) {
          var k = key + "." + ax;
          u[k + ".gridcolor"] = c.grid;
          u[k + ".zerolinecolor"] = c.zeroline;
          u[k + ".linecolor"] = c.line;
          u[k + ".color"] = c.font;
        });
      }
    });
    return u;
  }

  function applyUpdate(layout, update) {
    Object.keys(update).forEach(function (path) {
      var parts = path.split("."), obj = layout;
      for (var i = 0; i < parts.length - 1; i++) {
        if (typeof obj[parts[i]] !== "object" || obj[parts[i]] === null) obj[parts[i]] = {};
        obj = obj[parts[i]];
      }
      obj[parts[parts.length - 1]] = update[path];
    });
  }

  function draw(script) {
    var div = document.getElementById(script.dataset.target);
    if (!div || div.dataset.drawn) return;
    div.dataset.drawn = "1";
    var fig = JSON.parse(script.textContent);
    var layout = fig.layout || {};
    // Make sure every subplot that exists gets recoloured.
    ["xaxis", "yaxis"].forEach(function (k) { if (!layout[k]) layout[k] = {}; });
    applyUpdate(layout, themeUpdate(layout, COLORS[mode()]));
    Plotly.newPlot(div, { data: fig.data || [], layout: layout, frames: fig.frames || [],
                          config: CONFIG });
  }

  function recolour() {
    var c = COLORS[mode()];
    document.querySelectorAll(".nnlearn-figure.js-plotly-plot").forEach(function (div) {
      Plotly.relayout(div, themeUpdate(div.layout, c));
    });
  }

  function init() {
    if (typeof Plotly === "undefined") {
      console.warn("nnlearn-figures: plotly.js is not loaded");
      return;
    }
    document.querySelectorAll("script.nnlearn-figure-data").forEach(draw);
    new MutationObserver(recolour).observe(document.documentElement,
      { attributes: true, attributeFilter: ["data-theme"] });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
