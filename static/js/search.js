// Live search on /tjenester: progressive enhancement over a plain GET form (htmx does the
// requests). This file only keeps the page pleasant to use while the results region is replaced
// (and, out of band, the filter panel beside it or just its counts): tidy addresses, the panel's
// fingerprints sent along, focus where the person was, open filter groups kept open (the server
// sends the address to push and the result count to read out: HX-Push-Url, HX-Trigger).
(function () {
  "use strict";

  var REGION = "sokeresultat";
  var REGIONS = "#sokeresultat, #sokefiltre";
  var remembered = { focusId: null, facet: null, boxes: [], open: [], focusResults: false };

  function region(event) {
    var target = event.detail && event.detail.target;
    return target && target.id === REGION ? target : null;
  }

  function inRegions(el) {
    return !!(el && el.closest && el.closest(REGIONS));
  }

  // Leave empty and default values out of the address (q=, sorter=relevans); send the filter
  // panel's fingerprints, so the answer carries only what changed of it (views/search.py).
  document.addEventListener("htmx:configRequest", function (event) {
    if (!region(event)) { return; }
    var params = event.detail.parameters;
    if (params.get && params.get("q") === "") { params.delete("q"); }
    if (params.get && params.get("sorter") === "relevans") { params.delete("sorter"); }
    var prints = document.getElementById("sokefiltre-kjennetegn");
    if (prints) {
      event.detail.headers["MPS-Facet-Shape"] = prints.getAttribute("data-facet-shape") || "";
      event.detail.headers["MPS-Facet-Counts"] = prints.getAttribute("data-facet-counts") || "";
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!region(event)) { return; }
    var active = document.activeElement;
    var inside = inRegions(active);
    remembered.focusId = inside && active.id ? active.id : null;
    // A control without an id (a facet's "Vis alle"): its filter group, and the boxes it showed.
    var group = inside && active.closest("details[data-facet]:not(.filter-disclosure)");
    remembered.facet = group ? group.getAttribute("data-facet") : null;
    remembered.boxes = group ? Array.prototype.map.call(group.querySelectorAll("input[id]"), function (b) { return b.id; }) : [];
    remembered.focusResults = !!(event.detail.elt && event.detail.elt.hasAttribute &&
                                 event.detail.elt.hasAttribute("data-focus-results"));
    remembered.open = Array.prototype.map.call(
      document.querySelectorAll("#sokeresultat details[data-facet][open], #sokefiltre details[data-facet][open]"),
      function (d) { return d.getAttribute("data-facet"); });
  });

  // Where focus goes when the control that had it is gone: the first value a "Vis alle" revealed,
  // else the group's first value or its heading.
  function replacement() {
    var group = remembered.facet && document.querySelector('#sokefiltre details[data-facet="' + remembered.facet + '"]');
    if (!group) { return null; }
    var boxes = group.querySelectorAll("input[type=checkbox]");
    for (var i = 0; i < boxes.length; i++) {
      if (remembered.boxes.indexOf(boxes[i].id) < 0) { return boxes[i]; }
    }
    return boxes[0] || group.querySelector("summary");
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = region(event);
    // htmx fires afterSettle on every element it swapped (each out-of-band count too): once is enough.
    if (!target || event.target !== target) { return; }
    remembered.open.forEach(function (key) {
      var details = document.querySelector('details[data-facet="' + key + '"]');
      if (details) { details.open = true; }
    });
    // The result count is read out from the server's HX-Trigger "mps-announce" (app.js).
    var focus = null;
    if (remembered.focusResults) {
      focus = document.getElementById("treff-overskrift");
    } else if (remembered.focusId) {
      focus = document.getElementById(remembered.focusId) || replacement();
    } else if (remembered.facet) {
      focus = replacement();
    }
    if (focus && document.activeElement !== focus) { focus.focus(); }
  });
})();
