/* Formulas. book/_ext/katex_math.py typesets them when the book is built and
 * adds this small script to every page with a formula:
 *
 * - a display formula wider than the column scrolls sideways; while it does,
 *   it takes the keyboard focus (Tab), so that it can be scrolled with the
 *   arrow keys (as the theme does for wide code);
 * - a book built without Node.js leaves each formula's TeX in a
 *   <span class="katex-source"> inside span.math (inline) or div.math
 *   (display): katex.min.js (then on the page) typesets it here. */
(function () {
  "use strict";
  function typeset() {
    document.querySelectorAll(".math .katex-source").forEach(function (source) {
      var holder = document.createElement("span");
      try {
        katex.render(source.textContent, holder, {
          displayMode: source.parentNode.tagName === "DIV", output: "htmlAndMathml",
          throwOnError: false });
        source.replaceWith.apply(source, Array.prototype.slice.call(holder.childNodes));
      } catch (error) {
        console.error("nnlearn-katex:", error);
      }
    });
  }
  function tabStops() {
    document.querySelectorAll("div.math .katex-display").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) el.tabIndex = 0;
      else el.removeAttribute("tabindex");
    });
  }
  var timer = null;
  function start() {
    if (window.katex) typeset();
    tabStops();
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(tabStops, 200);
    });
    // KaTeX's fonts change the widths once they have loaded.
    if (document.fonts) document.fonts.ready.then(tabStops);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
