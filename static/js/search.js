// Live search on /tjenester: progressive enhancement over a plain GET form (htmx does the
// requests). This file only keeps the page pleasant to use while the results region is replaced:
// tidy addresses, focus where the person was, open filter groups kept open (the server sends the
// address to push and the result count to read out: HX-Push-Url, HX-Trigger).
(function () {
  "use strict";

  var REGION = "sokeresultat";
  var remembered = { focusId: null, open: [], focusResults: false };

  function region(event) {
    var target = event.detail && event.detail.target;
    return target && target.id === REGION ? target : null;
  }

  // Leave empty and default values out of the address (q=, sorter=relevans).
  document.addEventListener("htmx:configRequest", function (event) {
    if (!region(event)) { return; }
    var params = event.detail.parameters;
    if (params.get && params.get("q") === "") { params.delete("q"); }
    if (params.get && params.get("sorter") === "relevans") { params.delete("sorter"); }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = region(event);
    if (!target) { return; }
    var active = document.activeElement;
    remembered.focusId = active && active.id && target.contains(active) ? active.id : null;
    remembered.focusResults = !!(event.detail.elt && event.detail.elt.hasAttribute &&
                                 event.detail.elt.hasAttribute("data-focus-results"));
    remembered.open = Array.prototype.map.call(
      target.querySelectorAll("details[data-facet][open]"), function (d) { return d.getAttribute("data-facet"); });
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = region(event);
    if (!target) { return; }
    remembered.open.forEach(function (key) {
      var details = target.querySelector('details[data-facet="' + key + '"]');
      if (details) { details.open = true; }
    });
    // The result count is read out from the server's HX-Trigger "mps-announce" (app.js).
    var focus = null;
    if (remembered.focusResults) {
      focus = document.getElementById("treff-overskrift");
    } else if (remembered.focusId) {
      focus = document.getElementById(remembered.focusId);
    }
    if (focus) { focus.focus(); }
  });
})();
