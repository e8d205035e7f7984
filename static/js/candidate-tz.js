// The candidate page shows times in the browser's time zone: report it once, get the page back.
(function () {
  "use strict";
  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var page = document.getElementById("candidate-page");
    var zone = browserZone();
    if (!page || !window.htmx || !zone || zone === page.getAttribute("data-zone")) { return; }
    var url = page.getAttribute("data-page-url") + "?tz=" + encodeURIComponent(zone);
    page.setAttribute("data-zone", zone);
    window.htmx.ajax("GET", url, { target: "#candidate-page", swap: "innerHTML" });
  });
})();
