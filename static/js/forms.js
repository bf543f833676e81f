// Progressive enhancement for the supplier and manager forms. Every form works without this
// file (and without htmx); this only moves the keyboard focus to where htmx changed the page.
(function () {
  "use strict";

  // "Legg til rad": put the focus in the first cell of the row that was just added.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.tagName !== "TBODY") { return; }
    var rows = target.querySelectorAll("tr");
    var input = rows.length ? rows[rows.length - 1].querySelector("input") : null;
    if (input) { input.focus(); }
  });

  // A section saved on its own that came back with errors: the server asks (HX-Trigger "mps-focus",
  // handled in app.js) for its error summary to be focused.
})();
