// Small progressive help; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Keyboard shortcuts on the linkage review page: l = link, n = not link.
  var review = document.querySelector("form[data-review]");
  if (review) {
    document.addEventListener("keydown", function (e) {
      if (e.target.tagName === "INPUT" || e.target.tagName === "TEXTAREA") return;
      var b = null;
      if (e.key === "l") b = review.querySelector("button[value=link]");
      if (e.key === "n") b = review.querySelector("button[value=not-link]");
      if (b) { e.preventDefault(); b.click(); }
    });
  }
  // Ask before a deletion.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault();
    });
  });
});
