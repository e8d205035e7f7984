// The round form: a row's remove button takes the row out (without JS, clearing it does).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-remove-row]");
    if (!button) { return; }
    var row = button.closest("[data-row]");
    if (row) { row.remove(); }
  });
})();
