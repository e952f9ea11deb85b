/* Draw the figures that nnlearn.viz wrote into the page, with the plotly.js
 * served from this site, and keep them legible in light and dark mode.
 *
 * Each figure is <div class="nnlearn-figure" id=... role="img" tabindex="0">
 * followed by <script type="application/json" class="nnlearn-figure-data"
 * data-target=id data-plotly=file> holding its JSON (see
 * nnlearn/viz/render.py); data-plotly names the plotly.js bundle that can draw
 * it (book/_ext/offline_assets.py): plotly-2d.min.js (1.3 MB) for the 2-D
 * traces the book draws, plotly-3d.min.js (1.8 MB) for its 3-D ones,
 * plotly.min.js (4.8 MB) for anything else. Each bundle is a separate Plotly;
 * `window.nnlearnFigures.plotlyOf(div)` is the one that drew a figure.
 *
 * This script is loaded with `async`, only on pages that hold a figure: it
 * starts while the rest of a long page is still arriving, but draws nothing
 * before the text has painted. Then it runs the first figure's bundle (which
 * the page preloads) and draws the page's first figure, wherever it is (it is
 * the one every reader reaches first), and the figures near the viewport,
 * those on the screen first, as their HTML arrives, loading the bundle a
 * figure needs when it needs it; once
 * the page is idle it loads every bundle the page needs, so that scrolling
 * and printing find them ready. It draws all figures before printing and when
 * the reader jumps to an anchor (so the page does not move under the target).
 * `window.nnlearnFigures.drawAll()` returns a Promise resolved once every
 * figure of the page is drawn (the PDF export calls it).
 *
 * Keyboard: a figure takes the focus (Tab); Space or Enter plays and pauses
 * an animated figure, the left and right arrows step through its frames. */
