/* Printing: what print.css cannot do alone.
 *
 * Ctrl+P (beforeprint/afterprint): draws figures not drawn yet, shrinks
 * figures wider than a printed page, and lays a still picture over each 3-D
 * scene (WebGL canvases print blank).
 *
 * window.nnlearnPrint is also used by tools/build_pdf.py, which prints the
 * whole book with Playwright and can wait for promises:
 *   ready()   resolves once every figure is drawn;
 *   stills()  shows each animation at its last frame (play buttons removed)
 *             and swaps each 3-D figure for a PNG of it, titles included
 *             and slider left out.
 * A figure is driven by the Plotly that drew it (nnlearnFigures.plotlyOf):
 * a page may hold two plotly.js bundles.
 */
(function () {
  "use strict";
  var PRINT_WIDTH = 660; /* CSS px across an A4 or Letter page, margins off */

  function figures() {
    return Array.prototype.slice.call(document.querySelectorAll(".nnlearn-figure"));
  }

  function drawn(div) {
    return !!(div._fullLayout && div.querySelector(".main-svg"));
  }

  function plotly(div) {
    var api = window.nnlearnFigures;
    return api && api.plotlyOf ? api.plotlyOf(div) : window.Plotly;
  }

  function drawAll() {
    var api = window.nnlearnFigures;
    return api && typeof api.drawAll === "function" ? api.drawAll() : undefined;
  }

  /* Resolve when every figure is drawn (or reject after timeoutMs). */
  function ready(timeoutMs) {
    var limit = Date.now() + (timeoutMs || 120000);
    return Promise.resolve(drawAll()).then(function () {
      return new Promise(function (resolve, reject) {
        (function poll() {
          var left = figures().filter(function (d) { return !drawn(d); });
          if (!left.length) return resolve(figures().length);
          if (Date.now() > limit) {
            return reject(new Error(left.length + " figures not drawn: " +
                                    left.map(function (d) { return d.id; }).join(" ")));
          }
          setTimeout(poll, 100);
        })();
      });
    });
  }

  function scenes(div) {
    var fl = div._fullLayout || {};
    return Object.keys(fl).filter(function (k) {
      return /^scene\d*$/.test(k) && fl[k] && fl[k]._scene;
    }).map(function (k) { return fl[k]._scene; });
  }

  function frameNames(div) {
    var frames = (div._transitionData && div._transitionData._frames) || [];
    return frames.map(function (f) { return f.name; });
  }

  function figureTitle(div) {
    var t = div.layout && div.layout.title;
    var text = typeof t === "string" ? t : (t && t.text) || "";
    return text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  }

  /* Show the last frame of an animated figure and drop its play buttons. */
  function lastFrame(div) {
    var names = frameNames(div);
    if (!names.length) return Promise.resolve();
    var sliders = (div.layout && div.layout.sliders) || [];
    var steps = sliders.length && sliders[0].steps ? sliders[0].steps : [];
    var name = names[names.length - 1];
    if (steps.length && steps[steps.length - 1].args) name = steps[steps.length - 1].args[0][0];
    var opts = { frame: { duration: 0, redraw: true }, transition: { duration: 0 },
                 mode: "immediate" };
    return plotly(div).animate(div, [name], opts).then(function () {
      var update = { updatemenus: [] };
      if (steps.length) update["sliders[0].active"] = steps.length - 1;
      div.dataset.printFrame = name;
      return plotly(div).relayout(div, update);
    });
  }

  /* Replace a 3-D figure by a PNG of the whole figure (scale x resolution). */
  function toStill(div, scale) {
    var fl = div._fullLayout;
    return plotly(div).toImage(div, { format: "png", scale: scale || 3,
                                 width: fl.width, height: fl.height }).then(function (url) {
      var img = document.createElement("img");
      img.src = url;
      img.className = "nnlearn-figure-still";
      img.alt = div.getAttribute("aria-label") || figureTitle(div) || "3-D figure";
      img.style.width = fl.width + "px";
      img.style.aspectRatio = fl.width + " / " + fl.height;
      div.parentNode.insertBefore(img, div.nextSibling);
      div.classList.add("nnlearn-figure-replaced");
      return new Promise(function (resolve) {
        if (img.complete) resolve(); else img.onload = img.onerror = function () { resolve(); };
      });
    });
  }

  /* Run take(div, scale) with an animation's slider hidden (a picture of a
   * 3-D figure must not show a control); the slider comes back afterwards, so
   * the PDF export can still read the frame it shows. */
  function sliderHidden(div, take, scale) {
    var sliders = (div.layout && div.layout.sliders) || [];
    if (!sliders.length) return take(div, scale);
    return plotly(div).relayout(div, { "sliders[0].visible": false }).then(function () {
      return take(div, scale);
    }).then(function () {
      return plotly(div).relayout(div, { "sliders[0].visible": true });
    });
  }

  function stills(scale) {
    var chain = Promise.resolve(), n = { animated: 0, threeD: 0 };
    figures().forEach(function (div) {
      // Printing resizes the window: keep the figures as drawn.
      if (div._responsiveChartHandler) {
        window.removeEventListener("resize", div._responsiveChartHandler);
      }
      chain = chain.then(function () {
        if (frameNames(div).length) { n.animated++; return lastFrame(div); }
      }).then(function () {
        if (scenes(div).length) { n.threeD++; return sliderHidden(div, toStill, scale); }
      });
    });
    return chain.then(function () { return n; });
  }

  /* --- Ctrl+P: only work done before beforeprint's microtasks end is printed. --- */
  var savedTheme = null;

  function beforePrint() {
    drawAll();
    var root = document.documentElement;
    if (root.dataset.theme === "dark") {  // paper is white: print the light colours
      savedTheme = root.dataset.theme;
      root.dataset.theme = "light";  // nnlearn-figures.js recolours the figures
    }
    figures().forEach(function (div) {
      if (!div._fullLayout) return;
      var w = div._fullLayout.width;
      if (w > PRINT_WIDTH) div.style.zoom = String(PRINT_WIDTH / w);
    });
    // After the recolouring (queued by the theme change above).
    Promise.resolve().then(snapshot3d);
  }

  function snapshot3d() {
    figures().forEach(function (div) {
      scenes(div).forEach(function (scene) {
        var box = scene.container;
        if (!box || box.querySelector(".nnlearn-print-still")) return;
        var img = document.createElement("img");
        try { img.src = scene.toImage("png"); } catch (e) { return; }
        img.className = "nnlearn-print-still";
        img.alt = "";
        box.classList.add("nnlearn-has-still");
        box.appendChild(img);
      });
    });
  }

  function afterPrint() {
    if (savedTheme) document.documentElement.dataset.theme = savedTheme;
    savedTheme = null;
    document.querySelectorAll(".nnlearn-print-still").forEach(function (img) {
      img.parentNode.classList.remove("nnlearn-has-still");
      img.remove();
    });
    figures().forEach(function (div) { div.style.zoom = ""; });
  }

  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", afterPrint);
  window.nnlearnPrint = { ready: ready, stills: stills, figureTitle: figureTitle };
})();
