// Progressive enhancement only: every page works without this file.
// No inline scripts anywhere, so the Content Security Policy stays strict.
(function () {
  "use strict";

  // Focus after every htmx swap, so keyboard and screen-reader users are never dropped on <body>:
  // 1. new content that asks for focus ([data-focus-after-swap]: an error summary, a status) gets it;
  // 2. otherwise the element that had focus, if a swap replaced it, is found again by its id
  //    (a button that was swapped out of band, a field in a re-rendered form);
  // 3. otherwise, if focus was lost, the swapped region itself takes it.
  var before = null;

  document.addEventListener("htmx:beforeRequest", function () {
    // Feedback written beside a button ([data-transient]) belongs to the last press only.
    document.querySelectorAll("[data-transient]").forEach(function (el) { el.remove(); });
    var active = document.activeElement;
    before = active && active !== document.body ? { el: active, id: active.id || "" } : null;
  });

  function focusable(el) {
    if (!el.matches("a[href], button, input, select, textarea, summary, [tabindex]")) {
      el.setAttribute("tabindex", "-1");
    }
    el.focus();
  }

  // What the server asks for after a swap (HX-Trigger, sent through Flask-HTMX by marketplace/htmx.py):
  // "mps-focus" names the element to focus once the swap has settled; "mps-announce" puts a message
  // in a live region for screen readers.
  var focusAsked = null;
  document.addEventListener("mps-focus", function (event) {
    focusAsked = event.detail && event.detail.selector ? event.detail.selector : null;
  });
  document.addEventListener("mps-announce", function (event) {
    var region = event.detail && document.getElementById(event.detail.region);
    if (region) { region.textContent = event.detail.message; }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target) { return; }
    if (focusAsked) {
      var wanted = document.querySelector(focusAsked);
      focusAsked = null;
      if (wanted) { focusable(wanted); return; }
    }
    var asked = target.querySelector("[data-focus-after-swap]");
    if (asked) { focusable(asked); return; }
    var active = document.activeElement;
    var lost = !active || active === document.body || !active.isConnected;
    if (!lost || !before) { return; }
    var again = before.id ? document.getElementById(before.id) : null;
    if (again) { again.focus(); return; }
    if (target.isConnected && target !== document.body) { focusable(target); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    // Tables reflow into labelled rows on narrow screens: give cells without a label their
    // column header's text (templates label their own tables; this covers any that do not).
    document.querySelectorAll("main table").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) { return; }
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (!cell.hasAttribute("data-label") && heads[i] && heads[i].textContent.trim()) {
            cell.setAttribute("data-label", heads[i].textContent.trim());
          }
        });
      });
    });
  });
  // Logout: the form to the login provider's end-session endpoint is sent at once (without
  // JavaScript the person presses its button). Posted, so the id_token is in no URL.
  var logout = document.querySelector("form[data-autosubmit]");
  if (logout) { logout.submit(); }
})();
