// TestID's login page: show only the organisations of the chosen test person, and the
// free-entry fields only when "another person" is chosen. Without JavaScript everything is
// shown and the server checks the choice.
(function () {
  "use strict";
  function update(form) {
    var checked = form.querySelector("input[name=person]:checked");
    var person = checked ? checked.value : "";
    form.querySelectorAll("[data-person-group]").forEach(function (group) {
      var mine = group.getAttribute("data-person-group") === person;
      group.hidden = !mine;
      if (!mine) {
        group.querySelectorAll("input[type=radio]").forEach(function (input) { input.checked = false; });
      }
    });
    // Preselect the first organisation of the chosen person when none is chosen.
    var any = form.querySelector("input[name=organisasjon]:checked");
    var first = form.querySelector("[data-person-group='" + person + "'] input[name=organisasjon]");
    if (!any && first) { first.checked = true; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("body.testid form input[name=person]");
    form = form && form.form;
    if (!form) { return; }
    form.classList.add("js-filtered");
    form.addEventListener("change", function (event) {
      if (event.target.name === "person") { update(form); }
    });
    update(form);
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) { summary.focus(); }
  });
})();
