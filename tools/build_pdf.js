/* Turns the single-page build of the book into a printable book.
 * Injected by tools/build_pdf.py after the figures are drawn; print.css
 * styles what it adds (rules under html.nnlearn-book).
 *
 * window.nnlearnBook.prepare(meta) restructures the page once:
 *   title page, table of contents, chapter numbers on figures, solutions
 *   moved to an appendix (and copied to the end of their chapter for the
 *   chapter PDFs), links made internal to the page.
 * window.nnlearnBook.show(id) shows the whole book (id = null) or one part.
 * window.nnlearnBook.tocIds() and tocStyles() tell tools/build_pdf.py where
 *   the contents' page numbers go (it draws them into the printed PDF).
 */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }

  function retag(node, tag) {
    var copy = document.createElement(tag);
    Array.prototype.slice.call(node.attributes).forEach(function (a) {
      copy.setAttribute(a.name, a.value);
    });
    while (node.firstChild) copy.appendChild(node.firstChild);
    node.replaceWith(copy);
    return copy;
  }

  function headingText(h) {
    var c = h.cloneNode(true);
    c.querySelectorAll(".headerlink").forEach(function (a) { a.remove(); });
    return c.textContent.replace(/\s+/g, " ").trim();
  }

  function stripIds(node, prefix) {
    [node].concat(Array.prototype.slice.call(node.querySelectorAll("[id]"))).forEach(function (n) {
      if (n.id) n.id = prefix + n.id;
    });
  }

  var article, units = [];

  /* Links: the single page names itself (book/index.html#x); make them #x. */
  function internalLinks() {
    var here = location.pathname;
    document.querySelectorAll("article a[href]").forEach(function (a) {
      var url = new URL(a.href, location.href);
      if (!url.hash || url.origin !== location.origin) return;
      var id = decodeURIComponent(url.hash.slice(1));
      if (document.getElementById(id)) a.setAttribute("href", "#" + id);
      else if (url.pathname !== here) a.removeAttribute("href");
    });
  }

  /* Pages of the single page reuse ids ("summary" in every chapter): give each
   * repeat its page's prefix and point the links of that page at its own. */
  function uniqueIds(parts) {
    var seen = {};
    parts.forEach(function (part) {
      var renamed = {};
      [part].concat(Array.prototype.slice.call(part.querySelectorAll("[id]"))).forEach(function (n) {
        if (!n.id) return;
        if (seen[n.id]) { renamed[n.id] = part.id + "--" + n.id; n.id = renamed[n.id]; }
        else seen[n.id] = true;
      });
      part.querySelectorAll("a[href^='#']").forEach(function (a) {
        var id = a.getAttribute("href").slice(1);
        if (renamed[id]) a.setAttribute("href", "#" + renamed[id]);
      });
    });
  }

  function chapterNumber(section) {
    var m = /^(\d+)\.\s/.exec(headingText(section.querySelector("h2")));
    return m ? m[1] : null;
  }

  /* Figures are numbered "3.2" in chapter 3; in a page that is not a numbered
   * chapter but has figures or exercises ("Mathematics you need") by the
   * first letter of its title: "M.2". */
  function figurePrefix(section) {
    return chapterNumber(section) || headingText(section.querySelector("h2")).charAt(0).toUpperCase();
  }

  /* The parts that are printed like chapters: the numbered chapters and the
   * other pages with figures or exercise solutions (not the landing page). */
  function chapterLike(sections) {
    return sections.filter(function (sec) {
      return chapterNumber(sec) || sec.querySelector(".nnlearn-figure, .solution");
    });
  }

  function numberFigures(chapters) {
    var count = 0;
    chapters.forEach(function (sec) {
      var n = figurePrefix(sec), k = 0;
      sec.querySelectorAll(".nnlearn-figure").forEach(function (div) {
        k++; count++;
        var label = (n ? n + "." : "") + k;
        var title = window.nnlearnPrint.figureTitle(div);
        var cap = el("p", { "class": "nnlearn-figure-number" });
        cap.appendChild(el("b", { text: "Figure " + label }));
        if (title) cap.appendChild(document.createTextNode(" " + title));
        if (div.dataset.printState) {
          cap.appendChild(document.createTextNode(" (shown " + div.dataset.printState + ")"));
        }
        var box = div.closest(".output") || div.parentNode;
        box.appendChild(cap);
        div.dataset.printNumber = label;
      });
    });
    return count;
  }

  function collectSolutions(chapters, meta) {
    var appendix = el("section", { id: "nnlearn-solutions", "class": "nnlearn-part nnlearn-book-only" },
                      [el("h2", { text: "Solutions to the exercises" }),
                       el("p", { text: "The solutions of the exercises of each chapter, in order. " +
                                       "Try each exercise before reading its solution." })]);
    var total = 0;
    chapters.forEach(function (sec) {
      var sols = Array.prototype.slice.call(sec.querySelectorAll(".solution"));
      if (!sols.length) return;
      var title = headingText(sec.querySelector("h2"));
      var part = el("section", { id: "nnlearn-solutions-" + sec.id },
                    [el("h3", { text: chapterNumber(sec) ? "Chapter " + title : title })]);
      var local = el("section", { "class": "nnlearn-chapter-only" },
                     [el("h3", { text: "Solutions" })]);
      sols.forEach(function (sol) {
        total++;
        sol.classList.remove("toggle-hidden", "dropdown");
        sol.querySelectorAll(".toggle-button, button.toggle-button").forEach(function (b) { b.remove(); });
        var exLink = sol.querySelector(".admonition-title a[href^='#']");
        var exercise = exLink && document.getElementById(exLink.getAttribute("href").slice(1));
        var copy = sol.cloneNode(true);
        stripIds(copy, "chapter-");
        local.appendChild(copy);
        part.appendChild(sol);
        if (exercise) {
          var ptr = el("p", { "class": "nnlearn-solution-pointer" });
          var a = el("a", { href: "#" + sol.id, "class": "nnlearn-book-only",
                            text: "Solution in the appendix “Solutions to the exercises”." });
          var b = el("a", { href: "#" + copy.id, "class": "nnlearn-chapter-only",
                            text: "Solution at the end of this chapter." });
          b.style.display = "inline";
          ptr.appendChild(a); ptr.appendChild(b);
          exercise.appendChild(ptr);
        }
      });
      appendix.appendChild(part);
      sec.appendChild(local);
    });
    var glossary = document.getElementById("glossary");
    if (glossary) glossary.parentNode.insertBefore(appendix, glossary);
    else article.appendChild(appendix);
    return { appendix: appendix, count: total };
  }

  function titlePage(meta) {
    var parts = [el("h1", { text: meta.title })];
    if (meta.subtitle) parts.push(el("p", { "class": "subtitle", text: meta.subtitle }));
    if (meta.author) parts.push(el("p", { text: meta.author }));
    var line = [meta.version ? "Version " + meta.version : "", meta.date].filter(Boolean).join(" · ");
    parts.push(el("p", { text: line }));
    if (meta.site) parts.push(el("p", { "class": "site", text: meta.site }));
    return el("section", { "class": "nnlearn-title-page nnlearn-book-only" }, parts);
  }

  /* Contents entries point at the heading, not at its section: a heading
   * kept with its text may print a page after its section starts. */
  function tocEntry(section, heading, sub) {
    var li = el("li");
    if (!heading.id) heading.id = "nnlearn-heading-" + section.id;
    var a = el("a", { href: "#" + heading.id },
               [el("span", { "class": "title", text: headingText(heading) }),
                el("span", { "class": "dots" }),
                el("span", { "class": "page", "data-for": heading.id })]);
    li.appendChild(a);
    if (sub && sub.length) {
      var ol = el("ol");
      sub.forEach(function (s) { ol.appendChild(tocEntry(s, s.querySelector("h3"))); });
      li.appendChild(ol);
    }
    return li;
  }

  /* A chapter lists its sections; every part lists the pages under it (the
   * API reference's eight pages), which print as its sections. */
  function tableOfContents(topLevel) {
    var ol = el("ol");
    topLevel.forEach(function (sec) {
      var h = sec.querySelector("h2");
      var subs = Array.prototype.slice.call(
        sec.querySelectorAll(":scope > section, :scope > .toctree-wrapper > section")
      ).filter(function (c) { return c.id && c.querySelector(":scope > h3"); });
      var pages = subs.filter(function (c) { return c.parentElement !== sec; });
      var isChapter = chapterLike([sec]).length > 0 || sec.id === "nnlearn-solutions";
      ol.appendChild(tocEntry(sec, h, isChapter ? subs : pages));
    });
    return el("nav", { "class": "nnlearn-toc nnlearn-book-only", id: "nnlearn-contents" },
              [el("h2", { text: "Contents" }), ol]);
  }

  /* The 3-D figures' pictures as JPEG on white: a rendered surface is a
   * photograph-like image, where PNG (with its alpha mask) is four times as big.
   * The resolution stays (about 290 dpi across the text width). */
  function jpegStills(quality) {
    var imgs = Array.prototype.slice.call(document.querySelectorAll("img.nnlearn-figure-still"));
    return Promise.all(imgs.map(function (img) {
      var done = img.decode ? img.decode() : Promise.resolve();
      return done.then(function () {
        var c = document.createElement("canvas");
        c.width = img.naturalWidth; c.height = img.naturalHeight;
        var ctx = c.getContext("2d");
        ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, c.width, c.height);
        ctx.drawImage(img, 0, 0);
        img.src = c.toDataURL("image/jpeg", quality);
        return img.decode ? img.decode() : null;
      });
    })).then(function () { return imgs.length; });
  }

  /* Hatched bars (plotly's marker.pattern, there for reading without colour)
   * as vector hatching: Chromium prints every area filled with an SVG pattern
   * as a full-resolution picture of its own, about 0.1 MB per bar. Each
   * pattern tile is drawn in place, clipped to the bar. Patterns with a
   * transform (legend swatches, small) are left as they are. */
  var SVGNS = "http://www.w3.org/2000/svg";

  function hatch(shape, pat, uid) {
    var pw = parseFloat(pat.getAttribute("width")), ph = parseFloat(pat.getAttribute("height"));
    var px = parseFloat(pat.getAttribute("x") || 0), py = parseFloat(pat.getAttribute("y") || 0);
    var box = shape.getBBox();
    if (!(pw > 0 && ph > 0) || !box.width || !box.height) return false;
    var clip = document.createElementNS(SVGNS, "clipPath");
    clip.id = "nnlearn-hatch-" + uid;
    var outline = shape.cloneNode(false);
    ["style", "class", "transform"].forEach(function (a) { outline.removeAttribute(a); });
    clip.appendChild(outline);
    var g = document.createElementNS(SVGNS, "g");
    g.setAttribute("clip-path", "url(#" + clip.id + ")");
    if (shape.getAttribute("transform")) g.setAttribute("transform", shape.getAttribute("transform"));
    var cs = getComputedStyle(shape);
    g.style.opacity = String((+cs.opacity || 1) * (+cs.fillOpacity || 1));
    var x0 = px + Math.floor((box.x - px) / pw) * pw, y0 = py + Math.floor((box.y - py) / ph) * ph;
    for (var x = x0; x < box.x + box.width; x += pw) {
      for (var y = y0; y < box.y + box.height; y += ph) {
        var tile = document.createElementNS(SVGNS, "g");
        tile.setAttribute("transform", "translate(" + x + "," + y + ")");
        Array.prototype.forEach.call(pat.children, function (c) { tile.appendChild(c.cloneNode(true)); });
        g.appendChild(tile);
      }
    }
    shape.parentNode.insertBefore(clip, shape);
    shape.parentNode.insertBefore(g, shape);
    shape.style.fill = "none";
    return true;
  }

  function vectorPatterns() {
    var n = 0;
    document.querySelectorAll(".nnlearn-figure svg [style*='url(']").forEach(function (shape) {
      var m = /url\(["']?[^#"')]*#([^"')]+)["']?\)/.exec(shape.style.fill || "");
      var pat = m && document.getElementById(m[1]);
      if (!pat || pat.tagName.toLowerCase() !== "pattern" || pat.getAttribute("patternTransform") ||
          pat.getAttribute("viewBox") || pat.getAttribute("patternUnits") !== "userSpaceOnUse") return;
      if (hatch(shape, pat, n + 1)) n++;
    });
    return n;
  }

  /* The Plotly that drew a figure (each plotly.js bundle is a Plotly of its own). */
  function plotlyOf(div) {
    var api = window.nnlearnFigures;
    return (api && api.plotlyOf && api.plotlyOf(div)) || div.nnlearnPlotly || window.Plotly;
  }

  /* The slider step a figure opens at on the site (its JSON's sliders[0].active;
   * nnlearnPrint.stills() has moved the drawn figure to its last frame). */
  function openingStep(div) {
    var script = document.querySelector("script.nnlearn-figure-data[data-target='" + div.id + "']");
    try {
      var active = JSON.parse(script.textContent).layout.sliders[0].active;
      return typeof active === "number" ? active : null;
    } catch (e) { return null; }
  }

  /* An animation prints at one frame: its slider goes, and the frame it shows
   * ("after step 1550") goes into the figure's caption. The frame is the one
   * the page opens at, which the text next to the figure describes ("with 3
   * bits it is a coarse staircase", "it opens at +40"); an animation that
   * opens at its first frame, a run to be played, prints its last: the
   * result. A 3-D figure is a picture by now, of its last frame. */
  function sliderCaptions() {
    var chain = Promise.resolve(), n = { sliders: 0, opening: 0 };
    document.querySelectorAll(".nnlearn-figure").forEach(function (div) {
      var sliders = (div.layout && div.layout.sliders) || [];
      if (!sliders.length || !sliders[0].steps || !sliders[0].steps.length) return;
      var sl = sliders[0], steps = sl.steps, last = steps.length - 1;
      var replaced = div.classList.contains("nnlearn-figure-replaced");
      var k = Math.min(sl.active === undefined ? last : sl.active, last);
      var opening = openingStep(div);
      if (!replaced && opening !== null && opening > 0 && opening < last && opening !== k &&
          steps[opening].method === "animate" && steps[opening].args) {
        var name = steps[opening].args[0][0];
        k = opening; n.opening++;
        chain = chain.then(function () {
          return plotlyOf(div).animate(div, [name], { frame: { duration: 0, redraw: true },
                                                      transition: { duration: 0 },
                                                      mode: "immediate" });
        });
        div.dataset.printFrame = name;
      }
      var step = steps[k];
      var label = step.label !== undefined ? step.label : (step.args && step.args[0] && step.args[0][0]);
      var prefix = (sl.currentvalue && sl.currentvalue.visible !== false && sl.currentvalue.prefix) || "";
      div.dataset.printState = (prefix + (label === undefined ? "" : label)).replace(/\s+/g, " ").trim();
      n.sliders++;
      if (!replaced) {
        chain = chain.then(function () { return plotlyOf(div).relayout(div, { sliders: [] }); });
      }
    });
    return chain.then(function () { return n; });
  }

  /* Chromium makes every printed h1-h6 an entry of the PDF outline. Two kinds
   * of heading on the API reference pages are not parts of the book: the
   * heading of the package's own docstring on the part's first page
   * ("nnlearn", which would sit among the part's eight pages) and the section
   * headings inside a docstring ("Checkpoints" in nnlearn.optimizers). They
   * become paragraphs styled as headings (print.css): the package's like a
   * module's, a docstring's one size down. Module headings stay headings. */
  function unlistedHeadings(api) {
    if (!api) return 0;
    var found = [];
    api.querySelectorAll("section").forEach(function (sec) {
      var h = sec.querySelector(":scope > h1, :scope > h2, :scope > h3, :scope > h4, :scope > h5, :scope > h6");
      if (!h) return;
      var isModule = /^module-/.test(sec.id);
      var inModule = sec.parentElement.closest("section[id^='module-']");
      if ((isModule && sec.parentElement === api) || (!isModule && inModule)) found.push(h);
    });
    found.forEach(function (h) {
      var docstring = !/^module-/.test(h.parentElement.id);
      var p = retag(h, "p");
      p.classList.add("nnlearn-unlisted-heading");
      if (docstring) p.classList.add("nnlearn-docstring-heading");
      p.querySelectorAll(".headerlink").forEach(function (a) { a.remove(); });
    });
    return found.length;
  }

  /* The optional derivations and listings sit in dropdowns (sphinx-design's
   * <details>), closed on the site; paper cannot open one, so they print
   * open. A figure's text alternative (details.nnlearn-figure-text) stays
   * closed: the figure itself prints. */
  function openDropdowns() {
    var boxes = document.querySelectorAll("article details.sd-dropdown");
    boxes.forEach(function (d) { d.open = true; });
    return boxes.length;
  }

  function prepare(meta) {
    document.documentElement.classList.add("nnlearn-book");
    article = document.querySelector("article.bd-article");
    internalLinks();
    // The landing page becomes the preface: its h1 an h2, its h2s h3s.
    var landing = article.querySelector(":scope > section");
    landing.querySelectorAll(":scope > section > h2").forEach(function (h) { retag(h, "h3"); });
    var h1 = retag(landing.querySelector(":scope > h1"), "h2");
    h1.textContent = meta.prefaceTitle || "About this book";
    // Paragraphs that only point at the PDF itself.
    landing.querySelectorAll("a[href$='.pdf']").forEach(function (a) {
      var p = a.closest("li") || a.closest("p"); if (p) p.remove();
    });
    // The chapters hang inside the landing page's toctrees: make them its siblings.
    var after = landing;
    // Pages under a page (the API reference's) stay inside it.
    landing.querySelectorAll(".toctree-wrapper").forEach(function (w) {
      if (w.parentElement.closest(".toctree-wrapper")) return;
      after.after(w); after = w;
    });
    var sections = Array.prototype.slice.call(article.querySelectorAll(":scope > .toctree-wrapper > section"));
    uniqueIds([landing].concat(sections));
    var chapters = sections.filter(chapterNumber);
    var printedLikeChapters = chapterLike(sections);
    var figures = numberFigures(printedLikeChapters);
    var opened = openDropdowns();
    var apiMark = document.getElementById("document-book/api");
    var unlisted = unlistedHeadings(apiMark && apiMark.nextElementSibling);
    var sols = collectSolutions(printedLikeChapters, meta);
    var top = [landing].concat(sections);
    var glossaryIndex = top.indexOf(document.getElementById("glossary"));
    top.splice(glossaryIndex < 0 ? top.length : glossaryIndex, 0, sols.appendix);
    var toc = tableOfContents(top);
    article.insertBefore(toc, landing);
    article.insertBefore(titlePage(meta), toc);
    landing.classList.add("nnlearn-part", "nnlearn-book-only");
    chapters.forEach(function (sec) {
      sec.insertBefore(el("p", { "class": "nnlearn-chapter-source nnlearn-chapter-only",
                                 text: "Chapter " + chapterNumber(sec) + " of “" + meta.title +
                                       "”" + (meta.version ? ", version " + meta.version : "") +
                                       (meta.date ? ", " + meta.date : "") + "." }),
                       sec.querySelector("h2").nextSibling);
    });
    units = top;
    return {
      chapters: chapters.map(function (s) {
        var mark = s.previousElementSibling;
        return { id: s.id, title: headingText(s.querySelector("h2")),
                 doc: mark && /^document-/.test(mark.id) ? mark.id.slice(9) : s.id };
      }),
      parts: top.map(function (s) { return { id: s.id, title: headingText(s.querySelector("h2")) }; }),
      figures: figures, solutions: sols.count, unlistedHeadings: unlisted, dropdowns: opened
    };
  }

  /* Show the whole book (id null) or one chapter with its cited references. */
  function show(id) {
    var root = document.documentElement;
    document.querySelectorAll("a[data-nnlearn-href]").forEach(function (a) {
      a.setAttribute("href", a.dataset.nnlearnHref); delete a.dataset.nnlearnHref;
    });
    document.querySelectorAll(".nnlearn-hidden").forEach(function (n) { n.classList.remove("nnlearn-hidden"); });
    root.classList.toggle("nnlearn-chapter-mode", !!id);
    if (!id) return;
    var target = document.getElementById(id);
    var refs = document.getElementById("references");
    var cited = {};
    target.querySelectorAll("a[href^='#']").forEach(function (a) {
      var t = document.getElementById(a.getAttribute("href").slice(1));
      if (t && t.closest && refs && refs.contains(t)) cited[t.id] = true;
    });
    units.concat([document.querySelector(".nnlearn-title-page"),
                  document.getElementById("nnlearn-contents")]).forEach(function (u) {
      if (u && u !== target && !(u === refs && Object.keys(cited).length)) u.classList.add("nnlearn-hidden");
    });
    if (refs && Object.keys(cited).length) {
      refs.querySelectorAll(".citation").forEach(function (c) {
        if (!cited[c.id]) c.classList.add("nnlearn-hidden");
      });
      refs.querySelectorAll(":scope > p").forEach(function (p) { p.classList.add("nnlearn-hidden"); });
    }
    // Links to what this PDF does not hold become plain text.
    target.querySelectorAll("a[href^='#']").forEach(function (a) {
      var t = document.getElementById(a.getAttribute("href").slice(1));
      if (!t || t.closest(".nnlearn-hidden") || (t.offsetParent === null && !t.getClientRects().length)) {
        a.dataset.nnlearnHref = a.getAttribute("href");
        a.removeAttribute("href");
      }
    });
  }

  /* What could still change the page while Chromium prints it: CSS
   * transitions or animations running, fonts loading, pictures not yet
   * decoded. tools/build_pdf.py prints only when there is none, so the same
   * single page prints to the same PDF every time. */
  function unsettled() {
    var busy = [];
    document.getAnimations().forEach(function (a) {
      if (a.playState !== "running") return;
      var t = a.effect && a.effect.target;
      busy.push("animation " + (a.animationName || a.transitionProperty || "") + " on " +
                (t ? t.tagName.toLowerCase() + (t.id ? "#" + t.id : "") : "?"));
    });
    if (document.fonts.status !== "loaded") busy.push("fonts loading");
    Array.prototype.forEach.call(document.images, function (img) {
      if (!img.complete) busy.push("picture " + (img.alt || img.src.slice(0, 60)) + " not loaded");
    });
    return busy;
  }

  /* Text of every heading that prints, in order: the PDF outline's titles. */
  function headings() {
    return Array.prototype.slice.call(document.querySelectorAll("h1, h2, h3, h4, h5, h6"))
      .filter(function (h) { return h.getClientRects().length > 0; })
      .map(headingText);
  }

  /* Where and in which font each contents entry's page number goes
   * (tools/build_pdf.py draws the numbers into the printed contents). */
  function tocStyles() {
    var out = {};
    document.querySelectorAll(".nnlearn-toc .page").forEach(function (span) {
      var cs = getComputedStyle(span), box = span.getBoundingClientRect();
      var link = span.closest("a").getBoundingClientRect();
      out[span.dataset.for] = { width: box.width, top: box.top - link.top, family: cs.fontFamily,
                                size: cs.fontSize, weight: cs.fontWeight,
                                lineHeight: cs.lineHeight, color: cs.color };
    });
    return out;
  }

  function tocIds() {
    return Array.prototype.slice.call(document.querySelectorAll(".nnlearn-toc .page")).map(function (s) {
      return s.dataset.for;
    });
  }

  window.nnlearnBook = { prepare: prepare, jpegStills: jpegStills, sliderCaptions: sliderCaptions, vectorPatterns: vectorPatterns, show: show, tocIds: tocIds,
                        tocStyles: tocStyles, headings: headings, unsettled: unsettled };
})();
