/* Typeset the formulas in the browser, for a book built without Node.js
 * (book/_ext/katex_math.py typesets them at build time when it has Node.js,
 * and then this script is not on the page). Each formula's TeX is in a
 * <span class="katex-source"> inside span.math (inline) or div.math (display). */
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
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", typeset);
  else typeset();
})();
