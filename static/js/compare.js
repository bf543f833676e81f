// Comparison page and compare tray: small conveniences on top of pages that work without them.
// No inline scripts (strict CSP): buttons that need JavaScript are hidden until this file runs.
(function () {
  "use strict";

  function reveal(root) {
    root.querySelectorAll(".js-only[hidden]").forEach(function (el) { el.hidden = false; });
  }

  function copyLink(button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentNode.querySelector("[data-copy-status]");
    if (!field) { return; }
    var done = function () { if (status) { status.textContent = button.getAttribute("data-copied") || "Lenken er kopiert."; } };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
    } else {
      field.select();
      try { document.execCommand("copy"); done(); } catch (e) { /* the link stays selected for Ctrl+C */ }
    }
  }

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy-target]");
    if (copy) { copyLink(copy); return; }
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:afterSettle", function (event) { reveal(event.detail.target || document); });
})();
