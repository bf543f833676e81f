// Progressive enhancement only: every page works without this file.
// No inline scripts anywhere, so the Content Security Policy stays strict.
(function () {
  "use strict";
  // After htmx swaps in new content, move focus to a heading that asks for it, so
  // screen-reader and keyboard users land where the change happened.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target) { return; }
    var focus = target.querySelector("[data-focus-after-swap]");
    if (focus) { focus.setAttribute("tabindex", "-1"); focus.focus(); }
  });
})();
