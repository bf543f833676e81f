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
  // Logout: the form to the login provider's end-session endpoint is sent at once (without
  // JavaScript the person presses its button). Posted, so the id_token is in no URL.
  var logout = document.querySelector("form[data-autosubmit]");
  if (logout) { logout.submit(); }
})();
