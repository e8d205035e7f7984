// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Clear an inline error once the person acts again.
  document.addEventListener("htmx:beforeRequest", function () {
    var flash = document.getElementById("flash");
    if (flash && flash.querySelector(".alert-error")) { flash.innerHTML = ""; }
  });
  // htmx does not swap 5xx answers; say so instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var flash = document.getElementById("flash");
    var xhr = event.detail.xhr;
    if (flash && xhr && xhr.getResponseHeader("HX-Retarget") === "#flash") {
      flash.innerHTML = xhr.responseText;
    }
  });
  document.addEventListener("htmx:sendError", function () {
    var flash = document.getElementById("flash");
    if (flash) {
      var message = document.body.getAttribute("data-offline-message") || "Network error";
      flash.textContent = message;
      flash.classList.add("alert", "alert-error");
    }
  });
})();
