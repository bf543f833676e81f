// Article editor: warn before leaving the page with unsaved changes.
// Progressive enhancement only: the editor works fully without this file.
(function () {
  "use strict";
  var form = document.getElementById("artikkelskjema");
  if (!form) { return; }
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  // Saving or previewing submits the form: leaving is then intended.
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) { return; }
    event.preventDefault();
    event.returnValue = "";
  });
})();
