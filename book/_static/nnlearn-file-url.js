/* The offline copy of the site is read from file:// URLs, where browsers refuse
 * fetch(). Sphinx's search fetches each hit's page to show a summary under it;
 * from file:// it lists the hits without that summary (and without errors). */
(function () {
  "use strict";
  if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
    DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
  }
})();