(function () {
  "use strict";
  /* Page colours of nnlearn.viz.theme (LIGHT and DARK); tests/test_viz*.py
   * check that they equal the Python values. */
  var COLORS = {
    light: { font: "#1f2328", grid: "#d8dee4", zeroline: "#8c959f", line: "#57606a" },
    dark: { font: "#e6edf3", grid: "#3a424c", zeroline: "#768390", line: "#adbac7" }
  };
  /* Trace colours: the figures store theme.COLORWAY; on the dark page each is
   * swapped for the same entry of theme.DARK_COLORWAY. */
  var COLORWAY = ["#3f64a3", "#d6771a", "#19a086", "#d33066", "#895bf6", "#936306", "#0e9fb8",
                  "#6b7785"];
  var DARK_COLORWAY = ["#809cec", "#e18233", "#13a081", "#e33e68", "#8c5cfa", "#f2be2a",
                       "#2bb8d0", "#9aa5b1"];
  /* No mode bar: its buttons would be focusable controls inside an element of
   * role "img" (axe-core: nested-interactive). Dragging still zooms, a double
   * click resets the axes. */
  var CONFIG = { responsive: true, displaylogo: false, displayModeBar: false,
                 modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"] };
  /* Draw a figure when it is this close to the viewport. */
  var NEAR = "800px 0px";

  var here = document.currentScript && document.currentScript.src;
  var STATIC = here ? here.replace(/nnlearn-figures\.js(\?.*)?$/, "") : "_static/";
  var FULL = "plotly.min.js";
  /* Light trace colour -> dark twin, by "#rrggbb" and by "r,g,b" (for rgba()). */
  var TO_DARK = {}, RGB_TO_DARK = {};
  function rgb(hex) {
    return [1, 3, 5].map(function (i) { return parseInt(hex.substr(i, 2), 16); }).join(",");
  }
  COLORWAY.forEach(function (c, i) {
    TO_DARK[c.toLowerCase()] = DARK_COLORWAY[i];
    RGB_TO_DARK[rgb(c)] = rgb(DARK_COLORWAY[i]);
  });
  var RGBA = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(,\s*[\d.]+\s*)?\)$/i;

  var figures = [];
  var bundles = {};  /* file -> Promise of the Plotly it defines */

  function mode() {
    return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
  }

  /* Load one plotly.js bundle; resolves to its Plotly. A bundle sets
   * window.Plotly when it runs, and its load event fires right after that, before
   * any other script runs: that Plotly is the bundle's. */
  function loadBundle(file) {
    if (!bundles[file]) {
      bundles[file] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = STATIC + file;
        script.async = true;
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = function () {
          reject(new Error("nnlearn-figures: cannot load " + STATIC + file));
        };
        document.head.appendChild(script);
      });
    }
    return bundles[file];
  }

  /* Every bundle the page's figures need; resolves to the Plotly loaded last. */
  function loadPlotly() {
    var files = figures.map(function (s) { return s.bundle; })
      .filter(function (f, i, all) { return all.indexOf(f) === i; });
    if (!files.length) files = [FULL];
    return files.reduce(function (chain, file) {
      return chain.then(function () { return loadBundle(file); });
    }, Promise.resolve());
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

  /* The dark twin of a light trace colour ("#rrggbb", rgb() or rgba()), else c. */
  function darkColour(c) {
    var dark = TO_DARK[c.toLowerCase()];
    if (dark) return dark;
    var m = RGBA.exec(c), twin = m && RGB_TO_DARK[m[1] + "," + m[2] + "," + m[3]];
    if (!twin) return c;
    return m[4] ? "rgba(" + twin + m[4].replace(/\s/g, "") + ")" : "rgb(" + twin + ")";
  }

  /* Replace every light trace colour by its dark twin, everywhere in obj. */
  function darken(obj) {
    if (!obj || typeof obj !== "object") return;
    Object.keys(obj).forEach(function (k) {
      var v = obj[k];
      if (typeof v === "string") obj[k] = darkColour(v);
      else if (v && typeof v === "object") darken(v);
    });
  }

  /* The figure of `state`, coloured for the current page mode. */
  function build(state) {
    var fig = JSON.parse(state.script.textContent);
    var m = state.mode = mode();
    if (m === "dark") darken(fig);
    var layout = fig.layout || {};
    // Make sure every subplot that exists gets recoloured.
    ["xaxis", "yaxis"].forEach(function (k) { if (!layout[k]) layout[k] = {}; });
    applyUpdate(layout, themeUpdate(layout, COLORS[m]));
    return { data: fig.data || [], layout: layout, frames: fig.frames || [], config: CONFIG };
  }

  function draw(state) {
    if (!state.drawing) {
      state.drawing = loadBundle(state.bundle).then(function (Plotly) {
        state.plotly = state.div.nnlearnPlotly = Plotly;
        return Plotly.newPlot(state.div, build(state));
      }).then(function () {
        state.div.dataset.drawn = "1";
        if (state.mode !== mode()) state.plotly.react(state.div, build(state));
        watchAnimation(state);
        if (state.observer) state.observer.unobserve(state.div);
        state.done();
      });
    }
    return state.drawing;
  }

  /* Figures waiting to be drawn: one at a time, with a frame painted between
   * two, so that the figure in view appears before its neighbours are drawn;
   * the first once the page has painted its text. */
  var queue = [], pumping = false, painted = null;

  function afterPaint() {
    if (!painted) {
      painted = new Promise(function (resolve) {
        requestAnimationFrame(function () { setTimeout(resolve, 0); });
        setTimeout(resolve, 500);  /* no frames in a hidden tab */
      });
    }
    return painted;
  }

  function request(state, first) {
    if (state.drawing || state.queued) return;
    state.queued = true;
    if (first) queue.unshift(state); else queue.push(state);
    if (!pumping) {
      pumping = true;
      afterPaint().then(next);
    }
  }

  function next() {
    var state = queue.shift();
    if (!state) { pumping = false; return; }
    draw(state).then(function () {
      requestAnimationFrame(function () { setTimeout(next, 0); });
    }, function (e) { console.error(e); setTimeout(next, 0); });
  }

  function drawAll() {
    figures.forEach(function (state) { request(state, false); });
    return Promise.all(figures.map(function (s) { return s.promise; }))
      .then(function () { return figures.length; });
  }

  function recolour() {
    figures.forEach(function (state) {
      if (state.div.dataset.drawn) state.plotly.react(state.div, build(state));
    });
  }

  /* --- animations from the keyboard --------------------------------------- */

  function frameNames(gd) {
    var slider = (gd.layout.sliders || [])[0];
    if (!slider) return [];
    return slider.steps.map(function (s) { return s.args && s.args[0] && s.args[0][0]; });
  }

  function watchAnimation(state) {
    var gd = state.div;
    state.playing = false;
    gd.on("plotly_animatingframe", function () { state.playing = true; });
    gd.on("plotly_animated", function () { state.playing = false; });
    gd.on("plotly_animationinterrupted", function () { state.playing = false; });
  }

  function playOptions(gd) {
    var menu = (gd.layout.updatemenus || [])[0];
    var play = menu && menu.buttons && menu.buttons[0];
    var opts = play && play.args && play.args[1];
    return JSON.parse(JSON.stringify(opts || { frame: { duration: 450, redraw: true },
                                                transition: { duration: 0 },
                                                mode: "immediate" }));
  }

  function onKey(state, event) {
    var gd = state.div, Plotly = state.plotly;
    if (event.target !== gd || !state.div.dataset.drawn) return;
    var names = frameNames(gd);
    if (!names.length) return;
    var full = (gd._fullLayout.sliders || [])[0] || gd.layout.sliders[0];
    var current = full.active || 0;
    if (event.key === " " || event.key === "Enter") {
      event.preventDefault();
      if (state.playing) {
        Plotly.animate(gd, [null], { mode: "immediate", frame: { duration: 0, redraw: false },
                                     transition: { duration: 0 } });
        state.playing = false;
      } else {
        var opts = playOptions(gd);
        var atEnd = current >= names.length - 1;
        opts.fromcurrent = !atEnd;
        state.playing = true;
        Plotly.animate(gd, atEnd ? names : null, opts).catch(function () {});
      }
    } else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      event.preventDefault();
      var next = Math.max(0, Math.min(names.length - 1,
                                      current + (event.key === "ArrowRight" ? 1 : -1)));
      var step = playOptions(gd);
      step.transition = { duration: 0 };
      step.mode = "immediate";
      Plotly.animate(gd, [names[next]], step).catch(function () {});
    }
  }

  /* --- set-up ------------------------------------------------------------- */

  function jumpedToAnchor() {
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) return;
    var y = window.scrollY;
    drawAll().then(function () {
      // Figures drawn above the target may have moved it: go back to it,
      // unless the reader scrolled meanwhile.
      if (Math.abs(window.scrollY - y) < 2) target.scrollIntoView();
    });
  }

  var observer = null;

  /* Whether the parser has put a node after `node` (and so has all of it). */
  function parsedPast(node) {
    for (; node && node !== document.body; node = node.parentNode) {
      if (node.nextSibling) return true;
    }
    return false;
  }

  /* Take over the figures whose data has arrived and that are not yet known. */
  function adopt() {
    document.querySelectorAll("script.nnlearn-figure-data").forEach(function (script) {
      // While the page loads, a figure's data is complete once the parser has
      // gone past it (its script is often the last child of its output).
      if (document.readyState === "loading" && !parsedPast(script)) return;
      var div = document.getElementById(script.dataset.target);
      if (!div || div.nnlearnFigure) return;
      var state = { div: div, script: script, drawing: null, queued: false,
                    observer: observer, playing: false, plotly: null,
                    bundle: script.dataset.plotly || FULL };
      state.promise = new Promise(function (resolve) { state.done = resolve; });
      div.nnlearnFigure = state;
      div.addEventListener("keydown", function (e) { onKey(state, e); });
      // The page's first figure is drawn at once, wherever it is.
      if (!figures.length) request(state, true);
      figures.push(state);
      if (observer) observer.observe(div); else request(state, false);
    });
  }

  /* Runs as soon as the script does, possibly before the page has arrived. */
  function start() {
    observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (!e.isIntersecting) return;
        // A figure already on the screen goes before those merely near it.
        var r = e.boundingClientRect;
        request(e.target.nnlearnFigure, r.bottom > 0 && r.top < window.innerHeight);
      });
    }, { rootMargin: NEAR }) : null;
    // Run the first figure's bundle (the page preloads it) once the text is painted.
    var first = document.querySelector('link[rel="preload"][as="script"][href*="plotly"]');
    if (first) {
      var file = first.getAttribute("href").split("?")[0].split("/").pop();
      afterPaint().then(function () { loadBundle(file); });
    }
    new MutationObserver(recolour).observe(document.documentElement,
      { attributes: true, attributeFilter: ["data-theme"] });
    window.addEventListener("beforeprint", function () {
      // beforeprint cannot wait for the queue: draw every figure whose bundle is here.
      figures.forEach(function (state) { if (bundles[state.bundle]) draw(state); });
    });
    window.addEventListener("hashchange", jumpedToAnchor);
    if (document.readyState === "loading") {
      // Figures that arrive while the page loads, then all of them.
      var arriving = new MutationObserver(adopt);
      arriving.observe(document.documentElement, { childList: true, subtree: true });
      document.addEventListener("DOMContentLoaded", function () {
        arriving.disconnect();
        ready();
      });
    } else {
      ready();
    }
  }

  /* Once the whole page is here. */
  function ready() {
    adopt();
    if (!figures.length) return;
    // Have every bundle ready before the reader scrolls or prints.
    var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 200); };
    var preload = function () { idle(function () { loadPlotly(); }, { timeout: 3000 }); };
    if (document.readyState === "complete") preload();
    else window.addEventListener("load", preload);
    if (location.hash) jumpedToAnchor();
  }

  window.nnlearnFigures = {
    drawAll: drawAll,
    loadPlotly: loadPlotly,
    /* The Plotly that drew `div` (each plotly.js bundle defines its own). */
    plotlyOf: function (div) { return div.nnlearnPlotly || window.Plotly; }
  };

  start();
})();
