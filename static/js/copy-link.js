// "Copy" buttons next to a read-only field: <button data-copy="#field-id" data-copied="Copied">.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
    if (!button) { return; }
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) { return; }
    event.preventDefault();
    var done = function () {
      button.textContent = button.getAttribute("data-copied") || button.textContent;
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
    } else {
      field.select();  // plain http (an intranet): the old way still copies a selection
      if (document.execCommand && document.execCommand("copy")) { done(); }
    }
  });
})();
